package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
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

// clock is a test's clock that the test moves; updates read it
// concurrently.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func setClock(db *DB, start time.Time) *clock {
	c := &clock{now: start}
	db.Now = c.read
	return c
}

func (c *clock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// seeded makes the codes a test draws the same on every run.
func seeded(db *DB) { db.Random = rand.NewChaCha8([32]byte{7}) }

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

// codes reads first the bytes given, then seeded random ones: a test can
// make the store draw a code that is taken.
func codes(prefix ...[]byte) io.Reader {
	return io.MultiReader(bytes.NewReader(bytes.Join(prefix, nil)), rand.NewChaCha8([32]byte{9}))
}

// draw is the bytes NewCode reads for a card code whose characters are all
// CodeAlphabet[i].
func draw(i byte) []byte {
	return bytes.Repeat([]byte{i}, polku.CardCodeLen+polku.CardCodeLen/4+1)
}

func issue(db *DB, c polku.Case, terms CardTerms) (polku.Card, error) {
	var card polku.Card
	err := tryTx(db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		card, err = tx.IssueCard(ctx, c, aino, terms)
		return err
	})
	return card, err
}

func mustIssue(t *testing.T, db *DB, c polku.Case, terms CardTerms) polku.Card {
	t.Helper()
	card, err := issue(db, c, terms)
	if err != nil {
		t.Fatal(err)
	}
	return card
}

func validCode(code string) bool {
	return len(code) == polku.CardCodeLen && strings.Trim(code, polku.CodeAlphabet) == ""
}

func TestIssueCard(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	// The first two cards draw the same code; the second draws again.
	db.Random = codes(draw(0), draw(0), draw(1))
	c1, _ := openCase(t, db, 1, CaseRequest{})
	c2, _ := openCase(t, db, 2, CaseRequest{})
	for _, terms := range []CardTerms{{Days: 0}, {Days: -1}, {Days: 3661}, {Days: 30, Visits: -1}, {Days: 30, Visits: 1001}} {
		_, err := issue(db, c1, terms)
		if err == nil {
			t.Errorf("terms %+v: no error", terms)
			continue
		}
		wantCode(t, err, polku.EINVALID)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM cards`); n != 0 {
		t.Fatalf("refused terms stored %d cards", n)
	}

	type cardRow struct {
		chat              int64
		code              string
		from, until       string
		visits            int
		revoked           string
		revokedBy, caseID int64
	}
	readCards := func() []cardRow {
		rows, err := db.pool.Query(context.Background(), `
			SELECT chat_id, code, valid_from, valid_until, visits, revoked_at, COALESCE(revoked_by, 0), COALESCE(case_id, 0) FROM cards ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []cardRow
		for rows.Next() {
			var r cardRow
			var from, until time.Time
			var revoked *time.Time
			if err := rows.Scan(&r.chat, &r.code, &from, &until, &r.visits, &revoked, &r.revokedBy, &r.caseID); err != nil {
				t.Fatal(err)
			}
			r.from, r.until = at(from), at(until)
			if revoked != nil {
				r.revoked = at(*revoked)
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}

	first := mustIssue(t, db, c1, CardTerms{Days: 30, Visits: 3})
	second := mustIssue(t, db, c2, CardTerms{Days: 7})
	later := t0.Add(time.Hour)
	clk.set(later)
	third := mustIssue(t, db, c1, CardTerms{Days: 60, Visits: 5})
	want := []cardRow{
		{chat: 1, code: "22222222", from: at(t0), until: at(t0.AddDate(0, 0, 30)), visits: 3, revoked: at(later), revokedBy: aino, caseID: c1.ID},
		{chat: 2, code: "33333333", from: at(t0), until: at(t0.AddDate(0, 0, 7)), visits: 0, caseID: c2.ID},
		{chat: 1, code: third.Code, from: at(later), until: at(later.AddDate(0, 0, 60)), visits: 5, caseID: c1.ID},
	}
	if got := readCards(); !slices.Equal(got, want) {
		t.Errorf("cards\n%+v\nwant\n%+v", got, want)
	}
	for _, card := range []polku.Card{first, second, third} {
		if !validCode(card.Code) {
			t.Errorf("code %q is not %d characters of %s", card.Code, polku.CardCodeLen, polku.CodeAlphabet)
		}
		if card.ID == 0 || card.Used != 0 || card.Revoked {
			t.Errorf("IssueCard returned %+v", card)
		}
	}
	if first.Code != "22222222" || second.Code != "33333333" || third.Code == first.Code || third.Code == second.Code {
		t.Errorf("codes %q %q %q, want three different", first.Code, second.Code, third.Code)
	}
}

// provider adds a provider for an organiser and links it to user.
func provider(t *testing.T, db *DB, organiser, name string, user int64) polku.Provider {
	t.Helper()
	var p polku.Provider
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		p, _, err = tx.AddProvider(ctx, organiser, name, aino, 7)
		return err
	})
	inTx(t, db, user, func(ctx context.Context, tx *Tx) error {
		var err error
		p, err = tx.LinkProvider(ctx, p.LinkCode, user, name)
		return err
	})
	return p
}

