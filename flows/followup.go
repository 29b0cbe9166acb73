package flows

import (
	"strconv"

	"polku"
)

// The wellbeing follow-up: weeks after the baseline a due job asks the
// family whether it may ask the baseline's statements again
// (FollowUpQuestion, with a reminder a few days later). The family may
// answer now, put it off or stop the follow-ups. The statements are the
// intake's own screens (statement), one at a time; every button carries
// the follow-up's point and the statement's index ("W:a:<point>:<index>:
// <value>"), so a press on an older statement is stale, never taken for
// an answer to the one open. The answers in progress live in the
// conversation (Conversation.FollowUp); the complete ones, or those given
// before "Skip the rest", are saved by the SaveFollowUp effect.

// FollowUp is a wellbeing follow-up in the conversation: the one being
// answered, or the last one answered (Done).
type FollowUp struct {
	// Point is the follow-up's point: 1 for the first, 2 for the second.
	Point int `json:"point"`
	// Instrument is the baseline's, which the follow-up asks again.
	Instrument polku.Instrument `json:"instrument"`
	// Index is the statement being asked.
	Index int `json:"index,omitempty"`
	// Scores are the answers given so far, statement by statement.
	Scores []int `json:"scores,omitempty"`
	// Done is set once the answers were saved.
	Done bool `json:"done,omitempty"`
}

// valid reports whether f is a follow-up the engine can continue; nil is.
func (f *FollowUp) valid() bool {
	if f == nil {
		return true
	}
	n := f.Instrument.Statements()
	return f.Point >= 1 && n > 0 && f.Index >= 0 && f.Index < n && len(f.Scores) <= n && f.Instrument.Check(f.Scores) == nil
}

// followUpPayload is a button of the follow-up: an action, the point and
// what the action needs.
func followUpPayload(action string, point int, args ...string) string {
	return Payload{Kind: PayFollowUp, Action: action, Args: append([]string{itoa(point)}, args...)}.String()
}

// FollowUpQuestion is the message of a due wellbeing follow-up (kind
// polku.JobWellbeing), or of its one reminder (polku.JobWellbeingRemind),
// for follow-up point, weeks after the baseline: may the statements be
// asked again, with answer now, not now and don't ask again.
func (e *Engine) FollowUpQuestion(lang string, kind polku.JobKind, point, weeks int) Reply {
	text := Text{ID: "followup.question", Data: map[string]any{"Weeks": weeks}}
	if kind == polku.JobWellbeingRemind {
		text = T("followup.remind")
	}
	return Reply{Text: []Text{text}, Inline: [][]Button{
		{{Label: T("followup.answer_now"), Payload: followUpPayload("go", point)}},
		{{Label: T("followup.not_now"), Payload: followUpPayload("no", point)}},
		{{Label: T("followup.stop"), Payload: followUpPayload("stop", point)}},
	}}
}

// followUp handles a press of a follow-up button.
func (s *step) followUp(p Payload) {
	// Any other button of the bot ends talking to a person.
	s.c.Mode.Set(ModeTalking|ModeSharing, false)
	// The fields after the action, all small numbers: the point, and
	// the statement's index and the answer where the action has them.
	want := map[string]int{"go": 1, "no": 1, "stop": 1, "r": 1, "a": 3, "s": 2, "b": 2}
	n, known := want[p.Action]
	nums := make([]int, 3)
	ok := known && len(p.Args) == n
	for i := 0; ok && i < n; i++ {
		v, err := strconv.Atoi(p.Args[i])
		nums[i], ok = v, err == nil && v >= 0 && v <= 99 && len(p.Args[i]) <= 2
	}
	point, index, value := nums[0], nums[1], nums[2]
	if !ok || point < 1 {
		s.forged()
		return
	}
	f := s.c.FollowUp
	open := f != nil && !f.Done && f.Point == point
	switch p.Action {
	case "go":
		s.followUpStart(point)
	case "no", "stop":
		if !s.c.Profile {
			// The family's data was erased since the question came.
			s.toast(T("input.stale"))
			return
		}
		if p.Action == "no" {
			s.send(Reply{Text: []Text{T("followup.later")}, Inline: [][]Button{{menuButton()}}})
			return
		}
		if open {
			s.c.FollowUp = nil
		}
		s.effect(StopFollowUps{})
		s.send(Reply{Text: []Text{T("followup.stopped")}, Inline: [][]Button{{menuButton()}}})
	case "r":
		s.result()
	case "a", "s", "b":
		if !open || index != f.Index {
			s.toast(T("input.stale"))
			return
		}
		switch p.Action {
		case "a":
			s.followUpAnswer(value)
		case "s":
			f.Scores = f.Scores[:min(index, len(f.Scores))]
			s.followUpDone()
		case "b":
			if index == 0 {
				s.forged()
				return
			}
			f.Index--
			s.send(s.followUpStatement())
		}
	}
}

