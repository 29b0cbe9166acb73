package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"polku"
)

// The states of the intake.
const (
	Welcome        = "welcome"
	Privacy        = "privacy"
	PrivacyMore    = "privacy_more"
	Declined       = "declined"
	Municipality   = "municipality"
	Children       = "children"
	Interests      = "interests"
	Helps          = "helps"
	HelpText       = "help_text"
	Needs          = "needs"
	Languages      = "languages"
	WellbeingIntro = "wellbeing_intro"
	Wellbeing      = "wellbeing"
	ContactChoice  = "contact"
	Phone          = "phone"
	Summary        = "summary"
	Done           = "done"
)

// Intake is the name of the intake flow.
const Intake = "intake"

// questions are the intake's question states in order; each can be
// changed from the summary.
var questions = []string{Municipality, Children, Interests, Helps, HelpText, Needs, Languages, WellbeingIntro, Wellbeing, ContactChoice, Phone}

// editable are the questions the summary offers to change.
var editable = []string{Municipality, Children, Interests, Helps, HelpText, Needs, Languages, WellbeingIntro, ContactChoice}

// consented are the states reached only after agreeing to the notice.
var consented = append(slices.Clone(questions), Summary, Done)

// intakeEvents declares every transition of the intake. The step engine
// picks the event; the machine refuses any transition not declared here.
var intakeEvents = func() fsm.Events {
	ev := fsm.Events{
		{Name: "begin", Src: []string{Welcome}, Dst: Privacy},
		{Name: "more", Src: []string{Privacy}, Dst: PrivacyMore},
		{Name: "agree", Src: []string{Privacy, PrivacyMore}, Dst: Municipality},
		{Name: "decline", Src: []string{Privacy, PrivacyMore}, Dst: Declined},
		{Name: "reconsider", Src: []string{Declined}, Dst: Privacy},
		{Name: "skip", Src: []string{HelpText}, Dst: Needs},
		{Name: "skip", Src: []string{WellbeingIntro, Wellbeing}, Dst: ContactChoice},
		{Name: "start", Src: []string{WellbeingIntro}, Dst: Wellbeing},
		{Name: "phone", Src: []string{ContactChoice}, Dst: Phone},
		{Name: "confirm", Src: []string{Summary}, Dst: Done},
		{Name: "change", Src: []string{Done}, Dst: Summary},
		{Name: "return", Src: questions, Dst: Summary},
		{Name: "restart", Src: consented, Dst: Municipality},
		{Name: "reset", Src: append(slices.Clone(consented), Welcome, Privacy, PrivacyMore, Declined), Dst: Welcome},
	}
	next := []string{Municipality, Children, Interests, Helps, HelpText, Needs, Languages, WellbeingIntro}
	for i := 0; i+1 < len(next); i++ {
		ev = append(ev, fsm.EventDesc{Name: "next", Src: []string{next[i]}, Dst: next[i+1]})
	}
	ev = append(ev,
		fsm.EventDesc{Name: "next", Src: []string{Wellbeing, WellbeingIntro}, Dst: ContactChoice},
		fsm.EventDesc{Name: "next", Src: []string{ContactChoice, Phone}, Dst: Summary},
	)
	for st, prev := range backOf {
		ev = append(ev, fsm.EventDesc{Name: "back", Src: []string{st}, Dst: prev})
	}
	for _, q := range editable {
		ev = append(ev, fsm.EventDesc{Name: "edit_" + q, Src: []string{Summary}, Dst: q})
	}
	return ev
}()

// backOf is where Back leads from each state.
var backOf = map[string]string{
	Privacy:        Welcome,
	PrivacyMore:    Privacy,
	Declined:       Privacy,
	Municipality:   Privacy,
	Children:       Municipality,
	Interests:      Children,
	Helps:          Interests,
	HelpText:       Helps,
	Needs:          HelpText,
	Languages:      Needs,
	WellbeingIntro: Languages,
	Wellbeing:      WellbeingIntro,
	ContactChoice:  WellbeingIntro,
	Phone:          ContactChoice,
	Summary:        ContactChoice,
}

// States lists every state of the intake.
func States() []string {
	return append([]string{Welcome, Privacy, PrivacyMore, Declined}, append(slices.Clone(questions), Summary, Done)...)
}

// Engine runs the intake for one deployment's configuration.
type Engine struct {
	cfg Config
	// safety are cfg.Safety folded once (see Fold).
	safety polku.SafetyMatcher
}

