package store

import (
	"context"
	"testing"

	"polku"
)

func TestRemindersSetting(t *testing.T) {
	db := newDB(t)
	get := func(chat int64) bool {
		var on bool
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			var err error
			on, err = tx.Reminders(ctx)
			return err
		})
		return on
	}
	if !get(1) {
		t.Error("a chat without a family has reminders off")
	}
	wantCode(t, tryTx(db, 1, func(ctx context.Context, tx *Tx) error { return tx.SetReminders(ctx, false) }), polku.EFORBIDDEN)
	consent(t, db, 1)
	if !get(1) {
		t.Error("a new family has reminders off")
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.SetReminders(ctx, false) })
	if get(1) {
		t.Error("reminders still on")
	}
}
