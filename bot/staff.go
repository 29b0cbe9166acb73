package bot

import (
	"context"
	"maps"
	"strings"

	"polku"
	"polku/flows"
	"polku/internal/picture"
	"polku/staff"
	"polku/store"
)

// staffTx is the store's transaction as staff calls it.
type staffTx struct{ *store.Tx }

func (t staffTx) FamilyChat(ctx context.Context, chat int64) (staff.FamilyChat, error) {
	f, err := t.Tx.FamilyChat(ctx, chat)
	return staff.FamilyChat{Lang: f.Lang, Talk: f.Talk, Blocked: f.Blocked}, err
}

func (t staffTx) IssueCard(ctx context.Context, c polku.Case, by int64, terms staff.CardTerms) (polku.Card, error) {
	return t.Tx.IssueCard(ctx, c, by, store.CardTerms{Days: terms.Days, Visits: terms.Visits})
}

// The staff's side rendered: staff decides what coordinators and
// providers get; this file turns its messages into outbox calls.

// staffInput is a coordinator's update as staff reads it.
func staffInput(x incoming) staff.Input {
	in := staff.Input{
		User: x.from, Chat: x.chat, Thread: x.thread, Message: x.in.Message,
		Command: x.in.Command, Arg: strings.TrimSpace(x.in.Text), Data: x.in.Payload,
		Media: x.media, Caption: x.caption,
	}
	if x.in.Kind == flows.KindText {
		in.Text = x.text
	}
	if x.user != nil {
		in.Name = x.user.FirstName
	}
	return in
}

// staffOuts renders staff's messages as outbox calls, answering x (the
// topic written in, the message pressed). Only a card's picture can fail
// (its link asks Telegram the bot's name).
func (b *Bot) staffOuts(ctx context.Context, x incoming, ms []staff.Message) ([]store.Out, error) {
	var outs []store.Out
	lang := b.cfg.GroupLang
	for _, m := range ms {
		text := b.lines(lang, m.Lines)
		switch m.To {
		case staff.Here:
			if m.Poster != nil {
				png, err := b.poster(*m.Poster)
				if err != nil {
					return nil, err
				}
				outs = append(outs, b.groupOut(out{Method: "document", Thread: x.thread, FileName: m.Poster.FileName, File: png, Text: text}))
				continue
			}
			for _, o := range split(out{Method: "send", Thread: x.thread, Text: text, Inline: b.keys(lang, m.Buttons)}) {
				g := b.groupOut(o)
				// An answer in a case's topic is the case's, addressed
				// by thread.
				g.Case, g.Lane = m.Case, m.Case
				outs = append(outs, g)
			}
		case staff.Pressed:
			g := b.groupOut(out{Method: "keys", MessageID: x.in.MessageID, Inline: b.keys(lang, m.Buttons)})
			g.Case, g.Lane = m.Case, m.Case
			outs = append(outs, g)
		case staff.Topic:
			outs = append(outs, b.topicOut(m))
		case staff.Thread:
			o := out{Method: "send", Thread: m.Thread, Text: text}
			if m.Kind == staff.DeleteTopic {
				o = out{Method: "topic_delete", Thread: m.Thread}
			}
			outs = append(outs, b.groupOut(o))
		case staff.Family:
			fam, err := b.familyOuts(ctx, m)
			if err != nil {
				return nil, err
			}
			outs = append(outs, fam...)
		}
	}
	return outs, nil
}

