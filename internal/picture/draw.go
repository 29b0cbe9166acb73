package picture

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"slices"

	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/vector"
)

// MaxLinkLen is the longest Link, in bytes, that CardPNG and PosterPNG
// accept. A Telegram deep link is at most about 100 bytes; 256 bytes still
// gives the card's QR code modules of 6 pixels, which a phone reads from
// another phone's screen.
const MaxLinkLen = 256

var (
	// ErrNoLink is returned for an empty Link.
	ErrNoLink = errors.New("picture: empty link")
	// ErrLinkTooLong is returned for a Link longer than MaxLinkLen.
	ErrLinkTooLong = errors.New("picture: link too long for a QR code")
)

// qrLevel is the error correction of a QR code. skip2/go-qrcode calls
// level M "Medium" and level Q "High".
type qrLevel = qrcode.RecoveryLevel

const (
	levelM qrLevel = qrcode.Medium
	levelQ qrLevel = qrcode.High
)

// encodeQR returns link's QR code as rows of modules, true for dark,
// including the quiet zone of 4 modules on every side.
func encodeQR(link string, level qrLevel) ([][]bool, error) {
	switch {
	case link == "":
		return nil, ErrNoLink
	case len(link) > MaxLinkLen:
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrLinkTooLong, len(link), MaxLinkLen)
	}
	q, err := qrcode.New(link, level)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLinkTooLong, err)
	}
	return q.Bitmap(), nil
}

// minModule is the smallest module, in pixels, that drawQR accepts: a code
// finer than that is not read reliably from a phone screen or a printout.
const minModule = 4

// drawQR draws modules as large as fit in a size×size square centred on
// (cx, cy), whole pixels per module so that their edges stay sharp.
func drawQR(dst *image.RGBA, modules [][]bool, cx, cy, size int, dark, light color.Color) error {
	n := len(modules)
	scale := size / n
	if scale < minModule {
		return fmt.Errorf("%w: %d modules in %d pixels", ErrLinkTooLong, n, size)
	}
	side := scale * n
	r := image.Rect(cx-side/2, cy-side/2, cx-side/2+side, cy-side/2+side)
	draw.Draw(dst, r, image.NewUniform(light), image.Point{}, draw.Src)
	ink := image.NewUniform(dark)
	for y, row := range modules {
		for x, on := range row {
			if on {
				m := image.Rect(x*scale, y*scale, (x+1)*scale, (y+1)*scale).Add(r.Min)
				draw.Draw(dst, m, ink, image.Point{}, draw.Src)
			}
		}
	}
	return nil
}

// shape is a closed path to fill.
type shape struct {
	bounds image.Rectangle // holds the whole path
	path   func(p pen)
}

// pen draws a path in image coordinates into a rasterizer that covers only
// the part of the image at origin, so that a small shape costs little.
type pen struct {
	z      *vector.Rasterizer
	origin image.Point
}

func (p pen) at(x, y float32) (float32, float32) {
	return x - float32(p.origin.X), y - float32(p.origin.Y)
}

func (p pen) moveTo(x, y float32) { p.z.MoveTo(p.at(x, y)) }
func (p pen) lineTo(x, y float32) { p.z.LineTo(p.at(x, y)) }

func (p pen) cubeTo(x1, y1, x2, y2, x3, y3 float32) {
	x1, y1 = p.at(x1, y1)
	x2, y2 = p.at(x2, y2)
	x3, y3 = p.at(x3, y3)
	p.z.CubeTo(x1, y1, x2, y2, x3, y3)
}

// roundRect is the rectangle r with corners rounded to radius rad.
func roundRect(r image.Rectangle, rad float32) shape {
	return shape{bounds: r, path: func(p pen) {
		x0, y0 := float32(r.Min.X), float32(r.Min.Y)
		x1, y1 := float32(r.Max.X), float32(r.Max.Y)
		// k places the control points of a cubic Bézier that follows a
		// quarter circle to within 0.03 %.
		k := rad * 0.5523
		p.moveTo(x0+rad, y0)
		p.lineTo(x1-rad, y0)
		p.cubeTo(x1-rad+k, y0, x1, y0+rad-k, x1, y0+rad)
		p.lineTo(x1, y1-rad)
		p.cubeTo(x1, y1-rad+k, x1-rad+k, y1, x1-rad, y1)
		p.lineTo(x0+rad, y1)
		p.cubeTo(x0+rad-k, y1, x0, y1-rad+k, x0, y1-rad)
		p.lineTo(x0, y0+rad)
		p.cubeTo(x0, y0+rad-k, x0+rad-k, y0, x0+rad, y0)
		p.z.ClosePath()
	}}
}

// polygon is the closed polygon through points.
func polygon(points ...[2]float32) shape {
	var bounds image.Rectangle
	for _, q := range points {
		x, y := int(math.Floor(float64(q[0]))), int(math.Floor(float64(q[1])))
		bounds = bounds.Union(image.Rect(x, y, x+2, y+2))
	}
	return shape{bounds: bounds, path: func(p pen) {
		p.moveTo(points[0][0], points[0][1])
		for _, q := range points[1:] {
			p.lineTo(q[0], q[1])
		}
		p.z.ClosePath()
	}}
}

