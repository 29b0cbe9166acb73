package bot

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"polku"
	"polku/flows"
	"polku/report"
	"polku/staff"
	"polku/store"
)

// The managers' report: /report in a private chat with the bot (a manager
// named in Config.Managers), in the coordinators' group (a coordinator who
// is a manager) or in the managers' group (its members); and last month's
// report in the managers' group on the first weekday of a month. staff
// decides the period and who may (staff.Managers); this file builds the
// report from the store's anonymous figures (package report protects
// every one of them) and sends its picture, with the summary as caption,
// and its workbook.

// reportCommand answers /report from x's chat, in lang; manager says
// whether x's sender is a manager.
func (b *Bot) reportCommand(ctx context.Context, tx *store.Tx, x incoming, lang string, manager bool) ([]store.Out, error) {
	ms, err := b.managers.Report(ctx, tx, staff.Input{User: x.from, Arg: x.in.Text, Lang: lang}, manager)
	if err != nil {
		return nil, err
	}
	return b.managerOuts(ctx, x, lang, ms)
}

// managerOuts are the managers' side's messages to x's chat, in lang: a
// report or an audit log is read and built, anything else said.
func (b *Bot) managerOuts(ctx context.Context, x incoming, lang string, ms []staff.Message) ([]store.Out, error) {
	var outs []store.Out
	for _, m := range ms {
		var more []store.Out
		var err error
		switch {
		case m.Report != nil:
			more, err = b.reportOuts(ctx, x.chat, x.thread, lang, *m.Report, m.CSV)
		case m.AuditLog != nil:
			more, err = b.auditOuts(ctx, x.chat, x.thread, lang, *m.AuditLog, m.CSV)
		default:
			more = []store.Out{b.chatOut(x.chat, x.thread, out{Method: "send", Text: b.lines(lang, m.Lines)})}
		}
		if err != nil {
			return nil, err
		}
		outs = append(outs, more...)
	}
	return outs, nil
}

// managersGroup applies one update of the managers' group: /report and
// /audit from a member, /help; everything else there is none of the
// bot's business.
func (b *Bot) managersGroup(ctx context.Context, tx *store.Tx, x incoming) error {
	if x.user == nil || x.user.IsBot || x.in.Kind != flows.KindCommand {
		return tx.Finish(ctx, nil)
	}
	if x.in.Command == "help" || x.in.Command == "start" {
		help := b.render.loc.Message(b.reportLang(), "manager.help", map[string]any{"Max": staff.MaxMonths}, nil) +
			"\n\n" + b.render.loc.Message(b.reportLang(), "audit.help", nil, nil)
		return tx.Finish(ctx, []store.Out{b.chatOut(x.chat, x.thread, out{Method: "send", Text: help})})
	}
	if x.in.Command != "report" && x.in.Command != "audit" {
		return tx.Finish(ctx, nil)
	}
	manager, err := b.manager(ctx, x.from)
	if err != nil {
		return err
	}
	var outs []store.Out
	if x.in.Command == "audit" {
		outs, err = b.auditCommand(ctx, tx, x, b.reportLang(), manager, b.operator(x.from))
	} else {
		outs, err = b.reportCommand(ctx, tx, x, b.reportLang(), manager)
	}
	if err != nil {
		return err
	}
	return tx.Finish(ctx, outs)
}

// reportLang is the report's language in a group.
func (b *Bot) reportLang() string {
	if b.cfg.ManagersLang != "" {
		return b.cfg.ManagersLang
	}
	return b.cfg.GroupLang
}

// chatOut is a message to chat (in a forum, to its topic thread): the
// coordinators' group's go in its lane and at its rate.
func (b *Bot) chatOut(chat int64, thread int, o out) store.Out {
	if chat == b.cfg.Group && b.cfg.Group != 0 {
		o.Thread = thread
		return b.groupOut(o)
	}
	o.ChatID, o.Thread = chat, thread
	return store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(o)}
}

// reportOuts builds the report of period p and returns its messages to
// chat: the picture with the summary as its caption, then the workbook,
// and with csv its tables as CSV files in one zip file.
func (b *Bot) reportOuts(ctx context.Context, chat int64, thread int, lang string, p staff.Period, csv bool) ([]store.Out, error) {
	d, err := b.reportData(ctx, p)
	if err != nil {
		return nil, err
	}
	r := report.Build(d)
	png, err := report.PNG(b.render.loc, r, lang)
	if err != nil {
		return nil, fmt.Errorf("report picture: %w", err)
	}
	xlsx, err := report.XLSX(b.render.loc, r, lang)
	if err != nil {
		return nil, fmt.Errorf("report workbook: %w", err)
	}
	name := "polku-report-" + strings.ReplaceAll(p.String(), "..", "_")
	outs := []store.Out{
		b.chatOut(chat, thread, out{Method: "photo", FileName: name + ".png", File: png, Text: report.Summary(b.render.loc, r, lang)}),
		b.chatOut(chat, thread, out{Method: "document", FileName: name + ".xlsx", File: xlsx}),
	}
	if csv {
		data, err := zipped(report.CSV(b.render.loc, r, lang))
		if err != nil {
			return nil, fmt.Errorf("report tables: %w", err)
		}
		outs = append(outs, b.chatOut(chat, thread, out{Method: "document", FileName: name + "-csv.zip", File: data}))
	}
	return outs, nil
}

