package polku

import (
	"testing"
	"time"
)

// TestPlanDST: the reminder the day before comes at 18.00 local time also
// on the days the clocks change, and a follow-up at night waits for 8.00
// local time.
func TestPlanDST(t *testing.T) {
	hel := helsinki(t)
	r := DefaultReminders(hel)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, hel) }
	for _, c := range []struct {
		name  string
		start time.Time
		want  []Due
	}{
		{"the day before is the spring change", at(2027, 3, 29, 10, 0), []Due{
			{JobRemindDay, at(2027, 3, 28, 18, 0)}, {JobRemindSoon, at(2027, 3, 29, 8, 0)}, {JobFollowUp, at(2027, 3, 29, 13, 0)}}},
		{"the day before is the autumn change", at(2026, 10, 26, 10, 0), []Due{
			{JobRemindDay, at(2026, 10, 25, 18, 0)}, {JobRemindSoon, at(2026, 10, 26, 8, 0)}, {JobFollowUp, at(2026, 10, 26, 13, 0)}}},
		// Ends 21.00, so the follow-up is at night: 8.00 on the spring change.
		{"a follow-up the night the clocks go forward", at(2027, 3, 27, 19, 0), []Due{
			{JobRemindDay, at(2027, 3, 26, 18, 0)}, {JobRemindSoon, at(2027, 3, 27, 17, 0)}, {JobFollowUp, at(2027, 3, 28, 8, 0)}}},
		{"a follow-up the night the clocks go back", at(2026, 10, 24, 19, 0), []Due{
			{JobRemindDay, at(2026, 10, 23, 18, 0)}, {JobRemindSoon, at(2026, 10, 24, 17, 0)}, {JobFollowUp, at(2026, 10, 25, 8, 0)}}},
	} {
		got := r.Plan(Session{Start: c.start, End: c.start.Add(2 * time.Hour)}, at(2026, 9, 1, 12, 0))
		if len(got) != len(c.want) {
			t.Errorf("%s: Plan = %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i].Kind != c.want[i].Kind || !got[i].At.Equal(c.want[i].At) {
				t.Errorf("%s: Plan[%d] = %s %v, want %s %v", c.name, i, got[i].Kind, got[i].At.In(hel), c.want[i].Kind, c.want[i].At)
			}
		}
	}
}

