package flows

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"polku"
	"polku/internal/servicetest"
)

// regions is an engine for the 23-municipality, three-region service.
func regions() *Engine {
	return New(Config{Service: servicetest.Regions(-100)})
}

// walkerOf is newWalker on engine e, in lang, started with in.
func walkerOf(t *testing.T, e *Engine, lang string, in Input) *walker {
	w := &walker{t: t, e: e, c: e.NewConversation(lang, t0), now: t0}
	in.Kind = KindCommand
	in.Command = "start"
	w.do(in)
	return w
}

// labels writes a reply's buttons as "label id[:name]=payload", row by
// row, the name being the label's Name.
func buttons(r Reply) [][]string {
	var out [][]string
	for _, row := range r.Inline {
		var g []string
		for _, b := range row {
			l := b.Label.ID
			if n, ok := b.Label.Data["Name"]; ok {
				l += ":" + fmt.Sprint(n)
			}
			g = append(g, l+"="+b.Payload)
		}
		out = append(out, g)
	}
	return out
}

// screenSize checks that a screen fits a phone: at most perScreen
// places and "somewhere else" besides its last rows (pages, Back and a
// person).
func screenSize(t *testing.T, what string, r Reply) {
	t.Helper()
	places := 0
	for _, row := range r.Inline {
		for _, b := range row {
			if strings.HasPrefix(b.Label.ID, "municipality.") {
				places++
			}
		}
	}
	if places > perScreen+1 || len(r.Inline) > 7 {
		t.Errorf("%s: %d places in %d rows: more than a phone screen", what, places, len(r.Inline))
	}
}

// A family in a service of 23 municipalities in three regions picks its
// region, then its municipality, with Back to the regions on the way.
// The buttons name the municipalities in the family's language; the
// answer is the municipality's ID.
func TestRegionFirst(t *testing.T) {
	e := regions()
	w := walkerOf(t, e, "sv", Input{})
	w.press("welcome.go")
	w.want(Municipality)
	seq := w.c.Seq
	r := w.last
	screenSize(t, "regions", r)
	var ck check
	ck.eq("regions text", ids(r), []string{"municipality.region_question"})
	ck.eq("regions", buttons(r), [][]string{
		{fmt.Sprintf("municipality.region:Uleåborgsregionen=%d:r:0", seq)},
		{fmt.Sprintf("municipality.region:Kajanaland=%d:r:1", seq)},
		{fmt.Sprintf("municipality.region:Oulunkaari och Koillismaa=%d:r:2", seq)},
		{fmt.Sprintf("municipality.other=%d:m:23", seq)},
		{fmt.Sprintf("button.back=%d:b", seq), "button.person=P"},
	})

	res := w.press("municipality.region", ":r:1")
	w.want(Municipality)
	r = only(t, res)
	screenSize(t, "Kainuu", r)
	ck.eq("Kainuu edits the pressed message", r.Edit, 7)
	ck.eq("Kainuu's number stays", w.c.Seq, seq)
	ck.eq("Kainuu text", r.Text, []Text{{ID: "municipality.in_region", Data: map[string]any{"Region": "Kajanaland"}}})
	ck.eq("Kainuu", buttons(r), [][]string{
		{fmt.Sprintf("municipality.name:Kajana=%d:m:8", seq), fmt.Sprintf("municipality.name:Hyrynsalmi=%d:m:9", seq)},
		{fmt.Sprintf("municipality.name:Kuhmo=%d:m:10", seq), fmt.Sprintf("municipality.name:Paltamo=%d:m:11", seq)},
		{fmt.Sprintf("municipality.name:Puolanka=%d:m:12", seq), fmt.Sprintf("municipality.name:Ristijärvi=%d:m:13", seq)},
		{fmt.Sprintf("municipality.name:Sotkamo=%d:m:14", seq), fmt.Sprintf("municipality.name:Suomussalmi=%d:m:15", seq)},
		{fmt.Sprintf("municipality.other=%d:m:23", seq)},
		{fmt.Sprintf("button.back=%d:r", seq), "button.person=P"},
	})

	// Back leads to the regions, in place; then another region.
	res = w.press("button.back", ":r")
	ck.eq("back to the regions", ids(only(t, res)), []string{"municipality.region_question"})
	ck.eq("back edits", only(t, res).Edit, 7)
	w.press("municipality.region", ":r:0")
	w.press("municipality.name", ":m:0")
	w.want(Who)
	ck.eq("answer", w.c.Answers.Municipality, "Oulu")

	// "Somewhere else" from a region's screen.
	w.press("button.back", ":b")
	w.press("municipality.region", ":r:2")
	w.press("municipality.other")
	ck.eq("other", w.c.Answers.Municipality, polku.Other)
	ck.done(t, "")
}

