package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"polku"
)

func TestEnqueueOnce(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	u := Update{ID: 10, ChatID: 7, Payload: []byte(`{"update_id":10,"message":{"text":"first"}}`)}
	if err := db.Enqueue(ctx, []Update{u}); err != nil {
		t.Fatal(err)
	}
	again := u
	again.Payload = []byte(`{"update_id":10,"message":{"text":"second"}}`)
	// Redelivered alone, and twice within one batch.
	if err := db.Enqueue(ctx, []Update{again}); err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, []Update{again, again, {ID: 11, ChatID: 7, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if got := scalar[int](t, db, `SELECT count(*) FROM inbox WHERE update_id = 10`); got != 1 {
		t.Fatalf("%d inbox rows for update 10, want 1", got)
	}
	if got := scalar[string](t, db, `SELECT payload->'message'->>'text' FROM inbox WHERE update_id = 10`); got != "first" {
		t.Errorf("the stored update was replaced: %q", got)
	}
	if n, err := db.Unapplied(ctx); err != nil || n != 2 {
		t.Errorf("Unapplied = %d, %v; want 2", n, err)
	}

	// Once applied, a redelivery is not applied again.
	applied := 0
	for {
		did, err := db.Apply(ctx, 7, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error { applied++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			break
		}
	}
	if err := db.Enqueue(ctx, []Update{u}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Unapplied(ctx); n != 0 || applied != 2 {
		t.Errorf("after redelivery of an applied update: %d waiting, %d applied; want 0 and 2", n, applied)
	}

	// An update of no chat is kept only as applied, without its payload.
	if err := db.Enqueue(ctx, []Update{{ID: 12, ChatID: 0, Payload: []byte(`{"update_id":12}`)}}); err != nil {
		t.Fatal(err)
	}
	if got := scalar[bool](t, db, `SELECT applied_at IS NOT NULL AND payload IS NULL FROM inbox WHERE update_id = 12`); !got {
		t.Error("an update of no chat is waiting or keeps its payload")
	}
	if chats, err := db.PendingChats(ctx, 10, time.Now()); err != nil || len(chats) != 0 {
		t.Errorf("PendingChats = %v, %v; want none", chats, err)
	}
}

func TestApplyOrder(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	// A chat's updates are applied in the order they arrived, whatever
	// their IDs say: Telegram may restart update_id at a random number.
	if err := db.Enqueue(ctx, []Update{{ID: 30, ChatID: 1, Payload: []byte(`{"n":30}`)}, {ID: 5, ChatID: 2, Payload: []byte(`{"n":5}`)}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, []Update{{ID: 10, ChatID: 1, Payload: []byte(`{"n":10}`)}, {ID: 20, ChatID: 1, Payload: []byte(`{"n":20}`)}}); err != nil {
		t.Fatal(err)
	}
	chats, err := db.PendingChats(ctx, 10, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2}; !slices.Equal(chats, want) {
		t.Errorf("PendingChats = %v, want %v (longest waiting first)", chats, want)
	}
	if chats, _ := db.PendingChats(ctx, 1, time.Now()); !slices.Equal(chats, []int64{1}) {
		t.Errorf("PendingChats(1) = %v, want [1]", chats)
	}
	var got []int64
	for {
		did, err := db.Apply(ctx, 1, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
			var v struct{ N int64 }
			if err := json.Unmarshal(p.Payload, &v); err != nil || v.N != p.UpdateID || p.ChatID != 1 {
				return fmt.Errorf("pending %+v: payload %s", p, p.Payload)
			}
			// Each update sees the conversation the one before saved.
			if want := fmt.Sprint(got); len(got) > 0 && string(tx.Conversation()) != fmt.Sprintf(`{"seen": %q}`, want) {
				return fmt.Errorf("update %d sees conversation %s, want %s", p.UpdateID, tx.Conversation(), want)
			}
			got = append(got, p.UpdateID)
			return tx.Save(ctx, Conversation{Data: fmt.Appendf(nil, `{"seen":%q}`, fmt.Sprint(got))}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			break
		}
	}
	if want := []int64{30, 10, 20}; !slices.Equal(got, want) {
		t.Errorf("chat 1 applied %v, want %v (the order of arrival)", got, want)
	}
	if chats, _ := db.PendingChats(ctx, 10, time.Now()); !slices.Equal(chats, []int64{2}) {
		t.Errorf("PendingChats = %v, want [2]", chats)
	}
	if n := scalar[int64](t, db, `SELECT applied FROM conversations WHERE chat_id = 1`); n != 3 {
		t.Errorf("conversation counts %d applied updates, want 3", n)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM inbox WHERE chat_id = 1 AND (applied_at IS NULL OR payload IS NOT NULL)`); n != 0 {
		t.Errorf("%d updates of chat 1 still waiting or keep their payload", n)
	}
}

func TestApplyFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	boom := polku.Errorf(polku.EINVALID, "boom")
	if err := db.Enqueue(ctx, []Update{{ID: 1, ChatID: 3, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	did, err := db.Apply(ctx, 3, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
		if err := tx.Save(ctx, Conversation{Data: []byte(`{"x":1}`)}, []Out{{ChatID: 3, Payload: []byte(`{"m":"send"}`)}}); err != nil {
			return err
		}
		return boom
	})
	if did || !errors.Is(err, boom) {
		t.Fatalf("Apply = %v, %v; want false and the callback's error", did, err)
	}
	wantCode(t, err, polku.EINVALID)
	if n, _ := db.Unapplied(ctx); n != 1 {
		t.Errorf("%d updates waiting, want the failed one", n)
	}
	if n, _ := db.Unsent(ctx); n != 0 {
		t.Errorf("%d messages queued by a failed update", n)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM conversations`); n != 0 {
		t.Errorf("a failed update saved a conversation")
	}
}

func TestApplyBusy(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Enqueue(ctx, []Update{
		{ID: 1, ChatID: 5, Payload: []byte(`{}`)},
		{ID: 2, ChatID: 5, Payload: []byte(`{}`)},
		{ID: 3, ChatID: 6, Payload: []byte(`{}`)},
	}); err != nil {
		t.Fatal(err)
	}
	holding, release := make(chan int64), make(chan struct{})
	type result struct {
		did bool
		err error
	}
	first := make(chan result, 1)
	go func() {
		did, err := db.Apply(ctx, 5, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
			holding <- p.UpdateID
			<-release
			return nil
		})
		first <- result{did, err}
	}()
	if id := <-holding; id != 1 {
		t.Errorf("first worker took update %d, want 1", id)
	}

	// While the chat is held, a second worker gets ErrBusy and does not
	// touch the chat's updates.
	did, err := db.Apply(ctx, 5, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
		return fmt.Errorf("applied update %d of a held chat", p.UpdateID)
	})
	if did || !errors.Is(err, ErrBusy) {
		t.Errorf("Apply on a held chat = %v, %v; want ErrBusy", did, err)
	}
	wantCode(t, err, polku.ECONFLICT)
	// Another chat is not held up.
	did, err = db.Apply(ctx, 6, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error { return nil })
	if !did || err != nil {
		t.Errorf("Apply on another chat = %v, %v; want it applied", did, err)
	}

	close(release)
	if r := <-first; !r.did || r.err != nil {
		t.Fatalf("first worker: %v, %v", r.did, r.err)
	}
	var next int64
	did, err = db.Apply(ctx, 5, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error { next = p.UpdateID; return nil })
	if !did || err != nil || next != 2 {
		t.Errorf("after release: applied %d (%v, %v), want update 2", next, did, err)
	}
}

// TestFailedWaits: a failed update waits until its retry time (wall time)
// before it is tried again, and its chat's later updates wait behind it;
// other chats go on.
func TestFailedWaits(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Enqueue(ctx, []Update{{ID: 1, ChatID: 4, Payload: []byte(`{}`)}, {ID: 2, ChatID: 4, Payload: []byte(`{}`)},
		{ID: 3, ChatID: 5, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	wall := time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC)
	if gaveUp, err := db.Failed(ctx, 1, "telegram: transient", 10, wall.Add(time.Minute), nil); gaveUp || err != nil {
		t.Fatalf("Failed = %v, %v", gaveUp, err)
	}
	if chats, err := db.PendingChats(ctx, 10, wall); err != nil || !slices.Equal(chats, []int64{5}) {
		t.Errorf("PendingChats while update 1 waits = %v, %v; want only chat 5", chats, err)
	}
	took := func(at time.Time) (int64, bool) {
		t.Helper()
		var got int64
		did, err := db.Apply(ctx, 4, at, func(ctx context.Context, tx *Tx, p Pending) error { got = p.UpdateID; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return got, did
	}
	if got, did := took(wall.Add(59 * time.Second)); did {
		t.Errorf("Apply before the retry time took update %d", got)
	}
	if got, did := took(wall.Add(time.Minute)); !did || got != 1 {
		t.Errorf("Apply at the retry time took %d (%v), want update 1", got, did)
	}
	if got, did := took(wall.Add(time.Minute)); !did || got != 2 {
		t.Errorf("then took %d (%v), want update 2", got, did)
	}
}

func TestFailedGivesUp(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Enqueue(ctx, []Update{{ID: 1, ChatID: 4, Payload: []byte(`{"secret":"text"}`)}, {ID: 2, ChatID: 4, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 3; attempt++ {
		gaveUp, err := db.Failed(ctx, 1, polku.EINTERNAL, 3, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if gaveUp != (attempt == 3) {
			t.Fatalf("attempt %d: gave up %v", attempt, gaveUp)
		}
		if attempt < 3 {
			// Still waiting, and still first in its chat.
			var got Pending
			did, err := db.Apply(ctx, 4, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
				got = p
				return errors.New("fails again")
			})
			if did || err == nil || got.UpdateID != 1 || got.Attempts != attempt {
				t.Fatalf("attempt %d: Apply took %+v (%v, %v), want update 1 with %d attempts", attempt, got, did, err, attempt)
			}
		}
	}
	if got := scalar[bool](t, db, `SELECT applied_at IS NOT NULL AND payload IS NULL AND failure = 'internal' AND attempts = 3 FROM inbox WHERE update_id = 1`); !got {
		t.Error("a given-up update is not marked applied with its failure, or keeps its payload")
	}
	// The chat goes on with its next update.
	var next int64
	if did, err := db.Apply(ctx, 4, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error { next = p.UpdateID; return nil }); !did || err != nil || next != 2 {
		t.Errorf("after giving up: applied %d (%v, %v), want update 2", next, did, err)
	}
	// A failure reported for an update already done changes nothing.
	if gaveUp, err := db.Failed(ctx, 2, polku.EINTERNAL, 1, time.Now(), nil); gaveUp || err != nil {
		t.Errorf("Failed on an applied update = %v, %v", gaveUp, err)
	}
	if got := scalar[int](t, db, `SELECT attempts FROM inbox WHERE update_id = 2`); got != 0 {
		t.Errorf("an applied update got %d attempts", got)
	}
}

// TestEnqueueUnstorable: one update PostgreSQL refuses (jsonb cannot hold
// \u0000) must not keep the updates around it out of the inbox, or block
// polling for everyone.
func TestEnqueueUnstorable(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	batch := []Update{
		{ID: 20, ChatID: 7, Payload: []byte(`{"update_id":20,"message":{"text":"before"}}`)},
		{ID: 21, ChatID: 8, Payload: []byte(`{"update_id":21,"message":{"text":"a\u0000b"}}`)},
		{ID: 22, ChatID: 7, Payload: []byte(`{"update_id":22,"message":{"text":"after"}}`)},
	}
	if err := db.Enqueue(ctx, batch); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	if n, _ := db.Unapplied(ctx); n != 2 {
		t.Errorf("%d updates waiting, want the 2 storable ones", n)
	}
	var failure string
	if err := db.pool.QueryRow(ctx, `SELECT failure FROM inbox WHERE update_id = 21 AND applied_at IS NOT NULL`).Scan(&failure); err != nil || failure != "unstorable" {
		t.Errorf("the unstorable update: failure %q, %v", failure, err)
	}
	// Delivered again alone, it is a known update: no error.
	if err := db.Enqueue(ctx, batch[1:2]); err != nil {
		t.Errorf("redelivery: %v", err)
	}
}
