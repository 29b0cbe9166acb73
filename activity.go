package polku

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Category is a kind of activity in the catalogue. The first seven match
// the intake's interests one to one; CategoryFamily (family time) has no
// interest of its own.
type Category string

// The categories of the catalogue.
const (
	CategoryNature  Category = "nature"
	CategoryArt     Category = "art"
	CategoryMusic   Category = "music"
	CategoryCrafts  Category = "crafts"
	CategoryCulture Category = "culture" // culture and history
	CategorySport   Category = "sport"   // movement and sport
	CategoryAnimals Category = "animals"
	CategoryFamily  Category = "family" // family time
)

// Categories lists every category in display order.
var Categories = []Category{CategoryNature, CategoryArt, CategoryMusic, CategoryCrafts, CategoryCulture, CategorySport, CategoryAnimals, CategoryFamily}

// Audience says for whom an activity is.
type Audience string

// The audiences of the catalogue.
const (
	AudienceFamily   Audience = "family"   // the whole family together
	AudienceChildren Audience = "children" // children alone: a break for the parents
	AudienceParents  Audience = "parents"  // parents (or carers) only
)

// Audiences lists every audience.
var Audiences = []Audience{AudienceFamily, AudienceChildren, AudienceParents}

// PriceKind says how an activity is paid.
type PriceKind string

// The kinds of price.
const (
	PriceFree PriceKind = "free"
	// PriceCard is free with the wellbeing card, paid otherwise.
	PriceCard PriceKind = "card"
	PricePaid PriceKind = "paid"
)

// Price is what taking part costs one person.
type Price struct {
	Kind PriceKind `json:"kind"`
	// Cents is the amount in euro cents when the activity is paid (also
	// for PriceCard: what it costs without the card).
	Cents int `json:"cents,omitempty"`
}

// Access is an accessibility feature of a place or an activity.
type Access string

// The accessibility features of the catalogue.
const (
	AccessStepFree    Access = "step_free"
	AccessHearingLoop Access = "hearing_loop"
	AccessSensory     Access = "sensory_friendly"
	AccessToilet      Access = "accessible_toilet"
)

// Accesses lists every accessibility feature.
var Accesses = []Access{AccessStepFree, AccessHearingLoop, AccessSensory, AccessToilet}

// Status is the status of an activity or a session, as in Linked Events.
type Status string

// The statuses.
const (
	StatusScheduled Status = "scheduled"
	StatusCancelled Status = "cancelled"
	StatusPostponed Status = "postponed"
)

// Localized is a text in several languages, keyed by BCP 47 base code.
type Localized map[string]string

