package polku

import "slices"

// Instrument is the wellbeing measure a service asks in the intake (and,
// later, in the follow-ups): the WHO-5 Well-Being Index, Polku's own four
// statements, or none. Every set of answers is stored with its
// instrument, and results of different instruments are never put in one
// figure: their scales differ. See docs/wellbeing.md.
type Instrument string

// The instruments.
const (
	// InstrumentWHO5 is the WHO-5 Well-Being Index: five statements about
	// the last two weeks, each answered 0 ("at no time") to 5 ("all of
	// the time"); the raw sum × 4 is the score, 0–100.
	InstrumentWHO5 Instrument = "who5"
	// InstrumentOwn is Polku's own four statements, each answered 1–5.
	// Answers stored before instruments were chosen are these.
	InstrumentOwn Instrument = "own"
	// InstrumentOff asks no wellbeing question at all.
	InstrumentOff Instrument = "off"
)

// Instruments lists every instrument, the default first.
var Instruments = []Instrument{InstrumentWHO5, InstrumentOwn, InstrumentOff}

// WHO5Low is the highest WHO-5 score counted as very low wellbeing: a
// score of 28 or less offers a person and the crisis lines at once.
const WHO5Low = 28

// ParseInstrument is the instrument named s, or EINVALID.
func ParseInstrument(s string) (Instrument, error) {
	if i := Instrument(s); slices.Contains(Instruments, i) {
		return i, nil
	}
	return "", Errorf(EINVALID, "unknown wellbeing instrument %q", s)
}

// Statements is how many statements the instrument has; none for off.
// Their wording lives in the locales (wellbeing.s1 … for own,
// who5.s1 … for WHO-5).
func (i Instrument) Statements() int {
	switch i {
	case InstrumentWHO5:
		return 5
	case InstrumentOwn:
		return WellbeingStatements
	}
	return 0
}

// Range is the lowest and the highest answer to one statement.
func (i Instrument) Range() (lo, hi int) {
	if i == InstrumentWHO5 {
		return 0, 5
	}
	return 1, 5
}

// Check reports the first problem with answers to the instrument: a set
// may be answered in part ("skip the rest"), the statements answered being
// the first ones.
func (i Instrument) Check(answers []int) error {
	if i.Statements() == 0 {
		return Errorf(EINVALID, "wellbeing answers without an instrument")
	}
	if len(answers) > i.Statements() {
		return Errorf(EINVALID, "too many wellbeing answers")
	}
	lo, hi := i.Range()
	for _, v := range answers {
		if v < lo || v > hi {
			return Errorf(EINVALID, "wellbeing answer out of range")
		}
	}
	return nil
}

// Score is the score of a complete set of answers, and whether there is
// one: a set answered in part has none. WHO-5: the raw sum × 4, 0–100.
// Own: the raw sum, 4–20. Scores of different instruments are not
// comparable.
func (i Instrument) Score(answers []int) (int, bool) {
	if i.Statements() == 0 || len(answers) != i.Statements() || i.Check(answers) != nil {
		return 0, false
	}
	sum := 0
	for _, v := range answers {
		sum += v
	}
	if i == InstrumentWHO5 {
		return sum * 4, true
	}
	return sum, true
}

// LowWHO5 reports whether a WHO-5 score is very low (≤ WHO5Low).
func LowWHO5(score int) bool { return score <= WHO5Low }

// Percent is the score of a complete set of answers on 0–100, the scale
// the managers' report shows: WHO-5's own score; the own statements'
// raw sum (4–20) scaled to it. A set answered in part has none.
func (i Instrument) Percent(answers []int) (float64, bool) {
	s, ok := i.Score(answers)
	switch {
	case !ok:
		return 0, false
	case i == InstrumentWHO5:
		return float64(s), true
	}
	lo, hi := i.Range()
	n := i.Statements()
	return float64(s-lo*n) * 100 / float64((hi-lo)*n), true
}
