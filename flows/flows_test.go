package flows

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"polku"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func engine() *Engine {
	return New(Config{Municipalities: []string{"Kuusamo", "Kalajoki"}})
}

// walker drives the engine as a person would: it remembers the last
// question and presses its buttons by label ID.
type walker struct {
	t    *testing.T
	e    *Engine
	c    Conversation
	last Reply
	res  Result
	now  time.Time
}

func newWalker(t *testing.T) *walker {
	e := engine()
	w := &walker{t: t, e: e, c: e.NewConversation("en", t0), now: t0}
	w.do(Input{Kind: KindCommand, Command: "start"})
	return w
}

func (w *walker) do(in Input) Result {
	w.t.Helper()
	w.now = w.now.Add(time.Second)
	in.Now = w.now
	w.res = w.e.Step(w.c, in)
	w.c = w.res.Conv
	if !w.e.Valid(w.c) {
		w.t.Fatalf("invalid conversation after %+v: %+v", in, w.c)
	}
	for _, r := range w.res.Replies {
		if len(r.Inline) > 0 || len(r.Keyboard) > 0 {
			w.last = r
		}
	}
	return w.res
}

// press presses the button labelled id (its Data ignored) of the last
// question; match narrows by a payload suffix when labels repeat (any
// label when id is "").
func (w *walker) press(id string, match ...string) Result {
	w.t.Helper()
	for _, rows := range [][][]Button{w.last.Inline, w.last.Keyboard} {
		for _, row := range rows {
			for _, b := range row {
				if (b.Label.ID == id || id == "") && (len(match) == 0 || strings.HasSuffix(b.Payload, match[0])) {
					return w.do(Input{Kind: KindButton, Payload: b.Payload, MessageID: 7})
				}
			}
		}
	}
	w.t.Fatalf("no button %q %v in state %s: %+v", id, match, w.c.State, w.last)
	return Result{}
}

func (w *walker) want(state string) {
	w.t.Helper()
	if w.c.State != state {
		w.t.Fatalf("state %s, want %s", w.c.State, state)
	}
}

func effectOf[E Effect](res Result) (E, bool) {
	for _, e := range res.Effects {
		if x, ok := e.(E); ok {
			return x, true
		}
	}
	var zero E
	return zero, false
}

// toNotice goes from the welcome to the privacy notice as a parent of
// municipality m (the payload's end: ":m:0" is Kuusamo).
func (w *walker) toNotice(m string) {
	w.t.Helper()
	w.press("welcome.go")
	w.want(Municipality)
	w.press("", m)
	w.want(Who)
	w.press("who.parent")
	w.want(Privacy)
}

// throughIntake answers every question and stops at the summary.
func throughIntake(w *walker) {
	w.press("welcome.go")
	w.want(Municipality)
	w.press("municipality.name", ":m:0")
	w.want(Who)
	w.press("who.parent")
	w.want(Privacy)
	res := w.press("privacy.yes")
	if c, ok := effectOf[RecordConsent](res); !ok || !c.Agreed || c.Version != engine().NoticeVersion("Kuusamo") {
		w.t.Fatalf("consent effect %+v", res.Effects)
	}
	w.want(Children)
	w.press("button.plus", ":0-2:+")
	w.press("button.plus", ":7-12:+")
	w.press("button.plus", ":7-12:+")
	w.press("button.done")
	w.want(Interests)
	w.press("interest.nature")
	w.press("interest.crafts")
	w.press("button.done")
	w.want(Helps)
	w.press("help.families")
	w.press("button.done")
	w.want(HelpText)
	w.do(Input{Kind: KindText, Text: "  We just moved here.  "})
	w.want(Needs)
	w.press("need.free")
	w.press("button.done")
	w.want(Languages)
	w.press("spoken.fi")
	w.press("spoken.en")
	w.press("button.done")
	w.want(WellbeingIntro)
	w.press("wellbeing.start")
	for _, v := range []string{"3", "4", "2", "5"} {
		w.want(Wellbeing)
		w.press("wellbeing.value", ":w:"+v)
	}
	w.want(ContactChoice)
	w.press("contact.phone")
	w.want(Phone)
	w.do(Input{Kind: KindContact, Phone: "+358401234567", OwnContact: true})
	w.want(Summary)
}