// In returns the text in lang, falling back to Finnish and then to any
// language present.
func (l Localized) In(lang string) string {
	if s := l[lang]; s != "" {
		return s
	}
	if s := l["fi"]; s != "" {
		return s
	}
	keys := make([]string, 0, len(l))
	for k, v := range l {
		if v != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return l[keys[0]]
}

// Coords are a place's WGS84 coordinates.
type Coords struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Place is where an activity happens.
type Place struct {
	Name    string  `json:"name"`
	Address string  `json:"address,omitempty"`
	Coords  *Coords `json:"coords,omitempty"`
}

// Activity is one offer of the service catalogue (palvelutarjotin). It
// follows Linked Events where that fits: an event with sub-events is an
// activity with sessions.
type Activity struct {
	// ID is the store's key; zero before the activity is stored.
	ID int64 `json:"id,omitempty"`
	// Organiser and ExternalID (the organiser's own ID of the activity)
	// identify the activity across imports.
	Organiser   string     `json:"organiser"`
	ExternalID  string     `json:"external_id"`
	Title       Localized  `json:"title"`
	Description Localized  `json:"description,omitempty"`
	Categories  []Category `json:"categories"`
	// Municipality is the municipality's name as the intake offers it
	// (for example "Kuusamo").
	Municipality string `json:"municipality"`
	Place        Place  `json:"place"`
	// AgeMin and AgeMax bound the children's ages in years, inclusive.
	AgeMin   int      `json:"age_min"`
	AgeMax   int      `json:"age_max"`
	Audience Audience `json:"audience"`
	Price    Price    `json:"price"`
	Access   []Access `json:"access,omitempty"`
	// Languages are the languages spoken in the activity (BCP 47 base
	// codes); none listed means Finnish.
	Languages []string `json:"languages,omitempty"`
	Status    Status   `json:"status"`
	// Contact is the organiser's public contact (phone, e-mail or web
	// address), never a person's private one.
	Contact  string    `json:"contact,omitempty"`
	InfoURL  string    `json:"info_url,omitempty"`
	Sessions []Session `json:"sessions"`
}

// MaxAge is the oldest age Polku serves.
const MaxAge = 17

// Session is one time an activity happens.
type Session struct {
	// ID is the store's key; zero before the session is stored.
	ID int64 `json:"id,omitempty"`
	// ExternalID identifies the session within its activity across
	// imports: the organiser's ID, or derived from the start time.
	ExternalID string    `json:"external_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	// Capacity is how many people (children and adults) fit.
	Capacity int `json:"capacity"`
	// EnrolFrom and EnrolUntil bound the enrolment; zero means from now
	// on, and until the start.
	EnrolFrom  time.Time `json:"enrol_from,omitzero"`
	EnrolUntil time.Time `json:"enrol_until,omitzero"`
	Status     Status    `json:"status"`
	// Taken and Waiting are filled by the store: seats taken by confirmed
	// sign-ups, and people on the waiting list.
	Taken   int `json:"taken,omitempty"`
	Waiting int `json:"waiting,omitempty"`
}

// SeatsLeft is how many seats are still free.
func (s Session) SeatsLeft() int { return max(0, s.Capacity-s.Taken) }

// Open reports whether families can sign up for the session at now
// (with a seat or on the waiting list).
func (s Session) Open(now time.Time) bool {
	if s.Status != StatusScheduled || !s.Start.After(now) {
		return false
	}
	if !s.EnrolFrom.IsZero() && now.Before(s.EnrolFrom) {
		return false
	}
	if !s.EnrolUntil.IsZero() && !now.Before(s.EnrolUntil) {
		return false
	}
	return true
}

// Upcoming returns the sessions open for sign-up at now, soonest first.
func (a Activity) Upcoming(now time.Time) []Session {
	var out []Session
	if a.Status != StatusScheduled {
		return nil
	}
	for _, s := range a.Sessions {
		if s.Open(now) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(x, y Session) int {
		if c := x.Start.Compare(y.Start); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(x.ID, y.ID), strings.Compare(x.ExternalID, y.ExternalID))
	})
	return out
}

// FictionalMark ends the name of an organiser made up for the sample
// catalogue and the templates ("Esimerkkiopisto (kuvitteellinen)"), so a
// demo never passes for a real service. It is part of the organiser's
// identity; families read it in their own language (OrganiserName).
const FictionalMark = " (kuvitteellinen)"

// OrganiserName is the organiser's name without FictionalMark, and
// whether the organiser is made up.
func (a Activity) OrganiserName() (name string, fictional bool) {
	name, fictional = strings.CutSuffix(a.Organiser, FictionalMark)
	return name, fictional
}

// SignUpStatus is where a sign-up stands.
type SignUpStatus string

// The statuses of a sign-up.
const (
	SignedUp  SignUpStatus = "confirmed"
	Waiting   SignUpStatus = "waiting"
	Cancelled SignUpStatus = "cancelled"
)

// Attendance is the family's own answer to "Did you make it?".
type Attendance string

// The answers to the attendance question.
const (
	Attended     Attendance = "yes"
	NotAttended  Attendance = "no"
	CouldNotCome Attendance = "could_not"
)

// MaxPartySize bounds how many people one sign-up can bring.
const MaxPartySize = 9

// SignUp is a family's place in one session, or in its waiting list.
type SignUp struct {
	ID       int64        `json:"id"`
	Status   SignUpStatus `json:"status"`
	Children int          `json:"children"`
	Adults   int          `json:"adults"`
	// Position is the place in the waiting list, 1 first; 0 when
	// confirmed.
	Position   int        `json:"position,omitempty"`
	Attendance Attendance `json:"attendance,omitempty"`
	Created    time.Time  `json:"created"`
	// Activity holds the activity with only this sign-up's session.
	Activity Activity `json:"activity"`
}

// Seats is how many seats the sign-up needs.
func (s SignUp) Seats() int { return s.Children + s.Adults }

// Session is the sign-up's session.
func (s SignUp) Session() Session {
	if len(s.Activity.Sessions) == 0 {
		return Session{}
	}
	return s.Activity.Sessions[0]
}

// SignUpOutcome is what a request to sign up achieved.
type SignUpOutcome string

// The outcomes of signing up.
const (
	OutcomeConfirmed SignUpOutcome = "confirmed" // seats taken
	OutcomeWaiting   SignUpOutcome = "waiting"   // full: on the waiting list
	OutcomeAlready   SignUpOutcome = "already"   // the family already has this session
	OutcomeClosed    SignUpOutcome = "closed"    // enrolment closed, session past or cancelled
	OutcomeTooMany   SignUpOutcome = "too_many"  // more people than the session holds at all
)

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
}

// DefaultReminders are the reminders of a deployment that configures
// none: at 18.00 the day before, two hours before, and the follow-up an
// hour after the end; quiet from 21.00 to 8.00.
func DefaultReminders(loc *time.Location) Reminders {
	return Reminders{DayBeforeAt: 18 * time.Hour, Before: 2 * time.Hour, FollowUpAfter: time.Hour,
		QuietFrom: 21 * time.Hour, QuietUntil: 8 * time.Hour, Location: loc}
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
