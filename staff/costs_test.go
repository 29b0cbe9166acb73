package staff_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

func TestChangeCosts(t *testing.T) {
	was := polku.Costs{Monthly: 500000, PerSession: 4000, PerVisit: 1500, StaffHours: 20, HourlyRate: 3500}
	with := func(f func(c *polku.Costs)) polku.Costs { c := was; f(&c); return c }
	for _, tc := range []struct {
		arg  string
		want polku.Costs
		err  error
	}{
		{"monthly 12000", with(func(c *polku.Costs) { c.Monthly = 1200000 }), nil},
		{"Monthly 12 000 €", with(func(c *polku.Costs) { c.Monthly = 1200000 }), nil},
		{"session 45", with(func(c *polku.Costs) { c.PerSession = 4500 }), nil},
		{"visit 8,50", with(func(c *polku.Costs) { c.PerVisit = 850 }), nil},
		{"visits 8.5", with(func(c *polku.Costs) { c.PerVisit = 850 }), nil},
		{"visit €8,05", with(func(c *polku.Costs) { c.PerVisit = 805 }), nil},
		{"visit 0", with(func(c *polku.Costs) { c.PerVisit = 0 }), nil},
		{"staff 60 32,50", with(func(c *polku.Costs) { c.StaffHours, c.HourlyRate = 60, 3250 }), nil},
		{"staff 37,5 h 32.50 €", with(func(c *polku.Costs) { c.StaffHours, c.HourlyRate = 37.5, 3250 }), nil},
		{"staff 0", with(func(c *polku.Costs) { c.StaffHours, c.HourlyRate = 0, 0 }), nil},
		{"staff 60 0", with(func(c *polku.Costs) { c.StaffHours, c.HourlyRate = 0, 0 }), nil},
		{"monthly 10000000", with(func(c *polku.Costs) { c.Monthly = 1000000000 }), nil},
		{"monthly 10000000,01", was, staff.ErrCostTooMuch},
		{"monthly", was, staff.ErrCostAmount},
		{"monthly -5", was, staff.ErrCostAmount},
		{"monthly 12.000", was, staff.ErrCostAmount}, // twelve euros, or twelve thousand?
		{"monthly 1,2,3", was, staff.ErrCostAmount},
		{"session lots", was, staff.ErrCostAmount},
		{"visit 8,505", was, staff.ErrCostAmount},
		{"kuukausi 12000", was, staff.ErrCostWhat},
		{"12000", was, staff.ErrCostWhat},
		{"staff 60", was, staff.ErrCostStaff},
		{"staff 60 32,50 5", was, staff.ErrCostStaff},
		{"staff many 32,50", was, staff.ErrCostStaff},
		{"staff 100001 32,50", was, staff.ErrCostHours},
		{"staff 60 99999999", was, staff.ErrCostTooMuch},
	} {
		got, err := staff.ChangeCosts(was, tc.arg)
		if err != tc.err || err == nil && got != tc.want {
			t.Errorf("ChangeCosts(%q) = %+v, %v; want %+v, %v", tc.arg, got, err, tc.want, tc.err)
		}
	}
}

func TestCostsLines(t *testing.T) {
	set := time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)
	got := staff.CostsLines(polku.Costs{Monthly: 1200000, PerVisit: 850, StaffHours: 37.5, HourlyRate: 3250, Set: set})
	want := []staff.Line{
		staff.L("manager.costs.set", map[string]any{"Day": flows.When{Start: set, Day: true}}),
		staff.L("manager.costs.monthly", map[string]any{"Euros": flows.Money(1200000)}),
		staff.L("manager.costs.session", map[string]any{"Euros": flows.Text{ID: "manager.costs.none"}}),
		staff.L("manager.costs.visit", map[string]any{"Euros": flows.Money(850)}),
		staff.L("manager.costs.staff", map[string]any{
			"Hours": flows.Text{ID: "manager.costs.hours_value", Data: map[string]any{"Whole": int64(37), "Frac": "5"}},
			"Rate":  flows.Money(3250),
		}),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Staff hours without a rate count for nothing, and say so.
	if got := staff.CostsLines(polku.Costs{StaffHours: 60}); !reflect.DeepEqual(got[0], staff.L("manager.costs.configured", nil)) || !reflect.DeepEqual(got[4], staff.L("manager.costs.staff_none", nil)) {
		t.Errorf("hours without a rate: %+v", got)
	}
}

// costsTx is the store's transaction as /costs uses it, with what it
// audits written down too.
type costsTx struct {
	*store.Tx
	audited *[]string
}

func (t costsTx) Audit(ctx context.Context, who int64, action string, caseID int64, detail string) error {
	*t.audited = append(*t.audited, strconv.FormatInt(who, 10)+" "+action+": "+detail)
	return t.Tx.Audit(ctx, who, action, caseID, detail)
}

// TestManagersCosts: /costs shows the configuration's costs until a
// manager sets some; a change is kept on the store's clock with who made
// it, shown, and audited with its values; bad input changes nothing; a
// non-manager is refused and the refusal audited.
func TestManagersCosts(t *testing.T) {
	now := time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := newDB(t, clock)
	configured := polku.Costs{Monthly: 500000}
	m := staff.NewManagers(clock, configured, polku.Service{})
	var audit []string
	costs := func(user int64, arg string, manager bool) []staff.Message {
		t.Helper()
		var ms []staff.Message
		apply(t, db, user, func(ctx context.Context, tx *store.Tx) error {
			var err error
			ms, err = m.Costs(ctx, costsTx{tx, &audit}, staff.Input{User: user, Command: "costs", Arg: arg}, roles(manager, false))
			return err
		})
		return ms
	}
	how := staff.L("manager.costs.how", nil)
	title := staff.L("manager.costs.title", nil)
	show := func(c polku.Costs) []staff.Message {
		lines := append([]staff.Line{title}, staff.CostsLines(c)...)
		return []staff.Message{{Lines: append(lines, staff.Raw(""), how)}}
	}
	if got, want := costs(7001, "", true), show(configured); !reflect.DeepEqual(got, want) {
		t.Errorf("the configuration's: %+v, want %+v", got, want)
	}
	if got, want := costs(7001, "visit 8,5x", true), []staff.Message{{Lines: []staff.Line{staff.L("manager.costs.amount", nil)}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("bad input: %+v, want %+v", got, want)
	}
	changed := polku.Costs{Monthly: 500000, PerVisit: 850, Set: now}
	got := costs(7001, "visit 8,50", true)
	if want := []staff.Message{{Lines: append([]staff.Line{staff.L("manager.costs.changed", nil), staff.Raw("")}, staff.CostsLines(changed)...)}}; !reflect.DeepEqual(got, want) {
		t.Errorf("a change: %+v, want %+v", got, want)
	}
	now = now.Add(time.Hour)
	if got, want := costs(7001, "", true), show(changed); !reflect.DeepEqual(got, want) {
		t.Errorf("after the change: %+v, want %+v", got, want)
	}
	if got, want := costs(7002, "monthly 1", false), []staff.Message{{Lines: []staff.Line{staff.L("manager.costs.not_manager", nil)}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("not a manager: %+v, want %+v", got, want)
	}
	want := []string{"7001 costs: monthly 5000.00, session 0.00, visit 8.50, staff 0 h at 0.00", "7002 costs_refused: "}
	if !reflect.DeepEqual(audit, want) {
		t.Errorf("audited %q, want %q", audit, want)
	}
}