func verify(db *DB, p polku.Provider, code string, activity int64) (polku.Card, polku.CardState, bool, error) {
	var card polku.Card
	var state polku.CardState
	var again bool
	err := tryTx(db, p.UserID, func(ctx context.Context, tx *Tx) error {
		var err error
		card, state, again, err = tx.VerifyCard(ctx, code, p.ID, activity)
		return err
	})
	return card, state, again, err
}

func hasValidCard(t *testing.T, db *DB, chat int64, now time.Time) bool {
	t.Helper()
	var ok bool
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
		var err error
		ok, err = tx.HasValidCard(ctx, now)
		return err
	})
	return ok
}

// library imports two organisers' activities: the library's "a" (on day5)
// and "b" (today, at t0 + 2h), and the sports club's "c".
func library(t *testing.T, db *DB) (a, b, c int64) {
	t.Helper()
	sports := act("c", sess("1", day5, 10))
	sports.Organiser = "kuusamo-sports"
	importAt(t, db, t0, act("a", sess("1", day5, 10)), act("b", sess("1", t0.Add(2*time.Hour), 10)), sports)
	id := func(ext string) int64 {
		return scalar[int64](t, db, `SELECT id FROM activities WHERE external_id = $1`, ext)
	}
	return id("a"), id("b"), id("c")
}

