package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// retain runs one round of the retention r, deleting topics as the bot
// would (a message to the group naming the thread).
func retain(t *testing.T, db *DB, r Retention) Retained {
	t.Helper()
	n, err := db.Retain(context.Background(), r, func(_ int64, thread int) []Out {
		return []Out{{ChatID: group, Payload: fmt.Appendf(nil, `{"method": "topic_delete", "thread": %d}`, thread)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// topicsDeleted are the threads whose deletion the outbox holds.
func topicsDeleted(t *testing.T, db *DB) []int64 {
	t.Helper()
	return ints(t, db, `SELECT (payload->>'thread')::bigint FROM outbox WHERE payload->>'method' = 'topic_delete' ORDER BY id`)
}

// member makes the family of chat as the bot does: consent given (and
// counted) in an update, which saves the conversation.
func member(t *testing.T, db *DB, chat int64) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		if err := tx.RecordConsent(ctx, "fi", "v1", ""); err != nil {
			return err
		}
		if err := tx.CountNewFamily(ctx); err != nil {
			return err
		}
		return tx.Save(ctx, Conversation{Data: []byte(`{"lang": "fi"}`), Lang: "fi"}, nil)
	})
}

// chats lists a table's chat_id values in order.
func chats(t *testing.T, db *DB, table string) []int64 {
	t.Helper()
	return ints(t, db, `SELECT chat_id FROM `+table+` ORDER BY chat_id`)
}

// TestRetainInactiveFamilies: with POLKU_RETAIN_INACTIVE_MONTHS 24, the
// families that did nothing for 24 months are erased as an erasure erases
// them, their case's topic deleted and nothing sent to them; a family
// that wrote, signed up for a session to come, has a case open, a card
// valid, a message planned or an update waiting since the limit stays.
// The report's figures stay the same; a second round erases nothing.
func TestRetainInactiveFamilies(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	limit := t0.AddDate(0, 0, 2) // 24 months before the clock moves to now
	now := limit.AddDate(0, 24, 0)
	a, _, _ := library(t, db)
	p := provider(t, db, "kuusamo-library", "Liisa", 201)
	importAt(t, db, t0, act("r", sess("old", t0.AddDate(0, 0, 1), 10), sess("late", limit.AddDate(0, 23, 0), 10)))

	// 1 did much, all of it before the limit: a profile, a sign-up, a
	// case with a note, a card and a topic, all closed or over. 8 only
	// agreed.
	for _, chat := range []int64{1, 2, 3, 4, 5, 6, 7, 8} {
		member(t, db, chat)
	}
	profile(t, db, 1, answers())
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		return tx.RequestPerson(ctx, "intake", polku.ContactPhone, "+358401234567")
	})
	mustJoin(t, db, 1, sessionID(t, db, "r", "old"), 1, 1, polku.OutcomeConfirmed)
	c1, card1 := caseWithHistory(t, db, 1, p, a)
	if _, err := db.pool.Exec(ctx, `UPDATE cases SET thread_id = 71 WHERE id = $1`, c1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `UPDATE cards SET valid_until = $2 WHERE chat_id = $1`, 1, t0.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	// Its reminders and its wellbeing follow-up were sent when due.
	if _, err := db.pool.Exec(ctx, `UPDATE jobs SET done_at = due_at WHERE chat_id = 1`); err != nil {
		t.Fatal(err)
	}
	// 3 signed up for a session after the limit; 4's case is open; 5's
	// card is valid after the limit (its case closed before); 6 has a
	// message planned after it; 7 wrote, and its update waits.
	mustJoin(t, db, 3, sessionID(t, db, "r", "late"), 1, 0, polku.OutcomeConfirmed)
	openCase(t, db, 4, CaseRequest{Municipality: "Kuusamo"})
	caseWithHistory(t, db, 5, p, a)
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO jobs (kind, family_id, chat_id, due_at) SELECT 'wellbeing_followup', id, chat_id, $2 FROM families WHERE chat_id = $1`,
		6, limit.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	// 2 writes a minute after the limit.
	clk.set(limit.Add(time.Minute))
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error {
		return tx.Save(ctx, Conversation{Data: []byte(`{"lang": "fi"}`), Lang: "fi"}, nil)
	})
	clk.set(now)
	if err := db.Enqueue(ctx, []Update{{ID: updateIDs.Add(1), ChatID: 7, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	before := figures(t, db, t0, t0)
	if len(before) == 0 {
		t.Fatal("no figures to keep")
	}
	family1 := scalar[int64](t, db, `SELECT id FROM families WHERE chat_id = 1`)
	chatOut := scalar[int](t, db, `SELECT count(*) FROM outbox WHERE chat_id > 0`)

	if n := retain(t, db, Retention{}); n != (Retained{}) {
		t.Errorf("every rule off deleted %+v", n)
	}
	if got := chats(t, db, "families"); len(got) != 8 {
		t.Fatalf("with every rule off the families are %v", got)
	}
	if n := retain(t, db, Retention{InactiveMonths: 24}); n != (Retained{Families: 2}) {
		t.Errorf("retention deleted %+v, want 2 families", n)
	}
	if got, want := chats(t, db, "families"), []int64{2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("families left %v, want %v", got, want)
	}
	// Erased as an erasure erases: the family, what hangs off it, its
	// chat's requests, case and card; its conversation too, so a family
	// that comes back starts anew. The audit stays, without the case.
	for _, q := range []string{
		`SELECT count(*) FROM conversations WHERE chat_id IN (1, 8)`,
		`SELECT count(*) FROM contact_requests WHERE chat_id = 1`,
		`SELECT count(*) FROM cases WHERE chat_id = 1`,
		`SELECT count(*) FROM cards WHERE chat_id = 1`,
		`SELECT count(*) FROM inbox WHERE chat_id IN (1, 8)`,
		fmt.Sprintf(`SELECT count(*) FROM case_notes WHERE case_id = %d`, c1.ID),
		fmt.Sprintf(`SELECT count(*) FROM card_visits WHERE card_id = %d`, card1.ID),
		fmt.Sprintf(`SELECT count(*) FROM signups WHERE family_id = %d`, family1),
		fmt.Sprintf(`SELECT count(*) FROM wellbeing WHERE family_id = %d`, family1),
		fmt.Sprintf(`SELECT count(*) FROM jobs WHERE family_id = %d`, family1),
		fmt.Sprintf(`SELECT count(*) FROM audit WHERE case_id = %d`, c1.ID),
	} {
		if n := scalar[int](t, db, q); n != 0 {
			t.Errorf("%s: %d", q, n)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM audit`); n != 6 {
		t.Errorf("%d audit rows, want the 6 of both cases", n)
	}
	if got := topicsDeleted(t, db); !slices.Equal(got, []int64{71}) {
		t.Errorf("topics deleted: %v, want 1's thread 71", got)
	}
	// Nothing is sent to a family.
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox WHERE chat_id > 0`); n != chatOut {
		t.Errorf("%d messages to chats, want the %d there were", n, chatOut)
	}
	if after := figures(t, db, t0, t0); !reflect.DeepEqual(after, before) {
		t.Errorf("the figures changed:\n%s\nwant\n%s", dump(after), dump(before))
	}
	if n := retain(t, db, Retention{InactiveMonths: 24}); n != (Retained{}) {
		t.Errorf("a second round deleted %+v", n)
	}
	if got := topicsDeleted(t, db); len(got) != 1 {
		t.Errorf("a second round deleted topics again: %v", got)
	}
}

// TestRetainCases: with POLKU_RETAIN_CASES_MONTHS 12, a case closed an
// hour before the limit goes with its notes, feedback, held messages and
// its topic's messages, and its topic's deletion is queued; the cards
// issued on it and the audit stay, without the case, and so does the
// family. A case closed an hour after the limit, and an open one, stay.
func TestRetainCases(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	limit := t0.AddDate(0, 0, 2)
	a, _, _ := library(t, db)
	p := provider(t, db, "kuusamo-library", "Liisa", 201)
	for _, chat := range []int64{1, 2, 3} {
		member(t, db, chat)
	}
	clk.set(limit.Add(-time.Hour))
	c1, card1 := caseWithHistory(t, db, 1, p, a)
	clk.set(limit.Add(time.Hour))
	c2, _ := caseWithHistory(t, db, 2, p, a)
	c3, _ := openCase(t, db, 3, CaseRequest{Municipality: "Kuusamo"})
	for _, c := range []polku.Case{c1, c2, c3} {
		if _, err := db.pool.Exec(ctx, `UPDATE cases SET thread_id = $2 WHERE id = $1`, c.ID, 80+c.ChatID); err != nil {
			t.Fatal(err)
		}
		inTx(t, db, c.ChatID, func(ctx context.Context, tx *Tx) error {
			if err := tx.CountCase(ctx, "opened", "Kuusamo"); err != nil {
				return err
			}
			return tx.Hold(ctx, c.ID, 5)
		})
		if err := db.Queue(ctx, []Out{{ChatID: group, Case: c.ID, Lane: c.ID, Payload: []byte(`{"method": "send"}`)}}); err != nil {
			t.Fatal(err)
		}
	}
	clk.set(limit.AddDate(0, 12, 0))
	before := figures(t, db, t0, t0)

	if n := retain(t, db, Retention{}); n != (Retained{}) {
		t.Errorf("every rule off deleted %+v", n)
	}
	if n := retain(t, db, Retention{CasesMonths: 12}); n != (Retained{Cases: 1}) {
		t.Errorf("retention deleted %+v, want 1 case", n)
	}
	if got := chats(t, db, "cases"); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("cases left of chats %v, want 2 and 3", got)
	}
	for _, table := range []string{"case_notes", "case_feedback", "case_held", "outbox"} {
		q := `SELECT count(*) FROM ` + table + ` WHERE case_id = $1`
		if n := scalar[int](t, db, q, c1.ID); n != 0 {
			t.Errorf("%s of the deleted case: %d", table, n)
		}
		if n := scalar[int](t, db, q, c2.ID); n == 0 {
			t.Errorf("%s of the case closed after the limit: none", table)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM cards WHERE id = $1 AND case_id IS NULL`, card1.ID); n != 1 {
		t.Errorf("the deleted case's card: %d, want it kept without the case", n)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM audit WHERE case_id IS NULL`); n != 3 {
		t.Errorf("%d audit rows without a case, want the deleted case's 3", n)
	}
	if got := chats(t, db, "families"); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("families %v, want all three", got)
	}
	if got := topicsDeleted(t, db); !slices.Equal(got, []int64{81}) {
		t.Errorf("topics deleted: %v, want 81", got)
	}
	if after := figures(t, db, t0, t0); !reflect.DeepEqual(after, before) {
		t.Errorf("the figures changed:\n%s\nwant\n%s", dump(after), dump(before))
	}
	if n := retain(t, db, Retention{CasesMonths: 12}); n != (Retained{}) {
		t.Errorf("a second round deleted %+v", n)
	}
}

// TestRetainSignUps: with POLKU_RETAIN_SIGNUPS_DAYS 90, December's
// sign-ups (attended, cancelled, waiting for an answer) stay while any of
// December's sessions ended less than 90 days ago, and go, with their
// reminders, once all did; January's stay. A family whose wellbeing
// follow-up is still to be asked keeps its sign-ups until it was asked 90
// days ago. The report's figures are the same.
func TestRetainSignUps(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	dec5, dec30 := day5, time.Date(2026, 12, 30, 17, 0, 0, 0, helsinki)
	jan3 := time.Date(2027, 1, 3, 17, 0, 0, 0, helsinki)
	importAt(t, db, t0, act("r", sess("1", dec5, 10), sess("2", dec30, 10), sess("3", jan3, 10)))
	s1, s2, s3 := sessionID(t, db, "r", "1"), sessionID(t, db, "r", "2"), sessionID(t, db, "r", "3")
	member(t, db, 1)
	member(t, db, 2)
	family(t, db, 3) // a complete baseline: the follow-up is planned
	su1 := mustJoin(t, db, 1, s1, 1, 1, polku.OutcomeConfirmed)
	mustJoin(t, db, 1, s2, 1, 0, polku.OutcomeConfirmed)
	mustJoin(t, db, 1, s3, 1, 0, polku.OutcomeConfirmed)
	two := mustJoin(t, db, 2, s1, 1, 0, polku.OutcomeConfirmed)
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { _, err := tx.CancelSignUp(ctx, two.ID, t0, rem); return err })
	mustJoin(t, db, 3, s1, 1, 0, polku.OutcomeConfirmed)
	attend(t, db, 1, su1.ID, polku.Attended, dec5.AddDate(0, 0, 1))
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE signup_id IS NOT NULL`); n == 0 {
		t.Fatal("no reminders to go with the sign-ups")
	}
	left := func() []string {
		rows, err := db.pool.Query(ctx, `
			SELECT f.chat_id || ' ' || s.external_id FROM signups su JOIN families f ON f.id = su.family_id
			JOIN sessions s ON s.id = su.session_id ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := []string{"1 1", "1 2", "1 3", "2 1", "3 1"}

	// 90 days after the last minute of December every session of it
	// ended long enough ago, but the month is not over yet for the rule.
	clk.set(time.Date(2026, 12, 31, 23, 59, 0, 0, helsinki).AddDate(0, 0, 90))
	before := [2]Figures{figures(t, db, t0, t0), figures(t, db, jan3, jan3)}
	if n := retain(t, db, Retention{SignUpsDays: 90}); n != (Retained{}) || !slices.Equal(left(), all) {
		t.Errorf("90 days after December's last minute: deleted %+v, left %v; want all of %v", n, left(), all)
	}
	// Two minutes later December is.
	clk.set(time.Date(2027, 1, 1, 0, 1, 0, 0, helsinki).AddDate(0, 0, 90))
	if n := retain(t, db, Retention{}); n != (Retained{}) {
		t.Errorf("every rule off deleted %+v", n)
	}
	if n := retain(t, db, Retention{SignUpsDays: 90}); n != (Retained{SignUps: 3}) {
		t.Errorf("deleted %+v, want 3 sign-ups", n)
	}
	if got, want := left(), []string{"1 3", "3 1"}; !slices.Equal(got, want) {
		t.Errorf("sign-ups left %v, want %v", got, want)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE signup_id IS NOT NULL AND signup_id NOT IN (SELECT id FROM signups)`); n != 0 {
		t.Errorf("%d reminders of deleted sign-ups", n)
	}
	// 3's follow-up is asked on 1 January: its sign-ups go 90 days later.
	if _, err := db.pool.Exec(ctx, `UPDATE jobs SET done_at = $1 WHERE kind = $2`, time.Date(2027, 1, 1, 10, 0, 0, 0, helsinki), string(polku.JobWellbeing)); err != nil {
		t.Fatal(err)
	}
	if n := retain(t, db, Retention{SignUpsDays: 90}); n != (Retained{}) {
		t.Errorf("deleted %+v before 3's follow-up was asked 90 days ago", n)
	}
	clk.set(time.Date(2027, 1, 1, 10, 1, 0, 0, helsinki).AddDate(0, 0, 90))
	if n := retain(t, db, Retention{SignUpsDays: 90}); n != (Retained{SignUps: 1}) {
		t.Errorf("deleted %+v, want 3's sign-up", n)
	}
	if got, want := left(), []string{"1 3"}; !slices.Equal(got, want) {
		t.Errorf("sign-ups left %v, want %v", got, want)
	}
	after := [2]Figures{figures(t, db, t0, t0), figures(t, db, jan3, jan3)}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the figures changed:\n%s%s\nwant\n%s%s", dump(after[0]), dump(after[1]), dump(before[0]), dump(before[1]))
	}
	if n := retain(t, db, Retention{SignUpsDays: 90}); n != (Retained{}) {
		t.Errorf("a second round deleted %+v", n)
	}
}

