package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"polku"
)

// TestGrants: a grant's one-time link is taken once, by whoever opens it
// in time; an expired, used or revoked link gives nothing; the holder's
// roles are the grants not revoked.
func TestGrants(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	kainuu := polku.Grant{Role: polku.RoleManager, Scope: polku.Scope{Kind: polku.ScopeRegion, ID: "kainuu"}}
	var made, late polku.Granted
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		if made, err = tx.AddGrant(ctx, kainuu, "Maija", aino, 7); err != nil {
			return err
		}
		late, err = tx.AddGrant(ctx, polku.Grant{Role: polku.RoleOperator, Scope: polku.Scope{Kind: polku.ScopeService}}, "Olli", aino, 1)
		return err
	})
	if made.LinkCode == "" || len(made.LinkCode) != polku.LinkCodeLen || made.State(t0) != polku.GrantWaiting || made.Name != "Maija" || made.By != aino {
		t.Fatalf("made %+v", made)
	}
	if made.Scope != kainuu.Scope || made.Role != polku.RoleManager {
		t.Errorf("made %v %v, want the region's manager", made.Role, made.Scope)
	}
	if want := time.Date(2026, 12, 8, 10, 0, 0, 0, helsinki); !made.LinkUntil.Equal(want) {
		t.Errorf("link until %v, want %v", made.LinkUntil, want)
	}
	take := func(code string, user int64) (polku.Granted, error) {
		var g polku.Granted
		err := tryTx(db, user, func(ctx context.Context, tx *Tx) error {
			var err error
			g, err = tx.TakeGrant(ctx, code, user, "Maija")
			return err
		})
		return g, err
	}
	clk.set(t0.Add(25 * time.Hour))
	if _, err := take(late.LinkCode, 301); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("an expired link: %v, want ENOTFOUND", err)
	}
	g, err := take(made.LinkCode, 301)
	if err != nil || g.User != 301 || g.FirstName != "Maija" || g.LinkCode != "" || g.State(clk.read()) != polku.GrantHeld {
		t.Fatalf("taken %+v, %v", g, err)
	}
	if _, err := take(made.LinkCode, 302); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("a used link: %v, want ENOTFOUND", err)
	}
	held := func(user int64) []polku.Grant {
		var gs []polku.Grant
		inTx(t, db, user, func(ctx context.Context, tx *Tx) error {
			var err error
			gs, err = tx.GrantsOf(ctx, user)
			return err
		})
		return gs
	}
	if got := held(301); !slices.Equal(got, []polku.Grant{{User: 301, Role: polku.RoleManager, Scope: kainuu.Scope}}) {
		t.Errorf("301 holds %v", got)
	}
	if got := held(302); len(got) != 0 {
		t.Errorf("302 holds %v", got)
	}
	var listed []polku.Granted
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		listed, err = tx.Grants(ctx)
		return err
	})
	if len(listed) != 2 || listed[0].ID != made.ID || listed[1].State(clk.read()) != polku.GrantExpired {
		t.Errorf("listed %+v", listed)
	}
	var revoked polku.Granted
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		revoked, err = tx.RevokeGrant(ctx, made.ID, aino)
		return err
	})
	if revoked.State(clk.read()) != polku.GrantRevoked {
		t.Errorf("revoked %+v", revoked)
	}
	if got := held(301); len(got) != 0 {
		t.Errorf("301 holds %v after the revocation", got)
	}
	err = tryTx(db, group, func(ctx context.Context, tx *Tx) error {
		_, err := tx.RevokeGrant(ctx, made.ID, aino)
		return err
	})
	if polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("revoked twice: %v, want ENOTFOUND", err)
	}
	// A revoked grant's waiting link is dead too.
	var waiting polku.Granted
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		if waiting, err = tx.AddGrant(ctx, kainuu, "Pekka", aino, 7); err != nil {
			return err
		}
		_, err = tx.RevokeGrant(ctx, waiting.ID, aino)
		return err
	})
	if _, err := take(waiting.LinkCode, 303); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("a revoked grant's link: %v, want ENOTFOUND", err)
	}
	if err := tryTx(db, group, func(ctx context.Context, tx *Tx) error {
		_, err := tx.AddGrant(ctx, polku.Grant{Role: polku.RoleProvider, Scope: polku.Scope{Kind: polku.ScopeOrganiser, ID: "x"}}, "P", aino, 7)
		return err
	}); polku.ErrorCode(err) != polku.EINVALID {
		t.Errorf("a provider's grant here: %v, want EINVALID (providers have their own table)", err)
	}
}

