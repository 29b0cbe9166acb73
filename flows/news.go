package flows

// News of activities: the campaigns a manager or a coordinator sends to
// the families who want them. Asked once, with the thanks at the end of
// the intake (its one set of buttons, as the share question is); changed
// in /settings; "/stop" and the button under every campaign say no. The
// answer is the family's (SetNews, stored with it); the conversation
// remembers that it was asked.

// SetNews stores the family's answer to whether it wants news of
// activities.
type SetNews struct{ On bool }

// OpenedCampaign counts that the family opened the activity of the
// campaign it was sent.
type OpenedCampaign struct{ Campaign int64 }

func (SetNews) effect()        {}
func (OpenedCampaign) effect() {}

// newsQuestion is "may I send you news of activities?", with its answers.
func (s *step) newsQuestion() Reply {
	return Reply{Text: []Text{T(s.worded("news.question"))}, Inline: [][]Button{
		{{Label: T("news.yes"), Payload: newsPayload("yes")}},
		{{Label: T("news.no"), Payload: newsPayload("no")}},
	}}
}

// askNews puts the news question into the last reply (the thanks) when it
// was never asked: its text last, its answers above the reply's own
// buttons, which stay. It reports whether it did.
func (s *step) askNews() bool {
	n := len(s.res.Replies)
	if s.c.News != "" || s.c.Consent == "" || n == 0 || s.res.Replies[n-1].Edit != 0 {
		return false
	}
	s.c.News = "asked"
	q := s.newsQuestion()
	last := &s.res.Replies[n-1]
	last.Text, last.Inline = append(last.Text, q.Text...), append(q.Inline, last.Inline...)
	return true
}

// news answers a press on a news button: "yes" and "no" answer the
// question (its message says what was chosen), "stop" is the button under
// a campaign (the campaign stays as it was).
func (s *step) news(p Payload) {
	if len(p.Args) > 0 || s.c.Consent == "" {
		s.forged()
		return
	}
	switch p.Action {
	case "yes", "no":
		s.c.News = p.Action
		s.effect(SetNews{On: p.Action == "yes"})
		s.send(Reply{Edit: s.in.MessageID, Text: []Text{T("news." + p.Action + "_done")}, Inline: [][]Button{{menuButton()}}})
	case "stop":
		s.stopNews()
	default:
		s.forged()
	}
}

// stopNews is "/stop", and the button under a campaign: no more news.
// Reminders of the family's sign-ups are another setting, and stay.
func (s *step) stopNews() {
	if s.c.Consent != "" {
		s.c.News = "no"
		s.effect(SetNews{On: false})
	}
	s.send(Reply{Text: []Text{T("news.stopped")}, Inline: [][]Button{{{Label: T("menu.settings"), Payload: actNew("r")}}, {menuButton()}}})
}

// CampaignPayload is the button under a campaign's announcement that
// opens its activity.
func CampaignPayload(campaign, activity int64) string {
	return actNew("n", itoa(campaign), itoa(activity))
}

// StopNewsPayload is the button under a campaign that stops news.
func StopNewsPayload() string { return newsPayload("stop") }
