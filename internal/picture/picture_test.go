package picture

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

var write = flag.Bool("write", false, "write testdata/card.png, void.png and poster.png for review")

// longLink is a deep link with the longest start parameter Telegram allows.
var longLink = "https://t.me/polku_bot?start=" + strings.Repeat("aB3_-", 12) + "Zz09"

var (
	finnishCard = Card{
		Title:  "Hyvinvointikortti",
		Code:   "K7QM-3XPA",
		Lines:  []string{"Voimassa 22.5.2027 asti", "Maksuttomia käyntejä jäljellä: 8", "Perhe Äijälä–Öhman"},
		Link:   "https://t.me/polku_bot?start=card_K7QM3XPA",
		Footer: "Näytä tämä ohjaajalle.",
	}
	ukrainianCard = Card{
		Title:  "Картка добробуту",
		Code:   "K7QM-3XPA",
		Lines:  []string{"Дійсна до 22.5.2027", "Безкоштовних відвідувань: 8", "Єдина, їжа, ґанок, пʼять"},
		Link:   "https://t.me/polku_bot?start=card_K7QM3XPA",
		Footer: "Покажіть це керівникові.",
	}
	revokedCard = Card{
		Title:  "Hyvinvointikortti",
		Code:   "K7QM-3XPA",
		Lines:  []string{"MITÄTÖITY", "Kortti ei ole enää voimassa."},
		Link:   longLink,
		Footer: "Kysy uutta korttia ohjaajalta.",
		Void:   true,
	}
	schoolPoster = Poster{
		Title: "Esimerkkikoulu",
		Lines: []string{
			"1. Avaa puhelimen kamera ja osoita sillä alla olevaa koodia.",
			"2. Avaa linkki Telegramissa ja paina Aloita.",
			"3. Vastaa muutamaan kysymykseen – saat ehdotuksia perheellesi sopivista harrastuksista ja tuesta.",
			"Skanna koden för att börja på svenska. Відскануйте код, щоб почати українською.",
		},
		Link: longLink,
	}
	// overflowing has too much of everything, with words longer than any
	// line, to check that nothing is drawn outside the margins.
	overflowingCard = Card{
		Title:  strings.Repeat("Hyvinvointikorttiperhepalvelukeskus", 4),
		Code:   "K7QM-3XPA-WWWW-WWWW-WWWW",
		Lines:  []string{strings.Repeat("Ш", 80), strings.Repeat("pitkä sana ", 40), strings.Repeat("W", 200), "ääää", "ööö", "ååå"},
		Link:   longLink,
		Footer: strings.Repeat("Lasten- ja nuorisopsykiatrianpoliklinikka ", 10),
	}
	overflowingPoster = Poster{
		Title: strings.Repeat("Lastensuojelunperhetyönpalveluyksikkö ", 5),
		Lines: []string{
			strings.Repeat("W", 300),
			strings.Repeat("Відскануйте код телефоном ", 20),
			strings.Repeat("lastensuojeluilmoitus ", 30),
			strings.Repeat("ä", 500), "5", "6", "7", "8",
		},
		Link: "https://t.me/polku_bot?start=" + strings.Repeat("W", 200),
	}
)

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	return img
}

// readQR reads the QR code in img as a phone would.
func readQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("NewBinaryBitmapFromImage: %v", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}

func TestImages(t *testing.T) {
	tests := []struct {
		name          string
		draw          func() ([]byte, error)
		link          string
		width, height int
	}{
		{"card", func() ([]byte, error) { return CardPNG(finnishCard) }, finnishCard.Link, 1200, 700},
		{"card ukrainian", func() ([]byte, error) { return CardPNG(ukrainianCard) }, ukrainianCard.Link, 1200, 700},
		{"card long link", func() ([]byte, error) { c := finnishCard; c.Link = longLink; return CardPNG(c) }, longLink, 1200, 700},
		{"card void", func() ([]byte, error) { return CardPNG(revokedCard) }, longLink, 1200, 700},
		{"card overflowing", func() ([]byte, error) { return CardPNG(overflowingCard) }, longLink, 1200, 700},
		{"card bare", func() ([]byte, error) { return CardPNG(Card{Link: "https://t.me/polku_bot"}) }, "https://t.me/polku_bot", 1200, 700},
		{"poster", func() ([]byte, error) { return PosterPNG(schoolPoster) }, longLink, 1240, 1754},
		{"poster overflowing", func() ([]byte, error) { return PosterPNG(overflowingPoster) }, overflowingPoster.Link, 1240, 1754},
		{"poster short", func() ([]byte, error) {
			return PosterPNG(Poster{Title: "Koulu", Lines: []string{"Skannaa."}, Link: "https://t.me/polku_bot?start=o_1"})
		}, "https://t.me/polku_bot?start=o_1", 1240, 1754},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.draw()
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			// Telegram's sendPhoto limits, and our own budget.
			if len(b) > 300<<10 {
				t.Errorf("size = %d bytes, want at most 300 KB", len(b))
			}
			img := decode(t, b)
			got := img.Bounds().Size()
			want := image.Pt(tt.width, tt.height)
			if got != want {
				t.Errorf("size = %v, want %v", got, want)
			}
			if got, want := readQR(t, img), tt.link; got != want {
				t.Errorf("QR code = %q, want %q", got, want)
			}
			// How wide the code is, quiet zone left out, where nothing
			// else has its colour: the QR panel of a card, the middle of a
			// poster.
			where, least := image.Rect(0, 800, posterW, 1300), 800
			if tt.width == cardW {
				_, where, _ = cardLayout()
				least = 360
			}
			if got := extent(img, where, calm.qrDark, void.qrDark); got < least {
				t.Errorf("QR code is %d px wide, want at least %d", got, least)
			} else {
				t.Logf("QR code is %d px wide", got)
			}
			t.Logf("%d bytes", len(b))
		})
	}
}

