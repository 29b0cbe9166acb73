package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"polku"
	"polku/flows"
	"polku/store"
)

// export answers "📦 My data" in the update's transaction: what is stored
// about the family, in plain words in its language, then all of it as the
// store's JSON document. A chat with no family is told, kindly, that
// nothing is kept.
func (b *Bot) export(ctx context.Context, tx *store.Tx, chat int64, lang string) ([]store.Out, error) {
	l := func(id string) string { return b.render.loc.Message(lang, id, nil, nil) }
	x, err := tx.Export(ctx)
	calls := []out{{Method: "send", ChatID: chat, Text: l("export.none")}}
	switch {
	case polku.ErrorCode(err) == polku.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		var doc bytes.Buffer
		if err := json.Indent(&doc, x.Doc, "", "  "); err != nil {
			return nil, polku.Errorf(polku.EINTERNAL, "export: %v", err)
		}
		calls = append(split(out{Method: "send", ChatID: chat, Text: b.render.export(lang, x, b.Now())}),
			out{Method: "document", ChatID: chat, FileName: l("export.file"), File: doc.Bytes(), Text: l("export.caption")})
	}
	outs := make([]store.Out, len(calls))
	for i, c := range calls {
		outs[i] = store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(c)}
	}
	return outs, nil
}

// export words what the store holds about a family: when it agreed, its
// answers and wellbeing checks, sign-ups, case and cards, each in a
// paragraph of its own.
func (r renderer) export(lang string, x store.Export, now time.Time) string {
	m := func(id string, data map[string]any) string { return r.loc.Message(lang, id, data, nil) }
	day := func(t time.Time) string { return r.when(lang, flows.When{Start: t, Day: true}) }
	f := x.Family
	parts := []string{m("export.title", nil), m("export.consent", map[string]any{"Version": f.ConsentVersion, "Date": day(f.ConsentAt)})}
	if f.ProfileAt.IsZero() {
		parts = append(parts, m("export.no_answers", nil))
	} else {
		parts = append(parts, m("export.answers", map[string]any{"Answers": r.text(lang, flows.AnswersText(f.Answers))}))
	}
	for _, w := range x.Wellbeing {
		if w.Instrument == polku.InstrumentWHO5 {
			parts = append(parts, r.who5(lang, w, day(w.Taken)))
			continue
		}
		lines := make([]string, len(w.Scores))
		for i, score := range w.Scores {
			lines[i] = m("export.wellbeing_line", map[string]any{"Statement": m("wellbeing.s"+strconv.Itoa(i+1), nil), "Score": score})
		}
		parts = append(parts, m("export.wellbeing", map[string]any{"Date": day(w.Taken), "Lines": strings.Join(lines, "\n")}))
	}
	if len(x.SignUps) == 0 {
		parts = append(parts, m("export.signups_none", nil))
	} else {
		lines := make([]string, len(x.SignUps))
		for i, su := range x.SignUps {
			status := "export.signup." + string(su.Status)
			if su.Attendance != "" {
				status = "export.attendance." + string(su.Attendance)
			}
			ses := su.Session()
			lines[i] = m("export.signup", map[string]any{"Title": su.Activity.Title.In(lang),
				"When": r.when(lang, flows.When{Start: ses.Start, End: ses.End}), "Status": m(status, nil)})
		}
		parts = append(parts, m("export.signups", map[string]any{"Lines": strings.Join(lines, "\n")}))
	}
	switch c := x.Case; {
	case c == nil:
		parts = append(parts, m("export.case_none", nil))
	default:
		text := m("export.case_open", map[string]any{"Date": day(c.Opened)})
		if c.Status == polku.CaseClosed {
			text = m("export.case_closed", map[string]any{"Date": day(c.Closed)})
		}
		shared := "export.case_not_shared"
		if c.Shared {
			shared = "export.case_shared"
		}
		parts = append(parts, text+" "+m(shared, nil))
	}
	if len(x.Cards) == 0 {
		parts = append(parts, m("export.cards_none", nil))
	}
	for _, k := range x.Cards {
		data := map[string]any{"Code": polku.FormatCardCode(k.Code), "Used": k.Used,
			"Until": day(k.ValidUntil), "From": day(k.ValidFrom)}
		switch k.State(now) {
		case polku.CardValid:
			parts = append(parts, m("export.card_valid", data))
		case polku.CardNotYet:
			parts = append(parts, m("export.card_not_yet", data))
		default:
			parts = append(parts, m("export.card_ended", data))
		}
	}
	return strings.Join(append(parts, m("export.more", nil)), "\n\n")
}

// who5 words a set of WHO-5 answers: each statement with the answer the
// family chose, and the score when all five were answered.
func (r renderer) who5(lang string, w store.Wellbeing, day string) string {
	m := func(id string, data map[string]any) string { return r.loc.Message(lang, id, data, nil) }
	lines := make([]string, len(w.Scores))
	for i, v := range w.Scores {
		lines[i] = m("export.who5_line", map[string]any{"Statement": m("who5.s"+strconv.Itoa(i+1), nil), "Answer": m("who5.a"+strconv.Itoa(v), nil)})
	}
	t := m("export.who5", map[string]any{"Date": day, "Lines": strings.Join(lines, "\n")})
	if score, ok := polku.InstrumentWHO5.Score(w.Scores); ok {
		t += "\n" + m("export.who5_score", map[string]any{"Score": score})
	}
	return t
}
