package flows

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"polku"
)

// The family's side of talking to a person (talk.go). The tests play the
// adapter: they give the engine one input after another and compare what
// it asks the adapter to do (effects, a query), what the family would see
// (each reply by its message IDs, a toast) and the conversation it keeps.

var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	return loc
}()

// crisis is the crisis line of the test deployment.
const crisis = "Esimerkkikriisilinja (kuvitteellinen) 0800 000 000"

// talkEngine is an engine with the default safety words and one crisis
// line; week is the coordinators' office hours ("" is always open).
func talkEngine(t testing.TB, week string) *Engine {
	t.Helper()
	h, err := polku.ParseOfficeHours(week, "", helsinki)
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Municipalities: []string{"Kuusamo", "Kalajoki"}, Location: helsinki, Hours: h,
		Safety: polku.DefaultSafetyWords(), Crisis: []string{crisis}})
}

// local is a wall-clock time in Helsinki in 2026.
func local(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, helsinki)
}

// The inputs of the tests. msg is the family's own message (Input.Message).
func typed(s string, msg int) Input { return Input{Kind: KindText, Text: s, Message: msg} }
func sent(media string, msg int) Input {
	return Input{Kind: KindUnsupported, Media: media, Message: msg}
}
func captioned(media, caption string, msg int) Input {
	return Input{Kind: KindUnsupported, Media: media, Text: caption, Message: msg}
}
func edited(s string, msg int) Input { return Input{Kind: KindEdited, Text: s, Message: msg} }
func tap(payload string) Input       { return Input{Kind: KindButton, Payload: payload, MessageID: pressed} }
func cmd(name string) Input          { return Input{Kind: KindCommand, Command: name} }
func contactOf(own bool, msg int) Input {
	return Input{Kind: KindContact, Phone: "+358401234567", OwnContact: own, Media: "contact", Message: msg}
}

// talkingFamily is family() talking to the coordinators, who may see its
// answers when share is "yes".
func talkingFamily(share string) Conversation {
	c := family()
	c.Mode.Set(ModeTalking, true)
	c.Share = share
	return c
}

// sharedFamily is family() that answered the share question before.
func sharedFamily(share string) Conversation {
	c := family()
	c.Share = share
	return c
}

// sharing is family() with the share question open.
func sharing() Conversation {
	c := family()
	c.Mode.Set(ModeSharing, true)
	return c
}

func declined() Conversation {
	c := stranger()
	c.State = Declined
	return c
}

// atPhone is a family talking to the coordinators from the phone step.
func atPhone() Conversation {
	c := family()
	c.State, c.Profile = Phone, false
	c.Answers.Contact = polku.ContactPhone
	c.Mode.Set(ModeTalking, true)
	c.Share = "yes"
	return c
}

// seen is what one step did, as the tables compare it: the effects, each
// reply as its message IDs ("~7 " first when it edits message 7, " +card"
// last when it is the card's image), the toast, the query, and the
// conversation's state and talk fields.
type seen struct {
	Effects []Effect
	Replies []string
	Toast   string
	Query   *Query
	State   string
	Talk    bool
	Share   string
	Sharing bool
}

func see(res Result) seen {
	s := seen{Effects: res.Effects, Query: res.Query, State: res.Conv.State, Talk: res.Conv.Talking(), Share: res.Conv.Share, Sharing: res.Conv.Sharing()}
	for _, r := range res.Replies {
		s.Replies = append(s.Replies, replyIDs(r))
	}
	if res.Toast != nil {
		s.Toast = res.Toast.ID
	}
	return s
}

func (s seen) String() string {
	var effects []string
	for _, e := range s.Effects {
		effects = append(effects, fmt.Sprintf("%T%+v", e, e))
	}
	q := "<nil>"
	if s.Query != nil {
		q = fmt.Sprintf("%+v", *s.Query)
	}
	return fmt.Sprintf("effects %v\n  replies %q\n  toast %q, query %s\n  state %s, talk %v, share %q, sharing %v",
		effects, s.Replies, s.Toast, q, s.State, s.Talk, s.Share, s.Sharing)
}

func replyIDs(r Reply) string {
	var b strings.Builder
	if r.Edit != 0 {
		fmt.Fprintf(&b, "~%d ", r.Edit)
	}
	b.WriteString(strings.Join(ids(r), " "))
	if r.Card != nil {
		b.WriteString(" +card")
	}
	return b.String()
}

// talkReplies are the replies of talk mode: each has the one button "back
// to the bot".
var talkReplies = map[string]bool{"talk.open": true, "talk.urgent": true, "talk.write": true, "talk.away": true, "talk.away_unknown": true, "talk.edited": true, "kept.sent": true}

// feed gives e the inputs one after another from c, a minute apart from
// t0 unless an input has its own time, and returns the last step. Every
// conversation on the way must be valid, every button fit Telegram's 64
// bytes, and every reply of talk mode offer "back to the bot".
func feed(t *testing.T, e *Engine, c Conversation, ins ...Input) Result {
	t.Helper()
	now := t0
	var res Result
	for _, in := range ins {
		now = now.Add(time.Minute)
		if in.Now.IsZero() {
			in.Now = now
		}
		res = e.Step(c, in)
		if !e.Valid(res.Conv) {
			t.Fatalf("invalid conversation after %+v: %+v", in, res.Conv)
		}
		for _, p := range talkProblems(in, res) {
			t.Error(p)
		}
		c = res.Conv
	}
	return res
}

// talkProblems lists what is wrong with one step whatever the input: a
// relay of no message or of another message than the input's, a button
// over 64 bytes, a reply of talk mode without "back to the bot".
func talkProblems(in Input, res Result) []string {
	var out []string
	for _, e := range res.Effects {
		msg := in.Message
		if k, ok := strings.CutPrefix(in.Payload, "K:"); ok && in.Kind == KindButton {
			msg, _ = strconv.Atoi(k) // "Send this to a person" relays its message
		}
		if r, ok := e.(Relay); ok && (r.Message == 0 || r.Message != msg) {
			out = append(out, fmt.Sprintf("%+v relays %+v of input message %d", in, r, in.Message))
		}
	}
	for _, r := range res.Replies {
		for _, rows := range [][][]Button{r.Inline, r.Keyboard} {
			for _, row := range rows {
				for _, b := range row {
					if len(b.Payload) > 64 {
						out = append(out, fmt.Sprintf("payload %q over 64 bytes", b.Payload))
					}
				}
			}
		}
		if len(r.Text) > 0 && talkReplies[r.Text[0].ID] && !reflect.DeepEqual(grid(r), [][]string{{"talk.back=T:off"}}) {
			out = append(out, fmt.Sprintf("%s without back to the bot: %v", r.Text[0].ID, grid(r)))
		}
	}
	return out
}

