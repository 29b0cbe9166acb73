package flows

import (
	"fmt"
	"slices"
	"strconv"

	"polku"
)

// The wellbeing check of the intake, in the service's instrument (see
// polku.Instrument and docs/wellbeing.md): its introduction, the
// statements one at a time, the offer of a person and the crisis lines
// after a very low WHO-5 score, and the family's own result when it asks
// for it. With InstrumentOff the question is not asked at all.

// instrument is the service's wellbeing instrument: none for a young
// person when it is Polku's own statements, a parent's about the family
// (see young.go).
func (s *step) instrument() polku.Instrument {
	if s.c.Answers.Young() && s.e.cfg.Wellbeing == polku.InstrumentOwn {
		return polku.InstrumentOff
	}
	return s.e.cfg.Wellbeing
}

// wellbeingOff swaps an event of the intake's order for the one that goes
// past the wellbeing question, when the service asks none.
func (s *step) wellbeingOff(event string) string {
	if s.instrument() != polku.InstrumentOff {
		return event
	}
	switch cur := s.m.Current(); {
	case event == "next" && cur == Languages:
		return "next_no_wellbeing"
	case event == "back" && cur == ContactChoice:
		return "back_no_wellbeing"
	}
	return event
}

// editable are the questions the summary offers to change: the wellbeing
// check only when the service asks it, the children not of a young
// person (they are the one child).
func (s *step) editable() []string {
	return slices.DeleteFunc(slices.Clone(editable), func(q string) bool {
		return q == WellbeingIntro && s.instrument() == polku.InstrumentOff || q == Children && s.c.Answers.Young()
	})
}

// The wellbeing check's introduction: start it, or skip it. The WHO-5's
// says what it is, and over which time.
func (s *step) askWellbeingIntro() Reply {
	intro := T("wellbeing.intro")
	if s.instrument() == polku.InstrumentWHO5 {
		intro = Text{ID: "who5.intro", Data: map[string]any{"Again": s.again("who5.again")}}
	}
	return Reply{Text: []Text{intro}, Inline: [][]Button{
		{s.btn("wellbeing.start", "start")},
		{s.btn("button.skip", "skip")},
		s.footer(true),
	}}
}

func (s *step) answerWellbeingIntro(action string, _ []string) bool {
	a := &s.c.Answers
	switch action {
	case "start":
		if s.instrument() == polku.InstrumentOff {
			// The service stopped asking while this question was
			// open: it is passed by.
			a.Wellbeing, a.Instrument = nil, ""
			return s.advance("skip")
		}
		a.Wellbeing, a.Instrument = nil, s.instrument()
		return s.fire("start")
	case "skip":
		a.Wellbeing, a.Instrument = nil, ""
		return s.advance("skip")
	}
	return false
}

// The wellbeing check: statement Index+1 of the instrument's, or skip the
// rest. The statements are those of the instrument the check was started
// in, even if the service changed it since.
func (s *step) askWellbeing() Reply {
	answer := func(v int) string { return s.pay("w", strconv.Itoa(v)) }
	return s.statement(s.c.Answers.WellbeingInstrument(), s.c.Index, answer, s.pay("skip"), s.footer(true))
}

// statement is statement index+1 of instrument in, with its answers
// (answer makes each one's button), "Skip the rest" (skip) and the
// footer: the one screen of a statement, which the intake's check and the
// follow-up both draw.
func (s *step) statement(in polku.Instrument, index int, answer func(v int) string, skip string, footer []Button) Reply {
	if in == polku.InstrumentWHO5 {
		return s.askWHO5(index, answer, skip, footer)
	}
	row := make([]Button, 5)
	for v := 1; v <= 5; v++ {
		row[v-1] = Button{Label: Text{ID: "wellbeing.value", Data: map[string]any{"Value": v}}, Payload: answer(v)}
	}
	return Reply{Text: []Text{{ID: "wellbeing.statement", Data: map[string]any{
		"N": index + 1, "Of": in.Statements(), "Statement": T(fmt.Sprintf("wellbeing.s%d", index+1)),
	}}, T("wellbeing.scale")}, Inline: [][]Button{row, {{Label: T("wellbeing.skip_rest"), Payload: skip}}, footer}}
}