// New returns an engine. Languages default to Finnish first, and
// ResumeAfter to six hours.
func New(cfg Config) *Engine {
	if len(cfg.Languages) == 0 {
		cfg.Languages = polku.Languages()
	}
	if cfg.ResumeAfter == 0 {
		cfg.ResumeAfter = 6 * time.Hour
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &Engine{cfg: cfg, safety: cfg.Safety.Matcher(Fold)}
}

// Diagram returns the intake as a Mermaid state diagram. The transitions
// possible from nearly every state ("restart" to start over, "reset" after
// erasing) are left out so the path stays readable; DiagramNote says so.
func Diagram() (string, error) {
	var ev fsm.Events
	for _, e := range intakeEvents {
		if e.Name != "restart" && e.Name != "reset" {
			ev = append(ev, e)
		}
	}
	m := fsm.NewFSM(Welcome, ev, nil)
	return fsm.VisualizeForMermaidWithGraphType(m, fsm.StateDiagram)
}

// DiagramNote describes what Diagram leaves out.
const DiagramNote = `Not drawn, because they start from nearly every state: "restart" (start over, from /menu or the resume question) leads to municipality, keeping consent; "reset" (after deleting one's data) leads to welcome. Every question also has "talk to a person", which keeps the state, and the commands /start, /activities, /mine, /card, /settings, /menu, /language, /privacy and /help. After the intake (done), anything the family sends is answered with the menu.`

// NewConversation is the conversation of a chat never seen before.
func (e *Engine) NewConversation(lang string, now time.Time) Conversation {
	if !slices.Contains(e.cfg.Languages, lang) {
		lang = e.cfg.Languages[0]
	}
	return Conversation{Flow: Intake, State: Welcome, Lang: lang, Seq: 1, Updated: now}
}

// Valid reports whether c is a conversation the engine can continue.
func (e *Engine) Valid(c Conversation) bool {
	return c.Flow == Intake && slices.Contains(States(), c.State) &&
		slices.Contains(e.cfg.Languages, c.Lang) && c.Seq > 0 &&
		c.Index >= 0 && c.Index < polku.WellbeingStatements
}

// step is the work of one Step call.
type step struct {
	e   *Engine
	c   Conversation
	in  Input
	res Result
	m   *fsm.FSM
	// keyboardGone is set once this step removed the reply keyboard.
	keyboardGone bool
	// fresh: the pressed activities button opens a new message.
	fresh bool
}

// Step applies one input to a conversation. It never fails: anything it
// does not understand gets a kind answer and leaves the state as it was.
func (e *Engine) Step(c Conversation, in Input) Result {
	if !e.Valid(c) {
		lang := c.Lang
		c = e.NewConversation(lang, in.Now)
	}
	s := &step{e: e, c: c, in: in}
	s.m = fsm.NewFSM(c.State, intakeEvents, nil)
	s.run()
	s.c.State = s.m.Current()
	s.c.Updated = in.Now
	s.res.Conv = s.c
	return s.res
}

// Ask returns the current question of c as it would be asked now; the
// adapter uses it to understand a typed button label.
func (e *Engine) Ask(c Conversation) Reply {
	s := &step{e: e, c: c}
	switch {
	case c.Paused:
		return s.resumeQuestion()
	case c.Sharing:
		return s.shareQuestion()
	case c.State == Done:
		return s.menu()
	}
	return s.ask()
}

func (s *step) run() {
	if s.in.Kind == KindFound {
		s.found()
		return
	}
	if s.talking() {
		return
	}
	if s.idle() {
		return
	}
	if s.askingLang() && (s.in.Kind == KindUnsupported || s.in.Kind == KindEdited || s.in.Kind == KindText && !Telling(s.in.Text)) {
		// Nothing said in a language the person may not read: the
		// choice of language again.
		s.reask()
		return
	}
	switch s.in.Kind {
	case KindCommand:
		s.command()
	case KindButton:
		s.button()
	case KindText:
		s.text()
	case KindContact:
		s.contact()
	case KindEdited:
		s.say(T("input.edited"))
	case KindUnsupported:
		if s.in.Media == "document" {
			// Most often a catalogue file from someone who is not an
			// operator: the sticker answer would puzzle them.
			s.say(T("input.document"))
		} else {
			s.say(T("input.unsupported"))
		}
		s.reask()
	default:
		s.say(T("input.unsupported"))
		s.reask()
	}
}

// askingLang reports whether the welcome asks the language first:
// Telegram's language is none of ours, and none was picked.
func (s *step) askingLang() bool {
	return s.state() == Welcome && s.c.AskLang && !s.c.LangChosen
}

// idle asks a person who comes back after a long pause mid-intake whether
// to continue or start over. A press on a current button needs no asking.
func (s *step) idle() bool {
	if s.in.Kind == KindButton || s.c.Paused || s.c.Updated.IsZero() {
		return false
	}
	if s.in.Kind == KindContact && s.c.State == Phone {
		return false // sharing the number answers the open question
	}
	if s.in.Kind == KindCommand && s.in.Command != "start" {
		return false
	}
	if !slices.Contains(questions, s.c.State) && s.c.State != Summary {
		return false
	}
	if s.in.Now.Sub(s.c.Updated) < s.e.cfg.ResumeAfter {
		return false
	}
	if s.in.Kind == KindText {
		// What the family came back to tell is not lost to the question.
		s.offerKept(T("kept.offer"))
	}
	s.pause()
	return true
}

func (s *step) pause() {
	s.c.Paused = true
	s.send(s.resumeQuestion())
}

// Commands are the commands a family can use, in the order Telegram's
// command menu shows them; /help and the answer to an unknown command list
// them all.
var Commands = []string{"start", "activities", "mine", "card", "settings", "menu", "language", "privacy", "help"}

func (s *step) command() {
	// A command speaks to the bot: talking to a person ends, and typed
	// labels are the bot's questions' again.
	s.c.Talk, s.c.Sharing = false, false
	switch s.in.Command {
	case "start":
		s.setReferral(s.in.Text)
		switch {
		case slices.Contains(questions, s.c.State) || s.c.State == Summary:
			s.pause()
		case s.c.State == Done:
			s.say(T("welcome.back"))
			s.send(s.menu())
		default:
			s.c.Paused = false
			s.reask()
		}
	case "help":
		s.say(T("usage.text"))
		s.reask()
	case "menu":
		s.send(s.menu())
	case "language":
		s.send(s.languagePicker())
	case "privacy":
		s.send(s.privacyInfo())
	case "activities":
		s.suggest(0)
	case "mine":
		s.query(Query{Kind: QueryMine, Screen: "a:m"})
	case "settings":
		s.query(Query{Kind: QueryReminders, Screen: "a:r"})
	case "card":
		s.query(Query{Kind: QueryCard})
	default:
		s.say(T("input.unknown_command"))
		s.reask()
	}
}

// setReferral keeps a professional's referral code from a deep link. Only
// Telegram's start-parameter alphabet is accepted; anything else is a
// self-referral.
func (s *step) setReferral(code string) {
	if code == "" || s.c.Referral != "" || s.c.Profile {
		return
	}
	if len(code) > 64 {
		return
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return
		}
	}
	s.c.Referral = code
	s.effect(Started{Referral: code})
}

