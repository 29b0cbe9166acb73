package flows

// A young person of 13–17 may use Polku on their own (the Finnish age of
// a child's own consent to information society services, Tietosuojalaki
// 5 §): the notice and the questions that speak of "your family" or "your
// children" are worded for them. They are the one child, of 13–17, so the
// children's question is not asked; and Polku's own wellbeing statements,
// which are a parent's about the family, are not asked of them (the WHO-5
// is about oneself, and is).

// youngWords are the messages worded differently for a young person: a
// message ID, or the prefix of a list's labels.
var youngWords = map[string]string{
	"privacy.summary":    "privacy.young_summary",
	"privacy.full":       "privacy.young_full",
	"interests.question": "interests.young_question",
	"share.question":     "share.young_question",
	"helps.question":     "helps.young_question",
	"help.":              "help_young.",
	"need.":              "need_young.",
	"languages.question": "languages.young_question",
	"news.question":      "news.young_question",
	// Why an activity is suggested, where it speaks of the family.
	"reason.together": "reason.young_together",
	"reason.families": "reason.young_families",
	"reason.break":    "reason.young_break",
	"reason.talk":     "reason.young_talk",
	"reason.age":      "reason.young_age",
}

// worded is message id (or label prefix) as the one speaking reads it.
func (s *step) worded(id string) string {
	return wordedFor(s.c.Answers.Young(), id)
}

// wordedFor is id worded for a young person, when young.
func wordedFor(young bool, id string) string {
	if w, ok := youngWords[id]; ok && young {
		return w
	}
	return id
}

// youngEvent swaps an event of the intake's order for a young person's:
// past the children's question, both ways.
func (s *step) youngEvent(event string) string {
	if !s.c.Answers.Young() {
		return event
	}
	switch cur := s.m.Current(); {
	case event == "agree" || event == "agreed":
		return event + "_young"
	case event == "back" && cur == Interests:
		return "back_young"
	}
	return event
}
