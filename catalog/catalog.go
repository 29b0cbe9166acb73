// Package catalog owns getting the service catalogue (palvelutarjotin) into
// Polku: it reads activities from the CSV file a coordinator keeps in a
// spreadsheet and from Linked Events JSON, checks every activity the same
// way (Validate), writes the catalogue back out as CSV, and holds the
// fictional sample catalogue used for demos and tests.
//
// It imports only polku, the standard library and golang.org/x/net/html
// (for its HTML tokenizer): no pgx, no go-telegram, no store. Storing
// what it returns is the caller's business.
package catalog

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"polku"
)

// The problem codes. The bot localizes each as "import.problem.<code>", so
// this set is closed: a new code needs a text in every locale first.
const (
	CodeEncoding        = "encoding"         // the file is not UTF-8
	CodeEmpty           = "empty"            // no data rows
	CodeColumns         = "columns"          // broken CSV, or a Linked Events event that cannot be read
	CodeMissingColumn   = "missing_column"   // a required column is not in the header
	CodeUnknownColumn   = "unknown_column"   // a header Polku does not know
	CodeDuplicateColumn = "duplicate_column" // a column twice in the header
	CodeExtraCells      = "extra_cells"      // a row with more cells than the header has columns
	CodeUnclosedQuote   = "unclosed_quote"   // a quoted cell never closed: the rest of the file would be one cell
	CodeRequired        = "required"         // an empty required cell
	CodeBadDate         = "bad_date"         // not a date, or an enrolment date that makes no sense
	CodeBadTime         = "bad_time"         // not a time of day
	CodeBadNumber       = "bad_number"       // not a whole number, or not a positive one
	CodeBadPrice        = "bad_price"        // not a price
	CodeBadAges         = "bad_ages"         // ages outside 0..polku.MaxAge, or the lower last
	CodeEndBeforeStart  = "end_before_start" // an end (of a session or an enrolment) not after its start
	CodeBadRecurrence   = "bad_recurrence"   // repeat_until before the date, or too many weeks
	CodeUnknownCategory = "unknown_category"
	CodeUnknownAudience = "unknown_audience"
	CodeUnknownAccess   = "unknown_access"
	CodeUnknownStatus   = "unknown_status"
	CodeBadLanguage     = "bad_language" // not a BCP 47 base code
	CodeBadCoords       = "bad_coords"
	CodeConflict        = "conflict" // rows of one activity disagree, or one session twice
	CodeTooLong         = "too_long" // a text over its limit
	// CodeUnknownMunicipality is an activity in a municipality the
	// service does not offer: no family would ever see it (Offer).
	CodeUnknownMunicipality = "unknown_municipality"
	// CodePast is a warning, not a problem: a session that is already
	// over is imported, but no family can sign up for it (Offer).
	CodePast = "past"
)

// Codes lists every problem code, so that a test elsewhere can check that
// each has a text in every locale.
var Codes = []string{
	CodeEncoding, CodeEmpty, CodeColumns, CodeRequired, CodeBadDate, CodeBadTime,
	CodeBadNumber, CodeBadPrice, CodeBadAges, CodeEndBeforeStart, CodeBadRecurrence,
	CodeUnknownCategory, CodeUnknownAudience, CodeUnknownAccess, CodeUnknownStatus,
	CodeBadLanguage, CodeBadCoords, CodeConflict, CodeTooLong,
	CodeMissingColumn, CodeUnknownColumn, CodeDuplicateColumn, CodeExtraCells, CodeUnclosedQuote,
	CodeUnknownMunicipality, CodePast,
}

// Limits of one text, in characters. They keep a listing readable in a
// Telegram message (4096 characters at most) with room for the rest.
const (
	MaxTitle       = 200
	MaxDescription = 2000
	// MaxText bounds every other text: names, addresses, contacts, IDs.
	MaxText = 300
)

// MaxProblems bounds how many problems one import reports: past that a
// file is broken in some wholesale way, and a longer list helps nobody.
const MaxProblems = 200

// MaxFileSize bounds a catalogue file (and one Linked Events response).
const MaxFileSize = 10 << 20

// Problem is one thing wrong in an import.
type Problem struct {
	// Line is the physical line in the file, 1 being the header; 0 when
	// the problem is not tied to a line (Validate, Linked Events, a file
	// that is wrong as a whole).
	Line int
	// Column is the CSV column's name, "" for a whole row. In a Linked
	// Events import it is the event's id.
	Column string
	// Code is one of Codes.
	Code string
	// Detail is short English for operators. It quotes at most about 40
	// characters of a cell, so that a log never holds a whole text.
	Detail string
	// Value is what the file had where the problem is (an unknown
	// category's word, a capacity of 0, the date of a session that is
	// over), at most about 40 characters: the localized message
	// ("import.problem.<code>") names it, so that the coordinator finds
	// it. "" when there is nothing to name.
	Value string
	// Want is what would do instead, when the message should list it:
	// the municipalities the service offers.
	Want string
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Line > 0 && p.Column != "":
		fmt.Fprintf(&b, "line %d, column %s: ", p.Line, p.Column)
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d: ", p.Line)
	case p.Column != "":
		fmt.Fprintf(&b, "%s: ", p.Column)
	}
	b.WriteString(p.Code)
	if p.Detail != "" {
		fmt.Fprintf(&b, " (%s)", p.Detail)
	}
	return b.String()
}

// Problems is the error of an import that found something wrong: every
// problem found (at most MaxProblems), sorted by line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sorted returns ps in line order, capped at MaxProblems. The sort is
// stable: problems of one line stay in the order found, which is column
// order.
func (ps Problems) sorted() Problems {
	slices.SortStableFunc(ps, func(a, b Problem) int { return a.Line - b.Line })
	if len(ps) > MaxProblems {
		ps = ps[:MaxProblems]
	}
	return ps
}

// clip quotes s for a Detail, cut to about 40 characters of the quoted
// text: a control character quoted takes four or more, and a cell full of
// them must not make a long detail.
func clip(s string) string {
	const limit = 40
	var b strings.Builder
	n := 0
	for s != "" {
		_, size := utf8.DecodeRuneInString(s)
		q := strconv.Quote(s[:size])
		q = q[1 : len(q)-1]
		if n += utf8.RuneCountInString(q); n > limit {
			return `"` + b.String() + `…"`
		}
		b.WriteString(q)
		s = s[size:]
	}
	return `"` + b.String() + `"`
}

// Read reads a catalogue file: Linked Events JSON when name ends in .json
// or the content starts with { or [, CSV otherwise. opt.Location defaults
// to loc.
func Read(name string, r io.Reader, loc *time.Location, opt LEOptions) ([]polku.Activity, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, Problems{{Code: CodeTooLong, Detail: fmt.Sprintf("file over %d MiB", MaxFileSize>>20)}}
	}
	if opt.Location == nil {
		opt.Location = loc
	}
	if isLinkedEvents(name, data) {
		return ReadLinkedEvents(bytes.NewReader(data), opt)
	}
	return ReadCSV(bytes.NewReader(data), loc)
}

// short keeps a Problem's Value short and printable: at most 40
// characters, control characters left out.
func short(s string) string {
	const limit = 40
	var b strings.Builder
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) {
			continue
		}
		if n++; n > limit {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
