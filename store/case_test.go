package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"polku"
)

// The coordinators' side acts from group chats: the coordinators' forum
// (and, for the races, a second group, so that two updates are applied at
// once instead of one after the other under the chat's lock).
const (
	group      int64 = -1001
	otherGroup int64 = -1002
)

// Coordinators as Telegram users.
const (
	aino   int64 = 101
	bertta int64 = 102
)

// caseRow is a case as PostgreSQL holds it; times are RFC 3339 in UTC, ""
// for NULL, so rows compare with ==.
type caseRow struct {
	Status, Outcome                string
	Shared, Urgent                 bool
	Municipality, Bands            string
	ClaimedBy                      int64
	ClaimedName                    string
	Opened, FamilyAt, Closed       string
	Nudged, FeedbackAsked, Claimed string
}

func at(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func readCase(t *testing.T, db *DB, id int64) caseRow {
	t.Helper()
	var r caseRow
	var outcome, name *string
	var by *int64
	var opened time.Time
	var family, closed, nudged, asked, claimed *time.Time
	err := db.pool.QueryRow(context.Background(), `
		SELECT status, outcome, shared, urgent, municipality, bands, claimed_by, claimed_name,
			opened_at, family_at, closed_at, nudged_at, feedback_asked_at, claimed_at
		FROM cases WHERE id = $1`, id).Scan(&r.Status, &outcome, &r.Shared, &r.Urgent, &r.Municipality, &r.Bands, &by, &name,
		&opened, &family, &closed, &nudged, &asked, &claimed)
	if err != nil {
		t.Fatalf("case %d: %v", id, err)
	}
	deref := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return at(*p)
	}
	if outcome != nil {
		r.Outcome = *outcome
	}
	if by != nil {
		r.ClaimedBy = *by
	}
	if name != nil {
		r.ClaimedName = *name
	}
	r.Opened, r.FamilyAt, r.Closed, r.Nudged, r.FeedbackAsked, r.Claimed = at(opened), deref(family), deref(closed), deref(nudged), deref(asked), deref(claimed)
	return r
}

// openCase opens the chat's case as the bot does when a family asks for
// a person.
func openCase(t *testing.T, db *DB, chat int64, r CaseRequest) (polku.Case, Opening) {
	t.Helper()
	var c polku.Case
	var did Opening
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		var err error
		c, _, did, err = tx.OpenCase(ctx, r)
		return err
	})
	return c, did
}

// coordinate applies an update of chat with fn as the bot applies a
// coordinator's action: a refused action (an error of fn) is answered,
// and the update is applied all the same.
func coordinate(db *DB, chat int64, fn func(ctx context.Context, tx *Tx) (polku.Case, error)) (polku.Case, error) {
	var c polku.Case
	var ferr error
	if err := tryTx(db, chat, func(ctx context.Context, tx *Tx) error {
		c, ferr = fn(ctx, tx)
		return nil
	}); err != nil {
		return c, err
	}
	return c, ferr
}

func claim(db *DB, chat, id, user int64, name string) (polku.Case, error) {
	return coordinate(db, chat, func(ctx context.Context, tx *Tx) (polku.Case, error) { return tx.Claim(ctx, id, user, name) })
}

func closeCase(db *DB, id int64, o polku.Outcome) (polku.Case, error) {
	return coordinate(db, group, func(ctx context.Context, tx *Tx) (polku.Case, error) { return tx.CloseCase(ctx, id, o) })
}

func mustClose(t *testing.T, db *DB, id int64, o polku.Outcome) {
	t.Helper()
	if _, err := closeCase(db, id, o); err != nil {
		t.Fatalf("close case %d: %v", id, err)
	}
}