func (s *step) button() {
	p := s.in.Payload
	switch {
	case strings.HasPrefix(p, "L:"):
		lang := strings.TrimPrefix(p, "L:")
		if !slices.Contains(s.e.cfg.Languages, lang) {
			s.forged()
			return
		}
		s.c.Lang, s.c.LangChosen = lang, true
		s.c.Talk = false
		s.reask()
		return
	case p == "P":
		s.person()
		return
	case p == "M":
		// The menu from a message that ends a thread: thanks for
		// feedback or for telling whether the family went.
		s.c.Talk, s.c.Sharing = false, false
		s.send(s.menu())
		return
	case strings.HasPrefix(p, "K:"):
		s.sendKept(strings.TrimPrefix(p, "K:"))
		return
	case s.talkButton(p):
		return
	case strings.HasPrefix(p, "a:") || strings.HasPrefix(p, "A:"):
		// Any other button of the bot ends talking to a person.
		s.c.Talk = false
		s.activity(p)
		return
	}
	seq, rest, ok := strings.Cut(p, ":")
	n, err := strconv.Atoi(seq)
	if !ok || err != nil || n <= 0 || n > s.c.Seq {
		s.forged()
		return
	}
	if n != s.c.Seq {
		s.toast(T("input.stale"))
		return
	}
	args := strings.Split(rest, ":")
	action, args := args[0], args[1:]
	if action == "share" {
		s.share(arg(args, 0))
		return
	}
	// Another button of the bot: talking ends, and the share question
	// is left unanswered ("talk to a person" asks it again).
	s.c.Talk, s.c.Sharing = false, false
	switch action {
	case "resume":
		s.resume(arg(args, 0))
		return
	case "menu":
		s.menuChoice(arg(args, 0))
		return
	case "erase":
		s.erase(arg(args, 0))
		return
	case "more":
		if s.c.State != Privacy {
			s.send(Reply{Text: []Text{T("privacy.full")}})
			return
		}
	}
	if s.c.Paused {
		// The resume question is open; a press on the question below it
		// answers that question, so the pause is over.
		s.c.Paused = false
	}
	if !s.answer(action, args) {
		s.forged()
	}
}

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// forged answers a button press we cannot have sent, or one that does not
// fit the question: kindly, and with the question again.
func (s *step) forged() {
	s.toast(T("input.unknown_button"))
	s.reask()
}

// fire moves the machine; an undeclared transition is a bug in the step
// engine, so it is reported as a forged press rather than a broken state.
func (s *step) fire(event string) bool {
	from := s.m.Current()
	err := s.m.Event(context.Background(), event)
	var noTransition fsm.NoTransitionError
	if err != nil && !errors.As(err, &noTransition) {
		return false
	}
	s.left(from)
	s.c.Index = 0
	s.c.Seq++
	s.send(s.ask())
	return true
}

// left keeps the answers whole when a question is left: a wellbeing check
// left backwards, to its introduction, counts as not answered ("skip the
// rest" keeps the statements answered), and the phone step's reply
// keyboard is taken away.
func (s *step) left(from string) {
	now := s.m.Current()
	if from == Wellbeing && now == WellbeingIntro {
		s.c.Answers.Wellbeing = nil
	}
	if from == Phone && now != Phone && !s.keyboardGone {
		s.send(Reply{Text: []Text{T("phone.closed")}, RemoveKeyboard: true})
		s.keyboardGone = true
	}
}

// advance goes to the next question, or back to the summary when the
// question was opened from there.
func (s *step) advance(event string) bool {
	if s.c.Editing && s.m.Can("return") {
		s.c.Editing = false
		return s.fire("return")
	}
	return s.fire(event)
}

func (s *step) back() bool {
	if s.m.Current() == Wellbeing && s.c.Index > 0 {
		s.c.Index--
		s.c.Seq++
		s.send(s.ask())
		return true
	}
	// From the first statement Back leads to the check's introduction,
	// even when the check was opened from the summary.
	if s.c.Editing && s.m.Can("return") && s.m.Current() != Wellbeing {
		s.c.Editing = false
		return s.fire("return")
	}
	return s.fire("back")
}

