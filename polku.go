// Package polku is the domain of the Polku family-service bot: the nouns
// every layer speaks, one noun per file, so that a newcomer finds a noun by
// its name here and in every layer that handles it (store/card.go,
// bot/card.go):
//
//   - error.go: the one error type with its codes
//   - family.go: a family, its intake answers and consent
//   - activity.go: the catalogue's activities and sessions
//   - signup.go: a family's place in a session
//   - reminders.go: the reminders and follow-ups of a sign-up
//   - match.go: matching and ranking activities for a family
//   - case.go: a family's conversation with the coordinators, its outcome
//   - coordinator.go: a member of the coordinators' group
//   - card.go: the wellbeing card
//   - wellbeing.go: the wellbeing instruments (WHO-5, Polku's own), their scores
//   - code.go: the codes of cards, referrals and providers' links
//   - hours.go: the coordinators' office hours
//   - safety.go: the safety words that make a message urgent
//   - provider.go: an activity provider's person who checks cards
//   - roster.go: a provider's roster of a session, its marks of who came, the month's visits
//   - referral.go: a referral code of the professional network
//   - lang.go: texts in several languages, the languages a family speaks
//
// It imports only the standard library. Adapters (store, bot) translate their
// libraries' errors into *Error, and the flows speak these types.
package polku