func TestOpenCase(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	var first int64
	for _, c := range []struct {
		name   string
		chat   int64
		at     time.Time
		before func(t *testing.T, id int64) // what coordinators did first
		req    CaseRequest
		want   Opening
		row    caseRow
	}{{
		name: "new", chat: 1, at: h(0),
		req:  CaseRequest{Municipality: "Kuusamo", Bands: "3-6"},
		want: CaseNew,
		row:  caseRow{Status: "open", Municipality: "Kuusamo", Bands: "3-6", Opened: at(h(0)), FamilyAt: at(h(0))},
	}, {
		name: "again, sharing, urgent", chat: 1, at: h(1),
		req:  CaseRequest{Share: true, Urgent: true},
		want: CaseWasOpen,
		row:  caseRow{Status: "open", Shared: true, Urgent: true, Municipality: "Kuusamo", Bands: "3-6", Opened: at(h(0)), FamilyAt: at(h(1))},
	}, {
		// Shared never goes back to false, nor urgent while the case is open.
		name: "again, neither", chat: 1, at: h(2),
		req:  CaseRequest{Municipality: "Taivalkoski"},
		want: CaseWasOpen,
		row:  caseRow{Status: "open", Shared: true, Urgent: true, Municipality: "Taivalkoski", Bands: "3-6", Opened: at(h(0)), FamilyAt: at(h(2))},
	}, {
		name: "reopened after closing", chat: 1, at: h(5),
		before: func(t *testing.T, id int64) {
			clk.set(h(3))
			// Nudged while waiting: the reopened case waits afresh.
			if n, err := db.Nudge(context.Background(), time.Hour, func(polku.Case) []Out { return nil }); n != 1 || err != nil {
				t.Fatalf("Nudge = %d, %v", n, err)
			}
			if _, err := claim(db, group, id, aino, "Aino"); err != nil {
				t.Fatal(err)
			}
			clk.set(h(4))
			mustClose(t, db, id, polku.OutcomeCard)
		},
		req:  CaseRequest{Bands: "7-12"},
		want: CaseReopened,
		// The coordinator keeps the case; the clock of waiting starts
		// again; the answer of the last closing is gone.
		row: caseRow{Status: "open", Shared: true, Municipality: "Taivalkoski", Bands: "7-12", ClaimedBy: aino, ClaimedName: "Aino",
			Opened: at(h(5)), FamilyAt: at(h(5)), Claimed: at(h(3))},
	}, {
		name: "reopened urgent", chat: 1, at: h(7),
		before: func(t *testing.T, id int64) {
			clk.set(h(6))
			mustClose(t, db, id, polku.OutcomeNoNeed)
		},
		req:  CaseRequest{Urgent: true},
		want: CaseReopened,
		row: caseRow{Status: "open", Shared: true, Urgent: true, Municipality: "Taivalkoski", Bands: "7-12", ClaimedBy: aino, ClaimedName: "Aino",
			Opened: at(h(7)), FamilyAt: at(h(7)), Claimed: at(h(3))},
	}, {
		name: "another chat", chat: 2, at: h(8),
		req:  CaseRequest{Share: true},
		want: CaseNew,
		row:  caseRow{Status: "open", Shared: true, Opened: at(h(8)), FamilyAt: at(h(8))},
	}} {
		t.Run(c.name, func(t *testing.T) {
			if c.before != nil {
				c.before(t, first)
			}
			clk.set(c.at)
			got, did := openCase(t, db, c.chat, c.req)
			if did != c.want {
				t.Errorf("OpenCase did %d, want %d", did, c.want)
			}
			row := readCase(t, db, got.ID)
			row.FeedbackAsked = "" // TestCloseCaseAndFeedback's business
			if row != c.row {
				t.Errorf("case holds\n%+v\nwant\n%+v", row, c.row)
			}
			if got.ChatID != c.chat || got.Shared != c.row.Shared || got.Urgent != c.row.Urgent || string(got.Status) != c.row.Status ||
				got.Outcome != "" || got.ClaimedBy != c.row.ClaimedBy || at(got.Opened) != c.row.Opened || !got.Closed.IsZero() {
				t.Errorf("OpenCase returned %+v, want it as stored %+v", got, c.row)
			}
			switch {
			case first == 0:
				first = got.ID
			case c.chat == 1 && got.ID != first:
				t.Errorf("chat 1 got case %d, want its case %d", got.ID, first)
			case c.chat != 1 && got.ID == first:
				t.Errorf("chat %d got chat 1's case", c.chat)
			}
		})
	}
	if got := scalar[string](t, db, `SELECT string_agg(chat_id || ':' || n, ',' ORDER BY chat_id) FROM (SELECT chat_id, count(*) n FROM cases GROUP BY chat_id) x`); got != "1:1,2:1" {
		t.Errorf("cases per chat: %s, want one each", got)
	}
}

