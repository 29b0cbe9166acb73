package report

import (
	"bytes"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The picture's size: as wide as a phone's screen shows a photo, a chart
// under another, its texts large enough to read there.
const (
	pngWidth = 1080 // pixels
	pngChart = 720  // pixels a chart
	pngDPI   = 144
)

// The colours of the period and of the previous one.
var (
	colourNow    = color.RGBA{R: 0x1f, G: 0x5f, B: 0x99, A: 0xff}
	colourBefore = color.RGBA{R: 0xa6, G: 0xc4, B: 0xe0, A: 0xff}
)

// PNG draws the report's headline charts, one under another, in lang:
// each as horizontal bars of the period beside the previous period, the
// figure written at the end of its bar. A hidden figure has no bar: its
// mark ("< 5" or "•") stands where the bar would begin.
func PNG(w Words, r Report, lang string) ([]byte, error) {
	n := len(r.Charts)
	px := func(p int) vg.Length { return vg.Length(p) * vg.Inch / pngDPI }
	c := vgimg.NewWith(vgimg.UseWH(px(pngWidth), px(pngChart*max(n, 1))), vgimg.UseDPI(pngDPI))
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: max(n, 1), Cols: 1, PadTop: px(24), PadBottom: px(24), PadLeft: px(24), PadRight: px(48)}
	for i, ch := range r.Charts {
		p, err := chart(w, r, lang, ch)
		if err != nil {
			return nil, err
		}
		p.Draw(tiles.At(dc, 0, i))
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// chart is one chart as a plot.
func chart(w Words, r Report, lang string, ch Chart) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = say(w, lang, ch.Title)
	p.Title.TextStyle.Font.Size = vg.Points(22)
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Tick.Label.Font.Size = vg.Points(16)
		a.Label.TextStyle.Font.Size = vg.Points(16)
	}
	p.X.Min = 0
	p.X.Tick.Marker = ticks{lang}
	// The groups top down, as a table reads; the y axis counts upwards.
	groups := make([]string, len(ch.Groups))
	for i, g := range ch.Groups {
		groups[len(groups)-1-i] = say(w, lang, g)
	}
	if len(groups) == 0 {
		// Nothing to draw: say so, rather than axes around nothing.
		p.HideAxes()
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 0.5, Y: 0.5}}, Labels: []string{say(w, lang, Label{ID: "report.chart.empty"})}})
		if err != nil {
			return nil, err
		}
		l.TextStyle[0].Font.Size = vg.Points(18)
		l.TextStyle[0].XAlign, l.TextStyle[0].YAlign = draw.XCenter, draw.YCenter
		p.Add(l)
		return p, nil
	}
	p.NominalY(groups...)
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(16)
	width := vg.Points(min(26, 200/float64(len(groups))))
	top := 0.0
	var legend [2]*plotter.BarChart
	for s, cells := range [][]Cell{ch.Before, ch.Now} {
		vals := make(plotter.Values, len(cells))
		labels := plotter.XYLabels{XYs: make(plotter.XYs, len(cells)), Labels: make([]string, len(cells))}
		for i, c := range cells {
			y := float64(len(cells) - 1 - i)
			x := 0.0
			if c.Shown() {
				x = c.X
				if c.Kind == KindShare {
					x *= 100
				}
			}
			vals[len(cells)-1-i] = x
			top = max(top, x)
			labels.XYs[i] = plotter.XY{X: x, Y: y}
			labels.Labels[i] = " " + text(lang, c)
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, err
		}
		bars.Horizontal = true
		bars.LineStyle.Width = 0
		offset := width / 2
		bars.Color = colourNow
		if s == 0 {
			offset, bars.Color = -width/2, colourBefore
		}
		legend[s] = bars
		bars.Offset = offset // the period above the previous one
		l, err := plotter.NewLabels(labels)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Font.Size = vg.Points(16)
			l.TextStyle[i].YAlign = draw.YCenter
		}
		l.Offset = vg.Point{Y: offset}
		p.Add(bars, l)
	}
	p.Legend.Add(r.Period.String(), legend[1])
	p.Legend.Add(r.Previous.String(), legend[0])
	// Room on the right for the figure at the end of the longest bar,
	// and for the legend above it.
	p.X.Max = max(1, top*1.5)
	if top == 0 && shares(ch) {
		// Every share hidden: the axis still reads as per cent.
		p.X.Max = 100
	}
	return p, nil
}

// shares reports whether a chart draws shares (per cent).
func shares(ch Chart) bool {
	for _, c := range append(slices.Clone(ch.Now), ch.Before...) {
		if c.Kind == KindShare {
			return true
		}
	}
	return false
}

// ticks marks the x axis with numbers written as lang writes them.
type ticks struct{ lang string }

func (t ticks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = number(t.lang, ts[i].Value, decimalsOf(ts[i].Value))
		}
	}
	return ts
}

// decimalsOf is how many decimals a tick needs: none for whole numbers.
func decimalsOf(x float64) int {
	if x == float64(int64(x)) {
		return 0
	}
	return 1
}
