package flows

import (
	"slices"

	"polku"
)

// The privacy notice: its texts, naming the controller of the family's
// municipality; its version, made of those texts and that controller; and
// the question asked again, kindly and once, of a family that agreed to an
// earlier version, before anything new is stored. What the family did
// when the question came is held, and done once it agrees.

// NoticeIDs are the messages that make the privacy notice. The adapter
// gives their texts, in every language, as Config.Notice: the notice's
// version changes whenever one of them does.
var NoticeIDs = []string{
	"privacy.summary", "privacy.full", "privacy.young_summary", "privacy.young_full",
	"privacy.wellbeing", "privacy.controller", "privacy.changes",
}

// controller is the data controller the notice names for the families of
// municipality: its own, or the service's when it has none configured or
// the municipality is not known yet ("").
func (e *Engine) controller(municipality string) polku.Controller {
	if c := e.cfg.Service.SettingsOf(municipality).Controller; !c.Zero() {
		return c
	}
	return e.cfg.Service.Default.Controller
}

// NoticeVersion is the version of the notice the families of municipality
// see ("" before they tell it).
func (e *Engine) NoticeVersion(municipality string) string {
	if v, ok := e.versions.Load(municipality); ok {
		return v.(string)
	}
	v := polku.NoticeVersion(e.cfg.Notice, e.controller(municipality))
	e.versions.Store(municipality, v)
	return v
}

func (s *step) controller() polku.Controller { return s.e.controller(s.c.Answers.Municipality) }

// version is the version of the notice the family sees now.
func (s *step) version() string { return s.e.NoticeVersion(s.c.Answers.Municipality) }

// agreedNow reports whether the family agreed to the notice it sees now.
func (s *step) agreedNow() bool { return s.c.Consent != "" && s.c.Consent == s.version() }

// stale reports whether the family agreed to another version of the
// notice than the one it would see now, past the intake's own notice
// (which asks anyway). A municipality changed from the summary names
// another controller: that is a new version too.
func (s *step) stale() bool {
	if s.c.Consent == "" || s.agreedNow() {
		return false
	}
	st := s.state()
	return !slices.Contains(beforeNotice, st) || st == Municipality && s.c.Editing
}

// agree records that the family agreed to the notice it sees now, once
// per version.
func (s *step) agree() {
	if !s.agreedNow() {
		v := s.version()
		s.effect(RecordConsent{Version: v, Agreed: true, Referral: s.c.Referral, Renewed: s.c.Consent != ""})
		s.c.Consent = v
	}
	s.c.Refused = ""
}

// notice is the privacy notice, its summary or in full, worded for the
// one speaking, with the controller the family's municipality names and,
// when the service measures wellbeing with the WHO-5, what the follow-up
// asks and that the answers go with the family's data. A service with no
// controller configured at all (a test's) names none rather than an
// empty one.
func (s *step) notice(full bool) []Text {
	id := "privacy.summary"
	if full {
		id = "privacy.full"
	}
	t := []Text{T(s.worded(id))}
	if c, ok := s.controllerText(); ok {
		t = append(t, c)
	}
	if s.instrument() == polku.InstrumentWHO5 && s.e.cfg.FollowUpWeeks > 0 {
		t = append(t, Text{ID: "privacy.wellbeing", Data: map[string]any{"Weeks": s.e.cfg.FollowUpWeeks}})
	}
	return t
}

// controllerText names the controller of the family's municipality, its
// contact and data protection officer; none is named when none is
// configured.
func (s *step) controllerText() (Text, bool) {
	c := s.controller()
	if c.Zero() {
		return Text{}, false
	}
	return Text{ID: "privacy.controller", Data: map[string]any{"Name": c.Name.In(s.c.Lang), "Contact": c.Contact, "DPO": c.DPO}}, true
}

// Held is what a family did when the notice was asked again (a press, a
// command, a message), kept in the conversation until it answers: done
// once it agrees, dropped when it says no thanks. The same fields as the
// Input it was.
type Held struct {
	Kind       Kind   `json:"kind"`
	Text       string `json:"text,omitempty"`
	Command    string `json:"command,omitempty"`
	Payload    string `json:"payload,omitempty"`
	MessageID  int    `json:"message_id,omitempty"`
	Phone      string `json:"phone,omitempty"`
	OwnContact bool   `json:"own_contact,omitempty"`
	Media      string `json:"media,omitempty"`
	Message    int    `json:"message,omitempty"`
}

func held(in Input) *Held {
	return &Held{Kind: in.Kind, Text: in.Text, Command: in.Command, Payload: in.Payload, MessageID: in.MessageID,
		Phone: in.Phone, OwnContact: in.OwnContact, Media: in.Media, Message: in.Message}
}