func TestCaseClaimRelease(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	c, _ := openCase(t, db, 1, CaseRequest{})
	release := func(chat, id int64) (polku.Case, error) {
		return coordinate(db, chat, func(ctx context.Context, tx *Tx) (polku.Case, error) { return tx.Release(ctx, id) })
	}
	for i, s := range []struct {
		name     string
		do       func() (polku.Case, error)
		code     string
		returned int64 // who the returned case says has it
		by       int64 // who has it in PostgreSQL
		byName   string
	}{
		{name: "claim", do: func() (polku.Case, error) { return claim(db, group, c.ID, aino, "Aino") }, returned: aino, by: aino, byName: "Aino"},
		{name: "claim again by the same", do: func() (polku.Case, error) { return claim(db, group, c.ID, aino, "Aino K") }, returned: aino, by: aino, byName: "Aino K"},
		{name: "claim by another", do: func() (polku.Case, error) { return claim(db, group, c.ID, bertta, "Bertta") }, code: polku.ECONFLICT, returned: aino, by: aino, byName: "Aino K"},
		{name: "release by another", do: func() (polku.Case, error) { return release(otherGroup, c.ID) }},
		{name: "claim once released", do: func() (polku.Case, error) { return claim(db, group, c.ID, bertta, "Bertta") }, returned: bertta, by: bertta, byName: "Bertta"},
		{name: "claim of no case", do: func() (polku.Case, error) { return claim(db, group, 9999, aino, "Aino") }, code: polku.ENOTFOUND, by: bertta, byName: "Bertta"},
		{name: "release of no case", do: func() (polku.Case, error) { return release(group, 9999) }, code: polku.ENOTFOUND, by: bertta, byName: "Bertta"},
	} {
		clk.set(t0.Add(time.Duration(i+1) * time.Minute))
		got, err := s.do()
		if s.code != "" {
			if err == nil {
				t.Errorf("%s: no error, want %s", s.name, s.code)
			} else {
				wantCode(t, err, s.code)
			}
		} else if err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
		if got.ClaimedBy != s.returned {
			t.Errorf("%s: returned case claimed by %d, want %d", s.name, got.ClaimedBy, s.returned)
		}
		if row := readCase(t, db, c.ID); row.ClaimedBy != s.by || row.ClaimedName != s.byName || (row.Claimed == "") != (s.by == 0) {
			t.Errorf("%s: case claimed by %d %q at %q, want %d %q", s.name, row.ClaimedBy, row.ClaimedName, row.Claimed, s.by, s.byName)
		}
	}
}

// TestCaseClaimRace: two coordinators claiming one case at once (from two
// chats, so nothing but the case's row keeps them apart): one gets it, the
// other is told who did.
//
// Checked against a copy of the package whose Tx.Case selected the case
// without FOR UPDATE: in "ordered" both claims then succeeded and the
// second coordinator silently took the case over, on every run; "together"
// (no orchestration) caught it only now and then.
func TestCaseClaimRace(t *testing.T) {
	type result struct {
		c   polku.Case
		err error
	}
	t.Run("ordered", func(t *testing.T) {
		// The first claim holds its transaction open until the second is
		// waiting for the case, so the race happens on every run.
		db := newDB(t)
		c, _ := openCase(t, db, 1, CaseRequest{})
		claimed, commit := make(chan struct{}), make(chan struct{})
		first, second := make(chan result, 1), make(chan result, 1)
		go func() {
			var r result
			r.err = tryTx(db, group, func(ctx context.Context, tx *Tx) error {
				r.c, r.err = tx.Claim(ctx, c.ID, aino, "Aino")
				close(claimed)
				<-commit
				return r.err
			})
			first <- r
		}()
		<-claimed
		go func() {
			c, err := claim(db, otherGroup, c.ID, bertta, "Bertta")
			second <- result{c, err}
		}()
		waitForLockWait(t, db)
		close(commit)
		a, b := <-first, <-second
		if a.err != nil || a.c.ClaimedBy != aino {
			t.Fatalf("first claim: %+v, %v", a.c, a.err)
		}
		if b.err == nil {
			t.Fatalf("the second claim succeeded too: %+v", b.c)
		}
		wantCode(t, b.err, polku.ECONFLICT)
		if b.c.ClaimedBy != aino || b.c.ClaimedName != "Aino" {
			t.Errorf("the loser is shown %d %q, want the winner Aino", b.c.ClaimedBy, b.c.ClaimedName)
		}
		if row := readCase(t, db, c.ID); row.ClaimedBy != aino || row.ClaimedName != "Aino" {
			t.Errorf("case claimed by %d %q, want Aino", row.ClaimedBy, row.ClaimedName)
		}
	})
	t.Run("together", func(t *testing.T) {
		db := newDB(t)
		c, _ := openCase(t, db, 1, CaseRequest{})
		const n = 8
		start := make(chan struct{})
		results := make([]result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				c, err := claim(db, group-int64(i), c.ID, int64(500+i), fmt.Sprint("Coordinator ", i))
				results[i] = result{c, err}
			})
		}
		close(start)
		wg.Wait()
		row := readCase(t, db, c.ID)
		var won []int64
		for i, r := range results {
			switch {
			case r.err == nil:
				won = append(won, int64(500+i))
			case polku.ErrorCode(r.err) != polku.ECONFLICT:
				t.Errorf("claim %d: %v", i, r.err)
			case r.c.ClaimedBy != row.ClaimedBy || r.c.ClaimedName != row.ClaimedName:
				t.Errorf("claim %d lost to %d %q, but %d %q has the case", i, r.c.ClaimedBy, r.c.ClaimedName, row.ClaimedBy, row.ClaimedName)
			}
		}
		if len(won) != 1 || won[0] != row.ClaimedBy {
			t.Errorf("claims won by %v; the case is %d's", won, row.ClaimedBy)
		}
	})
}