// TestAtDispatch: what may still go out goes, out of the quiet hours; a
// reminder whose moment passed is dropped; notices are never dropped.
func TestAtDispatch(t *testing.T) {
	hel := helsinki(t)
	r := DefaultReminders(hel)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, hel) }
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	// The usual session: Sunday 29 November 2026, 14.00–16.00. Its
	// reminders are due on Saturday at 18.00 and on Sunday at 12.00, the
	// follow-up on Sunday at 17.00.
	sun := at(2026, 11, 29, 14, 0)
	drop := time.Time{}
	for _, c := range []struct {
		name     string
		r        Reminders // zero: r
		kind     JobKind
		start    time.Time // the session's; it lasts two hours
		oldStart time.Time
		due, now time.Time
		send     bool
		retry    time.Time
	}{
		// The day before: "tomorrow" is never said on the day.
		{name: "day before, on time", kind: JobRemindDay, start: sun, due: at(2026, 11, 28, 18, 0), now: at(2026, 11, 28, 18, 0), send: true},
		{name: "day before, late in the evening", kind: JobRemindDay, start: sun, due: at(2026, 11, 28, 18, 0), now: at(2026, 11, 28, 20, 59), send: true},
		{name: "day before, at night before midnight: the morning is the day itself", kind: JobRemindDay, start: sun, due: at(2026, 11, 28, 18, 0), now: at(2026, 11, 28, 21, 30), retry: drop},
		{name: "day before, at 03.00 on the day", kind: JobRemindDay, start: sun, due: at(2026, 11, 28, 18, 0), now: at(2026, 11, 29, 3, 0), retry: drop},
		{name: "day before, in the morning of the day", kind: JobRemindDay, start: sun, due: at(2026, 11, 28, 18, 0), now: at(2026, 11, 29, 9, 0), retry: drop},
		{name: "day before, after the session", kind: JobRemindDay, start: sun, due: at(2026, 11, 28, 18, 0), now: at(2026, 11, 30, 12, 0), retry: drop},
		// Planned for 7.30 under other settings: at 7.45 it waits until 8.00, still the day before.
		{name: "day before, early morning of the day before", kind: JobRemindDay, start: at(2026, 11, 30, 10, 0), due: at(2026, 11, 29, 7, 30), now: at(2026, 11, 29, 7, 45), retry: at(2026, 11, 29, 8, 0)},
		{name: "not due yet", kind: JobRemindDay, start: sun, due: at(2026, 11, 28, 18, 0), now: at(2026, 11, 28, 17, 0), retry: at(2026, 11, 28, 18, 0)},

		// Starts soon: while half the lead (an hour) is left.
		{name: "soon, on time", kind: JobRemindSoon, start: sun, due: at(2026, 11, 29, 12, 0), now: at(2026, 11, 29, 12, 0), send: true},
		{name: "soon, an hour late", kind: JobRemindSoon, start: sun, due: at(2026, 11, 29, 12, 0), now: at(2026, 11, 29, 13, 0), send: true},
		{name: "soon, too late to help", kind: JobRemindSoon, start: sun, due: at(2026, 11, 29, 12, 0), now: at(2026, 11, 29, 13, 1), retry: drop},
		{name: "soon, after the start", kind: JobRemindSoon, start: sun, due: at(2026, 11, 29, 12, 0), now: at(2026, 11, 29, 14, 30), retry: drop},
		{name: "soon, at 03.00 for the afternoon", kind: JobRemindSoon, start: sun, due: at(2026, 11, 29, 12, 0), now: at(2026, 11, 30, 3, 0), retry: drop},
		{name: "soon, late into the night before an evening session", kind: JobRemindSoon, start: at(2026, 11, 29, 22, 30), due: at(2026, 11, 29, 20, 30), now: at(2026, 11, 29, 21, 0), retry: drop},
		{name: "soon with a lead of a day, at night: the morning still leaves half", r: Reminders{DayBeforeAt: -1, Before: 24 * time.Hour, FollowUpAfter: time.Hour, QuietFrom: 21 * time.Hour, QuietUntil: 8 * time.Hour, Location: hel},
			kind: JobRemindSoon, start: at(2026, 11, 30, 20, 0), due: at(2026, 11, 29, 20, 0), now: at(2026, 11, 29, 21, 30), retry: at(2026, 11, 30, 8, 0)},

		// Did you make it? At night it waits for the morning; after three days it is dropped.
		{name: "follow-up, on time", kind: JobFollowUp, start: sun, due: at(2026, 11, 29, 17, 0), now: at(2026, 11, 29, 17, 0), send: true},
		{name: "follow-up, at night", kind: JobFollowUp, start: sun, due: at(2026, 11, 29, 17, 0), now: at(2026, 11, 29, 22, 0), retry: at(2026, 11, 30, 8, 0)},
		{name: "follow-up, at 03.00", kind: JobFollowUp, start: sun, due: at(2026, 11, 29, 17, 0), now: at(2026, 11, 30, 3, 0), retry: at(2026, 11, 30, 8, 0)},
		{name: "follow-up, three days on at night, morning in time", kind: JobFollowUp, start: sun, due: at(2026, 11, 29, 17, 0), now: at(2026, 12, 2, 3, 0), retry: at(2026, 12, 2, 8, 0)},
		{name: "follow-up, the last hour", kind: JobFollowUp, start: sun, due: at(2026, 11, 29, 17, 0), now: at(2026, 12, 2, 16, 0), send: true},
		{name: "follow-up, more than three days on", kind: JobFollowUp, start: sun, due: at(2026, 11, 29, 17, 0), now: at(2026, 12, 2, 16, 1), retry: drop},
		{name: "follow-up, night after the limit", kind: JobFollowUp, start: at(2026, 11, 29, 20, 0), due: at(2026, 11, 29, 23, 0), now: at(2026, 12, 2, 21, 30), retry: drop},

		// The wellbeing follow-up and its reminder: never dropped, however late; at night they wait for the morning.
		{name: "wellbeing follow-up, on time", kind: JobWellbeing, due: at(2027, 1, 17, 10, 0), now: at(2027, 1, 17, 10, 0), send: true},
		{name: "wellbeing follow-up, a week late", kind: JobWellbeing, due: at(2027, 1, 17, 10, 0), now: at(2027, 1, 24, 15, 0), send: true},
		{name: "wellbeing follow-up, late at night", kind: JobWellbeing, due: at(2027, 1, 17, 10, 0), now: at(2027, 1, 18, 23, 0), retry: at(2027, 1, 19, 8, 0)},
		{name: "wellbeing reminder, at 03.00", kind: JobWellbeingRemind, due: at(2027, 1, 20, 10, 0), now: at(2027, 1, 21, 3, 0), retry: at(2027, 1, 21, 8, 0)},

		// Notices: never dropped; at night they go at once only if the session comes first.
		{name: "cancelled, by day", kind: JobCancelled, start: sun, due: at(2026, 11, 28, 12, 0), now: at(2026, 11, 28, 12, 0), send: true},
		{name: "cancelled, at night", kind: JobCancelled, start: sun, due: at(2026, 11, 28, 22, 0), now: at(2026, 11, 28, 22, 0), retry: at(2026, 11, 29, 8, 0)},
		{name: "cancelled, at night before an early session", kind: JobCancelled, start: at(2026, 11, 29, 7, 30), due: at(2026, 11, 28, 22, 0), now: at(2026, 11, 28, 22, 0), send: true},
		{name: "cancelled, at night, session long past", kind: JobCancelled, start: at(2026, 11, 20, 7, 30), due: at(2026, 11, 28, 22, 0), now: at(2026, 11, 29, 2, 0), retry: at(2026, 11, 29, 8, 0)},
		{name: "promoted, at night before an early session", kind: JobPromoted, start: at(2026, 11, 29, 6, 0), due: at(2026, 11, 29, 2, 0), now: at(2026, 11, 29, 2, 0), send: true},
		{name: "promoted, three days late", kind: JobPromoted, start: at(2026, 12, 5, 10, 0), due: at(2026, 11, 26, 12, 0), now: at(2026, 11, 29, 12, 0), send: true},
		{name: "moved to the afternoon from the early morning, at night", kind: JobMoved, start: sun, oldStart: at(2026, 11, 29, 7, 0), due: at(2026, 11, 28, 23, 0), now: at(2026, 11, 28, 23, 0), send: true},
		{name: "moved to the early morning, at night", kind: JobMoved, start: at(2026, 11, 29, 7, 0), oldStart: sun, due: at(2026, 11, 28, 23, 0), now: at(2026, 11, 28, 23, 0), send: true},
		{name: "moved, at night, both times after the morning", kind: JobMoved, start: sun, oldStart: at(2026, 11, 29, 10, 0), due: at(2026, 11, 28, 23, 0), now: at(2026, 11, 29, 1, 0), retry: at(2026, 11, 29, 8, 0)},

		// Daylight saving time: local days and times of day, not 24-hour steps.
		// 28 March 2027: 03.00 EET becomes 04.00 EEST.
		{name: "spring: follow-up at 02.30 waits for 08.00 summer time", kind: JobFollowUp, start: at(2027, 3, 27, 19, 0), due: at(2027, 3, 27, 22, 0), now: at(2027, 3, 28, 2, 30), retry: utc(2027, 3, 28, 5, 0)},
		{name: "spring: a notice at 02.00 for 08.30 waits until 08.00", kind: JobCancelled, start: at(2027, 3, 28, 8, 30), due: at(2027, 3, 28, 2, 0), now: at(2027, 3, 28, 2, 0), retry: utc(2027, 3, 28, 5, 0)},
		{name: "spring: day before at 23.59 for the day of the change", kind: JobRemindDay, start: at(2027, 3, 28, 10, 0), due: at(2027, 3, 27, 18, 0), now: at(2027, 3, 27, 23, 59), retry: drop},
		{name: "spring: day before, on the evening of the change", kind: JobRemindDay, start: at(2027, 3, 29, 10, 0), due: at(2027, 3, 28, 18, 0), now: at(2027, 3, 28, 20, 30), send: true},
		{name: "spring: day before at 00.30 on the day of the change", kind: JobRemindDay, start: at(2027, 3, 28, 10, 0), due: at(2027, 3, 27, 18, 0), now: utc(2027, 3, 27, 22, 30), retry: drop},
		// 25 October 2026: 04.00 EEST becomes 03.00 EET; 03.30 comes twice.
		{name: "autumn: follow-up at the first 03.30 waits for 08.00 winter time", kind: JobFollowUp, start: at(2026, 10, 24, 19, 0), due: at(2026, 10, 24, 22, 0), now: utc(2026, 10, 25, 0, 30), retry: utc(2026, 10, 25, 6, 0)},
		{name: "autumn: follow-up at the second 03.30 too", kind: JobFollowUp, start: at(2026, 10, 24, 19, 0), due: at(2026, 10, 24, 22, 0), now: utc(2026, 10, 25, 1, 30), retry: utc(2026, 10, 25, 6, 0)},
		{name: "autumn: three days after is 16.00 winter time, 73 hours", kind: JobFollowUp, start: at(2026, 10, 23, 14, 0), due: at(2026, 10, 23, 17, 0), now: at(2026, 10, 26, 15, 30), send: true},
		{name: "autumn: a notice at 23.00 for 07.30 goes at once", kind: JobPromoted, start: at(2026, 10, 25, 7, 30), due: at(2026, 10, 24, 23, 0), now: at(2026, 10, 24, 23, 0), send: true},
	} {
		rr := c.r
		if rr.Location == nil {
			rr = r
		}
		s := Session{Start: c.start, End: c.start.Add(2 * time.Hour)}
		gotSend, gotRetry := rr.AtDispatch(c.kind, s, c.oldStart, c.due, c.now)
		if gotSend != c.send || !gotRetry.Equal(c.retry) {
			t.Errorf("%s: AtDispatch = %v, %v; want %v, %v", c.name, gotSend, gotRetry.In(hel), c.send, c.retry.In(hel))
		}
	}
}