// Every index a Municipality button carries is checked: a forged one is
// refused and the question stays.
func TestRegionForged(t *testing.T) {
	for _, tc := range []struct {
		e      *Engine
		forged []string
	}{
		{regions(), []string{"r:3", "r:-1", "r:01", "r:0:1", "r:0:0", "r:x", "r:0:1:2", "m:24", "m:-1", "m:1:2", "m:", "m:007"}},
		// A service small enough has no regions to show.
		{engine(), []string{"r", "r:0", "m:3"}},
	} {
		for _, p := range tc.forged {
			w := walkerOf(t, tc.e, "en", Input{})
			w.press("welcome.go")
			res := w.do(Input{Kind: KindButton, Payload: fmt.Sprintf("%d:%s", w.c.Seq, p), MessageID: 7})
			if res.Toast == nil || res.Toast.ID != "input.unknown_button" || w.c.State != Municipality || w.c.Answers.Municipality != "" {
				t.Errorf("%s: toast %v, state %s, answer %q: want refused", p, res.Toast, w.c.State, w.c.Answers.Municipality)
			}
		}
	}
}

// A region with more municipalities than a screen holds is shown a page
// at a time.
func TestRegionPages(t *testing.T) {
	svc := servicetest.Regions(-100)
	for i := range svc.Municipalities {
		if svc.Municipalities[i].Region == "oulunkaari" {
			svc.Municipalities[i].Region = "oulu" // 15 in the Oulu region
		}
	}
	e := New(Config{Service: svc})
	w := walkerOf(t, e, "fi", Input{})
	w.press("welcome.go")
	res := w.press("municipality.region", ":r:0")
	r := only(t, res)
	screenSize(t, "page 1", r)
	seq := w.c.Seq
	var ck check
	ck.eq("page 1 ends", buttons(r)[4], []string{fmt.Sprintf("act.more=%d:r:0:1", seq)})
	res = w.press("act.more")
	r = only(t, res)
	screenSize(t, "page 2", r)
	ck.eq("page 2 starts", buttons(r)[0], []string{fmt.Sprintf("municipality.name:Kuusamo=%d:m:16", seq), fmt.Sprintf("municipality.name:Pudasjärvi=%d:m:17", seq)})
	ck.eq("page 2 goes back", buttons(r)[4], []string{fmt.Sprintf("act.prev=%d:r:0", seq)})
	w.press("municipality.name", ":m:22")
	ck.eq("answer", w.c.Answers.Municipality, "Simo")
	ck.done(t, "")
}

// A family starting from a referral code that carries its municipality is
// not asked: the engine goes on past the question at once, and Back goes
// past it too. The summary still lets the family change it, and then its
// own answer stands.
func TestReferralMunicipality(t *testing.T) {
	e := regions()
	w := walkerOf(t, e, "en", Input{Text: "rKAJ", CodeMunicipality: "Kajaani"})
	if w.c.Referral != "rKAJ" || w.c.CodeMunicipality != "Kajaani" {
		t.Fatalf("referral %q, municipality %q", w.c.Referral, w.c.CodeMunicipality)
	}
	res := w.press("welcome.go")
	w.want(Who)
	for _, r := range res.Replies {
		if slices.ContainsFunc(r.Text, func(t Text) bool { return strings.HasPrefix(t.ID, "municipality.") }) {
			t.Errorf("asked for the municipality: %+v", r)
		}
	}
	if w.c.Answers.Municipality != "Kajaani" {
		t.Errorf("answer %q, want the code's Kajaani", w.c.Answers.Municipality)
	}
	w.press("who.parent")
	w.press("privacy.yes")
	w.want(Children)
	w.press("button.back")
	w.want(Who)
	w.press("button.back")
	w.want(Welcome)
	w.press("welcome.go")
	w.want(Who)

	// Opened from the summary, it is asked.
	w.c.State, w.c.Seq = Summary, w.c.Seq+1
	w.c.Answers.Children = map[polku.AgeBand]int{polku.Age3to6: 1}
	w.c.Answers.Contact = polku.ContactNone
	w.do(Input{Kind: KindCommand, Command: "menu"})
	w.last = w.e.Ask(w.c)
	w.press("summary.edit.municipality")
	w.want(Municipality)
	w.press("municipality.region", ":r:2")
	w.press("municipality.name", ":m:16")
	w.want(Summary)
	if w.c.Answers.Municipality != "Kuusamo" || w.c.CodeMunicipality != "" {
		t.Errorf("after changing: %q (code's %q), want Kuusamo and the code's gone", w.c.Answers.Municipality, w.c.CodeMunicipality)
	}

	// A municipality the service does not have (any more) is asked.
	w = walkerOf(t, e, "en", Input{Text: "rOLD", CodeMunicipality: "Muonio"})
	w.press("welcome.go")
	w.want(Municipality)
	// A small service's code works alike.
	w = walkerOf(t, engine(), "en", Input{Text: "rKUU", CodeMunicipality: "Kuusamo"})
	w.press("welcome.go")
	w.want(Who)
	if w.c.Answers.Municipality != "Kuusamo" {
		t.Errorf("small service: %q", w.c.Answers.Municipality)
	}
}