// waitForLockWait returns once a session of the test's database waits for
// a lock another holds.
func waitForLockWait(t *testing.T, db *DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for scalar[int](t, db, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no session waits for a lock")
		}
		time.Sleep(10 * time.Millisecond) // polls PostgreSQL, which cannot tell us
	}
}

func TestCloseCaseAndFeedback(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	c, _ := openCase(t, db, 1, CaseRequest{})
	other, _ := openCase(t, db, 2, CaseRequest{})
	feedback := func(chat, id int64, score int) error {
		_, err := coordinate(db, chat, func(ctx context.Context, tx *Tx) (polku.Case, error) {
			return polku.Case{}, tx.Feedback(ctx, id, score)
		})
		return err
	}
	closeAt := func(n int, o polku.Outcome) func() error {
		return func() error {
			clk.set(t0.Add(time.Duration(n) * time.Hour))
			_, err := closeCase(db, c.ID, o)
			return err
		}
	}
	for _, s := range []struct {
		name    string
		do      func() error
		code    string
		status  string
		outcome string
		closed  int // hours after t0, -1 for not closed
		asked   bool
	}{
		{name: "feedback before closing", do: func() error { return feedback(1, c.ID, 4) }, code: polku.ECONFLICT, status: "open", closed: -1},
		{name: "unknown outcome", do: closeAt(1, "maybe"), code: polku.EINVALID, status: "open", closed: -1},
		{name: "no outcome", do: closeAt(1, ""), code: polku.EINVALID, status: "open", closed: -1},
		{name: "close", do: closeAt(1, polku.OutcomeCard), status: "closed", outcome: "card", closed: 1, asked: true},
		{name: "close again", do: closeAt(2, polku.OutcomeReferred), code: polku.ECONFLICT, status: "closed", outcome: "card", closed: 1, asked: true},
		{name: "close no case", do: func() error { _, err := closeCase(db, 9999, polku.OutcomeCard); return err }, code: polku.ENOTFOUND, status: "closed", outcome: "card", closed: 1, asked: true},
		{name: "feedback from another chat", do: func() error { return feedback(2, c.ID, 4) }, code: polku.ENOTFOUND, status: "closed", outcome: "card", closed: 1, asked: true},
		{name: "feedback on no case", do: func() error { return feedback(1, 9999, 4) }, code: polku.ENOTFOUND, status: "closed", outcome: "card", closed: 1, asked: true},
		{name: "score 0", do: func() error { return feedback(1, c.ID, 0) }, code: polku.EINVALID, status: "closed", outcome: "card", closed: 1, asked: true},
		{name: "score 6", do: func() error { return feedback(1, c.ID, 6) }, code: polku.EINVALID, status: "closed", outcome: "card", closed: 1, asked: true},
		{name: "feedback", do: func() error { return feedback(1, c.ID, 5) }, status: "closed", outcome: "card", closed: 1},
		{name: "feedback again", do: func() error { return feedback(1, c.ID, 1) }, code: polku.ECONFLICT, status: "closed", outcome: "card", closed: 1},
		{name: "reopen", do: func() error { clk.set(t0.Add(3 * time.Hour)); openCase(t, db, 1, CaseRequest{}); return nil }, status: "open", closed: -1},
		{name: "close the reopened", do: closeAt(4, polku.OutcomeNoNeed), status: "closed", outcome: "no_need", closed: 4, asked: true},
		{name: "feedback on the second closing", do: func() error { return feedback(1, c.ID, 2) }, status: "closed", outcome: "no_need", closed: 4},
	} {
		err := s.do()
		if s.code != "" {
			if err == nil {
				t.Errorf("%s: no error, want %s", s.name, s.code)
			} else {
				wantCode(t, err, s.code)
			}
		} else if err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
		want := caseRow{Status: s.status, Outcome: s.outcome}
		if s.closed >= 0 {
			want.Closed = at(t0.Add(time.Duration(s.closed) * time.Hour))
		}
		row := readCase(t, db, c.ID)
		if got := (caseRow{Status: row.Status, Outcome: row.Outcome, Closed: row.Closed}); got != want || (row.FeedbackAsked != "") != s.asked {
			t.Errorf("%s: case %+v (asked for feedback at %q), want %+v (asked: %v)", s.name, got, row.FeedbackAsked, want, s.asked)
		}
	}
	if got := ints(t, db, fmt.Sprintf(`SELECT score FROM case_feedback WHERE case_id = %d ORDER BY id`, c.ID)); !slices.Equal(got, []int64{5, 2}) {
		t.Errorf("feedback stored %v, want one answer per closing [5 2]", got)
	}
	if row := readCase(t, db, other.ID); row.Status != "open" || row.FeedbackAsked != "" {
		t.Errorf("the other chat's case: %+v", row)
	}
}