// TestWellbeingDue: the wellbeing follow-up comes eight weeks after the
// baseline at 10.00 local time, across a change of the clocks too; an
// hour in the quiet hours waits for the morning; a second point has its
// own weeks; no weeks, or a point not configured, none.
func TestWellbeingDue(t *testing.T) {
	hel := helsinki(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, hel) }
	r := DefaultReminders(hel)
	two := r
	two.WellbeingWeeks = []int{8, 26}
	for _, c := range []struct {
		name     string
		r        Reminders
		baseline time.Time
		point    int
		want     time.Time
	}{
		{"eight weeks at ten", r, at(2026, 12, 3, 15, 30), 1, at(2027, 1, 28, 10, 0)},
		{"across the spring change", r, at(2027, 3, 1, 23, 0), 1, at(2027, 4, 26, 10, 0)},
		{"in the quiet hours", Reminders{WellbeingWeeks: []int{2}, WellbeingAt: 22 * time.Hour, QuietFrom: 21 * time.Hour, QuietUntil: 8 * time.Hour, Location: hel},
			at(2026, 12, 3, 9, 0), 1, at(2026, 12, 18, 8, 0)},
		{"the second point", two, at(2026, 12, 3, 15, 30), 2, at(2027, 6, 3, 10, 0)},
	} {
		got, ok := c.r.WellbeingDue(c.baseline, c.point)
		if !ok || !got.Equal(c.want) {
			t.Errorf("%s: WellbeingDue = %v, %v; want %v", c.name, got.In(hel), ok, c.want)
		}
	}
	if _, ok := (Reminders{Location: hel}).WellbeingDue(at(2026, 12, 3, 9, 0), 1); ok {
		t.Error("WellbeingDue with no weeks: a follow-up")
	}
	if _, ok := r.WellbeingDue(at(2026, 12, 3, 9, 0), 2); ok {
		t.Error("WellbeingDue of a point not configured: a follow-up")
	}
}

