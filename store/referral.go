package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"polku"
)

// AddReferral registers a referral code for an organisation with a new
// code, for the families of municipality ("" for anyone); it returns the
// code.
func (t *Tx) AddReferral(ctx context.Context, organisation, municipality string, by int64) (string, error) {
	for range 5 {
		c, err := polku.NewCode(t.db.Random, 6)
		if err != nil {
			return "", polku.Errorf(polku.EINTERNAL, "referral code: %v", err)
		}
		code := "r" + c
		tag, err := t.tx.Exec(ctx, `
			INSERT INTO referral_codes (code, organisation, municipality, created_by, created_at) VALUES ($1, $2, $5, $3, $4)
			ON CONFLICT (code) DO NOTHING`, code, organisation, by, t.db.Now(), municipality)
		if err != nil {
			return "", wrap(err, "add referral")
		}
		if tag.RowsAffected() == 1 {
			return code, nil
		}
	}
	return "", polku.Errorf(polku.EINTERNAL, "no free referral code")
}

// Referrals lists the referral codes with how many families started from
// each and how many finished the intake: counts only.
func (t *Tx) Referrals(ctx context.Context) ([]polku.Referral, error) {
	return t.referrals(ctx, nil)
}

// ReferralsOf lists the referral codes of one organisation (a referrer's
// scope) with their counts, as Referrals does.
func (t *Tx) ReferralsOf(ctx context.Context, organisation string) ([]polku.Referral, error) {
	return t.referrals(ctx, &organisation)
}

// referrals lists the referral codes of organisation, or every one's for
// nil.
func (t *Tx) referrals(ctx context.Context, organisation *string) ([]polku.Referral, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT r.code, r.organisation, r.municipality,
			COALESCE(sum(s.count) FILTER (WHERE s.kind = 'referral_started'), 0),
			COALESCE(sum(s.count) FILTER (WHERE s.kind = 'intake_completed'), 0)
		FROM referral_codes r LEFT JOIN stats s ON s.referral = r.code
		WHERE $1::text IS NULL OR r.organisation = $1
		GROUP BY r.code, r.organisation, r.municipality, r.created_at ORDER BY r.created_at, r.code`, organisation)
	if err != nil {
		return nil, wrap(err, "referrals")
	}
	refs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[polku.Referral])
	return refs, wrap(err, "referrals")
}

// Organisations are the organisations of the referral codes that a part
// of a name names, in order: the whole name (in any case) wins over the
// names it is part of, as a provider's organiser is found.
func (t *Tx) Organisations(ctx context.Context, name string) ([]string, error) {
	orgs, err := t.named(ctx, "referral_codes", "organisation", name)
	return orgs, wrap(err, "organisations")
}

// CodeMunicipalities are the municipalities organisation's referral
// codes are for, in order, "" for a code for anyone.
func (t *Tx) CodeMunicipalities(ctx context.Context, organisation string) ([]string, error) {
	rows, err := t.tx.Query(ctx, `SELECT DISTINCT municipality FROM referral_codes WHERE organisation = $1 ORDER BY 1`, organisation)
	if err != nil {
		return nil, wrap(err, "code municipalities")
	}
	ms, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ms, wrap(err, "code municipalities")
}

// ReferralMunicipality is the municipality referral code carries: "" for
// a code for anyone, and for a code that is not registered (a family's
// own start parameter, or a link mistyped), which is no error.
func (t *Tx) ReferralMunicipality(ctx context.Context, code string) (string, error) {
	var m string
	err := t.tx.QueryRow(ctx, `SELECT municipality FROM referral_codes WHERE code = $1`, code).Scan(&m)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return m, wrap(err, "referral municipality")
}

// Started counts a family starting from a referral link, when the code is
// a registered one (anything else counts as a self-referral, unrecorded).
func (t *Tx) Started(ctx context.Context, code string) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO stats (day, kind, municipality, referral, count)
		SELECT $1, 'referral_started', '', code, 1 FROM referral_codes WHERE code = $2
		ON CONFLICT `+statKey+` DO UPDATE SET count = stats.count + 1`,
		t.db.day(t.db.Now()), code)
	return wrap(err, "count start")
}

// AddReferralCode registers a referral code of the professional network.
func (db *DB) AddReferralCode(ctx context.Context, code, organisation string) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO referral_codes (code, organisation, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET organisation = $2`, code, organisation, db.Now())
	return wrap(err, "add referral code")
}
