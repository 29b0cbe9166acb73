package flows

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"polku"
)

// The intake: its states and transitions, and each question's screen
// (what is asked, with which buttons) with the handling of its answer.

// The states of the intake.
const (
	Welcome        = "welcome"
	Privacy        = "privacy"
	PrivacyMore    = "privacy_more"
	Declined       = "declined"
	Municipality   = "municipality"
	Who            = "who"
	TooYoung       = "too_young"
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

// consented are the states reached only after agreeing to the notice,
// and the municipality and who is speaking, asked again on starting over.
var consented = append(slices.Clone(questions), Who, Summary, Done)

// beforeNotice are the states before the notice is agreed to: the notice
// itself, and what it needs to know first (the municipality, whose
// controller it names, and who is speaking, whom it is worded for).
var beforeNotice = []string{Welcome, Municipality, Who, TooYoung, Privacy, PrivacyMore, Declined}

// intakeEvents declares every transition of the intake. The step engine
// picks the event; the machine refuses any transition not declared here.
var intakeEvents = func() fsm.Events {
	ev := fsm.Events{
		{Name: "begin", Src: []string{Welcome}, Dst: Municipality},
		{Name: "next", Src: []string{Municipality}, Dst: Who},
		// Who is speaking leads to the notice worded for them, or past
		// it when they agreed to this very notice already; a child
		// under 13 is told to ask a parent.
		{Name: "notice", Src: []string{Who}, Dst: Privacy},
		{Name: "agreed", Src: []string{Who}, Dst: Children},
		{Name: "agreed_young", Src: []string{Who}, Dst: Interests},
		{Name: "under13", Src: []string{Who}, Dst: TooYoung},
		{Name: "more", Src: []string{Privacy}, Dst: PrivacyMore},
		// A young person is the one child, of 13–17: no children's
		// question (see young).
		{Name: "agree", Src: []string{Privacy, PrivacyMore}, Dst: Children},
		{Name: "agree_young", Src: []string{Privacy, PrivacyMore}, Dst: Interests},
		{Name: "back_young", Src: []string{Interests}, Dst: Who},
		{Name: "decline", Src: []string{Privacy, PrivacyMore}, Dst: Declined},
		// Declining forgot the municipality too: asked again.
		{Name: "reconsider", Src: []string{Declined}, Dst: Municipality},
		{Name: "skip", Src: []string{HelpText}, Dst: Needs},
		{Name: "skip", Src: []string{WellbeingIntro, Wellbeing}, Dst: ContactChoice},
		{Name: "start", Src: []string{WellbeingIntro}, Dst: Wellbeing},
		{Name: "phone", Src: []string{ContactChoice}, Dst: Phone},
		// A service that asks no wellbeing question (POLKU_WELLBEING=off)
		// goes past it both ways; see wellbeingOff.
		{Name: "next_no_wellbeing", Src: []string{Languages}, Dst: ContactChoice},
		{Name: "back_no_wellbeing", Src: []string{ContactChoice}, Dst: Languages},
		{Name: "confirm", Src: []string{Summary}, Dst: Done},
		{Name: "change", Src: []string{Done}, Dst: Summary},
		{Name: "return", Src: questions, Dst: Summary},
		{Name: "restart", Src: consented, Dst: Municipality},
		{Name: "reset", Src: append(slices.Clone(consented), Welcome, TooYoung, Privacy, PrivacyMore, Declined), Dst: Welcome},
	}
	next := []string{Children, Interests, Helps, HelpText, Needs, Languages, WellbeingIntro}
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
	Municipality:   Welcome,
	Who:            Municipality,
	TooYoung:       Who,
	Privacy:        Who,
	PrivacyMore:    Privacy,
	Declined:       Municipality,
	Children:       Who,
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
	return append([]string{Welcome, Who, TooYoung, Privacy, PrivacyMore, Declined}, append(slices.Clone(questions), Summary, Done)...)
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
const DiagramNote = `Not drawn, because they start from nearly every state: "restart" (start over, from /menu or the resume question) leads to municipality, keeping consent (after "who is speaking" the notice is passed by when the family agreed to the very one it would see); "reset" (after deleting one's data) leads to welcome. Every question also has "talk to a person", which keeps the state, and the commands /start, /activities, /mine, /card, /settings, /menu, /language, /privacy, /stop and /help. After the intake (done), anything the family sends is answered with the menu. A family that agreed to an earlier version of the notice is asked again, once, in whatever state it is, before what it sent is done (see flows/notice.go).`

// screen is one state's question: what is asked (its text and buttons),
// and what a press of one of its buttons does. answer reports whether the
// press fits the question; one that does not is answered as forged.
type screen struct {
	ask    func(s *step) Reply
	answer func(s *step, action string, args []string) bool
}

// screenOf is the screen of a state of the intake, in the intake's
// order. A switch and not a map: an answer asks the next question, which
// is looked up here, and a map would refer to itself as it is built.
func screenOf(state string) (screen, bool) {
	switch state {
	case Welcome:
		return screen{(*step).askWelcome, (*step).answerWelcome}, true
	case Privacy:
		return screen{(*step).askPrivacy, (*step).answerPrivacy}, true
	case PrivacyMore:
		return screen{(*step).askPrivacyMore, (*step).answerPrivacy}, true
	case Declined:
		return screen{(*step).askDeclined, (*step).answerDeclined}, true
	case Municipality:
		return screen{(*step).askMunicipality, (*step).answerMunicipality}, true
	case Who:
		return screen{(*step).askWho, (*step).answerWho}, true
	case TooYoung:
		return screen{ask: (*step).askTooYoung}, true
	case Children:
		return screen{(*step).askChildren, (*step).children}, true
	case Interests:
		return checklist("interests.question", "interest.", polku.Interests, func(a *polku.Answers) *[]polku.Interest { return &a.Interests }), true
	case Helps:
		return checklist("helps.question", "help.", polku.Helps, func(a *polku.Answers) *[]polku.Help { return &a.Helps }), true
	case HelpText:
		return screen{(*step).askHelpText, (*step).answerHelpText}, true
	case Needs:
		return checklist("needs.question", "need.", polku.Needs, func(a *polku.Answers) *[]polku.Need { return &a.Needs }), true
	case Languages:
		return checklist("languages.question", "spoken.", polku.Spoken, func(a *polku.Answers) *[]string { return &a.Languages }), true
	case WellbeingIntro:
		return screen{(*step).askWellbeingIntro, (*step).answerWellbeingIntro}, true
	case Wellbeing:
		return screen{(*step).askWellbeing, (*step).wellbeing}, true
	case ContactChoice:
		return screen{(*step).askContact, (*step).answerContact}, true
	case Phone:
		// Answered by sharing the contact (see contact), not by a button.
		return screen{ask: (*step).askPhone}, true
	case Summary:
		return screen{(*step).askSummary, (*step).answerSummary}, true
	case Done:
		return screen{(*step).askDone, (*step).answerDone}, true
	}
	return screen{}, false
}

// ask renders the question of the current state.
func (s *step) ask() Reply {
	if q, ok := screenOf(s.state()); ok {
		return q.ask(s)
	}
	return Reply{Text: []Text{T("input.unknown_button")}}
}

// answer handles a current button of the current state. Back is the same
// on every question.
func (s *step) answer(action string, args []string) bool {
	st := s.m.Current()
	if action == "b" {
		return s.back()
	}
	q, ok := screenOf(st)
	return ok && q.answer != nil && q.answer(s, action, args)
}

// question is a question with its answer rows, then Back and "talk to a
// person".
func (s *step) question(id string, rows [][]Button) Reply {
	return Reply{Text: []Text{T(id)}, Inline: append(rows, s.footer(true))}
}

// redraw edits the pressed message to show the new selection.
func (s *step) redraw() {
	r := s.ask()
	// A typed label has no message to edit: the question comes anew.
	r.Edit = s.in.MessageID
	s.send(r)
}

// askingLang reports whether the welcome asks the language first:
// Telegram's language is none of ours, and none was picked.
func (s *step) askingLang() bool {
	return s.state() == Welcome && s.c.AskLang && !s.c.LangChosen
}

// The welcome, with the languages to pick; the language first, in every
// language, when Telegram's is none of ours.
func (s *step) askWelcome() Reply {
	if s.askingLang() {
		// "Talk to a person" too is in every language.
		person := []Button{{Label: T("language.first_person"), Payload: personPayload()}}
		return Reply{Text: []Text{T("language.first")}, Inline: append(s.languageRows(), person)}
	}
	rows := [][]Button{{s.btn("welcome.go", "go")}}
	rows = append(rows, s.languageRows()...)
	return Reply{Text: []Text{T("welcome.text")}, Inline: append(rows, s.footer(false))}
}

func (s *step) answerWelcome(action string, _ []string) bool {
	return action == "go" && s.fire("begin")
}

// The privacy notice: its summary, or in full ("read more").
func (s *step) askPrivacy() Reply {
	return Reply{Text: append(s.notice(false), T("privacy.question")), Inline: [][]Button{
		{s.btn("privacy.yes", "yes")},
		{s.btn("privacy.more", "more"), s.btn("privacy.no", "no")},
		s.footer(true),
	}}
}

func (s *step) askPrivacyMore() Reply {
	return Reply{Text: append(s.notice(true), T("privacy.question")), Inline: [][]Button{
		{s.btn("privacy.yes", "yes"), s.btn("privacy.no", "no")},
		s.footer(true),
	}}
}

func (s *step) answerPrivacy(action string, _ []string) bool {
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
			s.c.Mode.Set(ModeErasing, true)
			s.send(Reply{Text: []Text{T("erase.on_decline"), T("erase.list")}, Inline: [][]Button{
				{s.btn("erase.yes", "erase", "yes")},
				{s.btn("erase.no", "erase", "no")},
			}})
			return true
		}
		// Declining keeps nothing personal: not even a draft, nor
		// the permission to show the answers to the coordinators.
		s.c.Consent, s.c.Answers, s.c.Profile, s.c.Referral, s.c.CodeMunicipality = "", polku.Answers{}, false, "", ""
		s.c.Share, s.c.Refused, s.c.Held = "", "", nil
		s.c.Mode.Set(ModeSharing, false)
		s.effect(RecordConsent{Version: s.version(), Agreed: false})
		return s.fire("decline")
	}
	return false
}

