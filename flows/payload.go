package flows

import (
	"strconv"
	"strings"
)

// The callback data of every button the families see, in one grammar.
// Every button is built and every press is read here, so what a button
// sends and what the engine understands cannot drift apart:
//
//	payload  = "P" | "M" | prefix ":" fields | seq ":" fields
//	prefix   = "L" | "K" | "T" | "F" | "a" | "A" | "W" | "N"
//	seq      = a decimal number above zero
//	fields   = action *( ":" arg )
//
// What each field means is the kind's (see PayloadKind). Parse only takes
// a payload apart; whether its action and arguments make sense is for the
// handler of its kind to say, so that a forged press is answered there
// exactly as before. Telegram carries at most maxPayload bytes.

// maxPayload is the most callback data Telegram carries, in bytes.
const maxPayload = 64

// PayloadKind is what a button is for, told by the start of its data.
type PayloadKind uint8

// The kinds of button.
const (
	// PayQuestion, "<seq>:<action>[:<arg>]...", answers the intake's
	// question number Seq (Conversation.Seq): an earlier one is stale.
	PayQuestion PayloadKind = iota + 1
	// PayLanguage, "L:<language>", picks the bot's language.
	PayLanguage
	// PayPerson, "P", is "talk to a person", on any message.
	PayPerson
	// PayMenu, "M", opens the menu from a message that ends a thread.
	PayMenu
	// PayKept, "K:<message>", sends a message the family typed where a
	// button was expected to a person.
	PayKept
	// PayTalk, "T:off" or "T:on", leaves talking to a person, or answers
	// a coordinator (the button under a coordinator's message).
	PayTalk
	// PayFeedback, "F:<case>:<score>", answers the feedback question
	// sent when a coordinator closed the case.
	PayFeedback
	// PayActivity, "a:<action>[:<arg>]...", is an activities screen that
	// replaces the message it was pressed on.
	PayActivity
	// PayActivityNew, "A:<action>[:<arg>]...", is the same screen as a new
	// message: pressed on a message that is not an activities screen (the
	// menu, a reminder).
	PayActivityNew
	// PayFollowUp, "W:<action>:<point>[:<index>[:<value>]]", is a button
	// of the wellbeing follow-up of point: "go" (answer now), "no" (not
	// now), "stop" (don't ask again), "a" (value to statement index),
	// "s" (skip the rest at index), "b" (back from index), "r" (the
	// result).
	PayFollowUp
	// PayNews, "N:yes", "N:no" or "N:stop", answers whether the family
	// wants news of activities (campaigns), or stops them.
	PayNews
)

// prefixes are the kinds told by a letter and a colon.
var prefixes = map[PayloadKind]string{
	PayLanguage: "L", PayKept: "K", PayTalk: "T", PayFeedback: "F", PayActivity: "a", PayActivityNew: "A",
	PayFollowUp: "W", PayNews: "N",
}

// Payload is the callback data of a button, taken apart.
type Payload struct {
	Kind PayloadKind
	// Seq is the question's number (PayQuestion).
	Seq int
	// Action is the first field: what the button does; for PayLanguage
	// the language, PayKept the message, PayFeedback the case.
	Action string
	// Args are the fields after the action.
	Args []string
}

// ParsePayload takes callback data apart; ok is false for data no button
// of the bot has, in any kind.
func ParsePayload(data string) (p Payload, ok bool) {
	switch data {
	case "P":
		return Payload{Kind: PayPerson}, true
	case "M":
		return Payload{Kind: PayMenu}, true
	}
	head, rest, ok := strings.Cut(data, ":")
	if !ok {
		return Payload{}, false
	}
	for k, pre := range prefixes {
		if head == pre {
			p.Kind = k
		}
	}
	if p.Kind == 0 {
		n, err := strconv.Atoi(head)
		if err != nil || n <= 0 {
			return Payload{}, false
		}
		p.Kind, p.Seq = PayQuestion, n
	}
	fields := strings.Split(rest, ":")
	p.Action, p.Args = fields[0], fields[1:]
	return p, true
}

// String is the callback data of p: what ParsePayload takes apart again.
func (p Payload) String() string {
	var head string
	switch p.Kind {
	case PayPerson:
		return "P"
	case PayMenu:
		return "M"
	case PayQuestion:
		head = strconv.Itoa(p.Seq)
	default:
		head = prefixes[p.Kind]
	}
	return head + ":" + strings.Join(append([]string{p.Action}, p.Args...), ":")
}

// Arg is the i-th argument, or "" when there is none.
func (p Payload) Arg(i int) string { return arg(p.Args, i) }

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// pay is the callback data of a button of the current question: the
// question's sequence number, the action and its arguments. It stays far
// below Telegram's 64 bytes.
func (s *step) pay(action string, args ...string) string {
	return Payload{Kind: PayQuestion, Seq: s.c.Seq, Action: action, Args: args}.String()
}

func (s *step) btn(label, action string, args ...string) Button {
	return Button{Label: T(label), Payload: s.pay(action, args...)}
}

// act is the callback data of an activities button that replaces its
// message; actNew one that opens a new message.
func act(action string, args ...string) string {
	return Payload{Kind: PayActivity, Action: action, Args: args}.String()
}

func actNew(action string, args ...string) string {
	return Payload{Kind: PayActivityNew, Action: action, Args: args}.String()
}

// The buttons of the other kinds.
func personPayload() string       { return Payload{Kind: PayPerson}.String() }
func menuPayload() string         { return Payload{Kind: PayMenu}.String() }
func newsPayload(a string) string { return Payload{Kind: PayNews, Action: a}.String() }
func langPayload(l string) string { return Payload{Kind: PayLanguage, Action: l}.String() }
func keptPayload(message int) string {
	return Payload{Kind: PayKept, Action: strconv.Itoa(message)}.String()
}

// talkPayload is "T:on" or "T:off".
func talkPayload(on bool) string {
	if on {
		return Payload{Kind: PayTalk, Action: "on"}.String()
	}
	return Payload{Kind: PayTalk, Action: "off"}.String()
}

// The buttons staff puts on what the family gets, built here so that the
// grammar stays in one place.

// AnswerPayload is the button under a coordinator's message to the family:
// it opens talking to a person, to answer.
func AnswerPayload() string { return talkPayload(true) }

// FeedbackPayload is one score of the feedback question about a closed
// case.
func FeedbackPayload(caseID int64, score int) string {
	return Payload{Kind: PayFeedback, Action: itoa(caseID), Args: []string{itoa(score)}}.String()
}

// itoa writes an ID or a number as a field.
func itoa[N ~int | ~int64](n N) string { return strconv.FormatInt(int64(n), 10) }
