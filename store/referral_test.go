package store

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"
	"time"

	"polku"
)

func TestReferrals(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	add := func(org string) string {
		var code string
		inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
			var err error
			code, err = tx.AddReferral(ctx, org, "", aino)
			return err
		})
		return code
	}
	school := add("Kuusamo school")
	clk.set(t0.Add(time.Minute))
	clinic := add("Family clinic")
	startParam := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	for _, code := range []string{school, clinic} {
		if !startParam.MatchString(code) {
			t.Errorf("code %q cannot be a start parameter", code)
		}
	}
	if school == clinic {
		t.Fatalf("two referrals share the code %q", school)
	}
	if got := scalar[string](t, db, `SELECT string_agg(organisation || '/' || created_by, ',' ORDER BY created_at) FROM referral_codes`); got != fmt.Sprintf("Kuusamo school/%d,Family clinic/%d", aino, aino) {
		t.Errorf("referral codes stored %s", got)
	}

	// Families 1 and 2 start from the school's link, 3 from the clinic's,
	// 4 from a made-up one and 5 from none. 1 finishes the intake; 3
	// agrees but does not finish; 4 finishes without a known referral.
	for chat, code := range map[int64]string{1: school, 2: school, 3: clinic, 4: "rMADEUP", 5: ""} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error { return tx.Started(ctx, code) })
	}
	for chat, code := range map[int64]string{1: school, 3: clinic, 4: "rMADEUP"} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			if err := tx.RecordConsent(ctx, "fi", "v1", code); err != nil {
				return err
			}
			return tx.Count(ctx, "consent_given", "")
		})
	}
	for _, chat := range []int64{1, 4} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.SaveProfile(ctx, "fi", answers()); err != nil {
				return err
			}
			return tx.Count(ctx, "intake_completed", "Kuusamo")
		})
	}
	if got := scalar[string](t, db, `SELECT string_agg(referral || '=' || count, ',' ORDER BY count DESC) FROM stats WHERE kind = 'referral_started'`); got != fmt.Sprintf("%s=2,%s=1", school, clinic) {
		t.Errorf("starts counted %s, want only the registered codes", got)
	}
	var got []polku.Referral
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		got, err = tx.Referrals(ctx)
		return err
	})
	want := []polku.Referral{
		{Code: school, Organisation: "Kuusamo school", Started: 2, Finished: 1},
		{Code: clinic, Organisation: "Family clinic", Started: 1, Finished: 0},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Referrals = %+v, want %+v", got, want)
	}
}

// A referral code can carry its municipality: the family starting from it
// is not asked. A code for anyone, and one never registered, carry none.
func TestReferralMunicipality(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	var kalajoki, anyone string
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		if kalajoki, err = tx.AddReferral(ctx, "Kalajoen neuvola", "Kalajoki", aino); err != nil {
			return err
		}
		anyone, err = tx.AddReferral(ctx, "Perhekeskus", "", aino)
		return err
	})
	for code, want := range map[string]string{kalajoki: "Kalajoki", anyone: "", "rMADEUP": ""} {
		inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
			got, err := tx.ReferralMunicipality(ctx, code)
			if err != nil || got != want {
				t.Errorf("ReferralMunicipality(%s) = %q, %v; want %q", code, got, err, want)
			}
			return nil
		})
	}
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		refs, err := tx.Referrals(ctx)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, r := range refs {
			got[r.Code] = r.Municipality
		}
		if want := map[string]string{kalajoki: "Kalajoki", anyone: ""}; !maps.Equal(got, want) {
			t.Errorf("Referrals' municipalities %v, want %v", got, want)
		}
		return nil
	})
}