// Declined: nothing is kept; a person, browsing, or the notice again.
func (s *step) askDeclined() Reply {
	return Reply{Text: []Text{T("declined.text")}, Inline: [][]Button{
		{{Label: T("button.person"), Payload: personPayload()}},
		// Browsing needs no consent: nothing about the family is kept.
		{{Label: T("menu.activities"), Payload: actNew("s", "0")}},
		{s.btn("declined.again", "again")},
	}}
}

func (s *step) answerDeclined(action string, _ []string) bool {
	return action == "again" && s.fire("reconsider")
}

// The municipality: one button for each of the service's, and "other"
// (the index past the last); or, when the service has many in regions,
// the regions first ("r:<region>" shows one, see place.go), each
// region's municipalities with Back to the regions, and "other" on both.
func (s *step) askMunicipality() Reply {
	n := len(s.e.cfg.Municipalities)
	muni := func(mi int) string { return s.pay("m", strconv.Itoa(mi)) }
	other := []Button{s.btn("municipality.other", "m", strconv.Itoa(n))}
	if s.e.regionFirst() {
		rows := s.regionRows(func(ri int) string { return s.pay("r", strconv.Itoa(ri)) }, muni)
		return s.question("municipality.region_question", append(rows, other))
	}
	var rows [][]Button
	for mi := range s.e.cfg.Municipalities {
		rows = append(rows, []Button{s.placeButton(mi, muni(mi))})
	}
	return s.question("municipality.question", append(rows, other))
}