// familyOuts is a staff message to a family's chat, in its language.
func (b *Bot) familyOuts(ctx context.Context, m staff.Message) ([]store.Out, error) {
	lang := b.langOr(m.Lang)
	text, keys := b.lines(lang, m.Lines), b.keys(lang, m.Buttons)
	calls := split(out{Method: "send", ChatID: m.Chat, Text: text, Inline: keys})
	switch {
	case m.Card != nil:
		photo, err := b.cardPhoto(ctx, lang, m.Chat, *m.Card, staffTexts(m.Lines))
		if err != nil {
			return nil, err
		}
		calls = []out{photo}
	case m.Kind == staff.Copy:
		o := out{Method: "copy", ChatID: m.Chat, FromChat: m.From, MessageID: m.Copied, Inline: keys}
		if m.Caption {
			o.Caption = &text
		}
		calls = []out{o}
	}
	p := store.PriorityReply
	if m.Later {
		p = store.PriorityBackground
	}
	var outs []store.Out
	for _, o := range calls {
		outs = append(outs, store.Out{ChatID: m.Chat, Priority: p, Payload: encode(o)})
	}
	return outs, nil
}

// topicOut is a staff message to a case's topic.
func (b *Bot) topicOut(m staff.Message) store.Out {
	lang := b.cfg.GroupLang
	text := b.lines(lang, m.Lines)
	o := out{Method: "send", Case: m.Case, Text: text, Inline: b.keys(lang, m.Buttons)}
	switch m.Kind {
	case staff.Copy:
		o = out{Method: "copy", Case: m.Case, FromChat: m.From, MessageID: m.Copied}
	case staff.Held:
		o = out{Method: "held", Case: m.Case}
	case staff.CloseTopic:
		o = out{Method: "topic_close", Case: m.Case}
	case staff.Retitle:
		o = out{Method: "topic_title", Case: m.Case, Text: text}
	case staff.ReopenTopic:
		o = out{Method: "topic_reopen", Case: m.Case}
	case staff.PinSummary:
		o.Pin, o.Summary = true, true
	case staff.EditSummary:
		o.Method, o.Summary = "edit", true
	case staff.Alert:
		for i, d := range m.Mention {
			sep := " "
			if i == 0 {
				sep = "\n"
			}
			o.Text += sep
			o.Mentions = append(o.Mentions, mention{Offset: utf16Len(o.Text), Length: utf16Len(d.FirstName), User: d.UserID})
			o.Text += d.FirstName
		}
		return b.alertOut(o)
	}
	return b.groupOut(o)
}

// poster draws a referral code's poster: its line in every language.
func (b *Bot) poster(p staff.Poster) ([]byte, error) {
	var lines []string
	for _, l := range b.render.loc.Languages() {
		lines = append(lines, b.render.loc.Message(l, "poster.line", nil, nil))
	}
	return picture.PosterPNG(picture.Poster{Title: p.Title, Lines: lines, Link: p.Link})
}

// staffTexts are the lines of a card's caption, as the card's picture
// writes them: paragraphs.
func staffTexts(ls []staff.Line) []flows.Text {
	ts := make([]flows.Text, len(ls))
	for i, l := range ls {
		ts[i] = l.Text
	}
	return ts
}

// keys localizes staff's buttons.
func (b *Bot) keys(lang string, rows [][]staff.Button) [][]inlineButton {
	var keys [][]inlineButton
	for _, row := range rows {
		var r []inlineButton
		for _, k := range row {
			label := b.line(lang, k.Label)
			if k.Max > 0 {
				label = truncate(label, k.Max)
			}
			r = append(r, inlineButton{Text: label, Data: k.Data})
		}
		keys = append(keys, r)
	}
	return keys
}

// lines localizes a staff message's lines.
func (b *Bot) lines(lang string, ls []staff.Line) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = b.line(lang, l)
	}
	return strings.Join(parts, "\n")
}

func (b *Bot) line(lang string, l staff.Line) string {
	switch {
	case l.Parts != nil:
		var s strings.Builder
		for _, p := range l.Parts {
			s.WriteString(b.line(lang, p))
		}
		return s.String()
	case l.Topic != 0:
		return topicLink(b.cfg.Group, l.Topic)
	case l.Text.ID != "":
		t := l.Text
		for k, v := range t.Data {
			if v, ok := v.(staff.Line); ok {
				// A list of lines inside a text: written first.
				t.Data = maps.Clone(t.Data)
				t.Data[k] = b.line(lang, v)
			}
		}
		return b.render.text(lang, t)
	}
	return l.Raw
}
