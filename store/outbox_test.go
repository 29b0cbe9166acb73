package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// The outbox in lanes: a person's chat, each case's topic in the group and
// the group's urgent alerts keep their own order, and take turns.

const lanesGroup = -1001000000009

func laneMsg(chat, lane int64, priority Priority, text string) Out {
	return Out{ChatID: chat, Lane: lane, Priority: priority, Payload: fmt.Appendf(nil, `{"m":"send","chat":%d,"text":%q}`, chat, text)}
}

// readyTexts are the texts of the messages Ready returns now.
func readyTexts(t *testing.T, db *DB, skip []Lane) []string {
	t.Helper()
	msgs, err := db.Ready(context.Background(), 64, skip, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		var p struct{ Text string }
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatalf("payload %s: %v", m.Payload, err)
		}
		out = append(out, p.Text)
	}
	return out
}

func sendID(t *testing.T, db *DB, id int64) {
	t.Helper()
	did, err := db.Send(context.Background(), id, func(Message) Outcome { return Outcome{Sent: true, MessageID: 1} })
	if err != nil || !did {
		t.Fatalf("send %d: %v, %v", id, did, err)
	}
}

// TestLanesTakeTurns: a family that floods its case does not hold back
// another case's message, nor an urgent alert; each lane keeps its order.
func TestLanesTakeTurns(t *testing.T) {
	db := newDB(t)
	flood := queue(t, db, laneMsg(lanesGroup, 1, 0, "a1"), laneMsg(lanesGroup, 1, 0, "a2"), laneMsg(lanesGroup, 1, 0, "a3"))
	other := queue(t, db, laneMsg(lanesGroup, 2, 0, "b1"))
	if got, want := readyTexts(t, db, nil), []string{"a1", "b1"}; !slices.Equal(got, want) {
		t.Fatalf("Ready = %v, want the first of each case %v", got, want)
	}
	sendID(t, db, flood[0])
	// The flooding case has just sent: the other case goes first.
	if got, want := readyTexts(t, db, nil), []string{"b1", "a2"}; !slices.Equal(got, want) {
		t.Errorf("after a1: Ready = %v, want %v", got, want)
	}
	alert := queue(t, db, laneMsg(lanesGroup, LaneAlerts, PriorityAlert, "alert"))
	if got := readyTexts(t, db, nil); len(got) == 0 || got[0] != "alert" {
		t.Errorf("with an alert waiting: Ready = %v, want the alert first", got)
	}
	sendID(t, db, alert[0])
	sendID(t, db, other[0])
	if got, want := readyTexts(t, db, nil), []string{"a2"}; !slices.Equal(got, want) {
		t.Errorf("Ready = %v, want %v", got, want)
	}
	// A lane being sent is skipped; so is a lane whose head waits.
	if got := readyTexts(t, db, []Lane{{lanesGroup, 1}}); len(got) != 0 {
		t.Errorf("Ready skipping the case = %v", got)
	}
	did, err := db.Send(context.Background(), flood[1], func(Message) Outcome { return Outcome{RetryAt: time.Now().Add(time.Hour)} })
	if err != nil || !did {
		t.Fatal(did, err)
	}
	if got := readyTexts(t, db, nil); len(got) != 0 {
		t.Errorf("Ready while the case's head waits = %v", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox_lanes`); n != 1 {
		t.Errorf("%d lanes kept; want only the waiting case's", n)
	}
}

// TestLaneRepeats: the same message again and again, while a few wait
// (every sticker of a flood answered "I can't open stickers"), is queued a
// burst's worth of times, not once per sticker; another message still is.
func TestLaneRepeats(t *testing.T) {
	db := newDB(t)
	for range 20 {
		if err := db.Queue(context.Background(), []Out{laneMsg(7, 0, 0, "I can't open stickers")}); err != nil {
			t.Fatal(err)
		}
	}
	queue(t, db, laneMsg(7, 0, 0, "Here are activities"))
	if got := scalar[int](t, db, `SELECT count(*) FROM outbox WHERE chat_id = 7`); got != repeatAfter+1 {
		t.Errorf("%d messages queued, want %d repeats and the other", got, repeatAfter)
	}
}

// TestLanesSurviveDeletes: messages deleted before they were sent (a
// family's erasure cascades from its case) leave their lane right: the
// next message is its head, or the lane is gone.
func TestLanesSurviveDeletes(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	family(t, db, 1)
	c, _ := openCase(t, db, 1, CaseRequest{})
	queue(t, db, Out{ChatID: lanesGroup, Case: c.ID, Lane: c.ID, Payload: []byte(`{"text":"1"}`)},
		Out{ChatID: lanesGroup, Case: c.ID, Lane: c.ID, Payload: []byte(`{"text":"2"}`)})
	later := queue(t, db, laneMsg(lanesGroup, 0, 0, "general"))
	if _, err := db.pool.Exec(ctx, `DELETE FROM cases WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.Ready(ctx, 10, nil, time.Now())
	if err != nil || len(msgs) != 1 || msgs[0].ID != later[0] {
		t.Errorf("Ready after the case's messages went = %+v, %v; want only the General topic's", msgs, err)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox_lanes WHERE lane = $1`, c.ID); n != 0 {
		t.Errorf("the erased case's lane is kept")
	}
}

// TestLanesUnderConcurrency: writers in several transactions queue into
// the same lanes while the sender takes heads as fast as it can: every
// message is sent once, each writer's messages of a lane in the order it
// queued them (writers side by side: in the order they committed), and the
// lanes are empty at the end.
func TestLanesUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	const writers, each, lanes = 6, 60, 4
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range each {
				// A batch across lanes of two chats, as an update's
				// transaction writes (the family's chat and its case).
				var outs []Out
				for range 1 + rng.IntN(3) {
					lane := int64(rng.IntN(lanes))
					outs = append(outs, laneMsg(lanesGroup, lane, 0, fmt.Sprintf("w%d", w)))
				}
				outs = append(outs, laneMsg(int64(100+w), 0, 0, fmt.Sprintf("w%d", w)))
				if err := db.Queue(ctx, outs); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	var mu sync.Mutex
	// sentOrder: for each lane and writer, the IDs in the order sent.
	sentOrder := map[Lane]map[string][]int64{}
	// One sender, as the bot has (HoldSender): it takes up to 16 heads,
	// "sends" them and records the batch in one transaction.
	var senders sync.WaitGroup
	senders.Add(1)
	go func() {
		defer senders.Done()
		for {
			msgs, err := db.Ready(ctx, 16, nil, time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			if len(msgs) == 0 {
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond):
					continue
				}
			}
			results := make([]Result, len(msgs))
			for i, m := range msgs {
				var p struct{ Text string }
				_ = json.Unmarshal(m.Payload, &p)
				mu.Lock()
				if sentOrder[m.Of()] == nil {
					sentOrder[m.Of()] = map[string][]int64{}
				}
				sentOrder[m.Of()][p.Text] = append(sentOrder[m.Of()][p.Text], m.ID)
				mu.Unlock()
				results[i] = Result{m, Outcome{Sent: true, MessageID: 1}}
			}
			if err := db.Record(ctx, results); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	// Drain what is left, then stop the senders.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		if scalar[int](t, db, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages never became a head: %d lanes with heads",
				scalar[int](t, db, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`), scalar[int](t, db, `SELECT count(*) FROM outbox_lanes WHERE head IS NOT NULL`))
		}
	}
	close(done)
	senders.Wait()
	total := 0
	for l, writers := range sentOrder {
		for w, ids := range writers {
			total += len(ids)
			if !slices.IsSorted(ids) {
				t.Errorf("lane %v sent writer %s's messages out of order: %v", l, w, ids)
			}
		}
	}
	if want := scalar[int](t, db, `SELECT count(*) FROM outbox`); total != want {
		t.Errorf("%d sends for %d messages", total, want)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox_lanes`); n != 0 {
		t.Errorf("%d lanes left after everything was sent", n)
	}
}

// TestLaneCommitOrder: transactions that queue into the same lanes side by
// side (two families' updates each posting to the coordinators' group, two
// managers' reports each a chart then a spreadsheet) keep each its
// messages together in every lane, in the order it queued them, and the
// lanes send them in the order the transactions committed: a lane that
// waited already and a lane the first of them creates, whichever of the
// two a transaction takes first. A family that shares no lane with them
// does not wait for them.
func TestLaneCommitOrder(t *testing.T) {
	for _, tc := range []struct {
		name          string
		waiting, anew int64
	}{
		{"the waiting lane first", 1, 2},
		{"the new lane first", 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) { laneCommitOrder(t, tc.waiting, tc.anew) })
	}
}

func laneCommitOrder(t *testing.T, waiting, anew int64) {
	db := newDB(t)
	const writers, each = 5, 3
	queue(t, db, laneMsg(lanesGroup, waiting, 0, "waiting"))

	// Each transaction queues its messages to both lanes and to its own
	// chat, says it is done, and commits when told to.
	reached := make(chan string, writers+1)
	commit := map[string]chan struct{}{}
	committed := make(chan error, writers+2)
	start := func(name string, chat int64) {
		commit[name] = make(chan struct{})
		go func() {
			committed <- tryTx(db, chat, func(ctx context.Context, tx *Tx) error {
				var outs []Out
				for k := range each {
					text := fmt.Sprintf("%s.%d", name, k+1)
					outs = append(outs, laneMsg(lanesGroup, waiting, 0, text), laneMsg(lanesGroup, anew, 0, text))
				}
				outs = append(outs, laneMsg(chat, 0, 0, name))
				if err := tx.Finish(ctx, outs); err != nil {
					return err
				}
				reached <- name
				<-commit[name]
				return nil
			})
		}()
	}
	// waitFor polls PostgreSQL, which cannot tell us, until n backends of
	// the test's database wait for a lock.
	waitFor := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			got := scalar[int](t, db, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
			if got == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d transactions wait for a lock, want %d", got, n)
			}
		}
	}
	next := func() string {
		t.Helper()
		select {
		case name := <-reached:
			return name
		case err := <-committed:
			t.Fatalf("a transaction ended before it was told to commit: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("no transaction finished queuing")
		}
		return ""
	}

	// The first holds both lanes (the new one it creates), the others
	// queue behind it one by one.
	start("first", 900)
	if got := next(); got != "first" {
		t.Fatalf("%s finished queuing, want first", got)
	}
	for i := range writers - 1 {
		start(fmt.Sprintf("w%d", i+1), int64(901+i))
		waitFor(i + 1)
	}
	select {
	case name := <-reached:
		t.Fatalf("%s queued into lanes another transaction holds", name)
	default:
	}
	// Meanwhile a family whose messages go to lanes of their own (its chat,
	// its case's topic) is not held up.
	alone := make(chan error, 1)
	go func() {
		alone <- tryTx(db, 950, func(ctx context.Context, tx *Tx) error {
			return tx.Finish(ctx, []Out{laneMsg(950, 0, 0, "alone"), laneMsg(lanesGroup, 3, 0, "alone")})
		})
	}()
	select {
	case err := <-alone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a family sharing no lane waited for the others")
	}

	// Commit one at a time: first, then each in the order it finished
	// queuing.
	var order []string
	for name := "first"; ; name = next() {
		close(commit[name])
		if err := <-committed; err != nil {
			t.Fatal(err)
		}
		if order = append(order, name); len(order) == writers {
			break
		}
	}

	want := map[Lane][]string{{lanesGroup, waiting}: {"waiting"}, {lanesGroup, anew}: nil, {lanesGroup, 3}: {"alone"}}
	for _, name := range order {
		for k := range each {
			text := fmt.Sprintf("%s.%d", name, k+1)
			want[Lane{lanesGroup, waiting}] = append(want[Lane{lanesGroup, waiting}], text)
			want[Lane{lanesGroup, anew}] = append(want[Lane{lanesGroup, anew}], text)
		}
	}
	got := sendAll(t, db)
	for l, texts := range want {
		if !slices.Equal(got[l], texts) {
			t.Errorf("lane %d sent\n%v\nwant, in the order committed (%v),\n%v", l.Lane, got[l], order, texts)
		}
	}
}

// sendAll sends every waiting message as one sender would, and returns
// the texts each lane sent, in the order sent.
func sendAll(t *testing.T, db *DB) map[Lane][]string {
	t.Helper()
	sent := map[Lane][]string{}
	for {
		msgs, err := db.Ready(context.Background(), 64, nil, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return sent
		}
		for _, m := range msgs {
			did, err := db.Send(context.Background(), m.ID, func(m Message) Outcome {
				var p struct{ Text string }
				if err := json.Unmarshal(m.Payload, &p); err != nil {
					t.Errorf("payload %s: %v", m.Payload, err)
				}
				sent[m.Of()] = append(sent[m.Of()], p.Text)
				return Outcome{Sent: true, MessageID: 1}
			})
			if err != nil || !did {
				t.Fatalf("send %d: %v, %v", m.ID, did, err)
			}
		}
	}
}

// BenchmarkReady picks the next messages with backlogs of growing size:
// the cost is the same for 1,000 and 300,000 waiting messages (it used to
// grow with them), whether they wait in a few lanes or one per chat.
func BenchmarkReady(b *testing.B) {
	for _, size := range []int{1_000, 30_000, 300_000} {
		for _, spread := range []string{"100 chats", "one per chat"} {
			b.Run(fmt.Sprintf("%d waiting, %s", size, spread), func(b *testing.B) {
				db := newDB(b)
				chats := 100
				if spread == "one per chat" {
					chats = size
				}
				ctx := context.Background()
				if _, err := db.pool.Exec(ctx, `
					INSERT INTO outbox (chat_id, priority, payload, created_at, lane)
					SELECT 1000 + g % $2, g % 2, '{"m":"send"}', now(), 0 FROM generate_series(1, $1) g`, size, chats); err != nil {
					b.Fatal(err)
				}
				if _, err := db.pool.Exec(ctx, `VACUUM ANALYZE outbox_lanes`); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					msgs, err := db.Ready(ctx, 64, nil, time.Now())
					if err != nil || len(msgs) != 64 {
						b.Fatalf("Ready = %d, %v", len(msgs), err)
					}
				}
			})
		}
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
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Save(ctx, Conversation{Data: []byte(`{}`)}, nil) })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.Save(ctx, Conversation{Data: []byte(`{}`)}, nil) })
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
	n, err := db.Prune(ctx, 72*time.Hour)
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
	if n, err := db.Prune(ctx, 72*time.Hour); err != nil || n != 0 {
		t.Errorf("second Prune = %d, %v", n, err)
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

// TestOnce: what the bot does by itself is queued once, with its audit
// row, however many times it is tried.
func TestOnce(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	other := openDB(t, db.pool.Config().ConnString())
	if done, err := db.Done(ctx, "report 2026-11"); err != nil || done {
		t.Fatalf("Done before = %v, %v", done, err)
	}
	out := []Out{{ChatID: -100, Priority: PriorityBackground, Payload: []byte(`{"m":"send","t":"report"}`)}}
	audit := &Audited{Action: "report_monthly", Detail: "2026-11"}
	var did []bool
	for _, d := range []*DB{db, other, db} {
		ok, err := d.Once(ctx, "report 2026-11", out, audit)
		if err != nil {
			t.Fatal(err)
		}
		did = append(did, ok)
	}
	if !slices.Equal(did, []bool{true, false, false}) {
		t.Errorf("Once queued %v, want only the first", did)
	}
	if n := scalar[int64](t, db, `SELECT count(*) FROM outbox WHERE chat_id = -100`); n != 1 {
		t.Errorf("%d messages queued, want 1", n)
	}
	if n := scalar[int64](t, db, `SELECT count(*) FROM audit WHERE action = 'report_monthly' AND detail = '2026-11' AND coordinator = 0`); n != 1 {
		t.Errorf("%d audit rows, want 1", n)
	}
	if done, err := other.Done(ctx, "report 2026-11"); err != nil || !done {
		t.Errorf("Done after = %v, %v", done, err)
	}
}
