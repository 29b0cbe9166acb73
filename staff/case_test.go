package staff_test

import (
	"reflect"
	"testing"

	"polku"
	"polku/flows"
	"polku/staff"
)

func TestSummary(t *testing.T) {
	title := staff.L("case.title", map[string]any{"ID": int64(7)})
	lang := staff.L("case.language", map[string]any{"Language": flows.T("language.name.uk")})
	blank := staff.Raw("")
	answers := polku.Answers{Municipality: "Kuusamo"}
	for _, tc := range []struct {
		name  string
		c     polku.Case
		conv  flows.Conversation
		phone string
		want  []staff.Line
	}{
		{"shared", polku.Case{ID: 7, Shared: true}, flows.Conversation{Lang: "uk", Answers: answers}, "",
			[]staff.Line{title, lang, blank, staff.L("case.shared", nil), blank, {Text: flows.AnswersText(answers)}}},
		{"shared, no answers", polku.Case{ID: 7, Shared: true}, flows.Conversation{}, "",
			[]staff.Line{title, blank, staff.L("case.no_answers", nil)}},
		{"not shared", polku.Case{ID: 7}, flows.Conversation{Lang: "uk", Answers: answers}, "",
			[]staff.Line{title, lang, blank, staff.L("case.not_shared", nil)}},
		{"asked, with a number", polku.Case{ID: 7}, flows.Conversation{Mode: flows.ModeSharing}, "+358 40 000",
			[]staff.Line{title, blank, staff.L("case.share_asked", nil), blank, staff.L("case.call", map[string]any{"Phone": "+358 40 000"})}},
	} {
		if got := staff.Summary(tc.c, tc.conv, tc.phone); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got  %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}