// regionScreen is region ri's municipalities, page pg of them: the
// Municipality question narrowed, whose Back leads to the regions.
func (s *step) regionScreen(ri, pg int) Reply {
	muni := func(mi int) string { return s.pay("m", strconv.Itoa(mi)) }
	page := func(p int) string {
		if p == 0 {
			return s.pay("r", strconv.Itoa(ri))
		}
		return s.pay("r", strconv.Itoa(ri), strconv.Itoa(p))
	}
	rows := s.municipalityRows(ri, pg, muni, page)
	rows = append(rows, []Button{s.btn("municipality.other", "m", strconv.Itoa(len(s.e.cfg.Municipalities)))})
	rows = append(rows, []Button{{Label: T("button.back"), Payload: s.pay("r")}, {Label: T("button.person"), Payload: personPayload()}})
	return Reply{Text: []Text{{ID: "municipality.in_region", Data: s.regionData(ri)}}, Inline: rows}
}

func (s *step) answerMunicipality(action string, args []string) bool {
	a := &s.c.Answers
	switch action {
	case "r":
		// Another screen of the same question, in place of the pressed
		// one: a region's municipalities, or the regions again.
		r := s.ask()
		if len(args) > 0 {
			ri, pg, ok := s.e.placeArgs(args)
			if !ok {
				return false
			}
			r = s.regionScreen(ri, pg)
		} else if !s.e.regionFirst() {
			return false
		}
		r.Edit = s.in.MessageID
		s.send(r)
		return true
	case "m":
		i, ok := index(arg(args, 0), len(s.e.cfg.Municipalities)+1)
		if !ok || len(args) != 1 {
			return false
		}
		a.Municipality = polku.Other
		if i < len(s.e.cfg.Municipalities) {
			a.Municipality = s.e.cfg.Municipalities[i]
		}
		// The family's own answer: a referral code's municipality no
		// longer stands in for it.
		s.c.CodeMunicipality = ""
		return s.advance("next")
	}
	return false
}

