// Package locales owns what Polku says: one go-i18n TOML file per language,
// embedded in the binary, and the matching of Telegram's language_code to a
// supported language with golang.org/x/text.
//
// Adding a language is adding one file here. locales knows nothing of
// Telegram, SQL or the flows' types.
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Default is the language used when nothing better matches.
const Default = "fi"

// Bundle holds every message of every language.
type Bundle struct {
	bundle     *i18n.Bundle
	langs      []string
	matcher    language.Matcher
	localizers map[string]*i18n.Localizer
}

// Files lists the embedded language files' languages (file names without
// ".toml"), in name order.
func Files() []string {
	entries, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			out = append(out, name)
		}
	}
	return out
}

// Load reads the embedded files. langs selects and orders the languages to
// offer; empty means every file, with Finnish first. The first language is
// the fallback.
func Load(langs ...string) (*Bundle, error) {
	if len(langs) == 0 {
		langs = Files()
		slices.SortStableFunc(langs, func(a, b string) int {
			switch {
			case a == Default:
				return -1
			case b == Default:
				return 1
			}
			return strings.Compare(a, b)
		})
	}
	b := &Bundle{bundle: i18n.NewBundle(language.MustParse(langs[0])), localizers: map[string]*i18n.Localizer{}}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	var tags []language.Tag
	for _, l := range langs {
		tag, err := language.Parse(l)
		if err != nil {
			return nil, fmt.Errorf("language %q: %w", l, err)
		}
		if _, err := b.bundle.LoadMessageFileFS(files, l+".toml"); err != nil {
			return nil, fmt.Errorf("language %q: %w", l, err)
		}
		tags = append(tags, tag)
		b.langs = append(b.langs, l)
		b.localizers[l] = i18n.NewLocalizer(b.bundle, l, langs[0])
	}
	b.matcher = language.NewMatcher(tags)
	return b, nil
}

// Languages lists the offered languages, fallback first.
func (b *Bundle) Languages() []string { return slices.Clone(b.langs) }

// Offers reports whether a Telegram language_code such as "sv-FI" is one
// of the offered languages (or close enough to one); for "ru" it is not.
func (b *Bundle) Offers(code string) bool {
	tag, err := language.Parse(code)
	if err != nil {
		return false
	}
	_, _, conf := b.matcher.Match(tag)
	return conf != language.No
}

// Match picks the offered language for a Telegram language_code such as
// "sv-FI" or "uk"; anything unsupported gets the fallback language.
func (b *Bundle) Match(code string) string {
	if code == "" {
		return b.langs[0]
	}
	tag, err := language.Parse(code)
	if err != nil {
		return b.langs[0]
	}
	_, i, conf := b.matcher.Match(tag)
	if conf == language.No {
		return b.langs[0]
	}
	return b.langs[i]
}

// Message renders message id in lang with template data; count, when not
// nil, selects the plural form. A missing message renders as its ID so a
// gap is visible and never silent.
func (b *Bundle) Message(lang, id string, data map[string]any, count any) string {
	l, ok := b.localizers[lang]
	if !ok {
		l = b.localizers[b.langs[0]]
	}
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		return id
	}
	return s
}

// Texts is the raw text of messages ids in every offered language, as the
// files hold them (templates unfilled), one after another: what changes
// exactly when one of those messages does, such as the privacy notice's
// words, whose version is made of them.
func (b *Bundle) Texts(ids []string) (string, error) {
	var out strings.Builder
	for _, l := range b.langs {
		data, err := fs.ReadFile(files, l+".toml")
		if err != nil {
			return "", fmt.Errorf("language %q: %w", l, err)
		}
		var msgs map[string]any
		if err := toml.Unmarshal(data, &msgs); err != nil {
			return "", fmt.Errorf("language %q: %w", l, err)
		}
		for _, id := range ids {
			// A message with plural forms is a table; fmt writes a
			// map's keys in order.
			fmt.Fprintf(&out, "%s\x00%s\x00%v\x00", l, id, msgs[id])
		}
	}
	return out.String(), nil
}
