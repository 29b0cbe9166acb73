package staff_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"polku"

	"polku/staff"
)

func TestParsePeriod(t *testing.T) {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	// 1 December 2026 at 00:30 in Helsinki is still November in UTC: the
	// month is the service's.
	now := time.Date(2026, 12, 1, 0, 30, 0, 0, helsinki)
	for _, tc := range []struct {
		arg  string
		want staff.Period
		err  error
	}{
		{"", staff.Period{First: "2026-12", Last: "2026-12"}, nil},
		{"  2026-11 ", staff.Period{First: "2026-11", Last: "2026-11"}, nil},
		{"2026-01..2026-06", staff.Period{First: "2026-01", Last: "2026-06"}, nil},
		{"2026-01–2026-06", staff.Period{First: "2026-01", Last: "2026-06"}, nil},
		{"2026-01 - 2026-06", staff.Period{First: "2026-01", Last: "2026-06"}, nil},
		{"2026-01-2026-06", staff.Period{First: "2026-01", Last: "2026-06"}, nil},
		{"2025-01..2026-12", staff.Period{First: "2025-01", Last: "2026-12"}, nil},
		{"2024-12..2026-12", staff.Period{}, staff.ErrPeriodLong},
		{"2027-01", staff.Period{}, staff.ErrPeriodFuture},
		{"2026-06..2026-01", staff.Period{}, staff.ErrPeriodOrder},
		{"2026-13", staff.Period{}, staff.ErrPeriodFormat},
		{"november", staff.Period{}, staff.ErrPeriodFormat},
		{"2026-11..", staff.Period{}, staff.ErrPeriodFormat},
		{"2026-11-05", staff.Period{}, staff.ErrPeriodFormat},
	} {
		got, err := staff.ParsePeriod(tc.arg, now)
		if got != tc.want || err != tc.err {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v, %v", tc.arg, got, err, tc.want, tc.err)
		}
	}
}

func TestPeriodString(t *testing.T) {
	if got := (staff.Period{First: "2026-11", Last: "2026-11"}).String(); got != "2026-11" {
		t.Errorf("one month: %q", got)
	}
	if got := (staff.Period{First: "2026-01", Last: "2026-06"}).String(); got != "2026-01..2026-06" {
		t.Errorf("a run: %q", got)
	}
}

func TestPeriodPrevious(t *testing.T) {
	for p, want := range map[staff.Period]staff.Period{
		{First: "2026-11", Last: "2026-11"}: {First: "2026-10", Last: "2026-10"},
		{First: "2026-01", Last: "2026-01"}: {First: "2025-12", Last: "2025-12"},
		{First: "2026-01", Last: "2026-06"}: {First: "2025-07", Last: "2025-12"},
		{First: "2025-01", Last: "2026-12"}: {First: "2023-01", Last: "2024-12"},
	} {
		if got := p.Previous(); got != want {
			t.Errorf("%v.Previous() = %v, want %v", p, got, want)
		}
	}
}

