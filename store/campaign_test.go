package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"polku"
)

// newsFamily is a family of chat with answers a, in lang, who said news
// (nil: never asked); blocked marks the chat blocked.
func newsFamily(t *testing.T, db *DB, chat int64, lang string, a polku.Answers, news *bool, blocked bool) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		if err := tx.RecordConsent(ctx, lang, "v1", ""); err != nil {
			return err
		}
		if _, err := tx.SaveProfile(ctx, lang, a); err != nil {
			return err
		}
		if news != nil {
			if err := tx.SetNews(ctx, *news); err != nil {
				return err
			}
		}
		if err := tx.Save(ctx, Conversation{Data: []byte(`{}`), Lang: lang}, nil); err != nil {
			return err
		}
		return tx.SetBlocked(ctx, blocked)
	})
}

func TestCampaign(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	story, _ := reportCatalogue(t, db)
	yes, no := true, false

	kids := func(band polku.AgeBand, wellbeing ...int) polku.Answers {
		a := answers()
		a.Children = map[polku.AgeBand]int{band: 1}
		a.Wellbeing, a.Instrument = wellbeing, polku.InstrumentWHO5
		return a
	}
	// Six families of 7–12 who want news (chats 1–6; 1–3 Ukrainian, 1 and
	// 2 with a low baseline), one who said no (7), one never asked (8),
	// one blocked (9), one with small children (10).
	for chat := int64(1); chat <= 6; chat++ {
		lang, wb := "fi", []int{4, 4, 4, 4, 4}
		if chat <= 3 {
			lang = "uk"
		}
		if chat <= 2 {
			wb = []int{1, 1, 2, 1, 1}
		}
		newsFamily(t, db, chat, lang, kids(polku.Age7to12, wb...), &yes, false)
	}
	newsFamily(t, db, 7, "fi", kids(polku.Age7to12), &no, false)
	newsFamily(t, db, 8, "fi", kids(polku.Age7to12), nil, false)
	newsFamily(t, db, 9, "fi", kids(polku.Age7to12), &yes, true)
	newsFamily(t, db, 10, "fi", kids(polku.Age0to2), &yes, false)
	// Family 6 attended already.
	su := mustJoin(t, db, 6, story[0], 1, 1, polku.OutcomeConfirmed)
	attend(t, db, 6, su.ID, polku.Attended, day5.AddDate(0, 0, 1))

	size := func(seg polku.Segment) int {
		var n int
		inTx(t, db, 500, func(ctx context.Context, tx *Tx) (err error) { n, err = tx.SegmentSize(ctx, seg); return err })
		return n
	}
	for _, tc := range []struct {
		seg  polku.Segment
		want int
	}{
		{polku.Segment{}, 7},
		{polku.Segment{Age: polku.Age7to12}, 6},
		{polku.Segment{Age: polku.Age0to2}, 1},
		{polku.Segment{Lang: "uk"}, 3},
		{polku.Segment{NotAttended: true}, 6},
		{polku.Segment{LowWellbeing: true}, 2},
		{polku.Segment{Municipality: "Kalajoki"}, 0},
		{polku.Segment{Municipality: "Kuusamo", Interest: polku.InterestNature, Age: polku.Age7to12}, 6},
		{polku.Segment{Interest: polku.InterestArt}, 0},
	} {
		if got := size(tc.seg); got != tc.want {
			t.Errorf("segment %+v: %d families, want %d", tc.seg, got, tc.want)
		}
	}

	// A draft, one a person a chat, kept until it is sent.
	var c polku.Campaign
	inTx(t, db, 500, func(ctx context.Context, tx *Tx) (err error) {
		if c, err = tx.Draft(ctx, 500, 77); err != nil {
			return err
		}
		c.Texts = map[string]string{"fi": "Tervetuloa!", "uk": "Ласкаво просимо!"}
		c.Segment = polku.Segment{Age: polku.Age7to12}
		c.Activity = su.Activity.ID
		return tx.SaveDraft(ctx, c)
	})
	inTx(t, db, 500, func(ctx context.Context, tx *Tx) error {
		again, err := tx.Draft(ctx, 500, 77)
		if err == nil && (again.ID != c.ID || again.Texts["uk"] != "Ласкаво просимо!" || again.Segment.Age != polku.Age7to12 || again.Activity != su.Activity.ID) {
			t.Errorf("draft read back as %+v", again)
		}
		return err
	})
	payloads := map[string][]byte{"fi": []byte(`{"m":"send","chat":0,"text":"Tervetuloa!"}`), "uk": []byte(`{"m":"send","chat":0,"text":"Ласкаво просимо!"}`)}
	var n int
	inTx(t, db, 500, func(ctx context.Context, tx *Tx) (err error) {
		n, err = tx.SendCampaign(ctx, c.ID, 77, payloads, "fi")
		return err
	})
	if n != 6 {
		t.Fatalf("sent to %d families, want 6", n)
	}
	// Family 4 says no before its batch: it gets nothing.
	inTx(t, db, 4, func(ctx context.Context, tx *Tx) error { return tx.SetNews(ctx, false) })
	// Into the outbox a batch at a time: 4, then 2, then nothing more.
	for _, want := range []int{4, 2, 0} {
		if got, err := db.QueueCampaigns(ctx, 4); err != nil || got != want {
			t.Fatalf("a batch took %d families (%v), want %d", got, err, want)
		}
	}
	// Sent once: again is a conflict, and each family has one message,
	// in its language, on the campaigns' priority.
	err := tryTx(db, 500, func(ctx context.Context, tx *Tx) error {
		_, err := tx.SendCampaign(ctx, c.ID, 77, payloads, "fi")
		return err
	})
	wantCode(t, err, polku.ECONFLICT)
	rows := ints(t, db, `SELECT chat_id FROM outbox WHERE campaign_id IS NOT NULL AND priority = 2 AND lane = -2 ORDER BY chat_id`)
	if len(rows) != 5 || rows[0] != 1 || rows[3] != 5 || rows[4] != 6 {
		t.Errorf("campaign messages to %v", rows)
	}
	if p := scalar[string](t, db, `SELECT payload->>'text' FROM outbox WHERE chat_id = 2 AND campaign_id IS NOT NULL`); p != "Ласкаво просимо!" {
		t.Errorf("chat 2 gets %q", p)
	}
	if p := scalar[int64](t, db, `SELECT (payload->>'chat')::bigint FROM outbox WHERE chat_id = 5 AND campaign_id IS NOT NULL`); p != 5 {
		t.Errorf("chat 5's message is addressed to %d", p)
	}

	// Behind every reply: a family waiting for an answer goes first, one
	// with a campaign waiting too.
	for _, chat := range []int64{600, 6} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			return tx.Save(ctx, Conversation{Data: []byte(`{}`)}, []Out{{ChatID: chat, Priority: PriorityReply, Payload: []byte(`{"m":"send"}`)}})
		})
	}
	ready, err := db.Ready(ctx, 2, nil, t0)
	if err != nil || len(ready) != 2 || ready[0].ChatID != 6 && ready[1].ChatID != 6 {
		t.Errorf("first ready %+v, %v: want the replies to chats 600 and 6", ready, err)
	}
	for _, m := range ready {
		if _, err := db.Send(ctx, m.ID, func(Message) Outcome { return Outcome{Sent: true} }); err != nil {
			t.Fatal(err)
		}
	}
	// At night a campaign waits for the morning; a reply does not.
	clk.set(time.Date(2026, 11, 22, 23, 0, 0, 0, helsinki))
	inTx(t, db, 600, func(ctx context.Context, tx *Tx) error {
		return tx.Save(ctx, Conversation{Data: []byte(`{}`)}, []Out{{ChatID: 600, Priority: PriorityReply, Payload: []byte(`{"m":"send"}`)}})
	})
	if ready, err := db.Ready(ctx, 10, nil, t0); err != nil || len(ready) != 1 || ready[0].ChatID != 600 {
		t.Errorf("at night %+v, %v: want only the reply", ready, err)
	}
	clk.set(t0)
	// Saying no takes back a campaign still waiting.
	inTx(t, db, 5, func(ctx context.Context, tx *Tx) error { return tx.SetNews(ctx, false) })
	if k := scalar[int64](t, db, `SELECT count(*) FROM outbox WHERE chat_id = 5 AND campaign_id IS NOT NULL`); k != 0 {
		t.Errorf("chat 5 still has %d campaign messages after saying no", k)
	}

	// Delivered when Telegram takes it; opened once; a sign-up to its
	// activity after it counts, one to another campaign's does not.
	id := scalar[int64](t, db, `SELECT id FROM outbox WHERE chat_id = 1 AND campaign_id IS NOT NULL`)
	if _, err := db.Send(ctx, id, func(Message) Outcome { return Outcome{Sent: true, MessageID: 9} }); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.OpenedCampaign(ctx, c.ID) })
	}
	inTx(t, db, 10, func(ctx context.Context, tx *Tx) error { return tx.OpenedCampaign(ctx, c.ID) }) // not sent to it
	clk.set(t0.Add(time.Hour))
	mustJoin(t, db, 1, story[1], 1, 0, polku.OutcomeConfirmed)
	mustJoin(t, db, 1, story[2], 1, 0, polku.OutcomeConfirmed) // the second sign-up is not a second family
	mustJoin(t, db, 10, story[1], 1, 0, polku.OutcomeConfirmed)

	// The family erases its data: the figures stay.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
	cs, err := db.Campaigns(ctx, t0, t0.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("campaigns %+v", cs)
	}
	got := cs[0]
	if got.Sent != 6 || got.Delivered != 1 || got.Opened != 1 || got.SignedUp != 1 || got.SentAt.IsZero() {
		t.Errorf("figures sent %d delivered %d opened %d signed up %d at %v", got.Sent, got.Delivered, got.Opened, got.SignedUp, got.SentAt)
	}
	if k := scalar[int64](t, db, `SELECT count(*) FROM campaign_sends WHERE campaign_id = $1`, c.ID); k != 5 {
		t.Errorf("%d families remembered after the erasure, want 5", k)
	}

	// Too small a segment sends nothing.
	inTx(t, db, 500, func(ctx context.Context, tx *Tx) (err error) {
		small, err := tx.Draft(ctx, 500, 77)
		if err != nil {
			return err
		}
		small.Segment = polku.Segment{Lang: "uk"}
		if err := tx.SaveDraft(ctx, small); err != nil {
			return err
		}
		_, err = tx.SendCampaign(ctx, small.ID, 77, payloads, "fi")
		wantCode(t, err, polku.EINVALID)
		return nil
	})
}

