package flows

import (
	"slices"
	"testing"
)

// buttonIDs are the label IDs of a reply's inline buttons, row by row.
func buttonIDs(r Reply) []string {
	var out []string
	for _, row := range r.Inline {
		for _, b := range row {
			out = append(out, b.Label.ID)
		}
	}
	return out
}

func TestNewsAskedOnceInTheThanks(t *testing.T) {
	w := newWalker(t)
	throughIntake(w)
	w.press("summary.edit." + ContactChoice)
	w.press("contact.none")
	w.want(Summary)
	res := w.press("summary.confirm")
	w.want(Done)
	thanks := res.Replies[0]
	if !slices.Contains(ids(thanks), "news.question") || !slices.Contains(buttonIDs(thanks), "news.yes") ||
		!slices.Contains(buttonIDs(thanks), "menu.activities") {
		t.Fatalf("thanks without the news question and its own buttons: %+v", thanks)
	}
	res = w.press("news.yes")
	if e, ok := effectOf[SetNews](res); !ok || !e.On {
		t.Fatalf("news yes: effects %+v", res.Effects)
	}
	if r := only(t, res); r.Edit != 7 || !slices.Contains(ids(r), "news.yes_done") {
		t.Errorf("the answer does not replace the question: %+v", r)
	}
	// Saved again (an answer changed): not asked again.
	w.press("button.menu")
	w.press("menu.change")
	w.want(Summary)
	res = w.press("summary.confirm")
	for _, r := range res.Replies {
		if slices.Contains(ids(r), "news.question") {
			t.Errorf("asked twice: %+v", r)
		}
	}
}

func TestNewsNotAskedWhenAPersonTakesOver(t *testing.T) {
	w := newWalker(t)
	throughIntake(w) // the contact choice is a phone call
	res := w.press("summary.confirm")
	for _, r := range res.Replies {
		if slices.Contains(ids(r), "news.question") {
			t.Errorf("asked with the hand-over to a person: %+v", r)
		}
	}
	if w.c.News != "" {
		t.Errorf("news %q, want not asked", w.c.News)
	}
}

func TestStopNews(t *testing.T) {
	e := engine()
	for _, in := range []Input{
		{Kind: KindCommand, Command: "stop", Now: t0},
		{Kind: KindButton, Payload: StopNewsPayload(), MessageID: pressed, Now: t0},
	} {
		res := e.Step(family(), in)
		if s, ok := effectOf[SetNews](res); !ok || s.On {
			t.Errorf("%+v: effects %+v", in, res.Effects)
		}
		r := only(t, res)
		if r.Edit != 0 || !slices.Contains(ids(r), "news.stopped") {
			t.Errorf("%+v: %+v (the campaign it was pressed on stays)", in, r)
		}
		if res.Conv.News != "no" {
			t.Errorf("%+v: news %q", in, res.Conv.News)
		}
	}
	// Without consent nothing is stored, and nothing is sent anyway.
	res := e.Step(stranger(), Input{Kind: KindCommand, Command: "stop", Now: t0})
	if len(res.Effects) != 0 || !slices.Contains(ids(only(t, res)), "news.stopped") {
		t.Errorf("stranger /stop: %+v", res)
	}
	for _, forged := range []string{"N:maybe", "N:yes:1", "N:"} {
		if res := press(e, family(), forged); len(res.Effects) != 0 || res.Toast == nil {
			t.Errorf("%s: %+v", forged, res)
		}
	}
}

func TestCampaignButtonOpensTheActivity(t *testing.T) {
	e := engine()
	res := press(e, family(), CampaignPayload(12, 5))
	if o, ok := effectOf[OpenedCampaign](res); !ok || o.Campaign != 12 {
		t.Fatalf("effects %+v", res.Effects)
	}
	if q := res.Query; q == nil || q.Kind != QueryActivity || q.Activity != 5 || !q.Fresh {
		t.Fatalf("query %+v", res.Query)
	}
	for _, forged := range []string{"A:n:12", "A:n:x:5", "A:n:12:5:1", "A:n:0:5"} {
		if res := press(e, family(), forged); len(res.Effects) != 0 {
			t.Errorf("%s counted: %+v", forged, res.Effects)
		}
	}
}
