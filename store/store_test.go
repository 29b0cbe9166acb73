package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
	"polku/internal/pgtest"
)

// helsinki is the tests' time zone, as the service's.
var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testOptions opens a test's database on the real clock; tests that depend
// on the time set db.Now themselves.
func testOptions(conns int32) Options {
	return Options{MaxConns: conns, Now: time.Now, Location: helsinki}
}

// newDB opens a migrated, empty database of the test's own.
func newDB(t testing.TB) *DB {
	t.Helper()
	db := openDB(t, pgtest.URL(t))
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func openDB(t testing.TB, url string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url, testOptions(10))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// updateIDs hands out update IDs that grow, as Telegram's do.
var updateIDs atomic.Int64

// inTx files a new update for chat and applies it with fn, as a worker
// would; it fails the test when the update was not applied.
func inTx(t *testing.T, db *DB, chat int64, fn func(ctx context.Context, tx *Tx) error) {
	t.Helper()
	if err := tryTx(db, chat, fn); err != nil {
		t.Fatal(err)
	}
}

func tryTx(db *DB, chat int64, fn func(ctx context.Context, tx *Tx) error) error {
	ctx := context.Background()
	id := updateIDs.Add(1)
	if err := db.Enqueue(ctx, []Update{{ID: id, ChatID: chat, Payload: []byte(`{}`)}}); err != nil {
		return err
	}
	did, err := db.Apply(ctx, chat, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
		if p.UpdateID != id {
			return fmt.Errorf("applying update %d, want %d", p.UpdateID, id)
		}
		return fn(ctx, tx)
	})
	if err == nil && !did {
		err = fmt.Errorf("update %d of chat %d was not applied", id, chat)
	}
	if err != nil {
		// Give the update up, so the chat's next update goes first.
		if _, ferr := db.Failed(ctx, id, polku.ErrorCode(err), 1, time.Now(), nil); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// scalar runs a query that returns one value.
func scalar[T any](t *testing.T, db *DB, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := db.pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var perr *polku.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v (%T) is not a *polku.Error", err, err)
	}
	if got := polku.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestMigrateIdempotent(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if got := scalar[int32](t, db, `SELECT version FROM schema_version`); got != int32(len(entries)) {
		t.Errorf("schema version %d, want %d", got, len(entries))
	}
	if got := scalar[int](t, db, `SELECT count(*) FROM schema_version`); got != 1 {
		t.Errorf("schema_version has %d rows, want 1", got)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	// Two processes starting at once: two pools on one empty database.
	dbs := []*DB{openDB(t, url), openDB(t, url), openDB(t, url)}
	start := make(chan struct{})
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = db.Migrate(context.Background())
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	// The schema is there, once: the inbox works.
	if err := dbs[0].Enqueue(context.Background(), []Update{{ID: 1, ChatID: 1, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if got := scalar[int](t, dbs[1], `SELECT count(*) FROM schema_version`); got != 1 {
		t.Errorf("schema_version has %d rows, want 1", got)
	}
}

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
			return tx.Save(ctx, fmt.Appendf(nil, `{"seen":%q}`, fmt.Sprint(got)), nil)
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
		if err := tx.Save(ctx, []byte(`{"x":1}`), []Out{{ChatID: 3, Payload: []byte(`{"m":"send"}`)}}); err != nil {
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

// queue puts messages in the outbox one by one (a batch is queued by chat
// and lane) and returns their IDs in order.
func queue(t *testing.T, db *DB, out ...Out) []int64 {
	t.Helper()
	before := scalar[int64](t, db, `SELECT COALESCE(max(id), 0) FROM outbox`)
	for _, o := range out {
		if err := db.Queue(context.Background(), []Out{o}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.pool.Query(context.Background(), `SELECT id FROM outbox WHERE id > $1 ORDER BY id`, before)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != len(out) {
		t.Fatalf("queued %d messages, found %d", len(out), len(ids))
	}
	return ids
}

func readyIDs(t *testing.T, db *DB, limit int, skip []Lane) []int64 {
	t.Helper()
	msgs, err := db.Ready(context.Background(), limit, skip, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

func msg(chat int64, priority Priority, text string) Out {
	return Out{ChatID: chat, Priority: priority, Payload: fmt.Appendf(nil, `{"m":"send","chat":%d,"text":%q}`, chat, text)}
}

func TestReady(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	a := queue(t, db, msg(1, 1, "a1"), msg(1, 0, "a2"))
	b := queue(t, db, msg(2, 0, "b1"), msg(2, 0, "b2"))
	c := queue(t, db, msg(3, 1, "c1"))

	// The first message of each chat; answers to waiting people first.
	if got, want := readyIDs(t, db, 10, nil), []int64{b[0], a[0], c[0]}; !slices.Equal(got, want) {
		t.Errorf("Ready = %v, want %v", got, want)
	}
	msgs, err := db.Ready(ctx, 1, nil, time.Now())
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Ready(1) = %v, %v", msgs, err)
	}
	if m := msgs[0]; m.ID != b[0] || m.ChatID != 2 || m.Priority != 0 || m.Attempts != 0 || string(m.Payload) != `{"m": "send", "chat": 2, "text": "b1"}` {
		t.Errorf("Ready(1) = %+v (payload %s)", m, m.Payload)
	}
	if got, want := readyIDs(t, db, 10, []Lane{{2, 0}, {3, 0}}), []int64{a[0]}; !slices.Equal(got, want) {
		t.Errorf("Ready skipping chats 2 and 3 = %v, want %v", got, want)
	}

	// A message waiting for a retry holds back its chat's later ones.
	sent, err := db.Send(ctx, a[0], func(Message) Outcome { return Outcome{RetryAt: time.Now().Add(time.Hour)} })
	if err != nil || !sent {
		t.Fatal(sent, err)
	}
	if got, want := readyIDs(t, db, 10, nil), []int64{b[0], c[0]}; !slices.Equal(got, want) {
		t.Errorf("Ready with chat 1 waiting = %v, want %v", got, want)
	}
	// Once the first is sent, the next of the chat is ready.
	if _, err := db.Send(ctx, b[0], func(Message) Outcome { return Outcome{Sent: true, MessageID: 1} }); err != nil {
		t.Fatal(err)
	}
	if got, want := readyIDs(t, db, 10, nil), []int64{b[1], c[0]}; !slices.Equal(got, want) {
		t.Errorf("Ready after sending b1 = %v, want %v", got, want)
	}
}

type outboxRow struct {
	sent      bool
	messageID *int
	dropped   *string
	attempts  int
	due       bool
}

func row(t *testing.T, db *DB, id int64) outboxRow {
	t.Helper()
	var r outboxRow
	err := db.pool.QueryRow(context.Background(), `
		SELECT sent_at IS NOT NULL, message_id, dropped, attempts, COALESCE(not_before <= now(), true) FROM outbox WHERE id = $1`, id).
		Scan(&r.sent, &r.messageID, &r.dropped, &r.attempts, &r.due)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSend(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	ids := queue(t, db, msg(1, 0, "one"), msg(1, 0, "two"), msg(1, 0, "three"), msg(1, 0, "four"))

	// Not first in its chat: refused without calling Telegram.
	called := false
	did, err := db.Send(ctx, ids[1], func(Message) Outcome { called = true; return Outcome{Sent: true} })
	if did || err != nil || called {
		t.Fatalf("Send of a second message = %v, %v (sent: %v); want it refused", did, err, called)
	}
	if r := row(t, db, ids[1]); r.sent || r.attempts != 0 {
		t.Errorf("refused message changed: %+v", r)
	}

	// Sent.
	var got Message
	did, err = db.Send(ctx, ids[0], func(m Message) Outcome { got = m; return Outcome{Sent: true, MessageID: 77} })
	if !did || err != nil {
		t.Fatal(did, err)
	}
	if got.ID != ids[0] || got.ChatID != 1 || string(got.Payload) != `{"m": "send", "chat": 1, "text": "one"}` {
		t.Errorf("send got %+v (payload %s)", got, got.Payload)
	}
	if r := row(t, db, ids[0]); !r.sent || r.messageID == nil || *r.messageID != 77 || r.attempts != 1 || r.dropped != nil {
		t.Errorf("sent message: %+v", r)
	}
	// A sent message is not sent again.
	called = false
	if did, err := db.Send(ctx, ids[0], func(Message) Outcome { called = true; return Outcome{Sent: true} }); did || err != nil || called {
		t.Errorf("Send of a sent message = %v, %v (sent again: %v)", did, err, called)
	}

	// Retry: later, with the attempt counted; Telegram sees the count.
	retry := time.Now().Add(time.Hour)
	if did, err := db.Send(ctx, ids[1], func(Message) Outcome { return Outcome{RetryAt: retry} }); !did || err != nil {
		t.Fatal(did, err)
	}
	if r := row(t, db, ids[1]); r.sent || r.dropped != nil || r.attempts != 1 || r.due {
		t.Errorf("message to retry: %+v", r)
	}
	if got := readyIDs(t, db, 10, nil); len(got) != 0 {
		t.Errorf("Ready while the retry is not due = %v", got)
	}
	if _, err := db.pool.Exec(ctx, `UPDATE outbox SET not_before = now() WHERE id = $1`, ids[1]); err != nil {
		t.Fatal(err)
	}
	var attempts int
	if _, err := db.Send(ctx, ids[1], func(m Message) Outcome { attempts = m.Attempts; return Outcome{Drop: "refused"} }); err != nil {
		t.Fatal(err)
	}
	if attempts != 1 {
		t.Errorf("second try saw %d attempts, want 1", attempts)
	}
	// Dropped: with the reason, and the chat goes on.
	if r := row(t, db, ids[1]); r.sent || r.dropped == nil || *r.dropped != "refused" || r.attempts != 2 {
		t.Errorf("dropped message: %+v", r)
	}
	if got, want := readyIDs(t, db, 10, nil), []int64{ids[2]}; !slices.Equal(got, want) {
		t.Errorf("Ready after a drop = %v, want %v", got, want)
	}
	if n, _ := db.Unsent(ctx); n != 2 {
		t.Errorf("Unsent = %d, want 2", n)
	}
}

func TestSendBlocked(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Save(ctx, []byte(`{}`), nil) })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.Save(ctx, []byte(`{}`), nil) })
	ids := queue(t, db, msg(1, 0, "one"), msg(2, 0, "other chat"), msg(1, 1, "two"), msg(1, 0, "three"))
	if did, err := db.Send(ctx, ids[0], func(Message) Outcome { return Outcome{Blocked: true} }); !did || err != nil {
		t.Fatal(did, err)
	}
	for _, id := range []int64{ids[0], ids[2], ids[3]} {
		if r := row(t, db, id); r.sent || r.dropped == nil || *r.dropped != "blocked" {
			t.Errorf("message %d of the blocked chat: %+v", id, r)
		}
	}
	if r := row(t, db, ids[1]); r.dropped != nil {
		t.Errorf("another chat's message was dropped: %+v", r)
	}
	if !scalar[bool](t, db, `SELECT blocked_at IS NOT NULL FROM conversations WHERE chat_id = 1`) {
		t.Error("the chat is not marked blocked")
	}
	if scalar[bool](t, db, `SELECT blocked_at IS NOT NULL FROM conversations WHERE chat_id = 2`) {
		t.Error("another chat was marked blocked")
	}
	if got, want := readyIDs(t, db, 10, nil), []int64{ids[1]}; !slices.Equal(got, want) {
		t.Errorf("Ready = %v, want %v", got, want)
	}

	// Unblocking (my_chat_member "member") clears the mark.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.SetBlocked(ctx, false) })
	if scalar[bool](t, db, `SELECT blocked_at IS NOT NULL FROM conversations WHERE chat_id = 1`) {
		t.Error("unblocked chat still marked blocked")
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.SetBlocked(ctx, true) })
	if !scalar[bool](t, db, `SELECT blocked_at IS NOT NULL FROM conversations WHERE chat_id = 1`) {
		t.Error("SetBlocked(true) did not mark the chat")
	}
}

func TestRecordConsent(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	consentAt := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return consentAt }
	if err := db.AddReferralCode(ctx, "school-1", "A school"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "sv", "v1", "school-1") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "made-up") })
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "en", "v1", "") })

	for _, c := range []struct {
		chat     int64
		lang     string
		referral string
	}{{1, "sv", "school-1"}, {2, "fi", ""}, {3, "en", ""}} {
		f, err := db.Family(ctx, c.chat)
		if err != nil {
			t.Fatalf("chat %d: %v", c.chat, err)
		}
		if f.ChatID != c.chat || f.Lang != c.lang || f.Referral != c.referral || f.ConsentVersion != "v1" || !f.ConsentAt.Equal(consentAt) || !f.ProfileAt.IsZero() {
			t.Errorf("chat %d: family %+v, want lang %s referral %q consent v1", c.chat, f, c.lang, c.referral)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM families WHERE referral IS NULL`); n != 2 {
		t.Errorf("%d families without referral, want 2", n)
	}

	// Agreeing again to a new version keeps the family and its source.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "en", "v2", "") })
	f, err := db.Family(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Referral != "school-1" || f.ConsentVersion != "v2" || f.Lang != "en" {
		t.Errorf("after a second consent: %+v", f)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM families WHERE chat_id = 1`); n != 1 {
		t.Errorf("%d families for chat 1", n)
	}
	// A later known code does not replace the first source.
	if err := db.AddReferralCode(ctx, "club-2", "A club"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "en", "v2", "club-2") })
	if f, _ := db.Family(ctx, 1); f.Referral != "school-1" {
		t.Errorf("referral became %q", f.Referral)
	}
	if _, err := db.Family(ctx, 99); err == nil {
		t.Error("Family of an unknown chat: no error")
	} else {
		wantCode(t, err, polku.ENOTFOUND)
	}
}

