package flows

import (
	"slices"
	"strconv"
	"testing"

	"polku"
)

// Two controllers: Kuusamo's own, and the service's, which serves
// Kalajoki (none of its own configured) and "somewhere else".
var (
	kuusamoController = polku.Controller{Name: polku.Localized{"fi": "Kuusamon kaupunki", "en": "City of Kuusamo"}, Contact: "kirjaamo@example.org", DPO: "tietosuoja@example.org"}
	serviceController = polku.Controller{Name: polku.Localized{"fi": "Perhepalvelut"}, Contact: "perhe@example.org"}
)

func serviceEngine() *Engine {
	return New(Config{Notice: "the notice's words", Service: polku.Service{
		Municipalities: []polku.Municipality{
			{ID: "Kuusamo", Settings: polku.Settings{Controller: kuusamoController}},
			{ID: "Kalajoki"},
		},
		Default: polku.Settings{Controller: serviceController},
	}})
}

// controllerOf is the controller's paragraph of a notice, if it has one.
func controllerOf(ts []Text) (Text, bool) {
	i := slices.IndexFunc(ts, func(t Text) bool { return t.ID == "privacy.controller" })
	if i < 0 {
		return Text{}, false
	}
	return ts[i], true
}

// TestNoticeNamesTheController: the notice names the controller of the
// family's municipality, in the family's language, or the service's when
// the municipality has none; a service with none at all names none.
func TestNoticeNamesTheController(t *testing.T) {
	for _, tc := range []struct {
		m                  string
		name, contact, dpo string
	}{
		{":m:0", "City of Kuusamo", "kirjaamo@example.org", "tietosuoja@example.org"},
		{":m:1", "Perhepalvelut", "perhe@example.org", ""},
		{":m:2", "Perhepalvelut", "perhe@example.org", ""},
	} {
		e := serviceEngine()
		w := &walker{t: t, e: e, c: e.NewConversation("en", t0), now: t0}
		w.do(cmd("start"))
		w.toNotice(tc.m)
		c, ok := controllerOf(w.last.Text)
		if !ok || c.Data["Name"] != tc.name || c.Data["Contact"] != tc.contact || c.Data["DPO"] != tc.dpo {
			t.Errorf("%s: controller %+v", tc.m, c)
		}
		w.press("privacy.more")
		if _, ok := controllerOf(w.last.Text); !ok {
			t.Errorf("%s: the full notice names no controller", tc.m)
		}
		res := w.press("privacy.yes")
		if rc, _ := effectOf[RecordConsent](res); rc.Version != e.NoticeVersion(w.c.Answers.Municipality) {
			t.Errorf("%s: consent to %q, the notice seen is %q", tc.m, rc.Version, e.NoticeVersion(w.c.Answers.Municipality))
		}
		// /privacy names it too.
		if c, ok := controllerOf(w.do(cmd("privacy")).Replies[0].Text); !ok || c.Data["Name"] != tc.name {
			t.Errorf("%s: /privacy names %+v", tc.m, c)
		}
	}
	e := serviceEngine()
	if e.NoticeVersion("Kuusamo") == e.NoticeVersion("Kalajoki") || e.NoticeVersion("Kalajoki") != e.NoticeVersion("other") {
		t.Errorf("versions: Kuusamo %s, Kalajoki %s, other %s", e.NoticeVersion("Kuusamo"), e.NoticeVersion("Kalajoki"), e.NoticeVersion("other"))
	}
	w := newWalker(t)
	w.toNotice(":m:0")
	if c, ok := controllerOf(w.last.Text); ok {
		t.Errorf("a service without a controller names %+v", c)
	}
}

// TestNoticeVersionFollowsTheWords: another notice's words are another
// version.
func TestNoticeVersionFollowsTheWords(t *testing.T) {
	a := New(Config{Notice: "one"}).NoticeVersion("")
	if b := New(Config{Notice: "two"}).NoticeVersion(""); a == b {
		t.Errorf("two notices, one version %s", a)
	}
}

// agreedBefore is family() when it agreed to the notice of 22 November
// 2026, before the notice named its controller.
func agreedBefore() Conversation {
	c := family()
	c.Consent = "2026-11-22"
	return c
}

func renewPress(c Conversation, choice string) Input {
	return tap(strconv.Itoa(c.Seq) + ":renew:" + choice)
}