// input is h done now, as now's input would be.
func (h Held) input(now Input) Input {
	return Input{Kind: h.Kind, Text: h.Text, Command: h.Command, Payload: h.Payload, MessageID: h.MessageID,
		Phone: h.Phone, OwnContact: h.OwnContact, Media: h.Media, Message: h.Message,
		Unreachable: now.Unreachable, Now: now.Now}
}

// renewal asks the notice again of a family that agreed to an earlier
// version, before its input is handled: on its first update after the
// change, and on every one while the question is open. A family that
// said no thanks is not asked again unprompted: only when it does
// something that would store something new (see renewFirst). Talking to
// a person, the privacy screen (to read, export or erase) and the
// language never wait for it.
func (s *step) renewal() bool {
	if !s.stale() || s.free() || s.c.Held == nil && s.c.Refused == s.version() {
		return false
	}
	s.askRenewal()
	return true
}

// renewFirst asks the notice again, holding the input, when the family's
// agreement is to an earlier version: what it is doing would store
// something new. It reports whether it asked.
func (s *step) renewFirst() bool {
	if !s.stale() {
		return false
	}
	s.askRenewal()
	return true
}

// free reports whether the input needs no agreement to the new notice:
// a person, privacy, the language, and the question's own buttons.
func (s *step) free() bool {
	switch s.in.Kind {
	case KindCommand:
		return slices.Contains([]string{"privacy", "language", "help"}, s.in.Command)
	case KindButton:
		p, ok := ParsePayload(s.in.Payload)
		if !ok {
			return false
		}
		switch p.Kind {
		case PayPerson, PayLanguage, PayKept, PayTalk:
			return true
		}
		switch p.Action {
		case "renew", "erase", "share":
			return true
		case "menu":
			return slices.Contains([]string{"privacy", "export", "erase", "lang", "person"}, arg(p.Args, 0))
		}
	}
	return false
}

// askRenewal holds the input and asks: what changed in short words, the
// notice as it is now, agree / read more / no thanks. Asked already, and
// still open, only the question comes again, holding the newer input.
func (s *step) askRenewal() {
	open := s.c.Held != nil
	s.c.Held = held(s.in)
	if open {
		s.send(Reply{Text: []Text{T("privacy.renew_question")}, Inline: s.renewButtons(true)})
		return
	}
	changed := T("privacy.changed_controller")
	if polku.NoticeTextsChanged(s.c.Consent, s.version()) {
		changed = T("privacy.changes")
	}
	notice := s.notice(false)
	// The summary's "In short", not "Before we start".
	notice[0].Data = map[string]any{"Again": true}
	t := append([]Text{T("privacy.renew"), changed}, notice...)
	s.send(Reply{Text: append(t, T("privacy.renew_question")), Inline: s.renewButtons(true)})
}

func (s *step) renewButtons(more bool) [][]Button {
	rows := [][]Button{{s.btn("privacy.yes", "renew", "yes")}}
	if more {
		rows = append(rows, []Button{s.btn("privacy.more", "renew", "more"), s.btn("privacy.no", "renew", "no")})
	} else {
		rows = append(rows, []Button{s.btn("privacy.no", "renew", "no")})
	}
	return append(rows, s.footer(false))
}

// renew is the family's answer. Agreeing records the new version and does
// what the family was doing; no thanks keeps what it gave before, under
// the notice it agreed to then, stores nothing new, and offers deleting
// it all. A tired parent who taps "no" most likely wants nothing to
// change, not to lose their sign-ups: keeping is the default, erasing one
// tap away.
func (s *step) renew(choice string) {
	if s.c.Consent == "" || s.agreedNow() {
		// Answered already (a double tap), or erased meanwhile.
		s.toast(T("input.stale"))
		return
	}
	switch choice {
	case "yes":
		s.agree()
		h := s.c.Held
		s.c.Held = nil
		s.say(T("privacy.renew_thanks"))
		if h == nil {
			s.reask()
			return
		}
		s.in = h.input(s.in)
		// A screen drawn for what was held comes below the thanks, not
		// over the question the family pressed.
		s.fresh = true
		s.handle()
	case "more":
		s.send(Reply{Text: append(s.notice(true), T("privacy.renew_question")), Inline: s.renewButtons(false)})
	case "no":
		h := s.c.Held
		s.c.Held, s.c.Refused = nil, s.version()
		s.send(Reply{Text: []Text{T("privacy.renew_no")}, Inline: [][]Button{
			{s.btn("privacy.erase", "menu", "erase")},
			{menuButton()},
		}})
		if h != nil && h.Kind == KindText {
			// What the family wrote is not thrown away: one tap sends
			// it to a person, which needs no agreement.
			in := s.in
			s.in = h.input(in)
			s.offerKept(T("kept.offer"))
			s.in = in
		}
	default:
		s.forged()
	}
}