func TestNewsExported(t *testing.T) {
	db := newDB(t)
	yes := true
	newsFamily(t, db, 1, "fi", answers(), &yes, false)
	var data []byte
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { x, err := tx.Export(ctx); data = x.Doc; return err })
	var x map[string]any
	if err := json.Unmarshal(data, &x); err != nil {
		t.Fatal(err)
	}
	if x["news"] != true || !strings.Contains(string(data), `"campaigns_received"`) {
		t.Errorf("export %s", data)
	}
}

// BenchmarkSendCampaign: a campaign to 100,000 families who want news,
// in 23 municipalities: writing whom it goes to (send), and putting one
// batch of CampaignBatch families into the outbox (batch).
func BenchmarkSendCampaign(b *testing.B) {
	ctx := context.Background()
	db := newDB(b)
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO families (chat_id, lang, consent_version, consent_at, created_at, answers, profile_at, news)
		SELECT 1000000 + i, (ARRAY['fi', 'sv', 'en', 'uk'])[1 + i % 4], 'v1', $1, $1,
			jsonb_build_object('municipality', 'M' || lpad((1 + i % 23)::text, 2, '0'), 'children', jsonb_build_object('7-12', 1), 'interests', '["nature"]'::jsonb),
			$1, true
		FROM generate_series(1, 100000) i`, t0); err != nil {
		b.Fatal(err)
	}
	payloads := map[string][]byte{"fi": []byte(`{"m":"send","text":"Tervetuloa!"}`), "en": []byte(`{"m":"send","text":"Welcome!"}`)}
	b.Run("send", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			var c polku.Campaign
			if err := tryTx(db, 500, func(ctx context.Context, tx *Tx) (err error) {
				if c, err = tx.Draft(ctx, 500, 77); err != nil {
					return err
				}
				c.Texts = map[string]string{"fi": "Tervetuloa!", "en": "Welcome!"}
				return tx.SaveDraft(ctx, c)
			}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := tryTx(db, 500, func(ctx context.Context, tx *Tx) error {
				n, err := tx.SendCampaign(ctx, c.ID, 77, payloads, "fi")
				if err == nil && n != 100000 {
					b.Fatalf("sent to %d", n)
				}
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			if n, err := db.QueueCampaigns(ctx, CampaignBatch); err != nil || n != CampaignBatch {
				b.Fatalf("a batch of %d: %v", n, err)
			}
		}
	})
}
