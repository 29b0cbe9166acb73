package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"polku"
)

// SetReminders turns the family's reminders on or off; a chat without a
// family is EFORBIDDEN.
func (t *Tx) SetReminders(ctx context.Context, on bool) error {
	tag, err := t.tx.Exec(ctx, `UPDATE families SET reminders = $2 WHERE chat_id = $1`, t.chat, on)
	if err != nil {
		return wrap(err, "set reminders")
	}
	if tag.RowsAffected() == 0 {
		return polku.Errorf(polku.EFORBIDDEN, "reminders without consent")
	}
	return nil
}

// Reminders reports whether the family wants reminders; true for a chat
// without a family, as for a new one.
func (t *Tx) Reminders(ctx context.Context) (bool, error) {
	return t.setting(ctx, "reminders")
}

// setting is one of the family's settings, the boolean column of families
// named (reminders, follow_ups); true for a chat without a family.
func (t *Tx) setting(ctx context.Context, column string) (bool, error) {
	on := true
	err := t.tx.QueryRow(ctx, `SELECT `+column+` FROM families WHERE chat_id = $1`, t.chat).Scan(&on)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil
	}
	return on, wrap(err, column)
}
