package bot

import (
	"context"
	"fmt"
	"strings"

	"polku"
	"polku/flows"
	"polku/store"
)

// The family's side of a case, in the transaction of the family's update:
// opening (or reopening) the case, copying the family's messages to its
// topic, and taking the topic away when the family erases its data.

// groupOut is a message to the coordinators' group. One addressed to a
// case's topic is stored as the case's, so that erasing the family's data
// deletes it with the case, sent or not.
//
// A case's messages go in the case's lane: in order among themselves, but
// side by side with other cases', each case taking its turn (the group
// takes about 20 messages a minute).
func (b *Bot) groupOut(o out) store.Out {
	o.ChatID = b.cfg.Group
	return store.Out{ChatID: b.cfg.Group, Priority: store.PriorityReply, Payload: encode(o), Case: o.Case, Lane: o.Case}
}

// maxCaseBacklog is how many messages may wait for a case's topic before
// what the family sends is held; showHeld is how many one press of the
// notice's button brings in.
const (
	maxCaseBacklog = 10
	showHeld       = 20
)

// alertOut is an urgent alert to the group: on a lane of its own, before
// every other message, however long a case's backlog.
func (b *Bot) alertOut(o out) store.Out {
	a := b.groupOut(o)
	a.Priority, a.Lane = store.PriorityAlert, store.LaneAlerts
	return a
}

// ofCase marks the group's messages among outs that are not yet a case's
// as case c's: the bot's answers in the case's topic, addressed by thread
// (an answer to /answers shows the family's answers).
func (b *Bot) ofCase(outs []store.Out, c polku.Case) []store.Out {
	for i := range outs {
		if outs[i].ChatID == b.cfg.Group && outs[i].Case == 0 {
			outs[i].Case, outs[i].Lane = c.ID, c.ID
		}
	}
	return outs
}

// bands lists the age bands of the family's children, for the topic.
func bands(a polku.Answers) string {
	var bs []string
	for _, band := range polku.AgeBands {
		if a.Children[band] > 0 {
			bs = append(bs, string(band))
		}
	}
	return strings.Join(bs, ",")
}

// openCase opens the family's case (or opens it again), and tells the
// coordinators: a new case gets its topic with the summary pinned; a
// reopened one is opened again; an urgent one alerts the coordinators on
// duty.
//
// written reports that the case's summary was written (or rewritten) as it
// is now, so the step need not refresh it again.
func (b *Bot) openCase(ctx context.Context, tx *store.Tx, conv flows.Conversation, share, urgent bool) (c polku.Case, outs []store.Out, written bool, err error) {
	req := store.CaseRequest{Share: share, Urgent: urgent}
	if share {
		if m := conv.Answers.Municipality; m != "other" {
			req.Municipality = m
		}
		req.Bands = bands(conv.Answers)
	}
	c, before, did, err := tx.OpenCase(ctx, req)
	if err != nil {
		return c, nil, false, err
	}
	if did == store.CaseNew {
		if err := tx.Count(ctx, "case_opened", c.Municipality); err != nil {
			return c, nil, false, err
		}
	}
	if b.cfg.Group == 0 {
		return c, nil, true, nil
	}
	lang := b.cfg.GroupLang
	switch did {
	case store.CaseNew:
		written = true
		text, err := b.summaryIn(ctx, tx, lang, c, conv)
		if err != nil {
			return c, nil, false, err
		}
		outs = append(outs, b.groupOut(out{Method: "send", Case: c.ID, Text: text,
			Inline: b.caseKeys(lang, c), Pin: true, Summary: true}))
	case store.CaseReopened:
		outs = append(outs,
			b.groupOut(out{Method: "topic_reopen", Case: c.ID}),
			b.groupOut(out{Method: "send", Case: c.ID, Text: b.render.loc.Message(lang, "case.reopened", nil, nil)}))
	}
	shared := did != store.CaseNew && c.Shared && !before.Shared
	// The topic's title and summary change only with what they show:
	// not for every message the family sends (the group has 20 a minute).
	if shared || urgent && !before.Urgent {
		outs = append(outs, b.groupOut(out{Method: "topic_title", Case: c.ID, Text: topicTitle(c)}))
	}
	if shared || did == store.CaseReopened {
		// The answers now shown, or the buttons of an open case again.
		written = true
		edit, err := b.refresh(ctx, tx, lang, c, conv)
		if err != nil {
			return c, nil, false, err
		}
		outs = append(outs, edit)
	}
	if urgent {
		alert, err := b.alert(ctx, tx, lang, c)
		if err != nil {
			return c, nil, false, err
		}
		outs = append(outs, alert)
	}
	return c, outs, written, nil
}

