package polku

import "time"

// Provider is an activity provider's person who checks wellbeing cards for
// an organiser of the catalogue. A coordinator adds one and gets a one-time
// link; the person opening it in time links their Telegram account.
type Provider struct {
	ID        int64
	Organiser string
	// Name is what the coordinator named the provider by when adding it.
	Name string
	// UserID is the provider's Telegram user, 0 until they opened their
	// link; FirstName their Telegram first name as it was then (a staff
	// member's, shown to coordinators).
	UserID    int64
	FirstName string
	// LinkCode is the one-time code of the provider's link, "" once used;
	// the link works until LinkUntil.
	LinkCode  string
	LinkUntil time.Time
	Added     time.Time
	Linked    time.Time
}

// ProviderState is where a provider is between being added and checking
// cards.
type ProviderState string

// The states of a provider.
const (
	ProviderWaiting ProviderState = "waiting" // the link is not opened yet
	ProviderExpired ProviderState = "expired" // the link was not opened in time
	ProviderLinked  ProviderState = "linked"  // checks cards
)

// State says where the provider is at now. A link works until LinkUntil
// (exclusive), as a card does.
func (p Provider) State(now time.Time) ProviderState {
	switch {
	case p.UserID != 0:
		return ProviderLinked
	case !now.Before(p.LinkUntil):
		return ProviderExpired
	}
	return ProviderWaiting
}

// CheckOutcome is what a provider's card check answered, as the audit trail
// keeps it (never the code): a CardState, or one of the outcomes below.
type CheckOutcome string

// The outcomes of a check besides a card's state.
const (
	CheckAgain   CheckOutcome = "again"   // valid, the visit was recorded today already
	CheckWhich   CheckOutcome = "which"   // valid, the provider is asked which activity
	CheckUnknown CheckOutcome = "unknown" // no card has the code
	CheckBad     CheckOutcome = "bad"     // not a card code at all
	CheckLimited CheckOutcome = "limited" // refused: too many checks within the hour
)

// Uncounted are the outcomes that do not count towards a provider's checks
// within the hour. A refused check told nothing, and counting it would
// keep someone who keeps trying locked out for good. The question which
// activity tells only that a code is valid: its answer counts, and a
// guesser's misses count every time, so guessing stays limited.
var Uncounted = []CheckOutcome{CheckWhich, CheckLimited}
