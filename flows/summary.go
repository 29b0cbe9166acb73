package flows

import (
	"slices"

	"polku"
)

// The summary: the answers read back as one text (the family confirms
// it; the coordinators see it when the family lets them), the screen where
// any answer can be changed, and the thanks once they are saved.

// summary is the answers as one text, each line a localized piece.
func (s *step) summary() Text {
	t := AnswersText(s.c.Answers)
	if s.instrument() == polku.InstrumentOff {
		// No wellbeing question was asked: no line for it.
		delete(t.Data, "Wellbeing")
	}
	return t
}

// AnswersText is a family's answers as one text, each line a localized piece:
// what the family confirms, and what coordinators see when the family
// agreed to share it.
func AnswersText(a polku.Answers) Text {
	none := T("summary.none")
	list := func(items []Text) any {
		if len(items) == 0 {
			return none
		}
		return items
	}
	// A young person's line is their own age, not their children's.
	children := any(childrenText(a))
	if a.Young() {
		children = T("summary.young")
	}
	municipality := any(a.Municipality)
	if a.Municipality == "other" {
		municipality = T("municipality.other")
	}
	// The family's own words are shown quoted on one line, cleaned again
	// (answers stored before they were cleaned on the way in), so that
	// nothing they wrote can pass for a line of the bot's: the summary
	// is what the coordinators trust.
	helpText := any(none)
	if w := Quotable(a.HelpText, polku.MaxFreeText); w != "" {
		helpText = Text{ID: "summary.words", Data: map[string]any{"Words": w}}
	}
	// Whether the check was answered, never the answers nor a score:
	// the coordinators see this text.
	wellbeing := T("summary.wellbeing_skipped")
	switch n, of := len(a.Wellbeing), a.WellbeingInstrument().Statements(); {
	case n >= of:
		wellbeing = T("summary.wellbeing_done")
	case n > 0:
		wellbeing = Text{ID: "summary.wellbeing_part", Data: map[string]any{"N": n, "Of": of}}
	}
	contact := any(none)
	if a.Contact != "" {
		contact = T("contact." + string(a.Contact))
	}
	if a.Contact == polku.ContactPhone && a.Phone != "" {
		contact = Text{ID: "summary.phone", Data: map[string]any{"Phone": Clean(a.Phone)}}
	}
	return Text{ID: "summary.body", Data: map[string]any{
		"Municipality": municipality,
		"Children":     children,
		"Interests":    list(labels(a.Interests, "interest.")),
		"Helps":        list(labels(a.Helps, wordedFor(a.Young(), "help."))),
		"HelpText":     helpText,
		"Needs":        list(labels(a.Needs, wordedFor(a.Young(), "need."))),
		"Languages":    list(languageNames(a.Languages)),
		"Wellbeing":    wellbeing,
		"Contact":      contact,
	}}
}

// languageNames are the plain names of languages in the reader's
// language ("Ukrainian", not "українська"), for the answers read back; the
// question's buttons show each in its own.
func languageNames(langs []string) []Text {
	var out []Text
	for _, l := range langs {
		if l == "other" {
			out = append(out, T("spoken.other"))
			continue
		}
		out = append(out, T("language.name."+l))
	}
	return out
}

func labels[V ~string](vs []V, prefix string) []Text {
	var out []Text
	for _, v := range vs {
		out = append(out, T(prefix+string(v)))
	}
	return out
}

// The summary: the answers read back, confirm, or change any of them
// (the question opened from here returns here).
func (s *step) askSummary() Reply {
	rows := [][]Button{{s.btn("summary.confirm", "ok")}}
	var row []Button
	for _, q := range s.editable() {
		row = append(row, s.btn("summary.edit."+q, "e", q))
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	return Reply{Text: []Text{T("summary.title"), s.summary(), T("summary.question")}, Inline: append(rows, s.footer(true))}
}

func (s *step) answerSummary(action string, args []string) bool {
	a := &s.c.Answers
	switch {
	case action == "ok":
		if a.Validate() != nil {
			return false
		}
		if s.renewFirst() {
			// Saved once the family agrees to the notice as it is now.
			return true
		}
		s.c.Profile = true
		s.effect(SaveProfile{Answers: *a, Referral: s.c.Referral})
		// A coordinator is asked again only when the way to reach the
		// family changed, not on every re-save.
		contact := false
		if saved := string(a.Contact) + "/" + a.Phone; saved != s.c.Saved {
			s.c.Saved = saved
			if a.Contact != polku.ContactNone {
				s.effect(RequestPerson{Reason: "intake", Contact: a.Contact})
				contact = true
			}
		}
		if !s.fire("confirm") {
			return false
		}
		// The contact choice hands the family to a person at once;
		// whether they may see the answers is asked once.
		if contact {
			s.effect(OpenCase{Share: s.c.Share == "yes"})
			s.c.Mode.Set(ModeTalking, a.Contact == polku.ContactChat)
			if s.c.Share == "" {
				// Asked in the thanks, as its one set of buttons: not
				// a question lost between the menu and the
				// suggestions. Until it is answered, the case's
				// summary says it waits for the family's answer.
				s.c.Mode.Set(ModeSharing, true)
				q := s.shareQuestion()
				if n := len(s.res.Replies); n > 0 && s.res.Replies[n-1].Edit == 0 {
					thanks := &s.res.Replies[n-1]
					thanks.Text, thanks.Inline = append(thanks.Text, q.Text...), q.Inline
				} else {
					s.send(q)
				}
			}
		}
		if !contact {
			// Asked once, in the thanks, when no person takes the
			// family over.
			s.askNews()
		}
		// The first suggestions follow the thanks at once.
		if slices.Contains(s.e.cfg.Municipalities, a.Municipality) {
			s.query(Query{Kind: QuerySuggest, Municipality: a.Municipality, Screen: act("s", "0"), Fresh: true})
		}
		return true
	case action == "e" && slices.Contains(s.editable(), arg(args, 0)):
		s.c.Editing = true
		return s.fire("edit_" + arg(args, 0))
	}
	return false
}

// Done: the thanks for the saved answers, with what happens next.
func (s *step) askDone() Reply {
	a := s.c.Answers
	t := []Text{T("done.thanks")}
	switch a.Contact {
	case polku.ContactChat:
		t = append(t, T("done.contact_chat"))
	case polku.ContactPhone:
		t = append(t, T("done.contact_phone"))
	}
	t = append(t, T("done.next"))
	rows := [][]Button{{{Label: T("menu.activities"), Payload: actNew("s", "0")}}}
	if r := s.resultButton(); r != nil {
		rows = append(rows, r)
	}
	return Reply{Text: t, Inline: append(rows, []Button{s.btn("done.change", "change")}, s.footer(false))}
}

func (s *step) answerDone(action string, _ []string) bool {
	return action == "change" && s.fire("change")
}

// childrenText is the line of the family's children by age band ("Children:
// 1 child aged 0–2 years, 2 children aged 7–12 years"), "–" for none.
func childrenText(a polku.Answers) Text {
	var kids []Text
	for _, b := range polku.AgeBands {
		if n := a.Children[b]; n > 0 {
			kids = append(kids, Text{ID: "summary.children_band", Data: map[string]any{"Band": T("age." + string(b)), "Count": n}, Count: &n})
		}
	}
	list := any(T("summary.none"))
	if kids != nil {
		list = kids
	}
	return Text{ID: "summary.children", Data: map[string]any{"List": list}}
}