// Browsing in a service of many municipalities picks the region first,
// then the municipality; Back from its categories returns to its region.
func TestBrowseRegions(t *testing.T) {
	e := regions()
	c := e.NewConversation("en", t0)
	var ck check
	res := press(e, c, "a:w")
	r := only(t, res)
	screenSize(t, "browse regions", r)
	ck.eq("where", ids(r), []string{"act.browse.where_region"})
	ck.eq("regions", buttons(r), [][]string{
		{"municipality.region:Oulu region=a:wr:0"}, {"municipality.region:Kainuu=a:wr:1"},
		{"municipality.region:Oulunkaari and Koillismaa=a:wr:2"}, {"button.person=P"},
	})
	r = only(t, press(e, c, "a:wr:2"))
	screenSize(t, "browse Oulunkaari", r)
	ck.eq("in region", r.Text, []Text{{ID: "act.browse.where_in", Data: map[string]any{"Region": "Oulunkaari and Koillismaa"}}})
	ck.eq("Oulunkaari", buttons(r), [][]string{
		{"municipality.name:Kuusamo=a:wm:16", "municipality.name:Pudasjärvi=a:wm:17"},
		{"municipality.name:Posio=a:wm:18", "municipality.name:Taivalkoski=a:wm:19"},
		{"municipality.name:Utajärvi=a:wm:20", "municipality.name:Vaala=a:wm:21"},
		{"municipality.name:Simo=a:wm:22"},
		{"button.back=a:w", "button.person=P"},
	})
	r = only(t, press(e, c, "a:wm:18"))
	ck.eq("categories of Posio", r.Text[0].Data["Municipality"], "Posio")
	ck.eq("back to Oulunkaari", r.Inline[len(r.Inline)-1][0].Payload, "a:wr:2")
	ck.problems = append(ck.problems, flaws(e, c, []Reply{r})...)
	for _, p := range []string{"a:wr:3", "a:wr:", "a:wr:0:1", "a:wr:00", "a:wm:23"} {
		if res := press(e, c, p); res.Toast == nil || res.Toast.ID != "input.unknown_button" {
			ck.errorf("%s: not refused", p)
		}
	}
	ck.done(t, "")
}