type talkCase struct {
	name string
	conv Conversation
	ins  []Input
	want seen
	// bug names a known bug the case shows: it is skipped while it fails.
	bug string
}

func runTalk(t *testing.T, e *Engine, cases []talkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := see(feed(t, e, tc.conv, tc.ins...))
			switch same := reflect.DeepEqual(got, tc.want); {
			case !same && tc.bug != "":
				t.Skipf("BUG: %s\n got %s\nwant %s", tc.bug, got, tc.want)
			case !same:
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			case tc.bug != "":
				t.Errorf("the bug %q is fixed: drop the note", tc.bug)
			}
		})
	}
}

// done is the reask after the intake: the menu (the thanks for saving is
// said once).
const done = "menu.title"

func TestShareQuestion(t *testing.T) {
	e := talkEngine(t, "")
	asked := seen{Replies: []string{"share.question"}, State: Done, Sharing: true}
	runTalk(t, e, []talkCase{
		{"person asks first", family(), []Input{tap("P")}, asked, ""},
		{"the menu's person asks first", family(), []Input{tap("20:menu:person")}, asked, ""},
		{"yes opens a shared case", family(), []Input{tap("P"), tap("20:share:yes")},
			seen{Effects: []Effect{ShareAnswered{}, OpenCase{Share: true}}, Replies: []string{"talk.open"}, State: Done, Talk: true, Share: "yes"}, ""},
		{"no opens a case without the answers", family(), []Input{tap("P"), tap("20:share:no")},
			seen{Effects: []Effect{ShareAnswered{}, OpenCase{Share: false}}, Replies: []string{"talk.open"}, State: Done, Talk: true, Share: "no"}, ""},
		{"not now", family(), []Input{tap("P"), tap("20:share:x")},
			seen{Effects: []Effect{ShareAnswered{}}, Replies: []string{"share.cancelled", done}, State: Done}, ""},
		{"asked again after not now", family(), []Input{tap("P"), tap("20:share:x"), tap("P")}, asked, ""},
		{"asked once: yes before", sharedFamily("yes"), []Input{tap("P")},
			seen{Effects: []Effect{OpenCase{Share: true}}, Replies: []string{"talk.open"}, State: Done, Talk: true, Share: "yes"}, ""},
		{"asked once: no before, from the menu", sharedFamily("no"), []Input{tap("20:menu:person")},
			seen{Effects: []Effect{OpenCase{Share: false}}, Replies: []string{"talk.open"}, State: Done, Talk: true, Share: "no"}, ""},
		{"asked once: the second person opens at once", family(), []Input{tap("P"), tap("20:share:no"), tap("T:off"), tap("P")},
			seen{Effects: []Effect{OpenCase{Share: false}}, Replies: []string{"talk.open"}, State: Done, Talk: true, Share: "no"}, ""},
		{"double tap on yes", family(), []Input{tap("P"), tap("20:share:yes"), tap("20:share:yes")},
			seen{Toast: "input.stale", State: Done, Talk: true, Share: "yes"}, ""},
		{"yes without the question", family(), []Input{tap("20:share:yes")},
			seen{Toast: "input.stale", State: Done}, ""},
		{"yes of an earlier question", family(), []Input{tap("P"), tap("19:share:yes")},
			seen{Toast: "input.stale", State: Done, Sharing: true}, ""},
		{"yes of a question never asked", family(), []Input{tap("P"), tap("21:share:yes")},
			seen{Toast: "input.unknown_button", Replies: []string{done}, State: Done, Sharing: true}, ""},
		{"forged choice", family(), []Input{tap("P"), tap("20:share:maybe")},
			seen{Toast: "input.unknown_button", Replies: []string{done}, State: Done, Sharing: true}, ""},
		{"forged empty choice", family(), []Input{tap("P"), tap("20:share")},
			seen{Toast: "input.unknown_button", Replies: []string{done}, State: Done, Sharing: true}, ""},
		// Without consent there are no answers to share: no question.
		{"no consent: welcome", stranger(), []Input{tap("P")},
			seen{Effects: []Effect{OpenCase{}}, Replies: []string{"talk.open"}, State: Welcome, Talk: true}, ""},
		{"no consent: declined", declined(), []Input{tap("P")},
			seen{Effects: []Effect{OpenCase{}}, Replies: []string{"talk.open"}, State: Declined, Talk: true}, ""},
		{"no consent: privacy", feed(t, e, stranger(), tap("1:go"), tap("2:m:0"), tap("3:w:parent")).Conv, []Input{tap("P")},
			seen{Effects: []Effect{OpenCase{}}, Replies: []string{"talk.open"}, State: Privacy, Talk: true}, ""},
	})
}

func TestShareQuestionButtons(t *testing.T) {
	e := talkEngine(t, "")
	res := feed(t, e, family(), tap("P"))
	want := [][]string{{"share.yes=20:share:yes"}, {"share.no=20:share:no"}, {"share.cancel=20:share:x"}}
	if got := grid(only(t, res)); !reflect.DeepEqual(got, want) {
		t.Errorf("share question\n got %v\nwant %v", got, want)
	}
	// The adapter reads a typed button label against Ask: while the
	// question is open, it is the share question.
	if got := grid(e.Ask(res.Conv)); !reflect.DeepEqual(got, want) {
		t.Errorf("Ask while sharing\n got %v\nwant %v", got, want)
	}
	if got := ids(e.Ask(res.Conv)); !reflect.DeepEqual(got, []string{"share.question"}) {
		t.Errorf("Ask while sharing: %v", got)
	}
}

func TestShareQuestionLeftOpen(t *testing.T) {
	// The family asks for a person at the contact question, leaves the
	// share question unanswered and picks "by phone". The phone step's
	// reply keyboard (Back, talk to a person) works only through Ask: the
	// adapter matches the typed label against its buttons.
	e := talkEngine(t, "")
	c := family()
	c.State, c.Profile = ContactChoice, false
	res := feed(t, e, c, tap("P"), tap("20:c:phone"))
	if res.Conv.State != Phone {
		t.Fatalf("state %s, want %s", res.Conv.State, Phone)
	}
	ask := e.Ask(res.Conv)
	if len(ask.Keyboard) == 0 {
		t.Errorf("the unanswered share question hides the phone step from Ask, "+
			"so its reply keyboard's Back and talk-to-a-person are not recognised: Ask gives %v %v", ids(ask), grid(ask))
	}
}