func TestNudge(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	const after = 30 * time.Minute
	m := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	waiting, _ := openCase(t, db, 1, CaseRequest{})
	claimed, _ := openCase(t, db, 2, CaseRequest{})
	closed, _ := openCase(t, db, 3, CaseRequest{})
	if _, err := claim(db, group, claimed.ID, aino, "Aino"); err != nil {
		t.Fatal(err)
	}
	mustClose(t, db, closed.ID, polku.OutcomeNoNeed)
	clk.set(m(20))
	later, _ := openCase(t, db, 4, CaseRequest{})
	chatOf := map[int64]int64{waiting.ID: 1, claimed.ID: 2, closed.ID: 3, later.ID: 4}

	for _, s := range []struct {
		name   string
		now    time.Time
		before func()
		want   []int64 // the chats whose cases are nudged
		next   time.Time
	}{
		{name: "too early", now: m(29), next: m(30)},
		{name: "the oldest waiting", now: m(30), want: []int64{1}, next: m(50)},
		{name: "nudged once", now: m(49), next: m(50)},
		{name: "the later one", now: m(50), want: []int64{4}, next: m(60)},
		{name: "the oldest again", now: m(60), want: []int64{1}, next: m(80)},
		{
			name: "a reopened case waits afresh", now: m(70), next: m(80),
			before: func() {
				clk.set(m(65))
				openCase(t, db, 3, CaseRequest{})
			},
		},
		{name: "all three", now: m(95), want: []int64{1, 3, 4}, next: m(125)},
		{
			name: "none unclaimed", now: m(200),
			before: func() {
				for _, id := range []int64{waiting.ID, later.ID} {
					if _, err := claim(db, group, id, bertta, "Bertta"); err != nil {
						t.Fatal(err)
					}
				}
				mustClose(t, db, closed.ID, polku.OutcomeCard)
			},
		},
	} {
		if s.before != nil {
			s.before()
		}
		clk.set(s.now)
		before := scalar[int64](t, db, `SELECT COALESCE(max(id), 0) FROM outbox`)
		var built []int64
		n, err := db.Nudge(ctx, after, func(c polku.Case) []Out {
			built = append(built, chatOf[c.ID])
			return []Out{{ChatID: group, Case: c.ID, Lane: c.ID, Payload: fmt.Appendf(nil, `{"nudge":%d}`, c.ID)}}
		})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		slices.Sort(built)
		if n != len(s.want) || !slices.Equal(built, s.want) {
			t.Errorf("%s: nudged %d, built %v; want %v", s.name, n, built, s.want)
		}
		var queued []int64
		for _, id := range ints(t, db, fmt.Sprintf(`SELECT (payload->>'nudge')::bigint FROM outbox WHERE id > %d AND chat_id = %d`, before, group)) {
			queued = append(queued, chatOf[id])
		}
		slices.Sort(queued)
		if !slices.Equal(queued, s.want) {
			t.Errorf("%s: queued nudges for %v, want %v", s.name, queued, s.want)
		}
		for _, chat := range s.want {
			for id, c := range chatOf {
				if c == chat {
					if got := readCase(t, db, id).Nudged; got != at(s.now) {
						t.Errorf("%s: case of chat %d nudged at %q, want %q", s.name, chat, got, at(s.now))
					}
				}
			}
		}
		if next, err := db.NextNudge(ctx, after); err != nil || !next.Equal(s.next) {
			t.Errorf("%s: NextNudge = %v, %v; want %v", s.name, next, err, s.next)
		}
	}
}

