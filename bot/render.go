package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"polku"
	"polku/flows"
	"polku/internal/ical"
	"polku/locales"
	"polku/staff"
	"polku/store"
)

// out is one call to the Bot API as stored in the outbox: already
// localized, so the sender only sends.
type out struct {
	// Method is the call: "send", "edit", "keys" (only the inline
	// keyboard), "document", "photo", "copy", "held" (the notice of a
	// family's held messages), "react" (the reaction Text, an emoji, to
	// message MessageID), "topic_close", "topic_reopen", "topic_title" or
	// "topic_delete" (outbox), or "answer" (a button's answer, sent
	// straight after the commit).
	Method    string           `json:"m"`
	ChatID    int64            `json:"chat"`
	MessageID int              `json:"msg,omitempty"`
	Text      string           `json:"text,omitempty"`
	Inline    [][]inlineButton `json:"inline,omitempty"`
	Keyboard  [][]keyButton    `json:"kb,omitempty"`
	Remove    bool             `json:"remove,omitempty"`
	// Callback is the callback query to answer.
	Callback string `json:"cb,omitempty"`
	// FileName and File are a document to send ("document"), with Text
	// as its caption; PhotoID a photo Telegram has already ("photo").
	FileName string `json:"fn,omitempty"`
	File     []byte `json:"file,omitempty"`
	PhotoID  string `json:"photo,omitempty"`
	// Thread is the forum topic of a message to the coordinators' group.
	// Case names the case whose topic a message goes to instead: the
	// topic is looked up (and made, the first time) when it is sent.
	Thread int   `json:"thread,omitempty"`
	Case   int64 `json:"case,omitempty"`
	// FromChat is the chat a "copy" copies MessageID from; Caption, when
	// set, replaces a copied media's caption.
	FromChat int64   `json:"from,omitempty"`
	Caption  *string `json:"caption,omitempty"`
	// Pin pins the message once it is sent; Summary records it as its
	// case's summary message.
	Pin     bool `json:"pin,omitempty"`
	Summary bool `json:"summary,omitempty"`
	// Mentions mark coordinators' names in Text, so Telegram notifies
	// them.
	Mentions []mention `json:"mentions,omitempty"`
	// card is a wellbeing card still to be drawn as the photo (see
	// Bot.drawCards); it is never stored.
	card *polku.Card
}

// mention is a text_mention of a user: Offset and Length in UTF-16 code
// units, as Telegram counts.
type mention struct {
	Offset int   `json:"o"`
	Length int   `json:"l"`
	User   int64 `json:"u"`
}

type inlineButton struct {
	Text string `json:"t"`
	Data string `json:"d,omitempty"`
	URL  string `json:"u,omitempty"`
}

type keyButton struct {
	Text    string `json:"t"`
	Contact bool   `json:"c,omitempty"`
}

// maxText is Telegram's limit for one message, in UTF-16 code units.
const maxText = 4096

// renderer localizes the flows' replies.
type renderer struct {
	loc *locales.Bundle
	// tz is the deployment's time zone: times are written in it.
	tz *time.Location
	// now is the service's clock: a date outside the current year is
	// written with its year. Nil writes no year.
	now func() time.Time
}

// at is r with its clock stopped at t.
func (r renderer) at(t time.Time) renderer {
	r.now = func() time.Time { return t }
	return r
}

// text localizes a Text, localizing nested Text values of its data first.
func (r renderer) text(lang string, t flows.Text) string {
	var data map[string]any
	if len(t.Data) > 0 {
		data = make(map[string]any, len(t.Data))
		for k, v := range t.Data {
			data[k] = r.value(lang, v)
		}
	}
	var count any
	if t.Count != nil {
		count = *t.Count
	}
	return r.loc.Message(lang, t.ID, data, count)
}

func (r renderer) value(lang string, v any) any {
	switch v := v.(type) {
	case flows.Text:
		return r.text(lang, v)
	case []flows.Text:
		parts := make([]string, len(v))
		for i, t := range v {
			parts[i] = r.text(lang, t)
		}
		return strings.Join(parts, ", ")
	case flows.When:
		return r.when(lang, v)
	case flows.Money:
		return r.loc.Message(lang, "money", map[string]any{"Euros": int(v) / 100, "Cents": fmt.Sprintf("%02d", int(v)%100)}, nil)
	}
	return v
}