// summary is the first message of a case's topic: the family's answers
// when it agreed to share them; else only the number it asked to be
// called at (phone), if it did.
func (b *Bot) summary(lang string, c polku.Case, conv flows.Conversation, phone string) string {
	loc := b.render.loc
	a := conv.Answers
	head := b.summaryHead(lang, c, conv.Lang)
	switch {
	case c.Shared && (a.Municipality != "" || len(a.Children) > 0):
		return head + "\n\n" + loc.Message(lang, "case.shared", nil, nil) + "\n\n" + b.render.text(lang, flows.AnswersText(a))
	case c.Shared:
		return head + "\n\n" + loc.Message(lang, "case.no_answers", nil, nil)
	}
	id := "case.not_shared"
	if conv.Sharing {
		id = "case.share_asked"
	}
	text := head + "\n\n" + loc.Message(lang, id, nil, nil)
	if phone != "" {
		text += "\n\n" + loc.Message(lang, "case.call", map[string]any{"Phone": phone}, nil)
	}
	return text
}

// summaryHead is the first lines of a case's summary: its number, and the
// language the family uses the bot in, whatever it shared, so that the
// coordinators know how to write to it.
func (b *Bot) summaryHead(lang string, c polku.Case, familyLang string) string {
	loc := b.render.loc
	head := loc.Message(lang, "case.title", map[string]any{"ID": c.ID}, nil)
	if familyLang != "" {
		head += "\n" + loc.Message(lang, "case.language", map[string]any{"Language": loc.Message(lang, "language.name."+familyLang, nil, nil)}, nil)
	}
	return head
}

// summaryIn is the case's summary in the transaction of the family's
// update.
func (b *Bot) summaryIn(ctx context.Context, tx *store.Tx, lang string, c polku.Case, conv flows.Conversation) (string, error) {
	phone := ""
	if !c.Shared {
		var err error
		if phone, err = tx.CallRequested(ctx, c.ChatID); err != nil {
			return "", err
		}
	}
	return b.summary(lang, c, conv, phone), nil
}

// refresh writes the case's pinned summary again. The summary's message
// is named by the case and found when the edit is sent: it may not have
// been sent yet when the edit is queued.
func (b *Bot) refresh(ctx context.Context, tx *store.Tx, lang string, c polku.Case, conv flows.Conversation) (store.Out, error) {
	text, err := b.summaryIn(ctx, tx, lang, c, conv)
	if err != nil {
		return store.Out{}, err
	}
	return b.groupOut(out{Method: "edit", Case: c.ID, Summary: true, Text: text, Inline: b.caseKeys(lang, c)}), nil
}

// refreshFamily refreshes the summary of the family's case, if it has
// one, after its answers or its contact choice changed. It runs once, after
// the step's effects are stored, so it shows all of them.
func (b *Bot) refreshFamily(ctx context.Context, tx *store.Tx, conv flows.Conversation) ([]store.Out, error) {
	if b.cfg.Group == 0 {
		return nil, nil
	}
	c, err := tx.FamilyCase(ctx)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	edit, err := b.refresh(ctx, tx, b.cfg.GroupLang, c, conv)
	return []store.Out{edit}, err
}

// alert tells the coordinators on duty, by mentioning them, that a family
// wrote a safety word.
func (b *Bot) alert(ctx context.Context, tx *store.Tx, lang string, c polku.Case) (store.Out, error) {
	duty, err := tx.OnDuty(ctx)
	if err != nil {
		return store.Out{}, err
	}
	text := b.render.loc.Message(lang, "case.urgent", map[string]any{"ID": c.ID}, nil)
	var ms []mention
	if len(duty) == 0 {
		text += "\n" + b.render.loc.Message(lang, "case.urgent_nobody", nil, nil)
	}
	for i, d := range duty {
		sep := " "
		if i == 0 {
			sep = "\n"
		}
		text += sep
		ms = append(ms, mention{Offset: utf16Len(text), Length: utf16Len(d.FirstName), User: d.UserID})
		text += d.FirstName
	}
	return b.alertOut(out{Method: "send", Case: c.ID, Text: text, Mentions: ms}), nil
}