func answers() polku.Answers {
	return polku.Answers{
		Municipality: "Kuusamo",
		Children:     map[polku.AgeBand]int{polku.Age3to6: 1, polku.Age13to17: 2},
		Interests:    []polku.Interest{polku.InterestNature},
		Helps:        []polku.Help{polku.HelpTalk},
		HelpText:     "Мы недавно переехали 🙂",
		Languages:    []string{"uk", "fi"},
		Wellbeing:    []int{2, 3, 4, 5},
		Contact:      polku.ContactPhone,
		Phone:        "+358401234567",
	}
}

func TestSaveProfile(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	a := answers()

	// Without consent there is no family to hold a profile.
	err := tryTx(db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "fi", a); return err })
	wantCode(t, err, polku.EINVALID)
	if n := scalar[int](t, db, `SELECT count(*) FROM families`); n != 0 {
		t.Fatalf("a profile without consent created %d families", n)
	}

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	bad := a
	bad.Children = nil
	wantCode(t, tryTx(db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "fi", bad); return err }), polku.EINVALID)

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		first, err := tx.SaveProfile(ctx, "uk", a)
		if err == nil && !first {
			t.Error("the first profile was not reported as the first")
		}
		return err
	})
	// The answers are stored without the wellbeing scores; those are the
	// baseline, apart.
	if got := scalar[bool](t, db, `SELECT answers ? 'wellbeing' FROM families WHERE chat_id = 1`); got {
		t.Error("the wellbeing scores are stored in the answers")
	}
	f, err := db.Family(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.ProfileAt.IsZero() || f.Lang != "uk" || f.Answers.HelpText != a.HelpText || f.Answers.Phone != a.Phone || f.Answers.Children[polku.Age13to17] != 2 || !slices.Equal(f.Answers.Wellbeing, a.Wellbeing) {
		t.Errorf("family after the profile: %+v", f)
	}

	// Changed answers re-saved from the summary replace the baseline (no
	// follow-up exists yet); the same answers again, or a profile without
	// the check, add nothing.
	later := a
	later.Wellbeing = []int{4, 4, 4, 4}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		first, err := tx.SaveProfile(ctx, "uk", later)
		if first {
			t.Error("a re-save was reported as the first profile")
		}
		return err
	})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "uk", later); return err })
	skipped := a
	skipped.Wellbeing = nil
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "uk", skipped); return err })
	rows, err := db.pool.Query(ctx, `SELECT w.kind, w.scores FROM wellbeing w JOIN families f ON f.id = w.family_id WHERE f.chat_id = 1 ORDER BY w.id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var kind string
		var scores []int
		if err := rows.Scan(&kind, &scores); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(kind, scores))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"baseline[4 4 4 4]"}; !slices.Equal(got, want) {
		t.Errorf("wellbeing rows %v, want %v", got, want)
	}
	if f, _ := db.Family(ctx, 1); !slices.Equal(f.Answers.Wellbeing, later.Wellbeing) {
		t.Errorf("Family's wellbeing %v, want the baseline %v", f.Answers.Wellbeing, later.Wellbeing)
	}
}

func TestRequestPerson(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	// Before consent only the chat is kept.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	reqs, err := db.ContactRequests(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"button/chat open (no family)"}; !slices.Equal(reqs, want) {
		t.Errorf("requests %q, want %q", reqs, want)
	}
	// After consent, a new request updates the open one and ties it to
	// the family.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, "+358401234567")
	})
	reqs, _ = db.ContactRequests(ctx, 1)
	if want := []string{"intake/phone open phone"}; !slices.Equal(reqs, want) {
		t.Errorf("requests %q, want %q", reqs, want)
	}
	// A handled request is kept; a new one opens beside it.
	if _, err := db.pool.Exec(ctx, `UPDATE contact_requests SET status = 'closed', closed_at = now() WHERE chat_id = 1`); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	reqs, _ = db.ContactRequests(ctx, 1)
	if want := []string{"intake/phone closed phone", "button/chat open"}; !slices.Equal(reqs, want) {
		t.Errorf("requests %q, want %q", reqs, want)
	}
	if reqs, _ := db.ContactRequests(ctx, 2); len(reqs) != 0 {
		t.Errorf("another chat has requests %q", reqs)
	}
}

// family makes a family with a profile, wellbeing answers and a request.
func family(t *testing.T, db *DB, chat int64) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		if err := tx.RequestPerson(ctx, "button", polku.ContactChat, ""); err != nil {
			return err
		}
		if err := tx.RecordConsent(ctx, "fi", "v1", ""); err != nil {
			return err
		}
		if _, err := tx.SaveProfile(ctx, "fi", answers()); err != nil {
			return err
		}
		return tx.Save(ctx, []byte(`{}`), nil)
	})
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, "+358401234567")
	})
}

func TestErase(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	family(t, db, 1)
	family(t, db, 2)
	if _, err := db.pool.Exec(ctx, `UPDATE contact_requests SET status = 'closed' WHERE chat_id = 1`); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "fi", answers()); return err })

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
	if _, err := db.Family(ctx, 1); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("Family after erasure: %v", err)
	}
	if _, err := db.Export(ctx, 1); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("Export after erasure: %v", err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM families WHERE chat_id = 1`,
		`SELECT count(*) FROM contact_requests WHERE chat_id = 1`,
		`SELECT count(*) FROM wellbeing w WHERE NOT EXISTS (SELECT 1 FROM families f WHERE f.id = w.family_id)`,
	} {
		if n := scalar[int](t, db, q); n != 0 {
			t.Errorf("after erasure %s = %d", q, n)
		}
	}
	// The other family is untouched.
	if f, err := db.Family(ctx, 2); err != nil || len(f.Answers.Wellbeing) != 4 {
		t.Errorf("the other family: %+v, %v", f, err)
	}
	if reqs, _ := db.ContactRequests(ctx, 2); len(reqs) != 1 {
		t.Errorf("the other family's requests: %q", reqs)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM wellbeing`); n != 1 {
		t.Errorf("%d wellbeing rows left, want the other family's 1", n)
	}
	// Erasing nothing is fine.
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	family(t, db, 1)
	family(t, db, 2)
	export, err := db.Export(ctx, 1)
	doc := export.Doc
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Family    map[string]any `json:"family"`
		Wellbeing []struct {
			Kind   string `json:"kind"`
			Scores []int  `json:"scores"`
		} `json:"wellbeing"`
		ContactRequests []struct {
			Reason, Contact, Status string
			Phone                   *string
		} `json:"contact_requests"`
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, doc)
	}
	if got.Family["chat_id"] != float64(1) || got.Family["consent_version"] != "v1" || got.Family["lang"] != "fi" {
		t.Errorf("family: %v", got.Family)
	}
	if _, ok := got.Family["id"]; ok {
		t.Error("the export shows the internal family id")
	}
	answers, _ := got.Family["answers"].(map[string]any)
	if answers["phone"] != "+358401234567" || answers["help_text"] != "Мы недавно переехали 🙂" {
		t.Errorf("answers: %v", answers)
	}
	if len(got.Wellbeing) != 1 || got.Wellbeing[0].Kind != "baseline" || !slices.Equal(got.Wellbeing[0].Scores, []int{2, 3, 4, 5}) {
		t.Errorf("wellbeing: %+v", got.Wellbeing)
	}
	if len(got.ContactRequests) != 1 || got.ContactRequests[0].Reason != "intake" || got.ContactRequests[0].Phone == nil || *got.ContactRequests[0].Phone != "+358401234567" {
		t.Errorf("contact requests: %+v", got.ContactRequests)
	}
	if _, err := db.Export(ctx, 3); err == nil {
		t.Error("Export of an unknown chat: no error")
	} else {
		wantCode(t, err, polku.ENOTFOUND)
	}
}

// TestExportRequestBeforeConsent: a family that asked for a person before
// agreeing to the notice, and whose request was not renewed after, still
// finds the request in its export: erasure deletes it by chat, so it is
// theirs.
func TestExportRequestBeforeConsent(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	export, err := db.Export(ctx, 1)
	doc := export.Doc
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ContactRequests []json.RawMessage `json:"contact_requests"`
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.ContactRequests) != 1 {
		t.Errorf("export holds %d contact requests, want the open one of the chat:\n%s", len(got.ContactRequests), doc)
	}
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Enqueue(ctx, []Update{
		{ID: 1, ChatID: 1, Payload: []byte(`{}`)}, // old, applied
		{ID: 2, ChatID: 1, Payload: []byte(`{}`)}, // recent, applied
		{ID: 3, ChatID: 2, Payload: []byte(`{}`)}, // old, never applied
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if did, err := db.Apply(ctx, 1, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error { return nil }); !did || err != nil {
			t.Fatal(did, err)
		}
	}
	ids := queue(t, db, msg(1, 0, "old sent"), msg(1, 0, "old dropped"), msg(1, 0, "recent sent"), msg(2, 0, "old unsent"))
	for i, o := range []Outcome{{Sent: true, MessageID: 1}, {Drop: "refused"}, {Sent: true, MessageID: 2}} {
		if did, err := db.Send(ctx, ids[i], func(Message) Outcome { return o }); !did || err != nil {
			t.Fatal(did, err)
		}
	}
	for _, q := range []string{
		`UPDATE inbox SET received_at = now() - interval '4 days', applied_at = now() - interval '4 days' WHERE update_id = 1`,
		`UPDATE inbox SET received_at = now() - interval '4 days' WHERE update_id = 3`,
		fmt.Sprintf(`UPDATE outbox SET created_at = now() - interval '4 days' WHERE id IN (%d, %d, %d)`, ids[0], ids[1], ids[3]),
	} {
		if _, err := db.pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.Prune(ctx, 72*time.Hour, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("Prune deleted %d rows, want 3", n)
	}
	if got := ints(t, db, `SELECT update_id FROM inbox ORDER BY update_id`); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("inbox keeps %v, want [2 3]", got)
	}
	if got := ints(t, db, `SELECT id FROM outbox ORDER BY id`); !slices.Equal(got, []int64{ids[2], ids[3]}) {
		t.Errorf("outbox keeps %v, want %v", got, []int64{ids[2], ids[3]})
	}
	if n, err := db.Prune(ctx, 72*time.Hour, 30*24*time.Hour); err != nil || n != 0 {
		t.Errorf("second Prune = %d, %v", n, err)
	}
}

func ints(t *testing.T, db *DB, sql string) []int64 {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	// A unique violation is a conflict.
	err := tryTx(db, 1, func(ctx context.Context, tx *Tx) error {
		_, err := tx.tx.Exec(ctx, `INSERT INTO referral_codes (code, organisation, created_at) VALUES ('x', 'a', now()), ('x', 'b', now())`)
		return wrap(err, "test")
	})
	wantCode(t, err, polku.ECONFLICT)
	// A cancelled context is internal, and says so.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = db.Enqueue(cctx, []Update{{ID: 1, ChatID: 1, Payload: []byte(`{}`)}})
	wantCode(t, err, polku.EINTERNAL)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	// A bad URL is invalid configuration.
	if _, err := Open(ctx, "postgres://%zz", testOptions(1)); err == nil {
		t.Error("Open of a bad URL: no error")
	} else {
		wantCode(t, err, polku.EINVALID)
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

// TestUnavailable: a database that cannot be reached is EUNAVAILABLE, so
// callers retry instead of blaming the work.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	db.Close()
	_, err := db.PendingChats(ctx, 1, time.Now())
	wantCode(t, err, polku.EUNAVAILABLE)
	gone, err := Open(ctx, "postgres://polku@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", testOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer gone.Close()
	_, err = gone.PendingChats(ctx, 1, time.Now())
	wantCode(t, err, polku.EUNAVAILABLE)
	if strings.Count(err.Error(), "connection refused") != 1 {
		t.Errorf("the cause is repeated: %v", err)
	}
}

// TestContactRequestLifecycle: what happens to a request to talk to a
// person when the family taps 💬, changes its mind about contact, or
// declines the notice.
func TestContactRequestLifecycle(t *testing.T) {
	db := newDB(t)
	open := func(chat int64) string {
		return scalar[string](t, db, `SELECT COALESCE(string_agg(reason || '/' || contact || '/' || COALESCE(phone, '-') || '/' || (family_id IS NOT NULL)::text, ','), '') FROM contact_requests WHERE chat_id = $1 AND status = 'open'`, chat)
	}
	// The intake asks for a call; a later tap on 💬 keeps the call and
	// the number.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, "+358401234567")
	})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	if got := open(1); got != "intake/phone/+358401234567/true" {
		t.Errorf("after 💬: %s", got)
	}
	// No contact needed after all: the request and the number go.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.WithdrawRequest(ctx) })
	if got := open(1); got != "" {
		t.Errorf("after withdrawing: %s", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM contact_requests WHERE phone IS NOT NULL`); n != 0 {
		t.Errorf("a withdrawn request kept the number")
	}
	// 💬 before declining: declining keeps the request, with the chat only.
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RequestPerson(ctx, "button", polku.ContactChat, "") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.Decline(ctx) })
	if got := open(2); got != "button/chat/-/false" {
		t.Errorf("after declining: %s", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM families WHERE chat_id = 2`); n != 0 {
		t.Errorf("declining kept the family")
	}
}

// TestStatsKeepOnlyKnownReferrals: the text of a link never reaches the
// statistics, only a registered code.
func TestStatsKeepOnlyKnownReferrals(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.AddReferralCode(ctx, "school-1", "A school"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "school-1") })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Count(ctx, "consent_given", "") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "Maija-Meikalainen") })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.Count(ctx, "consent_given", "") })
	got := scalar[string](t, db, `SELECT string_agg(referral || '=' || count, ',' ORDER BY referral) FROM stats`)
	if got != "=1,school-1=1" {
		t.Errorf("stats by referral: %s", got)
	}
}

// TestPruneStartsOldDraftsAfresh: a half-done intake is not kept forever;
// a saved profile is.
func TestPruneStartsOldDraftsAfresh(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	for chat, data := range map[int64]string{
		1: `{"flow":"intake","state":"needs","lang":"sv","seq":9,"answers":{"municipality":"Kuusamo","help_text":"private words"},"updated":"2026-01-01T00:00:00Z"}`,
		2: `{"flow":"intake","state":"done","lang":"fi","seq":30,"profile":true,"answers":{"municipality":"Kuusamo"},"updated":"2026-01-01T00:00:00Z"}`,
	} {
		if _, err := db.pool.Exec(ctx, `INSERT INTO conversations (chat_id, data, updated_at) VALUES ($1, $2, now() - interval '40 days')`, chat, data); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Prune(ctx, 72*time.Hour, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := scalar[string](t, db, `SELECT data::text FROM conversations WHERE chat_id = 1`); strings.Contains(got, "private") || !strings.Contains(got, `"state": "welcome"`) || !strings.Contains(got, `"seq": 10`) || !strings.Contains(got, `"lang": "sv"`) {
		t.Errorf("old draft after prune: %s", got)
	}
	if got := scalar[string](t, db, `SELECT data->>'state' FROM conversations WHERE chat_id = 2`); got != "done" {
		t.Errorf("a saved profile's conversation was pruned: %s", got)
	}
}

// TestOneSender: only one process at a time may send; when it lets go (or
// its connection dies) another takes over.
func TestOneSender(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	other := openDB(t, db.pool.Config().ConnString())
	held, release, ok, err := db.HoldSender(ctx)
	if err != nil || !ok {
		t.Fatalf("first sender: %v %v", ok, err)
	}
	if _, _, ok, err := other.HoldSender(ctx); err != nil || ok {
		t.Fatalf("a second process became the sender too: %v %v", ok, err)
	}
	release()
	if held.Err() == nil {
		t.Error("the released sender's context is still alive")
	}
	_, release2, ok, err := other.HoldSender(ctx)
	if err != nil || !ok {
		t.Fatalf("no one took over: %v %v", ok, err)
	}
	defer release2()
	// The holder's connection dies: its lock goes with it.
	if _, err := db.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1::bigint % 4294967296 AND granted`, int64(senderLock)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, rel, ok, err := db.HoldSender(ctx)
		if ok {
			rel()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lock outlived its connection: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // polls PostgreSQL, which cannot tell us
	}
}

// TestNoServerClockDefaults: no column fills itself from the database
// server's clock. Every time comes from the service's one clock, so an
// insert that forgets it fails instead of writing another date.
func TestNoServerClockDefaults(t *testing.T) {
	db := newDB(t)
	rows, err := db.pool.Query(context.Background(), `
		SELECT table_name || '.' || column_name || ' DEFAULT ' || column_default FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_default ~* '(now\(\)|current_|localtime|clock_timestamp|statement_timestamp|transaction_timestamp)'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: the server's clock decides this time", b)
	}
}
