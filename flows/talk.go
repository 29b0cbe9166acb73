package flows

import (
	"strconv"
	"strings"

	"polku"
)

// The family's side of talking to a person. "Talk to a person" asks once
// whether the coordinators may see the family's answers, then opens the
// case and puts the chat in talk mode: whatever the family sends goes to
// the coordinators until they press "back to the bot" or any other button
// of the bot. A safety word opens an urgent case at any hour, from any
// step.

// person is "talk to a person", from any step.
func (s *step) person() {
	if s.c.Share == "" && s.c.Consent != "" {
		s.askShare()
		return
	}
	s.openTalk()
}

// askShare asks whether the coordinators may see the family's answers.
func (s *step) askShare() {
	s.c.Mode.Set(ModeSharing, true)
	s.send(s.shareQuestion())
}

func (s *step) shareQuestion() Reply {
	return Reply{Text: []Text{T(s.worded("share.question"))}, Inline: [][]Button{
		{s.btn("share.yes", "share", "yes")},
		{s.btn("share.no", "share", "no")},
		{s.btn("share.cancel", "share", "x")},
	}}
}

func (s *step) share(choice string) {
	if !s.c.Sharing() {
		s.toast(T("input.stale"))
		return
	}
	switch choice {
	case "yes", "no":
		s.c.Mode.Set(ModeSharing, false)
		s.c.Share = choice
		s.effect(ShareAnswered{})
		s.openTalk()
	case "x":
		s.c.Mode.Set(ModeSharing, false)
		s.effect(ShareAnswered{})
		s.say(T("share.cancelled"))
		s.reask()
	default:
		s.forged()
	}
}

// openTalk opens the family's case and puts the chat in talk mode.
func (s *step) openTalk() {
	s.effect(OpenCase{Share: s.c.Share == "yes"})
	s.c.Mode.Set(ModeTalking, true)
	t := s.unreachable()
	if t == nil {
		t = append([]Text{T("talk.open")}, s.away()...)
	}
	s.send(Reply{Text: t, Inline: s.talkButtons()})
}

// unreachable tells, as a talk opens, that the family's messages do not
// reach a person now: none is set up (with the emergency numbers), or the
// group is lost (down); nil when they do.
func (s *step) unreachable() []Text {
	if s.e.cfg.NoCoordinators {
		return append([]Text{T("talk.none")}, s.emergency()...)
	}
	return s.down()
}

// down tells, once per outage, that messages cannot reach the coordinators
// now (the bot lost their group) but are kept, with the emergency numbers.
func (s *step) down() []Text {
	since := s.in.Unreachable
	if since.IsZero() || s.c.ToldDown.Equal(since) {
		return nil
	}
	s.c.ToldDown = since
	return append([]Text{T("talk.down")}, s.emergency()...)
}

func (s *step) talkButtons() [][]Button {
	return [][]Button{{{Label: T("talk.back"), Payload: talkPayload(false)}}}
}

// away tells, at most once a day, that the coordinators are away now
// and when they answer, with the emergency numbers.
func (s *step) away() []Text {
	h := s.settings().Hours
	if h.Open(s.in.Now) {
		return nil
	}
	today := s.in.Now.In(s.e.cfg.Location).Format("2006-01-02")
	if s.c.Told == today {
		return nil
	}
	s.c.Told = today
	t := []Text{T("talk.away_unknown")}
	if next := h.Next(s.in.Now); !next.IsZero() {
		t = []Text{{ID: "talk.away", Data: map[string]any{"When": When{Start: next}}}}
	}
	return append(t, s.emergency()...)
}

// settings are what serve the family's municipality (its coordinators'
// hours, its crisis lines): the service's own before it chose one.
func (s *step) settings() polku.Settings {
	return s.e.cfg.Service.SettingsOf(s.c.Answers.Municipality)
}

// emergency is the emergency number and the family's municipality's
// crisis lines.
func (s *step) emergency() []Text { return s.e.Emergency(s.c.Answers.Municipality) }

// Emergency is the emergency number and municipality's crisis lines (the
// service's for none), as the family is told them when a person cannot
// answer at once.
func (e *Engine) Emergency(municipality string) []Text {
	t := []Text{T("talk.emergency")}
	if crisis := e.cfg.Service.SettingsOf(municipality).Crisis; len(crisis) > 0 {
		t = append(t, Text{ID: "talk.crisis", Data: map[string]any{"Lines": strings.Join(crisis, "\n")}})
	}
	return t
}

