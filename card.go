package polku

import "time"

// Card is a wellbeing card: a code a coordinator issues that gives a
// family free visits to activities marked "free with the card". It is
// valid from ValidFrom (inclusive) until ValidUntil (exclusive), as Go's
// intervals are: a card for the whole of 2026 runs until 2027-01-01 00.00
// local time. A zero ValidFrom or ValidUntil leaves that end open.
type Card struct {
	// ID is the store's key and ChatID the family's chat the card was
	// issued to; both zero before the card is stored.
	ID, ChatID            int64
	Code                  string
	ValidFrom, ValidUntil time.Time
	Visits                int // free visits granted; 0 = unlimited
	Used                  int // visits recorded
	Revoked               bool
}

// CardState is what a provider checking a card is told.
type CardState string

// The states of a card.
const (
	CardValid   CardState = "valid"
	CardExpired CardState = "expired"
	CardRevoked CardState = "revoked"
	CardUsedUp  CardState = "used_up"
	CardNotYet  CardState = "not_yet"
)

// State says whether the card can be used at now. When several things are
// wrong, the most final one wins: revoked, then expired, then not yet
// valid, then used up; a provider needs only the reason that will not go
// away.
func (c Card) State(now time.Time) CardState {
	switch {
	case c.Revoked:
		return CardRevoked
	case !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil):
		return CardExpired
	case !c.ValidFrom.IsZero() && now.Before(c.ValidFrom):
		return CardNotYet
	case c.Visits > 0 && c.Used >= c.Visits:
		return CardUsedUp
	}
	return CardValid
}

// Left returns the visits left, and false when the visits are unlimited
// (then n is 0).
func (c Card) Left() (n int, limited bool) {
	if c.Visits <= 0 {
		return 0, false
	}
	return max(0, c.Visits-c.Used), true
}
