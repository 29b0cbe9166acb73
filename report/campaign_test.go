package report

import (
	"testing"
	"time"
)

// TestCampaignCells: campaigns of 5 to 25 families with every number
// delivered, opened and signed up: no count of 1 to 4 is shown, none can
// be worked out as the shown total less a shown figure, and a campaign's
// cells do not depend on the campaigns shown beside it.
func TestCampaignCells(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	small := func(n int) bool { return n >= 1 && n <= 4 }
	other := Campaign{ID: 2, Sent: at, Queued: 30, Delivered: 28, Opened: 3, Signed: 12}
	for queued := 5; queued <= 25; queued++ {
		for k := 0; k <= queued; k++ {
			c := Campaign{ID: 1, Sent: at, Queued: queued, Delivered: k, Opened: k / 2, Signed: k / 3}
			alone, beside := CampaignCells([]Campaign{c}), CampaignCells([]Campaign{other, c})
			if len(alone) != 1 || len(beside) != 2 || alone[0] != beside[1] {
				t.Fatalf("queued %d, k %d: alone %v, beside another %v", queued, k, alone, beside)
			}
			row := alone[0]
			for j, cell := range row {
				if cell.Shown() && small(int(cell.X)) {
					t.Fatalf("queued %d, k %d: cell %d shows %v", queued, k, j, cell.X)
				}
				if j > 0 && cell.Shown() && row[0].Shown() && small(int(row[0].X-cell.X)) {
					t.Fatalf("queued %d, k %d: cell %d gives away %v", queued, k, j, row[0].X-cell.X)
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
		if len(rows) != 1 || rows[0].Label.Text != "#7 · 2026-11-03" || rows[0].Cells[0].X != 40 || rows[0].Cells[3].Shown() {
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
