package polku

import "testing"

func TestInstrumentScore(t *testing.T) {
	for _, c := range []struct {
		in      Instrument
		answers []int
		score   int
		ok      bool
	}{
		{InstrumentWHO5, []int{5, 5, 5, 5, 5}, 100, true},
		{InstrumentWHO5, []int{0, 0, 0, 0, 0}, 0, true},
		{InstrumentWHO5, []int{3, 4, 2, 3, 4}, 64, true},
		{InstrumentWHO5, []int{3, 4, 2, 3}, 0, false},    // in part: no score
		{InstrumentWHO5, []int{3, 4, 2, 3, 6}, 0, false}, // out of range
		{InstrumentOwn, []int{3, 4, 2, 5}, 14, true},
		{InstrumentOwn, []int{0, 4, 2, 5}, 0, false}, // own answers are 1–5
		{InstrumentOwn, []int{3, 4, 2, 5, 1}, 0, false},
		{InstrumentOff, nil, 0, false},
	} {
		score, ok := c.in.Score(c.answers)
		if score != c.score || ok != c.ok {
			t.Errorf("%s %v: %d %v, want %d %v", c.in, c.answers, score, ok, c.score, c.ok)
		}
	}
}

func TestLowWHO5(t *testing.T) {
	for score, want := range map[int]bool{0: true, 28: true, 32: false, 100: false} {
		if LowWHO5(score) != want {
			t.Errorf("LowWHO5(%d) = %v", score, !want)
		}
	}
}

func TestAnswersWellbeingInstrument(t *testing.T) {
	a := Answers{Municipality: "Kuusamo", Children: map[AgeBand]int{Age0to2: 1}, Contact: ContactNone}
	// Answers from before instruments were chosen are the own statements.
	a.Wellbeing = []int{1, 2, 3, 4}
	if a.WellbeingInstrument() != InstrumentOwn || a.Validate() != nil {
		t.Errorf("legacy answers: %v %v", a.WellbeingInstrument(), a.Validate())
	}
	a.Wellbeing = []int{0, 1, 2, 3, 4}
	if a.Validate() == nil {
		t.Error("five answers with a 0 passed as the own statements")
	}
	a.Instrument = InstrumentWHO5
	if err := a.Validate(); err != nil {
		t.Errorf("WHO-5 answers: %v", err)
	}
	a.Instrument = InstrumentOff
	if a.Validate() == nil {
		t.Error("answers without an instrument passed")
	}
	if _, err := ParseInstrument("who-5"); err == nil {
		t.Error("ParseInstrument took who-5")
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		i       Instrument
		answers []int
		want    float64
		ok      bool
	}{
		{InstrumentWHO5, []int{5, 5, 5, 5, 5}, 100, true},
		{InstrumentWHO5, []int{3, 2, 3, 1, 4}, 52, true},
		{InstrumentOwn, []int{1, 1, 1, 1}, 0, true},
		{InstrumentOwn, []int{5, 5, 5, 5}, 100, true},
		{InstrumentOwn, []int{3, 3, 3, 3}, 50, true},
		{InstrumentOwn, []int{3, 3}, 0, false},
		{InstrumentOff, nil, 0, false},
	} {
		if got, ok := c.i.Percent(c.answers); got != c.want || ok != c.ok {
			t.Errorf("%s.Percent(%v) = %v, %v; want %v, %v", c.i, c.answers, got, ok, c.want, c.ok)
		}
	}
}
