package polku

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafetyWords are word stems per language that make a family's message
// urgent (violence, self-harm...). Matching is case-insensitive and matches
// the start of any word in the text, because Finnish and Ukrainian inflect
// words (the stem "väkival" matches "väkivaltaa").
//
// A word starts at the start of the text or after a character that is
// neither a letter nor a combining mark, so punctuation, emoji and quotes
// do not hide a word. Before matching, the text and the stems go through
// the caller's fold (Unicode normalization and case folding, which the
// standard library cannot do: flows.Fold), then the apostrophes ’ ‘ ʼ ʹ ´ `
// ′ become ', invisible format characters (bidi marks, zero-width
// characters, the soft hyphen) are dropped, and dashes and runs of white
// space become one space (so "self-harm" and "self harm" are the same, and
// a stem with a space, "hurt myself", matches across a line break).
//
// Two marks refine a stem where a prefix is not enough:
//   - a trailing "$" asks for the whole word: "lyö$" (hits) must not match
//     "lyömäsoitin" (percussion instrument), "want to die$" not "want to diet";
//   - a leading "*" matches inside words too, for compounds:
//     "*väkival" matches "perheväkivalta" (domestic violence).
type SafetyWords map[string][]string

// ParseSafetyWords reads safety words from configuration:
//
//	fi:väkival|itsetuho|tapan;sv:våld|självmord;en:violen|suicid;uk:насильств|самогубств
//
// Languages (two- or three-letter codes) are separated by semicolons, stems
// by "|". A stem needs at least two letters, because a shorter one would
// make nearly every message urgent. A language given twice gets both lists.
// An empty spec is no words at all: callers use DefaultSafetyWords when
// the variable is unset.
func ParseSafetyWords(spec string) (SafetyWords, error) {
	w := SafetyWords{}
	for _, part := range strings.Split(spec, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		lang, list, ok := strings.Cut(part, ":")
		lang = strings.ToLower(strings.TrimSpace(lang))
		if !ok || !isLangCode(lang) {
			return nil, Errorf(EINVALID, "safety words %q: want a language and stems, like \"fi:väkival|itsetuho\"", strings.TrimSpace(part))
		}
		for _, s := range strings.Split(list, "|") {
			stem, err := parseStem(s)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(w[lang], stem) {
				w[lang] = append(w[lang], stem)
			}
		}
	}
	if len(w) == 0 && strings.TrimSpace(spec) != "" {
		return nil, Errorf(EINVALID, "safety words %q: no languages", spec)
	}
	return w, nil
}

func isLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// parseStem normalises a stem and checks its marks.
func parseStem(s string) (string, error) {
	orig := strings.TrimSpace(s)
	inside, core, whole := splitStem(foldText(orig, nil))
	letters := 0
	for _, r := range core {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 2 || strings.ContainsAny(core, "*$") {
		return "", Errorf(EINVALID, "safety word %q: want at least two letters, with \"*\" only in front and \"$\" only at the end", orig)
	}
	if inside {
		core = "*" + core
	}
	if whole {
		core += "$"
	}
	return core, nil
}

// splitStem takes the marks off a folded stem.
func splitStem(s string) (inside bool, core string, whole bool) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "*"); ok {
		inside, s = true, rest
	}
	if rest, ok := strings.CutSuffix(s, "$"); ok {
		whole, s = true, rest
	}
	return inside, strings.TrimSpace(s), whole
}

