package report

import (
	"maps"
	"slices"
	"time"

	"polku"
)

// Data is what the report is built from: the figures of one period and of
// the period before it, per municipality, as plain counts and anonymous
// value lists. The store fills it from its aggregates, one GROUP BY a
// field: counts keyed by the values of a dimension (an age band, a
// category, an organiser), scores as lists without any key of a family.
// Nothing in it is protected yet; [Build] protects every figure.
type Data struct {
	Period, Previous Period
	// Instrument is the wellbeing measure the scores come from: "who5"
	// or "own" (the project's own statements, scaled to 0–100 by the
	// store), "" when the service measures no wellbeing. A report holds
	// the scores of one instrument only, so that they are never mixed.
	Instrument string
	// FollowUpWeeks is how many weeks after the baseline the first
	// follow-up is asked: the paired change is of that point only. 0
	// when none is asked.
	FollowUpWeeks int
	// Costs are the service's costs in effect at the end of Period (the
	// latest a manager set in Telegram by then, or the configuration's),
	// CostsBefore those in effect at the end of Previous: each period is
	// counted with its own.
	Costs, CostsBefore polku.Costs
	// Now and Before are the figures of Period and of Previous.
	Now, Before Figures
	// Campaigns are the campaigns sent in Period, oldest first.
	Campaigns []Campaign
}

// The instruments of [Data.Instrument].
const (
	WHO5 = "who5"
	Own  = "own"
)

// Period is a run of whole months, First to Last, both included, each
// written as "2006-01".
type Period struct{ First, Last string }

// Months is how many months the period covers (at least 1).
func (p Period) Months() int {
	f, err1 := time.Parse("2006-01", p.First)
	l, err2 := time.Parse("2006-01", p.Last)
	if err1 != nil || err2 != nil || l.Before(f) {
		return 1
	}
	return (l.Year()-f.Year())*12 + int(l.Month()-f.Month()) + 1
}

// String is the period as the report writes it in every language: "2026-11"
// or "2026-01–2026-06".
func (p Period) String() string {
	if p.Last == "" || p.Last == p.First {
		return p.First
	}
	return p.First + "–" + p.Last
}

// Figures are one period's figures by municipality.
type Figures map[string]*Area

// Of returns the figures of a municipality, adding empty ones first when
// there are none, so that a store can fill them row by row.
func (f Figures) Of(municipality string) *Area {
	if a, ok := f[municipality]; ok {
		return a
	}
	a := NewArea()
	f[municipality] = a
	return a
}

// Area is one municipality's figures of one period. Keys that are "" stand
// for "not told" (an age band, a referral, a category, an organiser).
type Area struct {
	// Reach. Families are the families that consented in the period, each
	// counted once, by the age band of the youngest child; Referrals are
	// the same families by the organisation that referred them.
	Families  map[string]int
	Referrals map[string]int
	// Intakes is how many intakes began; Completed how many of them were
	// finished (at most Intakes).
	Intakes, Completed int

	// Participation, by activity (category and organiser).
	Use map[Activity]Use
	// Attenders1 and Attenders3 are the families that attended at least
	// once and at least three times (Attenders3 ≤ Attenders1).
	Attenders1, Attenders3 int

	// The coordinators' work. FirstAnswer holds, for each case answered,
	// the minutes to the first answer counted within office hours.
	// Outcomes count the cases closed, by outcome ("" for none given), so
	// that their sum is the cases closed; Feedback counts the feedback
	// answers by score (1 to 5).
	CasesOpened int
	FirstAnswer []float64
	Outcomes    map[string]int
	Feedback    map[int]int

	// Wellbeing, of Data.Instrument, on a 0–100 scale. Baseline holds the
	// baseline scores given in the period; FollowUps the follow-ups asked,
	// Answered how many of them were answered (at most FollowUps); Pairs
	// the anonymous before-and-after pairs whose follow-up fell in the
	// period.
	Baseline            []float64
	FollowUps, Answered int
	Pairs               []Pair
}

// NewArea returns an Area with its maps made.
func NewArea() *Area {
	return &Area{
		Families:  map[string]int{},
		Referrals: map[string]int{},
		Use:       map[Activity]Use{},
		Outcomes:  map[string]int{},
		Feedback:  map[int]int{},
	}
}

// Activity is what participation is counted by: the activity's category
// (a polku.Category) and its organiser's name.
type Activity struct{ Category, Organiser string }

// Use is the participation in the sessions of one kind of activity.
// Attended counts the sign-ups that were answered "yes" to "Did you make
// it?" (at most SignUps); Moves the places passed on from the waiting
// list; Visits the wellbeing-card visits; Sessions the sessions held, for
// the costs.
type Use struct {
	SignUps, Attended, Moves, Visits, Sessions int
}

// Pair is one family's wellbeing before and after (0–100), and whether the
// family attended any activity in between. It carries no key of the
// family.
type Pair struct {
	Before, After float64
	Attended      bool
}

// add adds b's figures to a's, for the merged municipalities.
func (a *Area) add(b *Area) {
	for k, n := range b.Families {
		a.Families[k] += n
	}
	for k, n := range b.Referrals {
		a.Referrals[k] += n
	}
	a.Intakes += b.Intakes
	a.Completed += b.Completed
	for k, u := range b.Use {
		v := a.Use[k]
		a.Use[k] = Use{v.SignUps + u.SignUps, v.Attended + u.Attended, v.Moves + u.Moves, v.Visits + u.Visits, v.Sessions + u.Sessions}
	}
	a.Attenders1 += b.Attenders1
	a.Attenders3 += b.Attenders3
	a.CasesOpened += b.CasesOpened
	a.FirstAnswer = append(a.FirstAnswer, b.FirstAnswer...)
	for k, n := range b.Outcomes {
		a.Outcomes[k] += n
	}
	for k, n := range b.Feedback {
		a.Feedback[k] += n
	}
	a.Baseline = append(a.Baseline, b.Baseline...)
	a.FollowUps += b.FollowUps
	a.Answered += b.Answered
	a.Pairs = append(a.Pairs, b.Pairs...)
}

// families is the area's new families.
func (a *Area) families() int {
	n := 0
	for _, c := range a.Families {
		n += c
	}
	return n
}

// size is how many families the area's figures tell about at the most:
// what decides whether it is merged into "others".
func (a *Area) size() int {
	return max(a.families(), a.Attenders1, a.CasesOpened, len(a.Baseline), len(a.Pairs))
}

// feedback is the feedback scores as a list.
func (a *Area) feedback() []float64 {
	var xs []float64
	for _, s := range slices.Sorted(maps.Keys(a.Feedback)) {
		for range a.Feedback[s] {
			xs = append(xs, float64(s))
		}
	}
	return xs
}

// Campaign is one campaign sent in the period, with its anonymous figures:
// the families it was queued for, delivered to, who opened its activity
// and who signed up after it.
type Campaign struct {
	ID                                int64
	Sent                              time.Time
	Queued, Delivered, Opened, Signed int
}
