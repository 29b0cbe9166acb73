package polku

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CodeAlphabet is the alphabet of codes: no 0/O, 1/I/L, which look alike,
// and no vowels (nor Y), so that codes never spell words, rude or
// otherwise. 27 characters, 4.75 bits each.
const CodeAlphabet = "23456789BCDFGHJKMNPQRSTVWXZ"

// Code lengths. A card code is read aloud and typed from a card: 8
// characters are 38 bits, plenty when guessing is rate limited. A link
// code travels only inside a t.me link (whose start parameter allows these
// characters), so it can be long enough (76 bits) that guessing is hopeless.
const (
	CardCodeLen = 8
	LinkCodeLen = 16
)

// maxCodeLen bounds NewCode: beyond it a caller has made a mistake.
const maxCodeLen = 64

// NewCode returns n random characters from CodeAlphabet, read from r
// (crypto/rand.Reader in production). Bytes that would bias the choice
// are skipped, so every code is equally likely.
func NewCode(r io.Reader, n int) (string, error) {
	if n <= 0 || n > maxCodeLen {
		return "", Errorf(EINVALID, "code length %d: want 1 to %d", n, maxCodeLen)
	}
	const limit = 256 - 256%len(CodeAlphabet) // bytes ≥ limit would favour the first characters
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+1)
	for tries := 0; len(out) < n; tries++ {
		if tries == 32 {
			// crypto/rand never gets here; a broken reader must not hang us.
			return "", Errorf(EINTERNAL, "random source gives no usable bytes")
		}
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", &Error{Code: EINTERNAL, Message: "reading random bytes", Err: err}
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, CodeAlphabet[int(b)%len(CodeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// FormatCardCode groups a code in fours for reading: "K7QM3XPB" is
// "K7QM-3XPB".
func FormatCardCode(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(code[i:min(i+4, len(code))])
	}
	return b.String()
}

// cyrillicLookalikes maps upper-case Cyrillic letters to the Latin letters
// of CodeAlphabet they look exactly like: a Ukrainian family copying a code
// from a card by eye often types "К" or "С" on their own keyboard.
var cyrillicLookalikes = map[rune]rune{
	'В': 'B', 'С': 'C', 'Н': 'H', 'К': 'K', 'М': 'M', 'Р': 'P', 'Т': 'T', 'Х': 'X',
}

// NormalizeCode turns what a person typed into a card code: it removes
// spaces and dashes, upper-cases, and maps Cyrillic look-alikes (К → K).
// It reports false when a character is not in CodeAlphabet or the length
// is not CardCodeLen.
//
// O, 0, I, 1 and L are not mapped: none of them occurs in a code, and which
// character a person misread as O (Q? D?) or as 1 (7? T?) cannot be known,
// so guessing would only turn a typo into another family's code. The
// caller can say instead that codes have no O, 0, I, 1 or L.
func NormalizeCode(s string) (string, bool) {
	out := make([]byte, 0, CardCodeLen)
	for _, r := range strings.ToUpper(s) {
		if unicode.IsSpace(r) || r == '-' || r == '‐' || r == '‑' || r == '–' || r == '—' {
			continue
		}
		if l, ok := cyrillicLookalikes[r]; ok {
			r = l
		}
		if r >= utf8.RuneSelf || !strings.ContainsRune(CodeAlphabet, r) {
			return "", false
		}
		out = append(out, byte(r))
	}
	if len(out) != CardCodeLen {
		return "", false
	}
	return string(out), true
}
