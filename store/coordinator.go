package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"polku"
)

// SeeCoordinator remembers a coordinator's first name, for claims and the
// duty list.
func (t *Tx) SeeCoordinator(ctx context.Context, user int64, firstName string) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO coordinators (user_id, first_name, seen_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET first_name = $2, seen_at = $3`, user, firstName, t.db.Now())
	return wrap(err, "coordinator")
}

// SetDuty puts a coordinator on duty or off.
func (t *Tx) SetDuty(ctx context.Context, user int64, on bool) error {
	_, err := t.tx.Exec(ctx, `UPDATE coordinators SET on_duty = $2 WHERE user_id = $1`, user, on)
	return wrap(err, "duty")
}

// OnDuty lists the coordinators on duty.
func (t *Tx) OnDuty(ctx context.Context) ([]polku.Coordinator, error) {
	rows, err := t.tx.Query(ctx, `SELECT user_id, first_name, on_duty FROM coordinators WHERE on_duty ORDER BY first_name, user_id`)
	if err != nil {
		return nil, wrap(err, "on duty")
	}
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[polku.Coordinator])
	return cs, wrap(err, "on duty")
}