// answer handles a current button of the current state.
func (s *step) answer(action string, args []string) bool {
	st := s.m.Current()
	if action == "b" {
		return s.back()
	}
	a := &s.c.Answers
	switch st {
	case Welcome:
		return action == "go" && s.fire("begin")
	case Privacy, PrivacyMore:
		switch action {
		case "more":
			return s.fire("more")
		case "yes":
			s.agree()
			if s.c.Profile {
				return s.fire("restart")
			}
			return s.fire("agree")
		case "no":
			if s.c.Profile {
				// Declining now would delete saved answers: ask first.
				s.c.Erasing = true
				s.send(Reply{Text: []Text{T("erase.on_decline"), T("erase.list")}, Inline: [][]Button{
					{s.btn("erase.yes", "erase", "yes")},
					{s.btn("erase.no", "erase", "no")},
				}})
				return true
			}
			// Declining keeps nothing personal: not even a draft, nor
			// the permission to show the answers to the coordinators.
			s.c.Consent, s.c.Answers, s.c.Profile, s.c.Referral = "", polku.Answers{}, false, ""
			s.c.Share, s.c.Sharing = "", false
			s.effect(RecordConsent{Version: polku.PrivacyNoticeVersion, Agreed: false})
			return s.fire("decline")
		}
	case Declined:
		return action == "again" && s.fire("reconsider")
	case Municipality:
		i, err := strconv.Atoi(arg(args, 0))
		if action != "m" || err != nil || i < 0 || i > len(s.e.cfg.Municipalities) {
			return false
		}
		a.Municipality = "other"
		if i < len(s.e.cfg.Municipalities) {
			a.Municipality = s.e.cfg.Municipalities[i]
		}
		return s.advance("next")
	case Children:
		return s.children(action, args)
	case Interests:
		return multi(s, action, args, &a.Interests, polku.Interests)
	case Helps:
		return multi(s, action, args, &a.Helps, polku.Helps)
	case Needs:
		return multi(s, action, args, &a.Needs, polku.Needs)
	case Languages:
		return multi(s, action, args, &a.Languages, polku.Spoken)
	case HelpText:
		if action == "skip" {
			a.HelpText = ""
			return s.advance("next")
		}
	case WellbeingIntro:
		switch action {
		case "start":
			a.Wellbeing = nil
			return s.fire("start")
		case "skip":
			a.Wellbeing = nil
			return s.advance("skip")
		}
	case Wellbeing:
		return s.wellbeing(action, args)
	case ContactChoice:
		if action != "c" {
			return false
		}
		switch c := polku.Contact(arg(args, 0)); c {
		case polku.ContactChat, polku.ContactNone:
			a.Contact, a.Phone = c, ""
			return s.advance("next")
		case polku.ContactPhone:
			a.Contact = c
			s.c.Editing = false
			return s.fire("phone")
		}
	case Summary:
		switch {
		case action == "ok":
			if a.Validate() != nil {
				return false
			}
			s.c.Profile = true
			s.effect(SaveProfile{Answers: *a, Referral: s.c.Referral})
			// A coordinator is asked again only when the way to reach the
			// family changed, not on every re-save.
			contact := false
			if saved := string(a.Contact) + "/" + a.Phone; saved != s.c.Saved {
				s.c.Saved = saved
				if a.Contact != polku.ContactNone {
					s.effect(RequestPerson{Reason: "intake", Contact: a.Contact})
					contact = true
				}
			}
			if !s.fire("confirm") {
				return false
			}
			// The contact choice hands the family to a person at once;
			// whether they may see the answers is asked once.
			if contact {
				s.effect(OpenCase{Share: s.c.Share == "yes"})
				s.c.Talk = a.Contact == polku.ContactChat
				if s.c.Share == "" {
					// Asked in the thanks, as its one set of buttons: not
					// a question lost between the menu and the
					// suggestions. Until it is answered, the case's
					// summary says it waits for the family's answer.
					s.c.Sharing = true
					q := s.shareQuestion()
					if n := len(s.res.Replies); n > 0 && s.res.Replies[n-1].Edit == 0 {
						thanks := &s.res.Replies[n-1]
						thanks.Text, thanks.Inline = append(thanks.Text, q.Text...), q.Inline
					} else {
						s.send(q)
					}
				}
			}
			// The first suggestions follow the thanks at once.
			if slices.Contains(s.e.cfg.Municipalities, a.Municipality) {
				s.query(Query{Kind: QuerySuggest, Municipality: a.Municipality, Screen: "a:s:0", Fresh: true})
			}
			return true
		case action == "e" && slices.Contains(editable, arg(args, 0)):
			s.c.Editing = true
			return s.fire("edit_" + arg(args, 0))
		}
	case Done:
		return action == "change" && s.fire("change")
	}
	return false
}

func (s *step) children(action string, args []string) bool {
	a := &s.c.Answers
	switch action {
	case "done":
		if a.ChildCount() == 0 {
			s.toast(T("children.none"))
			return true
		}
		return s.advance("next")
	case "k":
		band := polku.AgeBand(arg(args, 0))
		if !slices.Contains(polku.AgeBands, band) {
			return false
		}
		if a.Children == nil {
			a.Children = map[polku.AgeBand]int{}
		}
		switch arg(args, 1) {
		case "+":
			if a.Children[band] >= polku.MaxChildrenPerBand {
				s.toast(T("children.max"))
				return true
			}
			a.Children[band]++
		case "-":
			if a.Children[band] == 0 {
				return true
			}
			a.Children[band]--
		case "=":
			s.toast(T("children.hint"))
			return true
		default:
			return false
		}
		if a.Children[band] == 0 {
			delete(a.Children, band)
		}
		s.redraw()
		return true
	}
	return false
}