// talking handles what the family sends while it talks to a person, and a
// safety word at any time. It reports whether the input was handled.
//
// A safety word counts wherever the family wrote it: in a message, in the
// caption of a photo, video, document or voice message, or in the new text
// of an edited message. An edit while talking (or one that adds a safety
// word) is relayed too: the coordinators get the message as it reads now,
// marked as an edit, so what they see is what the family meant.
func (s *step) talking() bool {
	urgent := s.urgent()
	if !s.c.Talking() && !urgent {
		return false
	}
	switch s.in.Kind {
	case KindText, KindEdited:
	case KindUnsupported:
		if s.in.Media == "other" || s.in.Media == "" {
			return false
		}
	case KindContact:
		if s.c.State == Phone {
			return false // sharing the number answers the intake's question
		}
	default:
		return false
	}
	if s.in.Message == 0 {
		return false
	}
	edited := s.in.Kind == KindEdited
	s.effect(Relay{Message: s.in.Message, Share: s.c.Share == "yes", Urgent: urgent, Edited: edited})
	s.c.Mode.Set(ModeTalking, true)
	if urgent {
		t := []Text{s.urgentAnswer()}
		s.send(Reply{Text: append(t, s.emergency()...), Inline: s.talkButtons()})
		return true
	}
	var t []Text
	if s.e.cfg.NoCoordinators {
		// Nobody reads it: every message is told so, with where help
		// is, rather than met with a silence that looks like reading
		// (and never "they answer at nine" for nobody).
		t = append([]Text{T("talk.none_again")}, s.emergency()...)
	} else {
		t = s.down()
		if t == nil {
			t = s.away()
		}
	}
	if edited && s.in.Unreachable.IsZero() && !s.e.cfg.NoCoordinators {
		// Telegram shows the family its message as edited; this tells
		// them the coordinators got the change (they will not, for now,
		// while the group is unreachable: down said so).
		t = append([]Text{T("talk.edited")}, t...)
	}
	if t != nil {
		s.send(Reply{Text: t, Inline: s.talkButtons()})
	}
	return true
}

// urgentAnswer is the first line of the answer to a safety word: the
// message was passed on, and when a person reads it. Never "at once" when
// nothing can pass, or when nobody is at work: the family learns that here,
// not from its next message.
func (s *step) urgentAnswer() Text {
	if s.e.cfg.NoCoordinators {
		return T("talk.urgent_none")
	}
	if !s.in.Unreachable.IsZero() {
		s.c.ToldDown = s.in.Unreachable
		return T("talk.urgent_down")
	}
	h := s.settings().Hours
	if h.Open(s.in.Now) {
		return T("talk.urgent")
	}
	// The away notice is told: the next message need not repeat it today.
	s.c.Told = s.in.Now.In(s.e.cfg.Location).Format("2006-01-02")
	if next := h.Next(s.in.Now); !next.IsZero() {
		return Text{ID: "talk.urgent_away", Data: map[string]any{"When": When{Start: next}}}
	}
	return T("talk.urgent_away_unknown")
}

// urgent reports whether the input's text (typed, a caption, or an edit's
// new text) has a safety word.
func (s *step) urgent() bool {
	switch s.in.Kind {
	case KindText, KindUnsupported, KindEdited:
		return s.in.Text != "" && s.e.safety.Match(s.in.Text)
	}
	return false
}

// talkButton handles the buttons of talking: "T:off" (back to the bot),
// "T:on" (answer a coordinator) and "F:case:score" (the feedback question
// after a case was closed).
func (s *step) talkButton(p Payload) {
	switch {
	case p.Kind == PayTalk && p.Action == "off" && len(p.Args) == 0:
		s.c.Mode.Set(ModeTalking, false)
		s.say(T("talk.closed"))
		s.reask()
	case p.Kind == PayTalk && p.Action == "on" && len(p.Args) == 0:
		s.c.Mode.Set(ModeTalking, true)
		s.send(Reply{Text: []Text{T("talk.write")}, Inline: s.talkButtons()})
	case p.Kind == PayFeedback && len(p.Args) == 1:
		c, err1 := strconv.ParseInt(p.Action, 10, 64)
		n, err2 := strconv.Atoi(p.Arg(0))
		if err1 != nil || err2 != nil || c <= 0 || n < 1 || n > 5 {
			s.forged()
			return
		}
		s.query(Query{Kind: QueryFeedback, Case: c, Score: n})
	default:
		s.forged()
	}
}

// talkFound shows the answer to a card or feedback query.
func (s *step) talkFound(f *Found) {
	switch f.Query.Kind {
	case QueryCard:
		s.showCard(f.Card)
	case QueryFeedback:
		switch f.Err {
		case "":
			s.send(Reply{Edit: s.in.MessageID, Text: []Text{T("feedback.thanks")}, Inline: [][]Button{{menuButton()}}})
		case polku.ECONFLICT:
			s.toast(T("feedback.already"))
		default:
			s.toast(T("input.unknown_button"))
		}
	}
}

// showCard shows the family's wellbeing card: the image with its code, and
// whether it is valid.
func (s *step) showCard(c *polku.Card) {
	if c == nil {
		s.send(Reply{Text: []Text{T("card.none")}, Inline: [][]Button{{{Label: T("button.person"), Payload: personPayload()}}}})
		return
	}
	var t []Text
	switch c.State(s.in.Now) {
	case polku.CardValid:
		t = append(t, Text{ID: "card.valid", Data: map[string]any{"Until": When{Start: c.ValidUntil, Day: true}}})
		if left, limited := c.Left(); limited {
			t = append(t, Text{ID: "card.visits_left", Data: map[string]any{"Count": left}, Count: &left})
		}
		t = append(t, T("card.how"))
	case polku.CardNotYet:
		t = append(t, Text{ID: "card.not_yet", Data: map[string]any{"From": When{Start: c.ValidFrom, Day: true}}})
	default:
		t = append(t, T("card."+string(c.State(s.in.Now))))
	}
	s.send(Reply{Text: t, Card: c})
}
