// Package staff is what the service's staff do: coordinators in their
// group (the cases' topics and buttons, /cases, /duty, notes, the
// family's answers, wellbeing cards, what they write to a family), what
// they get of a family's case (its summary, the family's messages, alerts;
// Cases), providers in their private chat (linking their account,
// checking cards, their roster, marks of who came and visit report),
// managers asking for the report and setting the costs it counts
// (Managers), each of its own scope, roles granted in Telegram (Grants,
// role.go) and referrers seeing their codes' counts (referrer.go).
//
// Like flows, it is pure of Telegram, SQL and languages. It imports only
// the domain (polku) and flows, for flows.Text and flows.AnswersText, so
// that a staff message is localized by the same renderer as a family's
// reply. It never imports bot, store, pgx, go-telegram or locales: it
// declares the store methods it calls as its own interface (Tx), which the
// adapter's transaction satisfies, and it returns Messages (message IDs
// and data, buttons, where they go) that only the adapter renders, queues
// and sends. Who may act (membership of the coordinators' group) is the
// adapter's to check, as it asks Telegram.
package staff

import (
	"context"
	"time"

	"polku"
	"polku/flows"
)

// Tx is what staff needs of the store, in the transaction of the update
// it handles.
type Tx interface {
	// CaseByThread is the case of a forum topic; ENOTFOUND for none.
	CaseByThread(ctx context.Context, thread int) (polku.Case, error)
	// OpenCases are the cases not closed, oldest first.
	OpenCases(ctx context.Context) ([]polku.Case, error)
	// FamilyOf is the answers of a case's family, if it shared them.
	FamilyOf(ctx context.Context, c polku.Case) (polku.Answers, bool, error)
	AddNote(ctx context.Context, caseID, coordinator int64, text string) error
	SetDuty(ctx context.Context, user int64, on bool) error
	// Case is a case by its number; ENOTFOUND when it is gone.
	Case(ctx context.Context, id int64) (polku.Case, error)
	// SeeCoordinator records a coordinator's first name as last seen.
	SeeCoordinator(ctx context.Context, user int64, firstName string) error
	// Claim takes a case for user; ECONFLICT with the case as it is when
	// someone else has it.
	Claim(ctx context.Context, id, user int64, name string) (polku.Case, error)
	Release(ctx context.Context, id int64) (polku.Case, error)
	// CloseCase closes a case with its outcome: ECONFLICT when it is
	// closed already, EINVALID for no outcome of polku.Outcomes.
	CloseCase(ctx context.Context, id int64, outcome polku.Outcome) (polku.Case, error)
	// Unhold takes up to limit of a case's held messages, in order.
	Unhold(ctx context.Context, caseID int64, limit int) (messages []int, left int, err error)
	// FamilyChat is the state of a family's chat.
	FamilyChat(ctx context.Context, chat int64) (FamilyChat, error)
	// Count adds one to the day's statistic of kind.
	Count(ctx context.Context, kind, municipality string) error
	// CountCase counts what happened to a case for the report, by its
	// municipality: "opened", "closed_OUTCOME", "feedback_SCORE".
	CountCase(ctx context.Context, what, municipality string) error
	// Answered is told, before the message is audited, that a
	// coordinator's message goes to the family of a case: the first since
	// the case was opened is measured within the office hours.
	Answered(ctx context.Context, c polku.Case, h polku.OfficeHours) error
	// ChatCard is the card of a family's chat; ENOTFOUND for none.
	ChatCard(ctx context.Context, chat int64) (polku.Card, error)
	// IssueCard gives a case's family a card with a new code, revoking
	// the one it had.
	IssueCard(ctx context.Context, c polku.Case, by int64, terms CardTerms) (polku.Card, error)
	// RevokeCard revokes the card of a family's chat; ENOTFOUND for none.
	RevokeCard(ctx context.Context, chat, by int64) (polku.Card, error)
	// AddProvider registers a provider for the organiser its name names
	// (ENOTFOUND for none, EINVALID with the candidates for several),
	// with a link that works for linkDays.
	AddProvider(ctx context.Context, organiser, name string, by int64, linkDays int) (polku.Provider, []string, error)
	// Providers are the providers not removed.
	Providers(ctx context.Context) ([]polku.Provider, error)
	// FindProviders are the providers a number or a name names.
	FindProviders(ctx context.Context, name string) ([]polku.Provider, error)
	RemoveProvider(ctx context.Context, id, by int64) (polku.Provider, error)
	// AddReferral makes a referral code for an organisation.
	AddReferral(ctx context.Context, organisation, municipality string, by int64) (string, error)
	// Referrals are the referral codes with their counts.
	Referrals(ctx context.Context) ([]polku.Referral, error)
	// Audit records what a coordinator did: never what they wrote.
	Audit(ctx context.Context, coordinator int64, action string, caseID int64, detail string) error
	// MoveCase gives a case to another municipality and its group,
	// leaving its topic and its coordinator; it returns the case as it
	// was and as it is now.
	MoveCase(ctx context.Context, id int64, municipality string, group int64) (before, after polku.Case, err error)
	// Notes are a case's notes, oldest first.
	Notes(ctx context.Context, caseID int64) ([]polku.Note, error)
	// ProfileMunicipality is the municipality the answers chat's family
	// last confirmed say ("" for none).
	ProfileMunicipality(ctx context.Context, chat int64) (string, error)
}

