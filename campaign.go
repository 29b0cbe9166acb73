package polku

import (
	"slices"
	"time"
)

// A campaign is an announcement a manager or a coordinator sends to the
// families who said yes to news (Family.News), picked by a Segment of
// their anonymous profile fields, never by name.

// MinSegment is the fewest families a campaign may go to, and the fewest
// whose number is shown: a smaller group could point at a family.
const MinSegment = 5

// LowBaseline is the wellbeing score (0–100) a baseline is "low" under,
// for a segment.
const LowBaseline = 50

// Segment picks the families of a campaign by their profile: every field
// set must match; the zero Segment is every family who wants news.
type Segment struct {
	Municipality string   `json:"municipality,omitempty"`
	Age          AgeBand  `json:"age,omitempty"`
	Interest     Interest `json:"interest,omitempty"`
	// Lang is the language the family uses the bot in.
	Lang string `json:"lang,omitempty"`
	// NotAttended: no sign-up of the family counts as attended: none was
	// marked "came" by a provider, nor answered "yes, we went" unmarked.
	NotAttended bool `json:"not_attended,omitempty"`
	// LowWellbeing: the family's complete baseline scored under
	// LowBaseline on 0–100.
	LowWellbeing bool `json:"low_wellbeing,omitempty"`
}

// Valid reports whether the segment's fields are values the profile can
// have (the municipality is the caller's to check against the service's).
func (s Segment) Valid() bool {
	return (s.Age == "" || slices.Contains(AgeBands, s.Age)) && (s.Interest == "" || slices.Contains(Interests, s.Interest))
}

// Campaign is one announcement, a draft until it is sent.
type Campaign struct {
	ID int64
	// Texts is the announcement in each language.
	Texts map[string]string
	// Photo is a Telegram file ID of a picture sent with it, "" for none.
	Photo string
	// Activity is the activity its button opens (0 for none), with its
	// title.
	Activity      int64
	ActivityTitle Localized
	Segment       Segment
	// SentAt is when it was sent, zero for a draft.
	SentAt time.Time
	// The campaign's anonymous figures: queued for, delivered by
	// Telegram, opened its activity, signed up after it.
	Sent, Delivered, Opened, SignedUp int
}

// Missing are the languages of langs the campaign has no text in.
func (c Campaign) Missing(langs []string) []string {
	var out []string
	for _, l := range langs {
		if c.Texts[l] == "" {
			out = append(out, l)
		}
	}
	return out
}
