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
	"unicode"

	"polku"
	"polku/flows"
	"polku/report"
	"polku/staff"
	"polku/store"
)

// The managers' report: /report in a private chat with the bot (a manager
// named in Config.Managers), in the coordinators' group (a coordinator who
// is a manager) or in the managers' group (its members); and last month's
// report in the managers' group on the first weekday of a month. /costs,
// in the same places, shows and sets the costs it counts. staff decides
// the period, the costs and who may (staff.Managers); this file builds the
// report from the store's anonymous figures (package report protects
// every one of them), with the costs in effect at the end of each period,
// and sends its picture, with the summary as caption, and its workbook.

// reportCommand answers /report from x's chat, in lang, of x's sender,
// who holds r.
func (b *Bot) reportCommand(ctx context.Context, tx *store.Tx, x incoming, lang string, r staff.Roles) ([]store.Out, error) {
	ms, err := b.managers.Report(ctx, tx, staff.Input{User: x.from, Arg: x.in.Text, Lang: lang}, r)
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
			more, err = b.reportOuts(ctx, x.chat, x.thread, lang, *m.Report, m.CSV, m.Scope)
		case m.AuditLog != nil:
			more, err = b.auditOuts(ctx, x.chat, x.thread, lang, *m.AuditLog, m.CSV, m.Scope)
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

// costsCommand answers /costs from x's chat, in lang, of x's sender, who
// holds r.
func (b *Bot) costsCommand(ctx context.Context, tx *store.Tx, x incoming, lang string, r staff.Roles) ([]store.Out, error) {
	ms, err := b.managers.Costs(ctx, tx, staff.Input{User: x.from, Arg: x.in.Text, Lang: lang}, r)
	if err != nil {
		return nil, err
	}
	outs := make([]store.Out, 0, len(ms))
	for _, m := range ms {
		outs = append(outs, b.chatOut(x.chat, x.thread, out{Method: "send", Text: b.lines(lang, m.Lines)}))
	}
	return outs, nil
}

// managerCommand answers a managers' command (/report, /costs, /audit) of x's
// sender in lang, who holds roles(), and reports whether x was one.
func (b *Bot) managerCommand(ctx context.Context, tx *store.Tx, x incoming, lang string, roles func() (staff.Roles, error)) ([]store.Out, bool, error) {
	command := map[string]func(context.Context, *store.Tx, incoming, string, staff.Roles) ([]store.Out, error){
		"report": b.reportCommand, "costs": b.costsCommand, "audit": b.auditCommand,
	}[x.in.Command]
	if x.in.Kind != flows.KindCommand || command == nil {
		return nil, false, nil
	}
	r, err := roles()
	if err != nil {
		return nil, true, err
	}
	outs, err := command(ctx, tx, x, lang, r)
	return outs, true, err
}

// groupRoles are the roles of x's sender in a group: theirs, and the
// service's manager's for a member of the managers' group.
func (b *Bot) groupRoles(ctx context.Context, tx *store.Tx, x incoming) func() (staff.Roles, error) {
	return func() (staff.Roles, error) { return b.rolesOf(ctx, tx, x.from, true) }
}

// managersGroup applies one update of the managers' group: /report,
// /costs, /audit and /campaign from a member, /help; everything else there
// is none of the
// bot's business.
func (b *Bot) managersGroup(ctx context.Context, tx *store.Tx, x incoming) error {
	if x.user == nil || x.user.IsBot {
		return tx.Finish(ctx, nil)
	}
	if outs, ok, err := b.campaignCommand(ctx, tx, x, b.reportLang()); ok || err != nil {
		if err != nil {
			return err
		}
		return tx.Finish(ctx, outs)
	}
	if x.in.Kind != flows.KindCommand {
		return tx.Finish(ctx, nil)
	}
	if x.in.Command == "help" || x.in.Command == "start" {
		help := b.render.loc.Message(b.reportLang(), "manager.help", map[string]any{"Max": staff.MaxMonths}, nil) +
			"\n\n" + b.render.loc.Message(b.reportLang(), "audit.help", nil, nil)
		return tx.Finish(ctx, []store.Out{b.chatOut(x.chat, x.thread, out{Method: "send", Text: help})})
	}
	outs, _, err := b.managerCommand(ctx, tx, x, b.reportLang(), b.groupRoles(ctx, tx, x))
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
	if b.isGroup(chat) {
		o.Thread = thread
		return b.groupOut(chat, o)
	}
	o.ChatID, o.Thread = chat, thread
	return store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(o)}
}

