package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"polku"

	"polku/report"
	"polku/staff"
	"polku/store"
)

// The audit log read back: /audit from an operator or a manager in a
// private chat with the bot, from a coordinator who is a manager or an
// operator in the coordinators' group, or from a member of the managers'
// group there. An operator's covers the whole service, a manager's its
// scope (role.go). staff decides who may and the period
// (staff.Managers.AuditLog); this file reads the rows from the store one
// at a time into package report's workbook, and sends a summary, the
// workbook and, when asked, the CSV file.

// auditCommand answers /audit from x's chat, in lang, of x's sender, who
// holds r.
func (b *Bot) auditCommand(ctx context.Context, tx *store.Tx, x incoming, lang string, r staff.Roles) ([]store.Out, error) {
	ms, err := b.managers.AuditLog(ctx, tx, staff.Input{User: x.from, Arg: x.in.Text, Lang: lang}, r)
	if err != nil {
		return nil, err
	}
	return b.managerOuts(ctx, x, lang, ms)
}

// auditOuts reads the audit log of period p of scope sc and returns its
// messages to chat: the summary, then the workbook, and with csv its rows
// as a CSV file in a zip file.
func (b *Bot) auditOuts(ctx context.Context, chat int64, thread int, lang string, p staff.Period, csv bool, sc polku.Scope) ([]store.Out, error) {
	first, err1 := time.ParseInLocation("2006-01", p.First, b.cfg.Location)
	last, err2 := time.ParseInLocation("2006-01", p.Last, b.cfg.Location)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("period %s: not months", p)
	}
	book, err := report.NewAuditLog(b.render.loc, lang, csv)
	if err != nil {
		return nil, err
	}
	err = b.db.AuditLog(ctx, first, last, b.auditScopes(sc), func(r polku.AuditRow) error {
		r.At = r.At.In(b.cfg.Location)
		return book.Add(r)
	})
	files, cerr := book.Close()
	if err != nil {
		return nil, err
	}
	if cerr != nil {
		return nil, cerr
	}
	name := "polku-audit-" + strings.ReplaceAll(p.String(), "..", "_")
	summary := report.AuditSummary(b.render.loc, lang, report.Period{First: p.First, Last: p.Last}, files)
	if b.municipalitiesOf(sc) != nil {
		summary = b.render.loc.Message(lang, "manager.report_scope", map[string]any{"Scope": staff.ScopeName(b.cfg.Service, sc, lang)}, nil) + "\n" + summary
		name += "-" + fileWord(sc.ID)
	}
	outs := []store.Out{
		b.chatOut(chat, thread, out{Method: "send", Text: summary}),
		b.chatOut(chat, thread, out{Method: "document", FileName: name + ".xlsx", File: files.XLSX}),
	}
	if csv {
		outs = append(outs, b.chatOut(chat, thread, out{Method: "document", FileName: name + "-csv.zip", File: files.CSVZip}))
	}
	return outs, nil
}
