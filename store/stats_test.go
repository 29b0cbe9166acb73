package store

import (
	"context"
	"testing"
)

// TestStatsKeepOnlyKnownReferrals: the text of a link never reaches the
// statistics, only a registered code.
func TestStatsKeepOnlyKnownReferrals(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.AddReferralCode(ctx, "school-1", "A school"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "school-1") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Count(ctx, "consent_given", "") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "Maija-Meikalainen") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.Count(ctx, "consent_given", "") })
	got := scalar[string](t, db, `SELECT string_agg(referral || '=' || count, ',' ORDER BY referral) FROM stats`)
	if got != "=1,school-1=1" {
		t.Errorf("stats by referral: %s", got)
	}
}