// caseWithHistory gives chat a shared case that a coordinator claimed,
// wrote a note on, issued a card for (used once) and closed, and the
// family's feedback. It returns the case and the card.
func caseWithHistory(t *testing.T, db *DB, chat int64, p polku.Provider, activity int64) (polku.Case, polku.Card) {
	t.Helper()
	c, _ := openCase(t, db, chat, CaseRequest{Share: true, Municipality: "Kuusamo", Bands: "3-6"})
	var card polku.Card
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.Claim(ctx, c.ID, aino, "Aino"); err != nil {
			return err
		}
		if err := tx.Audit(ctx, aino, "claim", c.ID, ""); err != nil {
			return err
		}
		if err := tx.AddNote(ctx, c.ID, aino, fmt.Sprint("note on chat ", chat)); err != nil {
			return err
		}
		var err error
		if card, err = tx.IssueCard(ctx, c, aino, CardTerms{Days: 30, Visits: 5}); err != nil {
			return err
		}
		if err := tx.Audit(ctx, aino, "card", c.ID, ""); err != nil {
			return err
		}
		if _, err := tx.CloseCase(ctx, c.ID, polku.OutcomeCard); err != nil {
			return err
		}
		return tx.Audit(ctx, aino, "close", c.ID, "card")
	})
	if _, state, _, err := verify(db, p, card.Code, activity); err != nil || state != polku.CardValid {
		t.Fatalf("verify: %s, %v", state, err)
	}
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error { return tx.Feedback(ctx, c.ID, 4) })
	return c, card
}

// TestEraseCase: erasing deletes the family's case and cards with all that
// hangs off them, but the coordinators' audit trail stays, without the
// case; declining keeps the case (the family may still talk to a person)
// but no longer shared, and deletes the cards.
func TestEraseCase(t *testing.T) {
	for _, leave := range []string{"erase", "decline"} {
		t.Run(leave, func(t *testing.T) {
			db := newDB(t)
			setClock(db, t0)
			seeded(db)
			a, _, _ := library(t, db)
			p := provider(t, db, "library", "Liisa", 201)
			family(t, db, 1)
			family(t, db, 2)
			c1, card1 := caseWithHistory(t, db, 1, p, a)
			c2, card2 := caseWithHistory(t, db, 2, p, a)
			audit := map[int64][]int64{}
			for _, c := range []polku.Case{c1, c2} {
				audit[c.ID] = ints(t, db, fmt.Sprintf(`SELECT id FROM audit WHERE case_id = %d`, c.ID))
			}
			inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
				if leave == "erase" {
					return tx.Erase(ctx)
				}
				return tx.Decline(ctx)
			})

			type held struct{ cases, notes, feedback, cards, visits, audit, auditOfCase int }
			count := func(c polku.Case, card polku.Card) held {
				q := func(sql string, arg any) int { return scalar[int](t, db, sql, arg) }
				return held{
					cases:       q(`SELECT count(*) FROM cases WHERE id = $1`, c.ID),
					notes:       q(`SELECT count(*) FROM case_notes WHERE case_id = $1`, c.ID),
					feedback:    q(`SELECT count(*) FROM case_feedback WHERE case_id = $1`, c.ID),
					cards:       q(`SELECT count(*) FROM cards WHERE chat_id = $1`, c.ChatID),
					visits:      q(`SELECT count(*) FROM card_visits WHERE card_id = $1`, card.ID),
					audit:       q(`SELECT count(*) FROM audit WHERE id = ANY($1)`, audit[c.ID]),
					auditOfCase: q(`SELECT count(*) FROM audit WHERE case_id = $1`, c.ID),
				}
			}
			kept := held{cases: 1, notes: 1, feedback: 1, cards: 1, visits: 1, audit: 3, auditOfCase: 3}
			want := map[string]held{
				"erase":   {audit: 3},
				"decline": {cases: 1, notes: 1, feedback: 1, audit: 3, auditOfCase: 3},
			}[leave]
			if got := count(c1, card1); got != want {
				t.Errorf("after %s the chat's case holds %+v, want %+v", leave, got, want)
			}
			if got := count(c2, card2); got != kept {
				t.Errorf("the other chat's case holds %+v, want %+v", got, kept)
			}
			if n := scalar[int](t, db, `SELECT count(*) FROM audit`); n != 6 {
				t.Errorf("%d audit rows, want all 6", n)
			}
			if leave == "decline" {
				row := readCase(t, db, c1.ID)
				if row.Shared || row.Municipality != "" || row.Bands != "" || row.ClaimedBy != aino {
					t.Errorf("declined family's case: %+v, want it kept, unshared and unnamed", row)
				}
			}
			if row := readCase(t, db, c2.ID); !row.Shared || row.Municipality != "Kuusamo" {
				t.Errorf("the other family's case: %+v", row)
			}
		})
	}
}