// followUpStart is "Answer now": the first statement, or the one the
// family got to when it started before. A point answered already is
// thanked for, not asked again; one the family can no longer answer (its
// data erased, the baseline not there) is stale.
func (s *step) followUpStart(point int) {
	if s.renewFirst() {
		// New answers wait for the agreement to the notice as it is now.
		return
	}
	in := s.c.Answers.WellbeingInstrument()
	f := s.c.FollowUp
	switch {
	case f != nil && f.Done && f.Point >= point:
		s.toast(T("followup.already"))
		return
	case !s.c.Profile || in.Statements() == 0 || len(s.c.Answers.Wellbeing) == 0:
		s.toast(T("input.stale"))
		return
	case f == nil || f.Done || f.Point != point:
		s.c.FollowUp = &FollowUp{Point: point, Instrument: in}
	}
	s.send(s.followUpStatement())
}

// followUpStatement is the open follow-up's statement, drawn by the
// intake's own screen with the follow-up's buttons.
func (s *step) followUpStatement() Reply {
	f := s.c.FollowUp
	answer := func(v int) string { return followUpPayload("a", f.Point, itoa(f.Index), itoa(v)) }
	footer := []Button{{Label: T("button.person"), Payload: personPayload()}}
	if f.Index > 0 {
		footer = append([]Button{{Label: T("button.back"), Payload: followUpPayload("b", f.Point, itoa(f.Index))}}, footer...)
	}
	return s.statement(f.Instrument, f.Index, answer, followUpPayload("s", f.Point, itoa(f.Index)), footer)
}

// followUpAnswer takes the answer to the open statement, and asks the
// next one or, after the last, saves them all.
func (s *step) followUpAnswer(v int) {
	f := s.c.FollowUp
	if lo, hi := f.Instrument.Range(); v < lo || v > hi {
		s.forged()
		return
	}
	f.Scores = append(f.Scores[:min(f.Index, len(f.Scores)):min(f.Index, len(f.Scores))], v)
	if f.Index+1 < f.Instrument.Statements() {
		f.Index++
		s.send(s.followUpStatement())
		return
	}
	s.followUpDone()
}

// followUpDone saves the answers given and thanks the family; a complete
// WHO-5 offers the result, and a very low score a person and the crisis
// lines at once, as the baseline does. Nothing answered, nothing saved:
// the question may be answered later.
func (s *step) followUpDone() {
	f := s.c.FollowUp
	if len(f.Scores) == 0 {
		s.c.FollowUp = nil
		s.send(Reply{Text: []Text{T("followup.later")}, Inline: [][]Button{{menuButton()}}})
		return
	}
	f.Done, f.Index = true, 0
	s.effect(SaveFollowUp{Point: f.Point, Instrument: f.Instrument, Scores: f.Scores})
	score, complete := f.Instrument.Score(f.Scores)
	who5 := complete && f.Instrument == polku.InstrumentWHO5
	thanks := Reply{Text: []Text{T("followup.thanks")}}
	if !complete {
		thanks.Text = []Text{T("followup.thanks_part")}
	}
	if who5 && polku.LowWHO5(score) {
		// who5.low thanks too, and offers the person first.
		thanks = s.lowOffer(T("who5.low"))
	}
	if who5 {
		thanks.Inline = append(thanks.Inline, []Button{{Label: T("who5.result_button"), Payload: followUpPayload("r", f.Point)}})
	}
	thanks.Inline = append(thanks.Inline, []Button{menuButton()})
	s.send(thanks)
}
