package store

import (
	"context"
	"testing"
	"time"

	"polku"
)

// TestCosts: every change of the costs is kept with its moment on the
// service's clock and who made it; the latest wins, and CostsAt is the
// latest before a moment, none before the first change.
func TestCosts(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	now := time.Date(2026, 11, 4, 10, 0, 0, 0, helsinki)
	db.Now = func() time.Time { return now }
	latest := func() (polku.Costs, bool) {
		t.Helper()
		var c polku.Costs
		var set bool
		inTx(t, db, 7001, func(ctx context.Context, tx *Tx) error {
			var err error
			c, set, err = tx.Costs(ctx)
			return err
		})
		return c, set
	}
	if _, set := latest(); set {
		t.Fatal("costs before any was set")
	}
	set := func(by int64, c polku.Costs) polku.Costs {
		t.Helper()
		var saved polku.Costs
		inTx(t, db, by, func(ctx context.Context, tx *Tx) error {
			var err error
			saved, err = tx.SetCosts(ctx, by, c)
			return err
		})
		return saved
	}
	first := set(7001, polku.Costs{Monthly: 1200000, StaffHours: 37.505, HourlyRate: 3250})
	want := polku.Costs{Monthly: 1200000, StaffHours: 37.51, HourlyRate: 3250, Set: now}
	if first != want || first.Set.Location() != helsinki {
		t.Errorf("saved %+v, want %+v (hours to the hundredth, in the service's time zone)", first, want)
	}
	now = time.Date(2026, 12, 1, 0, 0, 0, 0, helsinki) // the first moment of December
	second := set(7003, polku.Costs{Monthly: 1200000, PerSession: 4500, StaffHours: 37.51, HourlyRate: 3250})
	if got, ok := latest(); !ok || got != second || got.PerSession != 4500 {
		t.Errorf("latest %+v, %v; want %+v", got, ok, second)
	}
	for _, tc := range []struct {
		until time.Time
		want  polku.Costs
		set   bool
	}{
		{time.Date(2026, 11, 1, 0, 0, 0, 0, helsinki), polku.Costs{}, false},
		{first.Set, polku.Costs{}, false}, // before it, not at it
		{first.Set.Add(time.Microsecond), first, true},
		{second.Set, first, true}, // November's end is December's beginning
		{time.Date(2027, 1, 1, 0, 0, 0, 0, helsinki), second, true},
	} {
		got, set, err := db.CostsAt(ctx, tc.until)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want || set != tc.set {
			t.Errorf("CostsAt(%v) = %+v, %v; want %+v, %v", tc.until, got, set, tc.want, tc.set)
		}
	}
	var rows int
	var who []int64
	if err := db.pool.QueryRow(ctx, `SELECT count(*), array_agg(set_by ORDER BY id) FROM costs`).Scan(&rows, &who); err != nil {
		t.Fatal(err)
	}
	if rows != 2 || who[0] != 7001 || who[1] != 7003 {
		t.Errorf("kept %d changes by %v, want 2 by 7001 and 7003", rows, who)
	}
}
