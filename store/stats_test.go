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

// A count waits for the commit, but not past what changes what it reads:
// counted before the family's data goes, it keeps the family's referral.
func TestCountsWaitButKeepWhatTheyRead(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.AddReferralCode(ctx, "school-1", "A school"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "school-1") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		if err := tx.Count(ctx, "consent_declined", ""); err != nil {
			return err
		}
		return tx.Decline(ctx)
	})
	if got := scalar[string](t, db, `SELECT string_agg(kind || '/' || referral || '=' || count, ',') FROM stats`); got != "consent_declined/school-1=1" {
		t.Errorf("stats: %s", got)
	}
	// While the rest of the update runs, the day's row is free: another
	// family's update may count in it at once.
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error { return tx.Count(ctx, "consent_declined", "") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error {
		if err := tx.Count(ctx, "consent_declined", ""); err != nil {
			return err
		}
		if _, err := tx.tx.Exec(ctx, `SELECT 1 FROM conversations WHERE chat_id = 2`); err != nil {
			return err
		}
		other, err := db.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer other.Rollback(ctx)
		if _, err := other.Exec(ctx, `SET LOCAL lock_timeout = '1s'`); err != nil {
			return err
		}
		if _, err := other.Exec(ctx, `UPDATE stats SET count = count WHERE kind = 'consent_declined' AND referral = ''`); err != nil {
			t.Errorf("the day's count was held before the commit: %v", err)
		}
		return nil
	})
	if got := scalar[int](t, db, `SELECT sum(count)::int FROM stats WHERE kind = 'consent_declined'`); got != 3 {
		t.Errorf("counted %d, want 3", got)
	}
}

func TestCounted(t *testing.T) {
	for sql, want := range map[string]bool{
		`INSERT INTO stats (day) VALUES ($1)`:                   true,
		`SELECT sum(count) FROM stats`:                          true,
		`INSERT INTO stat_values (month) VALUES ($1)`:           true,
		`DELETE FROM families WHERE chat_id = $1`:               true,
		`UPDATE families SET news = $2 WHERE chat_id = $1`:      true,
		`WITH x AS (DELETE FROM families RETURNING 1) SELECT 1`: true,
		`SELECT referral FROM families WHERE chat_id = $1`:      false,
		`UPDATE cases SET status = 'closed' WHERE id = $1`:      false,
		`INSERT INTO outbox (chat_id) VALUES ($1)`:              false,
	} {
		if got := counted(sql); got != want {
			t.Errorf("counted(%q) = %v, want %v", sql, got, want)
		}
	}
}
