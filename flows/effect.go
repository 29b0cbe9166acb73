package flows

import "polku"

// The effects a step asks of the adapter, and nothing else.

// Effect is something the adapter must do in the same transaction as
// saving the conversation.
type Effect interface{ effect() }

// RecordConsent stores that the person agreed to the privacy notice of
// Version (or declined, with Agreed false: nothing personal is stored).
// Renewed marks an agreement that replaces one to another version.
type RecordConsent struct {
	Version  string
	Agreed   bool
	Referral string
	Renewed  bool
}

// SaveProfile stores confirmed intake answers as the family's profile,
// and the wellbeing answers as their baseline when given.
type SaveProfile struct {
	Answers  polku.Answers
	Referral string
}

// RequestPerson stores a request to be contacted by a coordinator, so it
// is not lost before the coordinators' side picks it up.
type RequestPerson struct {
	// Reason is "button" (talk to a person) or "intake" (contact choice).
	Reason  string
	Contact polku.Contact
}

// Erase deletes everything stored about the family.
type Erase struct{}

// Export sends the family everything stored about it: in plain words, and
// all of it as a file. A chat with no family is told that nothing is kept.
type Export struct{}

// OpenCase hands the family to a person: the adapter opens its case (or
// opens it again) in the coordinators' group.
type OpenCase struct {
	// Share says the coordinators may see the family's answers.
	Share bool
	// Urgent marks the case urgent: the family wrote a safety word.
	Urgent bool
}

// Relay copies the family's message (Input.Message) to its case, opening
// the case again when it was closed. Edited marks the copy as the new
// version of a message the family edited.
type Relay struct {
	Message int
	Share   bool
	Urgent  bool
	Edited  bool
}

// ShareAnswered: the family answered whether the coordinators may see
// its answers (or put the question off). Its case's summary, which said
// the question waits for an answer, is written again.
type ShareAnswered struct{}

// SaveFollowUp stores the family's answers to wellbeing follow-up Point,
// in the baseline's Instrument: all of them, or those given before "Skip
// the rest".
type SaveFollowUp struct {
	Point      int
	Instrument polku.Instrument
	Scores     []int
}

// StopFollowUps remembers that the family wants no more wellbeing
// follow-ups ("don't ask again"); /settings turns them back on.
type StopFollowUps struct{}

// Started counts a family who came from a professional's referral link.
type Started struct {
	Referral string
}

func (RecordConsent) effect() {}
func (SaveProfile) effect()   {}
func (RequestPerson) effect() {}
func (Erase) effect()         {}
func (Export) effect()        {}
func (OpenCase) effect()      {}
func (Relay) effect()         {}
func (Started) effect()       {}
func (ShareAnswered) effect() {}
func (SaveFollowUp) effect()  {}
func (StopFollowUps) effect() {}
