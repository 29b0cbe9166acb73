package staff_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/staff"
	"polku/store"
)

// twoRegions is a service of two regions, Koillismaa (Kuusamo and
// Taivalkoski) and Kalajokilaakso (Kalajoki).
var twoRegions = polku.Service{
	Regions: []polku.Region{{ID: "koillismaa", Name: polku.Localized{"fi": "Koillismaa"}}, {ID: "kalajokilaakso", Name: polku.Localized{"fi": "Kalajokilaakso"}}},
	Municipalities: []polku.Municipality{
		{ID: "Kuusamo", Region: "koillismaa"}, {ID: "Taivalkoski", Region: "koillismaa"}, {ID: "Kalajoki", Region: "kalajokilaakso"},
	},
}

func scope(v string) polku.Scope {
	sc, err := polku.ParseScope(v)
	if err != nil {
		panic(err)
	}
	return sc
}

// TestMayRefer: an organisation's referrer is granted by a manager of a
// part of the service only when one of its codes is for a municipality of
// that part; a code for anyone is the whole service's.
func TestMayRefer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		r      staff.Roles
		places []string
		want   bool
	}{
		{"an operator, codes for anyone", staff.Roles{{Role: polku.RoleOperator, Scope: scope("service")}}, []string{""}, true},
		{"the service's manager, codes for anyone", staff.Roles{{Role: polku.RoleManager, Scope: scope("service")}}, []string{""}, true},
		{"a region's manager, a code in it", staff.Roles{{Role: polku.RoleManager, Scope: scope("region:koillismaa")}}, []string{"", "Taivalkoski"}, true},
		{"a region's manager, codes for anyone", staff.Roles{{Role: polku.RoleManager, Scope: scope("region:koillismaa")}}, []string{""}, false},
		{"a region's manager, another region's code", staff.Roles{{Role: polku.RoleManager, Scope: scope("region:koillismaa")}}, []string{"Kalajoki"}, false},
		{"a municipality's manager, its code", staff.Roles{{Role: polku.RoleManager, Scope: scope("municipality:Kuusamo")}}, []string{"kuusamo"}, true},
		{"a municipality's manager, its region's other municipality", staff.Roles{{Role: polku.RoleManager, Scope: scope("municipality:Kuusamo")}}, []string{"Taivalkoski"}, false},
		{"two areas, one of them", staff.Roles{{Role: polku.RoleManager, Scope: scope("municipality:Kuusamo")}, {Role: polku.RoleManager, Scope: scope("region:kalajokilaakso")}}, []string{"Kalajoki"}, true},
		{"a referrer", staff.Roles{{Role: polku.RoleReferrer, Scope: scope("organisation:School")}}, []string{"Kuusamo"}, false},
	} {
		if got := tc.r.MayRefer(tc.places, twoRegions); got != tc.want {
			t.Errorf("%s: MayRefer = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMayGrant(t *testing.T) {
	operator := staff.Roles{{Role: polku.RoleOperator, Scope: scope("service")}}
	koillismaa := staff.Roles{{Role: polku.RoleManager, Scope: scope("region:koillismaa")}}
	kuusamo := staff.Roles{{Role: polku.RoleManager, Scope: scope("municipality:Kuusamo")}}
	referrer := staff.Roles{{Role: polku.RoleReferrer, Scope: scope("organisation:School")}}
	for _, tc := range []struct {
		name string
		r    staff.Roles
		role polku.Role
		sc   string
		want bool
	}{
		{"an operator, a region's manager", operator, polku.RoleManager, "region:kalajokilaakso", true},
		{"an operator, an operator", operator, polku.RoleOperator, "service", true},
		{"an operator, a referrer", operator, polku.RoleReferrer, "organisation:School", true},
		{"an operator, a provider (the coordinators')", operator, polku.RoleProvider, "organiser:Club", false},
		{"a region's manager, its municipality's", koillismaa, polku.RoleManager, "municipality:Kuusamo", true},
		{"a region's manager, its own region's", koillismaa, polku.RoleManager, "region:koillismaa", true},
		{"a region's manager, another region's", koillismaa, polku.RoleManager, "region:kalajokilaakso", false},
		{"a region's manager, another region's municipality", koillismaa, polku.RoleManager, "municipality:Kalajoki", false},
		{"a region's manager, the service's", koillismaa, polku.RoleManager, "service", false},
		{"a region's manager, an operator", koillismaa, polku.RoleOperator, "service", false},
		{"a region's manager, a referrer", koillismaa, polku.RoleReferrer, "organisation:School", true},
		{"a municipality's manager, its region's", kuusamo, polku.RoleManager, "region:koillismaa", false},
		{"a referrer, anything", referrer, polku.RoleReferrer, "organisation:School", false},
		{"nobody", nil, polku.RoleManager, "municipality:Kuusamo", false},
	} {
		if got := tc.r.MayGrant(polku.Grant{Role: tc.role, Scope: scope(tc.sc)}, twoRegions); got != tc.want {
			t.Errorf("%s: MayGrant = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestManagersScope: a region's manager's report and audit log are of its
// region, or of a municipality of it named first; another region's
// municipality is refused, and the refusal audited; the costs, the whole
// service's, it may see but not change.
func TestManagersScope(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	m := staff.NewManagers(func() time.Time { return now }, polku.Costs{}, twoRegions)
	ctx := context.Background()
	r := staff.Roles{{User: 42, Role: polku.RoleManager, Scope: scope("region:koillismaa")}}
	p := &staff.Period{First: "2026-11", Last: "2026-11"}
	refused := staff.L("manager.outside_scope", map[string]any{"Name": "Kalajoki", "Scope": "Koillismaa"})
	for _, tc := range []struct {
		name, arg string
		want      []staff.Message
		audited   []string
	}{
		{"its region", "2026-11", []staff.Message{{Report: p, Scope: scope("region:koillismaa")}}, []string{"report 2026-11 region:koillismaa"}},
		{"a municipality of it", "kuusamo 2026-11", []staff.Message{{Report: p, Scope: scope("municipality:Kuusamo")}}, []string{"report 2026-11 municipality:Kuusamo"}},
		{"its region by name", "Koillismaa 2026-11 csv", []staff.Message{{Report: p, CSV: true, Scope: scope("region:koillismaa")}}, []string{"report 2026-11 csv region:koillismaa"}},
		{"another region's municipality", "Kalajoki 2026-11", []staff.Message{{Lines: []staff.Line{refused}}}, []string{"report_refused municipality:Kalajoki"}},
		{"the whole service", "service", []staff.Message{{Lines: []staff.Line{staff.L("manager.outside_scope", map[string]any{"Name": staff.ScopeName(twoRegions, polku.Scope{Kind: polku.ScopeService}, ""), "Scope": "Koillismaa"})}}}, []string{"report_refused service"}},
	} {
		a := &audits{}
		got, err := m.Report(ctx, a, staff.Input{User: 42, Command: "report", Arg: tc.arg}, r)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(a.got, tc.audited) {
			t.Errorf("%s: got %+v audited %q, want %+v audited %q", tc.name, got, a.got, tc.want, tc.audited)
		}
	}
	a := &audits{}
	got, err := m.AuditLog(ctx, a, staff.Input{User: 42, Command: "audit", Arg: "Kalajoki 2026-11"}, r)
	if err != nil || !reflect.DeepEqual(got, []staff.Message{{Lines: []staff.Line{refused}}}) || !reflect.DeepEqual(a.got, []string{"audit_refused municipality:Kalajoki"}) {
		t.Errorf("another region's audit log: %+v %q, %v", got, a.got, err)
	}
	a = &audits{}
	if got, err = m.AuditLog(ctx, a, staff.Input{User: 42, Command: "audit", Arg: "2026-11"}, r); err != nil || len(got) != 1 || got[0].Scope != scope("region:koillismaa") {
		t.Errorf("its region's audit log: %+v, %v", got, err)
	}
	a = &audits{}
	got, err = m.Costs(ctx, costsOf{a}, staff.Input{User: 42, Command: "costs", Arg: "monthly 100"}, r)
	if err != nil || !reflect.DeepEqual(got, []staff.Message{{Lines: []staff.Line{staff.L("manager.costs.service_only", nil)}}}) || !reflect.DeepEqual(a.got, []string{"costs_refused scope"}) {
		t.Errorf("a region's manager changing the costs: %+v %q, %v", got, a.got, err)
	}
}

// costsOf is a store of no costs set, that changes none.
type costsOf struct{ *audits }

func (costsOf) Costs(context.Context) (polku.Costs, bool, error) { return polku.Costs{}, false, nil }
func (costsOf) SetCosts(context.Context, int64, polku.Costs) (polku.Costs, error) {
	return polku.Costs{}, polku.Errorf(polku.EINTERNAL, "the costs may not change here")
}

// TestGrantsInTelegram: an operator grants a region's manager with a
// one-time link; whoever opens it holds the role, once; the manager grants
// within its region and a referrer, is refused beyond it, sees in /roles
// only what it may revoke, and revokes; every step audited without the
// names typed.
func TestGrantsInTelegram(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	db := newDB(t, func() time.Time { return now })
	if err := db.AddReferralCode(context.Background(), "rschool", "Kuusamo school"); err != nil {
		t.Fatal(err)
	}
	cfg := staff.Config{Now: func() time.Time { return now }, ProviderLinkDays: 7,
		Link: func(_ context.Context, start string) (string, error) {
			return "https://t.me/polku_bot?start=" + start, nil
		}}
	gr := staff.NewGrants(cfg, twoRegions)
	operator := staff.Roles{{User: 1, Role: polku.RoleOperator, Scope: scope("service")}}
	do := func(user int64, r staff.Roles, command, arg string) []staff.Message {
		t.Helper()
		var ms []staff.Message
		apply(t, db, user, func(ctx context.Context, tx *store.Tx) error {
			var err error
			in := staff.Input{User: user, Name: "Maija", Command: command, Arg: arg}
			if command == "start" {
				ms, err = gr.Take(ctx, tx, in, strings.TrimPrefix(arg, staff.GrantLink))
				return err
			}
			ms, err = gr.Command(ctx, tx, in, r)
			return err
		})
		return ms
	}
	ids := func(ms []staff.Message) []string {
		var out []string
		for _, m := range ms {
			for _, l := range m.Lines {
				for _, p := range append([]staff.Line{l}, l.Parts...) {
					if p.Text.ID != "" {
						out = append(out, p.Text.ID)
					}
				}
			}
		}
		return out
	}
	link := func(ms []staff.Message) string {
		t.Helper()
		l, _ := ms[0].Lines[0].Text.Data["Link"].(string)
		_, code, ok := strings.Cut(l, "?start=")
		if !ok {
			t.Fatalf("no link in %+v", ms)
		}
		return code
	}
	granted := do(1, operator, "grant", "manager region:Koillismaa Maija Manninen")
	if got := ids(granted); !reflect.DeepEqual(got, []string{"role.granted"}) {
		t.Fatalf("granted: %q", got)
	}
	code := link(granted)
	if got := ids(do(2, nil, "start", code)); !reflect.DeepEqual(got, []string{"role.taken", "role.taken_help.manager"}) {
		t.Errorf("taken: %q", got)
	}
	if got := ids(do(3, nil, "start", code)); !reflect.DeepEqual(got, []string{"role.link_invalid"}) {
		t.Errorf("taken twice: %q", got)
	}
	var maija staff.Roles
	apply(t, db, 2, func(ctx context.Context, tx *store.Tx) error {
		gs, err := tx.GrantsOf(ctx, 2)
		maija = gs
		return err
	})
	if !reflect.DeepEqual(maija, staff.Roles{{User: 2, Role: polku.RoleManager, Scope: scope("region:koillismaa")}}) {
		t.Fatalf("Maija holds %v", maija)
	}
	// In this order: the audit below lists the refusals as they came (a
	// map's order is random, and the test failed now and then).
	for _, c := range [][2]string{
		{"manager municipality:Kalajoki Pekka", "role.refused"},
		{"operator service Pekka", "role.refused"},
		{"manager municipality:Oulu Pekka", "role.scope_unknown"},
		{"referrer organisation:nobody Pekka", "role.organisation_none"},
		{"manager organisation:school Pekka", "role.scope_usage.manager"},
		{"provider organiser:Club Pekka", "role.usage"},
		{"manager region:koillismaa", "role.usage"},
	} {
		arg, want := c[0], c[1]
		if got := ids(do(2, maija, "grant", arg)); !reflect.DeepEqual(got, []string{want}) {
			t.Errorf("Maija: /grant %s: %q, want %s", arg, got, want)
		}
	}
	// A referrer only of an organisation with a code in her region: the
	// school's code for anyone is not, the clinic's Kalajoki code is
	// the other region's, the school's second code, Kuusamo's, is.
	apply(t, db, 9, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.AddReferral(ctx, "Kalajoki clinic", "Kalajoki", 9)
		return err
	})
	for _, org := range []string{"school", "clinic"} {
		if got := ids(do(2, maija, "grant", "referrer organisation:"+org+" Sari")); !reflect.DeepEqual(got, []string{"role.referrer_outside"}) {
			t.Errorf("Maija: a referrer of the %s, no code in her region: %q", org, got)
		}
	}
	apply(t, db, 9, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.AddReferral(ctx, "Kuusamo school", "Kuusamo", 9)
		return err
	})
	within := do(2, maija, "grant", "manager municipality:kuusamo Pekka")
	referrer := do(2, maija, "grant", "referrer organisation:school Sari")
	if ids(within)[0] != "role.granted" || ids(referrer)[0] != "role.granted" {
		t.Fatalf("within: %q, referrer: %q", ids(within), ids(referrer))
	}
	if got := ids(do(4, nil, "start", link(referrer))); got[0] != "role.taken" {
		t.Errorf("the referrer's link: %q", got)
	}
	// The operator's own grant of Maija is not Maija's to revoke (she
	// could not have made it), the ones she made are.
	list := ids(do(2, maija, "roles", ""))
	if want := []string{"role.own", "role.own_line", "role.list", "role.line.waiting", "role.line.held", "role.list_how"}; !reflect.DeepEqual(list, want) {
		t.Errorf("Maija's /roles: %q, want %q", list, want)
	}
	if got := ids(do(2, maija, "revoke", "1")); !reflect.DeepEqual(got, []string{"role.revoke_none"}) {
		t.Errorf("Maija revoking her own grant: %q", got)
	}
	if got := ids(do(1, operator, "revoke", "1")); !reflect.DeepEqual(got, []string{"role.revoked"}) {
		t.Errorf("the operator revoking Maija's grant: %q", got)
	}
	if got := ids(do(4, staff.Roles{{User: 4, Role: polku.RoleReferrer, Scope: scope("organisation:Kuusamo school")}}, "grant", "manager service X")); !reflect.DeepEqual(got, []string{"role.not_staff"}) {
		t.Errorf("a referrer granting: %q", got)
	}
	var audited []string
	if err := db.AuditLog(context.Background(), now, now, nil, func(r polku.AuditRow) error {
		audited = append(audited, r.Action+" "+r.Detail)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range audited {
		for _, typed := range []string{"Maija", "Manninen", "Pekka", "Sari", "nobody", "Oulu"} {
			if strings.Contains(a, typed) {
				t.Errorf("audited %q: has what was typed (%s)", a, typed)
			}
		}
	}
	want := []string{"grant #1 manager region:koillismaa", "grant_taken #1 manager region:koillismaa", "grant_link_refused ",
		"grant_refused manager municipality:Kalajoki", "grant_refused operator service",
		"grant_refused referrer organisation:Kuusamo school", "grant_refused referrer organisation:Kalajoki clinic",
		"grant #2 manager municipality:Kuusamo", "grant #3 referrer organisation:Kuusamo school", "grant_taken #3 referrer organisation:Kuusamo school",
		"roles 2", "revoke_refused #1 manager region:koillismaa", "revoke #1 manager region:koillismaa", "grant_refused "}
	if !reflect.DeepEqual(audited, want) {
		t.Errorf("audited\n%q\nwant\n%q", audited, want)
	}
}