// multi toggles one option of a multi-select question, or finishes it.
func multi[V ~string](s *step, action string, args []string, list *[]V, options []V) bool {
	switch action {
	case "done":
		return s.advance("next")
	case "t":
		v := V(arg(args, 0))
		if !slices.Contains(options, v) {
			return false
		}
		if i := slices.Index(*list, v); i >= 0 {
			*list = slices.Delete(*list, i, i+1)
		} else {
			*list = append(*list, v)
		}
		s.redraw()
		return true
	}
	return false
}

func (s *step) wellbeing(action string, args []string) bool {
	a := &s.c.Answers
	switch action {
	case "skip":
		// The rest is skipped: the statements before this one stay
		// answered.
		a.Wellbeing = a.Wellbeing[:min(s.c.Index, len(a.Wellbeing))]
		if len(a.Wellbeing) == 0 {
			a.Wellbeing = nil
		}
		return s.advance("skip")
	case "w":
		v, err := strconv.Atoi(arg(args, 0))
		if err != nil || v < 1 || v > 5 {
			return false
		}
		if len(a.Wellbeing) < s.c.Index {
			s.c.Index = len(a.Wellbeing)
		}
		a.Wellbeing = append(a.Wellbeing[:s.c.Index:s.c.Index], v)
		if s.c.Index+1 < polku.WellbeingStatements {
			s.c.Index++
			s.c.Seq++
			s.send(s.ask())
			return true
		}
		return s.advance("next")
	}
	return false
}

// redraw edits the pressed message to show the new selection.
func (s *step) redraw() {
	r := s.ask()
	// A typed label has no message to edit: the question comes anew.
	r.Edit = s.in.MessageID
	s.send(r)
}

func (s *step) resume(choice string) {
	if !s.c.Paused {
		s.toast(T("input.stale"))
		return
	}
	s.c.Paused = false
	switch choice {
	case "cont":
		s.reask()
	case "over":
		s.startOver()
	default:
		s.forged()
	}
}

// agree records that the family agreed to the current privacy notice,
// once per version.
func (s *step) agree() {
	if s.c.Consent != polku.PrivacyNoticeVersion {
		s.effect(RecordConsent{Version: polku.PrivacyNoticeVersion, Agreed: true, Referral: s.c.Referral})
		s.c.Consent = polku.PrivacyNoticeVersion
	}
}

// startOver clears the answers and begins again, keeping consent.
func (s *step) startOver() {
	s.c.Answers = polku.Answers{}
	s.c.Editing = false
	if s.c.Consent != "" && s.m.Can("restart") {
		s.fire("restart")
		return
	}
	s.fire("reset")
}

func (s *step) menuChoice(choice string) {
	switch choice {
	case "cont":
		s.c.Paused = false
		s.reask()
	case "over":
		s.c.Paused = false
		s.startOver()
	case "change":
		if s.m.Current() == Done {
			s.fire("change")
			return
		}
		s.reask()
	case "person":
		s.person()
	case "card":
		s.query(Query{Kind: QueryCard})
	case "lang":
		s.send(s.languagePicker())
	case "privacy":
		s.send(s.privacyInfo())
	case "show":
		if !s.c.Profile {
			s.say(T("privacy.nothing"))
			return
		}
		s.send(Reply{Text: []Text{T("privacy.yours"), s.summary()}, Inline: [][]Button{{s.btn("menu.continue", "menu", "cont")}}})
	case "export":
		s.effect(Export{})
	case "erase":
		s.c.Erasing = true
		s.send(Reply{Text: []Text{T("erase.confirm"), T("erase.list")}, Inline: [][]Button{
			{s.btn("erase.yes", "erase", "yes")},
			{s.btn("erase.no", "erase", "no")},
		}})
	default:
		s.forged()
	}
}

func (s *step) erase(choice string) {
	if !s.c.Erasing {
		s.toast(T("input.stale"))
		return
	}
	s.c.Erasing = false
	if choice != "yes" {
		s.say(T("erase.kept"))
		s.reask()
		return
	}
	s.effect(Erase{})
	from := s.m.Current()
	lang, chosen, seq := s.c.Lang, s.c.LangChosen, s.c.Seq
	s.c = s.e.NewConversation(lang, s.in.Now)
	// Buttons from before the erase must stay stale.
	s.c.LangChosen, s.c.Seq = chosen, seq+1
	s.m.SetState(Welcome)
	s.left(from)
	s.say(T("erase.done"))
	s.reask()
}

func (s *step) text() {
	if s.c.Paused {
		if !s.offerKept(T("kept.offer")) {
			s.say(T("input.use_buttons"))
		}
		s.send(s.resumeQuestion())
		return
	}
	if s.m.Current() == HelpText {
		// Kept clean: nothing invisible, no line breaks (see Clean).
		t := Clean(s.in.Text)
		if n := utf8.RuneCountInString(t); n > polku.MaxFreeText {
			data := map[string]any{"Max": polku.MaxFreeText, "Length": n}
			if !s.offerKept(Text{ID: "help_text.too_long_send", Data: data}) {
				s.say(Text{ID: "help_text.too_long", Data: data})
			}
			s.reask()
			return
		}
		if t == "" {
			s.reask()
			return
		}
		s.c.Answers.HelpText = t
		s.advance("next")
		return
	}
	if s.m.Current() == Phone {
		s.say(T("phone.typed"))
		s.reask()
		return
	}
	switch {
	case s.offerKept(T("kept.offer")):
	case s.m.Current() == Done:
		// No question is open: the menu is the answer.
	case utf8.RuneCountInString(s.in.Text) > polku.MaxFreeText:
		s.say(T("input.long_text"))
	default:
		s.say(T("input.use_buttons"))
	}
	s.reask()
}

