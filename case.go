package polku

import (
	"slices"
	"time"
)

// CaseStatus is whether coordinators still work on a case.
type CaseStatus string

// A case is open until a coordinator closes it; the family writing again
// opens it again.
const (
	CaseOpen   CaseStatus = "open"
	CaseClosed CaseStatus = "closed"
)

// Case is a family's conversation with the coordinators: one forum topic
// in the coordinators' group. It knows the family only by its chat.
type Case struct {
	ID     int64
	ChatID int64
	// Shared says the family agreed to show its answers to the
	// coordinators.
	Shared bool
	Status CaseStatus
	// Urgent is set when the family wrote a safety word.
	Urgent bool
	// Municipality and Bands (age bands such as "0-2,7-12") name the
	// topic; nothing else about the family does.
	Municipality string
	Bands        string
	// Group is the coordinators' group the case is in (its
	// municipality's when it opened, or the one it was moved to); 0 for
	// none.
	Group int64
	// Thread is the forum topic in Group (0 until Telegram created it);
	// Summary the pinned summary message in it.
	Thread  int
	Summary int
	// ClaimedBy is the coordinator working on the case (a Telegram user
	// ID, 0 for none), ClaimedName their first name.
	ClaimedBy   int64
	ClaimedName string
	Outcome     Outcome
	Opened      time.Time
	// FamilyAt is when the family last wrote.
	FamilyAt time.Time
	Closed   time.Time
	// Moved is when a coordinator last moved the case to another
	// municipality's group (zero for never).
	Moved time.Time
}

// Note is a coordinator's private note on a case: their words about the
// work, kept with the case and moved with it.
type Note struct {
	At   time.Time
	Text string
}

// ValidOutcome reports whether o is one of Outcomes.
func ValidOutcome(o Outcome) bool { return slices.Contains(Outcomes, o) }

// Outcome is how a coordinator closes a case: what the family got. Reports
// count cases by outcome.
type Outcome string

// The outcomes of a case.
const (
	OutcomeActivities Outcome = "activities" // found activities to take part in
	OutcomeCard       Outcome = "card"       // got a wellbeing card
	OutcomeReferred   Outcome = "referred"   // referred to another service
	OutcomeNoNeed     Outcome = "no_need"    // no need for the service after all
)

// Outcomes lists every outcome in display order.
var Outcomes = []Outcome{OutcomeActivities, OutcomeCard, OutcomeReferred, OutcomeNoNeed}
