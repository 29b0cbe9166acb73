package polku

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Office hours.
//
// Coordinators are people with working hours. Outside them a family who
// asks for a person is told when someone will answer, with the emergency
// numbers; so the bot needs to know both "open now?" and "open when?".

// Span is an opening time within one day, in minutes after local midnight
// (To > From, To ≤ 24*60). Minutes of the wall clock, not elapsed time, so
// "9-16" stays 9.00–16.00 on the days the clocks change.
type Span struct{ From, To int }

// OfficeHours says when coordinators answer: spans per weekday, closed on
// holidays, in Location (UTC when nil).
//
// The zero value, with no spans at all, is a deployment that configured no
// hours: always open, holidays included, because then nobody promised
// families a closed office and the out-of-office answer would only confuse.
type OfficeHours struct {
	Week     [7][]Span       // indexed by time.Weekday
	Holidays map[string]bool // local dates "2006-01-02"
	Location *time.Location
}

const dateLayout = "2006-01-02"

// ParseOfficeHours reads office hours from configuration (environment
// variables), forgiving in form and strict about errors: every malformed
// piece is an EINVALID error that quotes it, so a typo never silently
// closes or opens the office.
//
// week is a list of "DAYS HOURS" items separated by commas or semicolons:
//
//	mon-fri 9-16
//	mon-thu 9-16, fri 9-14:30
//	ma-pe 8.30-16; la 10-13
//	mon 9-12, mon 13-16
//	sat-sun 24h
//
// DAYS is a day or a range of days (wrapping past Sunday is fine: "fri-mon")
// in English three-letter (mon … sun) or Finnish two-letter (ma, ti, ke, to,
// pe, la, su) abbreviations, any case. HOURS is FROM-TO with times as 9,
// 09, 9:30 or 9.30 (as Finns write it), up to 24; dashes may be en dashes
// and may have spaces around them. A span cannot cross midnight: write
// "fri 22-24, sat 0-6". Overlapping and touching spans of a day are merged.
// An empty week, "24h" or "always" is always open.
//
// holidays is a list of dates, separated by commas, semicolons or spaces,
// as 2026-12-24 or 24.12.2026; the office is closed all of these local
// days (unless it is always open).
func ParseOfficeHours(week, holidays string, loc *time.Location) (OfficeHours, error) {
	h := OfficeHours{Location: loc}
	for _, d := range strings.FieldsFunc(holidays, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		day, err := parseDate(d)
		if err != nil {
			return OfficeHours{}, err
		}
		if h.Holidays == nil {
			h.Holidays = map[string]bool{}
		}
		h.Holidays[day] = true
	}
	switch strings.ToLower(strings.TrimSpace(week)) {
	case "", "24h", "always":
		return h, nil
	}
	n := 0
	for _, item := range strings.FieldsFunc(week, func(r rune) bool { return r == ',' || r == ';' }) {
		if strings.TrimSpace(item) == "" {
			continue // a trailing separator is harmless
		}
		days, span, err := parseHoursItem(item)
		if err != nil {
			return OfficeHours{}, err
		}
		for _, d := range days {
			h.Week[d] = append(h.Week[d], span)
		}
		n++
	}
	if n == 0 {
		return OfficeHours{}, Errorf(EINVALID, "office hours %q: no days and hours", week)
	}
	for d := range h.Week {
		h.Week[d] = mergeSpans(h.Week[d])
	}
	return h, nil
}

func parseDate(s string) (string, error) {
	layout := dateLayout
	if strings.Contains(s, ".") {
		layout = "2.1.2006"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", Errorf(EINVALID, "holiday %q: want a date like 2026-12-24 or 24.12.2026", s)
	}
	return t.Format(dateLayout), nil
}

var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
	"ma": time.Monday, "ti": time.Tuesday, "ke": time.Wednesday, "to": time.Thursday,
	"pe": time.Friday, "la": time.Saturday, "su": time.Sunday,
}

