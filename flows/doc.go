// Package flows owns Polku's conversations with families: the intake state
// machine (declared with looplab/fsm), the activities screens, talking to a
// person, and the pure step engine that takes a stored conversation and one
// input and returns the new conversation, the replies and the effects.
//
// flows must stay pure: it never imports bot, store, pgx, go-telegram or
// go-i18n, does no I/O and knows no language. Replies name message IDs that
// the adapter localizes; effects name what the adapter must store.
//
// The files:
//
//	conversation.go  what the engine takes and gives: Input, Conversation, Text, Button, Reply
//	mode.go          the chat's mode (talking, sharing, erasing, paused), stored as four booleans
//	engine.go        Engine, Config, Step and Ask; the work of one step: fire, advance, back,
//	                 send, say, toast, reask
//	payload.go       the one callback-data grammar: Payload, ParsePayload, the builders
//	route.go         commands, presses by their payload's kind, typed text, the pause after a
//	                 long break, messages kept for a person
//	intake.go        the intake's states and transitions; each question's screen beside its answer
//	place.go         picking a municipality: at once, or region first in a service of many
//	wellbeing.go     the wellbeing check in the service's instrument (WHO-5, own, or none): its
//	                 screens, the offer after a very low WHO-5 score, the family's own result
//	notice.go        the privacy notice: the controller it names, its version, asked again once
//	                 when it changed (what the family sent held meanwhile)
//	young.go         a young person's (13–17) wording, events past the children's question
//	summary.go       the answers read back (AnswersText), the summary screen, the thanks
//	menu.go          the menu, the language picker, the privacy screen, export and erasure
//	talk.go          talking to a person, safety words, the feedback and card screens
//	activities.go    suggestions, browsing, the activity card, signing up, sign-ups, reminders
//	news.go          news of activities (campaigns): asked once, /stop, a campaign's buttons
//	effect.go        the effects a step asks of the adapter
//	text.go          text hygiene: Fold, Clean, Quotable, Telling
//	restart.go       what a draft is, and a draft left too long started afresh
package flows
