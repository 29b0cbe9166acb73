// Package picture draws the images the bot sends: wellbeing card images and
// printable referral posters, as PNG.
//
// It knows no language: every visible text is given by the caller, already
// localized. Text is set in the Go fonts, which cover Latin (Finnish,
// Swedish) and Cyrillic (Ukrainian, Russian) but have no emoji; callers
// should not pass emoji or other symbols outside those scripts. Characters
// the fonts lack are left out rather than drawn as empty boxes.
//
// Text that does not fit is wrapped, then set smaller, then cut with "…";
// it is never drawn outside the image. The same input always gives the same
// bytes.
//
// The package must not import bot, store, flows, pgx or go-telegram: it is
// pure drawing, and the bot decides what to send.
package picture

import (
	"image"
	"image/color"
	"image/draw"
	"sync"
)

// Card is a family's wellbeing card as the family sees it in Telegram.
type Card struct {
	Title  string   // e.g. "Hyvinvointikortti"
	Code   string   // the short code as printed, e.g. "K7QM-3XPA"
	Lines  []string // e.g. "Voimassa 22.5.2027 asti"; 0-4 lines
	Link   string   // what the QR code encodes, e.g. "https://t.me/polku_bot?start=card_K7QM3XPA"
	Footer string   // optional small print, e.g. "Näytä tämä ohjaajalle."
	// Void draws the card revoked or expired: greyed, with a diagonal band.
	// The band holds no word; the caller says why in Lines. The QR code
	// stays readable so that whoever scans it learns the card's state.
	Void bool
}

// Poster is a printable referral poster for an organisation, such as a
// school or the social services.
type Poster struct {
	Title string   // the organisation's name, e.g. "Esimerkkikoulu"
	Lines []string // 1-6 lines of instructions; long lines are wrapped
	Link  string   // the QR code's content, also printed under it in small text
}

// palette is the colours of one image.
type palette struct {
	page, card, shadow  color.RGBA
	accent, text, muted color.RGBA
	qrDark, qrLight     color.RGBA
	band                color.RGBA
}

var (
	calm = palette{
		page:    hex(0xEEF2F0),
		card:    hex(0xD8EDE5),
		shadow:  withAlpha(hex(0x1C3A33), 0.22),
		accent:  hex(0x1D6B5A),
		text:    hex(0x17302A),
		muted:   hex(0x46625B),
		qrDark:  hex(0x0E221E),
		qrLight: hex(0xFFFFFF),
	}
	void = palette{
		page:    hex(0xEFEFEF),
		card:    hex(0xE1E1E1),
		shadow:  withAlpha(hex(0x000000), 0.18),
		accent:  hex(0x6F6F6F),
		text:    hex(0x4D4D4D),
		muted:   hex(0x6F6F6F),
		qrDark:  hex(0x2B2B2B),
		qrLight: hex(0xFFFFFF),
		band:    withAlpha(hex(0xA8463E), 0.30),
	}
)

// The card: 1200×700, under the 1280 pixels at which Telegram starts to
// scale photos down, with the QR code on the right and the text on the left.
const (
	cardW, cardH = 1200, 700
	cardInset    = 40  // from the image's edge to the card's
	cardRadius   = 44  // of the card's corners
	cardPad      = 64  // from the card's edge to its content
	cardQR       = 520 // the QR panel's side, quiet zone included
	cardGutter   = 48  // between the text and the QR panel
)

// cardLayout returns where the card, its QR panel and its text go.
func cardLayout() (card, panel, text image.Rectangle) {
	card = image.Rect(0, 0, cardW, cardH).Inset(cardInset)
	content := card.Inset(cardPad)
	// The panel sits as close to the card's edges as to its top and
	// bottom: the larger the code, the farther away a phone reads it.
	edge := (card.Dy() - cardQR) / 2
	panel = image.Rect(card.Max.X-edge-cardQR, card.Min.Y+edge, card.Max.X-edge, card.Max.Y-edge)
	text = image.Rect(content.Min.X, content.Min.Y, panel.Min.X-cardGutter, content.Max.Y)
	return card, panel, text
}

