package flows

import (
	"slices"
	"testing"

	"polku"
)

// followUpReady is a walker whose family saved a WHO-5 baseline of
// values, with the follow-up question of point 1 as its newest message.
func followUpReady(t *testing.T, values ...int) *walker {
	w := walkerWith(t, polku.InstrumentWHO5)
	toWellbeing(w)
	who5Through(w, values...)
	w.press("summary.confirm")
	w.last = w.e.FollowUpQuestion("en", polku.JobWellbeing, 1, 8)
	return w
}

// TestFollowUpQuestion: the question names the weeks and has the three
// answers; the reminder has its own words and the same buttons; every
// button fits Telegram's 64 bytes.
func TestFollowUpQuestion(t *testing.T) {
	e := New(Config{})
	q := e.FollowUpQuestion("en", polku.JobWellbeing, 2, 26)
	if q.Text[0].ID != "followup.question" || q.Text[0].Data["Weeks"] != 26 {
		t.Errorf("question %+v", q.Text)
	}
	var got []string
	for _, row := range q.Inline {
		got = append(got, row[0].Payload)
	}
	if want := []string{"W:go:2", "W:no:2", "W:stop:2"}; !slices.Equal(got, want) {
		t.Errorf("buttons %v, want %v", got, want)
	}
	if r := e.FollowUpQuestion("en", polku.JobWellbeingRemind, 2, 26); r.Text[0].ID != "followup.remind" || len(r.Inline) != 3 {
		t.Errorf("reminder %+v", r)
	}
	w := followUpReady(t, 3, 3, 3, 3, 4)
	w.press("followup.answer_now")
	for _, row := range w.last.Inline {
		for _, b := range row {
			if len(b.Payload) > maxPayload {
				t.Errorf("%q: over %d bytes", b.Payload, maxPayload)
			}
		}
	}
}

// TestFollowUpAnswered: the statements one at a time in the baseline's
// instrument, Back to the one before, an earlier statement's button stale
// (not an answer), the answers saved once at the end with their point,
// and the result then and now.
func TestFollowUpAnswered(t *testing.T) {
	w := followUpReady(t, 3, 3, 3, 3, 4) // 64
	w.press("followup.answer_now")
	first := w.last
	w.press("who5.a4")
	if w.c.FollowUp.Index != 1 {
		t.Fatalf("follow-up %+v", w.c.FollowUp)
	}
	// Statement 1's "all of the time", pressed again: stale.
	res := w.do(Input{Kind: KindButton, Payload: first.Inline[0][0].Payload})
	if res.Toast == nil || res.Toast.ID != "input.stale" || !slices.Equal(w.c.FollowUp.Scores, []int{4}) {
		t.Errorf("a stale press: %+v, scores %v", res.Toast, w.c.FollowUp.Scores)
	}
	w.press("button.back")
	w.press("who5.a4")
	for _, v := range []string{"who5.a4", "who5.a3", "who5.a3"} {
		if res := w.press(v); len(res.Effects) != 0 {
			t.Fatalf("saved before the last answer: %+v", res.Effects)
		}
	}
	res = w.press("who5.a4")
	saved, ok := effectOf[SaveFollowUp](res)
	if !ok || saved.Point != 1 || saved.Instrument != polku.InstrumentWHO5 || !slices.Equal(saved.Scores, []int{4, 4, 3, 3, 4}) {
		t.Fatalf("saved %+v", res.Effects)
	}
	if res.Replies[0].Text[0].ID != "followup.thanks" {
		t.Errorf("thanks %+v", res.Replies[0].Text)
	}
	w.press("who5.result_button")
	if got := w.res.Replies[0].Text[0]; got.ID != "who5.result_followup" || got.Data["Before"] != 64 || got.Data["After"] != 72 {
		t.Errorf("result %+v", got)
	}
	// The question pressed again: thanked, not asked again.
	w.last = w.e.FollowUpQuestion("en", polku.JobWellbeingRemind, 1, 8)
	if res := w.press("followup.answer_now"); res.Toast == nil || res.Toast.ID != "followup.already" || len(res.Effects) != 0 {
		t.Errorf("answered again: %+v", res)
	}
}

