package bot

import (
	"polku"
	"polku/report"
	"polku/store"
)

// A provider's visit report in their private chat: staff reads the month
// (staff.Providers, /visits); this file writes it as package report's
// workbook and sends the summary, the workbook and, when asked, the CSV
// files.

// visitsOuts are the messages of provider's month v to chat in lang: the
// summary text, then the workbook, and with csv the CSV files zipped.
func (b *Bot) visitsOuts(chat int64, lang, text string, v polku.Visits, csv bool) ([]store.Out, error) {
	files, err := report.VisitReport(b.render.loc, lang, v, b.cfg.Location, csv)
	if err != nil {
		return nil, err
	}
	name := "polku-visits-" + v.Month.In(b.cfg.Location).Format("2006-01")
	outs := []store.Out{
		b.chatOut(chat, 0, out{Method: "send", Text: text}),
		b.chatOut(chat, 0, out{Method: "document", FileName: name + ".xlsx", File: files.XLSX}),
	}
	if csv {
		outs = append(outs, b.chatOut(chat, 0, out{Method: "document", FileName: name + "-csv.zip", File: files.CSVZip}))
	}
	return outs, nil
}