func TestWholeIntake(t *testing.T) {
	w := newWalker(t)
	w.want(Welcome)
	throughIntake(w)
	res := w.press("summary.confirm")
	w.want(Done)
	p, ok := effectOf[SaveProfile](res)
	if !ok {
		t.Fatalf("no SaveProfile in %+v", res.Effects)
	}
	want := polku.Answers{
		Municipality: "Kuusamo",
		Children:     map[polku.AgeBand]int{polku.Age0to2: 1, polku.Age7to12: 2},
		Interests:    []polku.Interest{polku.InterestNature, polku.InterestCrafts},
		Helps:        []polku.Help{polku.HelpFamilies},
		HelpText:     "We just moved here.",
		Needs:        []polku.Need{polku.NeedFree},
		Languages:    []string{"fi", "en"},
		Wellbeing:    []int{3, 4, 2, 5},
		Contact:      polku.ContactPhone,
		Phone:        "+358401234567",
	}
	if got := p.Answers; !equalAnswers(got, want) {
		t.Errorf("profile\n got %+v\nwant %+v", got, want)
	}
	if r, ok := effectOf[RequestPerson](res); !ok || r.Contact != polku.ContactPhone {
		t.Errorf("RequestPerson %+v", res.Effects)
	}
}

func equalAnswers(a, b polku.Answers) bool {
	return a.Municipality == b.Municipality && len(a.Children) == len(b.Children) &&
		a.Children[polku.Age0to2] == b.Children[polku.Age0to2] && a.Children[polku.Age7to12] == b.Children[polku.Age7to12] &&
		slices.Equal(a.Interests, b.Interests) && slices.Equal(a.Helps, b.Helps) && a.HelpText == b.HelpText &&
		slices.Equal(a.Needs, b.Needs) && slices.Equal(a.Languages, b.Languages) && slices.Equal(a.Wellbeing, b.Wellbeing) &&
		a.Contact == b.Contact && a.Phone == b.Phone
}

func TestBackFromEveryStep(t *testing.T) {
	// Each question's Back leads to the question before it.
	w := newWalker(t)
	throughIntake(w)
	// Past the notice agreed to: Back from the children leads to who is
	// speaking, and on to the municipality and the welcome.
	path := []string{Summary, ContactChoice, WellbeingIntro, Languages, Needs, HelpText, Helps, Interests, Children, Who, Municipality, Welcome}
	for i := 1; i < len(path); i++ {
		w.press("button.back")
		w.want(path[i])
	}
	// The answers survive going back.
	if w.c.Answers.Municipality != "Kuusamo" || w.c.Answers.ChildCount() != 3 {
		t.Errorf("answers lost going back: %+v", w.c.Answers)
	}
}

func TestBackInsideWellbeing(t *testing.T) {
	w := newWalker(t)
	throughIntake(w)
	w.press("summary.edit.wellbeing_intro")
	w.want(WellbeingIntro)
	w.press("wellbeing.start")
	w.press("wellbeing.value", ":w:1")
	w.press("wellbeing.value", ":w:2")
	w.press("button.back")
	if w.c.State != Wellbeing || w.c.Index != 1 {
		t.Fatalf("back inside the check: %s #%d", w.c.State, w.c.Index)
	}
	w.press("button.back")
	w.press("button.back") // from the first statement: back to the intro
	w.want(WellbeingIntro)
	w.press("button.back") // opened from the summary: back there
	w.want(Summary)
	if w.c.Answers.Wellbeing != nil {
		t.Errorf("a half-answered check must count as skipped, got %v", w.c.Answers.Wellbeing)
	}
	w.press("summary.confirm")
	w.want(Done)
}

