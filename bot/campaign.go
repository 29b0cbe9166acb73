package bot

import (
	"context"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"polku"
	"polku/flows"
	"polku/report"
	"polku/staff"
	"polku/store"
)

// Campaigns: /campaign and /campaigns wherever /report is asked (a named
// manager's own chat, the coordinators' group, the managers' group).
// staff composes and decides (staff.Campaigner); this file draws the
// announcement as the families see it, for the preview and for sending,
// and hands it to the store, which queues it for each family of the
// segment on the outbox's lowest priority.

// campaignCommand reports whether x is /campaign or /campaigns (or a photo
// captioned "/campaign photo"), and answers it in lang.
func (b *Bot) campaignCommand(ctx context.Context, tx *store.Tx, x incoming, lang string) ([]store.Out, bool, error) {
	return b.campaignIn(ctx, tx, x, lang, nil)
}

// campaignIn is campaignCommand of a manager of the municipalities reach
// (nil: the whole service's, or a coordinator).
func (b *Bot) campaignIn(ctx context.Context, tx *store.Tx, x incoming, lang string, reach []string) ([]store.Out, bool, error) {
	in := x.in
	photo := ""
	if in.Kind == flows.KindUnsupported && x.media == "photo" && strings.HasPrefix(x.caption, "/") {
		if name, arg, ok := command(&models.Message{Text: x.caption}); ok {
			in = flows.Input{Kind: flows.KindCommand, Command: name, Text: arg}
			photo = x.photo
		}
	}
	if in.Kind != flows.KindCommand || (in.Command != "campaign" && in.Command != "campaigns") {
		return nil, false, nil
	}
	s := staffInput(x)
	s.Command, s.Arg, s.Photo, s.Reach = in.Command, in.Text, photo, reach
	ms, err := b.campaigns.Command(ctx, campaignTx{tx, b}, s)
	if err != nil {
		return nil, true, err
	}
	var outs []store.Out
	for _, m := range ms {
		o := out{Method: "send", Text: b.lines(lang, m.Lines)}
		if m.Campaign != nil {
			o = b.campaignOut(*m.Campaign, m.Lang)
		}
		outs = append(outs, b.chatOut(x.chat, x.thread, o))
	}
	return outs, true, nil
}

// campaignOut is campaign c as a family speaking lang sees it: its text
// (under its picture, if it has one), the button to its activity and the
// one that stops news.
func (b *Bot) campaignOut(c polku.Campaign, lang string) out {
	o := out{Method: "send", Text: c.Texts[lang]}
	if c.Photo != "" {
		o.Method, o.PhotoID = "photo", c.Photo
	}
	var rows [][]flows.Button
	if c.Activity != 0 {
		rows = append(rows, []flows.Button{{Label: flows.T("campaign.open"), Payload: flows.CampaignPayload(c.ID, c.Activity)}})
	}
	rows = append(rows, []flows.Button{{Label: flows.T("campaign.stop"), Payload: flows.StopNewsPayload()}})
	o.Inline = b.render.inline(lang, rows)
	return o
}

// campaignTx is the store's transaction as staff.Campaigner needs it: the
// campaign sent as the bot draws it.
type campaignTx struct {
	*store.Tx
	b *Bot
}

// SendCampaign queues c for its families, each in its language (the
// service's first where c has none).
func (t campaignTx) SendCampaign(ctx context.Context, c polku.Campaign, user int64) (int, error) {
	langs := t.b.render.loc.Languages()
	payloads := make(map[string][]byte, len(langs))
	for _, l := range langs {
		if c.Texts[l] != "" {
			payloads[l] = encode(t.b.campaignOut(c, l))
		}
	}
	return t.Tx.SendCampaign(ctx, c.ID, user, payloads, langs[0])
}

// SentCampaigns are the limit campaigns sent last, with their figures
// protected as the report protects them.
func (t campaignTx) SentCampaigns(ctx context.Context, limit int) ([]staff.SentCampaign, error) {
	cs, err := t.Tx.SentCampaigns(ctx, limit)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	cells := report.CampaignCells(reportCampaigns(cs, t.b.cfg.Location))
	out := make([]staff.SentCampaign, len(cs))
	for i, c := range cs {
		out[i].Campaign = c
		for j, cell := range cells[i] {
			out[i].Figures[j] = staff.Count{N: int(cell.X), Shown: cell.Shown()}
		}
	}
	return out, nil
}

// reportCampaigns are campaigns as the report reads them, their moments in
// loc.
func reportCampaigns(cs []polku.Campaign, loc *time.Location) []report.Campaign {
	out := make([]report.Campaign, len(cs))
	for i, c := range cs {
		out[i] = report.Campaign{ID: c.ID, Sent: c.SentAt.In(loc), Queued: c.Sent, Delivered: c.Delivered, Opened: c.Opened, Signed: c.SignedUp}
	}
	return out
}