// Target is where a message goes.
type Target int

const (
	// Here is the chat, or the forum topic, the staff member wrote in
	// (the General topic for none).
	Here Target = iota
	// Topic is the topic of the message's Case.
	Topic
	// Pressed is the message whose button was pressed: its buttons
	// become Buttons (none for nil).
	Pressed
	// Family is the private chat of a case's family (Chat), written in
	// its language (Lang; the default language for none).
	Family
	// Thread is a forum topic of the group by its number (Thread; the
	// General topic for 0), for a case that is about to be gone.
	Thread
)

// Kind is what a message does where it goes.
type Kind int

const (
	// Send sends Lines with Buttons.
	Send Kind = iota
	// Copy copies a message (Copied) of another chat.
	Copy
	// Held is the notice, in a case's topic, that the family's messages
	// are held, with the button that brings them in.
	Held
	// CloseTopic closes, ReopenTopic opens again, Retitle renames (to
	// Raw Lines) and DeleteTopic deletes the topic.
	CloseTopic
	ReopenTopic
	Retitle
	DeleteTopic
	// PinSummary is a case's summary, pinned in its topic; EditSummary
	// writes it again.
	PinSummary
	EditSummary
	// Alert is an urgent alert in a case's topic, before any other
	// message, mentioning the coordinators in Mention.
	Alert
	// Moved opens a moved case's topic in its new group (Message.Group):
	// its summary pinned, as for a new case, then Lines, its history.
	Moved
	// Received marks the family's message Copied, in its chat (Chat), as
	// taken into its case: the family's receipt, To Family.
	Received
)

// Message is one message of the bot to staff or to a family, still to be
// localized: Lines are joined by line breaks (an empty Raw line makes a
// paragraph). Case, when set, is the case the message belongs to: it is
// erased with the case and waits in the case's turn.
type Message struct {
	To      Target
	Kind    Kind
	Case    int64
	Lines   []Line
	Buttons [][]Button
	// Edit, when set, is the message Here to write again instead.
	Edit int
	// Thread is the topic of a message To Thread.
	Thread int
	// Group is the coordinators' group a message To Topic or Thread goes
	// to when it is not the one the case is handled in now: a case moved
	// leaves one group's topic and opens in another's. 0 for that one.
	Group int64
	// Mention are the coordinators an Alert names.
	Mention []polku.Coordinator
	// Chat and Lang are a family's chat and language (To Family).
	Chat int64
	Lang string
	// Copied is the message that a Copy copies, from the chat From;
	// Caption makes Lines the copy's caption.
	From    int64
	Copied  int
	Caption bool
	// Later sends the message after every answer waiting (a question
	// that can wait, as the feedback after a case).
	Later bool
	// Card is a wellbeing card to show as its picture, with Lines as its
	// caption (To Family).
	Card *polku.Card
	// Poster is a referral code's poster to send as a file, with Lines
	// as its caption.
	Poster *Poster
	// Report is a managers' report of the period to build and send Here:
	// its picture with the summary as caption, and its workbook; CSV adds
	// its tables as CSV files, in one zip file.
	Report *Period
	CSV    bool
	// Campaign is a campaign to show Here as the families will see it,
	// in Lang (a preview).
	Campaign *polku.Campaign
	// AuditLog is the audit log of the period to read and send Here: a
	// summary and its workbook; CSV adds its rows as a CSV file, zipped.
	AuditLog *Period
	// Scope is the part of the service a Report or an AuditLog covers
	// (the zero Scope is the whole service).
	Scope polku.Scope
	// Visits is a provider's month to write as a workbook and send Here
	// after Lines; CSV adds its tables as CSV files, zipped.
	Visits *polku.Visits
}