// when writes a time in the language's own way, in the deployment's
// time zone.
func (r renderer) when(lang string, w flows.When) string {
	tz := r.tz
	if tz == nil {
		tz = time.UTC
	}
	start := w.Start.In(tz)
	clock := func(t time.Time) string {
		return r.loc.Message(lang, "time.clock", map[string]any{"Hour": t.Hour(), "Minute": fmt.Sprintf("%02d", t.Minute())}, nil)
	}
	if w.Clock {
		return clock(start)
	}
	// The year only when it is not this one ("valid until Mon 31 May"
	// would be read as this May).
	year := ""
	if r.now != nil && r.now().In(tz).Year() != start.Year() {
		year = strconv.Itoa(start.Year())
	}
	date := r.loc.Message(lang, "time.date", map[string]any{
		"Weekday": r.loc.Message(lang, "time.weekday."+strconv.Itoa(int(start.Weekday())), nil, nil),
		// The month as the language writes it in a date: "12" or "Dec".
		"Day": start.Day(), "Month": r.loc.Message(lang, "time.month."+strconv.Itoa(int(start.Month())), nil, nil), "Year": year,
	}, nil)
	if w.Day {
		return date
	}
	if !w.End.After(w.Start) {
		return r.loc.Message(lang, "time.at", map[string]any{"Date": date, "From": clock(start)}, nil)
	}
	return r.loc.Message(lang, "time.span", map[string]any{"Date": date, "From": clock(start), "To": clock(w.End.In(tz))}, nil)
}

func (r renderer) paragraphs(lang string, ts []flows.Text) string {
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		parts = append(parts, r.text(lang, t))
	}
	return strings.Join(parts, "\n\n")
}

// answer is the answer to a pressed button, with the step's notice if any.
func (r renderer) answer(lang string, chat int64, callback string, res flows.Result) *out {
	if callback == "" {
		return nil
	}
	a := &out{Method: "answer", ChatID: chat, Callback: callback}
	if res.Toast != nil {
		a.Text = truncate(r.text(lang, *res.Toast), 200)
	}
	return a
}

// replies turns the result of a step into outbox calls for chat. A notice
// for typed input becomes a message of its own.
//
// A notice that the step says before a new message goes out as that
// message's first paragraph ("please answer with the buttons", then the
// question and its buttons): one answer, the buttons right under what
// the person reads, and the chat not filled with two messages for one
// thing said.
func (r renderer) replies(lang string, chat int64, callback string, res flows.Result) []out {
	var outs []out
	if callback == "" && res.Toast != nil {
		outs = append(outs, out{Method: "send", ChatID: chat, Text: r.text(lang, *res.Toast)})
	}
	for _, rep := range res.Replies {
		o := out{Method: "send", ChatID: chat, Text: r.paragraphs(lang, rep.Text), Remove: rep.RemoveKeyboard}
		if n := len(outs) - 1; n >= 0 && rep.Edit == 0 && rep.Card == nil && plain(outs[n]) && utf16Len(outs[n].Text)+2+utf16Len(o.Text) <= maxText {
			o.Text = outs[n].Text + "\n\n" + o.Text
			outs = outs[:n]
		}
		if rep.Edit != 0 {
			o.Method, o.MessageID = "edit", rep.Edit
		}
		o.Inline = r.inline(lang, rep.Inline)
		for _, row := range rep.Keyboard {
			var rr []keyButton
			for _, b := range row {
				rr = append(rr, keyButton{Text: r.text(lang, b.Label), Contact: b.Contact})
			}
			o.Keyboard = append(o.Keyboard, rr)
		}
		if rep.Card != nil {
			o.Method, o.card = "photo", rep.Card
			outs = append(outs, o)
			continue
		}
		outs = append(outs, split(o)...)
		if rep.Calendar != nil {
			outs = append(outs, r.calendar(lang, chat, rep.Calendar.SignUp))
		}
	}
	return outs
}

// plain is a message of text alone, which the next message may take in.
func plain(o out) bool {
	return o.Method == "send" && o.Text != "" && o.Inline == nil && o.Keyboard == nil && !o.Remove &&
		o.Mentions == nil && o.Case == 0 && o.Thread == 0 && !o.Pin && !o.Summary
}