// caseKeys are the buttons of a case's summary.
func (b *Bot) caseKeys(lang string, c polku.Case) [][]inlineButton {
	l := func(id string, data map[string]any) string { return b.render.loc.Message(lang, id, data, nil) }
	id := fmt.Sprint(c.ID)
	if c.Status == polku.CaseClosed {
		return [][]inlineButton{{{Text: l("case.button.card", nil), Data: "C:card:" + id}}}
	}
	claim := inlineButton{Text: l("case.button.claim", nil), Data: "C:claim:" + id}
	if c.ClaimedBy != 0 {
		claim = inlineButton{Text: l("case.button.release", map[string]any{"Name": c.ClaimedName}), Data: "C:release:" + id}
	}
	return [][]inlineButton{
		{claim},
		{{Text: l("case.button.card", nil), Data: "C:card:" + id}, {Text: l("case.button.close", nil), Data: "C:close:" + id}},
	}
}

// relay copies a family's message to its case's topic, opening the case
// again when it was closed. An edited message is copied again, as it reads
// now, after a line that says so: a copy is the family's message whole
// (media, line breaks), and the line keeps it from passing for a new one.
//
// A family's messages come faster than the group takes them (about 20 a
// minute) only in a flood; then, past maxCaseBacklog copies waiting for the
// topic, its messages are held (their numbers kept, in order) and the topic
// gets one notice with a button that brings them in: the backlog stays
// bounded, other cases keep their turn, and nothing is lost. An urgent
// message or an edit is never held.
func (b *Bot) relay(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, e flows.Relay) ([]store.Out, bool, error) {
	c, outs, written, err := b.openCase(ctx, tx, conv, e.Share, e.Urgent)
	if err != nil || b.cfg.Group == 0 {
		return outs, written, err
	}
	if !e.Urgent && !e.Edited {
		held, err := tx.Holding(ctx, c.ID)
		if err != nil {
			return nil, false, err
		}
		waiting, err := tx.Waiting(ctx, b.cfg.Group, c.ID)
		if err != nil {
			return nil, false, err
		}
		if held > 0 || waiting >= maxCaseBacklog {
			if err := tx.Hold(ctx, c.ID, e.Message); err != nil {
				return nil, false, err
			}
			if held == 0 {
				outs = append(outs, b.groupOut(out{Method: "held", Case: c.ID}))
			}
			return outs, written, nil
		}
	}
	if e.Edited {
		outs = append(outs, b.groupOut(out{Method: "send", Case: c.ID, Text: b.render.loc.Message(b.cfg.GroupLang, "case.edited", nil, nil)}))
	}
	return append(outs, b.groupOut(out{Method: "copy", Case: c.ID, FromChat: chat, MessageID: e.Message})), written, nil
}

// withdraw takes the family's answers out of the coordinators' sight when
// the family declines the privacy notice (the case stays: the family may
// still talk to a person), or deletes the whole topic when it erases its
// data. It runs before the store forgets the case.
func (b *Bot) withdraw(ctx context.Context, tx *store.Tx, erase bool) ([]store.Out, error) {
	c, err := tx.FamilyCase(ctx)
	if erase {
		c, err = tx.LockFamilyCase(ctx)
	}
	if polku.ErrorCode(err) == polku.ENOTFOUND || b.cfg.Group == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if erase {
		// The topic holds copies of what the family wrote: it goes too.
		// The thread is named directly, as the case will be gone. The
		// group is told why in its General topic, so that nobody looks
		// for the case or thinks it lost.
		gone := b.render.loc.Message(b.cfg.GroupLang, "case.erased", map[string]any{"ID": c.ID}, nil)
		return []store.Out{
			b.groupOut(out{Method: "topic_delete", Thread: c.Thread}),
			b.groupOut(out{Method: "send", Text: gone}),
		}, nil
	}
	if !c.Shared {
		return nil, nil
	}
	c.Shared, c.Municipality, c.Bands = false, "", ""
	lang := b.cfg.GroupLang
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	text := b.summaryHead(lang, c, fam.Lang) + "\n\n" + b.render.loc.Message(lang, "case.withdrawn", nil, nil)
	return []store.Out{
		b.groupOut(out{Method: "topic_title", Case: c.ID, Text: topicTitle(c)}),
		b.groupOut(out{Method: "edit", Case: c.ID, Summary: true, Text: text, Inline: b.caseKeys(lang, c)}),
	}, nil
}