func TestRelay(t *testing.T) {
	e := talkEngine(t, "")
	relayed := func(msg int, share bool) seen {
		s := seen{Effects: []Effect{Relay{Message: msg, Share: share}}, State: Done, Talk: true, Share: "no"}
		if share {
			s.Share = "yes"
		}
		return s
	}
	cases := []talkCase{
		{"text", talkingFamily("yes"), []Input{typed("Hello, can you help us?", 11)}, relayed(11, true), ""},
		{"text, answers not shared", talkingFamily("no"), []Input{typed("Hello", 12)}, relayed(12, false), ""},
		{"own contact", talkingFamily("yes"), []Input{contactOf(true, 13)}, relayed(13, true), ""},
		{"someone else's contact", talkingFamily("yes"), []Input{contactOf(false, 14)}, relayed(14, true), ""},
		// The adapter converts a typed button label only when the family
		// is not talking: while it is, the label is a message.
		{"typed label of the question", talkingFamily("yes"), []Input{typed("Change my answers", 15)}, relayed(15, true), ""},
		{"text and then more text", talkingFamily("yes"), []Input{typed("one", 16), typed("two", 17)}, relayed(17, true), ""},
		{"message 0 is not relayed", talkingFamily("yes"), []Input{typed("Hello", 0)},
			seen{Replies: []string{done}, State: Done, Talk: true, Share: "yes"}, ""},
		{"media 0 is not relayed", talkingFamily("yes"), []Input{sent("photo", 0)},
			seen{Replies: []string{"input.unsupported", done}, State: Done, Talk: true, Share: "yes"}, ""},
		{"other media is not relayed", talkingFamily("yes"), []Input{sent("other", 18)},
			seen{Replies: []string{"input.unsupported", done}, State: Done, Talk: true, Share: "yes"}, ""},
		{"media of no kind is not relayed", talkingFamily("yes"), []Input{sent("", 19)},
			seen{Replies: []string{"input.unsupported", done}, State: Done, Talk: true, Share: "yes"}, ""},
		// An edit while talking goes to the coordinators as it reads now.
		{"edited", talkingFamily("yes"), []Input{edited("Hello, we are four", 20)},
			seen{Effects: []Effect{Relay{Message: 20, Share: true, Edited: true}}, Replies: []string{"talk.edited"}, State: Done, Talk: true, Share: "yes"}, ""},
		{"edited, no text", talkingFamily("no"), []Input{{Kind: KindEdited, Message: 20}},
			seen{Effects: []Effect{Relay{Message: 20, Edited: true}}, Replies: []string{"talk.edited"}, State: Done, Talk: true, Share: "no"}, ""},
		{"edited, not talking", family(), []Input{edited("Hello", 20)},
			seen{Replies: []string{"input.edited"}, State: Done}, ""},
		{"photo with a caption, not talking", family(), []Input{captioned("photo", "Our dog", 20)},
			seen{Replies: []string{"input.unsupported", done}, State: Done}, ""},
		{"text, not talking", family(), []Input{typed("Hello", 21)},
			seen{Replies: []string{done}, State: Done}, ""},
		{"photo, not talking", family(), []Input{sent("photo", 22)},
			seen{Replies: []string{"input.unsupported", done}, State: Done}, ""},
		{"contact, not talking", family(), []Input{contactOf(true, 23)},
			seen{Replies: []string{"phone.not_needed", done}, State: Done}, ""},
		// Sharing the number answers the phone step's question, talking
		// or not.
		{"own contact at the phone step", atPhone(), []Input{contactOf(true, 24)},
			seen{Replies: []string{"phone.thanks", "summary.title summary.body summary.question"}, State: Summary, Talk: true, Share: "yes"}, ""},
		{"someone else's contact at the phone step", atPhone(), []Input{contactOf(false, 25)},
			seen{Replies: []string{"phone.not_own", "phone.question"}, State: Phone, Talk: true, Share: "yes"}, ""},
		{"text at the phone step", atPhone(), []Input{typed("040 123 4567", 26)},
			seen{Effects: []Effect{Relay{Message: 26, Share: true}}, State: Phone, Talk: true, Share: "yes"}, ""},
	}
	for i, m := range []string{"photo", "voice", "audio", "video", "video_note", "document", "location", "venue", "sticker"} {
		cases = append(cases, talkCase{m, talkingFamily("yes"), []Input{sent(m, 30+i)}, relayed(30+i, true), ""})
	}
	runTalk(t, e, cases)
}

func TestTypedLabelWhileSharing(t *testing.T) {
	// The intake's confirm with contact in the chat puts the family in
	// talk mode with the share question open: what it types, the share
	// question's labels too, goes to the coordinators; the buttons answer.
	e := talkEngine(t, "")
	c := talkingFamily("")
	c.Mode.Set(ModeSharing, true)
	if got := ids(e.Ask(c)); !reflect.DeepEqual(got, []string{"share.question"}) {
		t.Errorf("Ask while sharing: %v", got)
	}
	runTalk(t, e, []talkCase{
		{"typed yes", c, []Input{typed("✅ Yes, they may see my answers", 40)},
			seen{Effects: []Effect{Relay{Message: 40}}, State: Done, Talk: true, Sharing: true}, ""},
		{"pressed yes", c, []Input{tap("20:share:yes")},
			seen{Effects: []Effect{ShareAnswered{}, OpenCase{Share: true}}, Replies: []string{"talk.open"}, State: Done, Talk: true, Share: "yes"}, ""},
	})
}

