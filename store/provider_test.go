package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/internal/pgtest"
)

// get applies an update of chat that returns a value, as tryTx does.
func get[T any](db *DB, chat int64, fn func(ctx context.Context, tx *Tx) (T, error)) (T, error) {
	var v T
	err := tryTx(db, chat, func(ctx context.Context, tx *Tx) error {
		var err error
		v, err = fn(ctx, tx)
		return err
	})
	return v, err
}

// addProvider adds a provider for an organiser with a link of days.
func addProvider(t *testing.T, db *DB, organiser string, days int) polku.Provider {
	t.Helper()
	p, err := get(db, group, func(ctx context.Context, tx *Tx) (polku.Provider, error) {
		p, _, err := tx.AddProvider(ctx, organiser, organiser, aino, days)
		return p, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func link(db *DB, code string, user int64, name string) (polku.Provider, error) {
	return get(db, user, func(ctx context.Context, tx *Tx) (polku.Provider, error) {
		return tx.LinkProvider(ctx, code, user, name)
	})
}

func byUser(db *DB, user int64) (polku.Provider, error) {
	return get(db, user, func(ctx context.Context, tx *Tx) (polku.Provider, error) { return tx.ProviderByUser(ctx, user) })
}

func listProviders(t *testing.T, db *DB) []polku.Provider {
	t.Helper()
	ps, err := get(db, group, func(ctx context.Context, tx *Tx) ([]polku.Provider, error) { return tx.Providers(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func ids(ps []polku.Provider) []int64 {
	var out []int64
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestRemoveProvider: a removed provider is no provider at once, its link
// (if not opened) stops working, its visits stay, and the person can be
// linked again later.
func TestRemoveProvider(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	a, _, _ := library(t, db)
	liisa := provider(t, db, "library", "Liisa", 201)
	sami := provider(t, db, "sports", "Sami", 202)
	waiting := addProvider(t, db, "library", 7)
	c, _ := openCase(t, db, 1, CaseRequest{})
	card := mustIssue(t, db, c, CardTerms{Days: 10})
	if _, state, _, err := verify(db, liisa, card.Code, a); err != nil || state != polku.CardValid {
		t.Fatalf("Liisa's check: %s, %v", state, err)
	}
	if got, want := ids(listProviders(t, db)), []int64{liisa.ID, waiting.ID, sami.ID}; !slices.Equal(got, want) {
		t.Fatalf("providers %v, want %v (by organiser, the oldest first)", got, want)
	}

	remove := func(id int64) (polku.Provider, error) {
		return get(db, group, func(ctx context.Context, tx *Tx) (polku.Provider, error) { return tx.RemoveProvider(ctx, id, bertta) })
	}
	later := t0.Add(time.Hour)
	clk.set(later)
	p, err := remove(liisa.ID)
	if err != nil || p.ID != liisa.ID || p.Organiser != "kuusamo-library" || p.FirstName != "Liisa" {
		t.Fatalf("RemoveProvider = %+v, %v", p, err)
	}
	_, err = byUser(db, 201)
	wantCode(t, err, polku.ENOTFOUND)
	if got, err := byUser(db, 202); err != nil || got.ID != sami.ID {
		t.Errorf("Sami after Liisa was removed: %+v, %v", got, err)
	}
	_, err = remove(liisa.ID)
	wantCode(t, err, polku.ENOTFOUND)
	if _, err := remove(waiting.ID); err != nil {
		t.Fatal(err)
	}
	_, err = link(db, waiting.LinkCode, 203, "Pekka")
	wantCode(t, err, polku.ENOTFOUND)
	if got, want := ids(listProviders(t, db)), []int64{sami.ID}; !slices.Equal(got, want) {
		t.Errorf("providers after two were removed %v, want %v", got, want)
	}
	if got := scalar[string](t, db, `SELECT removed_at || '/' || removed_by || '/' || COALESCE(link_code, 'none') || '/' || user_id FROM providers WHERE id = $1`, liisa.ID); got != scalar[string](t, db, `SELECT $1::timestamptz || '/102/none/201'`, later) {
		t.Errorf("removed provider stored %s", got)
	}
	if got := scalar[int](t, db, `SELECT count(*) FROM card_visits WHERE provider_id = $1`, liisa.ID); got != 1 {
		t.Errorf("%d visits of the removed provider kept, want 1", got)
	}
	// The visits hold on to the provider they were recorded by.
	if _, err := db.pool.Exec(context.Background(), `DELETE FROM providers WHERE id = $1`, liisa.ID); err == nil {
		t.Error("a provider with visits could be deleted")
	}

	// Liisa comes back, for the sports club this time.
	again := addProvider(t, db, "sports", 7)
	if p, err := link(db, again.LinkCode, 201, "Liisa"); err != nil || p.ID != again.ID {
		t.Fatalf("Liisa linked again: %+v, %v", p, err)
	}
	if got, err := byUser(db, 201); err != nil || got.ID != again.ID || got.Organiser != "kuusamo-sports" {
		t.Errorf("Liisa after linking again: %+v, %v", got, err)
	}
}

// TestFindProviders: a coordinator names a provider to remove by number or
// by name; a whole name wins, several ask which, the removed are gone.
func TestFindProviders(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	seeded(db)
	library(t, db)
	liisa := provider(t, db, "library", "Liisa", 201)
	lii := provider(t, db, "library", "Lii", 202)
	sami := provider(t, db, "sports", "Sami", 203)
	waiting := addProvider(t, db, "sports", 7)
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error { _, err := tx.RemoveProvider(ctx, lii.ID, aino); return err })
	for _, c := range []struct {
		name string
		want []int64
	}{
		{fmt.Sprint(sami.ID), []int64{sami.ID}},
		{fmt.Sprint("#", waiting.ID), []int64{waiting.ID}},
		{fmt.Sprint(lii.ID), nil},
		{"999999", nil},
		{"liisa", []int64{liisa.ID}},
		{"LII", []int64{liisa.ID}},
		{"sports", []int64{sami.ID, waiting.ID}},
		{"kuusamo", []int64{liisa.ID, sami.ID, waiting.ID}},
		{"kuusamo-sports", []int64{sami.ID, waiting.ID}},
		{"s%", nil},
		{"museum", nil},
	} {
		got, err := get(db, group, func(ctx context.Context, tx *Tx) ([]polku.Provider, error) { return tx.FindProviders(ctx, c.name) })
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), c.want) {
			t.Errorf("FindProviders(%q) = %v, want %v", c.name, ids(got), c.want)
		}
	}
}

// TestProviderLinkExpires: a link works until the same local time so many
// days later, not an instant longer, across a daylight-saving change too;
// the provider's state says so.
func TestProviderLinkExpires(t *testing.T) {
	db := newDB(t)
	// Sunday 22 March 2026; the clocks go forward on the 29th.
	start := time.Date(2026, 3, 22, 11, 0, 0, 0, helsinki)
	clk := setClock(db, start)
	seeded(db)
	library(t, db)
	for _, days := range []int{0, -1, MaxLinkDays + 1} {
		err := tryTx(db, group, func(ctx context.Context, tx *Tx) error {
			_, _, err := tx.AddProvider(ctx, "library", "library", aino, days)
			return err
		})
		wantCode(t, err, polku.EINVALID)
	}
	early, late := addProvider(t, db, "library", 7), addProvider(t, db, "library", 7)
	until := time.Date(2026, 3, 29, 11, 0, 0, 0, helsinki) // 167 hours later
	if !early.LinkUntil.Equal(until) || !early.Added.Equal(start) {
		t.Fatalf("added %+v, want a link until %v", early, until)
	}
	for _, c := range []struct {
		now  time.Time
		want polku.ProviderState
	}{{start, polku.ProviderWaiting}, {until.Add(-time.Nanosecond), polku.ProviderWaiting}, {until, polku.ProviderExpired}} {
		if got := early.State(c.now); got != c.want {
			t.Errorf("state at %v: %s, want %s", c.now, got, c.want)
		}
	}

	clk.set(until.Add(-time.Microsecond)) // PostgreSQL keeps microseconds
	p, err := link(db, early.LinkCode, 201, "Liisa")
	if err != nil || p.ID != early.ID || p.FirstName != "Liisa" || !p.Linked.Equal(until.Add(-time.Microsecond)) {
		t.Fatalf("opened just in time: %+v, %v", p, err)
	}
	if got := p.State(until.AddDate(1, 0, 0)); got != polku.ProviderLinked {
		t.Errorf("a linked provider is %s a year later", got)
	}
	clk.set(until)
	_, err = link(db, late.LinkCode, 202, "Sami")
	wantCode(t, err, polku.ENOTFOUND)
	got := listProviders(t, db)
	if len(got) != 2 || got[0].State(until) != polku.ProviderLinked || got[0].FirstName != "Liisa" ||
		got[1].ID != late.ID || got[1].State(until) != polku.ProviderExpired || got[1].LinkCode == "" || got[1].FirstName != "" {
		t.Errorf("providers at the end of the links %+v", got)
	}
}

// TestCheckLimit: a provider's checks are counted over the last hour from
// PostgreSQL, so two processes (two handles on one database) count each
// other's; refusals and the question which activity do not count, and the
// hour slides on the injected clock.
func TestCheckLimit(t *testing.T) {
	url := pgtest.URL(t)
	one := openDB(t, url)
	if err := one.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	two := openDB(t, url)
	clk := setClock(one, t0)
	two.Now = clk.read
	const liisa, sami = 201, 202
	checked := func(db *DB, at time.Duration, user int64, o polku.CheckOutcome) {
		t.Helper()
		clk.set(t0.Add(at))
		inTx(t, db, user, func(ctx context.Context, tx *Tx) error { return tx.Checked(ctx, user, o) })
	}
	limit := func(db *DB, at time.Duration, user int64, n int) (time.Time, bool) {
		t.Helper()
		clk.set(t0.Add(at))
		var free time.Time
		var limited bool
		inTx(t, db, user, func(ctx context.Context, tx *Tx) (err error) {
			free, limited, err = tx.CheckLimit(ctx, user, n)
			return err
		})
		return free, limited
	}
	checked(one, 0, liisa, polku.CheckUnknown)
	checked(two, 10*time.Minute, liisa, polku.CheckOutcome(polku.CardValid))
	checked(one, 15*time.Minute, liisa, polku.CheckWhich)
	checked(two, 16*time.Minute, sami, polku.CheckBad)
	if _, limited := limit(two, 20*time.Minute, liisa, 3); limited {
		t.Fatal("limited after two checks of three")
	}
	checked(two, 20*time.Minute, liisa, polku.CheckAgain)
	checked(one, 25*time.Minute, liisa, polku.CheckLimited)
	for _, c := range []struct {
		name    string
		db      *DB
		at      time.Duration
		user    int64
		n       int
		limited bool
		free    time.Duration
	}{
		{"three checks, the other process's too", one, 25 * time.Minute, liisa, 3, true, time.Hour},
		{"the same, seen by the other", two, 25 * time.Minute, liisa, 3, true, time.Hour},
		{"a lower limit frees later", one, 25 * time.Minute, liisa, 2, true, 70 * time.Minute},
		{"a higher limit", one, 25 * time.Minute, liisa, 4, false, 0},
		{"another provider", two, 25 * time.Minute, sami, 1, true, 76 * time.Minute},
		{"an instant before the first leaves", two, time.Hour - time.Microsecond, liisa, 3, true, time.Hour},
		{"once the first has left", one, time.Hour, liisa, 3, false, 0},
		{"the hour after the last", two, 80 * time.Minute, liisa, 1, false, 0},
	} {
		free, limited := limit(c.db, c.at, c.user, c.n)
		var want time.Time
		if c.limited {
			want = t0.Add(c.free)
		}
		if limited != c.limited || !free.Equal(want) {
			t.Errorf("%s: limited %v until %v, want %v until %v", c.name, limited, free, c.limited, want)
		}
	}
	err := tryTx(one, liisa, func(ctx context.Context, tx *Tx) error { _, _, err := tx.CheckLimit(ctx, liisa, 0); return err })
	wantCode(t, err, polku.EINVALID)
	if got := scalar[string](t, one, `SELECT string_agg(detail, ',' ORDER BY id) FROM audit WHERE action = 'verify' AND coordinator = $1`, liisa); got != "unknown,valid,which,again,limited" {
		t.Errorf("audited checks %s", got)
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
