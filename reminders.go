package polku

import "time"

// JobKind names a durable job about a sign-up: a reminder, the follow-up
// question, or a notice of a change.
type JobKind string

// The kinds of job.
const (
	JobRemindDay  JobKind = "remind_day"  // the day before, at a sensible hour
	JobRemindSoon JobKind = "remind_soon" // a few hours before
	JobFollowUp   JobKind = "follow_up"   // "Did you make it?" after the end
	JobCancelled  JobKind = "notice_cancelled"
	JobMoved      JobKind = "notice_moved"
	JobPromoted   JobKind = "notice_promoted" // a seat from the waiting list
	// JobWellbeing is the wellbeing follow-up, of no sign-up: the
	// baseline's instrument asked again weeks after it.
	JobWellbeing JobKind = "wellbeing_followup"
	// JobWellbeingRemind is the one gentle reminder of a wellbeing
	// follow-up still unanswered a few days after it was asked.
	JobWellbeingRemind JobKind = "wellbeing_remind"
)

// Reminders is when a deployment reminds families and asks how it went.
// Hours are local (Location, Europe/Helsinki): nothing is due at night.
type Reminders struct {
	// DayBeforeAt is the local time of day (since midnight) of the
	// reminder the day before; negative turns it off.
	DayBeforeAt time.Duration
	// Before is how long before the start the second reminder comes;
	// negative turns it off.
	Before time.Duration
	// FollowUpAfter is how long after the end "Did you make it?" is asked.
	FollowUpAfter time.Duration
	// QuietFrom and QuietUntil bound the night (local time of day).
	QuietFrom, QuietUntil time.Duration
	Location              *time.Location
	// WellbeingWeeks are how many weeks after the baseline each wellbeing
	// follow-up point is asked, in order (point 1 first); none asks none.
	WellbeingWeeks []int
	// WellbeingAt is the local time of day of the wellbeing follow-up.
	WellbeingAt time.Duration
	// WellbeingRemindDays is how many days after a follow-up was asked
	// its one reminder comes, if it is still unanswered; 0 sends none.
	WellbeingRemindDays int
}

// DefaultReminders are the reminders of a deployment that configures
// none: at 18.00 the day before, two hours before, and the follow-up an
// hour after the end; quiet from 21.00 to 8.00; the wellbeing follow-up
// eight weeks after the baseline, at 10.00, reminded once three days
// later.
func DefaultReminders(loc *time.Location) Reminders {
	return Reminders{DayBeforeAt: 18 * time.Hour, Before: 2 * time.Hour, FollowUpAfter: time.Hour,
		QuietFrom: 21 * time.Hour, QuietUntil: 8 * time.Hour, Location: loc,
		WellbeingWeeks: []int{8}, WellbeingAt: 10 * time.Hour, WellbeingRemindDays: 3}
}

// WellbeingWeeksAt is how many weeks after the baseline follow-up point
// (1, 2, …) is asked; 0 for a point the deployment does not ask.
func (r Reminders) WellbeingWeeksAt(point int) int {
	if point < 1 || point > len(r.WellbeingWeeks) {
		return 0
	}
	return r.WellbeingWeeks[point-1]
}

// WellbeingDue is when follow-up point (1, 2, …) of a baseline taken at
// baseline is due, and whether that point is asked at all: its weeks
// later, on that day at WellbeingAt local time (a calendar day, so
// daylight saving time does not move the hour), or in the morning after
// when that falls in the quiet hours.
func (r Reminders) WellbeingDue(baseline time.Time, point int) (time.Time, bool) {
	w := r.WellbeingWeeksAt(point)
	if w <= 0 {
		return time.Time{}, false
	}
	return r.outOfQuiet(r.clock(baseline, 7*w, r.WellbeingAt)), true
}

// WellbeingRemindDue is when the one reminder of a wellbeing follow-up
// asked at asked is due, and whether one is sent: WellbeingRemindDays
// later at the same local hour, out of the quiet hours.
func (r Reminders) WellbeingRemindDue(asked time.Time) (time.Time, bool) {
	if r.WellbeingRemindDays <= 0 {
		return time.Time{}, false
	}
	l := asked.In(r.loc())
	at := r.clock(asked, r.WellbeingRemindDays, time.Duration(l.Hour())*time.Hour+time.Duration(l.Minute())*time.Minute)
	return r.outOfQuiet(at), true
}

// outOfQuiet is at, or the morning after when at falls in the night.
func (r Reminders) outOfQuiet(at time.Time) time.Time {
	if r.Quiet(at) {
		return r.morning(at)
	}
	return at
}

// Due is one job to schedule.
type Due struct {
	Kind JobKind
	At   time.Time
}

// Quiet reports whether t falls in the night.
func (r Reminders) Quiet(t time.Time) bool {
	l := t.In(r.loc())
	d := time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute
	if r.QuietFrom > r.QuietUntil {
		return d >= r.QuietFrom || d < r.QuietUntil
	}
	return d >= r.QuietFrom && d < r.QuietUntil
}

func (r Reminders) loc() *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