// foldText folds s with fold (strings.ToLower when nil) and makes
// apostrophes, dashes, white space and invisible characters uniform; see
// SafetyWords.
func foldText(s string, fold func(string) string) string {
	if fold == nil {
		fold = strings.ToLower
	}
	s = fold(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case '’', '‘', 'ʼ', 'ʹ', '´', '`', '′', '＇':
			r = '\''
		case '-', '‐', '‑', '–', '—':
			r = ' '
		}
		if unicode.Is(unicode.Cf, r) {
			continue // invisible: bidi marks, zero-width characters, soft hyphen
		}
		if unicode.IsSpace(r) {
			if space {
				continue
			}
			r, space = ' ', true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Match reports whether text contains a stem of any language: a family may
// write in any language, whatever their Telegram is set to. fold makes the
// text and the stems comparable (flows.Fold: NFC and Unicode case
// folding); nil only lower-cases, which misses letters typed decomposed.
// To check many texts, fold the stems once with Matcher.
func (w SafetyWords) Match(text string, fold func(string) string) bool {
	return w.Matcher(fold).Match(text)
}

// SafetyMatcher is safety words with their stems folded once, ready to
// check many texts.
type SafetyMatcher struct {
	stems []string
	fold  func(string) string
}

// Matcher folds every stem with fold, as Match does.
func (w SafetyWords) Matcher(fold func(string) string) SafetyMatcher {
	m := SafetyMatcher{fold: fold}
	for _, stems := range w {
		for _, s := range stems {
			m.stems = append(m.stems, foldText(s, fold))
		}
	}
	return m
}

// Match reports whether text contains one of the stems.
func (m SafetyMatcher) Match(text string) bool {
	if len(m.stems) == 0 {
		return false
	}
	text = foldText(text, m.fold)
	for _, s := range m.stems {
		if matchStem(text, s) {
			return true
		}
	}
	return false
}

// matchStem reports whether the folded text contains the folded stem at a
// word start (anywhere for "*"), ending a word for "$".
func matchStem(text, stem string) bool {
	inside, core, whole := splitStem(stem)
	if core == "" {
		return false // an empty stem would match everything
	}
	for i := 0; ; {
		j := strings.Index(text[i:], core)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(text[:j])
		after, _ := utf8.DecodeRuneInString(text[j+len(core):])
		if (inside || j == 0 || !wordRune(before)) && (!whole || !wordRune(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[j:])
		i = j + size
	}
}

// wordRune reports whether r belongs to a word: a letter, or a combining
// mark left over on one.
func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) }

// DefaultSafetyWords are the safety words of a deployment that configures
// none, in Finnish, Swedish, English and Ukrainian: violence, being hit,
// abuse, self-harm, suicide and wanting to die.
//
// They are a starting point, not a tested screening instrument: each
// service should review them with its own professionals, and add
// languages its families write in (Russian, for one). They are few and
// plain on purpose: a false alarm costs a coordinator a look, but a list
// nobody can read is never reviewed. Bare prefixes that start everyday
// words are avoided: Finnish "lyö" (hits) is whole-word only, because
// "lyömäsoitin" (percussion) and "lyömätön" (unbeaten) are not urgent;
// "tapan" (I kill) is not a stem because "tapana" (a habit) starts with
// it; Swedish "slog mig" is left out for "det slog mig att" (it struck me
// that); Ukrainian "насил" would match "насилу" (barely). Every call returns a
// fresh map the caller may change.
func DefaultSafetyWords() SafetyWords {
	return SafetyWords{
		"fi": {
			// violence, assault, threats; "*" for compounds like perheväkivalta
			"*väkival", "pahoinpi", "tappouh", "uhkail",
			// being hit
			"lyö$", "löi$", "lyönyt", "hakkaa", "hakkasi", "hakannut",
			// abuse
			"hyväksikäy", "kaltoinkoh", "raiska", "ahdistel",
			// self-harm
			"itsetuho", "viiltel", "viillel", "satutan itse", "satuttaa itse",
			// suicide, wanting to die
			"*itsemurh", "tapan itse", "tappaa itse", "haluan kuolla", "haluaisin kuolla",
			"en halua elää", "en jaksa elää",
		},
		"sv": {
			// violence, assault, threats; "*" for familjevåld, barnmisshandel
			"*våld", "*misshand", "dödshot",
			// being hit
			"slår mig", "slagit mig", "slår barn", "blir slagen",
			// abuse
			"övergrepp",
			// self-harm
			"självskad", "skadar mig själv", "skär mig$",
			// suicide, wanting to die
			"självmord", "suicid", "ta livet av", "vill dö$", "vill inte leva", "orkar inte leva",
		},
		"en": {
			// violence, threats
			"violen", "kill me$", "threaten",
			// being hit
			"hit me$", "hits me$", "hitting me$", "beat me$", "beating me$",
			// abuse
			"abus", "rape", "molest",
			// self-harm
			"self harm", "hurt myself", "hurting myself", "cut myself", "cutting myself",
			// suicide, wanting to die
			"suicid", "kill myself", "killing myself", "end my life",
			"want to die$", "wanna die$", "don't want to live", "dont want to live",
		},
		"uk": {
			// violence; ґ is often typed as г
			"насильст", "насилл", "насильн", "зґвалт", "згвалт",
			// being hit
			"б'є", "б'ють", "побив", "побила", "побили", "побої",
			// abuse
			"знущ",
			// self-harm
			"самоушкодж", "ріжу себе", "зашкодити собі",
			// suicide, wanting to die
			"самогубст", "суїцид", "покінч", "на себе руки", "вбити себе", "вб'ю себе",
			"хочу померти", "хочу вмерти", "хочеться померти", "не хочу жити",
		},
	}
}