// parseHoursItem parses one "DAYS HOURS" item.
func parseHoursItem(item string) ([]time.Weekday, Span, error) {
	item = strings.TrimSpace(item)
	norm := strings.NewReplacer("–", "-", "—", "-", "‐", "-", "‑", "-").Replace(strings.ToLower(item))
	// Glue "mon - fri 9 - 16" back into two fields.
	var fields []string
	for _, f := range strings.Fields(norm) {
		if n := len(fields); n > 0 && (strings.HasSuffix(fields[n-1], "-") || strings.HasPrefix(f, "-")) {
			fields[n-1] += f
			continue
		}
		fields = append(fields, f)
	}
	if len(fields) != 2 {
		return nil, Span{}, Errorf(EINVALID, "office hours %q: want days and hours, like \"mon-fri 9-16\"", item)
	}
	days, err := parseDays(item, strings.TrimSuffix(fields[0], ":"))
	if err != nil {
		return nil, Span{}, err
	}
	span, err := parseSpan(item, fields[1])
	return days, span, err
}

func parseDays(item, s string) ([]time.Weekday, error) {
	first, last, isRange := strings.Cut(s, "-")
	if !isRange {
		last = first
	}
	a, ok := weekdays[first]
	if !ok {
		return nil, Errorf(EINVALID, "office hours %q: unknown day %q (mon…sun or ma…su)", item, first)
	}
	b, ok := weekdays[last]
	if !ok {
		return nil, Errorf(EINVALID, "office hours %q: unknown day %q (mon…sun or ma…su)", item, last)
	}
	days := []time.Weekday{a}
	for d := a; d != b; {
		d = (d + 1) % 7
		days = append(days, d)
	}
	return days, nil
}

func parseSpan(item, s string) (Span, error) {
	if s == "24h" {
		return Span{0, 24 * 60}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Span{}, Errorf(EINVALID, "office hours %q: hours %q: want FROM-TO, like 9-16", item, s)
	}
	f, err := parseClock(item, from)
	if err != nil {
		return Span{}, err
	}
	t, err := parseClock(item, to)
	if err != nil {
		return Span{}, err
	}
	if t <= f {
		return Span{}, Errorf(EINVALID, "office hours %q: hours %q end before they start (across midnight, write two items: \"fri 22-24, sat 0-6\")", item, s)
	}
	return Span{f, t}, nil
}

// parseClock parses 9, 09, 9:30 or 9.30 into minutes after midnight.
func parseClock(item, s string) (int, error) {
	bad := Errorf(EINVALID, "office hours %q: time %q: want 9, 9:30 or 9.30, at most 24", item, s)
	hh, mm, hasMin := strings.Cut(s, ":")
	if !hasMin {
		hh, mm, hasMin = strings.Cut(s, ".")
	}
	if hh == "" || len(hh) > 2 || (hasMin && len(mm) != 2) || !digits(hh) || !digits(mm) {
		return 0, bad
	}
	h, _ := strconv.Atoi(hh)
	m := 0
	if hasMin {
		m, _ = strconv.Atoi(mm)
	}
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, bad
	}
	return h*60 + m, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// mergeSpans sorts spans and merges those that overlap or touch, so that
