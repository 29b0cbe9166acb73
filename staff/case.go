package staff

import (
	"context"
	"fmt"
	"strings"
	"time"

	"polku"
	"polku/flows"
)

// TopicTitle names a case's forum topic: its number, municipality and the
// children's age bands, never a name.
func TopicTitle(c polku.Case) string {
	parts := []string{fmt.Sprintf("#%d", c.ID)}
	if c.Urgent {
		parts[0] = "🆘 " + parts[0]
	}
	if c.Municipality != "" {
		parts = append(parts, c.Municipality)
	}
	if c.Bands != "" {
		parts = append(parts, strings.ReplaceAll(strings.ReplaceAll(c.Bands, "-", "–"), ",", ", "))
	}
	return strings.Join(parts, " · ")
}

// cases is /cases: the open cases by age and status, each with a link to
// its topic.
func (s *Coordinators) cases(ctx context.Context, tx Tx, in Input) ([]Message, error) {
	cs, err := tx.OpenCases(ctx)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return []Message{say(L("coord.cases_none", nil))}, tx.Audit(ctx, in.User, "list_cases", 0, "")
	}
	now := s.cfg.Now()
	m := say(L("coord.cases", map[string]any{"Count": len(cs)}))
	for _, c := range cs {
		status := L("coord.unclaimed", nil)
		if c.ClaimedBy != 0 {
			status = L("coord.claimed_short", map[string]any{"Name": c.ClaimedName})
		}
		m.Lines = append(m.Lines, blank, Line{Parts: []Line{Raw(TopicTitle(c) + " — "), age(now.Sub(c.Opened)), Raw(", "), status}})
		if c.Thread != 0 {
			m.Lines = append(m.Lines, Line{Topic: c.Thread, Group: c.Group})
		}
	}
	return []Message{m}, tx.Audit(ctx, in.User, "list_cases", 0, "")
}

// age words how long a case has waited.
func age(d time.Duration) Line {
	d = max(d, 0).Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return L("coord.age.days", map[string]any{"D": days, "H": hours})
	case hours > 0:
		return L("coord.age.hours", map[string]any{"H": hours, "M": mins})
	}
	return L("coord.age.minutes", map[string]any{"M": mins})
}

// Nudge reminds the coordinators, in its topic, of a case nobody claimed.
func Nudge(c polku.Case, now time.Time) Message {
	return Message{To: Topic, Case: c.ID, Lines: []Line{L("case.nudge", map[string]any{"ID": c.ID, "Age": age(now.Sub(c.Opened)).Text})}}
}

// Summary is the first message of a case's topic: the family's answers
// when it agreed to share them; else only the number it asked to be
// called at (phone), if it did.
func Summary(c polku.Case, conv flows.Conversation, phone string) []Line {
	a := conv.Answers
	lines := SummaryHead(c, conv.Lang)
	switch {
	case c.Shared && (a.Municipality != "" || len(a.Children) > 0):
		return append(lines, blank, L("case.shared", nil), blank, Line{Text: flows.AnswersText(a)})
	case c.Shared:
		return append(lines, blank, L("case.no_answers", nil))
	}
	id := "case.not_shared"
	if conv.Sharing() {
		id = "case.share_asked"
	}
	lines = append(lines, blank, L(id, nil))
	if phone != "" {
		lines = append(lines, blank, L("case.call", map[string]any{"Phone": phone}))
	}
	return lines
}

// SummaryHead is the first lines of a case's summary: its number, and the
// language the family uses the bot in, whatever it shared, so that the
// coordinators know how to write to it.
func SummaryHead(c polku.Case, familyLang string) []Line {
	head := []Line{L("case.title", map[string]any{"ID": c.ID})}
	if familyLang != "" {
		head = append(head, L("case.language", map[string]any{"Language": flows.T("language.name." + familyLang)}))
	}
	return head
}
