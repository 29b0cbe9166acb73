package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"polku"
)

// bom is the UTF-8 byte order mark Excel writes at the start of "CSV UTF-8".
var bom = []byte("\uFEFF")

// The columns of the catalogue CSV (docs/catalogue.md). Besides these,
// title_<lang> and description_<lang> take any language code.
var (
	activityColumns = []string{"organiser", "id", "categories", "audience", "age_min", "age_max",
		"municipality", "neighbours", "place", "address", "lat", "lon", "price", "price_without_card",
		"access", "languages", "contact", "info_url"}
	sessionColumns = []string{"session_id", "date", "start", "end", "repeat_until", "capacity",
		"status", "enrol_from", "enrol_until"}
	requiredColumns = []string{"organiser", "id", "categories", "municipality", "place", "price",
		"date", "start", "end", "capacity"}
	// columnAliases are other spellings a header may use.
	columnAliases = map[string]string{"organizer": "organiser", "neighbors": "neighbours"}
)

// The four languages of the bot come first, in this order, in a written
// file and in a missing-title problem.
var mainLanguages = polku.Languages()

// maxWeeks bounds a weekly recurrence: a year of sessions is already more
// than a catalogue should plan ahead.
const maxWeeks = 53

// ReadCSV reads the catalogue a coordinator keeps in a spreadsheet (the
// columns are in docs/catalogue.md). Times are local in loc (nil means
// UTC). The file is read whole or not at all: on any problem it returns
// nil and Problems listing every problem found, sorted by line, since the
// coordinator fixes the file and sends it again. Other errors are the
// reader's.
func ReadCSV(r io.Reader, loc *time.Location) ([]polku.Activity, error) {
	acts, _, err := readCSV(r, loc, Offer{})
	return acts, err
}

// readCSV is ReadCSV holding the file against an offer: its problems
// and warnings have the lines they come from.
func readCSV(r io.Reader, loc *time.Location, offer Offer) ([]polku.Activity, Problems, error) {
	if loc == nil {
		loc = time.UTC
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxFileSize {
		return nil, nil, Problems{{Code: CodeTooLong, Detail: fmt.Sprintf("file over %d MiB", MaxFileSize>>20)}}
	}
	data = bytes.TrimPrefix(data, bom)
	if at := invalidUTF8(data); at >= 0 {
		return nil, nil, Problems{{Line: 1 + bytes.Count(data[:at], []byte("\n")), Code: CodeEncoding,
			Detail: "not UTF-8: save as CSV UTF-8"}}
	}
	comma := sniffDelimiter(data)
	// With LazyQuotes a quote never closed makes the rest of the file
	// one cell, and the row reads as a row of empty cells: say what it
	// is instead.
	if line, ok := unclosedQuote(data, comma); ok {
		return nil, nil, Problems{{Line: line, Code: CodeUnclosedQuote, Detail: `a cell starts with " that never ends`}}
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // short rows are rows with empty cells at the end
	cr.LazyQuotes = true    // a stray " in a cell is text, as a spreadsheet meant it

	in := &csvImport{loc: loc, offer: offer, groups: map[[2]string]*group{}}
	record, err := cr.Read()
	if err == io.EOF {
		return nil, nil, Problems{{Code: CodeEmpty, Detail: "no header and no rows"}}
	}
	if err != nil {
		return nil, nil, brokenCSV(err)
	}
	headerLine, _ := cr.FieldPos(0)
	if !in.header(record, headerLine) {
		return nil, nil, in.ps.sorted()
	}
	rows := 0
	for {
		record, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			in.ps = append(in.ps, brokenCSV(err)...)
			break
		}
		r := in.row(record, cr)
		if r == nil {
			continue // a blank row: a spreadsheet's ;;;;
		}
		rows++
		in.add(r)
		if len(in.ps) > MaxProblems {
			break
		}
	}
	if rows == 0 && len(in.ps) == 0 {
		return nil, nil, Problems{{Line: headerLine, Code: CodeEmpty, Detail: "a header but no rows"}}
	}
	acts := in.finish()
	if len(in.ps) > 0 {
		// Within a line, in the order of the columns, whole-row first.
		slices.SortStableFunc(in.ps, func(a, b Problem) int {
			return in.columnIndex(a.Column) - in.columnIndex(b.Column)
		})
		return nil, nil, in.ps.sorted()
	}
	return acts, in.warnings.sorted(), nil
}

// unclosedQuote finds a quoted cell that never ends and returns the line
// it starts on. It reads quotes as encoding/csv does with LazyQuotes: a
// quote opens a cell only at the cell's start, "" inside is a quote, and
// a quote closes the cell only before the delimiter, a line break or the
// end of the file.
func unclosedQuote(data []byte, comma rune) (int, bool) {
	line, start := 1, 0
	quoted, atStart := false, true
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case quoted && c == '"':
			if i+1 < len(data) && data[i+1] == '"' {
				i++
				continue
			}
			if i+1 == len(data) || data[i+1] == byte(comma) || data[i+1] == '\n' || data[i+1] == '\r' {
				quoted = false
			}
		case quoted:
			if c == '\n' {
				line++
			}
		case c == '"' && atStart:
			quoted, start = true, line
		case c == '\n':
			line++
			atStart = true
			continue
		}
		atStart = !quoted && c == byte(comma)
	}
	return start, quoted
}

