package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"polku"
)

// TestAuditLog: the rows of the local months asked, oldest first, each
// with the coordinator's first name when the bot knows one; a row written
// a minute before midnight on the last day of a month is that month's in
// Helsinki, though UTC already has it in the next; an error of the caller
// stops the reading.
func TestAuditLog(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, time.Date(2026, 10, 31, 23, 59, 0, 0, helsinki))
	c, _ := openCase(t, db, 5001, CaseRequest{Municipality: "Kuusamo", Bands: "3-6"})
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		if err := tx.SeeCoordinator(ctx, aino, "Aino"); err != nil {
			return err
		}
		return tx.Audit(ctx, aino, "claim", c.ID, "")
	})
	write := func(at time.Time, who int64, action string, caseID int64, detail string) {
		clk.set(at)
		inTx(t, db, group, func(ctx context.Context, tx *Tx) error { return tx.Audit(ctx, who, action, caseID, detail) })
	}
	write(time.Date(2026, 11, 30, 23, 59, 0, 0, helsinki), aino, "close", c.ID, "no_need")
	write(time.Date(2026, 11, 1, 0, 0, 0, 0, helsinki), bertta, "list_cases", 0, "")
	write(time.Date(2026, 11, 15, 12, 0, 0, 0, helsinki), 0, "report_monthly", 0, "2026-10")
	write(time.Date(2026, 12, 1, 0, 0, 0, 0, helsinki), aino, "duty", 0, "true")

	read := func(first, last time.Time) []string {
		var got []string
		err := db.AuditLog(context.Background(), first, last, nil, func(r polku.AuditRow) error {
			got = append(got, fmt.Sprintf("%s %d %s %s %d %s", r.At.Format("2006-01-02 15:04 MST"), r.Who, r.Name, r.Action, r.Case, r.Detail))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, helsinki)
	want := []string{
		"2026-11-01 00:00 EET 102  list_cases 0 ",
		"2026-11-15 12:00 EET 0  report_monthly 0 2026-10",
		fmt.Sprintf("2026-11-30 23:59 EET 101 Aino close %d no_need", c.ID),
	}
	if got := read(nov, nov); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("November:\n got %q\nwant %q", got, want)
	}
	if got := read(time.Date(2026, 10, 1, 0, 0, 0, 0, helsinki), time.Date(2026, 12, 1, 0, 0, 0, 0, helsinki)); len(got) != 5 {
		t.Errorf("October to December: %d rows, want 5: %q", len(got), got)
	}

	stop := errors.New("enough")
	n := 0
	err := db.AuditLog(context.Background(), nov, nov, nil, func(polku.AuditRow) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("stopped after %d rows with %v, want 1 and %v", n, err, stop)
	}
}
