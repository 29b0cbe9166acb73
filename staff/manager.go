package staff

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"polku"
)

// The service's managers ask for the report of a period: /report (this
// month so far), /report 2026-11, /report 2026-01..2026-06 (with "csv"
// after it, its tables as CSV files too); and get last
// month's on the first weekday of each month. A manager's report is of
// its scope (the whole service, a region or a municipality); one of a
// part of it is asked by naming it first: /report Kuusamo 2026-11,
// /report kainuu. Who is a manager of what (named in the configuration,
// granted in Telegram, or a member of the managers' group: the service's)
// is the adapter's to say, as Roles; staff decides the period and the
// scope, refuses anyone else and anything outside the manager's scope,
// and audits every report asked, refused ones too. The report
// itself (figures, pictures, the workbook) is built by the adapter from
// the Message's Report. The costs it counts are /costs (costs.go).

// ManagerTx is what the managers' side needs of the store.
type ManagerTx interface {
	Audit(ctx context.Context, who int64, action string, caseID int64, detail string) error
}

// Period is a run of whole months, First to Last, both included, each
// written as "2006-01".
type Period struct{ First, Last string }

// String is the period as the audit and the report write it: "2026-11" or
// "2026-01..2026-06".
func (p Period) String() string {
	if p.Last == p.First {
		return p.First
	}
	return p.First + ".." + p.Last
}

// Previous is the period of as many months just before p, the one a report
// shows beside p. p must be a period ParsePeriod or LastMonth gave.
func (p Period) Previous() Period {
	f, _ := time.Parse("2006-01", p.First)
	l, _ := time.Parse("2006-01", p.Last)
	n := months(f, l)
	return Period{f.AddDate(0, -n, 0).Format("2006-01"), f.AddDate(0, -1, 0).Format("2006-01")}
}

// MaxMonths is the longest period one report covers: two years, what the
// statistics keep beside each other.
const MaxMonths = 24

// Why a period is refused.
var (
	ErrPeriodFormat = errors.New("not a month or a run of months")
	ErrPeriodFuture = errors.New("a month that has not begun")
	ErrPeriodOrder  = errors.New("the first month after the last")
	ErrPeriodLong   = errors.New("longer than MaxMonths")
)

// ParsePeriod reads the argument of /report at now (in the service's time
// zone): "" is this month so far, "2026-11" one month, "2026-01..2026-06"
// a run of months (an en dash or a hyphen between them works too).
func ParsePeriod(arg string, now time.Time) (Period, error) {
	this := now.Format("2006-01")
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return Period{this, this}, nil
	}
	first, last, ok := cutRange(arg)
	if !ok {
		first, last = arg, arg
	}
	f, err1 := time.Parse("2006-01", strings.TrimSpace(first))
	l, err2 := time.Parse("2006-01", strings.TrimSpace(last))
	switch {
	case err1 != nil || err2 != nil:
		return Period{}, ErrPeriodFormat
	case l.Before(f):
		return Period{}, ErrPeriodOrder
	case l.Format("2006-01") > this:
		return Period{}, ErrPeriodFuture
	case months(f, l) > MaxMonths:
		return Period{}, ErrPeriodLong
	}
	return Period{f.Format("2006-01"), l.Format("2006-01")}, nil
}

// csvArg splits "2026-11 csv" (or "csv" alone) into the period's argument
// and whether CSV files are asked for too.
func csvArg(arg string) (string, bool) {
	a, csv := strings.CutSuffix(strings.TrimSpace(arg), "csv")
	a, csv = strings.TrimSpace(a), csv && (a == "" || strings.HasSuffix(a, " "))
	if !csv {
		return arg, false
	}
	return a, true
}

// cutRange splits "A..B", "A–B" or "A - B" (months are written with a
// hyphen too, so a hyphen separates only with spaces or between two
// whole months).
func cutRange(s string) (string, string, bool) {
	for _, sep := range []string{"..", "–", "—", " - "} {
		if a, b, ok := strings.Cut(s, sep); ok {
			return a, b, true
		}
	}
	if len(s) == len("2006-01-2006-01") && s[7] == '-' {
		return s[:7], s[8:], true
	}
	return "", "", false
}

// months is how many months f to l covers, both included.
func months(f, l time.Time) int {
	return (l.Year()-f.Year())*12 + int(l.Month()-f.Month()) + 1
}

// LastMonth is the month before now's.
func LastMonth(now time.Time) Period {
	m := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location()).AddDate(0, -1, 0).Format("2006-01")
	return Period{m, m}
}

// FirstWeekday is the first working day of now's month (Monday to Friday,
// not one of Finland's days off, polku.FinnishHolidays), at the time of
// day at (in now's time zone): when last month's report is due.
func FirstWeekday(now time.Time, at time.Duration) time.Time {
	d := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	for {
		_, off := polku.FinnishHoliday(d)
		if !off && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			break
		}
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, now.Location())
}

// Managers is what the service's managers do.
type Managers struct {
	// now is the service's clock, in its time zone.
	now func() time.Time
	// costs are the configuration's costs, in effect until a manager sets
	// some.
	costs polku.Costs
	// service is what the managers' scopes are of.
	service polku.Service
}