// "mon 9-12, mon 12-16" is one span and Next never stops at 12.00.
func mergeSpans(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.From - b.From })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.From <= last.To {
			last.To = max(last.To, s.To)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Always reports whether no hours were configured (then Open is always true).
func (h OfficeHours) Always() bool {
	for _, spans := range h.Week {
		if len(spans) > 0 {
			return false
		}
	}
	return true
}

func (h OfficeHours) loc() *time.Location {
	if h.Location == nil {
		return time.UTC
	}
	return h.Location
}

// Open reports whether coordinators answer at t.
func (h OfficeHours) Open(t time.Time) bool {
	if h.Always() {
		return true
	}
	l := t.In(h.loc())
	if h.Holidays[l.Format(dateLayout)] {
		return false
	}
	m := l.Hour()*60 + l.Minute()
	for _, s := range h.Week[l.Weekday()] {
		if s.From <= m && m < s.To {
			return true
		}
	}
	return false
}

// Next returns the next moment at or after t when the office is open (t
// itself when open now); the zero time when it does not open within 366
// days, which only holidays covering every working day can cause. A later
// moment is in the office's Location, ready to show.
func (h OfficeHours) Next(t time.Time) time.Time {
	if h.Open(t) {
		return t
	}
	loc := h.loc()
	l := t.In(loc)
	for i := range 367 {
		// The calendar date, computed in UTC where every day has 24 hours.
		d := time.Date(l.Year(), l.Month(), l.Day()+i, 0, 0, 0, 0, time.UTC)
		if h.Holidays[d.Format(dateLayout)] || len(h.Week[d.Weekday()]) == 0 {
			continue
		}
		if at, ok := h.firstOn(d, t); ok {
			return at.In(loc)
		}
	}
	return time.Time{}
}

// firstOn returns the earliest open moment not before t on the local date
// d (given as UTC midnight). The wall clock moves evenly only between
// changes of the UTC offset, so the day is walked offset by offset: within
// one, the wall time From is a single instant. This is what makes a span
// starting in the skipped hour of March open when the clocks jump, and a
// span in the repeated hour of October open on its second pass.
func (h OfficeHours) firstOn(d, t time.Time) (time.Time, bool) {
	loc := h.loc()
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
	var best time.Time
	for seg := start; seg.Before(end); {
		_, offset := seg.Zone()
		segEnd := end
		if _, zoneEnd := seg.ZoneBounds(); !zoneEnd.IsZero() && zoneEnd.Before(end) {
			segEnd = zoneEnd
		}
		for _, s := range h.Week[d.Weekday()] {
			at := d.Add(time.Duration(s.From)*time.Minute - time.Duration(offset)*time.Second)
			if at.Before(seg) {
				at = seg
			}
			if at.Before(t) {
				at = t
			}
			if at.Before(segEnd) && h.Open(at) && (best.IsZero() || at.Before(best)) {
				best = at
			}
		}
		seg = segEnd
	}
	return best, !best.IsZero()
}

// Safety words.

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

// Codes.

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

// The wellbeing card.

// Card is a wellbeing card: a code a coordinator issues that gives a
// family free visits to activities marked "free with the card". It is
// valid from ValidFrom (inclusive) until ValidUntil (exclusive), as Go's
// intervals are: a card for the whole of 2026 runs until 2027-01-01 00.00
// local time. A zero ValidFrom or ValidUntil leaves that end open.
type Card struct {
	// ID is the store's key and ChatID the family's chat the card was
	// issued to; both zero before the card is stored.
	ID, ChatID            int64
	Code                  string
	ValidFrom, ValidUntil time.Time
	Visits                int // free visits granted; 0 = unlimited
	Used                  int // visits recorded
	Revoked               bool
}

// CardState is what a provider checking a card is told.
type CardState string

// The states of a card.
const (
	CardValid   CardState = "valid"
	CardExpired CardState = "expired"
	CardRevoked CardState = "revoked"
	CardUsedUp  CardState = "used_up"
	CardNotYet  CardState = "not_yet"
)

// State says whether the card can be used at now. When several things are
// wrong, the most final one wins: revoked, then expired, then not yet
// valid, then used up; a provider needs only the reason that will not go
// away.
func (c Card) State(now time.Time) CardState {
	switch {
	case c.Revoked:
		return CardRevoked
	case !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil):
		return CardExpired
	case !c.ValidFrom.IsZero() && now.Before(c.ValidFrom):
		return CardNotYet
	case c.Visits > 0 && c.Used >= c.Visits:
		return CardUsedUp
	}
	return CardValid
}

// Left returns the visits left, and false when the visits are unlimited
// (then n is 0).
func (c Card) Left() (n int, limited bool) {
	if c.Visits <= 0 {
		return 0, false
	}
	return max(0, c.Visits-c.Used), true
}

// Outcome is how a coordinator closes a case: what the family got. Reports
// count cases by outcome.
type Outcome string

// The outcomes of a case.
const (
	OutcomeActivities Outcome = "activities" // found activities to take part in
	OutcomeCard       Outcome = "card"       // got a wellbeing card
	OutcomeReferred   Outcome = "referred"   // referred to another service
	OutcomeNoNeed     Outcome = "no_need"    // no need for the service after all
)

// Outcomes lists every outcome in display order.
var Outcomes = []Outcome{OutcomeActivities, OutcomeCard, OutcomeReferred, OutcomeNoNeed}
