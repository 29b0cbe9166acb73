package bot

// The apply side of the adapter: applyLoop hands each chat with waiting
// updates to one worker, drain applies them in order, step runs one update
// through the flows in the store's transaction and writes the replies it
// renders to the outbox in that same transaction; effects and query do
// what a step asked for. An update of the coordinators' group goes to
// coordinate instead, which hands it to package staff. Button answers,
// which are not messages, are sent straight after the commit by
// answerLoop.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// applyLoop hands chats with waiting updates to the workers, one worker
// per chat at a time in this process; the store's chat lock does the same
// across processes. The chats waiting are shared out among the workers in
// groups of up to cfg.ApplyBatch, each applied in one transaction
// (drainMany).
func (b *Bot) applyLoop(ctx context.Context) {
	type result struct {
		chats []int64
		// elsewhere: the chats another process holds.
		elsewhere []int64
	}
	jobs := make(chan []int64)
	done := make(chan result, b.cfg.Workers)
	var wg sync.WaitGroup
	for range b.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chats := range jobs {
				done <- result{chats, b.drainMany(ctx, chats)}
			}
		}()
	}
	busy := map[int64]bool{}
	// Chats another process holds are left alone for a moment, so this
	// loop does not spin on them.
	later := map[int64]time.Time{}
	finish := func(r result) {
		for _, chat := range r.chats {
			delete(busy, chat)
		}
		for _, chat := range r.elsewhere {
			later[chat] = b.wall().Add(b.cfg.Idle)
		}
	}
	tick := time.NewTicker(b.cfg.Idle)
	defer func() {
		close(jobs)
		wg.Wait()
		tick.Stop()
	}()
	for ctx.Err() == nil {
		chats, err := b.db.PendingChats(ctx, b.cfg.Workers*b.cfg.ApplyBatch, b.wall())
		if err != nil && ctx.Err() == nil {
			b.log.Error("pending chats", "err", err)
		}
		now := b.wall()
		free := chats[:0]
		for _, chat := range chats {
			if busy[chat] || now.Before(later[chat]) {
				continue
			}
			delete(later, chat)
			free = append(free, chat)
		}
		gave := len(free) > 0
		// The staff's chats go one by one: their updates may wait on
		// Telegram (a topic to open, a file to fetch) or build a report,
		// and families' updates are not to wait beside them.
		var groups [][]int64
		families := free[:0]
		for _, chat := range free {
			if b.staffSide(chat) {
				groups = append(groups, []int64{chat})
			} else {
				families = append(families, chat)
			}
		}
		for _, group := range append(groups, share(families, b.cfg.ApplyBatch)...) {
		give:
			select {
			case jobs <- group:
				for _, chat := range group {
					busy[chat] = true
				}
			case r := <-done:
				finish(r)
				goto give
			case <-ctx.Done():
				return
			}
		}
		if gave {
			continue
		}
		select {
		case r := <-done:
			finish(r)
		case <-b.applyWake:
		case <-tick.C:
		case <-ctx.Done():
		}
	}
}

// staffSide reports whether chat is the coordinators' group, the
// managers' or a manager's own.
func (b *Bot) staffSide(chat int64) bool {
	return b.isGroup(chat) || chat == b.cfg.ManagersGroup && chat != 0 || slices.Contains(b.cfg.Managers, chat)
}

// share cuts chats into the fewest groups of at most most chats, whose
// sizes differ by one at most.
func share(chats []int64, most int) [][]int64 {
	n := (len(chats) + most - 1) / most
	groups := make([][]int64, 0, n)
	for i := range n {
		groups = append(groups, chats[i*len(chats)/n:(i+1)*len(chats)/n])
	}
	return groups
}

