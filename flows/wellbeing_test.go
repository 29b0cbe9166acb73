package flows

import (
	"slices"
	"strings"
	"testing"

	"polku"
)

// walkerWith is a walker whose engine measures wellbeing with in.
func walkerWith(t *testing.T, in polku.Instrument) *walker {
	e := New(Config{Municipalities: []string{"Kuusamo", "Kalajoki"}, Wellbeing: in, Crisis: []string{"Line 0800 000 000"}})
	w := &walker{t: t, e: e, c: e.NewConversation("en", t0), now: t0}
	w.do(Input{Kind: KindCommand, Command: "start"})
	return w
}

// toWellbeing answers the intake up to the languages, and presses Done.
func toWellbeing(w *walker) {
	w.toNotice(":m:0")
	w.press("privacy.yes")
	w.press("button.plus", ":3-6:+")
	w.press("button.done")
	w.press("button.done") // interests
	w.press("button.done") // helps
	w.press("button.skip") // own words
	w.press("button.done") // needs
	w.want(Languages)
	w.press("button.done")
}

// who5Through answers the five WHO-5 statements with values and says no
// to a contact, stopping at the summary.
func who5Through(w *walker, values ...int) []Result {
	w.want(WellbeingIntro)
	if w.last.Text[0].ID != "who5.intro" {
		w.t.Fatalf("intro %+v", w.last.Text)
	}
	w.press("wellbeing.start")
	var out []Result
	for i, v := range values {
		w.want(Wellbeing)
		if w.c.Index != i || len(w.last.Inline) != 8 {
			w.t.Fatalf("statement %d: index %d, %d rows", i+1, w.c.Index, len(w.last.Inline))
		}
		out = append(out, w.press("who5.a"+string(rune('0'+v))))
	}
	w.want(ContactChoice)
	w.press("contact.none")
	w.want(Summary)
	return out
}

func TestWHO5Intake(t *testing.T) {
	w := walkerWith(t, polku.InstrumentWHO5)
	toWellbeing(w)
	res := who5Through(w, 3, 4, 2, 3, 4)
	for _, r := range res {
		for _, rep := range r.Replies {
			if rep.Text[0].ID == "who5.low" {
				t.Errorf("a score of 64 got the low-score offer")
			}
		}
	}
	if !slices.Equal(w.c.Answers.Wellbeing, []int{3, 4, 2, 3, 4}) || w.c.Answers.Instrument != polku.InstrumentWHO5 {
		t.Errorf("answers %v %s", w.c.Answers.Wellbeing, w.c.Answers.Instrument)
	}
	saved := w.press("summary.confirm")
	p, ok := effectOf[SaveProfile](saved)
	if !ok || p.Answers.Instrument != polku.InstrumentWHO5 {
		t.Fatalf("SaveProfile %+v", saved.Effects)
	}
	// The thanks offers the result; so does the menu.
	w.press("who5.result_button")
	got := w.res.Replies[0].Text[0]
	if got.ID != "who5.result" || got.Data["Score"] != 64 {
		t.Errorf("result %+v", got)
	}
	w.do(Input{Kind: KindCommand, Command: "menu"})
	w.press("who5.result_button")
	if w.res.Replies[0].Text[0].ID != "who5.result" || len(w.res.Effects) != 0 {
		t.Errorf("result from the menu: %+v", w.res)
	}
}

func TestWHO5Low(t *testing.T) {
	w := walkerWith(t, polku.InstrumentWHO5)
	toWellbeing(w)
	res := who5Through(w, 1, 1, 2, 1, 2) // 7 × 4 = 28
	last := res[len(res)-1]
	low := last.Replies[0]
	if low.Text[0].ID != "who5.low" || len(low.Text) != 3 || low.Text[1].ID != "talk.emergency" || low.Text[2].ID != "talk.crisis" {
		t.Fatalf("low-score offer %+v", low.Text)
	}
	if low.Inline[0][0].Payload != personPayload() {
		t.Errorf("no talk to a person: %+v", low.Inline)
	}
	if len(last.Effects) != 0 {
		t.Errorf("a low score did something by itself: %+v", last.Effects)
	}
	w.press("summary.confirm")
	res2 := w.press("who5.result_button")
	if r := res2.Replies[0]; r.Text[0].ID != "who5.result" || r.Text[0].Data["Score"] != 28 || r.Text[1].ID != "who5.result_low" || r.Text[2].ID != "talk.emergency" {
		t.Errorf("low result %+v", r.Text)
	}
	if _, ok := effectOf[OpenCase](res2); ok {
		t.Error("the result opened a case")
	}
}

