package flows

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/looplab/fsm"

	"polku"
)

// The step engine: the Engine a deployment builds once, and the work of
// one Step: the state machine moved (fire, advance, back), replies, toasts
// and effects collected, the question asked again.

// Result is what one step produced.
type Result struct {
	Conv    Conversation
	Replies []Reply
	Effects []Effect
	// Toast is a short notice for the person: shown on the pressed button
	// (answerCallbackQuery) or, for typed input, as a message.
	Toast *Text
	// Query asks the adapter for data the next step needs; it answers
	// with an input of KindFound in the same transaction.
	Query *Query
}

// Config is what a deployment decides about the flows.
type Config struct {
	// Service is the service's municipalities (in regions, when it has
	// many), each with its own settings. When it has none, New makes a
	// simple one of Municipalities, Hours and Crisis.
	Service polku.Service
	// Municipalities offered in the intake; "other" is always added. New
	// sets it from Service.
	Municipalities []string
	// Languages the bot speaks, default first (BCP 47 base codes).
	Languages []string
	// ResumeAfter is the pause after which a returning person is asked
	// whether to continue or start over.
	ResumeAfter time.Duration
	// Location is the deployment's time zone (weeks of browsing); UTC
	// when nil.
	Location *time.Location
	// NoCoordinators says that no coordinators' group is set up: a talk
	// with a person still opens its case (it waits for a group), but the
	// family is told that nobody reads its messages here, never that
	// they were passed on.
	NoCoordinators bool
	// Hours are the coordinators' office hours; outside them a family
	// who talks to a person is told when to expect an answer.
	Hours polku.OfficeHours
	// Safety are the words that make a message urgent.
	Safety polku.SafetyWords
	// Crisis are the crisis lines told with the emergency number, as
	// written in the configuration ("Name 0800 123 456").
	Crisis []string
	// Wellbeing is the instrument of the intake's wellbeing check. The
	// zero value is Polku's own statements (what the intake asked before
	// instruments could be chosen); main always sets it from
	// POLKU_WELLBEING, whose default is WHO-5.
	Wellbeing polku.Instrument
	// Notice is the privacy notice's texts in every language the bot
	// speaks (the messages NoticeIDs, as the adapter's locales hold
	// them): with the controller a family's municipality names, they make
	// the notice's version (polku.NoticeVersion).
	Notice string
	// FollowUpWeeks is how many weeks after the baseline the first
	// wellbeing follow-up is asked, as the privacy notice and the check
	// tell the family: eight when zero, as polku.DefaultReminders has it;
	// negative when none is asked.
	FollowUpWeeks int
}

// Engine runs the intake for one deployment's configuration.
type Engine struct {
	cfg Config
	// safety are cfg.Safety folded once (see Fold).
	safety polku.SafetyMatcher
	// versions are the notice's versions by municipality, hashed once:
	// every step asks (string to string).
	versions sync.Map
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
	if cfg.Wellbeing == "" {
		cfg.Wellbeing = polku.InstrumentOwn
	}
	if cfg.FollowUpWeeks == 0 {
		cfg.FollowUpWeeks = polku.DefaultReminders(nil).WellbeingWeeksAt(1)
	}
	if len(cfg.Service.Municipalities) == 0 {
		cfg.Service = polku.Simple(nil, cfg.Municipalities, polku.Settings{Hours: cfg.Hours, Crisis: cfg.Crisis, Languages: cfg.Languages})
	}
	cfg.Municipalities = cfg.Service.IDs()
	return &Engine{cfg: cfg, safety: cfg.Safety.Matcher(Fold)}
}

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
		c.Index >= 0 && (c.Index == 0 || c.Index < c.Answers.WellbeingInstrument().Statements()) &&
		c.FollowUp.valid()
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
	s.m = machines.Get().(*fsm.FSM)
	defer machines.Put(s.m)
	s.m.SetState(c.State)
	s.run()
	s.res.Replies = joinLeads(s.res.Replies)
	s.c.State = s.m.Current()
	s.c.Updated = in.Now
	s.res.Conv = s.c
	return s.res
}

// joinLeads makes a leading reply and the new message after it one: its
// text and buttons above the other's. "Send this to a person" and the
// question again are one answer, so the person reads one message and
// finds both under it.
func joinLeads(rs []Reply) []Reply {
	out := rs[:0:0]
	for _, r := range rs {
		if p := len(out) - 1; p >= 0 && out[p].lead && r.Edit == 0 && r.Card == nil && r.Keyboard == nil && !r.RemoveKeyboard {
			a := out[p]
			r.Text = append(slices.Clone(a.Text), r.Text...)
			r.Inline = append(slices.Clone(a.Inline), r.Inline...)
			out[p] = r
			continue
		}
		out = append(out, r)
	}
	return out
}

// machines are the intake's state machines, built once and used again:
// building one (its maps of transitions) was a twentieth of the bot's work
// for an update. A machine holds nothing of a step but its state, which
// Step sets first; with no callbacks, every event ends within the call.
var machines = sync.Pool{New: func() any { return fsm.NewFSM(Welcome, intakeEvents, nil) }}

// Ask returns the current question of c as it would be asked now; the
// adapter uses it to understand a typed button label.
func (e *Engine) Ask(c Conversation) Reply {
	s := &step{e: e, c: c}
	switch {
	case c.Paused():
		return s.resumeQuestion()
	case c.Sharing():
		return s.shareQuestion()
	case c.Held != nil:
		// The changed notice's question is open: its answers can be
		// typed too.
		return Reply{Text: []Text{T("privacy.renew_question")}, Inline: s.renewButtons(true)}
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
	if s.renewal() {
		return
	}
	s.handle()
}

// handle does what the input asks, once nothing stands before it.
func (s *step) handle() {
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

// fire moves the machine; an undeclared transition is a bug in the step
// engine, so it is reported as a forged press rather than a broken state.
func (s *step) fire(event string) bool {
	from := s.m.Current()
	err := s.m.Event(context.Background(), s.wellbeingOff(s.youngEvent(event)))
	var noTransition fsm.NoTransitionError
	if err != nil && !errors.As(err, &noTransition) {
		return false
	}
	s.left(from)
	s.c.Index = 0
	s.c.Seq++
	if s.skipMunicipality(event) {
		return true
	}
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
		s.c.Answers.Wellbeing, s.c.Answers.Instrument = nil, ""
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
	case s.c.Paused():
		s.send(s.resumeQuestion())
	case s.state() == Done:
		s.send(s.menu())
	default:
		s.send(s.ask())
	}
}

// state is the current state: the machine's during a step.
func (s *step) state() string {
	if s.m != nil {
		return s.m.Current()
	}
	return s.c.State
}

// footer is the row every question has: Back and talk to a person.
func (s *step) footer(back bool) []Button {
	row := []Button{}
	if back {
		row = append(row, s.btn("button.back", "b"))
	}
	return append(row, Button{Label: T("button.person"), Payload: personPayload()})
}