// blank is an empty card on the page, the same for every card of one
// palette; its soft shadow is the costliest part of a card to draw.
type blank struct {
	img   *image.RGBA
	shape *image.Alpha // where the card is
}

var (
	calmCard = sync.OnceValue(func() blank { return drawBlank(calm) })
	voidCard = sync.OnceValue(func() blank { return drawBlank(void) })
)

func drawBlank(pal palette) blank {
	img := image.NewRGBA(image.Rect(0, 0, cardW, cardH))
	draw.Draw(img, img.Bounds(), image.NewUniform(pal.page), image.Point{}, draw.Src)
	card, _, _ := cardLayout()
	// Three passes of radius 5 spread the shadow 15 pixels; it falls
	// 6 pixels below the card, as from a light above.
	under := roundRect(card.Add(image.Pt(0, 6)), cardRadius)
	shadow := mask(under, under.bounds.Inset(-16).Intersect(img.Bounds()))
	blur(shadow, 5)
	fill(img, shadow, pal.shadow)
	shape := mask(roundRect(card, cardRadius), card)
	fill(img, shape, pal.card)
	return blank{img: img, shape: shape}
}

// CardPNG draws c as a PNG image of 1200×700 pixels. It returns ErrNoLink or
// ErrLinkTooLong when c.Link cannot be drawn as a QR code.
func CardPNG(c Card) ([]byte, error) {
	modules, err := encodeQR(c.Link, levelM)
	if err != nil {
		return nil, err
	}
	tf, err := loadFonts()
	if err != nil {
		return nil, err
	}
	pal, base := calm, calmCard()
	if c.Void {
		pal, base = void, voidCard()
	}
	img := image.NewRGBA(base.img.Rect)
	copy(img.Pix, base.img.Pix)
	_, panel, text := cardLayout()
	w := text.Dx()

	// From the top: title, code, a short accent bar, the lines; the footer
	// sits at the bottom and the lines take what is left between.
	y := text.Min.Y
	title, err := layout(tf, []string{c.Title}, w, 60, style{bold: true, max: 40, min: 26, leading: 1.2, maxLines: 1, color: pal.accent})
	if err != nil {
		return nil, err
	}
	title.draw(img, text.Min.X, y, w)
	if len(title.lines) > 0 {
		y += title.height + 22
	}
	code, err := layout(tf, []string{c.Code}, w, 120, style{bold: true, max: 96, min: 40, leading: 1.1, maxLines: 1, color: pal.text})
	if err != nil {
		return nil, err
	}
	code.draw(img, text.Min.X, y, w)
	if len(code.lines) > 0 {
		y += code.height + 26
	}
	fillShape(img, roundRect(image.Rect(text.Min.X, y, text.Min.X+72, y+8), 4), pal.accent)
	y += 8 + 30

	bottom := text.Max.Y
	footer, err := layout(tf, []string{c.Footer}, w, 64, style{max: 24, min: 18, leading: 1.3, maxLines: 2, color: pal.muted})
	if err != nil {
		return nil, err
	}
	if len(footer.lines) > 0 {
		bottom -= footer.height
		footer.draw(img, text.Min.X, bottom, w)
		bottom -= 24
	}
	lines, err := layout(tf, c.Lines, w, bottom-y, style{max: 34, min: 22, wrapAt: 28, leading: 1.3, gap: 0.25, color: pal.text})
	if err != nil {
		return nil, err
	}
	lines.draw(img, text.Min.X, y, w)

	if c.Void {
		// A band across the text from lower left to upper right, clipped to
		// the card, under the QR panel.
		cx, cy := float32(text.Min.X+text.Dx()/2), float32(text.Min.Y+text.Dy()/2)
		// (dx, dy) runs along the band at 30°, (nx, ny) across it.
		const dx, dy, half = 0.866 * 1400, -0.5 * 1400, 42
		const nx, ny = 0.5 * half, 0.866 * half
		band := mask(polygon(
			[2]float32{cx - dx + nx, cy - dy + ny},
			[2]float32{cx + dx + nx, cy + dy + ny},
			[2]float32{cx + dx - nx, cy + dy - ny},
			[2]float32{cx - dx - nx, cy - dy - ny},
		), base.shape.Rect)
		fill(img, intersect(band, base.shape), pal.band)
	}

	// The code keeps clear of the panel's rounded corners, which cut
	// 0.3 of their radius into the square.
	const radius = 24
	fillShape(img, roundRect(panel, radius), pal.qrLight)
	if err := drawQR(img, modules, panel.Min.X+panel.Dx()/2, panel.Min.Y+panel.Dy()/2, cardQR-radius*2/3, pal.qrDark, pal.qrLight); err != nil {
		return nil, err
	}
	return encodePNG(img)
}