// drain applies the chat's waiting updates one by one. A transaction that
// has begun is finished even when ctx ends, so shutdown loses nothing. It
// reports whether another process holds the chat.
func (b *Bot) drain(ctx context.Context, chat int64) (elsewhere bool) {
	for ctx.Err() == nil {
		var a applied
		b.answering.Add(1)
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		did, err := b.db.Apply(work, chat, b.wall(), func(ctx context.Context, tx *store.Tx, p store.Pending) error {
			a.p = p
			var err error
			a.answer, a.conv, err = b.step(ctx, tx, p)
			return err
		})
		cancel()
		switch {
		case errors.Is(err, store.ErrBusy):
			b.answering.Add(-1)
			return true
		case polku.ErrorCode(err) == polku.EUNAVAILABLE:
			// The database is away: not the update's fault, so it does
			// not count against the update's attempts. The loop comes back.
			b.answering.Add(-1)
			b.log.Warn("database unavailable", "chat_id", chat, "err", err)
			return false
		}
		b.after(ctx, chat, did, err, a)
		if err != nil || !did {
			return false
		}
		wake(b.sendWake)
		if !a.p.More {
			// Nothing waited behind it: asking again would only find
			// nothing, at the cost of a transaction. An update that
			// came meanwhile wakes the loop, which gives the chat out
			// again once this drain is done.
			return false
		}
	}
	return false
}

// applied is what step made of an update.
type applied struct {
	p      store.Pending
	answer *out
	conv   flows.Conversation
}

// after finishes an update's apply once its transaction has ended (did:
// it was applied; err: it failed), for one counted in answering.
func (b *Bot) after(ctx context.Context, chat int64, did bool, err error, a applied) {
	if did && err == nil && a.answer != nil {
		b.answer(*a.answer)
	} else {
		b.answering.Add(-1)
	}
	switch {
	case err != nil:
		b.failed(ctx, chat, a.p.UpdateID, a.p.Attempts, err)
	case did:
		b.count.applied.Add(1)
		b.log.Debug("applied", "update_id", a.p.UpdateID, "chat_id", chat, "flow", a.conv.Flow, "state", a.conv.State)
		if b.staffSide(chat) {
			// A staff member's update may have sent a campaign: the
			// job loop puts it in the outbox now, not at its next round.
			wake(b.jobWake)
		}
	}
}

// drainMany applies the waiting updates of many chats, one transaction for
// the oldest update of each (store.ApplyMany), again and again while any
// has more. When a transaction fails as a whole, its chats are drained one
// by one, so one chat's fault is found and kept to that chat. It returns
// the chats another process holds.
func (b *Bot) drainMany(ctx context.Context, chats []int64) (elsewhere []int64) {
	for len(chats) > 0 && ctx.Err() == nil {
		if len(chats) == 1 {
			if b.drain(ctx, chats[0]) {
				elsewhere = append(elsewhere, chats[0])
			}
			return elsewhere
		}
		steps := make(map[int64]applied, len(chats))
		b.answering.Add(int64(len(chats)))
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		results, err := b.db.ApplyMany(work, chats, b.wall(), func(ctx context.Context, tx *store.Tx, p store.Pending) error {
			a := applied{p: p}
			var err error
			a.answer, a.conv, err = b.step(ctx, tx, p)
			steps[p.ChatID] = a
			return err
		})
		// A group that ran out of time lost its connection (pgx closes
		// it), which reads as the database away: it is the updates'
		// doing, so they are applied one by one, each in its own time.
		late := work.Err() != nil
		cancel()
		if err != nil {
			b.answering.Add(-int64(len(chats)))
			if polku.ErrorCode(err) == polku.EUNAVAILABLE && !late {
				b.log.Warn("database unavailable", "chats", len(chats), "err", err)
				return elsewhere
			}
			b.log.Warn("apply many: one by one", "chats", len(chats), "err", err)
			for _, chat := range chats {
				if b.drain(ctx, chat) {
					elsewhere = append(elsewhere, chat)
				}
			}
			return elsewhere
		}
		var more, alone []int64
		for _, r := range results {
			switch {
			case r.Busy:
				b.answering.Add(-1)
				elsewhere = append(elsewhere, r.Chat)
				continue
			case r.Alone:
				b.answering.Add(-1)
				alone = append(alone, r.Chat)
				continue
			case !r.Did && r.Err == nil:
				b.answering.Add(-1)
				continue
			}
			if polku.ErrorCode(r.Err) == polku.EUNAVAILABLE {
				b.answering.Add(-1)
				b.log.Warn("database unavailable", "chat_id", r.Chat, "err", r.Err)
				continue
			}
			a := steps[r.Chat]
			a.p = r.Pending
			b.after(ctx, r.Chat, r.Did, r.Err, a)
			if r.Did && r.Pending.More {
				more = append(more, r.Chat)
			}
		}
		wake(b.sendWake)
		for _, chat := range alone {
			if b.drain(ctx, chat) {
				elsewhere = append(elsewhere, chat)
			}
		}
		chats = more
	}
	return elsewhere
}