func TestWHO5SkipTheRest(t *testing.T) {
	w := walkerWith(t, polku.InstrumentWHO5)
	toWellbeing(w)
	w.press("wellbeing.start")
	w.press("who5.a0")
	w.press("who5.a5")
	w.press("wellbeing.skip_rest")
	w.want(ContactChoice)
	w.press("contact.none")
	sum := w.last.Text[1].Data["Wellbeing"]
	if want := (Text{ID: "summary.wellbeing_part", Data: map[string]any{"N": 2, "Of": 5}}); !equalText(sum, want) {
		t.Errorf("summary %+v", sum)
	}
	w.press("summary.confirm")
	// No score for a check answered in part: no result to see.
	for _, row := range w.last.Inline {
		for _, b := range row {
			if b.Label.ID == "who5.result_button" {
				t.Error("a result offered for a check answered in part")
			}
		}
	}
	// A press of a made-up 6 is not an answer.
	w.press("done.change")
	w.press("summary.edit.wellbeing_intro")
	w.press("wellbeing.start")
	b := w.last.Inline[0][0]
	w.do(Input{Kind: KindButton, Payload: strings.Replace(b.Payload, ":w:5", ":w:6", 1), MessageID: 7})
	if w.c.Index != 0 || w.res.Toast == nil {
		t.Errorf("answer 6 taken: %+v", w.c)
	}
}

func equalText(got any, want Text) bool {
	g, ok := got.(Text)
	return ok && g.ID == want.ID && g.Data["N"] == want.Data["N"] && g.Data["Of"] == want.Data["Of"]
}

func TestWellbeingOff(t *testing.T) {
	w := walkerWith(t, polku.InstrumentOff)
	toWellbeing(w)
	w.want(ContactChoice)
	w.press("button.back")
	w.want(Languages)
	w.press("button.done")
	w.press("contact.none")
	w.want(Summary)
	if _, ok := w.last.Text[1].Data["Wellbeing"]; ok {
		t.Errorf("the summary has a wellbeing line: %+v", w.last.Text[1])
	}
	for _, row := range w.last.Inline {
		for _, b := range row {
			if b.Label.ID == "summary.edit.wellbeing_intro" {
				t.Error("the summary offers to change the wellbeing check")
			}
		}
	}
	// Forged: the summary's edit of the check is not there.
	p := w.last.Inline[0][0].Payload
	w.do(Input{Kind: KindButton, Payload: strings.Replace(p, ":ok", ":e:wellbeing_intro", 1), MessageID: 7})
	w.want(Summary)
	w.press("button.back")
	w.want(ContactChoice)
	w.press("button.back")
	w.want(Languages)
}

// TestPrivacyNoticeTellsTheFollowUp: with the WHO-5 the notice says the
// questions come again and go with the family's data; own keeps the
// notice as it was.
func TestPrivacyNoticeTellsTheFollowUp(t *testing.T) {
	for in, want := range map[polku.Instrument]bool{polku.InstrumentWHO5: true, polku.InstrumentOwn: false, polku.InstrumentOff: false} {
		w := walkerWith(t, in)
		w.toNotice(":m:0")
		has := slices.ContainsFunc(w.last.Text, func(x Text) bool { return x.ID == "privacy.wellbeing" })
		w.press("privacy.more")
		more := slices.ContainsFunc(w.last.Text, func(x Text) bool { return x.ID == "privacy.wellbeing" })
		if has != want || more != want {
			t.Errorf("%s: follow-up told %v/%v, want %v", in, has, more, want)
		}
	}
}

// TestWellbeingTurnedOff: a family at the check's intro when the service
// stops asking it is passed on, with nothing stored of a check.
func TestWellbeingTurnedOff(t *testing.T) {
	w := walkerWith(t, polku.InstrumentWHO5)
	toWellbeing(w)
	w.want(WellbeingIntro)
	w.e = New(Config{Municipalities: []string{"Kuusamo", "Kalajoki"}, Wellbeing: polku.InstrumentOff})
	w.press("wellbeing.start")
	w.want(ContactChoice)
	if w.c.Answers.Wellbeing != nil || w.c.Answers.Instrument != "" {
		t.Errorf("answers %+v", w.c.Answers)
	}
}