// The poster: A4 portrait at 150 dpi.
const (
	posterW, posterH = 1240, 1754
	posterMargin     = 100 // left and right; printers leave about 30 unprinted
	posterBottom     = 70
	posterQRMax      = 1040 // the QR code's side at most, quiet zone included
)

// PosterPNG draws p as a PNG image of 1240×1754 pixels, A4 at 150 dpi. It
// returns ErrNoLink or ErrLinkTooLong when p.Link cannot be drawn as a QR
// code.
func PosterPNG(p Poster) ([]byte, error) {
	// Level Q: a printed poster gets creased, stained and photographed at an
	// angle, and there is room for the larger code.
	modules, err := encodeQR(p.Link, levelQ)
	if err != nil {
		return nil, err
	}
	tf, err := loadFonts()
	if err != nil {
		return nil, err
	}
	pal := calm
	img := image.NewRGBA(image.Rect(0, 0, posterW, posterH))
	// White paper, the same white as the code's light modules.
	draw.Draw(img, img.Bounds(), image.NewUniform(pal.qrLight), image.Point{}, draw.Src)
	w := posterW - 2*posterMargin

	// A tinted header with the organisation's name, one or two lines.
	title, err := layout(tf, []string{p.Title}, w, 210, style{bold: true, max: 88, min: 48, wrapAt: 72, leading: 1.15, maxLines: 2, color: pal.accent, center: true})
	if err != nil {
		return nil, err
	}
	const headPad = 56
	head := image.Rect(0, 0, posterW, max(title.height, 100)+2*headPad)
	draw.Draw(img, head, image.NewUniform(pal.card), image.Point{}, draw.Src)
	title.draw(img, posterMargin, head.Min.Y+(head.Dy()-title.height)/2, w)

	// The link at the bottom, then the instructions under the header; the
	// QR code takes the room between them, as large as fits.
	link, err := layout(tf, []string{p.Link}, w, 80, style{max: 26, min: 18, wrapAt: 18, leading: 1.3, maxLines: 3, color: pal.muted, center: true})
	if err != nil {
		return nil, err
	}
	linkTop := posterH - posterBottom - link.height
	link.draw(img, posterMargin, linkTop, w)

	top := head.Max.Y + 48
	lines, err := layout(tf, p.Lines, w, 320, style{max: 40, min: 24, leading: 1.3, gap: 0.3, color: pal.text})
	if err != nil {
		return nil, err
	}
	lines.draw(img, posterMargin, top, w)
	if len(lines.lines) > 0 {
		top += lines.height
	}

	// The quiet zone is white like the page, so it doubles as the space
	// around the code.
	side := min(posterQRMax, linkTop-top)
	if err := drawQR(img, modules, posterW/2, top+(linkTop-top)/2, side, pal.qrDark, pal.qrLight); err != nil {
		return nil, err
	}
	return encodePNG(img)
}
