package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// Roles granted in Telegram: made by someone who holds the role above,
// with a one-time link that expires, taken by the person who opens it,
// revoked by someone who may grant it. A revoked grant's row stays,
// marked, so that /roles and the audit trail agree on who held what when.

const grantCols = `g.id, g.role, g.scope, g.name, COALESCE(g.user_id, 0), COALESCE(g.first_name, ''),
	COALESCE(g.link_code, ''), g.granted_by, g.granted_at, g.link_until, g.taken_at, g.revoked_at`

func scanGrant(row pgx.Row) (polku.Granted, error) {
	var g polku.Granted
	var role, scope string
	var taken, revoked *time.Time
	err := row.Scan(&g.ID, &role, &scope, &g.Name, &g.User, &g.FirstName, &g.LinkCode, &g.By, &g.At, &g.LinkUntil, &taken, &revoked)
	if err != nil {
		return g, err
	}
	g.Role = polku.Role(role)
	if g.Scope, err = polku.ParseScope(scope); err != nil {
		return g, err
	}
	if taken != nil {
		g.Taken = *taken
	}
	if revoked != nil {
		g.Revoked = *revoked
	}
	return g, nil
}

// AddGrant makes a grant of g's role and scope for name (who it is for,
// as the granter wrote it), granted by by, with a one-time link that works
// for linkDays (1 to MaxLinkDays) local calendar days. g.User is ignored:
// whoever opens the link holds the role.
func (t *Tx) AddGrant(ctx context.Context, g polku.Grant, name string, by int64, linkDays int) (polku.Granted, error) {
	if linkDays < 1 || linkDays > MaxLinkDays {
		return polku.Granted{}, polku.Errorf(polku.EINVALID, "grant link days %d", linkDays)
	}
	now := t.db.Now()
	until := now.In(t.db.loc).AddDate(0, 0, linkDays)
	for range 5 {
		code, err := polku.NewCode(t.db.Random, polku.LinkCodeLen)
		if err != nil {
			return polku.Granted{}, polku.Errorf(polku.EINTERNAL, "grant code: %v", err)
		}
		made, err := scanGrant(t.tx.QueryRow(ctx, `
			INSERT INTO grants AS g (role, scope, name, link_code, link_until, granted_by, granted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (link_code) DO NOTHING RETURNING `+grantCols,
			string(g.Role), g.Scope.String(), name, code, until, by, now))
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		return made, wrap(err, "add grant")
	}
	return polku.Granted{}, polku.Errorf(polku.EINTERNAL, "no free grant code")
}

// TakeGrant gives the role of a grant's one-time link to the Telegram user
// who opened it in time, remembering their first name; the link then
// stops working. ENOTFOUND for a link unknown, used, expired or revoked.
func (t *Tx) TakeGrant(ctx context.Context, code string, user int64, firstName string) (polku.Granted, error) {
	g, err := scanGrant(t.tx.QueryRow(ctx, `
		UPDATE grants g SET user_id = $2, first_name = $4, link_code = NULL, taken_at = $3
		WHERE link_code = $1 AND revoked_at IS NULL AND link_until > $3 RETURNING `+grantCols,
		code, user, t.db.Now(), firstName))
	return g, wrap(err, "take grant")
}

// Grants are the grants not revoked, oldest first: held, waiting for
// their link to be opened, or expired unopened.
func (t *Tx) Grants(ctx context.Context) ([]polku.Granted, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+grantCols+` FROM grants g WHERE revoked_at IS NULL ORDER BY g.id`)
	if err != nil {
		return nil, wrap(err, "grants")
	}
	gs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Granted, error) { return scanGrant(r) })
	return gs, wrap(err, "grants")
}

// GrantsOf are the roles user holds by grants made in Telegram, oldest
// first.
func (t *Tx) GrantsOf(ctx context.Context, user int64) ([]polku.Grant, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+grantCols+` FROM grants g WHERE user_id = $1 AND revoked_at IS NULL ORDER BY g.id`, user)
	if err != nil {
		return nil, wrap(err, "grants of")
	}
	gs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Grant, error) {
		g, err := scanGrant(r)
		return g.Grant, err
	})
	return gs, wrap(err, "grants of")
}

// Granted is a grant by its number, revoked or not; ENOTFOUND for none.
func (t *Tx) Granted(ctx context.Context, id int64) (polku.Granted, error) {
	g, err := scanGrant(t.tx.QueryRow(ctx, `SELECT `+grantCols+` FROM grants g WHERE id = $1`, id))
	return g, wrap(err, "grant")
}

// RevokeGrant takes a grant back (its link stops working too); ENOTFOUND
// when there is none or it was revoked already.
func (t *Tx) RevokeGrant(ctx context.Context, id, by int64) (polku.Granted, error) {
	g, err := scanGrant(t.tx.QueryRow(ctx, `
		UPDATE grants g SET revoked_at = $3, revoked_by = $2, link_code = NULL
		WHERE id = $1 AND revoked_at IS NULL RETURNING `+grantCols, id, by, t.db.Now()))
	return g, wrap(err, "revoke grant")
}

// AuditIn records a staff member's action about scope sc (a grant's), so
// that the managers of that scope read it: never what anyone wrote.
func (t *Tx) AuditIn(ctx context.Context, who int64, action string, sc polku.Scope, detail string) error {
	var scope *string
	if sc.Kind != polku.ScopeService && sc.Kind != "" {
		s := sc.String()
		scope = &s
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO audit (at, coordinator, action, detail, scope) VALUES ($1, $2, $3, $4, $5)`,
		t.db.Now(), who, action, detail, scope)
	return wrap(err, "audit")
}