// zipped is files as one zip file, in the order of their names.
func zipped(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := z.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[name]); err != nil {
			return nil, err
		}
	}
	err := z.Close()
	return buf.Bytes(), err
}

// monthlyReport sends last month's report to the managers' group on the
// first weekday of a month at Config.ReportAt, or later in the month if
// no process could then: once, whichever process gets there first, and
// again after a restart only if it was not sent. A failure is logged and
// tried again on the next round.
func (b *Bot) monthlyReport(ctx context.Context) {
	now := b.Now().In(b.cfg.Location)
	if now.Before(staff.FirstWeekday(now, b.cfg.ReportAt)) {
		return
	}
	p := staff.LastMonth(now)
	key := "report " + p.String()
	if b.monthlyDone.Load() == key {
		return
	}
	if done, err := b.db.Done(ctx, key); err != nil || done {
		if done {
			b.monthlyDone.Store(key)
		}
		return
	}
	outs, err := b.reportOuts(ctx, b.cfg.ManagersGroup, 0, b.reportLang(), p, false)
	if err == nil {
		_, err = b.db.Once(ctx, key, outs, &store.Audited{Action: "report_monthly", Detail: p.String()})
	}
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("monthly report", "period", p.String(), "err", err)
		}
		return
	}
	b.monthlyDone.Store(key)
	wake(b.sendWake)
}

// reportData reads the anonymous figures of period p and of as many months
// before it from the store, as the report reads them.
func (b *Bot) reportData(ctx context.Context, p staff.Period) (report.Data, error) {
	before := p.Previous()
	d := report.Data{
		Period: report.Period{First: p.First, Last: p.Last}, Previous: report.Period{First: before.First, Last: before.Last},
		Costs: b.cfg.Costs,
	}
	switch b.cfg.Wellbeing {
	case polku.InstrumentWHO5:
		d.Instrument = report.WHO5
	case polku.InstrumentOwn, "":
		d.Instrument = report.Own
	}
	for _, side := range []struct {
		p   staff.Period
		put *report.Figures
	}{{p, &d.Now}, {before, &d.Before}} {
		first, err1 := time.ParseInLocation("2006-01", side.p.First, b.cfg.Location)
		last, err2 := time.ParseInLocation("2006-01", side.p.Last, b.cfg.Location)
		if err1 != nil || err2 != nil {
			return report.Data{}, fmt.Errorf("period %s: not months", side.p)
		}
		fs, err := b.db.ReportFigures(ctx, first, last)
		if err != nil {
			return report.Data{}, err
		}
		*side.put = figures(fs, d.Instrument)
	}
	return d, nil
}

// figures are the store's figures as the report reads them: the same
// fields, as store may not import the report.
func figures(fs store.Figures, instrument string) report.Figures {
	out := report.Figures{}
	for m, a := range fs {
		r := out.Of(m)
		maps.Copy(r.Families, a.Families)
		maps.Copy(r.Referrals, a.Referrals)
		r.Intakes, r.Completed = a.Intakes, a.Completed
		for k, u := range a.Use {
			r.Use[report.Activity{Category: k.Category, Organiser: k.Organiser}] = report.Use{
				SignUps: u.SignUps, Attended: u.Attended, Moves: u.Moves, Visits: u.Visits, Sessions: u.Sessions}
		}
		r.Attenders1, r.Attenders3 = a.Attenders1, a.Attenders3
		r.CasesOpened, r.FirstAnswer = a.CasesOpened, slices.Clone(a.FirstAnswer)
		maps.Copy(r.Outcomes, a.Outcomes)
		maps.Copy(r.Feedback, a.Feedback)
		if instrument != "" {
			r.Baseline = slices.Clone(a.Baseline[instrument])
			r.Answered = a.Answered[instrument]
			for _, p := range a.Pairs[instrument] {
				r.Pairs = append(r.Pairs, report.Pair{Before: p.Before, After: p.After, Attended: p.Attended})
			}
		}
	}
	return out
}
