package polku

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

// constReader gives the same byte forever.
type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

func TestCodeAlphabet(t *testing.T) {
	if len(CodeAlphabet) != 27 {
		t.Errorf("%d characters", len(CodeAlphabet))
	}
	for i, r := range CodeAlphabet {
		if strings.ContainsRune("0O1ILAEUYÅÄÖ", r) {
			t.Errorf("%q is a look-alike or a vowel", r)
		}
		if strings.IndexRune(CodeAlphabet, r) != i {
			t.Errorf("%q twice", r)
		}
		if !(r >= '2' && r <= '9' || r >= 'A' && r <= 'Z') {
			t.Errorf("%q is not an upper-case ASCII letter or digit", r)
		}
	}
}

func TestNewCode(t *testing.T) {
	// 8 characters read 11 bytes; 243 and 255 would bias the choice.
	r := bytes.NewReader([]byte{0, 26, 27, 242, 243, 255, 5, 1, 2, 3, 4})
	got, err := NewCode(r, CardCodeLen)
	if want := "2Z2Z7345"; got != want || err != nil {
		t.Errorf("NewCode = %q, %v; want %q", got, err, want)
	}
	// All rejected in the first read: it reads again.
	r = bytes.NewReader([]byte{250, 250, 250, 8, 9, 0})
	if got, err := NewCode(r, 2); got != "BC" || err != nil {
		t.Errorf("NewCode after rejects = %q, %v; want \"BC\"", got, err)
	}
	for _, n := range []int{0, -1, 65} {
		if _, err := NewCode(rand.Reader, n); ErrorCode(err) != EINVALID {
			t.Errorf("NewCode(%d): err = %v, want %s", n, err, EINVALID)
		}
	}
	boom := errors.New("boom")
	if _, err := NewCode(iotest.ErrReader(boom), 8); ErrorCode(err) != EINTERNAL || !errors.Is(err, boom) {
		t.Errorf("failing reader: err = %v, want %s wrapping it", err, EINTERNAL)
	}
	if _, err := NewCode(bytes.NewReader([]byte{1, 2}), 8); ErrorCode(err) != EINTERNAL {
		t.Errorf("short reader: err = %v, want %s", err, EINTERNAL)
	}
	if _, err := NewCode(constReader(255), 8); ErrorCode(err) != EINTERNAL {
		t.Errorf("useless reader: err = %v, want %s", err, EINTERNAL)
	}
	seen := map[byte]bool{}
	for range 200 {
		code, err := NewCode(rand.Reader, LinkCodeLen)
		if err != nil || len(code) != LinkCodeLen {
			t.Fatalf("NewCode = %q, %v", code, err)
		}
		for i := range len(code) {
			if !strings.ContainsRune(CodeAlphabet, rune(code[i])) {
				t.Fatalf("%q outside the alphabet", code)
			}
			seen[code[i]] = true
		}
	}
	if len(seen) != len(CodeAlphabet) {
		t.Errorf("3200 random characters use %d of %d", len(seen), len(CodeAlphabet))
	}
}

func TestFormatCardCode(t *testing.T) {
	for in, want := range map[string]string{
		"K7QM3XPB": "K7QM-3XPB", "": "", "K7Q": "K7Q", "K7QM": "K7QM", "K7QM3": "K7QM-3", "K7QM3XPBCD": "K7QM-3XPB-CD",
	} {
		if got := FormatCardCode(in); got != want {
			t.Errorf("FormatCardCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when not a code
	}{
		{"K7QM3XPB", "K7QM3XPB"},
		{"k7qm 3xpb", "K7QM3XPB"},
		{"K7QM-3XPB", "K7QM3XPB"},
		{" k7qm – 3xpb\n", "K7QM3XPB"},
		{"К7QМ3ХРВ", "K7QM3XPB"}, // Cyrillic К, М, Х, Р, В
		{"к7qм3хрв", "K7QM3XPB"},
		{"K7QM3XPA", ""}, // a vowel
		{"K7QM3XP0", ""},
		{"K7QM3XPO", ""},
		{"K7QM3XP1", ""},
		{"K7QM3XPl", ""},
		{"K7QM3XPI", ""},
		{"K7QM3XP", ""},
		{"K7QM3XPBB", ""},
		{"", ""},
		{"K7QM.3XPB", ""},
		{"K7QM3XPБ", ""},
		{"Ｋ7QM3XPB", ""}, // full-width
	}
	for _, tt := range tests {
		got, ok := NormalizeCode(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for range 100 {
		code, err := NewCode(rand.Reader, CardCodeLen)
		if err != nil {
			t.Fatal(err)
		}
		for _, typed := range []string{code, FormatCardCode(code), strings.ToLower(FormatCardCode(code)), strings.Join(strings.Split(code, ""), " ")} {
			if got, ok := NormalizeCode(typed); got != code || !ok {
				t.Errorf("NormalizeCode(%q) = %q, %v; want %q", typed, got, ok, code)
			}
		}
	}
}
