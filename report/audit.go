package report

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"polku"

	"github.com/xuri/excelize/v2"
)

// The audit log as the operators and managers read it (/audit): a
// workbook of its rows, their CSV in a zip file when asked, and a short
// summary of the rows per action. Unlike the report its rows are not
// figures: nothing is hidden, and there is nothing personal to hide, as
// the audit holds who of the staff did what when, never what anyone wrote
// and never who a family is.

// AuditFiles are the audit log written: the workbook, the CSV file in a
// zip file when asked for, and how many rows each action has.
type AuditFiles struct {
	XLSX, CSVZip []byte
	Rows         int
	Actions      []ActionRows
}

// ActionRows is how many rows of the audit log an action has.
type ActionRows struct {
	Action string
	Rows   int
}

// auditSheetRows is how many rows a sheet of the audit's workbook holds,
// its header among them: as many as a spreadsheet opens, after which the
// rows go on on the next sheet.
var auditSheetRows = excelize.TotalRows

// AuditLog writes the rows of the audit log as they come, one at a time:
// to a workbook through excelize's stream writer (which keeps what it
// has written on disk, not in memory, once it grows) and, when asked, to
// a CSV file in a zip file. Only the files written are held whole.
type AuditLog struct {
	w    Words
	lang string
	f    *excelize.File
	sw   *excelize.StreamWriter
	// sheets is how many sheets there are, y the next row of the last.
	sheets, y int
	when      int
	zipped    bytes.Buffer
	z         *zip.Writer
	cw        *csv.Writer
	names     map[string]string
	counts    map[string]int
	rows      int
}

// NewAuditLog starts the audit log's files in lang; withCSV adds the CSV
// file.
func NewAuditLog(w Words, lang string, withCSV bool) (*AuditLog, error) {
	l := &AuditLog{w: w, lang: lang, f: excelize.NewFile(), names: map[string]string{}, counts: map[string]int{}}
	format := "yyyy-mm-dd hh:mm:ss"
	var err error
	if l.when, err = l.f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
		return nil, l.fail(err)
	}
	if err := l.sheet(); err != nil {
		return nil, l.fail(err)
	}
	if withCSV {
		l.z = zip.NewWriter(&l.zipped)
		out, err := l.z.Create("audit.csv")
		if err != nil {
			return nil, l.fail(err)
		}
		l.cw = csv.NewWriter(out)
		if lang != "en" {
			l.cw.Comma = ';'
		}
		if err := l.cw.Write(l.header()); err != nil {
			return nil, l.fail(err)
		}
	}
	return l, nil
}

// fail closes the workbook's temporary files after err.
func (l *AuditLog) fail(err error) error {
	_ = l.f.Close()
	return fmt.Errorf("audit log: %w", err)
}

// header is the columns' names in lang.
func (l *AuditLog) header() []string {
	var h []string
	for _, c := range []string{"when", "who", "name", "action", "code", "case", "detail"} {
		h = append(h, l.w.Message(l.lang, "audit.column."+c, nil, nil))
	}
	return h
}