func TestChangeFromSummary(t *testing.T) {
	w := newWalker(t)
	throughIntake(w)
	w.press("summary.edit.municipality")
	w.want(Municipality)
	w.press("municipality.other")
	w.want(Summary)
	if w.c.Answers.Municipality != "other" {
		t.Errorf("municipality %q", w.c.Answers.Municipality)
	}
	w.press("summary.edit.contact")
	w.press("contact.none")
	w.want(Summary)
	if w.c.Answers.Phone != "" || w.c.Answers.Contact != polku.ContactNone {
		t.Errorf("contact change kept the phone: %+v", w.c.Answers)
	}
	res := w.press("summary.confirm")
	if _, ok := effectOf[RequestPerson](res); ok {
		t.Errorf("no contact wanted, but a request was made")
	}
}

func TestUnexpectedInputKeepsState(t *testing.T) {
	inputs := []Input{
		{Kind: KindText, Text: "hello?"},
		{Kind: KindText, Text: strings.Repeat("a", 4000)},
		{Kind: KindUnsupported, Media: "sticker"},
		{Kind: KindUnsupported, Media: "voice"},
		{Kind: KindEdited},
		{Kind: KindContact, Phone: "+358", OwnContact: false},
		{Kind: KindCommand, Command: "nonsense"},
		{Kind: KindButton, Payload: "garbage"},
		{Kind: KindButton, Payload: "999:m:0"},
		{Kind: KindButton, Payload: "1:m:0"},
		{Kind: KindButton, Payload: "L:xx"},
		{Kind: KindButton, Payload: ""},
	}
	w := newWalker(t)
	throughIntake(w)
	for _, st := range []string{Summary} {
		for _, in := range inputs {
			before := w.c
			res := w.do(in)
			if res.Conv.State != st || !equalAnswers(res.Conv.Answers, before.Answers) {
				t.Errorf("%+v changed the conversation", in.Kind)
			}
			if len(res.Replies) == 0 && res.Toast == nil {
				t.Errorf("%v %q got no answer", in.Kind, in.Payload)
			}
		}
	}
}

func TestStaleButtonIsNotApplied(t *testing.T) {
	w := newWalker(t)
	w.toNotice(":m:0")
	old := w.last
	w.press("privacy.yes")
	w.want(Children)
	// A double tap: the same button again.
	res := w.do(Input{Kind: KindButton, Payload: old.Inline[0][0].Payload})
	w.want(Children)
	if res.Toast == nil || res.Toast.ID != "input.stale" || len(res.Replies) != 0 {
		t.Errorf("double tap: toast %+v, %d replies; want the notice only (the question is right below)", res.Toast, len(res.Replies))
	}
	// Further up: the notice, and the current question again below.
	w.press("button.back")
	w.want(Who)
	res = w.do(Input{Kind: KindButton, Payload: old.Inline[0][0].Payload})
	w.want(Who)
	if res.Toast == nil || res.Toast.ID != "input.stale" || len(res.Replies) != 1 || len(res.Replies[0].Inline) == 0 {
		t.Errorf("press two questions back: toast %+v, replies %+v; want the notice and the question", res.Toast, res.Replies)
	}
}

func TestDeclineStoresNothing(t *testing.T) {
	w := newWalker(t)
	w.toNotice(":m:0")
	w.press("privacy.more")
	w.press("button.back") // to the notice's summary, to decline after all
	w.want(Privacy)
	res := w.press("privacy.no")
	if w.c.Answers.Municipality != "" || w.c.Consent != "" {
		t.Errorf("declining kept a draft: %+v", w.c)
	}
	w.want(Declined)
	if c, ok := effectOf[RecordConsent](res); !ok || c.Agreed {
		t.Errorf("decline effect %+v", res.Effects)
	}
	res = w.press("button.person")
	// Without consent there are no answers to share: the case opens at
	// once, with only the chat.
	if r, ok := effectOf[OpenCase](res); !ok || r.Share {
		t.Errorf("person without consent: %+v", res.Effects)
	}
	if !w.c.Talking() {
		t.Errorf("not talking after asking for a person: %+v", w.c)
	}
	w.want(Declined)
	w.press("talk.back")
	if w.c.Talking() {
		t.Errorf("still talking after back to the bot")
	}
	// The municipality was forgotten with the rest: asked again.
	w.press("declined.again")
	w.want(Municipality)
}