// TestFollowUpLowSkipStop: a very low follow-up gets the offer of a
// person and the crisis lines at once, and no case; "Skip the rest"
// saves the answers given; none given, nothing is saved; "Not now" and
// "Don't ask again" answer kindly, the latter stopping the follow-ups.
func TestFollowUpLowSkipStop(t *testing.T) {
	w := followUpReady(t, 3, 3, 3, 3, 4)
	w.press("followup.answer_now")
	for _, v := range []string{"who5.a1", "who5.a0", "who5.a1", "who5.a2"} {
		w.press(v)
	}
	res := w.press("who5.a1") // 5 × 4 = 20
	if r := res.Replies[0]; r.Text[0].ID != "who5.low" || r.Text[1].ID != "talk.emergency" || r.Inline[0][0].Payload != personPayload() {
		t.Errorf("low follow-up %+v", r)
	}
	if _, ok := effectOf[OpenCase](res); ok {
		t.Error("a low follow-up opened a case")
	}

	w = followUpReady(t, 3, 3, 3, 3, 4)
	w.press("followup.answer_now")
	w.press("who5.a4")
	w.press("who5.a5")
	res = w.press("wellbeing.skip_rest")
	if saved, ok := effectOf[SaveFollowUp](res); !ok || !slices.Equal(saved.Scores, []int{4, 5}) || res.Replies[0].Text[0].ID != "followup.thanks_part" {
		t.Errorf("skipped after two: %+v", res)
	}

	w = followUpReady(t, 3, 3, 3, 3, 4)
	w.press("followup.answer_now")
	if res := w.press("wellbeing.skip_rest"); len(res.Effects) != 0 || w.c.FollowUp != nil {
		t.Errorf("skipped at once: %+v, %+v", res.Effects, w.c.FollowUp)
	}
	w.last = w.e.FollowUpQuestion("en", polku.JobWellbeing, 1, 8)
	if res := w.press("followup.not_now"); len(res.Effects) != 0 || res.Replies[0].Text[0].ID != "followup.later" {
		t.Errorf("not now: %+v", res)
	}
	w.last = w.e.FollowUpQuestion("en", polku.JobWellbeing, 1, 8)
	if res := w.press("followup.stop"); len(res.Effects) != 1 || res.Replies[0].Text[0].ID != "followup.stopped" {
		t.Errorf("don't ask again: %+v", res)
	} else if _, ok := res.Effects[0].(StopFollowUps); !ok {
		t.Errorf("don't ask again: %+v", res.Effects)
	}
}

// TestFollowUpForged: made-up follow-up buttons are answered as forged,
// and a question pressed after the family erased its data is stale.
func TestFollowUpForged(t *testing.T) {
	w := followUpReady(t, 3, 3, 3, 3, 4)
	for _, data := range []string{"W:", "W:go", "W:go:0", "W:go:x", "W:zz:1", "W:a:1:0", "W:a:1:-1:3", "W:go:1:2", "W:b:1:x"} {
		res := w.do(Input{Kind: KindButton, Payload: data})
		if res.Toast == nil || res.Toast.ID != "input.unknown_button" || len(res.Effects) != 0 {
			t.Errorf("%q: %+v", data, res)
		}
	}
	w.last = w.e.FollowUpQuestion("en", polku.JobWellbeing, 1, 8)
	w.press("followup.answer_now")
	if res := w.do(Input{Kind: KindButton, Payload: "W:a:1:0:9"}); res.Toast == nil || res.Toast.ID != "input.unknown_button" || len(w.c.FollowUp.Scores) != 0 {
		t.Errorf("an answer out of range: %+v", res)
	}
	w.do(Input{Kind: KindCommand, Command: "menu"})
	w.press("menu.privacy")
	w.press("privacy.erase")
	w.press("erase.yes")
	if w.c.FollowUp != nil {
		t.Errorf("erased, the follow-up stays: %+v", w.c.FollowUp)
	}
	for _, data := range []string{"W:go:1", "W:a:1:0:3", "W:no:1", "W:stop:1"} {
		if res := w.do(Input{Kind: KindButton, Payload: data}); res.Toast == nil || res.Toast.ID != "input.stale" || len(res.Effects) != 0 {
			t.Errorf("%q after the erasure: %+v", data, res)
		}
	}
}

// TestPrivacyNoticeTellsTheWeeks: the privacy notice and the check's
// intro tell the weeks of the first configured follow-up point; with none
// asked, the notice promises none.
func TestPrivacyNoticeTellsTheWeeks(t *testing.T) {
	for weeks, want := range map[int]any{0: 8, 26: 26, -1: nil} {
		e := New(Config{Municipalities: []string{"Kuusamo"}, Wellbeing: polku.InstrumentWHO5, FollowUpWeeks: weeks})
		w := &walker{t: t, e: e, c: e.NewConversation("en", t0), now: t0}
		w.do(Input{Kind: KindCommand, Command: "start"})
		w.toNotice(":m:0")
		var got any
		for _, x := range w.last.Text {
			if x.ID == "privacy.wellbeing" {
				got = x.Data["Weeks"]
			}
		}
		if got != want {
			t.Errorf("FollowUpWeeks %d: the notice tells %v weeks, want %v", weeks, got, want)
		}
	}
}