func TestLeaveTalk(t *testing.T) {
	e := talkEngine(t, "")
	talking := talkingFamily("yes")
	left := func(replies ...string) seen { return seen{Replies: replies, State: Done, Share: "yes"} }
	runTalk(t, e, []talkCase{
		{"back to the bot", talking, []Input{tap("T:off")}, left("talk.closed", done), ""},
		{"back to the bot, not talking", sharedFamily("yes"), []Input{tap("T:off")}, left("talk.closed", done), ""},
		{"answer a coordinator", sharedFamily("yes"), []Input{tap("T:on")},
			seen{Replies: []string{"talk.write"}, State: Done, Talk: true, Share: "yes"}, ""},
		{"answer and write", sharedFamily("yes"), []Input{tap("T:on"), typed("Thanks!", 50)},
			seen{Effects: []Effect{Relay{Message: 50, Share: true}}, State: Done, Talk: true, Share: "yes"}, ""},
		{"/menu", talking, []Input{cmd("menu")}, left("menu.title"), ""},
		{"/help", talking, []Input{cmd("help")}, left("usage.text", done), ""},
		{"/start", talking, []Input{cmd("start")}, left("welcome.back", "menu.title"), ""},
		{"/language", talking, []Input{cmd("language")}, left("language.choose"), ""},
		{"/nonsense", talking, []Input{cmd("nonsense")}, left("input.unknown_command", done), ""},
		{"/card", talking, []Input{cmd("card")}, seen{Query: &Query{Kind: QueryCard}, State: Done, Share: "yes"}, ""},
		{"/activities", talking, []Input{cmd("activities")},
			seen{Query: &Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0"}, State: Done, Share: "yes"}, ""},
		{"a question's button", talking, []Input{tap("20:change")},
			seen{Replies: []string{"summary.title summary.body summary.question"}, State: Summary, Share: "yes"}, ""},
		{"a menu button", talking, []Input{tap("20:menu:lang")}, left("language.choose"), ""},
		{"the menu's card", talking, []Input{tap("20:menu:card")}, seen{Query: &Query{Kind: QueryCard}, State: Done, Share: "yes"}, ""},
		{"an activities button", talking, []Input{tap("a:m")}, seen{Query: &Query{Kind: QueryMine, Screen: "a:m"}, State: Done, Share: "yes"}, ""},
		{"an activities button on another message", talking, []Input{tap("A:s:0")},
			seen{Query: &Query{Kind: QuerySuggest, Municipality: "Kuusamo", Screen: "a:s:0", Fresh: true}, State: Done, Share: "yes"}, ""},
		{"a language button", talking, []Input{tap("L:en")}, left(done), ""},
		// A refused press changes nothing: talking goes on.
		{"a stale button", talking, []Input{tap("19:change")}, seen{Toast: "input.stale", State: Done, Talk: true, Share: "yes"}, ""},
	})
}

func TestSafetyWord(t *testing.T) {
	e := talkEngine(t, "")
	urgent := seen{Replies: []string{"talk.urgent talk.emergency talk.crisis"}, Talk: true}
	at := func(state string, share bool, msg int) seen {
		s := urgent
		s.State, s.Effects = state, []Effect{Relay{Message: msg, Share: share, Urgent: true}}
		if share {
			s.Share = "yes"
		}
		return s
	}
	editedAt := func(state string, share bool, msg int) seen {
		s := at(state, share, msg)
		s.Effects = []Effect{Relay{Message: msg, Share: share, Urgent: true, Edited: true}}
		return s
	}
	children := family()
	children.State, children.Profile = Children, false
	paused := children
	paused.Mode.Set(ModePaused, true)
	phone := atPhone()
	phone.Mode.Set(ModeTalking, false)
	phone.Share = ""
	helpText := children
	helpText.State = HelpText
	withSharing := at(Done, false, 67)
	withSharing.Sharing = true
	runTalk(t, e, []talkCase{
		{"done, not talking", family(), []Input{typed("My husband is violent", 60)}, at(Done, false, 60), ""},
		{"talking, answers shared", talkingFamily("yes"), []Input{typed("He hits me", 61)}, at(Done, true, 61), ""},
		{"mid-intake", children, []Input{typed("perheväkivaltaa", 62)}, at(Children, false, 62), ""},
		{"welcome", stranger(), []Input{typed("Я не хочу жити", 63)}, at(Welcome, false, 63), ""},
		{"declined", declined(), []Input{typed("I want to die", 64)}, at(Declined, false, 64), ""},
		{"the phone step", phone, []Input{typed("självmord", 65)}, at(Phone, false, 65), ""},
		{"the help text", helpText, []Input{typed("Someone abused my child", 66)}, at(HelpText, false, 66), ""},
		{"the share question open", sharing(), []Input{typed("I want to kill myself", 67)}, withSharing, ""},
		{"not a safety word", family(), []Input{typed("Violin lessons for kids?", 68)},
			seen{Replies: []string{"kept.offer " + done}, State: Done}, ""},
		// Wherever the family wrote it: a caption, an edit.
		{"a photo's caption", family(), []Input{captioned("photo", "Isä lyö meitä", 72)}, at(Done, false, 72), ""},
		{"a document's caption, mid-intake", children, []Input{captioned("document", "självmord", 73)}, at(Children, false, 73), ""},
		{"a voice message's caption, talking", talkingFamily("yes"), []Input{captioned("voice", "He hits me", 74)}, at(Done, true, 74), ""},
		{"a video's caption, welcome", stranger(), []Input{captioned("video", "Тато б’є мене", 75)}, at(Welcome, false, 75), ""},
		{"an edit that adds one", family(), []Input{typed("Hello", 76), edited("Hello, my husband is violent", 76)}, editedAt(Done, false, 76), ""},
		{"an edit that adds one, talking", talkingFamily("yes"), []Input{edited("He hits me", 77)}, editedAt(Done, true, 77), ""},
		{"an edit that adds one, mid-intake", children, []Input{edited("haluan kuolla", 78)}, editedAt(Children, false, 78), ""},
		{"an edit of a caption", family(), []Input{captioned("photo", "us", 79), edited("us, after he beat me", 79)}, editedAt(Done, false, 79), ""},
		// Decomposed letters (a + U+0308), bidi marks and zero-width
		// characters, as keyboards and copy-paste send them.
		{"decomposed Finnish", family(), []Input{typed("PERHEVA\u0308KIVALTAA", 80)}, at(Done, false, 80), ""},
		{"decomposed Swedish", family(), []Input{typed("o\u0308vergrepp", 81)}, at(Done, false, 81), ""},
		{"decomposed Ukrainian", family(), []Input{typed("думки про суі\u0308цид", 82)}, at(Done, false, 82), ""},
		{"Ukrainian with a modifier apostrophe", family(), []Input{typed("Тато бʹє мене", 83)}, at(Done, false, 83), ""},
		{"English with a bidi mark", family(), []Input{typed("sui\u200ecide", 84)}, at(Done, false, 84), ""},
		{"Finnish with an isolate", family(), []Input{typed("itse\u2066tuho\u2069isia ajatuksia", 85)}, at(Done, false, 85), ""},
	})
	t.Run("resume question open", func(t *testing.T) {
		res := feed(t, e, paused, typed("I want to die", 69))
		want := at(Children, false, 69)
		if got := see(res); !reflect.DeepEqual(got, want) || !res.Conv.Paused() {
			t.Errorf("\n got %s (paused %v)\nwant %s", got, res.Conv.Paused(), want)
		}
	})
	t.Run("texts", func(t *testing.T) {
		r := only(t, feed(t, e, family(), typed("violence", 70)))
		if got := r.Text[2].Data["Lines"]; got != crisis {
			t.Errorf("crisis lines %q, want %q", got, crisis)
		}
	})
	t.Run("no crisis lines", func(t *testing.T) {
		e := New(Config{Municipalities: []string{"Kuusamo", "Kalajoki"}, Safety: polku.DefaultSafetyWords()})
		got := see(feed(t, e, family(), typed("violence", 71)))
		want := at(Done, false, 71)
		want.Replies = []string{"talk.urgent talk.emergency"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
}

func TestAwayOncePerDay(t *testing.T) {
	// Office hours mon–fri 9–16 in Helsinki. 22 November 2026 is a Sunday.
	e := talkEngine(t, "mon-fri 9-16")
	type moment struct {
		name string
		at   time.Time
		in   Input
		// away is when the family is told to expect an answer (the zero
		// time: not told); told is the conversation's Told after.
		away time.Time
		told string
	}
	mon9, tue9, nextMon9 := local(11, 23, 9, 0), local(11, 25, 9, 0), local(11, 30, 9, 0)
	for _, tc := range []struct {
		name    string
		conv    Conversation
		moments []moment
	}{
		{"from the person button", stranger(), []moment{
			{"sunday noon: told with the case", local(11, 22, 12, 0), tap("P"), mon9, "2026-11-22"},
			{"sunday evening: not again", local(11, 22, 19, 0), typed("hello?", 80), time.Time{}, "2026-11-22"},
			{"sunday 23.59", local(11, 22, 23, 59), typed("anyone?", 81), time.Time{}, "2026-11-22"},
			// 00.30 in Helsinki is still Sunday in UTC: a new local day.
			{"monday 0.30", local(11, 23, 0, 30), typed("still here", 82), mon9, "2026-11-23"},
			{"monday 8.59", local(11, 23, 8, 59), typed("morning", 83), time.Time{}, "2026-11-23"},
			{"monday 9.00, open", local(11, 23, 9, 0), typed("good morning", 84), time.Time{}, "2026-11-23"},
			{"monday 15.59, open", local(11, 23, 15, 59), typed("thanks", 85), time.Time{}, "2026-11-23"},
			{"monday 16.00, told today already", local(11, 23, 16, 0), typed("one more", 86), time.Time{}, "2026-11-23"},
			{"friday 16.30: after the weekend", local(11, 27, 16, 30), typed("weekend?", 87), nextMon9, "2026-11-27"},
			{"saturday", local(11, 28, 12, 0), sent("photo", 88), nextMon9, "2026-11-28"},
		}},
		{"within hours", stranger(), []moment{
			{"tuesday 10.00", local(11, 24, 10, 0), tap("P"), time.Time{}, ""},
			{"tuesday 11.00", local(11, 24, 11, 0), typed("hello", 90), time.Time{}, ""},
			{"tuesday 17.00", local(11, 24, 17, 0), typed("hello?", 91), tue9, "2026-11-24"},
		}},
		{"from the share question", family(), []moment{
			{"sunday, the question", local(11, 22, 12, 0), tap("P"), time.Time{}, ""},
			{"sunday, yes", local(11, 22, 12, 1), tap("20:share:yes"), mon9, "2026-11-22"},
			{"sunday, a voice message", local(11, 22, 12, 2), sent("voice", 92), time.Time{}, "2026-11-22"},
		}},
		{"answering a coordinator", sharedFamily("yes"), []moment{
			{"sunday, answer", local(11, 22, 12, 0), tap("T:on"), time.Time{}, ""},
			{"sunday, the answer", local(11, 22, 12, 1), typed("Thank you", 93), mon9, "2026-11-22"},
		}},
		// The answer to a safety word says when a person reads it
		// (TestUrgentAway): the next message does not repeat it today.
		{"told with a safety word", stranger(), []moment{
			{"sunday, urgent", local(11, 22, 12, 0), typed("he hits me", 94), time.Time{}, "2026-11-22"},
			{"sunday, more", local(11, 22, 12, 5), typed("please", 95), time.Time{}, "2026-11-22"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.conv
			for _, m := range tc.moments {
				in := m.in
				in.Now = m.at
				res := feed(t, e, c, in)
				c = res.Conv
				if c.Told != m.told {
					t.Errorf("%s: told %q, want %q", m.name, c.Told, m.told)
				}
				var away *Text
				for _, r := range res.Replies {
					for i, x := range r.Text {
						if strings.HasPrefix(x.ID, "talk.away") {
							away = &r.Text[i]
							if got, want := ids(r)[i:], []string{x.ID, "talk.emergency", "talk.crisis"}; !reflect.DeepEqual(got, want) {
								t.Errorf("%s: away texts %v, want %v", m.name, got, want)
							}
						}
					}
				}
				switch {
				case m.away.IsZero() && away != nil:
					t.Errorf("%s: told %+v", m.name, *away)
				case !m.away.IsZero() && away == nil:
					t.Errorf("%s: not told that the coordinators are away: %q", m.name, see(res).Replies)
				case !m.away.IsZero():
					w, ok := away.Data["When"].(When)
					if away.ID != "talk.away" || !ok || !w.Start.Equal(m.away) || w.Clock || w.Day || !w.End.IsZero() {
						t.Errorf("%s: %+v, want talk.away at %v", m.name, *away, m.away)
					}
				}
				if in.Message != 0 {
					if r, ok := effectOf[Relay](res); !ok || r.Message != in.Message {
						t.Errorf("%s: relay %+v", m.name, res.Effects)
					}
				}
			}
		})
	}
}

func TestUrgentAway(t *testing.T) {
	// The first answer to a safety word says, in the same message, when a
	// person will read it and the crisis lines: never "at once" when
	// nobody is at work.
	e := talkEngine(t, "mon-fri 9-16")
	for _, tc := range []struct {
		name string
		at   time.Time
		want []string
		when time.Time
	}{
		{"sunday", local(11, 22, 21, 0), []string{"talk.urgent_away", "talk.emergency", "talk.crisis"}, local(11, 23, 9, 0)},
		{"friday evening", local(11, 27, 18, 0), []string{"talk.urgent_away", "talk.emergency", "talk.crisis"}, local(11, 30, 9, 0)},
		{"tuesday, open", local(11, 24, 10, 0), []string{"talk.urgent", "talk.emergency", "talk.crisis"}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := typed("he hits me", 96)
			in.Now = tc.at
			r := only(t, feed(t, e, stranger(), in))
			if got := ids(r); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if w, _ := r.Text[0].Data["When"].(When); !w.Start.Equal(tc.when) {
				t.Errorf("when %v, want %v", w.Start, tc.when)
			}
		})
	}
}

func TestAwayWithoutOpening(t *testing.T) {
	// Holidays on every working day of the year ahead: no time to promise.
	h := polku.OfficeHours{Location: helsinki, Holidays: map[string]bool{}}
	h.Week[time.Monday] = []polku.Span{{From: 9 * 60, To: 16 * 60}}
	for d := local(11, 22, 0, 0); d.Before(local(11, 22, 0, 0).AddDate(1, 1, 0)); d = d.AddDate(0, 0, 1) {
		h.Holidays[d.Format("2006-01-02")] = true
	}
	e := New(Config{Municipalities: []string{"Kuusamo"}, Location: helsinki, Hours: h, Safety: polku.DefaultSafetyWords()})
	res := feed(t, e, stranger(), tap("P"))
	if got, want := ids(only(t, res)), []string{"talk.open", "talk.away_unknown", "talk.emergency"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestFeedback(t *testing.T) {
	e := talkEngine(t, "")
	forged := seen{Toast: "input.unknown_button", Replies: []string{done}, State: Done}
	var cases []talkCase
	for _, p := range []string{"F:", "F:5", "F:5:", "F::3", "F:x:3", "F:0:3", "F:-5:3", "F:5:0", "F:5:6", "F:5:-1",
		"F:5:3:1", "F:5:x", "F:5:3.0", "F:99999999999999999999:3", "F:5: 3", "F:5:99999999999999999999"} {
		cases = append(cases, talkCase{"forged " + p, family(), []Input{tap(p)}, forged, ""})
	}
	for _, v := range []struct {
		p           string
		caseID      int64
		score       int
		description string
	}{{"F:5:1", 5, 1, "lowest"}, {"F:5:5", 5, 5, "highest"}, {"F:9007199254740993:3", 9007199254740993, 3, "a big case"}} {
		cases = append(cases, talkCase{v.description, family(), []Input{tap(v.p)},
			seen{Query: &Query{Kind: QueryFeedback, Case: v.caseID, Score: v.score}, State: Done}, ""})
	}
	runTalk(t, e, cases)

	for _, tc := range []struct {
		err  string
		want seen
	}{
		{"", seen{Replies: []string{fmt.Sprintf("~%d feedback.thanks", pressed)}, State: Done}},
		{polku.ECONFLICT, seen{Toast: "feedback.already", State: Done}},
		{polku.ENOTFOUND, seen{Toast: "input.unknown_button", State: Done}},
		{polku.EINTERNAL, seen{Toast: "input.unknown_button", State: Done}},
	} {
		t.Run("found "+tc.err, func(t *testing.T) {
			res := feed(t, e, family(), tap("F:5:3"))
			if got := see(answer(e, res, Found{Err: tc.err}, pressed)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestWellbeingCard(t *testing.T) {
	e := talkEngine(t, "")
	from, until := t0.AddDate(0, 0, -10), t0.AddDate(0, 0, 170)
	seven := 7
	for _, tc := range []struct {
		name string
		card *polku.Card
		want []Text
	}{
		{"none", nil, []Text{T("card.none")}},
		{"valid with visits", &polku.Card{Code: "N7XDRKKR", ValidFrom: from, ValidUntil: until, Visits: 10, Used: 3}, []Text{
			{ID: "card.valid", Data: map[string]any{"Until": When{Start: until, Day: true}}},
			{ID: "card.visits_left", Data: map[string]any{"Count": 7}, Count: &seven},
			T("card.how"),
		}},
		{"valid, unlimited", &polku.Card{Code: "N7XDRKKR", ValidFrom: from, ValidUntil: until}, []Text{
			{ID: "card.valid", Data: map[string]any{"Until": When{Start: until, Day: true}}},
			T("card.how"),
		}},
		{"expired", &polku.Card{Code: "N7XDRKKR", ValidFrom: from, ValidUntil: t0, Visits: 10}, []Text{T("card.expired")}},
		{"revoked", &polku.Card{Code: "N7XDRKKR", ValidFrom: from, ValidUntil: until, Revoked: true}, []Text{T("card.revoked")}},
		{"used up", &polku.Card{Code: "N7XDRKKR", ValidFrom: from, ValidUntil: until, Visits: 2, Used: 2}, []Text{T("card.used_up")}},
		{"not yet", &polku.Card{Code: "N7XDRKKR", ValidFrom: t0.Add(time.Hour), ValidUntil: until}, []Text{
			{ID: "card.not_yet", Data: map[string]any{"From": When{Start: t0.Add(time.Hour), Day: true}}},
		}},
	} {
		for _, ask := range []Input{cmd("card"), tap("20:menu:card")} {
			t.Run(tc.name+" "+ask.Command+ask.Payload, func(t *testing.T) {
				res := feed(t, e, talkingFamily("yes"), ask)
				if want := (&Query{Kind: QueryCard}); !reflect.DeepEqual(res.Query, want) || res.Conv.Talking() || len(res.Replies) > 0 {
					t.Fatalf("query %+v, talk %v, replies %v", res.Query, res.Conv.Talking(), res.Replies)
				}
				r := only(t, answer(e, res, Found{Card: tc.card}, ask.MessageID))
				if !reflect.DeepEqual(r.Text, tc.want) {
					t.Errorf("texts\n got %+v\nwant %+v", r.Text, tc.want)
				}
				if r.Card != tc.card || r.Edit != 0 {
					t.Errorf("card %p edit %d, want %p and a new message", r.Card, r.Edit, tc.card)
				}
				wantRows := [][]string(nil)
				if tc.card == nil {
					wantRows = [][]string{{"button.person=P"}}
				}
				if got := grid(r); !reflect.DeepEqual(got, wantRows) {
					t.Errorf("buttons %v, want %v", got, wantRows)
				}
				if p := flaws(e, res.Conv, []Reply{r}); len(p) > 0 {
					t.Error(strings.Join(p, "\n"))
				}
			})
		}
	}
}

// talkingStranger asked for a person before agreeing to anything.
func talkingStranger() Conversation {
	c := stranger()
	c.Mode.Set(ModeTalking, true)
	return c
}

func TestStartedOnce(t *testing.T) {
	e := talkEngine(t, "")
	start := func(code string) Input { return Input{Kind: KindCommand, Command: "start", Text: code} }
	started := func(res Result) []Started {
		var out []Started
		for _, x := range res.Effects {
			if s, ok := x.(Started); ok {
				out = append(out, s)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		conv     Conversation
		ins      []Input
		want     []Started
		referral string
	}{
		{"a referral link", stranger(), []Input{start("demo-school")}, []Started{{Referral: "demo-school"}}, "demo-school"},
		{"the link again", stranger(), []Input{start("demo-school"), start("demo-school")}, nil, "demo-school"},
		{"then plain /start", stranger(), []Input{start("demo-school"), start("")}, nil, "demo-school"},
		{"then another link", stranger(), []Input{start("demo-school"), start("other-school")}, nil, "demo-school"},
		{"after agreeing", stranger(), []Input{start("demo-school"), tap("1:go"), tap("2:yes"), start("demo-school")}, nil, "demo-school"},
		{"a bad code", stranger(), []Input{start("demo school!")}, nil, ""},
		{"a code too long", stranger(), []Input{start(strings.Repeat("a", 65))}, nil, ""},
		{"plain /start", stranger(), []Input{start("")}, nil, ""},
		{"after saving a profile", family(), []Input{start("demo-school")}, nil, ""},
		{"while talking", talkingStranger(), []Input{start("demo-school")}, []Started{{Referral: "demo-school"}}, "demo-school"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := feed(t, e, tc.conv, tc.ins...)
			if got := started(res); !reflect.DeepEqual(got, tc.want) || res.Conv.Referral != tc.referral {
				t.Errorf("started %+v, referral %q; want %+v, %q", got, res.Conv.Referral, tc.want, tc.referral)
			}
		})
	}
}

func TestConfirmOpensCase(t *testing.T) {
	for _, tc := range []struct {
		name    string
		contact string // the summary's contact button, "" to keep the phone
		share   string // answered before
		want    []Effect
		talk    bool
		asked   bool
	}{
		{"by phone", "", "", []Effect{SaveProfile{}, RequestPerson{Reason: "intake", Contact: polku.ContactPhone}, OpenCase{}}, false, true},
		{"in the chat", "contact.chat", "", []Effect{SaveProfile{}, RequestPerson{Reason: "intake", Contact: polku.ContactChat}, OpenCase{}}, true, true},
		{"in the chat, shared before", "contact.chat", "yes", []Effect{SaveProfile{}, RequestPerson{Reason: "intake", Contact: polku.ContactChat}, OpenCase{Share: true}}, true, false},
		{"in the chat, not shared before", "contact.chat", "no", []Effect{SaveProfile{}, RequestPerson{Reason: "intake", Contact: polku.ContactChat}, OpenCase{}}, true, false},
		{"no contact", "contact.none", "", []Effect{SaveProfile{}}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWalker(t)
			throughIntake(w)
			if tc.contact != "" {
				w.press("summary.edit.contact")
				w.press(tc.contact)
			}
			w.c.Share = tc.share
			res := w.press("summary.confirm")
			var got []Effect
			for _, x := range res.Effects {
				if _, ok := x.(SaveProfile); ok {
					x = SaveProfile{} // the answers are TestWholeIntake's
				}
				got = append(got, x)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("effects\n got %+v\nwant %+v", got, tc.want)
			}
			var replies []string
			for _, r := range res.Replies {
				replies = append(replies, replyIDs(r))
			}
			if asked := strings.Contains(strings.Join(replies, "|"), "share.question"); asked != tc.asked || w.c.Sharing() != tc.asked || w.c.Talking() != tc.talk {
				t.Errorf("replies %q: sharing %v, talk %v; want asked %v, talk %v", replies, w.c.Sharing(), w.c.Talking(), tc.asked, tc.talk)
			}
			if !tc.asked {
				return
			}
			// The question is the thanks' own, not a message of its own
			// between the menu and the suggestions.
			if asked := slices.IndexFunc(replies, func(r string) bool { return strings.Contains(r, "share.question") }); !strings.HasPrefix(replies[asked], "done.thanks") {
				t.Errorf("the share question in %q, not with the thanks", replies[asked])
			}
			// Answered once, the question is not asked again, and the
			// contact saved again asks no coordinator again.
			res = w.press("share.yes")
			if o, ok := effectOf[OpenCase](res); !ok || !o.Share || !w.c.Talking() || w.c.Share != "yes" {
				t.Errorf("share yes: %+v, %+v", res.Effects, w.c)
			}
			w.do(Input{Kind: KindButton, Payload: "T:off"})
			w.press("menu.change")
			res = w.press("summary.confirm")
			if _, ok := effectOf[OpenCase](res); ok || w.c.Sharing() {
				t.Errorf("confirmed again: %+v, sharing %v", res.Effects, w.c.Sharing())
			}
		})
	}
}

// FuzzTalk plays random families: text (safety words too), media,
// contacts, edits, the buttons of talking, feedback and sharing, the
// current question's buttons, commands, and answers to queries, from a
// fresh conversation, at random moments in and out of office hours.
func FuzzTalk(f *testing.F) {
	f.Add([]byte{0, 10, 20, 30, 40}, "hello")
	f.Add([]byte{13, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, "I want to die")
	f.Add([]byte{24, 24, 24, 24, 24, 24, 24, 24, 24, 13, 14, 13, 15}, "")
	f.Add([]byte{21, 22, 23, 19, 20, 17, 18, 25, 26, 27}, "F:1:3")
	f.Fuzz(func(t *testing.T, ops []byte, text string) {
		e := talkEngine(t, "mon-fri 9-16")
		c := e.NewConversation("en", t0)
		now, msg := t0, 0
		do := func(in Input) Result {
			in.Now = now
			res := e.Step(c, in)
			if !e.Valid(res.Conv) {
				t.Fatalf("invalid conversation after %+v: %+v", in, res.Conv)
			}
			if p := talkProblems(in, res); len(p) > 0 {
				t.Fatalf("after %+v:\n%s", in, strings.Join(p, "\n"))
			}
			c = res.Conv
			return res
		}
		for i, op := range ops[:min(len(ops), 64)] {
			now = now.Add(time.Duration(op%11) * 53 * time.Minute)
			msg++
			res := do(fuzzTalkInput(e, c, op, text, msg))
			if res.Query != nil {
				pick := byte(i)
				if i+1 < len(ops) {
					pick = ops[i+1]
				}
				found := fuzzFound(*res.Query, pick)
				switch pick % 4 {
				case 0:
					found.Card = &polku.Card{Code: "N7XDRKKR", ValidUntil: now.Add(time.Hour), Visits: 3, Used: int(pick % 5)}
				case 1:
					found.Card = &polku.Card{Code: "N7XDRKKR", ValidUntil: now.Add(-time.Hour)}
				}
				if res.Query.Kind == QueryFeedback {
					found.Err = []string{"", polku.ECONFLICT, polku.ENOTFOUND, polku.EINTERNAL}[pick%4]
				}
				do(Input{Kind: KindFound, Found: &found, MessageID: pressed})
			}
		}
	})
}

// fuzzTalkInput is the input op stands for, in conversation c.
func fuzzTalkInput(e *Engine, c Conversation, op byte, text string, msg int) Input {
	seq := fmt.Sprint(c.Seq)
	switch op % 32 {
	case 0:
		return typed(text, msg)
	case 1:
		return typed("I want to die", msg)
	case 2:
		return typed("perheväkivalta", msg)
	case 3:
		return typed(text, 0)
	case 4, 5, 6, 7, 8, 9, 10, 11, 12:
		media := []string{"photo", "voice", "video", "document", "location", "sticker", "other", "", "audio"}[op%32-4]
		if op >= 128 {
			msg = 0
		}
		return sent(media, msg)
	case 13:
		return tap("P")
	case 14:
		return tap("T:off")
	case 15:
		return tap("T:on")
	case 16:
		return tap(seq + ":share:" + []string{"yes", "no", "x", text}[op/32%4])
	case 17:
		return tap(fmt.Sprint(c.Seq-1) + ":share:yes")
	case 18:
		return tap("F:" + text)
	case 19:
		return tap(fmt.Sprintf("F:%d:%d", op/32, int(op/64)+int(op%3)))
	case 20:
		return contactOf(op >= 128, msg)
	case 21:
		return edited([]string{text, "I want to die", ""}[op/32%3], msg)
	case 22:
		return tap(text)
	case 23:
		return tap("L:" + []string{"en", "fi", "xx", text}[op/32%4])
	case 24, 25, 26:
		// A button of the question as asked now, as a person would press.
		var bs []Button
		ask := e.Ask(c)
		for _, rows := range [][][]Button{ask.Inline, ask.Keyboard} {
			for _, row := range rows {
				for _, b := range row {
					if b.Payload != "" && b.URL == "" {
						bs = append(bs, b)
					}
				}
			}
		}
		if len(bs) == 0 {
			return tap("P")
		}
		return tap(bs[int(op/32)*7%len(bs)].Payload)
	default:
		name := []string{"start", "menu", "card", "help", "activities"}[op%32-27]
		return Input{Kind: KindCommand, Command: name, Text: text}
	}
}

// TestKept: a text that tells something, typed where a button is
// expected, is not thrown away: one tap sends it to a person. Short
// replies ("ok", "?") only get the question again.
func TestKept(t *testing.T) {
	e := talkEngine(t, "")
	atMunicipality := family()
	atMunicipality.State = Municipality
	hard := "we have had a very hard time, the child does not go to school, I am exhausted, I don't know where to get help"
	offered := func(state string, question string) seen {
		return seen{Replies: []string{"kept.offer " + question}, State: state}
	}
	sent := func(share bool) seen {
		sh := ""
		if share {
			sh = "yes"
		}
		return seen{Effects: []Effect{Relay{Message: 31, Share: share}}, Replies: []string{"~7 kept.sent"}, State: Done, Talk: true, Share: sh}
	}
	runTalk(t, e, []talkCase{
		{"ok at a question", atMunicipality, []Input{typed("ok", 31)},
			seen{Replies: []string{"input.use_buttons", "municipality.question"}, State: Municipality}, ""},
		{"? at a question", atMunicipality, []Input{typed("?", 31)},
			seen{Replies: []string{"input.use_buttons", "municipality.question"}, State: Municipality}, ""},
		{"a hard time at a question", atMunicipality, []Input{typed(hard, 31)}, offered(Municipality, "municipality.question"), ""},
		{"a question after the intake", family(), []Input{typed("Violin lessons for kids?", 31)}, offered(Done, done), ""},
		{"ok after the intake", family(), []Input{typed("ok", 31)}, seen{Replies: []string{done}, State: Done}, ""},
		{"sent", family(), []Input{typed(hard, 31), tap("K:31")}, sent(false), ""},
		{"sent by a family who shares", sharedFamily("yes"), []Input{typed(hard, 31), tap("K:31")}, sent(true), ""},
		{"sent once", sharedFamily("no"), []Input{typed(hard, 31), tap("K:31"), tap("T:off"), tap("K:31")},
			seen{Toast: "kept.gone", State: Done, Share: "no"}, ""},
		{"never kept", family(), []Input{tap("K:31")}, seen{Toast: "kept.gone", State: Done}, ""},
		{"forged", family(), []Input{tap("K:x")}, seen{Toast: "input.unknown_button", Replies: []string{done}, State: Done}, ""},
		{"erased with the family", family(), []Input{typed(hard, 31), cmd("privacy"), tap("20:menu:erase"), tap("20:erase:yes"), tap("K:31")},
			seen{Toast: "kept.gone", State: Welcome}, ""},
		{"back after days, mid-intake", atMunicipality, []Input{{Kind: KindText, Text: hard, Message: 31, Now: t0.Add(72 * time.Hour)}},
			seen{Replies: []string{"kept.offer resume.question"}, State: Municipality}, ""},
		{"without consent", declined(), []Input{typed(hard, 31), tap("K:31")},
			seen{Effects: []Effect{Relay{Message: 31}}, Replies: []string{"~7 kept.sent"}, State: Declined, Talk: true}, ""},
	})
	// The oldest kept messages give way: at most maxKept wait.
	c := family()
	for i := range maxKept + 2 {
		c = e.Step(c, Input{Kind: KindText, Text: hard, Message: 100 + i, Now: t0}).Conv
	}
	if want := []int{102, 103, 104, 105, 106}; !reflect.DeepEqual(c.Kept, want) {
		t.Errorf("kept %v, want %v", c.Kept, want)
	}
}

// Where no coordinators are set up, a talk still opens its case (it waits
// for a group), but the family is told that nobody reads its messages
// here, with the emergency numbers; never that a message was passed on,
// and a typed message is not offered to a person who is not there.
func TestNobodyToTalkTo(t *testing.T) {
	e := New(Config{Municipalities: []string{"Kuusamo"}, NoCoordinators: true, Safety: polku.DefaultSafetyWords()})
	now := t0
	step := func(c Conversation, in Input) Result {
		now = now.Add(time.Second)
		in.Now = now
		return e.Step(c, in)
	}
	res := step(e.NewConversation("en", t0), Input{Kind: KindCommand, Command: "start"})
	welcome := res.Conv
	res = step(welcome, Input{Kind: KindButton, Payload: "P"})
	if _, ok := effectOf[OpenCase](res); !ok || !res.Conv.Talking() || !slices.Equal(replyIDList(res), []string{"talk.none", "talk.emergency"}) {
		t.Errorf("talk to a person: effects %v, talking %v, replies %v", res.Effects, res.Conv.Talking(), replyIDList(res))
	}
	res = step(res.Conv, Input{Kind: KindText, Text: "Isä lyö meitä", Message: 7})
	if got := replyIDList(res); len(got) == 0 || got[0] != "talk.urgent_none" {
		t.Errorf("a safety word: %v", got)
	}
	res = step(res.Conv, Input{Kind: KindEdited, Text: "hei taas", Message: 8})
	if got := replyIDList(res); slices.Contains(got, "talk.edited") {
		t.Errorf("an edit was said to be passed on: %v", got)
	}
	// Every later message is answered: nobody reads it, and where help is.
	for _, in := range []Input{
		{Kind: KindText, Text: "hello?", Message: 10},
		{Kind: KindUnsupported, Media: "sticker", Message: 11},
		{Kind: KindEdited, Text: "hello again", Message: 10},
	} {
		res = step(res.Conv, in)
		if got := replyIDList(res); !slices.Equal(got, []string{"talk.none_again", "talk.emergency"}) {
			t.Errorf("%v in a talk with nobody: %v", in.Kind, got)
		}
	}
	res = step(welcome, Input{Kind: KindText, Text: "we have had a very hard time at home, I need help", Message: 9})
	if got := replyIDList(res); slices.Contains(got, "kept.offer") || len(res.Conv.Kept) != 0 {
		t.Errorf("a typed message was offered to a person: %v", got)
	}
	res = step(welcome, Input{Kind: KindButton, Payload: keptPayload(9)})
	if got := replyIDList(res); slices.Contains(got, "kept.sent") {
		t.Errorf("a kept message was said to be sent: %v", got)
	}
}