func TestDeterministic(t *testing.T) {
	draw := func() map[string][]byte {
		var mu sync.Mutex
		var wg sync.WaitGroup
		got := map[string][]byte{}
		for name, f := range map[string]func() ([]byte, error){
			"card":   func() ([]byte, error) { return CardPNG(finnishCard) },
			"void":   func() ([]byte, error) { return CardPNG(revokedCard) },
			"poster": func() ([]byte, error) { return PosterPNG(schoolPoster) },
		} {
			wg.Go(func() {
				b, err := f()
				if err != nil {
					t.Errorf("%s: %v", name, err)
				}
				mu.Lock()
				got[name] = b
				mu.Unlock()
			})
		}
		wg.Wait()
		return got
	}
	first := draw()
	for name, got := range draw() {
		if !bytes.Equal(got, first[name]) {
			t.Errorf("%s: second drawing differs from the first", name)
		}
	}
}

func TestLinkErrors(t *testing.T) {
	tests := []struct {
		name string
		link string
		want error
	}{
		{"empty", "", ErrNoLink},
		{"too long", "https://t.me/polku_bot?start=" + strings.Repeat("x", MaxLinkLen), ErrLinkTooLong},
		{"far too long", strings.Repeat("x", 10000), ErrLinkTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CardPNG(Card{Title: "T", Code: "C", Link: tt.link})
			if !errors.Is(err, tt.want) {
				t.Errorf("CardPNG err = %v, want %v", err, tt.want)
			}
			_, err = PosterPNG(Poster{Title: "T", Lines: []string{"L"}, Link: tt.link})
			if !errors.Is(err, tt.want) {
				t.Errorf("PosterPNG err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestQRTooFine(t *testing.T) {
	modules, err := encodeQR(longLink, levelM)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 200, 200))
	err = drawQR(img, modules, 100, 100, len(modules)*minModule-1, calm.qrDark, calm.qrLight)
	if !errors.Is(err, ErrLinkTooLong) {
		t.Errorf("err = %v, want %v", err, ErrLinkTooLong)
	}
}

// TestMaxLinkLen checks that the longest link allowed still draws a
// readable code on both images.
func TestMaxLinkLen(t *testing.T) {
	link := "https://t.me/polku_bot?start=" + strings.Repeat("é", (MaxLinkLen-29)/2)
	for name, draw := range map[string]func() ([]byte, error){
		"card":   func() ([]byte, error) { return CardPNG(Card{Title: "T", Code: "C", Link: link}) },
		"poster": func() ([]byte, error) { return PosterPNG(Poster{Title: "T", Link: link}) },
	} {
		b, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := readQR(t, decode(t, b)); got != link {
			t.Errorf("%s: QR code = %q, want %q", name, got, link)
		}
	}
}

// extent returns the width of what has one of colours in r.
func extent(img image.Image, r image.Rectangle, colours ...color.RGBA) int {
	left, right := r.Max.X, r.Min.X-1
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			got := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if slices.Contains(colours, got) {
				left, right = min(left, x), max(right, x)
			}
		}
	}
	return right - left + 1
}

// differing counts the pixels in r where a and b differ.
func differing(a, b image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

func TestTextDrawsInk(t *testing.T) {
	_, _, text := cardLayout()
	bare := Card{Title: "Hyvinvointikortti", Code: "K7QM-3XPA", Link: finnishCard.Link}
	tests := []struct {
		name  string
		lines []string
		want  int // pixels that differ from the bare card in the text area, at least
	}{
		{"finnish", []string{"äöå ÄÖÅ"}, 500},
		{"swedish", []string{"Skanna koden för att börja"}, 500},
		{"ukrainian", []string{"єїіґ ЄЇІҐ пʼять"}, 500},
	}
	before := decode(t, must(t, CardPNG)(bare))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bare
			c.Lines = tt.lines
			after := decode(t, must(t, CardPNG)(c))
			if got := differing(before, after, text); got < tt.want {
				t.Errorf("%d pixels differ in the text area, want at least %d", got, tt.want)
			}
		})
	}
}

