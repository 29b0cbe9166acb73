package report

import "strings"

// MaxSummary is the longest summary: a photo's caption on Telegram holds
// 1,024 characters.
const MaxSummary = 1000

// Summary is the report's headline figures as a short text in lang, each
// with the previous period's in brackets, for the message that carries
// the picture and the workbook.
func Summary(w Words, r Report, lang string) string {
	var b strings.Builder
	b.WriteString(w.Message(lang, "report.summary.title", map[string]any{"Period": r.Period.String(), "Previous": r.Previous.String()}, nil))
	for _, f := range r.Headline {
		line := w.Message(lang, "report.summary.line", map[string]any{
			"Label": say(w, lang, f.Label), "Now": brief(lang, f.Now), "Before": brief(lang, f.Before),
		}, nil)
		if len([]rune(b.String()))+len([]rune(line))+1 > MaxSummary-200 {
			break
		}
		b.WriteString("\n" + line)
	}
	b.WriteString("\n\n" + w.Message(lang, "report.summary.marks", nil, nil))
	s := b.String()
	if rs := []rune(s); len(rs) > MaxSummary {
		s = string(rs[:MaxSummary-1]) + "…"
	}
	return s
}