// skipMunicipality goes on at once when the machine has just reached the
// Municipality question and a referral code set the municipality
// (Conversation.CodeMunicipality): forward with the code's municipality as
// the answer, or, coming back with Back, on to the question before. It is
// asked as usual when opened from the summary, to change it. It reports
// whether it went on.
func (s *step) skipMunicipality(event string) bool {
	m := s.c.CodeMunicipality
	if s.m.Current() != Municipality || m == "" || s.c.Editing {
		return false
	}
	if _, ok := s.e.cfg.Service.Municipality(m); !ok {
		// The service no longer has it: the family is asked.
		s.c.CodeMunicipality = ""
		return false
	}
	if event == "back" {
		return s.fire("back")
	}
	s.c.Answers.Municipality = m
	return s.fire("next")
}

// passMunicipality is skipMunicipality for a machine set to the
// Municipality question without asking it (agreeing to the notice from an
// activity's sign-up): with a referral code's municipality it answers it
// and moves on without a word, so that the intake, when the family comes
// to it, asks the question after.
func (s *step) passMunicipality() {
	m := s.c.CodeMunicipality
	if _, ok := s.e.cfg.Service.Municipality(m); !ok || s.m.Current() != Municipality {
		return
	}
	s.c.Answers.Municipality = m
	if s.m.Event(context.Background(), s.wellbeingOff("next")) == nil {
		s.c.Seq++
	}
}

// Who is speaking: a parent or carer, a young person of 13–17 on their
// own, or a child under 13. The notice and the questions are worded for
// them.
func (s *step) askWho() Reply {
	return s.question("who.question", [][]Button{
		{s.btn("who.parent", "w", string(polku.SpeakerParent))},
		{s.btn("who.young", "w", string(polku.SpeakerYoung))},
		{s.btn("who.child", "w", "child")},
	})
}

func (s *step) answerWho(action string, args []string) bool {
	if action != "w" {
		return false
	}
	a := &s.c.Answers
	switch who := arg(args, 0); who {
	case string(polku.SpeakerParent), string(polku.SpeakerYoung):
		if a.Young() != (who == string(polku.SpeakerYoung)) {
			// The children's counts were someone else's.
			a.Children = nil
		}
		a.Speaker = polku.Speaker(who)
		if a.Young() {
			a.Children = map[polku.AgeBand]int{polku.Age13to17: 1}
		}
		if s.agreedNow() {
			return s.fire("agreed")
		}
		return s.fire("notice")
	case "child":
		// Nothing of a child's is kept: not even who they said they
		// were. The municipality stays in the conversation, as before
		// any notice, for a parent who takes over.
		*a = polku.Answers{Municipality: a.Municipality}
		return s.fire("under13")
	}
	return false
}

