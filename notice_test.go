package polku

import "testing"

// TestNoticeVersion: the version changes when the notice's words or the
// controller it names do, and only then; NoticeTextsChanged tells which.
func TestNoticeVersion(t *testing.T) {
	c := Controller{Name: Localized{"fi": "Kuusamon kaupunki", "sv": "Kuusamo stad"}, Contact: "kirjaamo@example.org", DPO: "tietosuoja@example.org"}
	base := NoticeVersion("words", c)
	if again := NoticeVersion("words", Controller{Name: Localized{"sv": "Kuusamo stad", "fi": "Kuusamon kaupunki"}, Contact: c.Contact, DPO: c.DPO}); again != base {
		t.Errorf("the same notice has two versions: %s and %s", base, again)
	}
	for name, tc := range map[string]struct {
		texts string
		c     Controller
		words bool
	}{
		"other words":       {"other words", c, true},
		"controller's name": {"words", Controller{Name: Localized{"fi": "Kalajoen kaupunki"}, Contact: c.Contact, DPO: c.DPO}, false},
		"contact":           {"words", Controller{Name: c.Name, Contact: "info@example.org", DPO: c.DPO}, false},
		"DPO":               {"words", Controller{Name: c.Name, Contact: c.Contact}, false},
		"no controller":     {"words", Controller{}, false},
	} {
		v := NoticeVersion(tc.texts, tc.c)
		if v == base {
			t.Errorf("%s: the version did not change", name)
		}
		if got := NoticeTextsChanged(base, v); got != tc.words {
			t.Errorf("%s: words changed %v, want %v", name, got, tc.words)
		}
	}
	// The version before versions were computed had other words.
	if !NoticeTextsChanged("2026-11-22", base) {
		t.Errorf("the dated version counts as the same words")
	}
}
