package picture

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// typefaces holds the parsed Go fonts. Parsing takes far longer than drawing
// a card, so it happens once per process; the parsed fonts are read-only and
// shared, while the faces made from them are per call because a face is not
// safe for concurrent use.
type typefaces struct {
	regular, bold *opentype.Font
}

var loadFonts = sync.OnceValues(func() (typefaces, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("picture: parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("picture: parse Go Bold: %w", err)
	}
	return typefaces{regular: regular, bold: bold}, nil
})

// substitutes maps characters the Go fonts lack to ones that look the same.
// U+02BC is the apostrophe Ukrainian spelling asks for (мʼята); U+202F is the
// narrow no-break space some locales put in numbers.
var substitutes = map[rune]rune{
	'\u02BC': '\u2019',
	'\u202F': '\u00A0',
	'\u2011': '-',
}

// clean makes s drawable with f: it substitutes look-alikes, turns every
// other kind of white space into a plain space and drops what f has no glyph
// for (emoji, variation selectors, control characters), so that nothing
// shows up as an empty box.
func clean(f *opentype.Font, s string) string {
	var buf sfnt.Buffer
	var b strings.Builder
	for _, r := range s {
		if sub, ok := substitutes[r]; ok {
			r = sub
		}
		switch {
		case r == '\u00A0':
		case unicode.IsSpace(r):
			r = ' '
		case unicode.IsControl(r):
			continue
		}
		if r == utf8.RuneError {
			continue
		}
		if r != ' ' {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				continue
			}
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.FieldsFunc(b.String(), isBreak), " ")
}

// isBreak reports whether a line may break at r. No-break spaces keep
// "22.5. klo 10" style pairs together.
func isBreak(r rune) bool { return r == ' ' }

const ellipsis = "…"

// newFace returns a face of f at size pixels.
func newFace(f *opentype.Font, size float64) (font.Face, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("picture: font face: %w", err)
	}
	return face, nil
}

// wrap breaks s into lines no wider than width. It breaks between words and
// inside a word only when the word alone is wider than width, which happens
// with links and with long compound words.
func wrap(face font.Face, s string, width fixed.Int26_6) []string {
	var lines []string
	line := ""
	for _, word := range strings.FieldsFunc(s, isBreak) {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		if font.MeasureString(face, candidate) <= width {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		for font.MeasureString(face, line) > width {
			head, tail := cut(face, line, width)
			lines = append(lines, head)
			line = tail
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// cut splits s where its longest prefix that fits width ends. The prefix
// holds at least one rune, so that wrap always makes progress even when a
// single glyph is wider than width.
func cut(face font.Face, s string, width fixed.Int26_6) (head, tail string) {
	end := 0
	for i, r := range s {
		next := i + utf8.RuneLen(r)
		if end > 0 && font.MeasureString(face, s[:next]) > width {
			break
		}
		end = next
	}
	return s[:end], s[end:]
}

// shorten returns s cut so that s plus "…" fits width.
func shorten(face font.Face, s string, width fixed.Int26_6) string {
	for s != "" && font.MeasureString(face, s+ellipsis) > width {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return strings.TrimRight(s, " ") + ellipsis
}

// style says how a block of text looks and how far it may shrink.
type style struct {
	bold     bool
	max, min float64 // font size in pixels, tried from max down to min
	leading  float64 // line height as a multiple of the font size
	gap      float64 // extra space between paragraphs, as a multiple of the font size
	maxLines int     // 0 for as many as fit
	// wrapAt is the largest size at which a paragraph may wrap: above it
	// the text shrinks instead, so that a line a little too long does not
	// leave one word alone on the next. 0 lets it wrap at any size.
	wrapAt float64
	color  color.Color
	center bool
}

// block is text laid out to fit a box: its lines and the face that draws them.
type block struct {
	face   font.Face
	lines  []string
	tops   []int // each line's top relative to the block's top
	height int   // from the first line's top to the last line's bottom
	ascent int
	style  style
}

// layout sets paragraphs in the largest size from st.max down to st.min at
// which they fit a box of w×h pixels. If they do not fit even at st.min, the
// lines that fit are kept and the last of them ends in "…": too much text is
// cut, never drawn outside the box.
func layout(tf typefaces, paragraphs []string, w, h int, st style) (block, error) {
	f := tf.regular
	if st.bold {
		f = tf.bold
	}
	var texts []string
	for _, p := range paragraphs {
		if p = clean(f, p); p != "" {
			texts = append(texts, p)
		}
	}
	for size := st.max; ; size -= 2 {
		last := size <= st.min
		if last {
			size = st.min
		}
		face, err := newFace(f, size)
		if err != nil {
			return block{}, err
		}
		b, fits := set(face, texts, w, h, size, st)
		if st.wrapAt > 0 && size > st.wrapAt && len(b.lines) > len(texts) {
			fits = false
		}
		if fits || last {
			return b, nil
		}
	}
}

// set lays texts out in face and reports whether all of it fits w×h.
func set(face font.Face, texts []string, w, h int, size float64, st style) (block, bool) {
	m := face.Metrics()
	b := block{face: face, ascent: m.Ascent.Ceil(), style: st}
	lineHeight := int(size*st.leading + 0.5)
	glyphHeight := (m.Ascent + m.Descent).Ceil()
	width := fixed.I(w)
	y := 0
	for i, text := range texts {
		if i > 0 {
			y += int(size*st.gap + 0.5)
		}
		for _, line := range wrap(face, text, width) {
			full := st.maxLines > 0 && len(b.lines) == st.maxLines
			if full || y+glyphHeight > h {
				b.cutLast(width)
				return b, false
			}
			b.lines = append(b.lines, line)
			b.tops = append(b.tops, y)
			b.height = y + glyphHeight
			y += lineHeight
		}
	}
	return b, true
}

// cutLast marks the block as cut short by ending its last line in "…".
func (b *block) cutLast(width fixed.Int26_6) {
	if n := len(b.lines); n > 0 {
		b.lines[n-1] = shorten(b.face, b.lines[n-1], width)
	}
}

// draw draws the block with its top-left corner at (x, y), centring each
// line in w if the style says so.
func (b block) draw(dst *image.RGBA, x, y, w int) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(b.style.color), Face: b.face}
	for i, line := range b.lines {
		left := fixed.I(x)
		if b.style.center {
			left += (fixed.I(w) - d.MeasureString(line)) / 2
		}
		d.Dot = fixed.Point26_6{X: left, Y: fixed.I(y + b.tops[i] + b.ascent)}
		d.DrawString(line)
	}
}