// askWHO5 is a WHO-5 statement with its six answers, "all of the time"
// (5) first as on the form; one a row, for the labels are long.
func (s *step) askWHO5(index int, answer func(v int) string, skip string, footer []Button) Reply {
	var rows [][]Button
	for v := 5; v >= 0; v-- {
		rows = append(rows, []Button{{Label: T(fmt.Sprintf("who5.a%d", v)), Payload: answer(v)}})
	}
	rows = append(rows, []Button{{Label: T("wellbeing.skip_rest"), Payload: skip}}, footer)
	return Reply{Text: []Text{T("who5.stem"), {ID: "wellbeing.statement", Data: map[string]any{
		"N": index + 1, "Of": polku.InstrumentWHO5.Statements(), "Statement": T(fmt.Sprintf("who5.s%d", index+1)),
	}}}, Inline: rows}
}

func (s *step) wellbeing(action string, args []string) bool {
	a := &s.c.Answers
	in := a.WellbeingInstrument()
	switch action {
	case "skip":
		// The rest is skipped: the statements before this one stay
		// answered.
		a.Wellbeing = a.Wellbeing[:min(s.c.Index, len(a.Wellbeing))]
		if len(a.Wellbeing) == 0 {
			a.Wellbeing, a.Instrument = nil, ""
		}
		return s.advance("skip")
	case "w":
		v, err := strconv.Atoi(arg(args, 0))
		if lo, hi := in.Range(); err != nil || v < lo || v > hi {
			return false
		}
		if len(a.Wellbeing) < s.c.Index {
			s.c.Index = len(a.Wellbeing)
		}
		a.Wellbeing = append(a.Wellbeing[:s.c.Index:s.c.Index], v)
		if s.c.Index+1 < in.Statements() {
			s.c.Index++
			s.c.Seq++
			s.send(s.ask())
			return true
		}
		if score, ok := in.Score(a.Wellbeing); ok && in == polku.InstrumentWHO5 && polku.LowWHO5(score) {
			s.send(s.lowOffer(T("who5.low")))
		}
		return s.advance("next")
	}
	return false
}

// lowOffer follows a very low WHO-5 score: a person, at once, and the
// emergency number with the crisis lines, as the safety words have them.
// It opens no case by itself: the family decides.
func (s *step) lowOffer(first Text) Reply {
	return Reply{
		Text:   append([]Text{first}, s.emergency()...),
		Inline: [][]Button{{{Label: T("button.person"), Payload: personPayload()}}},
	}
}

// again is the sentence id that says in how many weeks the check is asked
// again, or nothing when the service asks no follow-up.
func (s *step) again(id string) any {
	if s.e.cfg.FollowUpWeeks <= 0 {
		return ""
	}
	return Text{ID: id, Data: map[string]any{"Weeks": s.e.cfg.FollowUpWeeks}}
}

// who5Score is the family's saved, complete WHO-5 baseline score.
func (s *step) who5Score() (int, bool) {
	a := s.c.Answers
	if !s.c.Profile || a.WellbeingInstrument() != polku.InstrumentWHO5 {
		return 0, false
	}
	return polku.InstrumentWHO5.Score(a.Wellbeing)
}

// who5Latest is the family's latest complete WHO-5 follow-up score, beside
// its baseline's.
func (s *step) who5Latest() (before, after int, ok bool) {
	f := s.c.FollowUp
	before, okBefore := s.who5Score()
	if f == nil || !f.Done || f.Instrument != polku.InstrumentWHO5 || !okBefore {
		return 0, 0, false
	}
	after, ok = polku.InstrumentWHO5.Score(f.Scores)
	return before, after, ok
}

// resultButton is "See my result" once the family has a WHO-5 score.
func (s *step) resultButton() []Button {
	if _, ok := s.who5Score(); !ok {
		return nil
	}
	return []Button{s.btn("who5.result_button", "menu", "result")}
}

// result tells the family its WHO-5 score in plain words, not as a
// diagnosis: the baseline's, or after a follow-up the one then and the
// latest; a very low one comes with the offer of a person.
func (s *step) result() {
	score, ok := s.who5Score()
	if !ok {
		s.forged()
		return
	}
	t := Text{ID: "who5.result", Data: map[string]any{"Score": score, "Again": s.again("who5.result_again")}}
	if before, after, ok := s.who5Latest(); ok {
		score, t = after, Text{ID: "who5.result_followup", Data: map[string]any{"Before": before, "After": after}}
	}
	if polku.LowWHO5(score) {
		r := s.lowOffer(t)
		r.Text = slices.Insert(r.Text, 1, T("who5.result_low"))
		s.send(r)
		return
	}
	s.send(Reply{Text: []Text{t}, Inline: [][]Button{s.continueButton()}})
}
