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
	"encoding/json"
	"slices"
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

// groupTx is the store's transaction as a coordinators' group's staff
// calls it: it reaches that group's cases only. A case of another group is
// not found, as one that is gone, whatever its number or button says: a
// coordinator sees, takes and answers only the cases of a group they are
// a member of (the adapter checks the membership).
type groupTx struct {
	staffTx
	group int64
	db    *store.DB
	// served are the group's municipalities when the service has
	// several groups (nil: one group serves everything): its providers
	// and referral codes are those of its municipalities.
	served []string
}

// groupTx is tx as the staff of coordinators' group calls it.
func (b *Bot) groupTx(tx *store.Tx, group int64) groupTx {
	t := groupTx{staffTx: staffTx{tx}, group: group, db: b.db}
	if len(b.groups) > 1 {
		t.served = b.cfg.Service.Served(group)
	}
	return t
}

func (t groupTx) AddProvider(ctx context.Context, organiser, name string, by int64, linkDays int) (polku.Provider, []string, error) {
	return t.Tx.AddProviderIn(ctx, t.served, organiser, name, by, linkDays)
}

// ours keeps the providers of the organisers of the group's
// municipalities.
func (t groupTx) ours(ctx context.Context, ps []polku.Provider, err error) ([]polku.Provider, error) {
	if err != nil || t.served == nil {
		return ps, err
	}
	orgs, err := t.Tx.OrganisersIn(ctx, t.served)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ps, func(p polku.Provider) bool { return !slices.Contains(orgs, p.Organiser) }), nil
}

func (t groupTx) Providers(ctx context.Context) ([]polku.Provider, error) {
	ps, err := t.Tx.Providers(ctx)
	return t.ours(ctx, ps, err)
}

func (t groupTx) FindProviders(ctx context.Context, name string) ([]polku.Provider, error) {
	ps, err := t.Tx.FindProviders(ctx, name)
	return t.ours(ctx, ps, err)
}

func (t groupTx) RemoveProvider(ctx context.Context, id, by int64) (polku.Provider, error) {
	ps, err := t.Providers(ctx)
	if err != nil {
		return polku.Provider{}, err
	}
	if !slices.ContainsFunc(ps, func(p polku.Provider) bool { return p.ID == id }) {
		return polku.Provider{}, polku.Errorf(polku.ENOTFOUND, "provider %d is not the group's", id)
	}
	return t.Tx.RemoveProvider(ctx, id, by)
}

// Referrals are the codes of the group's municipalities and the codes
// for anyone.
func (t groupTx) Referrals(ctx context.Context) ([]polku.Referral, error) {
	refs, err := t.Tx.Referrals(ctx)
	if err != nil || t.served == nil {
		return refs, err
	}
	return slices.DeleteFunc(refs, func(r polku.Referral) bool {
		return r.Municipality != "" && !slices.Contains(t.served, r.Municipality)
	}), nil
}

// FamilyOf is the answers of a case's family as its summary shows them:
// the intake's answers so far while it has no profile yet, so that
// /answers and the pinned summary say the same.
func (t groupTx) FamilyOf(ctx context.Context, c polku.Case) (polku.Answers, bool, error) {
	a, ok, err := t.Tx.FamilyOf(ctx, c)
	if err != nil || !ok || a.Municipality != "" || len(a.Children) > 0 {
		return a, ok, err
	}
	data, err := t.db.Conversation(ctx, c.ChatID)
	var conv flows.Conversation
	if err != nil || data == nil || json.Unmarshal(data, &conv) != nil {
		return a, ok, err
	}
	return conv.Answers, true, nil
}

func (t groupTx) Case(ctx context.Context, id int64) (polku.Case, error) {
	return t.Tx.InGroup(ctx, t.group, id)
}

func (t groupTx) CaseByThread(ctx context.Context, thread int) (polku.Case, error) {
	return t.Tx.CaseByThread(ctx, t.group, thread)
}

func (t groupTx) OpenCases(ctx context.Context) ([]polku.Case, error) {
	return t.Tx.OpenCases(ctx, t.group)
}

// mine returns the error of a case that is not the group's.
func (t groupTx) mine(ctx context.Context, id int64) error {
	_, err := t.Tx.InGroup(ctx, t.group, id)
	return err
}

func (t groupTx) Claim(ctx context.Context, id, user int64, name string) (polku.Case, error) {
	if err := t.mine(ctx, id); err != nil {
		return polku.Case{}, err
	}
	return t.Tx.Claim(ctx, id, user, name)
}

func (t groupTx) Release(ctx context.Context, id int64) (polku.Case, error) {
	if err := t.mine(ctx, id); err != nil {
		return polku.Case{}, err
	}
	return t.Tx.Release(ctx, id)
}

func (t groupTx) CloseCase(ctx context.Context, id int64, outcome polku.Outcome) (polku.Case, error) {
	if err := t.mine(ctx, id); err != nil {
		return polku.Case{}, err
	}
	return t.Tx.CloseCase(ctx, id, outcome)
}

func (t groupTx) AddNote(ctx context.Context, caseID, coordinator int64, text string) error {
	if err := t.mine(ctx, caseID); err != nil {
		return err
	}
	return t.Tx.AddNote(ctx, caseID, coordinator, text)
}

func (t groupTx) Unhold(ctx context.Context, caseID int64, limit int) ([]int, int, error) {
	if err := t.mine(ctx, caseID); err != nil {
		return nil, 0, err
	}
	return t.Tx.Unhold(ctx, caseID, limit)
}

