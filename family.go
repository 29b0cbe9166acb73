package polku

import (
	"slices"
	"time"
)

// AgeBand is a child's age range. Polku never asks for birth dates.
type AgeBand string

// The age bands, youngest first.
const (
	Age0to2   AgeBand = "0-2"
	Age3to6   AgeBand = "3-6"
	Age7to12  AgeBand = "7-12"
	Age13to17 AgeBand = "13-17"
)

// AgeBands lists every band in display order.
var AgeBands = []AgeBand{Age0to2, Age3to6, Age7to12, Age13to17}

// MaxChildrenPerBand bounds the counter in the intake.
const MaxChildrenPerBand = 9

// Speaker is who answers the intake: a parent or carer, or a young person
// of 13–17 on their own. Finland's rule for a child's own consent to
// information society services is 13 years (Tietosuojalaki 5 §): a
// younger child is told to ask a parent, and nothing of theirs is stored,
// so there is no Speaker for them.
type Speaker string

// The speakers of the intake.
const (
	SpeakerParent Speaker = "parent"
	SpeakerYoung  Speaker = "young"
)

// YoungAge is the age from which a young person may agree to the notice
// and use Polku alone.
const YoungAge = 13

// Interest is a kind of activity a family likes.
type Interest string

// The interests of the intake.
const (
	InterestNature  Interest = "nature"
	InterestArt     Interest = "art"
	InterestMusic   Interest = "music"
	InterestCrafts  Interest = "crafts"
	InterestCulture Interest = "culture"
	InterestSport   Interest = "sport"
	InterestAnimals Interest = "animals"
)

// Interests lists every interest in display order.
var Interests = []Interest{InterestNature, InterestArt, InterestMusic, InterestCrafts, InterestCulture, InterestSport, InterestAnimals}

// Help is what the family says would help them.
type Help string

// The kinds of help of the intake.
const (
	HelpTogether Help = "together"
	HelpFamilies Help = "families"
	HelpHobby    Help = "hobby"
	HelpBreak    Help = "break"
	HelpTalk     Help = "talk"
)

// Helps lists every kind of help in display order.
var Helps = []Help{HelpTogether, HelpFamilies, HelpHobby, HelpBreak, HelpTalk}

// Need is a practical need.
type Need string

// The practical needs of the intake.
const (
	NeedFree          Need = "free"
	NeedTransport     Need = "transport"
	NeedAccessibility Need = "accessibility"
)

// Needs lists every practical need in display order.
var Needs = []Need{NeedFree, NeedTransport, NeedAccessibility}

// Contact is how a family wants to be contacted by a coordinator.
type Contact string

// The contact choices of the intake.
const (
	ContactChat  Contact = "chat"
	ContactPhone Contact = "phone"
	ContactNone  Contact = "none"
)

// WellbeingStatements is how many statements Polku's own wellbeing check
// (InstrumentOwn) has. Their wording lives in the locales (wellbeing.s1 ...
// wellbeing.s4).
const WellbeingStatements = 4

// MaxFreeText bounds the optional free-text answer, in characters.
const MaxFreeText = 500

// Answers are a family's intake answers: the minimum needed to suggest
// activities. No names, no birth dates.
type Answers struct {
	Municipality string `json:"municipality,omitempty"`
	// Speaker is who answers: "" in answers from before it was asked,
	// which were a parent's.
	Speaker   Speaker         `json:"speaker,omitempty"`
	Children  map[AgeBand]int `json:"children,omitempty"`
	Interests []Interest      `json:"interests,omitempty"`
	Helps     []Help          `json:"helps,omitempty"`
	HelpText  string          `json:"help_text,omitempty"`
	Needs     []Need          `json:"needs,omitempty"`
	Languages []string        `json:"languages,omitempty"`
	// Wellbeing holds the answers of the wellbeing check, in statement
	// order, on the scale of its Instrument; nil when the family skipped
	// it.
	Wellbeing []int `json:"wellbeing,omitempty"`
	// Instrument is what Wellbeing answers (see WellbeingInstrument).
	Instrument Instrument `json:"instrument,omitempty"`
	Contact    Contact    `json:"contact,omitempty"`
	// Phone is set only from Telegram's share-contact button.
	Phone string `json:"phone,omitempty"`
}

// Young reports whether a young person answers for themselves: they are
// the one child, of 13–17.
func (a Answers) Young() bool { return a.Speaker == SpeakerYoung }

// ChildCount is the number of children over all age bands.
func (a Answers) ChildCount() int {
	n := 0
	for _, c := range a.Children {
		n += c
	}
	return n
}

// Has reports whether the answers include the practical need n.
func (a Answers) Has(n Need) bool { return slices.Contains(a.Needs, n) }

// Validate reports the first problem that makes the answers unusable as a
// profile.
func (a Answers) Validate() error {
	switch {
	case a.Municipality == "":
		return Errorf(EINVALID, "municipality missing")
	case a.ChildCount() == 0:
		return Errorf(EINVALID, "no children")
	case a.Contact == "":
		return Errorf(EINVALID, "contact choice missing")
	case a.Contact == ContactPhone && a.Phone == "":
		return Errorf(EINVALID, "phone contact without a shared number")
	case len([]rune(a.HelpText)) > MaxFreeText:
		return Errorf(EINVALID, "free text too long")
	case a.Speaker != "" && a.Speaker != SpeakerParent && a.Speaker != SpeakerYoung:
		return Errorf(EINVALID, "unknown speaker")
	case a.Young() && (len(a.Children) != 1 || a.Children[Age13to17] != 1):
		return Errorf(EINVALID, "a young person is one child of 13–17")
	}
	for band, n := range a.Children {
		if !slices.Contains(AgeBands, band) || n < 0 || n > MaxChildrenPerBand {
			return Errorf(EINVALID, "bad child count")
		}
	}
	if a.Wellbeing != nil {
		return a.WellbeingInstrument().Check(a.Wellbeing)
	}
	return nil
}

// WellbeingInstrument is the instrument of the wellbeing answers: answers
// kept from before instruments were chosen carry none, and are Polku's own
// statements.
func (a Answers) WellbeingInstrument() Instrument {
	if a.Instrument == "" {
		return InstrumentOwn
	}
	return a.Instrument
}

// Family is one family's record: everything personal hangs off its ID.
type Family struct {
	ID             int64
	ChatID         int64
	Lang           string
	Referral       string
	ConsentVersion string
	ConsentAt      time.Time
	Answers        Answers
	ProfileAt      time.Time
}
