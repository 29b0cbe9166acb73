package bot

import (
	"context"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// The family's side of a case, in the transaction of the family's update:
// staff decides (staff.Cases); this file hands it the store and renders
// what the coordinators get.

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

// alertOut is an urgent alert to the group: on a lane of its own, before
// every other message, however long a case's backlog.
func (b *Bot) alertOut(o out) store.Out {
	a := b.groupOut(o)
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
