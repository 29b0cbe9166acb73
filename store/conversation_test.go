package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"polku"
)

func TestSaveRefusesOutOfOrder(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Enqueue(ctx, []Update{{ID: 50, ChatID: 8, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	save := func(ctx context.Context, tx *Tx, p Pending) error {
		return tx.Save(ctx, fmt.Appendf(nil, `{"update":%d}`, p.UpdateID), []Out{{ChatID: 8, Payload: fmt.Appendf(nil, `{"update":%d}`, p.UpdateID)}})
	}
	if did, err := db.Apply(ctx, 8, time.Now(), save); !did || err != nil {
		t.Fatal(did, err)
	}
	// An update that arrived before the one applied turns up unapplied
	// (as if the order had been broken): it is refused, not applied over
	// the newer state.
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO inbox (update_id, seq, chat_id, payload, received_at) OVERRIDING SYSTEM VALUE
		SELECT 40, seq - 1, 8, '{}', received_at FROM inbox WHERE update_id = 50`); err != nil {
		t.Fatal(err)
	}
	did, err := db.Apply(ctx, 8, time.Now(), save)
	if did {
		t.Fatal("an out-of-order update was applied")
	}
	wantCode(t, err, polku.ECONFLICT)
	if got := scalar[string](t, db, `SELECT data->>'update' FROM conversations WHERE chat_id = 8`); got != "50" {
		t.Errorf("conversation is from update %s, want 50", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox WHERE update_id = 40`); n != 0 {
		t.Errorf("the refused update queued %d messages", n)
	}
	if n, _ := db.Unapplied(ctx); n != 1 {
		t.Errorf("%d updates waiting, want the refused one", n)
	}
}