// Plan returns the jobs of a sign-up for session s made at now: reminders
// whose moment has passed or falls in the night are left out (the other
// one still comes), and a follow-up due at night waits for the morning.
// Planning is not the last word: a job that comes late (after downtime or
// a clock jump) is judged again when it runs, by AtDispatch.
func (r Reminders) Plan(s Session, now time.Time) []Due {
	var out []Due
	if r.DayBeforeAt >= 0 {
		at := r.clock(s.Start, -1, r.DayBeforeAt)
		if at.After(now) && !r.Quiet(at) {
			out = append(out, Due{JobRemindDay, at})
		}
	}
	if r.Before > 0 {
		at := s.Start.Add(-r.Before)
		if at.After(now) && !r.Quiet(at) {
			out = append(out, Due{JobRemindSoon, at})
		}
	}
	at := r.sessionEnd(s).Add(r.FollowUpAfter)
	if r.Quiet(at) {
		at = r.morning(at)
	}
	return append(out, Due{JobFollowUp, at})
}

// FollowUpDays is how many days after a session's end the question "Did
// you make it?" may still be asked (until the same time of day). A
// follow-up later than that, after long downtime, is dropped: nobody
// remembers a Tuesday on a Saturday, and a late question reads as a
// reproach.
const FollowUpDays = 3

// AtDispatch judges, at now, a job of kind about session s that was due
// at due (it may be late: the service was down, or its clock jumped);
// oldStart is where a moved session was (JobMoved), zero otherwise. It
// returns send when the job's message should go now; otherwise retry is
// when the job is due again, and a zero retry means the job is dropped
// without a message because its moment passed. Quiet hours are applied
// here, where the message goes, not only in Plan:
//
//   - The reminder the day before says "tomorrow": it is dropped once the
//     session's local day has begun, and one due in the night waits for
//     the morning only if that is still the day before.
//   - "Starts soon" goes while at least half of its planned lead (s.Start
//     minus due: two hours by default) is left before the start. Later,
//     it could no longer help a family get there: it is dropped, as it
//     is when the morning after a night would be later than that.
//   - The attendance question waits for the morning at night and is
//     dropped after FollowUpDays.
//   - The wellbeing follow-up and its reminder wait for the morning at
//     night; they are never dropped (s is zero for them).
//   - Notices (cancelled, moved, a seat from the waiting list) are never
//     dropped. At night they wait for the morning, unless the session
//     (or, for a move, its old time) starts before it: then they go at
//     once, or the family would set off in vain or miss its seat.
//
// A job not due yet waits for its time. Days and times of day are local
// (Location), so they hold across daylight saving time.
func (r Reminders) AtDispatch(kind JobKind, s Session, oldStart, due, now time.Time) (send bool, retry time.Time) {
	if now.Before(due) {
		return false, due
	}
	quiet := r.Quiet(now)
	var morning time.Time
	if quiet {
		morning = r.morning(now)
	}
	// inTime sends now, or when it is night waits for the morning if ok
	// says the morning is still in time, or else drops the job.
	inTime := func(ok bool) (bool, time.Time) {
		switch {
		case !quiet:
			return true, time.Time{}
		case ok:
			return false, morning
		}
		return false, time.Time{}
	}
	switch kind {
	case JobRemindDay:
		day := r.clock(s.Start, 0, 0)
		if !now.Before(day) {
			return false, time.Time{}
		}
		return inTime(morning.Before(day))
	case JobRemindSoon:
		last := s.Start.Add(-s.Start.Sub(due) / 2) // half the lead left
		if !now.Before(s.Start) || now.After(last) {
			return false, time.Time{}
		}
		return inTime(!morning.After(last))
	case JobFollowUp:
		limit := r.sessionEnd(s).In(r.loc()).AddDate(0, 0, FollowUpDays)
		if now.After(limit) {
			return false, time.Time{}
		}
		return inTime(!morning.After(limit))
	case JobWellbeing, JobWellbeingRemind:
		return inTime(true)
	}
	// A notice.
	beforeMorning := func(t time.Time) bool { return t.After(now) && t.Before(morning) }
	if !quiet || beforeMorning(s.Start) || beforeMorning(oldStart) {
		return true, time.Time{}
	}
	return false, morning
}

// sessionEnd is when s ends, its start when no (sensible) end is known.
func (r Reminders) sessionEnd(s Session) time.Time {
	if s.End.IsZero() || s.End.Before(s.Start) {
		return s.Start
	}
	return s.End
}

// clock is the local time of day d on the day days after t's local day.
// It builds the time with time.Date, so a day of 23 or 25 hours (daylight
// saving time) still gets its 18.00 at 18.00.
func (r Reminders) clock(t time.Time, days int, d time.Duration) time.Time {
	loc := r.loc()
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+days,
		int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second), 0, loc)
}

// morning is the end of the night t falls in: the next QuietUntil after t.
func (r Reminders) morning(t time.Time) time.Time {
	m := r.clock(t, 0, r.QuietUntil)
	if !m.After(t) {
		m = r.clock(t, 1, r.QuietUntil)
	}
	return m
}