// maxKept is how many typed messages wait for "Send this to a person".
const maxKept = 5

// offerKept answers a text typed where a button was expected, when it
// tells something (see Telling), with say and one tap that sends the
// message to a person, instead of throwing it away. It reports whether it
// did.
func (s *step) offerKept(say Text) bool {
	if s.in.Message == 0 || !Telling(s.in.Text) {
		return false
	}
	s.c.Kept = append(s.c.Kept, s.in.Message)
	if len(s.c.Kept) > maxKept {
		s.c.Kept = slices.Delete(s.c.Kept, 0, len(s.c.Kept)-maxKept)
	}
	s.send(Reply{Text: []Text{say}, Inline: [][]Button{{{Label: T("kept.send"), Payload: "K:" + strconv.Itoa(s.in.Message)}}}})
	return true
}

// sendKept is "Send this to a person" under a kept message: like "talk
// to a person", the case is opened (or used) and the chat talks to the
// coordinators, and the message goes to them. One tap: whether they may
// see the answers is asked when the family taps "talk to a person".
func (s *step) sendKept(arg string) {
	n, err := strconv.Atoi(arg)
	if err != nil || n <= 0 {
		s.forged()
		return
	}
	i := slices.Index(s.c.Kept, n)
	if i < 0 {
		// Sent already, or erased with the family's data.
		s.toast(T("kept.gone"))
		return
	}
	s.c.Kept = slices.Delete(s.c.Kept, i, i+1)
	s.c.Talk = true
	s.effect(Relay{Message: n, Share: s.c.Share == "yes"})
	t := s.down()
	if t == nil {
		t = append([]Text{T("kept.sent")}, s.away()...)
	}
	s.send(Reply{Edit: s.in.MessageID, Text: t, Inline: s.talkButtons()})
}

func (s *step) contact() {
	if s.m.Current() != Phone {
		s.say(T("phone.not_needed"))
		s.reask()
		return
	}
	if !s.in.OwnContact || s.in.Phone == "" {
		s.say(T("phone.not_own"))
		s.reask()
		return
	}
	s.c.Answers.Phone = s.in.Phone
	s.c.Editing = false
	s.send(Reply{Text: []Text{T("phone.thanks")}, RemoveKeyboard: true})
	s.keyboardGone = true
	s.fire("next")
}

// effect records an effect for the adapter.
func (s *step) effect(e Effect) { s.res.Effects = append(s.res.Effects, e) }

func (s *step) send(r Reply) { s.res.Replies = append(s.res.Replies, r) }

func (s *step) say(t Text) { s.send(Reply{Text: []Text{t}}) }

func (s *step) toast(t Text) { s.res.Toast = &t }

// reask sends the current question again as a new message. After the
// intake there is no question: the menu answers. The thanks for saving,
// with its promise of a call, is said once, when the answers are saved:
// days later, after the case was closed, it no longer holds.
func (s *step) reask() {
	switch {
	case s.c.Paused:
		s.send(s.resumeQuestion())
	case s.state() == Done:
		s.send(s.menu())
	default:
		s.send(s.ask())
	}
}

// pay builds the callback data of a current button: the question's
// sequence number, the action and its arguments. It stays far below
// Telegram's 64 bytes.
func (s *step) pay(action string, args ...string) string {
	return strconv.Itoa(s.c.Seq) + ":" + strings.Join(append([]string{action}, args...), ":")
}

func (s *step) btn(label, action string, args ...string) Button {
	return Button{Label: T(label), Payload: s.pay(action, args...)}
}

// footer is the row every question has: Back and talk to a person.
func (s *step) footer(back bool) []Button {
	row := []Button{}
	if back {
		row = append(row, s.btn("button.back", "b"))
	}
	return append(row, Button{Label: T("button.person"), Payload: "P"})
}

func (s *step) languagePicker() Reply {
	return Reply{Text: []Text{T("language.choose")}, Inline: s.languageRows()}
}

