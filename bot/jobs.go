package bot

import (
	"context"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// jobBatch is how many due jobs one transaction claims.
const jobBatch = 200

// jobLoop turns due jobs (reminders, "Did you make it?", notices of
// changes) into outbox messages. Jobs are claimed with SKIP LOCKED, so
// every process may run this loop and each job is still done once; the
// messages go through the one rate-limited sender, after the replies.
//
// A panic is recovered: in rendering a job it counts as the job's failed
// attempt (see renderSafely); elsewhere the loop waits and starts again.
func (b *Bot) jobLoop(ctx context.Context) {
	for ctx.Err() == nil && b.guard("in the job loop", func() { b.runJobs(ctx) }) {
		select {
		case <-ctx.Done():
		case <-time.After(b.cfg.JobIdle):
		}
	}
}

// Prune forgets, now and then until ctx ends, what is kept only for a
// while: applied updates and sent messages older than Config.Retention,
// the answers of a half-done intake left for Config.Drafts, which is
// started afresh, and the families' data Config.Retain keeps no longer
// (store.Retain). serve runs it in one process or in each: deleting twice
// deletes nothing more.
func (b *Bot) Prune(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		b.pruneOnce(ctx)
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// pruneOnce is one round of Prune.
func (b *Bot) pruneOnce(ctx context.Context) {
	if n, err := b.db.Prune(ctx, b.cfg.Retention); err != nil && ctx.Err() == nil {
		b.log.Error("prune", "err", err)
	} else if n > 0 {
		b.log.Info("pruned old updates and messages", "rows", n)
	}
	if n, err := b.db.RestartDrafts(ctx, b.cfg.Drafts, flows.Restart); err != nil && ctx.Err() == nil {
		b.log.Error("restart old drafts", "err", err, "restarted", n)
	} else if n > 0 {
		b.log.Info("started old drafts afresh", "conversations", n)
	}
	n, err := b.db.Retain(ctx, b.cfg.Retain, b.topicGone)
	if err != nil && ctx.Err() == nil {
		b.log.Error("retention", "err", err)
	}
	// Only counts: nothing that tells whose data went.
	for _, r := range []struct {
		what string
		n    int64
	}{
		{"retention: inactive families erased", n.Families}, {"retention: closed cases deleted", n.Cases},
		{"retention: sign-ups deleted", n.SignUps}, {"retention: cards deleted", n.Cards}, {"retention: audit rows deleted", n.Audit},
	} {
		if r.n > 0 {
			b.log.Info(r.what, "count", r.n)
		}
	}
	if n.Families+n.Cases > 0 {
		wake(b.sendWake)
	}
}

// topicGone is the deletion of a forum topic of a case that the retention
// deleted, as an erasure deletes it; none without a group.
func (b *Bot) topicGone(group int64, thread int) []store.Out {
	if group == 0 {
		return nil
	}
	return []store.Out{b.groupOut(group, deleteTopic(thread))}
}

// runJobs is the job loop, until ctx ends.
func (b *Bot) runJobs(ctx context.Context) {
	for ctx.Err() == nil {
		// Campaigns first, a batch a round: their messages wait behind
		// every other in the outbox anyway.
		if q, err := b.db.QueueCampaigns(ctx, store.CampaignBatch); err != nil && ctx.Err() == nil {
			b.log.Error("queue campaigns", "err", err)
		} else if q > 0 {
			wake(b.sendWake)
		}
		n, err := b.db.RunJobs(ctx, b.Now(), jobBatch, b.renderSafely)
		switch {
		case err != nil && ctx.Err() == nil:
			b.log.Error("run jobs", "err", err)
		case n > 0:
			b.count.jobs.Add(int64(n))
			wake(b.sendWake)
			continue
		}
		wait := b.cfg.JobIdle
		if err == nil {
			if next, nerr := b.db.NextJob(ctx); nerr == nil && !next.IsZero() {
				wait = min(wait, max(next.Sub(b.Now()), 10*time.Millisecond))
			}
		}
		if len(b.groups) > 0 {
			wait = min(wait, b.nudge(ctx))
		}
		if b.cfg.ManagersGroup != 0 {
			b.monthlyReport(ctx)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-b.jobWake:
		case <-t.C:
		}
		t.Stop()
	}
}

// renderSafely is renderJob with a panic turned into a failed rendering:
// the job's attempt is counted, and after its last it is left aside.
func (b *Bot) renderSafely(ctx context.Context, j store.Job) (outs []store.Out, err error) {
	defer func() {
		if r := recover(); r != nil {
			b.recovered(r, "rendering a job", "job_id", j.ID, "chat_id", j.ChatID)
			outs, err = nil, polku.Errorf(polku.EINTERNAL, "panic rendering job %d (%T)", j.ID, r)
		}
	}()
	return b.renderJob(ctx, j)
}

// nudge reminds the coordinators of cases nobody claimed, within the
// office hours of each case's municipality (outside them a case is looked
// at again a NudgeAfter later), and returns how long until the next one
// may be due.
func (b *Bot) nudge(ctx context.Context) time.Duration {
	now := b.Now()
	open := false
	for _, g := range b.groups {
		open = open || b.cfg.Service.SettingsOfGroup(g).Hours.Open(now)
	}
	if !open {
		return b.cfg.JobIdle
	}
	n, err := b.db.Nudge(ctx, b.cfg.NudgeAfter, func(c polku.Case) []store.Out {
		if c.Group == 0 || !b.cfg.Service.SettingsOf(c.Municipality).Hours.Open(now) {
			return nil
		}
		return []store.Out{b.topicOut(c.Group, staff.Nudge(c, now))}
	})
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("nudge", "err", err)
		}
		return b.cfg.JobIdle
	}
	if n > 0 {
		wake(b.sendWake)
	}
	next, err := b.db.NextNudge(ctx, b.cfg.NudgeAfter)
	if err != nil || next.IsZero() {
		return b.cfg.JobIdle
	}
	return max(next.Sub(now), 10*time.Millisecond)
}