// failed records a failed update (its attempts so far: attempts) and when
// it is tried again; after the last attempt the person is told that
// something went wrong, so they are never left in silence. The chat's
// later updates wait meanwhile, in order, but never for long: a failure on
// Telegram's side gets a few minutes of tries with back-off (honouring
// retry_after), one that waiting cannot mend (a file Telegram no longer
// has) none.
func (b *Bot) failed(ctx context.Context, chat, update int64, attempts int, err error) {
	b.log.Error("apply update", "chat_id", chat, "update_id", update, "attempt", attempts+1, "err", err)
	if update == 0 {
		return
	}
	most, wait, reason := b.retryPlan(err, attempts)
	lang := b.cfg.GroupLang
	if !b.isGroup(chat) {
		lang = b.db.Lang(context.WithoutCancel(ctx), chat)
	}
	notice := out{Method: "send", ChatID: chat, Text: b.render.loc.Message(lang, "error.internal", nil, nil)}
	gaveUp, ferr := b.db.Failed(context.WithoutCancel(ctx), update, reason, most, b.wall().Add(wait),
		[]store.Out{{ChatID: chat, Priority: store.PriorityReply, Payload: encode(notice)}})
	if ferr != nil {
		b.log.Error("record failure", "update_id", update, "err", ferr)
		return
	}
	if gaveUp {
		b.count.failed.Add(1)
		wake(b.sendWake)
	}
}

// retryPlan says how many attempts in all a failed update gets, how long
// until the next, and the reason recorded (an error code, no personal
// data).
func (b *Bot) retryPlan(err error, attempts int) (most int, wait time.Duration, reason string) {
	var te *tgError
	if !errors.As(err, &te) {
		// A fault of Polku's own (or of the data): a few quick tries.
		return b.cfg.MaxAttempts, min(time.Minute, b.cfg.Backoff<<min(attempts, 6)), polku.ErrorCode(err)
	}
	reason = "telegram: " + te.class.String()
	switch te.class {
	case failTransient, failRateLimited, failToken:
		return b.cfg.TelegramAttempts, max(te.retryAfter, min(5*time.Minute, b.cfg.Backoff<<min(attempts, 9))), reason
	}
	return 1, 0, reason
}

