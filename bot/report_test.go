package bot

import (
	"context"
	"reflect"
	"testing"
	"time"

	"polku/internal/telegramtest"
	"polku/store"
)

// TestReportCounts: what families do in the bot is counted for the
// managers' report as they do it, and their erasure changes none of it.
// One family finishes the intake (its youngest child 0–2), asking to be
// contacted in the chat without showing its answers (a case of no
// municipality told); another, from a school's link, stops in the intake
// to talk to a person, shares its answers, is answered 20 minutes later,
// and rates the closed case 5.
func TestReportCounts(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, fast)
	one := telegramtest.User{ID: 7100000001, FirstName: "Test", LanguageCode: "en"}
	two := telegramtest.User{ID: 7100000002, FirstName: "Test", LanguageCode: "en"}
	h.names = map[int64]string{one.ID: "", two.ID: ""}
	do := func(u telegramtest.User, actions ...string) {
		t.Helper()
		h.family = u.ID
		for _, a := range actions {
			h.act(u, a)
			h.settle()
		}
	}
	do(one, "/start", "[Let's start]", "[Kuusamo]", "[👪 A parent or carer]", "[✅ I agree]", "[➕ 0–2]", "[Done ✔️]", "[Done ✔️]", "[Done ✔️]", "[Skip]",
		"[Done ✔️]", "[Done ✔️]", "[Skip]", "[Yes, here in the chat]", "[✅ Yes, save]")
	do(two, "/start demo-school", "[Let's start]", "[Kuusamo]", "[👪 A parent or carer]", "[✅ I agree]", "[➕ 7–12]", "[Done ✔️]", "[💬 Talk to a person]",
		"[✅ Yes, they may see my answers]", "Hello, we moved here in the summer.")
	h.clock.Add(20 * time.Minute)
	do(two, "#Anna Hello! Welcome to Kuusamo.", "#Anna [✅ Sulje]", "#Anna [Ohjattu toimintaan]", "[5]")

	month := h.clock.Now()
	want := store.Figures{
		"Kuusamo": {
			Families: map[string]int{"0-2": 1}, Referrals: map[string]int{"": 1}, Intakes: 1, Completed: 1,
			Use: map[store.Activity]store.Use{}, CasesOpened: 1, FirstAnswer: []float64{20},
			Outcomes: map[string]int{"activities": 1}, Feedback: map[int]int{5: 1},
		},
		"": {
			Families: map[string]int{"": 1}, Referrals: map[string]int{"Sample school (fictional)": 1}, Intakes: 1,
			Use: map[store.Activity]store.Use{}, CasesOpened: 1, Outcomes: map[string]int{}, Feedback: map[int]int{},
		},
	}
	figures := func(when string) {
		t.Helper()
		got, err := h.db.ReportFigures(ctx, month, month, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			for m, a := range got {
				t.Errorf("%s: %q: %+v", when, m, *a)
			}
			for m, a := range want {
				t.Errorf("%s: want %q: %+v", when, m, *a)
			}
		}
	}
	figures("before the erasures")
	do(one, "/privacy", "[🗑 Delete my data]", "[Yes, delete]")
	do(two, "/privacy", "[🗑 Delete my data]", "[Yes, delete]")
	for _, u := range []telegramtest.User{one, two} {
		if _, err := h.db.Export(ctx, u.ID); err == nil {
			t.Errorf("family %d is still there", u.ID)
		}
	}
	figures("after the erasures")
}