// TestWellbeingRemindDue: the reminder comes WellbeingRemindDays after
// the question at the same local hour, across a change of the clocks
// too; in the quiet hours it waits for the morning; 0 days, none.
func TestWellbeingRemindDue(t *testing.T) {
	hel := helsinki(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, hel) }
	r := DefaultReminders(hel)
	for _, c := range []struct {
		name  string
		asked time.Time
		want  time.Time
	}{
		{"three days at the same hour", at(2027, 1, 28, 10, 0), at(2027, 1, 31, 10, 0)},
		{"across the spring change", at(2027, 3, 26, 10, 0), at(2027, 3, 29, 10, 0)},
		{"asked late in the evening", at(2027, 1, 28, 20, 59), at(2027, 1, 31, 20, 59)},
	} {
		got, ok := r.WellbeingRemindDue(c.asked)
		if !ok || !got.Equal(c.want) {
			t.Errorf("%s: WellbeingRemindDue = %v, %v; want %v", c.name, got.In(hel), ok, c.want)
		}
	}
	late := r
	late.QuietFrom = 20 * time.Hour
	if got, _ := late.WellbeingRemindDue(at(2027, 1, 28, 20, 30)); !got.Equal(at(2027, 2, 1, 8, 0)) {
		t.Errorf("in the quiet hours: %v, want the morning after", got.In(hel))
	}
	r.WellbeingRemindDays = 0
	if _, ok := r.WellbeingRemindDue(at(2027, 1, 28, 10, 0)); ok {
		t.Error("no reminder days: a reminder")
	}
}