// TestPrivacyExport: /privacy offers "📦 My data" before consent and after
// it; pressing it asks the adapter for the family's export and leaves the
// conversation where it was.
func TestPrivacyExport(t *testing.T) {
	for _, consented := range []bool{false, true} {
		w := newWalker(t)
		if consented {
			throughIntake(w)
			w.press("summary.confirm")
		}
		w.do(Input{Kind: KindCommand, Command: "privacy"})
		before := w.c
		res := w.press("export.button")
		if _, ok := effectOf[Export](res); !ok || len(res.Effects) != 1 {
			t.Errorf("consented %v: export effects %+v", consented, res.Effects)
		}
		if w.c.State != before.State || w.c.Seq != before.Seq || !equalAnswers(w.c.Answers, before.Answers) {
			t.Errorf("consented %v: the export moved the conversation from %+v to %+v", consented, before, w.c)
		}
	}
}

func TestResumeAfterPause(t *testing.T) {
	w := newWalker(t)
	w.toNotice(":m:1")
	w.press("privacy.yes")
	w.want(Children)
	w.now = w.now.Add(2 * 24 * time.Hour)
	w.do(Input{Kind: KindText, Text: "hi again"})
	if !w.c.Paused() {
		t.Fatal("no resume question after two days")
	}
	w.press("resume.continue")
	w.want(Children)
	if w.c.Paused() || w.c.Answers.Municipality != "Kalajoki" {
		t.Errorf("continue lost state: %+v", w.c)
	}
	w.do(Input{Kind: KindCommand, Command: "start"})
	w.press("resume.over")
	w.want(Municipality)
	if w.c.Answers.Municipality != "" || w.c.Consent == "" {
		t.Errorf("start over: %+v", w.c)
	}
}

func TestLanguageSwitchReasks(t *testing.T) {
	w := newWalker(t)
	w.press("welcome.go")
	w.do(Input{Kind: KindCommand, Command: "language"})
	res := w.do(Input{Kind: KindButton, Payload: "L:uk"})
	if w.c.Lang != "uk" || !w.c.LangChosen {
		t.Fatalf("lang %q", w.c.Lang)
	}
	w.want(Municipality)
	if len(res.Replies) != 1 || res.Replies[0].Text[0].ID != "municipality.question" {
		t.Errorf("the question was not asked again: %+v", res.Replies)
	}
}

func TestReferralCode(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"school-12_a", "school-12_a"},
		{"bad code!", ""},
		{strings.Repeat("x", 65), ""},
		{"", ""},
	} {
		e := engine()
		res := e.Step(e.NewConversation("fi", t0), Input{Kind: KindCommand, Command: "start", Text: tc.code, Now: t0})
		if res.Conv.Referral != tc.want {
			t.Errorf("code %q: got %q", tc.code, res.Conv.Referral)
		}
	}
}

func TestButtonsFitTelegram(t *testing.T) {
	// Every state's question: callback data within 64 bytes, and "talk to
	// a person" on every question.
	e := engine()
	for _, st := range States() {
		c := e.NewConversation("fi", t0)
		c.State, c.Seq = st, 1<<30
		r := e.Ask(c)
		person := false
		for _, rows := range [][][]Button{r.Inline, r.Keyboard} {
			for _, row := range rows {
				for _, b := range row {
					if len(b.Payload) > 64 {
						t.Errorf("%s: payload %q over 64 bytes", st, b.Payload)
					}
					person = person || b.Payload == "P" || strings.HasSuffix(b.Payload, ":menu:person")
				}
			}
		}
		if !person && st != PrivacyMore {
			t.Errorf("%s has no talk-to-a-person button", st)
		}
	}
}

func TestCorruptConversationStartsAfresh(t *testing.T) {
	e := engine()
	res := e.Step(Conversation{Flow: "intake", State: "nowhere", Lang: "xx"}, Input{Kind: KindText, Text: "hi", Now: t0})
	if !e.Valid(res.Conv) || res.Conv.State != Welcome || res.Conv.Lang != "fi" {
		t.Errorf("got %+v", res.Conv)
	}
}