func TestExportCase(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	setClock(db, t0)
	seeded(db)
	a, _, _ := library(t, db)
	p := provider(t, db, "library", "Liisa", 201)
	family(t, db, 1)
	family(t, db, 2)
	c, card := caseWithHistory(t, db, 1, p, a)
	caseWithHistory(t, db, 2, p, a)
	// A card issued again: the first is revoked, both are the family's.
	card2 := mustIssue(t, db, c, CardTerms{Days: 10})

	export, err := db.Export(ctx, 1)
	doc := export.Doc
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Case *struct {
			ID       int64
			Status   string
			Outcome  string
			Shared   bool
			Notes    []struct{ Text string }
			Feedback []struct{ Score int }
		}
		Cards []struct {
			Code      string
			Visits    int
			Used      int
			RevokedAt *time.Time `json:"revoked_at"`
		}
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if got.Case == nil {
		t.Fatalf("the export has no case:\n%s", doc)
	}
	x := got.Case
	if x.ID != c.ID || x.Status != "closed" || x.Outcome != "card" || !x.Shared ||
		len(x.Notes) != 1 || x.Notes[0].Text != "note on chat 1" || len(x.Feedback) != 1 || x.Feedback[0].Score != 4 {
		t.Errorf("exported case %+v:\n%s", x, doc)
	}
	var cards []string
	for _, k := range got.Cards {
		cards = append(cards, fmt.Sprintf("%s %d/%d revoked=%v", k.Code, k.Used, k.Visits, k.RevokedAt != nil))
	}
	if want := []string{card.Code + " 1/5 revoked=true", card2.Code + " 0/0 revoked=false"}; !slices.Equal(cards, want) {
		t.Errorf("exported cards %q, want %q", cards, want)
	}
}

// TestTopicNumberReused: another Telegram (the console's fake started
// again on the same database) hands out a topic number an earlier case
// still holds. The new topic is the new case's; the earlier case lost
// its topic and gets a new one when it next sends — no retry loop on the
// unique index.
func TestTopicNumberReused(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	old, _ := openCase(t, db, 1, CaseRequest{})
	if _, err := db.EnsureTopic(t.Context(), old.ID, func() (int, error) { return 6, nil }); err != nil {
		t.Fatal(err)
	}
	fresh, _ := openCase(t, db, 2, CaseRequest{})
	got, err := db.EnsureTopic(t.Context(), fresh.ID, func() (int, error) { return 6, nil })
	if err != nil || got != 6 {
		t.Fatalf("new case's topic: %d, %v; want 6", got, err)
	}
	called := false
	again, err := db.EnsureTopic(t.Context(), old.ID, func() (int, error) { called = true; return 7, nil })
	if err != nil || !called || again != 7 {
		t.Fatalf("earlier case: topic %d, made anew %v, %v; want a new topic 7", again, called, err)
	}
}