// TestRetainCards: with POLKU_RETAIN_CARDS_DAYS 90, a card that expired
// or was revoked an hour before the limit goes with its visits; one that
// expired or was revoked an hour after it stays. The report's visits are
// the same.
func TestRetainCards(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	setClock(db, t0)
	seeded(db)
	limit := t0.AddDate(0, 0, 40)
	a, _, _ := library(t, db)
	p := provider(t, db, "kuusamo-library", "Liisa", 201)
	cards := map[int64]polku.Card{}
	for _, chat := range []int64{1, 2, 3, 4} {
		member(t, db, chat)
		_, cards[chat] = caseWithHistory(t, db, chat, p, a)
		inTx(t, db, 201, func(ctx context.Context, tx *Tx) error { return tx.CountVisit(ctx, "kuusamo-library", a) })
	}
	for chat, set := range map[int64]string{
		1: `valid_until = $2`, 2: `valid_until = $2::timestamptz + interval '2 hours'`,
		3: `valid_until = $2::timestamptz + interval '300 days', revoked_at = $2, revoked_by = 101`,
		4: `valid_until = $2::timestamptz + interval '300 days', revoked_at = $2::timestamptz + interval '2 hours', revoked_by = 101`,
	} {
		if _, err := db.pool.Exec(ctx, `UPDATE cards SET `+set+` WHERE chat_id = $1`, chat, limit.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	setClock(db, limit.AddDate(0, 0, 90))
	before := figures(t, db, t0, t0)
	if n := retain(t, db, Retention{}); n != (Retained{}) {
		t.Errorf("every rule off deleted %+v", n)
	}
	if n := retain(t, db, Retention{CardsDays: 90}); n != (Retained{Cards: 2}) {
		t.Errorf("deleted %+v, want 2 cards", n)
	}
	if got := chats(t, db, "cards"); !slices.Equal(got, []int64{2, 4}) {
		t.Errorf("cards left of chats %v, want 2 and 4", got)
	}
	for chat, want := range map[int64]int{1: 0, 2: 1, 3: 0, 4: 1} {
		if n := scalar[int](t, db, `SELECT count(*) FROM card_visits WHERE card_id = $1`, cards[chat].ID); n != want {
			t.Errorf("visits of chat %d's card: %d, want %d", chat, n, want)
		}
	}
	after := figures(t, db, t0, t0)
	if !reflect.DeepEqual(after, before) || after["Kuusamo"] == nil || after["Kuusamo"].Use[Activity{"culture", "kuusamo-library"}].Visits != 4 {
		t.Errorf("the figures changed, or hold no 4 visits:\n%s\nwant\n%s", dump(after), dump(before))
	}
	if n := retain(t, db, Retention{CardsDays: 90}); n != (Retained{}) {
		t.Errorf("a second round deleted %+v", n)
	}
}

// TestRetainAudit: with POLKU_RETAIN_AUDIT_YEARS 5, an audit row a minute
// older than five years goes; one a minute younger stays.
func TestRetainAudit(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0.Add(-time.Minute))
	for _, at := range []time.Time{t0.Add(-time.Minute), t0.Add(time.Minute)} {
		clk.set(at)
		inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
			return tx.Audit(ctx, aino, "claim", 0, at.Format(time.RFC3339))
		})
	}
	clk.set(t0.AddDate(5, 0, 0))
	if n := retain(t, db, Retention{}); n != (Retained{}) {
		t.Errorf("every rule off deleted %+v", n)
	}
	if n := retain(t, db, Retention{AuditYears: 5}); n != (Retained{Audit: 1}) {
		t.Errorf("deleted %+v, want 1 audit row", n)
	}
	if got := scalar[string](t, db, `SELECT string_agg(detail, ' ') FROM audit`); got != t0.Add(time.Minute).Format(time.RFC3339) {
		t.Errorf("audit left: %s", got)
	}
	if n := retain(t, db, Retention{AuditYears: 5}); n != (Retained{}) {
		t.Errorf("a second round deleted %+v", n)
	}
}