// invalidUTF8 returns the offset of the first byte that is not UTF-8, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// sniffDelimiter picks the delimiter the header line uses most: Finnish
// and Swedish Excel write semicolons, everything else commas, and a copy
// from a spreadsheet gives tabs.
func sniffDelimiter(data []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range data {
		if c == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		if c == '\n' && len(counts) > 0 {
			break // the end of the first line with a delimiter in it
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best := byte(',')
	for _, d := range []byte{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return rune(best)
}

func brokenCSV(err error) Problems {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problems{{Line: pe.Line, Code: CodeColumns, Detail: "broken CSV: " + pe.Err.Error()}}
	}
	return Problems{{Code: CodeColumns, Detail: "broken CSV: " + err.Error()}}
}

// csvImport is one file being read.
type csvImport struct {
	loc      *time.Location
	offer    Offer
	ps       Problems
	warnings Problems
	columns  []string // the header's column names by index; "" for an ignored column
	index    map[string]int
	titles   []string // the title_<lang> columns, in header order
	descs    []string
	groups   map[[2]string]*group
	order    []*group
}

// group is one activity: the rows sharing organiser and id.
type group struct {
	act   polku.Activity
	first *row
	// bad holds the activity-level columns that had a problem on some
	// row, so that Validate does not report a consequence of it again.
	bad map[string]bool
	// lines maps a session's ExternalID to the line that made it.
	lines map[string]int
}

// row is one data row.
type row struct {
	line  int
	cells []string // by column index, trimmed
	lines []int    // the line each cell starts on
	imp   *csvImport
}

func (r *row) get(col string) string {
	if i, ok := r.imp.index[col]; ok && i < len(r.cells) {
		return r.cells[i]
	}
	return ""
}

func (r *row) lineOf(col string) int {
	if i, ok := r.imp.index[col]; ok && i < len(r.lines) {
		return r.lines[i]
	}
	return r.line
}

// header reads the header row; false means the rows cannot be read.
func (in *csvImport) header(record []string, line int) bool {
	in.index = map[string]int{}
	in.columns = make([]string, len(record))
	fatal := false
	for i, h := range record {
		name := strings.ToLower(strings.TrimSpace(h))
		if alias, ok := columnAliases[name]; ok {
			name = alias
		}
		// An empty name is a spreadsheet's trailing delimiter; a name
		// starting with # is the coordinator's own note column.
		if name == "" || strings.HasPrefix(name, "#") {
			continue
		}
		p := Problem{Line: line, Column: name}
		switch {
		case !knownColumn(name):
			p.Column = clipColumn(name)
			p.Code, p.Detail = CodeUnknownColumn, "unknown column"
			in.ps = append(in.ps, p)
			continue
		case in.hasColumn(name):
			p.Code, p.Detail = CodeDuplicateColumn, "column twice"
			in.ps = append(in.ps, p)
			continue
		}
		in.index[name] = i
		in.columns[i] = name
		if strings.HasPrefix(name, "title_") {
			in.titles = append(in.titles, name)
		}
		if strings.HasPrefix(name, "description_") {
			in.descs = append(in.descs, name)
		}
	}
	for _, name := range requiredColumns {
		if !in.hasColumn(name) {
			in.ps = append(in.ps, Problem{Line: line, Column: name, Code: CodeMissingColumn, Detail: "required column missing"})
			fatal = true
		}
	}
	if len(in.titles) == 0 {
		in.ps = append(in.ps, Problem{Line: line, Column: "title_fi", Code: CodeMissingColumn,
			Detail: "no title column (title_fi, title_sv, title_en or title_uk)"})
		fatal = true
	}
	return !fatal
}

func (in *csvImport) columnIndex(name string) int {
	if i, ok := in.index[name]; ok {
		return i
	}
	return -1
}

func (in *csvImport) hasColumn(name string) bool {
	_, ok := in.index[name]
	return ok
}

func knownColumn(name string) bool {
	if slices.Contains(activityColumns, name) || slices.Contains(sessionColumns, name) {
		return true
	}
	for _, prefix := range []string{"title_", "description_"} {
		if lang, ok := strings.CutPrefix(name, prefix); ok && validLanguage(lang) {
			return true
		}
	}
	return false
}

// clipColumn keeps an unknown header short in a problem, since it is
// whatever the file had.
func clipColumn(name string) string {
	if r := []rune(name); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return name
}

// row turns a record into a row; nil for a blank row.
func (in *csvImport) row(record []string, cr *csv.Reader) *row {
	r := &row{imp: in, cells: make([]string, len(record)), lines: make([]int, len(record))}
	blank := true
	for i, v := range record {
		r.cells[i] = unguard(strings.TrimSpace(v))
		r.lines[i], _ = cr.FieldPos(i)
		if r.cells[i] != "" {
			blank = false
		}
	}
	if blank {
		return nil
	}
	r.line = r.lines[0]
	return r
}

// add reads one row into its activity.
func (in *csvImport) add(r *row) {
	bad := map[string]bool{}
	// A problem names the cell's value, or the one word of a list
	// (categories, access, languages) that is wrong.
	problem := func(col, code, detail string, word ...string) {
		v := r.get(col)
		if len(word) > 0 {
			v = word[0]
		}
		in.ps = append(in.ps, Problem{Line: r.lineOf(col), Column: col, Code: code, Detail: detail, Value: short(v)})
		bad[col] = true
	}
	for i, v := range r.cells {
		switch {
		case i >= len(in.columns):
			if v != "" {
				in.ps = append(in.ps, Problem{Line: r.lines[i], Code: CodeExtraCells, Value: strconv.Itoa(len(in.columns)),
					Detail: fmt.Sprintf("%d cells, the header has %d columns", len(r.cells), len(in.columns))})
				return
			}
		case in.columns[i] != "" && utf8.RuneCountInString(v) > MaxDescription:
			problem(in.columns[i], CodeTooLong, fmt.Sprintf("over %d characters", MaxDescription))
		}
	}

	a := in.activity(r, bad, problem)
	sessions := in.sessions(r, bad, problem)

	if a.Organiser == "" || a.ExternalID == "" {
		return // reported; without a key the row belongs to no activity
	}
	key := [2]string{a.Organiser, a.ExternalID}
	g := in.groups[key]
	if g == nil {
		g = &group{act: a, first: r, bad: map[string]bool{}, lines: map[string]int{}}
		in.groups[key] = g
		in.order = append(in.order, g)
	} else {
		for _, col := range diffActivity(g.act, a) {
			if bad[col] || g.bad[col] {
				continue
			}
			problem(col, CodeConflict, fmt.Sprintf("differs from line %d", g.first.lineOf(col)))
		}
	}
	for col := range bad {
		g.bad[col] = true
	}

	// A weekly row makes sessions alike: one problem of theirs is told once.
	told := map[Problem]bool{}
	for _, s := range sessions {
		if line, dup := g.lines[s.ExternalID]; dup {
			col := "date"
			if r.get("session_id") != "" {
				col = "session_id"
			}
			if !bad[col] {
				problem(col, CodeConflict, fmt.Sprintf("session %s also on line %d", clip(s.ExternalID), line))
			}
			continue
		}
		g.lines[s.ExternalID] = r.line
		g.act.Sessions = append(g.act.Sessions, s)
		for _, p := range validateSession(s) {
			if !told[p] {
				told[p] = true
				problem(p.Column, p.Code, p.Detail, p.Value)
			}
		}
	}
}

// finish validates the activities as wholes and returns them.
func (in *csvImport) finish() []polku.Activity {
	acts := make([]polku.Activity, 0, len(in.order))
	for _, g := range in.order {
		g.act.Status = derivedStatus(g.act.Sessions)
		if p, ok := in.offer.municipality(&g.act); !ok && !g.bad["municipality"] {
			p.Line = g.first.lineOf("municipality")
			in.ps = append(in.ps, p)
		}
		for _, p := range in.offer.neighbours(&g.act) {
			if !g.bad["neighbours"] {
				p.Line = g.first.lineOf("neighbours")
				in.ps = append(in.ps, p)
			}
		}
		in.pastSessions(g)
		for _, p := range validateActivity(g.act) {
			if p.Column == "title_fi" && !in.hasColumn("title_fi") {
				p.Column = in.titleColumn()
			}
			if g.bad[p.Column] {
				continue
			}
			p.Line = g.first.lineOf(p.Column)
			in.ps = append(in.ps, p)
		}
		acts = append(acts, g.act)
	}
	return acts
}

// pastSessions warns of g's sessions that are over, one warning a line
// (a weekly row makes many sessions), naming up to three dates.
func (in *csvImport) pastSessions(g *group) {
	byLine := map[int]*Problem{}
	var lines []int
	for _, s := range g.act.Sessions {
		w, ok := in.offer.past(s)
		if ok {
			continue
		}
		line := g.lines[s.ExternalID]
		p := byLine[line]
		switch {
		case p == nil:
			w.Line = line
			byLine[line] = &w
			lines = append(lines, line)
		case strings.Count(p.Value, ",") < 2:
			p.Value += ", " + w.Value
			p.Detail = "sessions over: " + p.Value
		case !strings.HasSuffix(p.Value, "…"):
			p.Value += ", …"
			p.Detail = "sessions over: " + p.Value
		}
	}
	for _, l := range lines {
		in.warnings = append(in.warnings, *byLine[l])
	}
}

// titleColumn is the column a missing title is reported in: the first
// of the bot's languages the header has.
func (in *csvImport) titleColumn() string {
	for _, lang := range mainLanguages {
		if in.hasColumn("title_" + lang) {
			return "title_" + lang
		}
	}
	return in.titles[0]
}

// derivedStatus is an activity's status from its sessions' statuses: the
// CSV has one status column, per row, and an activity whose every session
// is cancelled is a cancelled activity.
func derivedStatus(ss []polku.Session) polku.Status {
	if len(ss) == 0 {
		return polku.StatusScheduled
	}
	st := ss[0].Status
	for _, s := range ss[1:] {
		if s.Status != st {
			return polku.StatusScheduled
		}
	}
	return st
}

// activity reads the activity-level columns of a row.
func (in *csvImport) activity(r *row, bad map[string]bool, problem func(col, code, detail string, word ...string)) polku.Activity {
	get := func(col string) string {
		if bad[col] {
			return ""
		}
		return r.get(col)
	}
	req := func(col string) string {
		v := get(col)
		if v == "" && !bad[col] {
			problem(col, CodeRequired, col+" missing")
		}
		return v
	}
	// What a family reads is made plain text; the keys and the link
	// are read as they are.
	text := func(col string) string { return cellText(get(col)) }
	a := polku.Activity{
		Organiser:    req("organiser"),
		ExternalID:   req("id"),
		Municipality: req("municipality"),
		Place:        polku.Place{Name: cellText(req("place")), Address: text("address")},
		Contact:      text("contact"),
		InfoURL:      get("info_url"),
		Audience:     polku.AudienceFamily,
	}

	for _, col := range in.titles {
		if v := text(col); v != "" {
			if utf8.RuneCountInString(v) > MaxTitle {
				problem(col, CodeTooLong, fmt.Sprintf("title over %d characters", MaxTitle))
				continue
			}
			if a.Title == nil {
				a.Title = polku.Localized{}
			}
			a.Title[strings.TrimPrefix(col, "title_")] = v
		}
	}
	for _, col := range in.descs {
		if v := text(col); v != "" {
			if a.Description == nil {
				a.Description = polku.Localized{}
			}
			a.Description[strings.TrimPrefix(col, "description_")] = v
		}
	}

	if v := req("categories"); v != "" {
		for _, w := range splitList(v) {
			c, ok := categoryWords[word(w)]
			if !ok {
				problem("categories", CodeUnknownCategory, "category "+clip(w), w)
				continue
			}
			if !slices.Contains(a.Categories, c) {
				a.Categories = append(a.Categories, c)
			}
		}
	}
	if v := get("audience"); v != "" {
		if au, ok := audienceWords[word(v)]; ok {
			a.Audience = au
		} else {
			problem("audience", CodeUnknownAudience, "audience "+clip(v))
		}
	}
	age := func(col string, def int) int {
		v := get(col)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			problem(col, CodeBadAges, "not a whole number of years: "+clip(v))
			return def
		}
		return n
	}
	a.AgeMin, a.AgeMax = age("age_min", 0), age("age_max", polku.MaxAge)

	lat, lon := get("lat"), get("lon")
	switch {
	case lat == "" && lon == "":
	case lat == "":
		problem("lat", CodeBadCoords, "lon without lat")
	case lon == "":
		problem("lon", CodeBadCoords, "lat without lon")
	default:
		y, okLat := parseDecimal(lat)
		x, okLon := parseDecimal(lon)
		if !okLat {
			problem("lat", CodeBadCoords, "not a number: "+clip(lat))
		}
		if !okLon {
			problem("lon", CodeBadCoords, "not a number: "+clip(lon))
		}
		if okLat && okLon {
			a.Place.Coords = &polku.Coords{Lat: y, Lon: x}
		}
	}

	if v := req("price"); v != "" {
		a.Price = in.price(r, v, get("price_without_card"), problem)
	}
	for _, w := range splitList(get("access")) {
		x, ok := accessWords[word(w)]
		if !ok {
			problem("access", CodeUnknownAccess, "feature "+clip(w), w)
			continue
		}
		if !slices.Contains(a.Access, x) {
			a.Access = append(a.Access, x)
		}
	}
	// The neighbouring municipalities welcome: names hold spaces, so
	// only commas and semicolons separate them here.
	for _, w := range strings.FieldsFunc(get("neighbours"), func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
		if w = cellText(w); w != "" && !slices.ContainsFunc(a.Neighbours, func(n string) bool { return strings.EqualFold(n, w) }) {
			a.Neighbours = append(a.Neighbours, w)
		}
	}
	for _, w := range splitList(get("languages")) {
		l := language(w)
		if !validLanguage(l) {
			problem("languages", CodeBadLanguage, "language "+clip(w), w)
			continue
		}
		if !slices.Contains(a.Languages, l) {
			a.Languages = append(a.Languages, l)
		}
	}
	return a
}

// Words of the price column besides amounts.
var (
	freeWords = []string{"free", "maksuton", "ilmainen", "gratis", "avgiftsfri"}
	cardWords = []string{"card", "kortti", "kortilla", "hyvinvointikortti", "kort"}
	paidWords = []string{"paid", "maksullinen", "avgiftsbelagd"}
)

// price reads the price and price_without_card columns: free, card (free
// with the wellbeing card; price_without_card says what it costs
// otherwise), paid (amount not told) or an amount, 0 being free.
func (in *csvImport) price(r *row, v, without string, problem func(col, code, detail string, word ...string)) polku.Price {
	w := strings.ToLower(v)
	var p polku.Price
	switch {
	case slices.Contains(freeWords, w):
		p.Kind = polku.PriceFree
	case slices.Contains(cardWords, w):
		p.Kind = polku.PriceCard
	case slices.Contains(paidWords, w):
		p.Kind = polku.PricePaid
	default:
		cents, ok := parseCents(v)
		if !ok {
			problem("price", CodeBadPrice, "not free, card or an amount: "+clip(v))
			return p
		}
		p.Kind, p.Cents = polku.PricePaid, cents
		if cents == 0 {
			p.Kind = polku.PriceFree
		}
	}
	if without != "" {
		if p.Kind != polku.PriceCard {
			problem("price_without_card", CodeBadPrice, "only with price card")
			return p
		}
		cents, ok := parseCents(without)
		if !ok {
			problem("price_without_card", CodeBadPrice, "not an amount: "+clip(without))
			return p
		}
		p.Cents = cents
	}
	return p
}

// sessions reads the session-level columns of a row: one session, or one
// a week from date to repeat_until. nil when a problem stops it.
func (in *csvImport) sessions(r *row, bad map[string]bool, problem func(col, code, detail string, word ...string)) []polku.Session {
	ok := true
	get := func(col string) string {
		if bad[col] {
			ok = false
			return ""
		}
		return r.get(col)
	}
	req := func(col string) string {
		v := get(col)
		if v == "" && !bad[col] {
			problem(col, CodeRequired, col+" missing")
			ok = false
		}
		return v
	}
	fail := func(col, code, detail string) {
		problem(col, code, detail)
		ok = false
	}

	var y, d, sh, sm, ss int
	var mo time.Month
	if v := req("date"); v != "" {
		var good bool
		if y, mo, d, good = parseDate(v); !good {
			fail("date", CodeBadDate, "not a date: "+clip(v))
		}
	}
	if v := req("start"); v != "" {
		var good bool
		if sh, sm, ss, good = parseClock(v); !good {
			fail("start", CodeBadTime, "not a time: "+clip(v))
		}
	}
	// The end is a time on the session's date, or a date and a time for
	// a session that goes on past midnight.
	var endDays int
	var eh, em, es int
	if v := req("end"); v != "" {
		var good bool
		if eh, em, es, good = parseClock(v); !good {
			t, dateOnly, good := parseDateTime(v, time.UTC)
			if !good || dateOnly {
				fail("end", CodeBadTime, "not a time: "+clip(v))
			} else if ok {
				first := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
				endDays = int(t.Truncate(24*time.Hour).Sub(first) / (24 * time.Hour))
				eh, em, es = t.Clock()
			}
		}
	}
	capacity := 0
	if v := req("capacity"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fail("capacity", CodeBadNumber, "not a whole number: "+clip(v))
		}
		capacity = n
	}
	status := polku.StatusScheduled
	if v := get("status"); v != "" {
		st, good := statusWords[word(v)]
		if !good {
			fail("status", CodeUnknownStatus, "status "+clip(v))
		}
		status = st
	}
	enrol := func(col string) time.Time {
		v := get(col)
		if v == "" {
			return time.Time{}
		}
		t, dateOnly, good := parseDateTime(v, in.loc)
		if !good {
			fail(col, CodeBadDate, "not a date: "+clip(v))
			return time.Time{}
		}
		// A bare closing date means to the end of that day.
		if dateOnly && col == "enrol_until" {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, in.loc)
		}
		return t
	}
	enrolFrom, enrolUntil := enrol("enrol_from"), enrol("enrol_until")

	weeks := 1
	if v := get("repeat_until"); v != "" && ok {
		uy, um, ud, good := parseDate(v)
		if !good {
			fail("repeat_until", CodeBadDate, "not a date: "+clip(v))
		} else {
			first := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
			last := time.Date(uy, um, ud, 0, 0, 0, 0, time.UTC)
			days := int(last.Sub(first) / (24 * time.Hour))
			switch {
			case days < 0:
				fail("repeat_until", CodeBadRecurrence, "repeat_until before date")
			case days/7+1 > maxWeeks:
				fail("repeat_until", CodeBadRecurrence, fmt.Sprintf("over %d weeks", maxWeeks))
			default:
				weeks = days/7 + 1
			}
		}
	}
	sid := get("session_id")
	if utf8.RuneCountInString(sid) > MaxText {
		fail("session_id", CodeTooLong, fmt.Sprintf("over %d characters", MaxText))
	}
	for _, col := range sessionColumns {
		if bad[col] {
			ok = false
		}
	}
	if !ok {
		return nil
	}

	out := make([]polku.Session, 0, weeks)
	for i := range weeks {
		// time.Date with the day moved on keeps the local time of day
		// across a daylight saving change, as the club meets at 17.00
		// whether it is summer or winter time.
		day := d + 7*i
		s := polku.Session{
			Start:      time.Date(y, mo, day, sh, sm, ss, 0, in.loc),
			End:        time.Date(y, mo, day+endDays, eh, em, es, 0, in.loc),
			Capacity:   capacity,
			EnrolFrom:  enrolFrom,
			EnrolUntil: enrolUntil,
			Status:     status,
		}
		switch {
		case sid == "":
			s.ExternalID = s.Start.Format("2006-01-02T15:04")
		case weeks > 1 || r.get("repeat_until") != "":
			s.ExternalID = sid + "-" + s.Start.Format("2006-01-02")
		default:
			s.ExternalID = sid
		}
		out = append(out, s)
	}
	return out
}