// step runs one update through the flows, in the store's transaction. It
// returns the answer to a pressed button, to be sent after the commit.
func (b *Bot) step(ctx context.Context, tx *store.Tx, p store.Pending) (answer *out, conv flows.Conversation, err error) {
	defer func() {
		if r := recover(); r != nil {
			answer, conv, err = nil, flows.Conversation{}, polku.Errorf(polku.EINTERNAL, "panic applying update: %v", r)
		}
	}()
	x, err := read(p.Payload)
	if err != nil {
		b.log.Warn("unreadable update", "update_id", p.UpdateID)
		return nil, conv, nil
	}
	if x.blocked != nil {
		return nil, conv, tx.SetBlocked(ctx, *x.blocked)
	}
	if b.isGroup(x.chat) && x.member != nil {
		return nil, conv, b.botMember(ctx, tx, x.member)
	}
	if b.isGroup(x.chat) {
		answer, err := b.coordinate(ctx, tx, x)
		return answer, conv, err
	}
	if b.cfg.ManagersGroup != 0 && x.chat == b.cfg.ManagersGroup {
		return nil, conv, b.managersGroup(ctx, tx, x)
	}
	if !x.private || x.in.Kind == 0 {
		return nil, conv, nil
	}
	now := b.Now()
	data := tx.Conversation()
	if data == nil || json.Unmarshal(data, &conv) != nil || !b.engine.Valid(conv) {
		conv = b.engine.NewConversation(b.render.loc.Match(x.lang), now)
	} else if !conv.LangChosen && x.lang != "" {
		conv.Lang = b.render.loc.Match(x.lang)
	}
	if !conv.LangChosen && x.lang != "" {
		// Telegram in a language we do not speak (often Russian, for
		// Ukrainian families): the language is asked first.
		conv.AskLang = !b.render.loc.Offers(x.lang)
	}
	if ok, err := b.staffChat(ctx, tx, p.ChatID, conv, x); ok || err != nil {
		// A staff member's own chat (role.go): a grant's link, a
		// catalogue file, the report, the costs, the audit log,
		// campaigns, grants, a referrer's codes.
		return nil, conv, err
	}
	if answer, ok, err := b.provider(ctx, tx, p.ChatID, conv, x); ok || err != nil {
		return answer, conv, err
	}
	in := x.in
	in.Now = now
	if len(b.lost(ctx)) > 0 {
		group, err := b.familyGroup(ctx, tx, conv)
		if err != nil {
			return nil, conv, err
		}
		in.Unreachable = b.unreachable(ctx, group)
	}
	if in.Kind == flows.KindCommand && in.Command == "start" && in.Text != "" && conv.Referral == "" {
		// A referral code may carry the family's municipality, so that
		// the intake need not ask it.
		m, err := tx.ReferralMunicipality(ctx, in.Text)
		if err != nil {
			return nil, conv, err
		}
		in.CodeMunicipality = m
	}
	if in.Kind == flows.KindText && !conv.Talking() {
		if payload, ok := b.render.typedButton(conv.Lang, b.engine.Ask(conv), in.Text); ok {
			in = flows.Input{Kind: flows.KindButton, Payload: payload, Now: now}
		}
	}
	res := b.engine.Step(conv, in)
	extra, err := b.effects(ctx, tx, p.ChatID, res)
	if err != nil {
		return nil, conv, err
	}
	if res.Query != nil {
		// The step needs data: answer its query and let it draw the
		// screen, in the same transaction.
		found, err := b.query(ctx, tx, *res.Query, now)
		if err != nil {
			return nil, conv, err
		}
		more := b.engine.Step(res.Conv, flows.Input{Kind: flows.KindFound, Found: found, MessageID: in.MessageID, Now: now})
		more2, err := b.effects(ctx, tx, p.ChatID, more)
		if err != nil {
			return nil, conv, err
		}
		extra = append(extra, more2...)
		res.Conv = more.Conv
		res.Replies = append(res.Replies, more.Replies...)
		if res.Toast == nil {
			res.Toast = more.Toast
		}
	}
	saved, err := stored(res.Conv)
	if err != nil {
		return nil, conv, err
	}
	calls := b.render.replies(res.Conv.Lang, p.ChatID, x.callback, res)
	for i, c := range calls {
		if c.card != nil {
			photo, err := b.cardPhoto(ctx, res.Conv.Lang, p.ChatID, *c.card, nil)
			if err != nil {
				return nil, conv, err
			}
			photo.Text, photo.Inline = b.cardCaption(res.Conv.Lang, *c.card, c.Text), c.Inline
			calls[i] = photo
		}
	}
	outs := make([]store.Out, len(calls), len(calls)+len(extra))
	for i, c := range calls {
		outs[i] = store.Out{ChatID: p.ChatID, Priority: store.PriorityReply, Payload: encode(c)}
	}
	outs = append(outs, extra...)
	return b.render.answer(res.Conv.Lang, p.ChatID, x.callback, res), res.Conv, tx.Save(ctx, saved, outs)
}