func TestVerifyCard(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	a, b, c := library(t, db)
	lib := provider(t, db, "library", "Liisa", 201)
	sports := provider(t, db, "sports", "Sami", 202)
	case1, _ := openCase(t, db, 1, CaseRequest{})
	case2, _ := openCase(t, db, 2, CaseRequest{})
	case3, _ := openCase(t, db, 3, CaseRequest{})
	limited := mustIssue(t, db, case1, CardTerms{Days: 10, Visits: 2})
	revoked := mustIssue(t, db, case2, CardTerms{Days: 10})
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error { _, err := tx.RevokeCard(ctx, 2, aino); return err })
	unlimited := mustIssue(t, db, case3, CardTerms{Days: 1})
	nextDay := t0.Add(24 * time.Hour)

	visits := func(card polku.Card) int {
		return scalar[int](t, db, `SELECT count(*) FROM card_visits WHERE card_id = $1`, card.ID)
	}
	for _, s := range []struct {
		name     string
		now      time.Time
		p        polku.Provider
		card     polku.Card
		activity int64
		state    polku.CardState
		again    bool
		used     int // as returned and as PostgreSQL counts
	}{
		{name: "valid", now: t0, p: lib, card: limited, activity: a, state: polku.CardValid, used: 1},
		{name: "scanned again the same day", now: t0.Add(2 * time.Hour), p: lib, card: limited, activity: a, state: polku.CardValid, again: true, used: 1},
		{name: "another activity", now: t0.Add(3 * time.Hour), p: lib, card: limited, activity: b, state: polku.CardValid, used: 2},
		{name: "visits used up", now: t0.Add(4 * time.Hour), p: sports, card: limited, activity: c, state: polku.CardUsedUp, used: 2},
		{name: "used up the next day", now: nextDay, p: lib, card: limited, activity: a, state: polku.CardUsedUp, used: 2},
		{name: "revoked", now: t0, p: lib, card: revoked, activity: a, state: polku.CardRevoked},
		{name: "unlimited, no activity named", now: t0, p: sports, card: unlimited, state: polku.CardValid, used: 1},
		{name: "unlimited, again", now: t0.Add(time.Hour), p: sports, card: unlimited, state: polku.CardValid, again: true, used: 1},
		{name: "unlimited, another provider", now: t0.Add(time.Hour), p: lib, card: unlimited, state: polku.CardValid, used: 2},
		{name: "expired", now: nextDay, p: lib, card: unlimited, activity: b, state: polku.CardExpired, used: 2},
	} {
		clk.set(s.now)
		card, state, again, err := verify(db, s.p, s.card.Code, s.activity)
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		if state != s.state || again != s.again || card.Used != s.used || card.Code != s.card.Code {
			t.Errorf("%s: %s again=%v used=%d, want %s again=%v used=%d", s.name, state, again, card.Used, s.state, s.again, s.used)
		}
		if n := visits(s.card); n != s.used {
			t.Errorf("%s: %d visits stored, want %d", s.name, n, s.used)
		}
	}
	if _, _, _, err := verify(db, lib, "ZZZZZZZZ", a); err == nil {
		t.Error("an unknown code: no error")
	} else {
		wantCode(t, err, polku.ENOTFOUND)
	}
	if got := scalar[string](t, db, `SELECT string_agg(provider_id || '/' || COALESCE(activity_id, 0), ',' ORDER BY id) FROM card_visits`); got != fmt.Sprintf("%d/%d,%d/%d,%d/0,%d/0", lib.ID, a, lib.ID, b, sports.ID, lib.ID) {
		t.Errorf("visits recorded %s", got)
	}

	clk.set(t0)
	fresh, _ := openCase(t, db, 4, CaseRequest{})
	mustIssue(t, db, fresh, CardTerms{Days: 5, Visits: 1})
	for _, s := range []struct {
		name string
		chat int64
		now  time.Time
		want bool
	}{
		{"visits left", 4, t0, true},
		{"after it ended", 4, t0.AddDate(0, 0, 5), false},
		{"visits used up", 1, t0, false},
		{"revoked", 2, t0, false},
		{"unlimited, valid", 3, t0.Add(23 * time.Hour), true},
		{"unlimited, expired", 3, nextDay, false},
		{"no card", 5, t0, false},
	} {
		if got := hasValidCard(t, db, s.chat, s.now); got != s.want {
			t.Errorf("HasValidCard %s = %v, want %v", s.name, got, s.want)
		}
	}
}

