package flows

import (
	"time"

	"polku"
)

// The engine's input and output: what a person did (Input), the stored
// conversation, and the replies with their texts and buttons.

// Kind is the kind of an input.
type Kind int

// The kinds of input the engine understands.
const (
	KindText        Kind = iota + 1 // a typed message
	KindCommand                     // /command with optional argument
	KindButton                      // an inline button press (callback data)
	KindContact                     // a shared contact
	KindUnsupported                 // sticker, photo, voice, ...: anything we cannot read
	KindEdited                      // an edited message
	// KindFound is the adapter's answer to the Query of the step before,
	// in the same transaction.
	KindFound
)

// Input is one thing a person did, free of Telegram's types.
type Input struct {
	Kind Kind
	// Text is the typed text, the argument of a command, the caption of
	// a media message (KindUnsupported), or the new text or caption of an
	// edited message (KindEdited); as Telegram gave it.
	Text string
	// Command is the command name without the slash, lower case.
	Command string
	// Payload is the data of a pressed button.
	Payload string
	// MessageID is the bot message whose button was pressed.
	MessageID int
	// Phone is the number of a shared contact; OwnContact tells whether
	// the person shared their own contact.
	Phone      string
	OwnContact bool
	// Media names what could not be read ("sticker", "photo", "voice", ...).
	Media string
	// CodeMunicipality is the municipality the referral code of a
	// /start carries, looked up by the adapter: "" for a code for
	// anyone, or none.
	CodeMunicipality string
	// Found is the answer to a Query (KindFound).
	Found *Found
	// Message is the person's own message (text, media, contact, or the
	// message edited): what is copied to the coordinators while the
	// family talks to a person.
	Message int
	// Unreachable is when the bot lost the coordinators' group (removed
	// from it, or without its rights); zero while messages reach it. The
	// family is told honestly instead of "your message went on".
	Unreachable time.Time
	Now         time.Time
}

// Conversation is the stored state of one chat. It is plain data: the
// engine builds its state machine from it on every step.
type Conversation struct {
	Flow  string `json:"flow"`
	State string `json:"state"`
	Lang  string `json:"lang"`
	// LangChosen is set once the person picked a language themselves;
	// from then on Telegram's language_code no longer changes it.
	LangChosen bool `json:"lang_chosen,omitempty"`
	// AskLang is set while Telegram's language is none of ours and the
	// person has not picked one: the welcome asks the language first, in
	// every language, instead of greeting in the fallback one.
	AskLang bool `json:"ask_lang,omitempty"`
	// Seq grows whenever a new question is asked. Buttons carry it, so a
	// press on an earlier question's button is recognised as stale.
	Seq int `json:"seq"`
	// Index is the position inside a question with several parts (the
	// wellbeing statements).
	Index   int           `json:"index,omitempty"`
	Answers polku.Answers `json:"answers"`
	// Editing is set when a question was opened from the summary: its
	// answer returns there.
	Editing  bool   `json:"editing,omitempty"`
	Referral string `json:"referral,omitempty"`
	// CodeMunicipality is the municipality the referral code carries
	// (Input.CodeMunicipality): the Municipality question is answered
	// with it and not asked, until the family picks one itself.
	CodeMunicipality string `json:"code_municipality,omitempty"`
	// Consent is the privacy notice version the person agreed to.
	Consent string `json:"consent,omitempty"`
	// Held is what the family did when the notice, changed since it
	// agreed, was asked again: done once it agrees. Not nil while that
	// question is open.
	Held *Held `json:"held,omitempty"`
	// Refused is the notice version the family said no thanks to: it
	// is not asked again unprompted, and nothing new is stored until it
	// agrees.
	Refused string `json:"refused,omitempty"`
	// Profile is set once the answers were confirmed and saved.
	Profile bool `json:"profile,omitempty"`
	// Saved is the contact choice (and number) of the last save: a
	// coordinator is asked again only when it changes.
	Saved string `json:"saved,omitempty"`
	// Mode is what the chat is in the middle of: talking to a person, a
	// question of the menu or of a pause open (see Mode). It is stored as
	// the booleans paused, erasing, talk and sharing.
	Mode Mode `json:"-"`
	// Share is the family's answer to "may the coordinators see your
	// answers?": "" (not asked), "yes" or "no". It is asked once.
	Share string `json:"share,omitempty"`
	// News is whether the family was asked if it wants news of
	// activities: "" (not yet), "asked", or its answer "yes" or "no"
	// (the family's setting itself is stored with it). It is asked once.
	News string `json:"news,omitempty"`
	// Told is the local date the family was last told that the
	// coordinators are away: at most once a day.
	Told string `json:"told,omitempty"`
	// Kept are the family's messages that were typed where a button was
	// expected and offered to be sent to a person ("Send this to a
	// person"): their numbers in the chat, oldest first, never their
	// text. At most maxKept.
	Kept []int `json:"kept,omitempty"`
	// FollowUp is the wellbeing follow-up being answered, or the last one
	// answered (its Done set); nil before the first. It goes with the
	// rest of the conversation when the family erases its data.
	FollowUp *FollowUp `json:"follow_up,omitempty"`
	// ToldDown is when the coordinators' group became unreachable, once
	// the family was told: once per outage.
	ToldDown time.Time `json:"told_down,omitzero"`
	Updated  time.Time `json:"updated"`
}

// Text is a message ID with its template data. Data values are strings,
// numbers, Text or []Text (localized and joined by the adapter). Count
// selects the plural form.
type Text struct {
	ID    string         `json:"id"`
	Data  map[string]any `json:"data,omitempty"`
	Count *int           `json:"count,omitempty"`
}

// T is shorthand for a Text without data.
func T(id string) Text { return Text{ID: id} }

// Button is an abstract button: a label and what pressing it sends.
type Button struct {
	Label Text `json:"label"`
	// Payload is the callback data of an inline button, or what a reply
	// keyboard button stands for when its label is typed back.
	Payload string `json:"payload,omitempty"`
	// Contact makes a reply keyboard button share the person's number.
	Contact bool `json:"contact,omitempty"`
	// URL makes an inline button open a web page (a map) instead.
	URL string `json:"url,omitempty"`
}

// Reply is one message the bot sends, or an edit of one it sent.
type Reply struct {
	// Edit is the ID of the bot message to edit; 0 sends a new message.
	Edit int `json:"edit,omitempty"`
	// Text is the message as paragraphs, joined with a blank line.
	Text []Text `json:"text"`
	// Inline is the inline keyboard under the message.
	Inline [][]Button `json:"inline,omitempty"`
	// Keyboard is a reply keyboard (used for sharing a phone number).
	Keyboard [][]Button `json:"keyboard,omitempty"`
	// RemoveKeyboard removes a reply keyboard shown earlier.
	RemoveKeyboard bool `json:"remove_keyboard,omitempty"`
	// Calendar sends a calendar file of a sign-up after the text.
	Calendar *Calendar `json:"calendar,omitempty"`
	// Card sends the reply as the image of a wellbeing card, with the
	// text as its caption.
	Card *polku.Card `json:"card,omitempty"`
	// lead puts the reply at the top of the next new message of the
	// step, if any (see joinLeads).
	lead bool
}
