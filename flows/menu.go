package flows

// The menu and what it opens: the language picker, the privacy screen
// with its export and erasure.

func (s *step) menu() Reply {
	var rows [][]Button
	switch s.state() {
	case Done:
		rows = append(rows, []Button{s.btn("menu.change", "menu", "change")})
		if r := s.resultButton(); r != nil {
			rows = append(rows, r)
		}
	case Welcome, Privacy, PrivacyMore, Declined:
		rows = append(rows, []Button{s.btn("menu.continue", "menu", "cont")})
	default:
		rows = append(rows,
			[]Button{s.btn("menu.continue", "menu", "cont")},
			[]Button{s.btn("menu.over", "menu", "over")})
	}
	rows = append(rows,
		[]Button{{Label: T("menu.activities"), Payload: actNew("s", "0")}, {Label: T("menu.mine"), Payload: actNew("m")}},
		[]Button{s.btn("menu.card", "menu", "card"), s.btn("menu.person", "menu", "person")},
		[]Button{s.btn("menu.language", "menu", "lang"), s.btn("menu.privacy", "menu", "privacy")},
		[]Button{{Label: T("menu.settings"), Payload: actNew("r")}})
	return Reply{Text: []Text{T("menu.title")}, Inline: rows}
}

// continueButton goes back to where the family was: "Continue where I
// was" in the middle of the questions, "Back" once they are done (there
// is nothing left to continue).
func (s *step) continueButton() []Button {
	if s.state() == Done {
		return []Button{s.btn("button.back", "menu", "cont")}
	}
	return []Button{s.btn("menu.continue", "menu", "cont")}
}

func (s *step) menuChoice(choice string) {
	switch choice {
	case "cont":
		s.c.Mode.Set(ModePaused, false)
		s.reask()
	case "over":
		s.c.Mode.Set(ModePaused, false)
		s.startOver()
	case "change":
		if s.m.Current() == Done {
			s.fire("change")
			return
		}
		s.reask()
	case "person":
		s.person()
	case "card":
		s.query(Query{Kind: QueryCard})
	case "result":
		s.result()
	case "lang":
		s.send(s.languagePicker())
	case "privacy":
		s.send(s.privacyInfo())
	case "show":
		if !s.c.Profile {
			s.say(T("privacy.nothing"))
			return
		}
		s.send(Reply{Text: []Text{T("privacy.yours"), s.summary()}, Inline: [][]Button{s.continueButton()}})
	case "export":
		s.effect(Export{})
	case "erase":
		s.c.Mode.Set(ModeErasing, true)
		s.send(Reply{Text: []Text{T("erase.confirm"), T("erase.list")}, Inline: [][]Button{
			{s.btn("erase.yes", "erase", "yes")},
			{s.btn("erase.no", "erase", "no")},
		}})
	default:
		s.forged()
	}
}

func (s *step) privacyInfo() Reply {
	status := T("privacy.status_none")
	var rows [][]Button
	switch {
	case s.stale():
		// Agreed to an earlier notice: agreeing to this one is here
		// too, for the family that said no thanks when asked.
		status = Text{ID: "privacy.status_old", Data: map[string]any{"Version": s.c.Consent}}
		rows = append(rows, []Button{s.btn("privacy.yes", "renew", "yes")})
	case s.c.Consent != "":
		status = Text{ID: "privacy.status_agreed", Data: map[string]any{"Version": s.c.Consent}}
	}
	rows = append(rows, []Button{s.btn("privacy.more", "more")})
	if s.c.Profile {
		rows = append(rows, []Button{s.btn("privacy.show", "menu", "show")})
	}
	// Always: a family that never agreed is told kindly that nothing is
	// kept about it.
	rows = append(rows, []Button{s.btn("export.button", "menu", "export")})
	if s.c.Consent != "" || s.c.Profile {
		rows = append(rows, []Button{s.btn("privacy.erase", "menu", "erase")})
	}
	rows = append(rows, s.continueButton())
	texts := []Text{T("privacy.info")}
	if c, ok := s.controllerText(); ok {
		texts = append(texts, c)
	}
	return Reply{Text: append(texts, status), Inline: rows}
}

func (s *step) erase(choice string) {
	if !s.c.Erasing() {
		s.toast(T("input.stale"))
		return
	}
	s.c.Mode.Set(ModeErasing, false)
	if choice != "yes" {
		s.say(T("erase.kept"))
		s.reask()
		return
	}
	s.effect(Erase{})
	from := s.m.Current()
	lang, chosen, seq := s.c.Lang, s.c.LangChosen, s.c.Seq
	s.c = s.e.NewConversation(lang, s.in.Now)
	// Buttons from before the erase must stay stale.
	s.c.LangChosen, s.c.Seq = chosen, seq+1
	s.m.SetState(Welcome)
	s.left(from)
	s.say(T("erase.done"))
	s.reask()
}

func (s *step) languagePicker() Reply {
	return Reply{Text: []Text{T("language.choose")}, Inline: s.languageRows()}
}

func (s *step) languageRows() [][]Button {
	var rows [][]Button
	var row []Button
	for _, l := range s.e.cfg.Languages {
		row = append(row, Button{Label: T("language.self." + l), Payload: langPayload(l)})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	return rows
}

// menuButton opens the menu from any message, however old: the last
// button of a message that ends a thread (thanks for feedback, for telling
// whether the family went), so that no screen is a dead end.
func menuButton() Button { return Button{Label: T("button.menu"), Payload: menuPayload()} }