// effects stores what the step asked for, in the same transaction, and
// returns the messages it makes besides the step's replies: for the
// coordinators, and the family's data when it asked for it.
func (b *Bot) effects(ctx context.Context, tx *store.Tx, chat int64, res flows.Result) ([]store.Out, error) {
	c := res.Conv
	var outs []store.Out
	// stale: the answers or the contact changed, so the case's summary
	// must be written again (unless opening the case wrote it).
	stale := false
	for _, e := range res.Effects {
		var err error
		var more []store.Out
		var written bool
		switch e := e.(type) {
		case flows.RecordConsent:
			if e.Agreed {
				err = tx.RecordConsent(ctx, c.Lang, e.Version, e.Referral)
				if err == nil {
					// An agreement to a changed notice is counted apart:
					// it is not a new family's.
					kind := "consent_given"
					if e.Renewed {
						kind = "consent_renewed"
					}
					err = tx.Count(ctx, kind, "")
				}
				if err == nil {
					err = tx.CountNewFamily(ctx)
				}
			} else {
				// Declining takes back any earlier consent: nothing
				// personal is kept but a request to talk to a person.
				err = tx.Count(ctx, "consent_declined", "")
				if err == nil {
					more, err = b.withdraw(ctx, tx, c, false)
				}
				if err == nil {
					err = tx.Decline(ctx)
				}
			}
		case flows.SaveProfile:
			var first bool
			was := ""
			if len(b.groups) > 1 {
				// A family that moves may be another group's now:
				// what its profile said is read before it changes.
				was, err = tx.ProfileMunicipality(ctx, chat)
				if err != nil {
					return nil, err
				}
			}
			first, err = tx.SaveProfile(ctx, c.Lang, e.Answers)
			if err == nil && len(b.groups) > 1 {
				more, err = b.resettled(ctx, tx, c, was, e.Answers.Municipality)
			}
			if err == nil && first {
				err = tx.Count(ctx, "intake_completed", e.Answers.Municipality)
				if err == nil {
					err = tx.CountIntake(ctx, e.Answers)
				}
			}
			if err == nil && e.Answers.Contact == polku.ContactNone {
				err = tx.WithdrawRequest(ctx)
			}
			stale = true
		case flows.RequestPerson:
			phone := ""
			if e.Contact == polku.ContactPhone {
				phone = c.Answers.Phone
			}
			err = tx.RequestPerson(ctx, e.Reason, e.Contact, phone)
			if err == nil {
				err = tx.Count(ctx, "person_requested", c.Answers.Municipality)
			}
			stale = true
		case flows.ShareAnswered:
			stale = true
		case flows.OpenCase:
			_, more, written, err = b.openCase(ctx, tx, c, e.Share, e.Urgent)
		case flows.Relay:
			more, written, err = b.relay(ctx, tx, chat, c, e)
		case flows.Started:
			err = tx.Started(ctx, e.Referral)
		case flows.Erase:
			more, err = b.withdraw(ctx, tx, c, true)
			if err == nil {
				err = tx.Erase(ctx)
			}
			if err == nil {
				err = tx.Count(ctx, "erased", "")
			}
		case flows.Export:
			more, err = b.export(ctx, tx, chat, c.Lang)
		case flows.SaveFollowUp:
			_, err = tx.SaveFollowUp(ctx, e.Point, e.Instrument, e.Scores)
			if polku.ErrorCode(err) == polku.ECONFLICT {
				// Answered already (from another device, say): the
				// first answers stand.
				err = nil
			}
		case flows.StopFollowUps:
			err = tx.StopFollowUps(ctx)
			if polku.ErrorCode(err) == polku.EFORBIDDEN {
				// No family (its data erased): nothing to stop.
				err = nil
			}
		case flows.SetNews:
			// Without a family (no consent) there is nothing to send
			// news to: nothing to store either.
			if err = tx.SetNews(ctx, e.On); polku.ErrorCode(err) == polku.EFORBIDDEN {
				err = nil
			}
		case flows.OpenedCampaign:
			err = tx.OpenedCampaign(ctx, e.Campaign)
		}
		if err != nil {
			return nil, err
		}
		if written {
			stale = false
		}
		outs = append(outs, more...)
	}
	if stale {
		more, err := b.refreshFamily(ctx, tx, c)
		if err != nil {
			return nil, err
		}
		outs = append(outs, more...)
	}
	return outs, nil
}