// mask rasterises the part of s in area, anti-aliased, into an alpha mask.
func mask(s shape, area image.Rectangle) *image.Alpha {
	m := image.NewAlpha(area)
	if area.Empty() {
		return m
	}
	z := vector.NewRasterizer(area.Dx(), area.Dy())
	s.path(pen{z: z, origin: area.Min})
	z.Draw(m, area, image.Opaque, image.Point{})
	return m
}

// intersect returns the mask that covers what both a and b cover.
func intersect(a, b *image.Alpha) *image.Alpha {
	m := image.NewAlpha(a.Rect.Intersect(b.Rect))
	for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
		for x := m.Rect.Min.X; x < m.Rect.Max.X; x++ {
			v := uint16(a.Pix[a.PixOffset(x, y)]) * uint16(b.Pix[b.PixOffset(x, y)]) / 255
			m.Pix[m.PixOffset(x, y)] = uint8(v)
		}
	}
	return m
}

// fill paints c over dst where m covers it.
func fill(dst *image.RGBA, m *image.Alpha, c color.Color) {
	draw.DrawMask(dst, m.Rect, image.NewUniform(c), image.Point{}, m, m.Rect.Min, draw.Over)
}

// fillShape paints c over dst inside s.
func fillShape(dst *image.RGBA, s shape, c color.Color) {
	fill(dst, mask(s, s.bounds.Intersect(dst.Bounds())), c)
}

// blur softens m in place with three passes of a box blur of radius r,
// which is close to a Gaussian blur and costs the same for any r.
func blur(m *image.Alpha, r int) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	line := make([]int, max(w, h))
	pass := func(at func(i, j int) *uint8, n, lines int) {
		for j := range lines {
			for i := range n {
				line[i] = int(*at(i, j))
			}
			sum := 0
			for i := -r; i < n+r; i++ {
				if k := i + r; k < n {
					sum += line[k]
				}
				if k := i - r - 1; k >= 0 {
					sum -= line[k]
				}
				if i >= 0 && i < n {
					*at(i, j) = uint8(sum / (2*r + 1))
				}
			}
		}
	}
	row := func(i, j int) *uint8 { return &m.Pix[j*m.Stride+i] }
	col := func(i, j int) *uint8 { return &m.Pix[i*m.Stride+j] }
	for range 3 {
		pass(row, w, h)
		pass(col, h, w)
	}
}

// encodePNG encodes img as a paletted PNG with the strongest compression:
// the images are flat colour and anti-aliased text, which lose nothing
// visible in 256 colours and compress to a quarter of the bytes.
func encodePNG(img *image.RGBA) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, quantize(img)); err != nil {
		return nil, fmt.Errorf("picture: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// hex is the opaque colour 0xRRGGBB.
func hex(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xFF}
}

// withAlpha returns c, opaque, at opacity a in 0-1, premultiplied as
// image/color expects.
func withAlpha(c color.RGBA, a float64) color.RGBA {
	m := func(v uint8) uint8 { return uint8(float64(v)*a + 0.5) }
	return color.RGBA{R: m(c.R), G: m(c.G), B: m(c.B), A: m(0xFF)}
}

// quantize returns img, as image.NewRGBA made it, in at most 256 colours: its most frequent ones, each
// other colour replaced by the nearest of them. Those others are the rarer
// shades of anti-aliased edges, whose neighbours on the same ramp are
// frequent. Ties go to the smaller colour value, so the result is
// deterministic.
func quantize(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	pixel := func(i int) uint32 {
		p := img.Pix[i : i+3 : i+3]
		return uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
	}
	// Runs of one colour are long, so counting a run at a time spares most
	// map look-ups.
	count := map[uint32]int{}
	prev, run := pixel(0), 0
	for i := 0; i < len(img.Pix); i += 4 {
		if c := pixel(i); c != prev {
			count[prev] += run
			prev, run = c, 0
		}
		run++
	}
	count[prev] += run

	colours := make([]uint32, 0, len(count))
	for c := range count {
		colours = append(colours, c)
	}
	slices.SortFunc(colours, func(a, b uint32) int {
		if d := count[b] - count[a]; d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	})
	kept := colours[:min(len(colours), 256)]
	pal := make(color.Palette, len(kept))
	index := make(map[uint32]uint8, len(colours))
	for i, c := range kept {
		pal[i] = color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 0xFF}
		index[c] = uint8(i)
	}
	for _, c := range colours[len(kept):] {
		index[c] = nearest(kept, c)
	}

	out := image.NewPaletted(b, pal)
	prev = pixel(0)
	last := index[prev]
	for i, j := 0, 0; i < len(img.Pix); i, j = i+4, j+1 {
		if c := pixel(i); c != prev {
			prev, last = c, index[c]
		}
		out.Pix[j] = last
	}
	return out
}

// nearest returns the index of the colour in pal closest to c.
func nearest(pal []uint32, c uint32) uint8 {
	best, bestD := 0, math.MaxInt
	for i, p := range pal {
		d := 0
		for shift := 0; shift <= 16; shift += 8 {
			v := int(p>>shift&0xFF) - int(c>>shift&0xFF)
			d += v * v
		}
		if d < bestD {
			best, bestD = i, d
		}
	}
	return uint8(best)
}
