package bot

// The staff side's hooks: package staff decides what coordinators and
// providers do (see its doc); this file hands it the store's transaction
// through the interfaces staff declares, and the updates it reads. The
// coordinators' group's updates come in through coordinate (apply.go);
// the family's side of a case (opening it, relaying, withdrawing) through
// the effects of a family's step; a provider's private chat through
// provider. What staff returns is rendered in render.go.

import (
	"context"
	"strings"

	"polku"
	"polku/flows"
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

// The family's side of a case, in the transaction of the family's update:
// staff decides (staff.Cases).

// caseTx is the family's transaction as staff's cases call it.
type caseTx struct {
	staffTx
	group int64
}

func (t caseTx) OpenCase(ctx context.Context, r staff.CaseRequest) (c, before polku.Case, did staff.Opening, err error) {
	c, before, opening, err := t.Tx.OpenCase(ctx, store.CaseRequest{Share: r.Share, Urgent: r.Urgent, Municipality: r.Municipality, Bands: r.Bands})
	switch opening {
	case store.CaseNew:
		did = staff.New
	case store.CaseReopened:
		did = staff.Reopened
	}
	return c, before, did, err
}

// Backlog counts the messages waiting for a case's topic.
func (t caseTx) Backlog(ctx context.Context, caseID int64) (int, error) {
	return t.Waiting(ctx, t.group, caseID)
}

func (b *Bot) caseTx(tx *store.Tx) caseTx { return caseTx{staffTx{tx}, b.cfg.Group} }

// openCase opens the family's case (see staff.Cases.Open).
func (b *Bot) openCase(ctx context.Context, tx *store.Tx, conv flows.Conversation, share, urgent bool) (polku.Case, []store.Out, bool, error) {
	c, ms, written, err := b.cases.Open(ctx, b.caseTx(tx), conv, share, urgent)
	if err != nil {
		return c, nil, false, err
	}
	outs, err := b.staffOuts(ctx, incoming{}, ms)
	return c, outs, written, err
}

// refreshFamily refreshes the summary of the family's case, if it has one.
func (b *Bot) refreshFamily(ctx context.Context, tx *store.Tx, conv flows.Conversation) ([]store.Out, error) {
	ms, err := b.cases.Refresh(ctx, b.caseTx(tx), conv)
	if err != nil {
		return nil, err
	}
	return b.staffOuts(ctx, incoming{}, ms)
}

// relay copies a family's message to its case's topic (see
// staff.Cases.Relay).
func (b *Bot) relay(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, e flows.Relay) ([]store.Out, bool, error) {
	ms, written, err := b.cases.Relay(ctx, b.caseTx(tx), chat, conv, e)
	if err != nil {
		return nil, false, err
	}
	outs, err := b.staffOuts(ctx, incoming{}, ms)
	return outs, written, err
}

// withdraw takes the family's answers out of the coordinators' sight, or
// its whole topic when it erases its data (see staff.Cases.Withdraw).
func (b *Bot) withdraw(ctx context.Context, tx *store.Tx, erase bool) ([]store.Out, error) {
	ms, err := b.cases.Withdraw(ctx, b.caseTx(tx), erase)
	if err != nil {
		return nil, err
	}
	return b.staffOuts(ctx, incoming{}, ms)
}

// Activity providers in their private chat with the bot: staff decides
// (see staff.Providers).

// provider handles a provider's update. It reports whether the update was
// one (handled); the family flows get every other update.
func (b *Bot) provider(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, x incoming) (*out, bool, error) {
	in := staff.Input{User: x.from, Pressed: x.in.MessageID, Lang: conv.Lang}
	switch x.in.Kind {
	case flows.KindCommand:
		in.Command, in.Arg = x.in.Command, x.in.Text
	case flows.KindButton:
		in.Data = x.in.Payload
	default:
		return nil, false, nil
	}
	if x.user != nil {
		in.Name = x.user.FirstName
	}
	ms, toast, handled, err := b.providers.Handle(ctx, tx, in)
	if !handled || err != nil {
		return nil, handled, err
	}
	lang := conv.Lang
	var outs []store.Out
	for _, m := range ms {
		if m.Visits != nil {
			more, err := b.visitsOuts(chat, lang, b.lines(lang, m.Lines), *m.Visits, m.CSV)
			if err != nil {
				return nil, true, err
			}
			outs = append(outs, more...)
			continue
		}
		o := out{Method: "send", ChatID: chat, Text: b.lines(lang, m.Lines), Inline: b.keys(lang, m.Buttons)}
		if m.Edit != 0 {
			o.Method, o.MessageID = "edit", m.Edit
		}
		outs = append(outs, store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(o)})
	}
	var answer *out
	if x.callback != "" {
		answer = &out{Method: "answer", ChatID: chat, Callback: x.callback, Text: b.line(lang, toast)}
	}
	return answer, true, tx.Finish(ctx, outs)
}