// reportOuts builds the report of period p of scope sc and returns its
// messages to chat: the picture with the summary as its caption (a part
// of the service's named above it), then the workbook, and with csv its
// tables as CSV files in one zip file.
func (b *Bot) reportOuts(ctx context.Context, chat int64, thread int, lang string, p staff.Period, csv bool, sc polku.Scope) ([]store.Out, error) {
	d, err := b.reportData(ctx, p, sc)
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
	summary := report.Summary(b.render.loc, r, lang)
	if b.municipalitiesOf(sc) != nil {
		summary = b.render.loc.Message(lang, "manager.report_scope", map[string]any{"Scope": staff.ScopeName(b.cfg.Service, sc, lang)}, nil) + "\n" + summary
		name += "-" + fileWord(sc.ID)
	}
	outs := []store.Out{
		b.chatOut(chat, thread, out{Method: "photo", FileName: name + ".png", File: png, Text: summary}),
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

// fileWord is a scope's ID as a part of a file's name: letters and
// digits, the rest as hyphens.
func fileWord(id string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return '-'
	}, id)
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
	outs, err := b.reportOuts(ctx, b.cfg.ManagersGroup, 0, b.reportLang(), p, false, service)
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
// before it from the store, of scope sc, as the report reads them. The
// costs are the whole service's: a part of it counts none (its cost per
// participation would be the service's costs over its part's families).
func (b *Bot) reportData(ctx context.Context, p staff.Period, sc polku.Scope) (report.Data, error) {
	reach := b.municipalitiesOf(sc)
	before := p.Previous()
	d := report.Data{
		Period: report.Period{First: p.First, Last: p.Last}, Previous: report.Period{First: before.First, Last: before.Last},
		FollowUpWeeks: b.cfg.Reminders.WellbeingWeeksAt(1),
	}
	for _, side := range []struct {
		p   staff.Period
		put *polku.Costs
	}{{p, &d.Costs}, {before, &d.CostsBefore}} {
		if reach != nil {
			continue
		}
		c, err := b.costsAt(ctx, side.p)
		if err != nil {
			return report.Data{}, err
		}
		*side.put = c
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
		fs, err := b.db.ReportFigures(ctx, first, last, reach)
		if err != nil {
			return report.Data{}, err
		}
		*side.put = figures(fs, d.Instrument)
		if side.p == p {
			cs, err := b.db.Campaigns(ctx, first, last.AddDate(0, 1, 0))
			if err != nil {
				return report.Data{}, err
			}
			if reach != nil {
				// A part of the service's campaigns: those to its
				// municipalities' families only.
				cs = slices.DeleteFunc(cs, func(c polku.Campaign) bool { return !slices.Contains(reach, c.Segment.Municipality) })
			}
			d.Campaigns = reportCampaigns(cs, b.cfg.Location)
		}
	}
	return d, nil
}

// costsAt are the costs in effect at the end of period p: the latest a
// manager set before its last month was over, or the configuration's.
func (b *Bot) costsAt(ctx context.Context, p staff.Period) (polku.Costs, error) {
	last, err := time.ParseInLocation("2006-01", p.Last, b.cfg.Location)
	if err != nil {
		return polku.Costs{}, fmt.Errorf("period %s: not months", p)
	}
	c, set, err := b.db.CostsAt(ctx, last.AddDate(0, 1, 0))
	if err != nil || !set {
		return b.cfg.Costs, err
	}
	return c, nil
}

// figures are the store's figures as the report reads them: the same
// fields, as store may not import the report. The paired change is of the
// first follow-up point only, so that changes after different times are
// never mixed in one figure; the Methods sheet says which.
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
			r.FollowUps, r.Answered = a.Asked[instrument], a.Answered[instrument]
			for _, p := range a.Pairs[instrument] {
				if p.Point == 1 {
					r.Pairs = append(r.Pairs, report.Pair{Before: p.Before, After: p.After, Attended: p.Attended})
				}
			}
		}
	}
	return out
}
