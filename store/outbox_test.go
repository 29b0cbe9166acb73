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
// the same lanes while senders take heads as fast as they can: every
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
	var senders sync.WaitGroup
	for range 4 {
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
				for _, m := range msgs {
					did, err := db.Send(ctx, m.ID, func(m Message) Outcome {
						var p struct{ Text string }
						_ = json.Unmarshal(m.Payload, &p)
						mu.Lock()
						if sentOrder[m.Of()] == nil {
							sentOrder[m.Of()] = map[string][]int64{}
						}
						sentOrder[m.Of()][p.Text] = append(sentOrder[m.Of()][p.Text], m.ID)
						mu.Unlock()
						return Outcome{Sent: true, MessageID: 1}
					})
					if err != nil {
						t.Error(err)
						return
					}
					_ = did // another sender took it: fine
				}
			}
		}()
	}
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
