package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"polku"
)

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
