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

// SetDuty puts a coordinator on duty or off, in the group of the
// transaction's update (where they said /duty): one group at a time.
func (t *Tx) SetDuty(ctx context.Context, user int64, on bool) error {
	_, err := t.tx.Exec(ctx, `UPDATE coordinators SET on_duty = $2, duty_group = $3 WHERE user_id = $1`, user, on, t.chat)
	return wrap(err, "duty")
}

// OnDuty lists the coordinators on duty in group (those who went on duty
// before groups were known count in every group).
func (t *Tx) OnDuty(ctx context.Context, group int64) ([]polku.Coordinator, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT user_id, first_name, on_duty FROM coordinators WHERE on_duty AND duty_group IN ($1, 0)
		ORDER BY first_name, user_id`, group)
	if err != nil {
		return nil, wrap(err, "on duty")
	}
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[polku.Coordinator])
	return cs, wrap(err, "on duty")
}