// TestAuditScopes: a case's rows are of its municipality, a grant's of its
// scope, the rest of the whole service; a region's manager reads the
// region's and its municipalities' rows only.
func TestAuditScopes(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	kuusamo, _ := openCase(t, db, 5001, CaseRequest{Municipality: "Kuusamo", Bands: "3-6"})
	kalajoki, _ := openCase(t, db, 5002, CaseRequest{Municipality: "Kalajoki", Bands: "3-6"})
	untold, _ := openCase(t, db, 5003, CaseRequest{})
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		for _, c := range []polku.Case{kuusamo, kalajoki, untold} {
			if err := tx.Audit(ctx, aino, "claim", c.ID, ""); err != nil {
				return err
			}
		}
		if err := tx.AuditIn(ctx, aino, "grant", polku.Scope{Kind: polku.ScopeRegion, ID: "koillismaa"}, "manager region:koillismaa"); err != nil {
			return err
		}
		if err := tx.AuditIn(ctx, aino, "grant", polku.Scope{Kind: polku.ScopeService}, "operator service"); err != nil {
			return err
		}
		return tx.Audit(ctx, aino, "duty", 0, "true")
	})
	read := func(scopes []string) []string {
		var got []string
		err := db.AuditLog(context.Background(), t0, t0, scopes, func(r polku.AuditRow) error {
			got = append(got, fmt.Sprintf("%s %d %s", r.Action, r.Case, r.Detail))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(nil); len(got) != 6 {
		t.Errorf("the service's: %q", got)
	}
	want := []string{fmt.Sprintf("claim %d ", kuusamo.ID), "grant 0 manager region:koillismaa"}
	if got := read([]string{"region:koillismaa", "municipality:Kuusamo"}); !slices.Equal(got, want) {
		t.Errorf("Koillismaa's: %q, want %q", got, want)
	}
	if got := read([]string{"municipality:Kalajoki"}); !slices.Equal(got, []string{fmt.Sprintf("claim %d ", kalajoki.ID)}) {
		t.Errorf("Kalajoki's: %q", got)
	}
}

// TestReportFiguresInScope: a municipality's report reads its own figures
// only: not another's, nor those whose municipality was not told.
func TestReportFiguresInScope(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	setClock(db, t0)
	kalajoki := act("k", sess("1", day5, 10))
	kalajoki.Municipality = "Kalajoki"
	importAt(t, db, t0, act("r", sess("1", day5.AddDate(0, 0, -3), 10)), kalajoki)
	month := "2026-12-01"
	for _, m := range []string{"Kuusamo", "Kalajoki", ""} {
		for _, kind := range []string{kindFamily, kindCaseOpened} {
			if _, err := db.pool.Exec(ctx, `INSERT INTO stats (day, kind, municipality, count) VALUES ($1, $2, $3, 7)`, month, kind, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.pool.Exec(ctx, `INSERT INTO stat_values (month, kind, municipality, value, count) VALUES ($1, $2, $3, 30, 2)`, month, valueFirstAnswer, m); err != nil {
			t.Fatal(err)
		}
	}
	setClock(db, t0.AddDate(0, 0, 10))
	all, err := db.ReportFigures(ctx, t0, t0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all["Kalajoki"].Use[Activity{Category: string(polku.CategoryCulture), Organiser: "kuusamo-library"}].Sessions != 1 {
		t.Errorf("the service's figures: %d municipalities, Kalajoki %+v", len(all), all["Kalajoki"])
	}
	f, err := db.ReportFigures(ctx, t0, t0, []string{"Kuusamo"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 1 || f["Kuusamo"] == nil {
		t.Fatalf("Kuusamo's figures are of %d municipalities: %v", len(f), f)
	}
	k := f["Kuusamo"]
	if k.Intakes != 7 || k.CasesOpened != 7 || len(k.FirstAnswer) != 2 || k.Use[Activity{Category: string(polku.CategoryCulture), Organiser: "kuusamo-library"}].Sessions != 1 {
		t.Errorf("Kuusamo's figures %+v", k)
	}
}

// TestReferralsOf: a referrer's organisation's codes only, and an
// organisation found by a part of its name, the whole name first.
func TestReferralsOf(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	ctx := context.Background()
	for code, org := range map[string]string{"ra": "Kuusamo school", "rb": "Kuusamo school", "rc": "Family clinic", "rd": "Kuusamo school annex"} {
		if err := db.AddReferralCode(ctx, code, org); err != nil {
			t.Fatal(err)
		}
	}
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		refs, err := tx.ReferralsOf(ctx, "Kuusamo school")
		if err != nil {
			return err
		}
		var codes []string
		for _, r := range refs {
			codes = append(codes, r.Code)
		}
		slices.Sort(codes)
		if !slices.Equal(codes, []string{"ra", "rb"}) {
			t.Errorf("Kuusamo school's codes %v", codes)
		}
		for name, want := range map[string][]string{
			"kuusamo school": {"Kuusamo school"}, "school": {"Kuusamo school", "Kuusamo school annex"},
			"clinic": {"Family clinic"}, "nobody": nil, "%": nil,
		} {
			got, err := tx.Organisations(ctx, name)
			if err != nil {
				return err
			}
			if !slices.Equal(got, want) {
				t.Errorf("Organisations(%q) = %q, want %q", name, got, want)
			}
		}
		return nil
	})
}
