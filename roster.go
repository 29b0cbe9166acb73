package polku

import "time"

// Mark is a provider's mark of whether a party came to a session. It
// stands beside the family's own answer (Attendance), never over it.
type Mark string

// The marks.
const (
	MarkCame   Mark = "came"
	MarkAbsent Mark = "absent"
)

// MarkDays is how many days after a session (its end, or its start when
// it has none) its marks can still be given or changed: long enough for a
// volunteer who marks on the weekend, short enough that the month's visit
// report is settled soon after the month.
const MarkDays = 3

// Party is one confirmed sign-up as a provider's roster shows it: how many
// come and the age bands of the family's children, nothing else about the
// family. Polku has no names.
type Party struct {
	SignUp           int64
	Children, Adults int
	// Bands are the bands the family has children in, youngest first;
	// none when the family saved no answers.
	Bands []AgeBand
	// Mark is the provider's mark, "" before any.
	Mark Mark
}

// People is how many the party is.
func (p Party) People() int { return p.Children + p.Adults }

// Roster is one session of an organiser with who signed up for it.
type Roster struct {
	Session   Session
	Activity  int64
	Title     Localized
	Organiser string
	// Parties are the confirmed sign-ups, in the order they were made;
	// the Session's Taken and Waiting count their people and those on
	// the waiting list.
	Parties []Party
}

// Markable reports whether the session's attendance can be marked at
// now: from its start until MarkDays after its end.
func (s Session) Markable(now time.Time) bool {
	end := s.End
	if end.IsZero() {
		end = s.Start
	}
	return !now.Before(s.Start) && now.Before(end.AddDate(0, 0, MarkDays))
}

// Visits is an organiser's month for reimbursement: every session of its
// activities that began in the month, and the wellbeing-card visits its
// providers checked.
type Visits struct {
	Organiser string
	// Month is the month's first day, in the service's time zone.
	Month    time.Time
	Sessions []SessionVisits
	Cards    []CardVisits
}

// SessionVisits are one session's counts: the confirmed sign-ups (parties
// and people), those the organiser's providers marked as having come
// (parties and people), and those no provider marked. Nothing of the
// families' own answers is in them: only what the organiser's roster and
// marks already told it (see docs/reports.md).
type SessionVisits struct {
	Activity         int64
	Title            Localized
	Start            time.Time
	Parties, People  int
	Came, CamePeople int
	Unmarked         int
}

// CardVisits are the wellbeing-card visits the organiser's providers
// checked at one activity in the month; Activity 0 (Title nil) for visits
// recorded without one.
type CardVisits struct {
	Activity int64
	Title    Localized
	Visits   int
}