// diffActivity lists the columns where two rows of one activity disagree.
func diffActivity(a, b polku.Activity) []string {
	var cols []string
	diff := func(col string, differ bool) {
		if differ {
			cols = append(cols, col)
		}
	}
	localized := func(prefix string, x, y polku.Localized) {
		keys := sortedKeys(x)
		for _, k := range sortedKeys(y) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			diff(prefix+k, x[k] != y[k])
		}
	}
	localized("title_", a.Title, b.Title)
	localized("description_", a.Description, b.Description)
	diff("categories", !sameSet(a.Categories, b.Categories))
	diff("audience", a.Audience != b.Audience)
	diff("age_min", a.AgeMin != b.AgeMin)
	diff("age_max", a.AgeMax != b.AgeMax)
	diff("municipality", a.Municipality != b.Municipality)
	diff("neighbours", !sameSet(a.Neighbours, b.Neighbours))
	diff("place", a.Place.Name != b.Place.Name)
	diff("address", a.Place.Address != b.Place.Address)
	switch ca, cb := a.Place.Coords, b.Place.Coords; {
	case ca == nil && cb == nil:
	case ca == nil || cb == nil:
		diff("lat", true)
	default:
		diff("lat", ca.Lat != cb.Lat)
		diff("lon", ca.Lon != cb.Lon)
	}
	switch {
	case a.Price.Kind != b.Price.Kind:
		diff("price", true)
	case a.Price.Cents != b.Price.Cents && a.Price.Kind == polku.PriceCard:
		diff("price_without_card", true)
	default:
		diff("price", a.Price.Cents != b.Price.Cents)
	}
	diff("access", !sameSet(a.Access, b.Access))
	diff("languages", !sameSet(a.Languages, b.Languages))
	diff("contact", a.Contact != b.Contact)
	diff("info_url", a.InfoURL != b.InfoURL)
	return cols
}

// sameSet compares lists whose order means nothing.
func sameSet[T ~string](a, b []T) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
