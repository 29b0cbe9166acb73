package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"polku"
)

// ApplyMany is Apply for many chats in one transaction: each chat under
// its lock and in its order, a chat held elsewhere left alone, one chat's
// failure its own, and a failure of the whole commit leaving nothing.
func TestApplyMany(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Enqueue(ctx, []Update{
		{ID: 1, ChatID: 1, Payload: []byte(`{"n":1}`)}, {ID: 2, ChatID: 1, Payload: []byte(`{"n":2}`)},
		{ID: 3, ChatID: 2, Payload: []byte(`{"n":3}`)}, {ID: 4, ChatID: 3, Payload: []byte(`{"n":4}`)},
	}); err != nil {
		t.Fatal(err)
	}
	save := func(ctx context.Context, tx *Tx, p Pending) error {
		var outs []Out
		for i := range 2 {
			outs = append(outs, Out{ChatID: p.ChatID, Priority: PriorityReply, Payload: fmt.Appendf(nil, `{"u":%d,"i":%d}`, p.UpdateID, i)})
		}
		return tx.Save(ctx, Conversation{Data: p.Payload, Lang: "fi"}, outs)
	}
	held, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := held.Exec(ctx, `SELECT pg_advisory_xact_lock(3)`); err != nil {
		t.Fatal(err)
	}
	res, err := db.ApplyMany(ctx, []int64{1, 2, 3}, time.Now(), save)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]Applied{}
	for _, r := range res {
		got[r.Chat] = r
	}
	if r := got[1]; !r.Did || r.Pending.UpdateID != 1 || !r.Pending.More {
		t.Errorf("chat 1: %+v; want update 1 applied, another waiting", r)
	}
	if r := got[2]; !r.Did || r.Pending.UpdateID != 3 || r.Pending.More {
		t.Errorf("chat 2: %+v; want update 3 applied, none waiting", r)
	}
	if r := got[3]; !r.Busy || r.Did {
		t.Errorf("chat 3: %+v; want busy", r)
	}
	held.Rollback(ctx)
	if n := scalar[int](t, db, `SELECT count(*) FROM inbox WHERE applied_at IS NOT NULL AND payload IS NULL`); n != 2 {
		t.Errorf("%d updates marked applied, want 2", n)
	}
	if s := scalar[string](t, db, `SELECT string_agg((payload->>'u') || (payload->>'i'), ',' ORDER BY id) FROM outbox`); s != "10,11,30,31" {
		t.Errorf("outbox in id order: %s; want 10,11,30,31", s)
	}
	if s := scalar[string](t, db, `SELECT string_agg(chat_id || ':' || (data->>'n') || ':' || applied, ',' ORDER BY chat_id) FROM conversations`); s != "1:1:1,2:3:1" {
		t.Errorf("conversations: %s", s)
	}

	// Chat 1 fails after a statement of its own: that is rolled back,
	// and chat 3 is applied beside it.
	failing := func(ctx context.Context, tx *Tx, p Pending) error {
		if p.ChatID == 1 {
			if err := tx.SetBlocked(ctx, true); err != nil {
				return err
			}
			return polku.Errorf(polku.EINTERNAL, "broken")
		}
		return save(ctx, tx, p)
	}
	res, err = db.ApplyMany(ctx, []int64{1, 2, 3}, time.Now(), failing)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		switch {
		case r.Chat == 1 && (r.Err == nil || r.Did):
			t.Errorf("chat 1: %+v; want its error", r)
		case r.Chat == 2 && (r.Did || r.Busy || r.Err != nil):
			t.Errorf("chat 2: %+v; want nothing to do", r)
		case r.Chat == 3 && !r.Did:
			t.Errorf("chat 3: %+v; want applied", r)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM conversations WHERE blocked_at IS NOT NULL`); n != 0 {
		t.Error("the failed chat's statement was kept")
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM inbox WHERE applied_at IS NULL`); n != 1 {
		t.Errorf("%d updates waiting, want update 2 only", n)
	}

	// A conversation saved by a later update is refused by Save, under
	// the lock; the group goes on.
	if err := db.Enqueue(ctx, []Update{{ID: 5, ChatID: 2, Payload: []byte(`{"n":5}`)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `UPDATE conversations SET last_seq = 1000000 WHERE chat_id = 1`); err != nil {
		t.Fatal(err)
	}
	res, err = db.ApplyMany(ctx, []int64{2, 1}, time.Now(), save)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || !res[0].Did || polku.ErrorCode(res[1].Err) != polku.ECONFLICT {
		t.Errorf("results %+v; want chat 2 applied, chat 1 out of order", res)
	}

	// A gathered statement refused at the commit (text jsonb cannot
	// hold) fails the whole group: nothing of it is kept.
	if err := db.Enqueue(ctx, []Update{{ID: 6, ChatID: 2, Payload: []byte(`{"n":6}`)}, {ID: 7, ChatID: 4, Payload: []byte(`{"n":7}`)}}); err != nil {
		t.Fatal(err)
	}
	bad := func(ctx context.Context, tx *Tx, p Pending) error {
		if p.ChatID == 4 {
			return tx.Save(ctx, Conversation{Data: p.Payload}, []Out{{ChatID: 4, Payload: []byte(`{"t":"\u0000"}`)}})
		}
		return save(ctx, tx, p)
	}
	if _, err := db.ApplyMany(ctx, []int64{2, 4}, time.Now(), bad); err == nil {
		t.Error("a refused message, and no error")
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM inbox WHERE applied_at IS NULL`); n != 3 {
		t.Errorf("%d updates waiting, want 3 (2, 6, 7): the group was kept in part", n)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox WHERE payload->>'u' = '6'`); n != 0 {
		t.Error("chat 2's messages were kept from a failed group")
	}
}

// Two groups that count the same rows in other orders do not deadlock:
// each takes the statistics' lock before its first count.
func TestApplyManyCountsInAnyOrder(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for g, kinds := range [][]string{{"k1", "k2"}, {"k2", "k1"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chats := []int64{int64(10*g + 1), int64(10*g + 2)}
			for round := range 150 {
				var ups []Update
				for _, c := range chats {
					id := int64(100000*g + 10*round + int(c%10))
					ups = append(ups, Update{ID: id, ChatID: c, Payload: []byte(`{}`)})
				}
				if err := db.Enqueue(ctx, ups); err != nil {
					errs <- err
					return
				}
				_, err := db.ApplyMany(ctx, chats, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
					if err := tx.Count(ctx, kinds[p.ChatID%10-1], "Kuusamo"); err != nil {
						return err
					}
					return tx.Save(ctx, Conversation{Data: []byte(`{}`)}, nil)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := scalar[int](t, db, `SELECT sum(count) FROM stats WHERE kind IN ('k1', 'k2')`); n != 600 {
		t.Errorf("%d counted, want 600", n)
	}
}

// The sender records a wait on one lane and a chat that blocked the bot
// while a group holds that chat's conversation and then wants the lane:
// Record takes the conversations before any lane, so neither waits for
// the other in a circle.
func TestApplyManyBesideRecord(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	const X, A = 10, 20
	save := func(ctx context.Context, tx *Tx, p Pending) error {
		return tx.Save(ctx, Conversation{Data: []byte(`{}`), Lang: "fi"}, []Out{{ChatID: p.ChatID, Payload: []byte(`{"r":1}`)}})
	}
	if err := db.Enqueue(ctx, []Update{{ID: 1, ChatID: X, Payload: []byte(`{}`)}, {ID: 2, ChatID: A, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []int64{X, A} {
		if _, err := db.Apply(ctx, c, time.Now(), save); err != nil {
			t.Fatal(err)
		}
	}
	a1 := scalar[int64](t, db, `SELECT id FROM outbox WHERE chat_id = 20`)
	x1 := scalar[int64](t, db, `SELECT id FROM outbox WHERE chat_id = 10`)
	if err := db.Enqueue(ctx, []Update{{ID: 3, ChatID: X, Payload: []byte(`{}`)}, {ID: 4, ChatID: A, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	rec := make(chan error, 1)
	fn := func(ctx context.Context, tx *Tx, p Pending) error {
		if p.ChatID == X {
			return tx.SetBlocked(ctx, true)
		}
		go func() {
			rec <- db.Record(context.Background(), []Result{
				{Message{ID: a1, ChatID: A}, Outcome{RetryAt: time.Now().Add(time.Minute)}},
				{Message{ID: x1, ChatID: X}, Outcome{Blocked: true}},
			})
		}()
		time.Sleep(300 * time.Millisecond) // Record waits for X's row meanwhile
		return save(ctx, tx, p)
	}
	if _, err := db.ApplyMany(ctx, []int64{X, A}, time.Now(), fn); err != nil {
		t.Errorf("the group: %v", err)
	}
	if err := <-rec; err != nil {
		t.Errorf("the sender: %v", err)
	}
}

// A chat that reads the outbox after the chats before it queued messages
// is applied alone, after the group: an erasure then deletes a
// coordinator's answer queued to the family in the same group.
func TestApplyManyErasesAlone(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	const G, F = -100, 30
	if err := db.Enqueue(ctx, []Update{{ID: 1, ChatID: G, Payload: []byte(`{}`)}, {ID: 2, ChatID: F, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	fn := func(ctx context.Context, tx *Tx, p Pending) error {
		if p.ChatID == G {
			return tx.Finish(ctx, []Out{{ChatID: F, Payload: []byte(`{"coordinator":"reply"}`)}})
		}
		if err := tx.Erase(ctx); err != nil {
			return err
		}
		return tx.Save(ctx, Conversation{Data: []byte(`{}`), Lang: "fi"}, []Out{{ChatID: F, Payload: []byte(`{"erased":1}`)}})
	}
	res, err := db.ApplyMany(ctx, []int64{G, F}, time.Now(), fn)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || !res[0].Did || !res[1].Alone || res[1].Err != nil {
		t.Fatalf("results %+v; want the group's chat applied, the erasure alone", res)
	}
	if did, err := db.Apply(ctx, F, time.Now(), fn); !did || err != nil {
		t.Fatalf("the erasure alone: %v, %v", did, err)
	}
	if s := scalar[string](t, db, `SELECT string_agg(payload::text, ' ' ORDER BY id) FROM outbox WHERE chat_id = 30`); s != `{"erased": 1}` {
		t.Errorf("the family's outbox after its erasure: %s", s)
	}
}
