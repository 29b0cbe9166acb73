package polku

import "time"

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