// TestRenewal: a family that agreed to an earlier notice is asked again
// on its next update, before anything is done: what changed, the notice,
// agree / read more / no thanks. What it did waits, and is done once it
// agrees; it is not asked again.
func TestRenewal(t *testing.T) {
	e := engine()
	res := feed(t, e, agreedBefore(), cmd("activities"))
	if got := textIDs(res); !slices.Equal(got, []string{"privacy.renew", "privacy.changes", "privacy.summary", "privacy.renew_question"}) {
		t.Errorf("asked %v", got)
	}
	if len(res.Effects) != 0 || res.Query != nil || res.Conv.Held == nil || res.Conv.Held.Command != "activities" {
		t.Fatalf("the command was not held: %+v", res)
	}
	// Something else meanwhile: only the question again, and the newer
	// input is what waits.
	other := feed(t, e, res.Conv, typed("hello?", 41))
	if got := textIDs(other); !slices.Equal(got, []string{"privacy.renew_question"}) || other.Conv.Held.Message != 41 {
		t.Errorf("asked again: %v, held %+v", got, other.Conv.Held)
	}
	res = feed(t, e, other.Conv, cmd("activities"))
	// Its answers can be typed: the question is what Ask tells.
	if ask := e.Ask(res.Conv); ask.Inline[0][0].Payload != strconv.Itoa(res.Conv.Seq)+":renew:yes" {
		t.Errorf("Ask while the question is open: %+v", ask)
	}
	more := feed(t, e, res.Conv, renewPress(res.Conv, "more"))
	if got := textIDs(more); !slices.Equal(got, []string{"privacy.full", "privacy.renew_question"}) {
		t.Errorf("read more: %v", got)
	}
	yes := feed(t, e, more.Conv, renewPress(more.Conv, "yes"))
	if rc, ok := effectOf[RecordConsent](yes); !ok || !rc.Agreed || !rc.Renewed || rc.Version != e.NoticeVersion("Kuusamo") {
		t.Errorf("agreeing recorded %+v", yes.Effects)
	}
	if yes.Query == nil || yes.Query.Kind != QuerySuggest || yes.Conv.Held != nil {
		t.Errorf("the held command was not done: query %+v, held %+v", yes.Query, yes.Conv.Held)
	}
	if got := textIDs(yes); len(got) == 0 || got[0] != "privacy.renew_thanks" {
		t.Errorf("thanks: %v", got)
	}
	// Once: the next update is just done.
	next := feed(t, e, yes.Conv, cmd("activities"))
	if next.Query == nil || slices.Contains(textIDs(next), "privacy.renew") {
		t.Errorf("asked again: %v", textIDs(next))
	}
	// A double tap on "I agree" records nothing more.
	again := feed(t, e, yes.Conv, renewPress(more.Conv, "yes"))
	if len(again.Effects) != 0 {
		t.Errorf("agreed twice: %+v", again.Effects)
	}
}

// TestRenewalHoldsTheText: the family's own words typed when the question
// came are not lost: they are the answer to the question it was on.
func TestRenewalHoldsTheText(t *testing.T) {
	e := engine()
	c := agreedBefore()
	c.State, c.Profile = HelpText, false
	res := feed(t, e, c, typed("We moved here in the summer.", 40))
	if res.Conv.State != HelpText || res.Conv.Answers.HelpText != "" {
		t.Fatalf("the text was taken before agreeing: %+v", res.Conv)
	}
	res = feed(t, e, res.Conv, renewPress(res.Conv, "yes"))
	if res.Conv.State != Needs || res.Conv.Answers.HelpText != "We moved here in the summer." {
		t.Errorf("after agreeing: state %s, words %q", res.Conv.State, res.Conv.Answers.HelpText)
	}
}

