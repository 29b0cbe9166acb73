package report

import (
	"strconv"

	"polku/report/sdc"
)

// CampaignCells are each campaign's figures as they may be shown: queued,
// delivered, opened and signed up. The counts 1–4 are hidden, and as many
// more as it takes for none to be worked out from the others: each figure
// with its complement adds up to the families queued, in tables linked by
// that total (sdc.ProtectLinked). Each campaign is protected on its own and
// no total over campaigns is given, so that a campaign's cells are the
// same in every output that shows it (the report of any period, the last
// campaigns in Telegram) and no two outputs can be put together to work a
// hidden count out.
func CampaignCells(cs []Campaign) [][4]Cell {
	out := make([][4]Cell, len(cs))
	for i, c := range cs {
		ts := make([]sdc.Table, 3)
		for t, k := range []int{c.Delivered, c.Opened, c.Signed} {
			k = min(max(k, 0), c.Queued)
			ts[t] = sdc.Table{{k, c.Queued - k}}
		}
		p := sdc.ProtectLinked(ts...)
		out[i] = [4]Cell{count(p[0].RowTotals[0]), count(p[0].Cells[0][0]), count(p[1].Cells[0][0]), count(p[2].Cells[0][0])}
	}
	return out
}

// campaignTable is the campaigns of the period, one row each.
func campaignTable(cs []Campaign) Table {
	t := Table{ID: "campaigns", Corner: Label{ID: "report.col.campaign"}}
	for _, f := range []string{"queued", "delivered", "opened", "signed"} {
		t.Columns = append(t.Columns, Column{Label: Label{ID: "report.col.campaign_" + f}})
	}
	for i, row := range CampaignCells(cs) {
		label := Label{Text: "#" + strconv.FormatInt(cs[i].ID, 10) + " · " + cs[i].Sent.Format("2006-01-02")}
		t.Rows = append(t.Rows, Row{Label: label, Cells: row[:]})
	}
	return t
}
