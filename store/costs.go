package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// The service's costs as managers set them in Telegram: a row per change,
// every value as it is after it, kept so that a report of any period
// counts with the costs in effect at its end (CostsAt). No row means the
// configuration's costs, which the store does not know.

// costsColumns are the values of a row of costs, as scanCosts reads them.
const costsColumns = `set_at, monthly, per_session, per_visit, staff_hours::float8, hourly_rate`

// SetCosts keeps c as the costs in effect from now, set by the manager
// by, and returns them with the moment they were set.
func (t *Tx) SetCosts(ctx context.Context, by int64, c polku.Costs) (polku.Costs, error) {
	err := t.tx.QueryRow(ctx, `
		INSERT INTO costs (set_at, set_by, monthly, per_session, per_visit, staff_hours, hourly_rate)
		VALUES ($1, $2, $3, $4, $5, round($6::numeric, 2), $7)
		RETURNING `+costsColumns,
		t.db.Now(), by, c.Monthly, c.PerSession, c.PerVisit, c.StaffHours, c.HourlyRate).
		Scan(&c.Set, &c.Monthly, &c.PerSession, &c.PerVisit, &c.StaffHours, &c.HourlyRate)
	if err != nil {
		return polku.Costs{}, wrap(err, "set costs")
	}
	c.Set = c.Set.In(t.db.loc)
	return c, nil
}

// Costs are the costs a manager set last; false when none has.
func (t *Tx) Costs(ctx context.Context) (polku.Costs, bool, error) {
	return t.db.costs(ctx, t.tx, `SELECT `+costsColumns+` FROM costs ORDER BY set_at DESC, id DESC LIMIT 1`)
}

// CostsAt are the costs in effect just before until: the latest a
// manager set before it; false when none had been set by then (the
// configuration's are in effect).
func (db *DB) CostsAt(ctx context.Context, until time.Time) (polku.Costs, bool, error) {
	return db.costs(ctx, db.pool, `SELECT `+costsColumns+` FROM costs WHERE set_at < $1 ORDER BY set_at DESC, id DESC LIMIT 1`, until)
}

// costs reads one row of costs by query.
func (db *DB) costs(ctx context.Context, q querier, query string, args ...any) (polku.Costs, bool, error) {
	var c polku.Costs
	err := q.QueryRow(ctx, query, args...).Scan(&c.Set, &c.Monthly, &c.PerSession, &c.PerVisit, &c.StaffHours, &c.HourlyRate)
	if errors.Is(err, pgx.ErrNoRows) {
		return polku.Costs{}, false, nil
	}
	if err != nil {
		return polku.Costs{}, false, wrap(err, "costs")
	}
	c.Set = c.Set.In(db.loc)
	return c, true, nil
}
