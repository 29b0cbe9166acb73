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
	// Thread is the forum topic (0 until Telegram created it); Summary
	// the pinned summary message in it.
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
}

// Referral is a referral code of the professional network with the
// numbers of families who started from it and who finished the intake.
type Referral struct {
	Code         string
	Organisation string
	Started      int
	Finished     int
}

// Coordinator is a member of the coordinators' group as the bot saw them.
type Coordinator struct {
	UserID    int64
	FirstName string
	OnDuty    bool
}

// ValidOutcome reports whether o is one of Outcomes.
func ValidOutcome(o Outcome) bool { return slices.Contains(Outcomes, o) }