// inline is an inline keyboard in lang; empty rows are left out.
func (r renderer) inline(lang string, rows [][]flows.Button) [][]inlineButton {
	var out [][]inlineButton
	for _, row := range rows {
		var rr []inlineButton
		for _, b := range row {
			rr = append(rr, inlineButton{Text: r.text(lang, b.Label), Data: b.Payload, URL: b.URL})
		}
		if rr != nil {
			out = append(out, rr)
		}
	}
	return out
}

// calendar is a sign-up's session as a calendar file (.ics).
func (r renderer) calendar(lang string, chat int64, su polku.SignUp) out {
	a, ses := su.Activity, su.Session()
	place := a.Place.Name
	if a.Place.Address != "" {
		place += ", " + a.Place.Address
	}
	desc := a.Description.In(lang)
	if a.Contact != "" {
		org := a.Organiser
		if name, fictional := a.OrganiserName(); fictional {
			org = r.loc.Message(lang, "organiser.fictional", map[string]any{"Name": name}, nil)
		}
		desc = strings.TrimSpace(desc + "\n\n" + org + ": " + a.Contact)
	}
	var b bytes.Buffer
	err := ical.Write(&b, r.tz, ical.Event{
		UID:   fmt.Sprintf("polku-signup-%d@polku", su.ID),
		Start: ses.Start, End: ses.End,
		Summary: a.Title.In(lang), Description: desc, Location: place,
		URL: a.InfoURL, Status: "CONFIRMED", Created: su.Created,
	})
	if err != nil {
		panic(fmt.Sprintf("write calendar: %v", err)) // writes to memory: cannot fail
	}
	return out{Method: "document", ChatID: chat, FileName: fmt.Sprintf("polku-%d.ics", su.ID), File: b.Bytes(),
		Text: r.loc.Message(lang, "act.calendar", map[string]any{"Title": a.Title.In(lang)}, nil)}
}

