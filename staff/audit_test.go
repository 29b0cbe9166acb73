package staff_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"polku"
	"polku/staff"
)

func TestMayReadAudit(t *testing.T) {
	for _, tc := range []struct{ manager, operator, want bool }{
		{false, false, false}, {true, false, true}, {false, true, true}, {true, true, true},
	} {
		if got := staff.MayReadAudit(tc.manager, tc.operator); got != tc.want {
			t.Errorf("MayReadAudit(manager %v, operator %v) = %v, want %v", tc.manager, tc.operator, got, tc.want)
		}
	}
}

func TestManagersAuditLog(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	m := staff.NewManagers(func() time.Time { return now }, polku.Costs{}, polku.Service{})
	ctx := context.Background()
	period := func(first, last string) *staff.Period { return &staff.Period{First: first, Last: last} }
	for _, tc := range []struct {
		name              string
		arg               string
		manager, operator bool
		want              []staff.Message
		audited           []string
	}{
		{"a coordinator who is neither", "", false, false, []staff.Message{{Lines: []staff.Line{staff.L("audit.refused", nil)}}}, []string{"audit_refused "}},
		{"a manager, this month", "", true, false, []staff.Message{{AuditLog: period("2026-12", "2026-12")}}, []string{"audit 2026-12"}},
		{"an operator, a run", "2026-01..2026-06", false, true, []staff.Message{{AuditLog: period("2026-01", "2026-06")}}, []string{"audit 2026-01..2026-06"}},
		{"as CSV too", "2026-11 csv", true, true, []staff.Message{{AuditLog: period("2026-11", "2026-11"), CSV: true}}, []string{"audit 2026-11 csv"}},
		{"the future", "2027-02", true, false, []staff.Message{{Lines: []staff.Line{staff.L("audit.period_future", map[string]any{"Max": staff.MaxMonths})}}}, []string{"audit ?"}},
		{"nonsense is not written down", "Aino's mother", false, true, []staff.Message{{Lines: []staff.Line{staff.L("audit.period_format", map[string]any{"Max": staff.MaxMonths})}}}, []string{"audit ?"}},
		{"too long", "2024-01..2026-12", true, false, []staff.Message{{Lines: []staff.Line{staff.L("audit.period_long", map[string]any{"Max": staff.MaxMonths})}}}, []string{"audit ?"}},
	} {
		a := &audits{}
		got, err := m.AuditLog(ctx, a, staff.Input{User: 42, Command: "audit", Arg: tc.arg}, roles(tc.manager, tc.operator))
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