// TestVerifyCardConcurrently: providers checking one card at once never
// record more visits than it has.
//
// Checked against a copy of the package whose VerifyCard read the card
// without FOR UPDATE: it recorded more than three visits.
func TestVerifyCardConcurrently(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	seeded(db)
	a, b, _ := library(t, db)
	const n = 10
	var ps []polku.Provider
	for i := range n {
		ps = append(ps, provider(t, db, "library", fmt.Sprint("Provider ", i), int64(300+i)))
	}
	c, _ := openCase(t, db, 1, CaseRequest{})
	card := mustIssue(t, db, c, CardTerms{Days: 10, Visits: 3})
	start := make(chan struct{})
	states := make([]polku.CardState, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			<-start
			_, states[i], _, errs[i] = verify(db, p, card.Code, []int64{a, b, 0}[i%3])
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	valid := 0
	for _, s := range states {
		if s == polku.CardValid {
			valid++
		} else if s != polku.CardUsedUp {
			t.Errorf("state %s", s)
		}
	}
	if got := scalar[int](t, db, `SELECT count(*) FROM card_visits WHERE card_id = $1`, card.ID); got != 3 || valid != 3 {
		t.Errorf("%d visits stored, %d providers told valid; want 3 and 3", got, valid)
	}
}

func TestProviders(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	seeded(db)
	a, b, _ := library(t, db)
	cancelled := act("d", sess("1", t0.Add(time.Hour), 10))
	cancelled.Status = polku.StatusCancelled
	taiga, junior := act("e", sess("1", day5, 10)), act("f", sess("1", day5, 10))
	taiga.Organiser, junior.Organiser = "taiga-club", "taiga-club-junior"
	importAt(t, db, t0, cancelled, taiga, junior)

	for _, c := range []struct {
		name, organiser string
		want            string
		code            string
		candidates      []string
	}{
		{name: "part of the name", organiser: "library", want: "kuusamo-library"},
		{name: "any case", organiser: "SPORTS", want: "kuusamo-sports"},
		{name: "whole name", organiser: "kuusamo-sports", want: "kuusamo-sports"},
		{name: "several", organiser: "kuusamo", code: polku.EINVALID, candidates: []string{"kuusamo-library", "kuusamo-sports"}},
		{name: "none", organiser: "museum", code: polku.ENOTFOUND},
		{name: "a wildcard is a character", organiser: "kuusamo%sports", code: polku.ENOTFOUND},
		{name: "an underscore is a character", organiser: "kuusamo_sports", code: polku.ENOTFOUND},
		{name: "whole name that is part of another", organiser: "taiga-club", want: "taiga-club"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p polku.Provider
			var candidates []string
			err := tryTx(db, group, func(ctx context.Context, tx *Tx) error {
				var err error
				p, candidates, err = tx.AddProvider(ctx, c.organiser, "Liisa", aino, 7)
				return err
			})
			if c.code != "" {
				if err == nil {
					t.Fatalf("added %+v, want %s", p, c.code)
				}
				wantCode(t, err, c.code)
				if !slices.Equal(candidates, c.candidates) {
					t.Errorf("candidates %q, want %q", candidates, c.candidates)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.ID == 0 || p.Organiser != c.want || p.Name != "Liisa" || p.UserID != 0 || len(p.LinkCode) != polku.LinkCodeLen || strings.Trim(p.LinkCode, polku.CodeAlphabet) != "" {
				t.Errorf("added %+v, want a provider of %s with a link code", p, c.want)
			}
			if got := scalar[string](t, db, `SELECT organiser || '/' || name || '/' || link_code || '/' || added_by || '/' || (user_id IS NULL) FROM providers WHERE id = $1`, p.ID); got != fmt.Sprintf("%s/Liisa/%s/%d/true", c.want, p.LinkCode, aino) {
				t.Errorf("stored provider %s", got)
			}
		})
	}

	var added polku.Provider
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		added, _, err = tx.AddProvider(ctx, "library", "Liisa", aino, 7)
		return err
	})
	var p polku.Provider
	inTx(t, db, 201, func(ctx context.Context, tx *Tx) error {
		var err error
		p, err = tx.LinkProvider(ctx, added.LinkCode, 201, "Liisa")
		return err
	})
	if p.ID != added.ID || p.UserID != 201 || p.Organiser != "kuusamo-library" || p.Name != "Liisa" {
		t.Errorf("linked provider %+v, want %+v with user 201", p, added)
	}
	if got := scalar[string](t, db, `SELECT COALESCE(link_code, 'none') || '/' || user_id || '/' || (linked_at IS NOT NULL) FROM providers WHERE id = $1`, p.ID); got != "none/201/true" {
		t.Errorf("linked provider stored %s, want its link used up", got)
	}
	code := scalar[string](t, db, `SELECT link_code FROM providers WHERE user_id IS NULL ORDER BY id LIMIT 1`)
	link := func(code string, user int64) error {
		return tryTx(db, user, func(ctx context.Context, tx *Tx) error {
			_, err := tx.LinkProvider(ctx, code, user, "Someone")
			return err
		})
	}
	for _, c := range []struct {
		name string
		code string
		user int64
		want string
	}{
		{"a used link", added.LinkCode, 202, polku.ENOTFOUND},
		{"an unknown link", "NOSUCHCODE", 202, polku.ENOTFOUND},
		{"a user who is a provider already", code, 201, polku.ECONFLICT},
	} {
		wantCode(t, link(c.code, c.user), c.want)
	}
	if err := link(code, 203); err != nil {
		t.Fatal(err)
	}
	wantCode(t, link(code, 204), polku.ENOTFOUND)

	if got, err := byUser(db, 201); err != nil || got.ID != p.ID || got.Organiser != "kuusamo-library" || got.Name != "Liisa" {
		t.Errorf("ProviderByUser(201) = %+v, %v; want %+v", got, err, p)
	}
	if got, err := byUser(db, 203); err != nil || got.UserID != 203 || got.ID == p.ID {
		t.Errorf("ProviderByUser(203) = %+v, %v", got, err)
	}
	_, err := byUser(db, 204)
	wantCode(t, err, polku.ENOTFOUND)

	for _, c := range []struct {
		name, organiser string
		now             time.Time
		want            []int64
	}{
		{"today: b has a session", "kuusamo-library", t0, []int64{b, a}},
		{"on day5: a has a session", "kuusamo-library", day5.Add(-7 * time.Hour), []int64{a, b}},
		{"nobody's", "museum", t0, nil},
	} {
		var acts []polku.Activity
		inTx(t, db, 201, func(ctx context.Context, tx *Tx) error {
			var err error
			acts, err = tx.ProviderActivities(ctx, c.organiser, c.now)
			return err
		})
		var got []int64
		for _, x := range acts {
			got = append(got, x.ID)
			if !strings.HasPrefix(x.Title.In("fi"), "Satutunti ") {
				t.Errorf("%s: activity %d titled %v", c.name, x.ID, x.Title)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ProviderActivities %s = %v, want %v (a=%d, b=%d)", c.name, got, c.want, a, b)
		}
	}
}

func TestReferrals(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	add := func(org string) string {
		var code string
		inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
			var err error
			code, err = tx.AddReferral(ctx, org, aino)
			return err
		})
		return code
	}
	school := add("Kuusamo school")
	clk.set(t0.Add(time.Minute))
	clinic := add("Family clinic")
	startParam := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	for _, code := range []string{school, clinic} {
		if !startParam.MatchString(code) {
			t.Errorf("code %q cannot be a start parameter", code)
		}
	}
	if school == clinic {
		t.Fatalf("two referrals share the code %q", school)
	}
	if got := scalar[string](t, db, `SELECT string_agg(organisation || '/' || created_by, ',' ORDER BY created_at) FROM referral_codes`); got != fmt.Sprintf("Kuusamo school/%d,Family clinic/%d", aino, aino) {
		t.Errorf("referral codes stored %s", got)
	}

	// Families 1 and 2 start from the school's link, 3 from the clinic's,
	// 4 from a made-up one and 5 from none. 1 finishes the intake; 3
	// agrees but does not finish; 4 finishes without a known referral.
	for chat, code := range map[int64]string{1: school, 2: school, 3: clinic, 4: "rMADEUP", 5: ""} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error { return tx.Started(ctx, code) })
	}
	for chat, code := range map[int64]string{1: school, 3: clinic, 4: "rMADEUP"} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			if err := tx.RecordConsent(ctx, "fi", "v1", code); err != nil {
				return err
			}
			return tx.Count(ctx, "consent_given", "")
		})
	}
	for _, chat := range []int64{1, 4} {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.SaveProfile(ctx, "fi", answers()); err != nil {
				return err
			}
			return tx.Count(ctx, "intake_completed", "Kuusamo")
		})
	}
	if got := scalar[string](t, db, `SELECT string_agg(referral || '=' || count, ',' ORDER BY count DESC) FROM stats WHERE kind = 'referral_started'`); got != fmt.Sprintf("%s=2,%s=1", school, clinic) {
		t.Errorf("starts counted %s, want only the registered codes", got)
	}
	var got []polku.Referral
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		got, err = tx.Referrals(ctx)
		return err
	})
	want := []polku.Referral{
		{Code: school, Organisation: "Kuusamo school", Started: 2, Finished: 1},
		{Code: clinic, Organisation: "Family clinic", Started: 1, Finished: 0},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Referrals = %+v, want %+v", got, want)
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