// sheet begins the workbook's next sheet with the header: "Audit log",
// then "Audit log 2" and on when a period has more rows than one sheet
// holds.
func (l *AuditLog) sheet() error {
	if l.sw != nil {
		if err := l.sw.Flush(); err != nil {
			return err
		}
	}
	l.sheets++
	name := l.w.Message(l.lang, "audit.sheet", nil, nil)
	if l.sheets > 1 {
		name += " " + strconv.Itoa(l.sheets)
	}
	name = sheetName(name)
	if l.sheets == 1 {
		if err := l.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := l.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := l.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		col   int
		width float64
	}{{1, 20}, {2, 14}, {3, 14}, {4, 36}, {5, 18}, {6, 8}, {7, 24}} {
		if err := sw.SetColWidth(c.col, c.col, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	var head []any
	for _, h := range l.header() {
		head = append(head, excelize.Cell{Value: h})
	}
	l.sw, l.y = sw, 1
	return l.row(head)
}

// row writes one row of the sheet.
func (l *AuditLog) row(cells []any) error {
	at, err := excelize.CoordinatesToCellName(1, l.y)
	if err != nil {
		return err
	}
	l.y++
	return l.sw.SetRow(at, cells)
}

// action is an action's name in the log's language, looked up once.
func (l *AuditLog) action(code string) string {
	n, ok := l.names[code]
	if !ok {
		n = actionName(l.w, l.lang, code)
		l.names[code] = n
	}
	return n
}

// actionName is an action's name in lang; the code itself for an action
// the locales have no name for (one added before its words were).
func actionName(w Words, lang, code string) string {
	id := "audit.action." + code
	if n := w.Message(lang, id, nil, nil); n != id {
		return n
	}
	return code
}

// Add writes one row.
func (l *AuditLog) Add(r polku.AuditRow) error {
	if l.y > auditSheetRows {
		if err := l.sheet(); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
	}
	name := l.action(r.Action)
	who := r.Name
	if r.Who == 0 && who == "" {
		who = l.w.Message(l.lang, "audit.bot", nil, nil)
	}
	var c any
	if r.Case != 0 {
		c = r.Case
	}
	// The wall clock of the service's time zone: a spreadsheet has none
	// of its own, and excelize counts from UTC.
	wall := time.Date(r.At.Year(), r.At.Month(), r.At.Day(), r.At.Hour(), r.At.Minute(), r.At.Second(), 0, time.UTC)
	if err := l.row([]any{excelize.Cell{StyleID: l.when, Value: wall}, r.Who, who, name, r.Action, c, r.Detail}); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if l.cw != nil {
		cs := ""
		if r.Case != 0 {
			cs = strconv.FormatInt(r.Case, 10)
		}
		if err := l.cw.Write([]string{r.At.Format("2006-01-02 15:04:05"), strconv.FormatInt(r.Who, 10), who, name, r.Action, cs, r.Detail}); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
	}
	l.counts[r.Action]++
	l.rows++
	return nil
}

// Close finishes the files and returns them.
func (l *AuditLog) Close() (AuditFiles, error) {
	defer l.f.Close()
	out := AuditFiles{Rows: l.rows}
	for a, n := range l.counts {
		out.Actions = append(out.Actions, ActionRows{Action: a, Rows: n})
	}
	slices.SortFunc(out.Actions, func(a, b ActionRows) int { return cmp.Or(b.Rows-a.Rows, strings.Compare(a.Action, b.Action)) })
	if err := l.sw.Flush(); err != nil {
		return AuditFiles{}, fmt.Errorf("audit log: %w", err)
	}
	l.f.SetActiveSheet(0)
	b, err := l.f.WriteToBuffer()
	if err != nil {
		return AuditFiles{}, fmt.Errorf("audit log: %w", err)
	}
	out.XLSX = b.Bytes()
	if l.cw != nil {
		l.cw.Flush()
		if err := errors.Join(l.cw.Error(), l.z.Close()); err != nil {
			return AuditFiles{}, fmt.Errorf("audit log: %w", err)
		}
		out.CSVZip = l.zipped.Bytes()
	}
	return out, nil
}

// MaxAuditSummary is the longest summary of the audit log, a message of
// its own: Telegram's messages hold 4,096 characters.
const MaxAuditSummary = 4000

// AuditSummary is the audit log of period p in a few lines in lang: how
// many rows, and how many of each action, the most first.
func AuditSummary(w Words, lang string, p Period, files AuditFiles) string {
	var b strings.Builder
	b.WriteString(w.Message(lang, "audit.summary", map[string]any{"Period": p.String(), "Rows": number(lang, float64(files.Rows), 0)}, nil))
	if files.Rows == 0 {
		b.WriteString("\n" + w.Message(lang, "audit.summary_none", nil, nil))
	}
	for _, a := range files.Actions {
		line := w.Message(lang, "audit.summary_line", map[string]any{"Action": actionName(w, lang, a.Action), "Code": a.Action, "Rows": number(lang, float64(a.Rows), 0)}, nil)
		if len([]rune(b.String()))+len([]rune(line))+3 > MaxAuditSummary {
			b.WriteString("\n…")
			break
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}
