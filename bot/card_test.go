package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/catalog"
	"polku/internal/telegramtest"
)

// TestCardOpensFreeActivities proves, through the real adapter, that
// "free with the card" activities are suggested to a family that needs
// free activities only while it holds a valid wellbeing card: not before
// a coordinator issues one, not once it is revoked, not once it expired.
func TestCardOpensFreeActivities(t *testing.T) {
	h := newHarness(t, fast)
	fam := telegramtest.User{ID: 4243, FirstName: "Test", LanguageCode: "en"}
	h.names = map[int64]string{fam.ID: ""}
	h.family = fam.ID
	// The intake: Kuusamo, children of 0–2, 3–6 and 7–12, "must be free
	// of charge", Finnish, contact in the chat (which opens the case).
	for _, a := range []string{
		"/start", "[Let's start]", "[Kuusamo]", "[👪 A parent or carer]", "[✅ I agree]", "[➕ 0–2]", "[➕ 3–6]", "[➕ 7–12]", "[Done ✔️]",
		"[Done ✔️]", "[Done ✔️]", "[Skip]", "[Must be free of charge]", "[Done ✔️]", "[suomi]", "[Done ✔️]", "[Skip]",
		"[Yes, here in the chat]", "[✅ Yes, save]", "[✅ Yes, they may see my answers]",
	} {
		h.act(fam, a)
		h.settle()
	}
	if f, err := h.db.Family(t.Context(), fam.ID); err != nil || f.ProfileAt.IsZero() || !f.Answers.Has(polku.NeedFree) {
		t.Fatalf("the intake was not saved with the free need: %+v, %v", f, err)
	}

	// The sample's Kuusamo activities free with the card, by English title.
	withCard := map[string]bool{}
	for _, a := range catalog.Sample(h.sampleAt, helsinki) {
		if a.Municipality == "Kuusamo" && a.Price.Kind == polku.PriceCard {
			withCard[a.Title.In("en")] = true
		}
	}
	if len(withCard) == 0 {
		t.Fatal("the sample has no activity free with the card")
	}
	cardOnes := func(titles []string) []string {
		var out []string
		for _, x := range titles {
			if withCard[x] {
				out = append(out, x)
			}
		}
		return out
	}

	without := suggested(t, h, fam)
	if len(without) == 0 {
		t.Fatal("no suggestions without a card")
	}
	if got := cardOnes(without); got != nil {
		t.Errorf("without a card, suggested activities free only with it: %q", got)
	}

	h.coordinator("#Anna /card 1 0") // one day, unlimited visits
	h.settle()
	with := suggested(t, h, fam)
	if cardOnes(with) == nil {
		t.Errorf("with a valid card, no activity free with the card is suggested: %q", with)
	}
	for _, x := range without {
		if !slices.Contains(with, x) {
			t.Errorf("with a card, %q is no longer suggested", x)
		}
	}
	for _, x := range with {
		if !slices.Contains(without, x) && !withCard[x] {
			t.Errorf("with a card, %q is suggested, which is not free with the card", x)
		}
	}

	h.coordinator("#Anna /card revoke")
	h.settle()
	if got := suggested(t, h, fam); !slices.Equal(got, without) {
		t.Errorf("with the card revoked\n got %q\nwant %q", got, without)
	}

	h.coordinator("#Anna /card 1 0")
	h.settle()
	if got := suggested(t, h, fam); !slices.Equal(got, with) {
		t.Errorf("with a new card\n got %q\nwant %q", got, with)
	}

	h.clock.Add(25 * time.Hour)
	h.bot.WakeJobs()
	h.settle()
	h.fake.SendText(fam, "/card")
	h.settle()
	if m, ok := h.fake.LastMessage(fam.ID); !ok || !m.FromBot || !strings.Contains(m.Caption, "This card has expired.") {
		t.Errorf("/card after a day: %+v", m)
	}
	expired := suggested(t, h, fam)
	t.Logf("suggested without a card %q, with one %q, after it expired %q", without, with, expired)
	if len(expired) == 0 {
		t.Fatal("no suggestions after the card expired")
	}
	if got := cardOnes(expired); got != nil {
		t.Errorf("with the card expired, suggested activities free only with it: %q", got)
	}
}

// opens is the label of a suggestion's button: "1. Title".
var opens = regexp.MustCompile(`^\d+\. (.+)$`)

// suggested sends /activities and returns the titles of every suggestion,
// page after page, as the family sees them on the buttons.
func suggested(t *testing.T, h *harness, u telegramtest.User) []string {
	t.Helper()
	h.fake.SendText(u, "/activities")
	h.settle()
	m, ok := h.fake.LastMessage(u.ID)
	if !ok || !m.FromBot || !strings.HasPrefix(m.Text, "Here are activities that could suit you:") {
		t.Fatalf("/activities: %+v", m)
	}
	var titles []string
	for range 20 {
		more := ""
		for _, row := range m.Inline {
			for _, b := range row {
				if x := opens.FindStringSubmatch(b.Text); x != nil {
					titles = append(titles, x[1])
				}
				if b.Text == "More ▶️" {
					more = b.Data
				}
			}
		}
		if more == "" {
			return titles
		}
		if _, err := h.fake.Press(u, m.ID, more); err != nil {
			t.Fatal(err)
		}
		h.settle()
		if m, ok = h.fake.Message(u.ID, m.ID); !ok {
			t.Fatal("the suggestions are gone")
		}
	}
	t.Fatalf("more than 20 pages of suggestions: %q", titles)
	return nil
}