// query answers a step's query in the update's transaction. Errors the
// family should hear about (a forged or vanished ID, a sign-up already
// cancelled) go back to the flows; others fail the update.
func (b *Bot) query(ctx context.Context, tx *store.Tx, q flows.Query, now time.Time) (*flows.Found, error) {
	f := &flows.Found{Query: q}
	var err error
	switch q.Kind {
	case flows.QuerySuggest, flows.QueryBrowse:
		f.Activities, err = tx.Catalogue(ctx, q.Municipality, now)
		if err == nil {
			f.ValidCard, err = tx.HasValidCard(ctx, now)
		}
		if err == nil {
			f.SignUps, err = tx.SignUps(ctx, now)
		}
	case flows.QueryCard:
		var card polku.Card
		card, err = tx.Card(ctx)
		if err == nil {
			f.Card = &card
		} else if polku.ErrorCode(err) == polku.ENOTFOUND {
			err = nil
		}
	case flows.QueryFeedback:
		err = tx.Feedback(ctx, q.Case, q.Score)
		if err == nil {
			err = tx.Count(ctx, fmt.Sprintf("feedback_%d", q.Score), "")
		}
		var c polku.Case
		if err == nil {
			// For the report, by the case's municipality.
			c, err = tx.FamilyCase(ctx)
		}
		if err == nil {
			err = tx.CountCase(ctx, fmt.Sprintf("feedback_%d", q.Score), c.Municipality)
		}
	case flows.QueryActivity:
		f.Activity, err = tx.Activity(ctx, q.Activity, now)
		if err == nil {
			// The family's own sign-ups, marked on the card and its times.
			f.SignUps, err = tx.SignUps(ctx, now)
		}
	case flows.QuerySignUp:
		join := tx.SignUp
		if q.Wait {
			join = tx.WaitFor
		}
		f.Outcome, f.SignUp, err = join(ctx, q.Session, q.Children, q.Adults, now, b.cfg.Reminders)
		if err == nil {
			f.Reminders, err = tx.Reminders(ctx)
		}
	case flows.QueryMine:
		f.SignUps, err = tx.SignUps(ctx, now)
	case flows.QuerySignUpOne:
		f.SignUp, err = tx.SignUpByID(ctx, q.SignUp)
	case flows.QueryCancel:
		f.SignUp, err = tx.CancelSignUp(ctx, q.SignUp, now, b.cfg.Reminders)
	case flows.QueryReminders:
		if q.Set != nil {
			err = tx.SetReminders(ctx, *q.Set)
		}
		switch {
		case err != nil || q.SetFollowUps == nil:
		case *q.SetFollowUps:
			err = tx.StartFollowUps(ctx)
		default:
			err = tx.StopFollowUps(ctx)
		}
		if q.SetNews != nil && err == nil {
			err = tx.SetNews(ctx, *q.SetNews)
		}
		if err == nil {
			f.Reminders, err = tx.Reminders(ctx)
		}
		if err == nil {
			f.FollowUps, err = tx.FollowUps(ctx)
		}
		if err == nil {
			f.News, err = tx.News(ctx)
		}
	case flows.QueryAttend:
		err = tx.Attend(ctx, q.SignUp, q.Attendance, now)
		if err == nil {
			f.SignUp, err = tx.SignUpByID(ctx, q.SignUp)
		}
	}
	switch code := polku.ErrorCode(err); code {
	case "":
	case polku.ENOTFOUND, polku.ECONFLICT, polku.EFORBIDDEN, polku.EINVALID:
		f.Err = code
	default:
		return nil, err
	}
	return f, nil
}

// Button answers wait in a queue of answerQueue; one that waited longer
// than answerMaxAge is dropped, as Telegram no longer takes it.
const (
	answerQueue  = 1024
	answerMaxAge = 15 * time.Second
)

// ack is a button's answer waiting to be sent, and since when (wall time,
// as Telegram's limit for it is).
type ack struct {
	a  out
	at time.Time
}

// answer queues a button's answer and never waits: when the queue is full
// (Telegram is slow to take them), the oldest answer is dropped. An answer
// only stops a spinner, which then stops by itself.
func (b *Bot) answer(a out) {
	q := ack{a, b.wall()}
	for {
		select {
		case b.answers <- q:
			return
		default:
		}
		select {
		case old := <-b.answers:
			b.dropAnswer(old)
		default:
		}
	}
}

