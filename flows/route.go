package flows

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"polku"
)

// Routing: which handler an input goes to. Commands, button presses by
// their callback data, typed text, the pause after a long break, and the
// messages typed where a button was expected ("Send this to a person").

// Commands are the commands a family can use, in the order Telegram's
// command menu shows them; /help and the answer to an unknown command list
// them all.
var Commands = []string{"start", "activities", "mine", "card", "settings", "menu", "language", "privacy", "stop", "help"}

func (s *step) command() {
	// A command speaks to the bot: talking to a person ends, and typed
	// labels are the bot's questions' again.
	s.c.Mode.Set(ModeTalking|ModeSharing, false)
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
			s.c.Mode.Set(ModePaused, false)
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
		s.query(Query{Kind: QueryMine, Screen: act("m")})
	case "settings":
		s.query(Query{Kind: QueryReminders, Screen: act("r")})
	case "card":
		s.query(Query{Kind: QueryCard})
	case "stop":
		s.stopNews()
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
	// The code's municipality answers the question, unless the family
	// answered it already.
	if _, ok := s.e.cfg.Service.Municipality(s.in.CodeMunicipality); ok && s.c.Answers.Municipality == "" {
		s.c.CodeMunicipality = s.in.CodeMunicipality
	}
	s.effect(Started{Referral: code})
}

// button routes a press by its callback data (see ParsePayload).
func (s *step) button() {
	p, ok := ParsePayload(s.in.Payload)
	if !ok {
		s.forged()
		return
	}
	switch p.Kind {
	case PayLanguage:
		lang := p.Action
		if len(p.Args) > 0 || !slices.Contains(s.e.cfg.Languages, lang) {
			s.forged()
			return
		}
		s.c.Lang, s.c.LangChosen = lang, true
		s.c.Mode.Set(ModeTalking, false)
		s.reask()
		return
	case PayPerson:
		s.person()
		return
	case PayMenu:
		// The menu from a message that ends a thread: thanks for
		// feedback or for telling whether the family went.
		s.c.Mode.Set(ModeTalking|ModeSharing, false)
		s.send(s.menu())
		return
	case PayKept:
		s.sendKept(p)
		return
	case PayTalk, PayFeedback:
		s.talkButton(p)
		return
	case PayNews:
		s.news(p)
		return
	case PayActivity, PayActivityNew:
		// Any other button of the bot ends talking to a person.
		s.c.Mode.Set(ModeTalking, false)
		s.activity(p)
		return
	case PayFollowUp:
		s.followUp(p)
		return
	}
	if p.Seq > s.c.Seq {
		s.forged()
		return
	}
	if p.Seq != s.c.Seq {
		s.earlier(p.Seq)
		return
	}
	action, args := p.Action, p.Args
	if action == "share" {
		s.share(arg(args, 0))
		return
	}
	// Another button of the bot: talking ends, and the share question
	// is left unanswered ("talk to a person" asks it again).
	s.c.Mode.Set(ModeTalking|ModeSharing, false)
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
	case "renew":
		s.renew(arg(args, 0))
		return
	case "more":
		if s.c.State != Privacy {
			s.send(Reply{Text: s.notice(true)})
			return
		}
	}
	if s.c.Paused() {
		// The resume question is open; a press on the question below it
		// answers that question, so the pause is over.
		s.c.Mode.Set(ModePaused, false)
	}
	if !s.answer(action, args) {
		s.forged()
	}
}

// earlier answers a press on an earlier question's button. A double tap on
// the question just answered only says so: the current question is right
// below it. A press further up also gets the current question again, so
// that it is below where the person is now, as the notice says.
func (s *step) earlier(seq int) {
	s.toast(T("input.stale"))
	if seq < s.c.Seq-1 {
		s.reask()
	}
}

// forged answers a button press we cannot have sent, or one that does not
// fit the question: kindly, and with the question again.
func (s *step) forged() {
	s.toast(T("input.unknown_button"))
	s.reask()
}

// idle asks a person who comes back after a long pause mid-intake whether
// to continue or start over. A press on a current button needs no asking.
func (s *step) idle() bool {
	if s.in.Kind == KindButton || s.c.Paused() || s.c.Updated.IsZero() {
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
	s.c.Mode.Set(ModePaused, true)
	s.send(s.resumeQuestion())
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

func (s *step) resume(choice string) {
	if !s.c.Paused() {
		s.toast(T("input.stale"))
		return
	}
	s.c.Mode.Set(ModePaused, false)
	switch choice {
	case "cont":
		s.reask()
	case "over":
		s.startOver()
	default:
		s.forged()
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

func (s *step) text() {
	if s.c.Paused() {
		if !s.offerKept(T("kept.offer")) {
			s.say(T("input.use_buttons"))
		}
		s.send(s.resumeQuestion())
		return
	}
	if s.m.Current() == HelpText {
		s.helpText()
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
	if s.in.Message == 0 || !Telling(s.in.Text) || s.e.cfg.NoCoordinators {
		// Nobody to send it to where no coordinators are set up.
		return false
	}
	s.c.Kept = append(s.c.Kept, s.in.Message)
	if len(s.c.Kept) > maxKept {
		s.c.Kept = slices.Delete(s.c.Kept, 0, len(s.c.Kept)-maxKept)
	}
	s.send(Reply{Text: []Text{say}, Inline: [][]Button{{{Label: T("kept.send"), Payload: keptPayload(s.in.Message)}}}, lead: true})
	return true
}

// sendKept is "Send this to a person" under a kept message: like "talk
// to a person", the case is opened (or used) and the chat talks to the
// coordinators, and the message goes to them. One tap: whether they may
// see the answers is asked when the family taps "talk to a person".
func (s *step) sendKept(p Payload) {
	n, err := strconv.Atoi(p.Action)
	if err != nil || n <= 0 || len(p.Args) > 0 {
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
	s.c.Mode.Set(ModeTalking, true)
	s.effect(Relay{Message: n, Share: s.c.Share == "yes"})
	t := s.unreachable()
	if t == nil {
		t = append([]Text{T("kept.sent")}, s.away()...)
	}
	s.send(Reply{Edit: s.in.MessageID, Text: t, Inline: s.talkButtons()})
}
