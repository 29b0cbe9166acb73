package polku

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
)

// The privacy notice's version. The notice's words live in the locales and
// the controller it names in the service's settings; its version is made of
// both, so that it changes whenever either does and never by hand. Consent
// is stored with the version the family saw, and a family that agreed to
// another one is asked again.

// NoticeVersion is the version of the privacy notice whose texts (every
// text of the notice in every language the service speaks, as its
// locales hold them) name controller c: a short hash of the texts, a dash,
// and a short hash of the controller, such as "3f9a12bc-07d2". The two
// halves let NoticeTextsChanged tell what changed.
func NoticeVersion(texts string, c Controller) string {
	t := sha256.Sum256([]byte(texts))
	var b strings.Builder
	for _, lang := range slices.Sorted(maps.Keys(c.Name)) {
		b.WriteString(lang + "\x00" + c.Name[lang] + "\x00")
	}
	b.WriteString("\x01" + c.Contact + "\x01" + c.DPO)
	h := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(t[:4]) + "-" + hex.EncodeToString(h[:2])
}

// NoticeTextsChanged reports whether the notice's words differ between
// versions from and to (rather than only the controller it names). A
// version from before versions were computed (a date, "2026-11-22") had
// other words.
func NoticeTextsChanged(from, to string) bool {
	a, _, _ := strings.Cut(from, "-")
	b, _, _ := strings.Cut(to, "-")
	return a != b
}