// split cuts a message longer than Telegram allows at paragraph or line
// breaks; the buttons go with the last part.
func split(o out) []out {
	if utf16Len(o.Text) <= maxText || o.Method != "send" {
		if o.Method == "edit" {
			o.Text = truncate(o.Text, maxText)
		}
		return []out{o}
	}
	var parts []out
	rest := o.Text
	for utf16Len(rest) > maxText {
		cut := prefixUTF16(rest, maxText)
		if i := strings.LastIndex(cut, "\n"); i > len(cut)/2 {
			cut = cut[:i]
		}
		parts = append(parts, out{Method: "send", ChatID: o.ChatID, Text: cut})
		rest = strings.TrimLeft(rest[len(cut):], "\n")
	}
	if strings.TrimSpace(rest) == "" {
		// Nothing but white space is left: Telegram would refuse it, and
		// the buttons with it. They go with the last real part.
		o.Text = parts[len(parts)-1].Text
		parts = parts[:len(parts)-1]
	} else {
		o.Text = rest
	}
	return append(parts, o)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// prefixUTF16 is the longest prefix of s of at most n UTF-16 code units.
func prefixUTF16(s string, n int) string {
	used := 0
	for i, r := range s {
		used += utf16.RuneLen(r)
		if used > n {
			return s[:i]
		}
	}
	return s
}

func truncate(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	return prefixUTF16(s, n-1) + "…"
}

// fold makes a label comparable with what a person types: folded
// (flows.Fold: NFC, case folding, nothing invisible), then only letters,
// their marks and digits, so emoji and punctuation need not be typed.
func fold(s string) string {
	var b strings.Builder
	for _, r := range flows.Fold(s) {
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// typedButton finds the button of the current question whose label the
// person typed, so that typing "Kuusamo" works like pressing it.
func (r renderer) typedButton(lang string, ask flows.Reply, typed string) (string, bool) {
	want := fold(typed)
	if want == "" {
		return "", false
	}
	for _, rows := range [][][]flows.Button{ask.Inline, ask.Keyboard} {
		for _, row := range rows {
			for _, b := range row {
				if b.Payload != "" && fold(r.text(lang, b.Label)) == want {
					return b.Payload, true
				}
			}
		}
	}
	return "", false
}

func encode(o out) []byte {
	b, err := json.Marshal(o)
	if err != nil {
		panic(fmt.Sprintf("encode outbox call: %v", err)) // only plain types: cannot happen
	}
	return b
}

// The staff side rendered: package staff decides what coordinators and
// providers get (staff.Message); what follows turns it into outbox calls.

// staffOuts renders staff's messages as outbox calls, answering x (the
// topic written in, the message pressed). Only a card's picture can fail
// (its link asks Telegram the bot's name).
func (b *Bot) staffOuts(ctx context.Context, group int64, x incoming, ms []staff.Message) ([]store.Out, error) {
	var outs []store.Out
	lang := b.cfg.GroupLang
	for _, m := range ms {
		text := b.lines(lang, m.Lines)
		g := group
		if m.Group != 0 {
			g = m.Group // a case moved: its new group, or the one it left
		}
		if g == 0 && (m.To != staff.Family || m.Kind == staff.Received) {
			// The case's municipality has no group: stored only, and no
			// receipt says the family's message went on.
			continue
		}
		switch m.To {
		case staff.Here:
			if m.Poster != nil {
				png, err := b.poster(*m.Poster)
				if err != nil {
					return nil, err
				}
				outs = append(outs, b.groupOut(g, out{Method: "document", Thread: x.thread, FileName: m.Poster.FileName, File: png, Text: text}))
				continue
			}
			for _, o := range split(out{Method: "send", Thread: x.thread, Text: text, Inline: b.keys(lang, m.Buttons)}) {
				o := b.groupOut(g, o)
				// An answer in a case's topic is the case's, addressed
				// by thread.
				o.Case, o.Lane = m.Case, m.Case
				outs = append(outs, o)
			}
		case staff.Pressed:
			o := b.groupOut(g, out{Method: "keys", MessageID: x.in.MessageID, Inline: b.keys(lang, m.Buttons)})
			o.Case, o.Lane = m.Case, m.Case
			outs = append(outs, o)
		case staff.Topic:
			outs = append(outs, b.topicOut(g, m))
		case staff.Thread:
			o := out{Method: "send", Thread: m.Thread, Text: text}
			if m.Kind == staff.DeleteTopic {
				o = deleteTopic(m.Thread)
			}
			outs = append(outs, b.groupOut(g, o))
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

// receipt is the reaction that tells a family its message was taken into
// its case (staff.Received): "OK", seen, passed on. It is one of the
// emoji Telegram allows as a reaction.
const receipt = "👌"

// familyOuts is a staff message to a family's chat, in its language. A
// receipt goes on the family's own lane, after what the chat was sent
// before and before what it is sent next.
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
	case m.Kind == staff.Received:
		calls = []out{{Method: "react", ChatID: m.Chat, MessageID: m.Copied, Text: receipt}}
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
func (b *Bot) topicOut(group int64, m staff.Message) store.Out {
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
	case staff.Moved:
		o = out{Method: "topic_move", Case: m.Case, Text: text}
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
		return b.alertOut(group, o)
	}
	return b.groupOut(group, o)
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
		return topicLink(l.Group, l.Topic)
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

// groupOut is a message to a coordinators' group. One addressed to a
// case's topic is stored as the case's, so that erasing the family's data
// deletes it with the case, sent or not.
//
// A case's messages go in the case's lane: in order among themselves, but
// side by side with other cases', each case taking its turn (the group
// takes about 20 messages a minute).
func (b *Bot) groupOut(group int64, o out) store.Out {
	o.ChatID = group
	return store.Out{ChatID: group, Priority: store.PriorityReply, Payload: encode(o), Case: o.Case, Lane: o.Case}
}

// deleteTopic deletes a forum topic, named by its thread rather than its
// case: the case is gone when it is sent.
func deleteTopic(thread int) out { return out{Method: "topic_delete", Thread: thread} }

// alertOut is an urgent alert to the group: on a lane of its own, before
// every other message, however long a case's backlog.
func (b *Bot) alertOut(group int64, o out) store.Out {
	a := b.groupOut(group, o)
	a.Priority, a.Lane = store.PriorityAlert, store.LaneAlerts
	return a
}

// summary is the first message of a case's topic (see staff.Summary).
func (b *Bot) summary(lang string, c polku.Case, conv flows.Conversation, phone string) string {
	return b.lines(lang, staff.Summary(c, conv, phone))
}

// caseKeys are the buttons of a case's summary.
func (b *Bot) caseKeys(lang string, c polku.Case) [][]inlineButton {
	return b.keys(lang, staff.CaseKeys(c))
}
