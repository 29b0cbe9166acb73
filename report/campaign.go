package report

import (
	"strconv"

	"polku/report/sdc"
)

// CampaignCells are each campaign's figures as they may be shown: queued,
// delivered, opened and signed up. The counts 1–4 are hidden, and as many
// more as it takes for none to be worked out from the others: each figure
// with its complement adds up to the families queued, in tables linked by
// those totals (sdc.ProtectLinked). Last is the row of all the campaigns.
func CampaignCells(cs []Campaign) [][4]Cell {
	ts := make([]sdc.Table, 3)
	for _, c := range cs {
		for t, k := range []int{c.Delivered, c.Opened, c.Signed} {
			k = min(max(k, 0), c.Queued)
			ts[t] = append(ts[t], []int{k, c.Queued - k})
		}
	}
	if len(cs) == 0 {
		return nil
	}
	p := sdc.ProtectLinked(ts...)
	out := make([][4]Cell, len(cs)+1)
	for i := range cs {
		out[i] = [4]Cell{count(p[0].RowTotals[i]), count(p[0].Cells[i][0]), count(p[1].Cells[i][0]), count(p[2].Cells[i][0])}
	}
	out[len(cs)] = [4]Cell{count(p[0].Total), count(p[0].ColTotals[0]), count(p[1].ColTotals[0]), count(p[2].ColTotals[0])}
	return out
}

// campaignTable is the campaigns of the period, one row each, and all of
// them.
func campaignTable(cs []Campaign) Table {
	t := Table{ID: "campaigns", Corner: Label{ID: "report.col.campaign"}}
	for _, f := range []string{"queued", "delivered", "opened", "signed"} {
		t.Columns = append(t.Columns, Column{Label: Label{ID: "report.col.campaign_" + f}})
	}
	cells := CampaignCells(cs)
	for i, row := range cells {
		label := Label{ID: "report.total"}
		if i < len(cs) {
			label = Label{Text: "#" + strconv.FormatInt(cs[i].ID, 10) + " · " + cs[i].Sent.Format("2006-01-02")}
		}
		t.Rows = append(t.Rows, Row{Label: label, Cells: row[:]})
	}
	return t
}