// periodProblem is what a command of prefix ("manager", "audit") answers
// to a period ParsePeriod could not read (err).
func periodProblem(prefix string, err error) Line {
	id := map[error]string{
		ErrPeriodFormat: ".period_format", ErrPeriodFuture: ".period_future",
		ErrPeriodOrder: ".period_order", ErrPeriodLong: ".period_long",
	}[err]
	return L(prefix+id, map[string]any{"Max": MaxMonths})
}

// NewManagers returns the managers' side of service on the service's
// clock, in its time zone, with the configuration's costs.
func NewManagers(now func() time.Time, costs polku.Costs, service polku.Service) *Managers {
	return &Managers{now: now, costs: costs, service: service}
}

// Report answers /report of in.User, who holds r: a Message whose Report
// is the period asked, of the Scope asked, or why none is made.
func (m *Managers) Report(ctx context.Context, tx ManagerTx, in Input, r Roles) ([]Message, error) {
	if !r.Has(polku.RoleManager) {
		return []Message{say(L("manager.not_manager", nil))}, tx.Audit(ctx, in.User, "report_refused", 0, "")
	}
	sc, rest, refused := m.where(in.Arg, in.Lang, r.Scopes(polku.RoleManager))
	if refused != nil {
		return []Message{say(*refused)}, tx.Audit(ctx, in.User, "report_refused", 0, sc.String())
	}
	arg, csv := csvArg(rest)
	p, err := ParsePeriod(arg, m.now())
	if err != nil {
		return []Message{say(periodProblem("manager", err))}, nil
	}
	return []Message{{To: Here, Report: &p, CSV: csv, Scope: sc}}, tx.Audit(ctx, in.User, "report", 0, scopeDetail(p, csv, sc))
}

// scopeDetail is what the audit keeps of a report or an audit log asked:
// the period, "csv" when its tables were, and the scope unless it is the
// whole service.
func scopeDetail(p Period, csv bool, sc polku.Scope) string {
	detail := p.String()
	if csv {
		detail += " csv"
	}
	if sc.Kind != polku.ScopeService && sc.Kind != "" {
		detail += " " + sc.String()
	}
	return detail
}

// where reads the part of the service a manager holding scopes names
// before the period ("Kuusamo", "kainuu", "municipality:Kuusamo"; none is
// the first of scopes, the widest one when it holds the service's) and
// returns it with the rest of arg, or, with refused set, why it is not
// theirs to see, in lang (sc is then what was named, for the audit).
func (m *Managers) where(arg, lang string, scopes []polku.Scope) (sc polku.Scope, rest string, refused *Line) {
	sc = polku.Scope{Kind: polku.ScopeService}
	if len(scopes) > 0 && !slices.Contains(scopes, sc) {
		sc = scopes[0]
	}
	first, after, _ := strings.Cut(strings.TrimSpace(arg), " ")
	named, ok := m.scopeOf(first)
	switch {
	case !ok:
		return service(sc), arg, nil
	case len(scopes) > 0 && !Roles(grantsOf(scopes)).Reaches(polku.RoleManager, named, m.service):
		l := L("manager.outside_scope", map[string]any{"Name": ScopeName(m.service, named, lang), "Scope": ScopeName(m.service, sc, lang)})
		return named, after, &l
	}
	return service(named), after, nil
}

// service is sc, with the whole service's as the zero Scope.
func service(sc polku.Scope) polku.Scope {
	if sc.Kind == polku.ScopeService {
		return polku.Scope{}
	}
	return sc
}

// grantsOf are a manager's scopes as its grants.
func grantsOf(scopes []polku.Scope) []polku.Grant {
	gs := make([]polku.Grant, len(scopes))
	for i, sc := range scopes {
		gs[i] = polku.Grant{Role: polku.RoleManager, Scope: sc}
	}
	return gs
}

// scopeOf reads a word that names a part of the service: a scope of its
// own as polku.ParseScope reads it, a municipality's ID, or a region's ID
// or name in any language. Anything else (a period, "csv", a place the
// service does not have) names none: it is read as the period, and what
// someone typed never reaches the audit.
func (m *Managers) scopeOf(word string) (polku.Scope, bool) {
	if word == "" || word == "csv" {
		return polku.Scope{}, false
	}
	if sc, err := polku.ParseScope(word); err == nil {
		switch sc.Kind {
		case polku.ScopeService:
			return sc, true
		case polku.ScopeMunicipality, polku.ScopeRegion:
			word = sc.ID
		default:
			return polku.Scope{}, false
		}
	}
	if mu, ok := m.service.Municipality(word); ok {
		return polku.Scope{Kind: polku.ScopeMunicipality, ID: mu.ID}, true
	}
	for _, rg := range m.service.Regions {
		if strings.EqualFold(rg.ID, word) || slices.ContainsFunc(slices.Collect(maps.Values(rg.Name)), func(n string) bool { return strings.EqualFold(n, word) }) {
			return polku.Scope{Kind: polku.ScopeRegion, ID: rg.ID}, true
		}
	}
	return polku.Scope{}, false
}