func FuzzStep(f *testing.F) {
	f.Add(uint8(KindButton), "3:m:0", "")
	f.Add(uint8(KindText), "", "hello")
	f.Add(uint8(KindCommand), "", "start")
	f.Add(uint8(KindButton), "W:go:1", "")
	f.Add(uint8(KindButton), "W:a:1:0:3", "")
	f.Fuzz(func(t *testing.T, kind uint8, payload, text string) {
		w := newWalker(t)
		throughIntake(w)
		for range 3 {
			w.do(Input{Kind: Kind(kind % 8), Payload: payload, Text: text, Command: text})
		}
	})
}

func TestEveryCommandIsAnswered(t *testing.T) {
	// Every command of the menu Telegram shows does something of its
	// own: none is answered as unknown.
	for _, c := range Commands {
		if !strings.Contains(DiagramNote, "/"+c) {
			t.Errorf("the diagram's note does not name /%s", c)
		}
		for _, conv := range []Conversation{stranger(), family()} {
			res := engine().Step(conv, Input{Kind: KindCommand, Command: c, Now: t0.Add(time.Minute)})
			for _, r := range res.Replies {
				if slices.Contains(ids(r), "input.unknown_command") {
					t.Errorf("/%s in %s: answered as unknown", c, conv.State)
				}
			}
		}
	}
}

func TestSkipTheRestOfWellbeing(t *testing.T) {
	// "Skip the rest" keeps the statements answered, and the summary
	// says how many.
	w := newWalker(t)
	throughIntake(w)
	w.press("summary.edit.wellbeing_intro")
	w.press("wellbeing.start")
	w.press("wellbeing.value", ":w:2")
	w.press("wellbeing.value", ":w:4")
	res := w.press("wellbeing.skip_rest")
	w.want(Summary)
	if !slices.Equal(w.c.Answers.Wellbeing, []int{2, 4}) {
		t.Errorf("kept %v, want [2 4]", w.c.Answers.Wellbeing)
	}
	got := res.Replies[len(res.Replies)-1].Text[1].Data["Wellbeing"]
	want := Text{ID: "summary.wellbeing_part", Data: map[string]any{"N": 2, "Of": polku.WellbeingStatements}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summary says %+v, want %+v", got, want)
	}
	if res := w.press("summary.confirm"); !slices.ContainsFunc(res.Effects, func(e Effect) bool {
		p, ok := e.(SaveProfile)
		return ok && slices.Equal(p.Answers.Wellbeing, []int{2, 4})
	}) {
		t.Errorf("saved %+v", res.Effects)
	}
}

// TestNoDeadEnds: the screens that end a thread offer a next step.
func TestNoDeadEnds(t *testing.T) {
	e := engine()
	now := t0.Add(time.Minute)
	last := func(res Result) [][]string { return grid(res.Replies[len(res.Replies)-1]) }
	// Declining the notice still lets the family browse: /activities
	// needs no consent.
	c := stranger()
	c.State = Declined
	if g := grid(e.Ask(c)); !slices.ContainsFunc(g, func(row []string) bool { return slices.Contains(row, "menu.activities=A:s:0") }) {
		t.Errorf("declined: %v", g)
	}
	// "Show my answers" goes back: the family is done with the questions,
	// so there is nothing to continue.
	res := e.Step(family(), Input{Kind: KindButton, Payload: "20:menu:show", Now: now})
	if g := last(res); !reflect.DeepEqual(g, [][]string{{"button.back=20:menu:cont"}}) {
		t.Errorf("show my answers: %v", g)
	}
	// The thanks for feedback has the menu, which opens from any chat
	// state and ends talking to a person.
	res = e.Step(family(), Input{Kind: KindFound, Found: &Found{Query: Query{Kind: QueryFeedback, Case: 1, Score: 4}}, MessageID: pressed, Now: now})
	if g := last(res); !reflect.DeepEqual(g, [][]string{{"button.menu=M"}}) {
		t.Errorf("feedback thanks: %v", g)
	}
	talking := family()
	talking.Mode.Set(ModeTalking, true)
	res = e.Step(talking, Input{Kind: KindButton, Payload: "M", Now: now})
	if len(res.Replies) != 1 || ids(res.Replies[0])[0] != "menu.title" || res.Conv.Talking() {
		t.Errorf("menu button: %v, talk %v", res.Replies, res.Conv.Talking())
	}
}

