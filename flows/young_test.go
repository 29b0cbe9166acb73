package flows

import (
	"slices"
	"testing"

	"polku"
)

// textIDs are the message IDs of every reply of res, in order.
func textIDs(res Result) []string {
	var out []string
	for _, r := range res.Replies {
		for _, t := range r.Text {
			out = append(out, t.ID)
		}
	}
	return out
}

// labelIDs are the label IDs of the last question's buttons.
func (w *walker) labelIDs() []string {
	var out []string
	for _, row := range w.last.Inline {
		for _, b := range row {
			out = append(out, b.Label.ID)
		}
	}
	return out
}

// TestYoungPersonIntake: a young person of 13–17 gets the notice worded
// for them, is the one child of 13–17 without being asked, reads the
// questions in their own words, is not asked Polku's own statements (a
// parent's about the family), and is saved as a young person.
func TestYoungPersonIntake(t *testing.T) {
	w := newWalker(t)
	w.press("welcome.go")
	w.press("municipality.name", ":m:1")
	w.want(Who)
	if got := w.labelIDs(); !slices.Equal(got, []string{"who.parent", "who.young", "who.child", "button.back", "button.person"}) {
		t.Errorf("who buttons %v", got)
	}
	w.press("who.young")
	w.want(Privacy)
	if w.last.Text[0].ID != "privacy.young_summary" {
		t.Errorf("notice %+v, want the young person's", w.last.Text)
	}
	w.press("privacy.more")
	if w.last.Text[0].ID != "privacy.young_full" {
		t.Errorf("full notice %+v, want the young person's", w.last.Text)
	}
	w.press("privacy.yes")
	// No children's question: they are the one child.
	w.want(Interests)
	if w.last.Text[0].ID != "interests.young_question" {
		t.Errorf("interests worded for a parent: %+v", w.last.Text)
	}
	w.press("interest.music")
	w.press("button.done")
	w.want(Helps)
	if w.last.Text[0].ID != "helps.young_question" || !slices.Contains(w.labelIDs(), "help_young.families") {
		t.Errorf("helps worded for a parent: %+v %v", w.last.Text, w.labelIDs())
	}
	w.press("help_young.families")
	w.press("button.done")
	w.press("button.skip")
	w.want(Needs)
	if !slices.Contains(w.labelIDs(), "need_young.transport") {
		t.Errorf("needs worded for a parent: %v", w.labelIDs())
	}
	w.press("need_young.transport")
	w.press("button.done")
	w.want(Languages)
	if w.last.Text[0].ID != "languages.young_question" {
		t.Errorf("languages worded for a parent: %+v", w.last.Text)
	}
	w.press("button.done")
	// Polku's own statements are a parent's: passed by.
	w.want(ContactChoice)
	w.press("button.back")
	w.want(Languages)
	w.press("button.done")
	w.press("contact.chat")
	w.want(Summary)
	body := w.last.Text[1]
	if c, ok := body.Data["Children"].(Text); !ok || c.ID != "summary.young" {
		t.Errorf("summary line %+v, want the young person's age", body.Data["Children"])
	}
	if _, ok := body.Data["Wellbeing"]; ok {
		t.Errorf("summary tells a wellbeing check never asked")
	}
	if slices.Contains(w.labelIDs(), "summary.edit.children") || slices.Contains(w.labelIDs(), "summary.edit.wellbeing_intro") {
		t.Errorf("summary offers to change the children or the check: %v", w.labelIDs())
	}
	res := w.press("summary.confirm")
	p, ok := effectOf[SaveProfile](res)
	want := map[polku.AgeBand]int{polku.Age13to17: 1}
	if !ok || p.Answers.Speaker != polku.SpeakerYoung || len(p.Answers.Children) != 1 || p.Answers.Children[polku.Age13to17] != want[polku.Age13to17] {
		t.Fatalf("profile %+v", res.Effects)
	}
	if err := p.Answers.Validate(); err != nil {
		t.Errorf("a young person's answers do not validate: %v", err)
	}
}

// TestYoungBackAndParentAfter: Back from a young person's interests
// leads to who is speaking; a parent who takes over is asked about the
// children (the young person's count is gone), past the notice agreed to.
func TestYoungBackAndParentAfter(t *testing.T) {
	w := newWalker(t)
	w.toNotice(":m:0")
	w.press("button.back")
	w.want(Who)
	w.press("who.young")
	w.press("privacy.yes")
	w.want(Interests)
	w.press("button.back")
	w.want(Who)
	res := w.press("who.parent")
	w.want(Children)
	if _, ok := effectOf[RecordConsent](res); ok {
		t.Errorf("the notice agreed to was recorded again")
	}
	if w.c.Answers.ChildCount() != 0 || w.c.Answers.Young() {
		t.Errorf("a parent inherited the young person's answers: %+v", w.c.Answers)
	}
}

// TestYoungWHO5: the WHO-5 is about oneself, and is asked of a young
// person.
func TestYoungWHO5(t *testing.T) {
	w := walkerWith(t, polku.InstrumentWHO5)
	w.toNotice(":m:0")
	w.press("button.back")
	w.press("who.young")
	if !slices.ContainsFunc(w.last.Text, func(x Text) bool { return x.ID == "privacy.wellbeing" }) {
		t.Errorf("the young person's notice does not tell the follow-up: %+v", w.last.Text)
	}
	w.press("privacy.yes")
	w.press("button.done")
	w.press("button.done")
	w.press("button.skip")
	w.press("button.done")
	w.press("button.done")
	w.want(WellbeingIntro)
}

// TestUnderThirteen: a child under 13 is told kindly to ask a parent, or
// to talk to a person, with the emergency number and the crisis lines;
// nothing of theirs is kept, and no consent is recorded. Talking to a
// person works, and Back lets a parent take over.
func TestUnderThirteen(t *testing.T) {
	w := walkerWith(t, polku.InstrumentOwn)
	w.press("welcome.go")
	w.press("municipality.name", ":m:0")
	res := w.press("who.child")
	w.want(TooYoung)
	if got := textIDs(res); !slices.Equal(got, []string{"too_young.text", "talk.emergency", "talk.crisis"}) {
		t.Errorf("too young: %v", got)
	}
	if len(res.Effects) != 0 || w.c.Consent != "" || w.c.Answers.Speaker != "" {
		t.Errorf("something kept of a child: %+v %+v", res.Effects, w.c)
	}
	if got := w.labelIDs(); !slices.Equal(got, []string{"button.back", "button.person"}) {
		t.Errorf("too young buttons %v", got)
	}
	res = w.press("button.person")
	if o, ok := effectOf[OpenCase](res); !ok || o.Share || !w.c.Talking() {
		t.Errorf("talk to a person: %+v", res.Effects)
	}
	w.press("talk.back")
	w.want(TooYoung)
	w.press("button.back")
	w.want(Who)
	w.press("who.parent")
	w.want(Privacy)
}