func (s *step) languageRows() [][]Button {
	var rows [][]Button
	var row []Button
	for _, l := range s.e.cfg.Languages {
		row = append(row, Button{Label: T("language.self." + l), Payload: "L:" + l})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	return rows
}

func (s *step) resumeQuestion() Reply {
	return Reply{
		Text: []Text{{ID: "resume.question", Data: map[string]any{"Step": T("step." + s.c.State)}}},
		Inline: [][]Button{
			{s.btn("resume.continue", "resume", "cont")},
			{s.btn("resume.over", "resume", "over")},
			s.footer(false),
		},
	}
}

func (s *step) menu() Reply {
	var rows [][]Button
	switch s.state() {
	case Done:
		rows = append(rows, []Button{s.btn("menu.change", "menu", "change")})
	case Welcome, Privacy, PrivacyMore, Declined:
		rows = append(rows, []Button{s.btn("menu.continue", "menu", "cont")})
	default:
		rows = append(rows,
			[]Button{s.btn("menu.continue", "menu", "cont")},
			[]Button{s.btn("menu.over", "menu", "over")})
	}
	rows = append(rows,
		[]Button{{Label: T("menu.activities"), Payload: "A:s:0"}, {Label: T("menu.mine"), Payload: "A:m"}},
		[]Button{s.btn("menu.card", "menu", "card"), s.btn("menu.person", "menu", "person")},
		[]Button{s.btn("menu.language", "menu", "lang"), s.btn("menu.privacy", "menu", "privacy")})
	return Reply{Text: []Text{T("menu.title")}, Inline: rows}
}

func (s *step) privacyInfo() Reply {
	status := T("privacy.status_none")
	if s.c.Consent != "" {
		status = Text{ID: "privacy.status_agreed", Data: map[string]any{"Version": s.c.Consent}}
	}
	rows := [][]Button{{s.btn("privacy.more", "more")}}
	if s.c.Profile {
		rows = append(rows, []Button{s.btn("privacy.show", "menu", "show")})
	}
	// Always: a family that never agreed is told kindly that nothing is
	// kept about it.
	rows = append(rows, []Button{s.btn("export.button", "menu", "export")})
	if s.c.Consent != "" || s.c.Profile {
		rows = append(rows, []Button{s.btn("privacy.erase", "menu", "erase")})
	}
	rows = append(rows, []Button{s.btn("menu.continue", "menu", "cont")})
	return Reply{Text: []Text{T("privacy.info"), status}, Inline: rows}
}

// state is the current state: the machine's during a step.
func (s *step) state() string {
	if s.m != nil {
		return s.m.Current()
	}
	return s.c.State
}

// ask renders the question of the current state.
func (s *step) ask() Reply {
	a := s.c.Answers
	switch s.state() {
	case Welcome:
		if s.askingLang() {
			// "Talk to a person" too is in every language.
			person := []Button{{Label: T("language.first_person"), Payload: "P"}}
			return Reply{Text: []Text{T("language.first")}, Inline: append(s.languageRows(), person)}
		}
		rows := [][]Button{{s.btn("welcome.go", "go")}}
		rows = append(rows, s.languageRows()...)
		return Reply{Text: []Text{T("welcome.text")}, Inline: append(rows, s.footer(false))}
	case Privacy:
		return Reply{Text: []Text{T("privacy.summary"), T("privacy.question")}, Inline: [][]Button{
			{s.btn("privacy.yes", "yes")},
			{s.btn("privacy.more", "more"), s.btn("privacy.no", "no")},
			s.footer(true),
		}}
	case PrivacyMore:
		return Reply{Text: []Text{T("privacy.full"), T("privacy.question")}, Inline: [][]Button{
			{s.btn("privacy.yes", "yes"), s.btn("privacy.no", "no")},
			s.footer(true),
		}}
	case Declined:
		return Reply{Text: []Text{T("declined.text")}, Inline: [][]Button{
			{{Label: T("button.person"), Payload: "P"}},
			// Browsing needs no consent: nothing about the family is kept.
			{{Label: T("menu.activities"), Payload: "A:s:0"}},
			{s.btn("declined.again", "again")},
		}}
	case Municipality:
		var rows [][]Button
		for i, m := range s.e.cfg.Municipalities {
			rows = append(rows, []Button{{Label: Text{ID: "municipality.name", Data: map[string]any{"Name": m}}, Payload: s.pay("m", strconv.Itoa(i))}})
		}
		rows = append(rows, []Button{s.btn("municipality.other", "m", strconv.Itoa(len(s.e.cfg.Municipalities)))})
		return s.question("municipality.question", rows)
	case Children:
		var rows [][]Button
		for _, b := range polku.AgeBands {
			n := a.Children[b]
			short := map[string]any{"Band": strings.Replace(string(b), "-", "–", 1)}
			rows = append(rows, []Button{
				{Label: Text{ID: "button.minus", Data: short}, Payload: s.pay("k", string(b), "-")},
				{Label: Text{ID: "children.band", Data: map[string]any{"Band": T("age." + string(b)), "Count": n}}, Payload: s.pay("k", string(b), "=")},
				{Label: Text{ID: "button.plus", Data: short}, Payload: s.pay("k", string(b), "+")},
			})
		}
		rows = append(rows, []Button{s.btn("button.done", "done")})
		return s.question("children.question", rows)
	case Interests:
		return s.question("interests.question", checkRows(s, a.Interests, polku.Interests, "interest."))
	case Helps:
		return s.question("helps.question", checkRows(s, a.Helps, polku.Helps, "help."))
	case HelpText:
		return s.question("help_text.question", [][]Button{{s.btn("button.skip", "skip")}})
	case Needs:
		return s.question("needs.question", checkRows(s, a.Needs, polku.Needs, "need."))
	case Languages:
		return s.question("languages.question", checkRows(s, a.Languages, polku.Spoken, "spoken."))
	case WellbeingIntro:
		return s.question("wellbeing.intro", [][]Button{
			{s.btn("wellbeing.start", "start")},
			{s.btn("button.skip", "skip")},
		})
	case Wellbeing:
		row := make([]Button, 5)
		for v := 1; v <= 5; v++ {
			row[v-1] = Button{Label: Text{ID: "wellbeing.value", Data: map[string]any{"Value": v}}, Payload: s.pay("w", strconv.Itoa(v))}
		}
		return Reply{Text: []Text{{ID: "wellbeing.statement", Data: map[string]any{
			"N": s.c.Index + 1, "Of": polku.WellbeingStatements, "Statement": T(fmt.Sprintf("wellbeing.s%d", s.c.Index+1)),
		}}, T("wellbeing.scale")}, Inline: [][]Button{row, {s.btn("wellbeing.skip_rest", "skip")}, s.footer(true)}}
	case ContactChoice:
		return s.question("contact.question", [][]Button{
			{s.btn("contact.chat", "c", string(polku.ContactChat))},
			{s.btn("contact.phone", "c", string(polku.ContactPhone))},
			{s.btn("contact.none", "c", string(polku.ContactNone))},
		})
	case Phone:
		return Reply{Text: []Text{T("phone.question")}, Keyboard: [][]Button{
			{{Label: T("phone.share"), Contact: true}},
			{{Label: T("button.back"), Payload: s.pay("b")}},
			{{Label: T("button.person"), Payload: "P"}},
		}}
	case Summary:
		rows := [][]Button{{s.btn("summary.confirm", "ok")}}
		var row []Button
		for _, q := range editable {
			row = append(row, s.btn("summary.edit."+q, "e", q))
			if len(row) == 2 {
				rows = append(rows, row)
				row = nil
			}
		}
		if row != nil {
			rows = append(rows, row)
		}
		return Reply{Text: []Text{T("summary.title"), s.summary(), T("summary.question")}, Inline: append(rows, s.footer(true))}
	case Done:
		t := []Text{T("done.thanks")}
		switch a.Contact {
		case polku.ContactChat:
			t = append(t, T("done.contact_chat"))
		case polku.ContactPhone:
			t = append(t, T("done.contact_phone"))
		}
		t = append(t, T("done.next"))
		return Reply{Text: t, Inline: [][]Button{
			{{Label: T("menu.activities"), Payload: "A:s:0"}},
			{s.btn("done.change", "change")}, s.footer(false)}}
	}
	return Reply{Text: []Text{T("input.unknown_button")}}
}

// question is a question with its answer rows, then Back and "talk to a
// person".
func (s *step) question(id string, rows [][]Button) Reply {
	return Reply{Text: []Text{T(id)}, Inline: append(rows, s.footer(true))}
}

// checkRows lays out a multi-select: two options a row, the chosen ones
// marked, then Done.
func checkRows[V ~string](s *step, chosen, options []V, prefix string) [][]Button {
	var rows [][]Button
	var row []Button
	for _, o := range options {
		label := T(prefix + string(o))
		if slices.Contains(chosen, o) {
			label = Text{ID: "choice.on", Data: map[string]any{"Label": label}}
		}
		row = append(row, Button{Label: label, Payload: s.pay("t", string(o))})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	return append(rows, []Button{s.btn("button.done", "done")})
}

// summary is the answers as one text, each line a localized piece.
func (s *step) summary() Text { return AnswersText(s.c.Answers) }

// AnswersText is a family's answers as one text, each line a localized piece:
// what the family confirms, and what coordinators see when the family
// agreed to share it.
func AnswersText(a polku.Answers) Text {
	none := T("summary.none")
	list := func(items []Text) any {
		if len(items) == 0 {
			return none
		}
		return items
	}
	var kids []Text
	for _, b := range polku.AgeBands {
		if n := a.Children[b]; n > 0 {
			kids = append(kids, Text{ID: "summary.children_band", Data: map[string]any{"Band": T("age." + string(b)), "Count": n}, Count: &n})
		}
	}
	municipality := any(a.Municipality)
	if a.Municipality == "other" {
		municipality = T("municipality.other")
	}
	// The family's own words are shown quoted on one line, cleaned again
	// (answers stored before they were cleaned on the way in), so that
	// nothing they wrote can pass for a line of the bot's: the summary
	// is what the coordinators trust.
	helpText := any(none)
	if w := Quotable(a.HelpText, polku.MaxFreeText); w != "" {
		helpText = Text{ID: "summary.words", Data: map[string]any{"Words": w}}
	}
	wellbeing := T("summary.wellbeing_skipped")
	switch n := len(a.Wellbeing); {
	case n >= polku.WellbeingStatements:
		wellbeing = T("summary.wellbeing_done")
	case n > 0:
		wellbeing = Text{ID: "summary.wellbeing_part", Data: map[string]any{"N": n, "Of": polku.WellbeingStatements}}
	}
	contact := any(none)
	if a.Contact != "" {
		contact = T("contact." + string(a.Contact))
	}
	if a.Contact == polku.ContactPhone && a.Phone != "" {
		contact = Text{ID: "summary.phone", Data: map[string]any{"Phone": Clean(a.Phone)}}
	}
	return Text{ID: "summary.body", Data: map[string]any{
		"Municipality": municipality,
		"Children":     list(kids),
		"Interests":    list(labels(a.Interests, "interest.")),
		"Helps":        list(labels(a.Helps, "help.")),
		"HelpText":     helpText,
		"Needs":        list(labels(a.Needs, "need.")),
		"Languages":    list(languageNames(a.Languages)),
		"Wellbeing":    wellbeing,
		"Contact":      contact,
	}}
}

// languageNames are the plain names of languages in the reader's
// language ("Ukrainian", not "українська"), for the answers read back; the
// question's buttons show each in its own.
func languageNames(langs []string) []Text {
	var out []Text
	for _, l := range langs {
		if l == "other" {
			out = append(out, T("spoken.other"))
			continue
		}
		out = append(out, T("language.name."+l))
	}
	return out
}

func labels[V ~string](vs []V, prefix string) []Text {
	var out []Text
	for _, v := range vs {
		out = append(out, T(prefix+string(v)))
	}
	return out
}