// TestRenewalNoThanks: no thanks keeps what the family gave, stores
// nothing new, offers erasing, and is not asked again unprompted; saving
// new answers asks again; /privacy offers agreeing after all. A person,
// privacy and the language never wait for the question.
func TestRenewalNoThanks(t *testing.T) {
	e := engine()
	asked := feed(t, e, agreedBefore(), cmd("activities"))
	no := feed(t, e, asked.Conv, renewPress(asked.Conv, "no"))
	if got := textIDs(no); !slices.Equal(got, []string{"privacy.renew_no"}) || len(no.Effects) != 0 {
		t.Errorf("no thanks: %v %+v", got, no.Effects)
	}
	if no.Conv.Held != nil || no.Conv.Consent != "2026-11-22" || !no.Conv.Profile {
		t.Errorf("no thanks changed what was kept: %+v", no.Conv)
	}
	if r := no.Replies[0]; r.Inline[0][0].Payload != strconv.Itoa(no.Conv.Seq)+":menu:erase" {
		t.Errorf("no thanks offers %+v", r.Inline)
	}
	// Words typed when the question came are offered to a person.
	wrote := feed(t, e, agreedBefore(), typed("we have had a very hard week", 42))
	kept := feed(t, e, wrote.Conv, renewPress(wrote.Conv, "no"))
	if got := textIDs(kept); !slices.Equal(got, []string{"privacy.renew_no", "kept.offer"}) || !slices.Equal(kept.Conv.Kept, []int{42}) {
		t.Errorf("the family's words after no thanks: %v, kept %v", got, kept.Conv.Kept)
	}
	// Browsing stores nothing: not asked again.
	browse := feed(t, e, no.Conv, cmd("activities"))
	if browse.Query == nil || browse.Query.Kind != QuerySuggest {
		t.Errorf("browsing after no thanks: %v", textIDs(browse))
	}
	// Saving changed answers would store something new: asked first.
	change := feed(t, e, no.Conv, tap(strconv.Itoa(no.Conv.Seq)+":change"))
	save := feed(t, e, change.Conv, tap(strconv.Itoa(change.Conv.Seq)+":ok"))
	if _, ok := effectOf[SaveProfile](save); ok || !slices.Contains(textIDs(save), "privacy.renew") {
		t.Errorf("saved under the old notice: %v %+v", textIDs(save), save.Effects)
	}
	saved := feed(t, e, save.Conv, renewPress(save.Conv, "yes"))
	if _, ok := effectOf[SaveProfile](saved); !ok || saved.Conv.State != Done {
		t.Errorf("agreeing did not save: %v %+v", textIDs(saved), saved.Effects)
	}
	// /privacy tells the old agreement and offers the new one.
	info := feed(t, e, no.Conv, cmd("privacy"))
	r := info.Replies[0]
	if r.Text[1].ID != "privacy.status_old" || r.Inline[0][0].Payload != strconv.Itoa(no.Conv.Seq)+":renew:yes" {
		t.Errorf("/privacy after no thanks: %+v", r)
	}
	agreed := feed(t, e, info.Conv, renewPress(info.Conv, "yes"))
	if _, ok := effectOf[RecordConsent](agreed); !ok || agreed.Conv.Consent != e.NoticeVersion("Kuusamo") || agreed.Conv.Refused != "" {
		t.Errorf("agreeing from /privacy: %+v", agreed.Conv)
	}
	// Never in the way: a person, privacy, the language.
	for _, in := range []Input{tap("P"), cmd("privacy"), cmd("language"), tap("L:sv")} {
		res := feed(t, e, agreedBefore(), in)
		if slices.Contains(textIDs(res), "privacy.renew") || res.Conv.Held != nil {
			t.Errorf("%+v waited for the notice: %v", in, textIDs(res))
		}
	}
}

// TestRenewalAnotherController: a family that moves to a municipality
// with another controller is asked again, told that someone else now
// looks after its data.
func TestRenewalAnotherController(t *testing.T) {
	e := serviceEngine()
	c := family()
	c.Consent = e.NoticeVersion("Kuusamo")
	c.State = Summary
	res := feed(t, e, c, tap(strconv.Itoa(c.Seq)+":e:municipality"))
	res = feed(t, e, res.Conv, tap(strconv.Itoa(res.Conv.Seq)+":m:1"))
	if res.Conv.State != Summary || res.Conv.Answers.Municipality != "Kalajoki" {
		t.Fatalf("state %s, municipality %q", res.Conv.State, res.Conv.Answers.Municipality)
	}
	res = feed(t, e, res.Conv, tap(strconv.Itoa(res.Conv.Seq)+":ok"))
	got := textIDs(res)
	if !slices.Equal(got, []string{"privacy.renew", "privacy.changed_controller", "privacy.summary", "privacy.controller", "privacy.renew_question"}) {
		t.Errorf("asked %v", got)
	}
	if _, ok := effectOf[SaveProfile](res); ok {
		t.Errorf("saved before agreeing to the new controller")
	}
}