func TestLastMonthAndFirstWeekday(t *testing.T) {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, helsinki) }
	if got := staff.LastMonth(at(2027, 1, 4)); got != (staff.Period{First: "2026-12", Last: "2026-12"}) {
		t.Errorf("last month in January: %v", got)
	}
	// August 2026 begins on a Saturday: its first weekday is Monday 3rd.
	if got, want := staff.FirstWeekday(at(2026, 8, 20), 9*time.Hour+30*time.Minute), time.Date(2026, 8, 3, 9, 30, 0, 0, helsinki); !got.Equal(want) {
		t.Errorf("FirstWeekday(August 2026) = %v, want %v", got, want)
	}
	// 1 March 2026 is a Sunday, and the clocks go forward on the 29th:
	// Monday 2nd at nine, local time.
	if got, want := staff.FirstWeekday(at(2026, 3, 30), 9*time.Hour), time.Date(2026, 3, 2, 9, 0, 0, 0, helsinki); !got.Equal(want) {
		t.Errorf("FirstWeekday(March 2026) = %v, want %v", got, want)
	}
	if got, want := staff.FirstWeekday(at(2026, 12, 1), 9*time.Hour), time.Date(2026, 12, 1, 9, 0, 0, 0, helsinki); !got.Equal(want) {
		t.Errorf("Tuesday 1 December 2026 is its month's first weekday, got %v", got)
	}
	// New Year's Day, and May Day on a Friday: the next working day.
	for _, tc := range []struct{ month, want time.Time }{
		{at(2027, 1, 15), time.Date(2027, 1, 4, 9, 0, 0, 0, helsinki)}, // Fri 1 is New Year's Day
		{at(2026, 1, 15), time.Date(2026, 1, 2, 9, 0, 0, 0, helsinki)}, // Thu 1 is New Year's Day
		{at(2026, 5, 15), time.Date(2026, 5, 4, 9, 0, 0, 0, helsinki)}, // Fri 1 is May Day
	} {
		if got := staff.FirstWeekday(tc.month, 9*time.Hour); !got.Equal(tc.want) {
			t.Errorf("FirstWeekday(%s) = %v, want %v", tc.month.Format("2006-01"), got, tc.want)
		}
	}
}

// roles are the roles of a manager and an operator of the whole service,
// as the adapter says them, for the tests that do not look at scopes.
func roles(manager, operator bool) staff.Roles {
	var r staff.Roles
	if manager {
		r = append(r, polku.Grant{User: 42, Role: polku.RoleManager, Scope: polku.Scope{Kind: polku.ScopeService}})
	}
	if operator {
		r = append(r, polku.Grant{User: 42, Role: polku.RoleOperator, Scope: polku.Scope{Kind: polku.ScopeService}})
	}
	return r
}

// audits records what the managers' side audits.
type audits struct{ got []string }

func (a *audits) Audit(_ context.Context, who int64, action string, _ int64, detail string) error {
	a.got = append(a.got, action+" "+detail)
	return nil
}

func TestManagersReport(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	m := staff.NewManagers(func() time.Time { return now }, polku.Costs{}, polku.Service{})
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		arg     string
		manager bool
		want    []staff.Message
		audited []string
	}{
		{"not a manager", "2026-11", false, []staff.Message{{Lines: []staff.Line{staff.L("manager.not_manager", nil)}}}, []string{"report_refused "}},
		{"last month", "2026-11", true, []staff.Message{{Report: &staff.Period{First: "2026-11", Last: "2026-11"}}}, []string{"report 2026-11"}},
		{"a run", "2026-01..2026-06", true, []staff.Message{{Report: &staff.Period{First: "2026-01", Last: "2026-06"}}}, []string{"report 2026-01..2026-06"}},
		{"with its tables as CSV", "2026-11 csv", true, []staff.Message{{Report: &staff.Period{First: "2026-11", Last: "2026-11"}, CSV: true}}, []string{"report 2026-11 csv"}},
		{"this month as CSV", "csv", true, []staff.Message{{Report: &staff.Period{First: "2026-12", Last: "2026-12"}, CSV: true}}, []string{"report 2026-12 csv"}},
		{"the future", "2027-02", true, []staff.Message{{Lines: []staff.Line{staff.L("manager.period_future", map[string]any{"Max": staff.MaxMonths})}}}, nil},
		{"nonsense", "last year", true, []staff.Message{{Lines: []staff.Line{staff.L("manager.period_format", map[string]any{"Max": staff.MaxMonths})}}}, nil},
	} {
		a := &audits{}
		got, err := m.Report(ctx, a, staff.Input{User: 42, Command: "report", Arg: tc.arg}, roles(tc.manager, false))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
		if !reflect.DeepEqual(a.got, tc.audited) {
			t.Errorf("%s: audited %q, want %q", tc.name, a.got, tc.audited)
		}
	}
}