// An activity of another municipality that welcomes the family's is
// offered after the family's own, and its card and list line say so.
func TestNeighbourActivity(t *testing.T) {
	e := engine()
	own := activity(1, polku.CategoryCrafts, session(11, days(3), 10, 0))
	near := activity(2, polku.CategoryNature, session(21, days(1), 10, 0))
	near.Municipality, near.Neighbours = "Kalajoki", []string{"Kuusamo"}
	note := Text{ID: "act.neighbour", Data: map[string]any{"Municipality": "Kalajoki", "From": "Kuusamo"}}
	var ck check

	_, res := open(t, e, family(), "a:s:0", Found{Activities: []polku.Activity{near, own}})
	r := only(t, res)
	ck.eq("own first", []any{r.Text[1].Data["Title"], r.Text[2].Data["Title"]}, []any{"Outing 1", "Outing 2"})
	ck.eq("own unmarked", r.Text[1].Data["Neighbour"], "")
	ck.eq("neighbour marked", r.Text[2].Data["Neighbour"], note)
	ck.problems = append(ck.problems, flaws(e, family(), res.Replies)...)

	_, res = open(t, e, family(), "a:c:2:s0", Found{Activity: near})
	r = only(t, res)
	ck.eq("card", ids(r), []string{"act.card.title", "act.card.details", "act.neighbour", "act.card.when"})
	ck.eq("card note", r.Text[2], note)

	// Browsing Kuusamo, the Kalajoki activity is Kuusamo's neighbour's;
	// browsing Kalajoki, it is Kalajoki's own.
	_, res = open(t, e, stranger(), "a:wc:0:all:1", Found{Activities: []polku.Activity{near, own}})
	r = only(t, res)
	ck.eq("browse Kuusamo", []any{r.Text[1].Data["Neighbour"], r.Text[2].Data["Neighbour"]}, []any{"", note})
	_, res = open(t, e, stranger(), "a:c:2:w0.all.1", Found{Activity: near})
	ck.eq("card from Kuusamo's list", only(t, res).Text[2], note)
	_, res = open(t, e, stranger(), "a:c:2:w1.all.1", Found{Activity: near})
	ck.eq("card from Kalajoki's list", ids(only(t, res)), []string{"act.card.title", "act.card.details", "act.card.when"})
	ck.done(t, "")
}

// FuzzPlaces presses made-up Municipality and browsing buttons in the
// service of regions: the conversation stays valid, an answer is always
// one of the service's municipalities or "other", and every button drawn
// fits Telegram.
func FuzzPlaces(f *testing.F) {
	for _, p := range []string{"r", "r:0", "r:2", "r:1:1", "r:3", "m:0", "m:23", "m:24", "m:-1", "r:00", "r:0:0", "b"} {
		f.Add(p)
	}
	e := regions()
	f.Fuzz(func(t *testing.T, p string) {
		w := walkerOf(t, e, "fi", Input{})
		w.press("welcome.go")
		for _, data := range []string{fmt.Sprintf("%d:%s", w.c.Seq, p), "a:w" + p, "a:" + p} {
			if len(data) > 64 {
				continue
			}
			res := w.do(Input{Kind: KindButton, Payload: data, MessageID: 7})
			if m := w.c.Answers.Municipality; m != "" && m != polku.Other && !slices.Contains(e.cfg.Municipalities, m) {
				t.Fatalf("%q: answer %q", data, m)
			}
			for _, r := range res.Replies {
				for _, row := range r.Inline {
					for _, b := range row {
						if len(b.Payload) > 64 {
							t.Errorf("%q: payload %q over 64 bytes", data, b.Payload)
						}
					}
				}
			}
		}
	})
}

// A family who answered the municipality before opening a referral link
// keeps its own answer: the code's is not taken.
func TestReferralAfterAnswer(t *testing.T) {
	e := regions()
	w := walkerOf(t, e, "en", Input{})
	w.press("welcome.go")
	w.press("municipality.region", ":r:0")
	w.press("municipality.name", ":m:0")
	w.do(Input{Kind: KindCommand, Command: "start", Text: "rKAJ", CodeMunicipality: "Kajaani"})
	if w.c.Referral != "rKAJ" || w.c.CodeMunicipality != "" || w.c.Answers.Municipality != "Oulu" {
		t.Errorf("referral %q, code's %q, answer %q: want the code kept, Oulu kept", w.c.Referral, w.c.CodeMunicipality, w.c.Answers.Municipality)
	}
}

// A family from a referral link with its municipality who agrees to the
// notice on an activity's sign-up screen, before the intake, is not asked
// the municipality either when it comes to the intake.
func TestReferralMunicipalityFromSignUp(t *testing.T) {
	e := regions()
	w := walkerOf(t, e, "en", Input{Text: "rKAJ", CodeMunicipality: "Kajaani"})
	res := w.do(Input{Kind: KindButton, Payload: "a:ok:5:51:x:x:", MessageID: 7})
	if res.Query == nil {
		t.Fatalf("no query: %+v", res)
	}
	w.want(Who) // who is speaking is asked; the municipality is not
	if w.c.Answers.Municipality != "Kajaani" || w.c.Consent == "" {
		t.Errorf("answer %q, consent %q", w.c.Answers.Municipality, w.c.Consent)
	}
	// Without the code's municipality the question waits, as before.
	w = walkerOf(t, e, "en", Input{})
	w.do(Input{Kind: KindButton, Payload: "a:ok:5:51:x:x:", MessageID: 7})
	w.want(Municipality)
}