// TestNoGlyph checks that what the fonts cannot draw is left out: a line of
// emoji and control characters draws nothing and panics nowhere.
func TestNoGlyph(t *testing.T) {
	bare := Card{Title: "Kortti", Code: "K7QM-3XPA", Link: finnishCard.Link}
	strange := bare
	strange.Lines = []string{"😀👨‍👩‍👧", "\x00\x1b\u200d\ufe0f", "\xff\xfe"}
	got := must(t, CardPNG)(strange)
	want := must(t, CardPNG)(bare)
	if !bytes.Equal(got, want) {
		t.Errorf("a card with only undrawable lines differs from one with none")
	}
	if _, err := PosterPNG(Poster{Title: "😀", Lines: []string{"\u0301\u0301", "🇫🇮 Suomi"}, Link: "https://t.me/x"}); err != nil {
		t.Errorf("PosterPNG: %v", err)
	}
}

func must[T any](t *testing.T, f func(T) ([]byte, error)) func(T) []byte {
	return func(v T) []byte {
		t.Helper()
		b, err := f(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// inkOutside returns the first point in r but outside inner whose colour is
// none of allowed.
func inkOutside(img image.Image, r, inner image.Rectangle, allowed ...color.RGBA) (image.Point, bool) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
	pixel:
		for x := r.Min.X; x < r.Max.X; x++ {
			if image.Pt(x, y).In(inner) {
				continue
			}
			got := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			for _, c := range allowed {
				if got == c {
					continue pixel
				}
			}
			return image.Pt(x, y), true
		}
	}
	return image.Point{}, false
}

func TestNoOverflow(t *testing.T) {
	card, panel, text := cardLayout()
	// Inside the card, away from its rounded corners; glyphs may reach a
	// few pixels past their advance, so allow that much.
	cardInside := image.Rect(card.Min.X+8, card.Min.Y+cardRadius, card.Max.X-8, card.Max.Y-cardRadius)
	textArea := image.Rect(text.Min.X-4, text.Min.Y-4, text.Max.X+4, text.Max.Y+4)
	page := image.Rect(0, 0, posterW, posterH)
	posterInside := image.Rect(posterMargin-4, 0, posterW-posterMargin+4, posterH-posterBottom+4)

	tests := []struct {
		name    string
		img     []byte
		r       image.Rectangle // where only allowed colours may be
		inner   image.Rectangle // except here
		allowed []color.RGBA
	}{
		{"card edge", must(t, CardPNG)(overflowingCard), image.Rect(0, 0, cardW, cardH), image.Rect(12, 12, cardW-12, cardH-12), []color.RGBA{calm.page}},
		{"card margins", must(t, CardPNG)(overflowingCard), cardInside, textArea.Union(panel), []color.RGBA{calm.card}},
		{"void card edge", must(t, CardPNG)(revokedCard), image.Rect(0, 0, cardW, cardH), image.Rect(12, 12, cardW-12, cardH-12), []color.RGBA{void.page}},
		{"poster margins", must(t, PosterPNG)(overflowingPoster), page, posterInside, []color.RGBA{calm.card, calm.qrLight}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := decode(t, tt.img)
			if p, found := inkOutside(img, tt.r, tt.inner, tt.allowed...); found {
				t.Errorf("ink at %v: %v", p, img.At(p.X, p.Y))
			}
		})
	}
}

func TestWrap(t *testing.T) {
	tf, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	face, err := newFace(tf.regular, 30)
	if err != nil {
		t.Fatal(err)
	}
	const width = 300
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"fits", "Voimassa 2027 asti", []string{"Voimassa 2027 asti"}},
		{"between words", "Maksuttomia käyntejä jäljellä kahdeksan", []string{"Maksuttomia käyntejä", "jäljellä kahdeksan"}},
		{"long word", strings.Repeat("Ж", 30), nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrap(face, tt.text, fixed.I(width))
			for _, line := range got {
				if w := font.MeasureString(face, line).Ceil(); w > width {
					t.Errorf("line %q is %d px wide, want at most %d", line, w, width)
				}
			}
			if tt.want != nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrap = %q, want %q", got, tt.want)
			}
			if got, want := strings.Join(got, ""), strings.ReplaceAll(tt.text, " ", ""); strings.ReplaceAll(got, " ", "") != want {
				t.Errorf("wrapped text = %q, want %q", got, want)
			}
		})
	}
}

// FuzzText checks that no text, however odd, makes drawing fail or panic.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", " ", "äöå", "єїіґʼ", "😀\u200d", "\xff", strings.Repeat("W", 300), "a\tb\nc\u00a0d\u202fe", "\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := CardPNG(Card{Title: s, Code: s, Lines: []string{s, s}, Link: "https://t.me/x", Footer: s, Void: len(s)%2 == 1}); err != nil {
			t.Errorf("CardPNG: %v", err)
		}
	})
}

func TestWriteForReview(t *testing.T) {
	if !*write {
		t.Skip("run with -write to write testdata/*.png")
	}
	for name, b := range map[string][]byte{
		"card.png":   must(t, CardPNG)(finnishCard),
		"void.png":   must(t, CardPNG)(revokedCard),
		"poster.png": must(t, PosterPNG)(schoolPoster),
	} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes", name, len(b))
	}
}

func BenchmarkCardPNG(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CardPNG(finnishCard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPosterPNG(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PosterPNG(schoolPoster); err != nil {
			b.Fatal(err)
		}
	}
}