func (b *Bot) dropAnswer(q ack) {
	b.count.answersDropped.Add(1)
	b.answering.Add(-1)
	b.log.Debug("button answer dropped", "chat_id", q.a.ChatID, "waited", b.wall().Sub(q.at))
}

// answerLoop answers button presses. An answer only stops the spinner on
// the person's button and shows a short notice; it is not a message, so
// it is sent straight after the commit instead of through the outbox, and
// one lost in a crash only lets the spinner time out.
func (b *Bot) answerLoop(ctx context.Context) {
	for q := range b.answers {
		if b.wall().Sub(q.at) > answerMaxAge {
			b.dropAnswer(q)
			continue
		}
		a := q.a
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		// A JSON body, as sendMessage's: the library's multipart form
		// cost more of the bot's time than the answer itself.
		err := b.callWith(work, b.sender, "answerCallbackQuery", struct {
			ID   string `json:"callback_query_id"`
			Text string `json:"text,omitempty"`
		}{a.Callback, a.Text}, nil)
		cancel()
		if err != nil {
			b.log.Debug("answerCallbackQuery", "chat_id", a.ChatID, "err", err)
		}
		b.answering.Add(-1)
	}
}

// coordinate applies one update of the coordinators' group: only a member
// of the group acts as a coordinator (members.go); package staff decides
// what a command, a message in a case's topic or a button press does.
func (b *Bot) coordinate(ctx context.Context, tx *store.Tx, x incoming) (*out, error) {
	if x.user == nil || x.user.IsBot {
		return nil, tx.Finish(ctx, nil)
	}
	if x.callback != "" {
		answer := &out{Method: "answer", ChatID: x.chat, Callback: x.callback}
		member, err := b.coordinator(ctx, x.chat, x.from)
		if err != nil {
			return nil, err
		}
		if !member {
			// Reveal nothing: the same words as any unknown button.
			answer.Text = b.gl("input.unknown_button", nil)
			return answer, tx.Finish(ctx, nil)
		}
		outs, toast, err := b.caseButton(ctx, tx, x)
		if err != nil {
			return nil, err
		}
		answer.Text = truncate(toast, 200)
		return answer, tx.Finish(ctx, outs)
	}
	if x.in.Kind == 0 {
		return nil, tx.Finish(ctx, nil)
	}
	if member, err := b.coordinator(ctx, x.chat, x.from); err != nil || !member {
		return nil, errors.Join(err, tx.Finish(ctx, nil))
	}
	if err := tx.SeeCoordinator(ctx, x.from, x.user.FirstName); err != nil {
		return nil, err
	}
	if outs, ok, err := b.managerCommand(ctx, tx, x, b.reportLang(), b.groupRoles(ctx, tx, x)); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return nil, tx.Finish(ctx, outs)
	}
	// A group's coordinators reach the families of their own
	// municipalities only, when the service has several groups.
	var reach []string
	if len(b.groups) > 1 {
		reach = b.cfg.Service.Served(x.chat)
	}
	if outs, ok, err := b.campaignIn(ctx, tx, x, b.cfg.GroupLang, reach); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return nil, tx.Finish(ctx, outs)
	}
	var ms []staff.Message
	var err error
	if x.in.Kind == flows.KindCommand {
		ms, err = b.coord.Command(ctx, b.groupTx(tx, x.chat), staffInput(x))
	} else if x.thread != 0 {
		ms, err = b.coord.Relay(ctx, b.groupTx(tx, x.chat), staffInput(x))
	}
	if err != nil {
		return nil, err
	}
	outs, err := b.staffOuts(ctx, x.chat, x, ms)
	if err != nil {
		return nil, err
	}
	return nil, tx.Finish(ctx, outs)
}

// caseButton handles a press on a case's buttons ("C:action:case[:arg]")
// and returns the messages it makes and the notice for the presser.
func (b *Bot) caseButton(ctx context.Context, tx *store.Tx, x incoming) ([]store.Out, string, error) {
	ms, toast, err := b.coord.Button(ctx, b.groupTx(tx, x.chat), staffInput(x))
	if err != nil {
		return nil, "", err
	}
	outs, err := b.staffOuts(ctx, x.chat, x, ms)
	return outs, b.line(b.cfg.GroupLang, toast), err
}