// Button is a button of a message: its label and what pressing it sends.
// Max, when set, cuts a long label (an activity's title) to that many
// characters as Telegram counts them, the last an ellipsis.
type Button struct {
	Label Line
	Max   int
	Data  string
}

// FamilyChat is the state of a family's chat as staff needs it.
type FamilyChat struct {
	// Lang is the language the family uses the bot in.
	Lang string
	// Talk says the family is talking to a person: what it types goes
	// to its case.
	Talk bool
	// Blocked says the family blocked the bot.
	Blocked bool
}

// Line is one line of a message: a text to localize, Raw words written as
// they are (a case's title, what a coordinator wrote), with Topic set a
// link that opens that forum topic, or Parts written one after another.
type Line struct {
	Text  flows.Text
	Raw   string
	Topic int
	// Group is Topic's group.
	Group int64
	Parts []Line
}

// L is a line to localize.
func L(id string, data map[string]any) Line { return Line{Text: flows.Text{ID: id, Data: data}} }

// Raw is a line written as it is.
func Raw(s string) Line { return Line{Raw: s} }

// blank makes a paragraph between the lines around it.
var blank = Raw("")

// say is a message of lines Here.
func say(lines ...Line) Message { return Message{To: Here, Lines: lines} }

// Config is the service's settings staff acts on.
type Config struct {
	// Now is the service's clock.
	Now func() time.Time
	// Card are the terms of a card issued with a case's button.
	Card CardTerms
	// VerifyPerHour is how many cards one provider may check within an
	// hour; ProviderLinkDays how many days a provider's link works.
	VerifyPerHour, ProviderLinkDays int
	// Link is a link that opens the bot with start: the adapter's, as
	// only it knows the bot's name.
	Link func(ctx context.Context, start string) (string, error)
	// ShowNames shows the family a coordinator's first name.
	ShowNames bool
	// Templates returns the coordinators' reply templates (/t NAME): by
	// name, the text in each language it has.
	Templates func() map[string]map[string]string
	// HasGroup says there is a coordinators' group: without one, cases
	// are only stored.
	HasGroup bool
	// Languages are where a template is looked for when it has none in
	// the family's language: the group's, then every one the bot speaks.
	Languages []string
	// Hours are the coordinators' office hours: the time to a case's
	// first answer is counted within them.
	Hours polku.OfficeHours
	// Service is the service's municipalities with their own settings: a
	// case's card terms and office hours are its municipality's, and a
	// case can be moved to another municipality's group. Without
	// municipalities, Card and Hours serve every case.
	Service polku.Service
	// Location is the service's time zone: a provider's today and month.
	Location *time.Location
}

// card is the terms of a card issued on case c: its municipality's.
func (c Config) card(m string) CardTerms {
	if t := c.Service.SettingsOf(m).Card; t.Days > 0 {
		return CardTerms{Days: t.Days, Visits: t.Visits}
	}
	return c.Card
}

// hours is when the coordinators of municipality m's cases answer.
func (c Config) hours(m string) polku.OfficeHours {
	if len(c.Service.Municipalities) > 0 {
		return c.Service.SettingsOf(m).Hours
	}
	return c.Hours
}

// Coordinators is what coordinators do in their group.
type Coordinators struct {
	cfg Config
}

// NewCoordinators returns the coordinators' side with cfg.
func NewCoordinators(cfg Config) *Coordinators { return &Coordinators{cfg: cfg} }

// Input is one act of a coordinator whose membership is checked.
type Input struct {
	// User and Name are the coordinator's Telegram user ID and first name.
	User int64
	Name string
	// Thread is the forum topic written in, 0 for the General topic.
	Thread int
	// Command is a command without its slash, Arg what follows it.
	Command, Arg string
	// Data is a pressed button's data, Pressed the message it is on.
	Data    string
	Pressed int
	// Lang is the language the person uses the bot in (a provider's).
	Lang string
	// Chat is the chat written in and Message the message written.
	// Text is a typed message's text; Media the kind of a media message
	// ("photo", "sticker", ...; "other" for one that cannot be copied)
	// and Caption its caption.
	Chat                 int64
	Message              int
	Text, Media, Caption string
	// Photo is the Telegram file ID of a photo sent with a command in its
	// caption (a campaign's picture).
	Photo string
	// Reach are the municipalities a manager of a part of the service
	// acts for (its campaigns go to their families only); nil for the
	// whole service, and for coordinators.
	Reach []string
}