// Under 13: kindly, to ask a parent or carer, or to talk to a person,
// with the emergency number and the crisis lines. Back leads to who is
// speaking, for the parent who takes the phone.
func (s *step) askTooYoung() Reply {
	t := append([]Text{T("too_young.text")}, s.emergency()...)
	return Reply{Text: t, Inline: [][]Button{s.footer(true)}}
}

// The children: a counter for each age band. What is counted so far is
// written under the question, and every button does something: ➖ only
// where there is a child to take away, ➕ until the band's highest count,
// Done once there is a child. So each press changes what the person sees.
func (s *step) askChildren() Reply {
	a := s.c.Answers
	var rows [][]Button
	for _, b := range polku.AgeBands {
		n := a.Children[b]
		short := map[string]any{"Band": strings.Replace(string(b), "-", "–", 1)}
		var row []Button
		if n > 0 {
			row = append(row, Button{Label: Text{ID: "button.minus", Data: short}, Payload: s.pay("k", string(b), "-")})
		}
		if n < polku.MaxChildrenPerBand {
			row = append(row, Button{Label: Text{ID: "button.plus", Data: short}, Payload: s.pay("k", string(b), "+")})
		}
		rows = append(rows, row)
	}
	if a.ChildCount() > 0 {
		rows = append(rows, []Button{s.btn("button.done", "done")})
	}
	r := s.question("children.question", rows)
	if a.ChildCount() == 0 {
		r.Text = append(r.Text, T("children.none_yet"))
	} else {
		r.Text = append(r.Text, childrenText(a))
	}
	return r
}

func (s *step) children(action string, args []string) bool {
	a := &s.c.Answers
	switch action {
	case "done":
		// Done, ➖ at none, ➕ at the top and the count itself have no
		// button now; pressed on a keyboard drawn before, they draw the
		// question as it is asked now.
		if a.ChildCount() == 0 {
			s.toast(T("children.none"))
			s.redraw()
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
				s.redraw()
				return true
			}
			a.Children[band]++
		case "-":
			if a.Children[band] == 0 {
				s.redraw()
				return true
			}
			a.Children[band]--
		case "=":
			s.toast(T("children.hint"))
			s.redraw()
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

// checklist is a multi-select question (interests, what would help, needs,
// languages): its options two a row, the chosen ones marked, then Done;
// a press toggles one option. list is the answer it fills.
func checklist[V ~string](question, prefix string, options []V, list func(*polku.Answers) *[]V) screen {
	return screen{
		ask: func(s *step) Reply {
			return s.question(s.worded(question), checkRows(s, *list(&s.c.Answers), options, s.worded(prefix)))
		},
		answer: func(s *step, action string, args []string) bool {
			return multi(s, action, args, list(&s.c.Answers), options)
		},
	}
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

// The family's own words: typed (see helpText), or skipped.
func (s *step) askHelpText() Reply {
	return s.question("help_text.question", [][]Button{{s.btn("button.skip", "skip")}})
}

func (s *step) answerHelpText(action string, _ []string) bool {
	if action == "skip" {
		s.c.Answers.HelpText = ""
		return s.advance("next")
	}
	return false
}

// helpText is the answer typed to the own-words question.
func (s *step) helpText() {
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
}

// How to be contacted: here in the chat, a phone call, or not at all.
func (s *step) askContact() Reply {
	return s.question("contact.question", [][]Button{
		{s.btn("contact.chat", "c", string(polku.ContactChat))},
		{s.btn("contact.phone", "c", string(polku.ContactPhone))},
		{s.btn("contact.none", "c", string(polku.ContactNone))},
	})
}

func (s *step) answerContact(action string, args []string) bool {
	a := &s.c.Answers
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
	return false
}

// The phone number, only through Telegram's share-contact button (a reply
// keyboard); answered by contact.
func (s *step) askPhone() Reply {
	return Reply{Text: []Text{T("phone.question")}, Keyboard: [][]Button{
		{{Label: T("phone.share"), Contact: true}},
		{{Label: T("button.back"), Payload: s.pay("b")}},
		{{Label: T("button.person"), Payload: personPayload()}},
	}}
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