func (t groupTx) MoveCase(ctx context.Context, id int64, municipality string, group int64) (polku.Case, polku.Case, error) {
	if err := t.mine(ctx, id); err != nil {
		return polku.Case{}, polku.Case{}, err
	}
	return t.Tx.MoveCase(ctx, id, municipality, group)
}

// The family's side of a case, in the transaction of the family's update:
// staff decides (staff.Cases).

// caseTx is the family's transaction as staff's cases call it: a new case
// opens in route, the group of the family's municipality.
type caseTx struct {
	staffTx
	route int64
	// opened is the group of the case OpenCase opened in this
	// transaction, so that what follows (the backlog, the messages) need
	// not read the case again.
	opened *int64
}

func (t caseTx) OpenCase(ctx context.Context, r staff.CaseRequest) (c, before polku.Case, did staff.Opening, err error) {
	c, before, opening, err := t.Tx.OpenCase(ctx, store.CaseRequest{Share: r.Share, Urgent: r.Urgent, Municipality: r.Municipality, Bands: r.Bands, Group: t.route})
	if err == nil {
		*t.opened = c.Group
	}
	switch opening {
	case store.CaseNew:
		did = staff.New
	case store.CaseReopened:
		did = staff.Reopened
	}
	return c, before, did, err
}

// group is the group of the family's case (route when it has none yet).
func (t caseTx) group(ctx context.Context) (int64, error) {
	if *t.opened != 0 {
		return *t.opened, nil
	}
	c, err := t.Tx.FamilyCase(ctx)
	switch {
	case err == nil && c.Group != 0:
		return c.Group, nil
	case err != nil && polku.ErrorCode(err) != polku.ENOTFOUND:
		return 0, err
	}
	return t.route, nil
}

// Backlog counts the messages waiting for a case's topic.
func (t caseTx) Backlog(ctx context.Context, caseID int64) (int, error) {
	g, err := t.group(ctx)
	if err != nil {
		return 0, err
	}
	return t.Waiting(ctx, g, caseID)
}

// OnDuty are the coordinators on duty in the group of the family's case.
func (t caseTx) OnDuty(ctx context.Context) ([]polku.Coordinator, error) {
	g, err := t.group(ctx)
	if err != nil {
		return nil, err
	}
	return t.Tx.OnDuty(ctx, g)
}

func (b *Bot) caseTx(tx *store.Tx, conv flows.Conversation) caseTx {
	return caseTx{staffTx: staffTx{tx}, route: b.cfg.Service.GroupOf(conv.Answers.Municipality), opened: new(int64)}
}

// openCase opens the family's case (see staff.Cases.Open).
func (b *Bot) openCase(ctx context.Context, tx *store.Tx, conv flows.Conversation, share, urgent bool) (polku.Case, []store.Out, bool, error) {
	c, ms, written, err := b.cases.Open(ctx, b.caseTx(tx, conv), conv, share, urgent)
	if err != nil {
		return c, nil, false, err
	}
	outs, err := b.staffOuts(ctx, c.Group, incoming{}, ms)
	return c, outs, written, err
}

// refreshFamily refreshes the summary of the family's case, if it has one.
func (b *Bot) refreshFamily(ctx context.Context, tx *store.Tx, conv flows.Conversation) ([]store.Out, error) {
	t := b.caseTx(tx, conv)
	ms, err := b.cases.Refresh(ctx, t, conv)
	return b.toCase(ctx, t, ms, err)
}

// toCase queues staff's messages ms about the family's case (none for
// err) to the group of the case.
func (b *Bot) toCase(ctx context.Context, t caseTx, ms []staff.Message, err error) ([]store.Out, error) {
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	g, err := t.group(ctx)
	if err != nil {
		return nil, err
	}
	return b.staffOuts(ctx, g, incoming{}, ms)
}

// resettled tells the coordinators of the family's open case that its
// municipality, was before, is now of another group (see
// staff.Cases.Resettled).
func (b *Bot) resettled(ctx context.Context, tx *store.Tx, conv flows.Conversation, was, now string) ([]store.Out, error) {
	t := b.caseTx(tx, conv)
	ms, err := b.cases.Resettled(ctx, t, was, now)
	return b.toCase(ctx, t, ms, err)
}

// relay copies a family's message to its case's topic (see
// staff.Cases.Relay).
func (b *Bot) relay(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, e flows.Relay) ([]store.Out, bool, error) {
	t := b.caseTx(tx, conv)
	ms, written, err := b.cases.Relay(ctx, t, chat, conv, e)
	if err != nil {
		return nil, false, err
	}
	g, err := t.group(ctx)
	if err != nil {
		return nil, false, err
	}
	outs, err := b.staffOuts(ctx, g, incoming{}, ms)
	return outs, written, err
}

// withdraw takes the family's answers out of the coordinators' sight, or
// its whole topic when it erases its data (see staff.Cases.Withdraw).
func (b *Bot) withdraw(ctx context.Context, tx *store.Tx, conv flows.Conversation, erase bool) ([]store.Out, error) {
	t := b.caseTx(tx, conv)
	// The group first: the case is gone once the store forgets it.
	g, err := t.group(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := b.cases.Withdraw(ctx, t, erase)
	if err != nil {
		return nil, err
	}
	return b.staffOuts(ctx, g, incoming{}, ms)
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
