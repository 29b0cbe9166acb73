package report

import (
	"testing"
	"time"
)

// TestCampaignCells: campaigns of 5 to 25 families with every number
// delivered, opened and signed up: no count of 1 to 4 is shown, and none
// can be worked out as a shown total less a shown figure, in a row or in
// the row of all campaigns.
func TestCampaignCells(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	small := func(n int) bool { return n >= 1 && n <= 4 }
	for queued := 5; queued <= 25; queued++ {
		for k := 0; k <= queued; k++ {
			cs := []Campaign{
				{ID: 1, Sent: at, Queued: queued, Delivered: k, Opened: k / 2, Signed: k / 3},
				{ID: 2, Sent: at, Queued: 30, Delivered: 30 - k%5, Opened: 3, Signed: 12},
			}
			rows := CampaignCells(cs)
			if len(rows) != len(cs)+1 {
				t.Fatalf("%d rows for %d campaigns", len(rows), len(cs))
			}
			for i, row := range rows {
				total := row[0]
				for j, c := range row {
					if c.Shown() && small(int(c.X)) {
						t.Fatalf("queued %d, k %d: row %d cell %d shows %v", queued, k, i, j, c.X)
					}
					if j > 0 && c.Shown() && total.Shown() && small(int(total.X-c.X)) {
						t.Fatalf("queued %d, k %d: row %d cell %d gives away %v", queued, k, i, j, total.X-c.X)
					}
				}
				// A column's figure over the campaigns: the total row
				// less the shown rows must not give a hidden one away.
				if i == len(cs) {
					for j := 1; j < 4; j++ {
						if !rows[i][j].Shown() {
							continue
						}
						rest, hidden := rows[i][j].X, 0
						for r := range cs {
							if rows[r][j].Shown() {
								rest -= rows[r][j].X
							} else {
								hidden++
							}
						}
						if hidden == 1 && small(int(rest)) {
							t.Fatalf("queued %d, k %d: column %d gives away %v", queued, k, j, rest)
						}
					}
				}
			}
		}
	}
}

func TestCampaignTopic(t *testing.T) {
	r := Build(Data{Period: Period{First: "2026-11", Last: "2026-11"}, Previous: Period{First: "2026-10", Last: "2026-10"},
		Campaigns: []Campaign{{ID: 7, Sent: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC), Queued: 40, Delivered: 38, Opened: 12, Signed: 2}}})
	var found bool
	for _, tp := range r.Topics {
		if tp.ID != "campaigns" {
			continue
		}
		found = true
		rows := tp.Tables[0].Rows
		if len(rows) != 2 || rows[0].Label.Text != "#7 · 2026-11-03" || rows[0].Cells[0].X != 40 || rows[0].Cells[3].Shown() {
			t.Errorf("campaign rows %+v", rows)
		}
	}
	if !found {
		t.Error("no campaigns topic")
	}
	if r := Build(Data{Period: Period{First: "2026-11", Last: "2026-11"}}); len(r.Topics) > 0 && r.Topics[len(r.Topics)-1].ID == "campaigns" {
		t.Error("a campaigns topic without campaigns")
	}
}