func TestAskLanguageFirst(t *testing.T) {
	// Telegram in Russian: the adapter sets AskLang, and the welcome is
	// the choice of language, in every language, until one is picked.
	e := engine()
	c := e.NewConversation("fi", t0)
	c.AskLang = true
	now := t0.Add(time.Minute)
	for _, in := range []Input{
		{Kind: KindCommand, Command: "start"},
		{Kind: KindText, Text: "привет", Message: 3},
		{Kind: KindUnsupported, Media: "sticker", Message: 4},
	} {
		in.Now = now
		res := e.Step(c, in)
		if got := replyIDList(res); !reflect.DeepEqual(got, []string{"language.first"}) {
			t.Errorf("%+v: replies %v", in, got)
		}
	}
	res := e.Step(c, Input{Kind: KindButton, Payload: "L:uk", Now: now})
	if got := replyIDList(res); !reflect.DeepEqual(got, []string{"welcome.text"}) || res.Conv.Lang != "uk" || !res.Conv.LangChosen {
		t.Errorf("picked: replies %v, %+v", got, res.Conv)
	}
	// A language of ours greets at once.
	if got := ids(e.Ask(e.NewConversation("uk", t0))); !reflect.DeepEqual(got, []string{"welcome.text"}) {
		t.Errorf("uk: %v", got)
	}
}

func replyIDList(res Result) []string {
	var out []string
	for _, r := range res.Replies {
		out = append(out, ids(r)...)
	}
	return out
}

// Every button of the children's counter changes what the person sees:
// ➖ only where there is a child, ➕ until the highest count, Done once
// there is a child. A button that did nothing would leave a tired
// parent pressing it again and again.
func TestChildrenCounterHasNoDeadButtons(t *testing.T) {
	w := newWalker(t)
	w.toNotice(":m:0")
	w.press("privacy.yes")
	w.want(Children)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 400; i++ {
		before := w.last
		var counter []Button
		for _, row := range before.Inline {
			for _, b := range row {
				switch b.Label.ID {
				case "button.minus", "button.plus":
					counter = append(counter, b)
				case "button.done":
					if w.c.Answers.ChildCount() == 0 {
						t.Fatalf("Done with no child: %+v", before.Inline)
					}
				}
			}
		}
		for _, b := range counter {
			band, op := polku.AgeBand(strings.Split(b.Payload, ":")[2]), strings.Split(b.Payload, ":")[3]
			if n := w.c.Answers.Children[band]; op == "-" && n == 0 || op == "+" && n >= polku.MaxChildrenPerBand {
				t.Fatalf("%s shown at %d", b.Payload, n)
			}
		}
		b := counter[rng.IntN(len(counter))]
		res := w.do(Input{Kind: KindButton, Payload: b.Payload, MessageID: 7})
		if len(res.Replies) != 1 || res.Replies[0].Edit != 7 || res.Toast != nil {
			t.Fatalf("%s: %+v", b.Payload, res)
		}
		after := res.Replies[0]
		after.Edit = 0
		if reflect.DeepEqual(after, before) {
			t.Fatalf("%s changed nothing: %+v", b.Payload, after)
		}
	}
	// Pressed on a keyboard drawn before (the count, ➖ at none), the
	// question is drawn as it is asked now.
	for _, p := range []string{"=", "-", "done"} {
		c := w.c
		c.Answers.Children = nil
		payload := strconv.Itoa(c.Seq) + ":k:0-2:" + p
		if p == "done" {
			payload = strconv.Itoa(c.Seq) + ":done"
		}
		res := w.e.Step(c, Input{Kind: KindButton, Payload: payload, MessageID: 7, Now: w.now})
		if len(res.Replies) != 1 || res.Replies[0].Edit != 7 {
			t.Errorf("old %s: %+v", p, res.Replies)
		}
	}
}
