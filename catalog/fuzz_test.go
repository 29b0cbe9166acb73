package catalog

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// FuzzReadCSV feeds ReadCSV arbitrary files. It must never panic, and what
// it returns must hold: activities only without problems, and then every
// one valid; problems sorted, capped and with known codes.
func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"../docs/catalogue-template.csv", "testdata/excel-fi.csv"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(header + good))
	f.Add([]byte(header + line("repeat_until", "2027-12-01", "lat", "66,1", "lon", "29,2", "price", "card", "price_without_card", "5,-")))
	f.Add([]byte(header + line("title_fi", "\"a\nb\"") + line("date", "2026-12-10")))
	f.Add([]byte("organiser;id\n\"unterminated;x\n"))
	f.Add([]byte{0xef, 0xbb, 0xbf, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		acts, err := ReadCSV(bytes.NewReader(data), helsinki)
		if err == nil {
			for _, a := range acts {
				if ps := Validate(a); ps != nil {
					t.Fatalf("ReadCSV returned an invalid activity: %v", Problems(ps))
				}
				for _, text := range slices.Concat(slices.Collect(maps.Values(a.Title)), slices.Collect(maps.Values(a.Description)),
					[]string{a.Place.Name, a.Place.Address, a.Contact}) {
					if strings.ContainsFunc(text, control) {
						t.Fatalf("ReadCSV returned a control character in %q", text)
					}
				}
			}
			return
		}
		if acts != nil {
			t.Fatal("activities returned with an error")
		}
		var ps Problems
		if !errors.As(err, &ps) {
			t.Fatalf("error %v is not Problems", err)
		}
		if len(ps) == 0 || len(ps) > MaxProblems {
			t.Fatalf("%d problems", len(ps))
		}
		for i, p := range ps {
			if !slices.Contains(Codes, p.Code) {
				t.Fatalf("unknown code %q", p.Code)
			}
			if i > 0 && p.Line < ps[i-1].Line {
				t.Fatalf("problems not sorted: %v", ps)
			}
			if len([]rune(p.Detail)) > 100 {
				t.Fatalf("detail too long: %q", p.Detail)
			}
		}
	})
}

// FuzzPlainText feeds plainText arbitrary HTML. It must never panic, and
// what it returns is plain: valid UTF-8, no control characters, white
// space collapsed; and, when no entity could have written a "<", no tag
// or comment left in it for a reader that knows HTML, so that reading it
// again changes nothing.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{wordPaste, outlookPaste, "<p>a</p><p>b</p>", `<a title="a > b">x</a>`,
		"<!-- a > b -->c", "unclosed <b", "<<b>b>", "<script>x</script>y", "x<\x01b>y</b>", "a &lt;b&gt; c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := plainText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("plainText(%q) = %q: not UTF-8", s, got)
		}
		if i := strings.IndexFunc(got, unicode.IsControl); i >= 0 {
			t.Fatalf("plainText(%q) = %q: a control character at %d", s, got, i)
		}
		if strings.Join(strings.Fields(got), " ") != got {
			t.Fatalf("plainText(%q) = %q: white space not collapsed", s, got)
		}
		if c := cellText(s); strings.ContainsFunc(c, control) {
			t.Fatalf("cellText(%q) = %q: a control character", s, c)
		}
		if strings.Contains(s, "&") {
			return // "&lt;b&gt;" is the text "<b>"
		}
		z := html.NewTokenizer(strings.NewReader(got))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if tt != html.TextToken {
				t.Fatalf("plainText(%q) = %q: has %s %q", s, got, tt, z.Raw())
			}
		}
		if again := plainText(got); again != got {
			t.Fatalf("plainText(%q) = %q, and again %q", s, got, again)
		}
	})
}

// control reports a control character other than the line feed, which
// the texts families read never hold.
func control(r rune) bool { return r != '\n' && unicode.IsControl(r) }