// WakeJobs makes the job runner look for due jobs now (after the clock
// was moved, or a job was added by another process).
func (b *Bot) WakeJobs() { wake(b.jobWake) }

// renderJob writes the message of one due job in the family's language.
// Reminders and the attendance question respect the family's reminder
// setting, the wellbeing follow-up and its reminder its follow-up setting
// (and go only for a point still configured); notices of a cancelled or
// moved activity always go. Nothing goes to a chat that blocked the bot.
func (b *Bot) renderJob(_ context.Context, j store.Job) ([]store.Out, error) {
	if b.fault != nil {
		b.fault("job", j.ChatID)
	}
	if j.Blocked {
		return nil, nil
	}
	switch j.Kind {
	case polku.JobRemindDay, polku.JobRemindSoon, polku.JobFollowUp:
		if !j.Reminders {
			return nil, nil
		}
	}
	lang := b.langOr(j.Lang)
	var rep flows.Reply
	switch j.Kind {
	case polku.JobWellbeing, polku.JobWellbeingRemind:
		weeks := b.cfg.Reminders.WellbeingWeeksAt(j.Point)
		if !j.FollowUps || weeks == 0 {
			return nil, nil
		}
		rep = b.engine.FollowUpQuestion(lang, j.Kind, j.Point, weeks)
	default:
		rep = b.engine.Notice(lang, j.Kind, j.SignUp, j.OldStart)
	}
	calls := b.render.replies(lang, j.ChatID, "", flows.Result{Replies: []flows.Reply{rep}})
	outs := make([]store.Out, len(calls))
	for i, c := range calls {
		outs[i] = store.Out{ChatID: j.ChatID, Priority: store.PriorityBackground, Payload: encode(c)}
	}
	return outs, nil
}
