package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/internal/telegramtest"
)

// cardAndProvider plays a family up to a case with a card (30 days,
// unlimited visits) and a coordinator adding a provider for the sample's
// stable (one activity: a check records the visit at once), which Liisa
// links. It returns Liisa.
func cardAndProvider(t *testing.T, h *harness) telegramtest.User {
	t.Helper()
	fam := telegramtest.User{ID: 4242, FirstName: "Test", LanguageCode: "fi"}
	h.names = map[int64]string{fam.ID: ""}
	h.family = fam.ID
	for _, a := range []string{"/start", "[Aloitetaan]", "[Kuusamo]", "[👪 Vanhempi tai huoltaja]", "[✅ Hyväksyn]", "[💬 Juttele ihmisen kanssa]",
		"[✅ Kyllä, vastaukseni saa näyttää]", "#Anna /card 30 0", "#Anna (general) /provider add Esimerkkitalli"} {
		h.act(fam, a)
		h.settle()
	}
	liisa := h.other("Liisa", "en")
	h.act(liisa, "(open prov_)")
	h.settle()
	if m, ok := h.fake.LastMessage(liisa.ID); !ok || !strings.HasPrefix(m.Text, "✅ Welcome!") {
		t.Fatalf("Liisa opening her link: %+v", m)
	}
	return liisa
}

// guesses are n card codes that no card has, as a guesser would try them.
func guesses(n int) []string {
	out := make([]string, n)
	for i := range out {
		c := []byte("ZZZZ" + "2222")
		for k, j := 7, i; j > 0; k, j = k-1, j/len(polku.CodeAlphabet) {
			c[k] = polku.CodeAlphabet[j%len(polku.CodeAlphabet)]
		}
		out[i] = polku.FormatCardCode(string(c))
	}
	return out
}

// TestVerifyLimit hammers /verify as someone guessing codes would: 300
// guesses at once. Checks count per provider within a sliding hour (60 by
// default), whatever their outcome: a valid card, the same card scanned
// again, something that is no code and unknown codes; past the limit the
// provider is told kindly when to try again, and nothing about the codes.
// Every check is audited with its outcome, never its code.
func TestVerifyLimit(t *testing.T) {
	h := newHarness(t, fast)
	liisa := cardAndProvider(t, h)
	seen := len(h.fake.Messages(liisa.ID))
	h.act(liisa, "(verify card)")
	h.settle()
	h.act(liisa, "(scan card)")
	h.settle()
	h.fake.SendText(liisa, "/verify hello")
	codes := guesses(300)
	for _, c := range codes {
		h.fake.SendText(liisa, "/verify "+c)
	}
	h.settle()

	var answers []string
	for _, m := range h.fake.Messages(liisa.ID)[seen:] {
		if m.FromBot {
			answers = append(answers, m.Text)
		}
	}
	limited := "You have checked many cards in a short time. Please wait a moment and try again at 12:00."
	// The first two answers (the card) are checked apart.
	want := []string{"", "", "That doesn't look like a card code. A code has 8 letters and numbers, like K7QM-3XPB: send /verify and the code."}
	for i, c := range codes {
		if i < 60-3 {
			want = append(want, "❌ No card has the code "+c+". Please check the code.")
		} else {
			want = append(want, limited)
		}
	}
	// The same kind answer again and again, while a few wait for the
	// provider, is sent once (store's repeatAfter): at least one comes.
	if len(answers) < 60 || len(answers) > len(want) {
		t.Fatalf("%d answers to %d checks:\n%s", len(answers), len(want), strings.Join(answers, "\n"))
	}
	want = want[:len(answers)]
	if !strings.HasPrefix(answers[0], "Card ") || !strings.Contains(answers[0], "✅ Valid. Visit to ") ||
		!strings.Contains(answers[1], "was already recorded today") {
		t.Errorf("the card checked and scanned again: %q, %q", answers[0], answers[1])
	}
	for i := 2; i < len(want); i++ {
		if answers[i] != want[i] {
			t.Errorf("check %d: %q, want %q", i+1, answers[i], want[i])
			break
		}
	}

	ctx := context.Background()
	audit := func() string {
		var got string
		if err := h.pool.QueryRow(ctx, `
			SELECT string_agg(detail || ' ' || n, ', ' ORDER BY detail)
			FROM (SELECT detail, count(*) AS n FROM audit WHERE action = 'verify' AND coordinator = $1 GROUP BY detail) x`,
			liisa.ID).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got, want := audit(), "again 1, bad 1, limited 243, unknown 57, valid 1"; got != want {
		t.Errorf("audited checks: %s, want %s", got, want)
	}
	var details []string
	rows, err := h.pool.Query(ctx, `SELECT DISTINCT detail FROM audit`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		details = append(details, d)
	}
	for _, c := range append(codes, "HELLO", "hello") {
		for _, d := range details {
			if strings.Contains(strings.ToUpper(d), strings.ReplaceAll(c, "-", "")) {
				t.Errorf("the audit holds a code: %q", d)
			}
		}
	}

	// The window slides: a minute before the hour has passed the provider
	// is still told to wait; once it has, a check is answered again.
	check := func(code string) string {
		h.fake.SendText(liisa, "/verify "+code)
		h.settle()
		m, _ := h.fake.LastMessage(liisa.ID)
		return m.Text
	}
	h.clock.Add(59 * time.Minute)
	if got := check(codes[0]); got != limited {
		t.Errorf("59 minutes later: %q, want %q", got, limited)
	}
	h.clock.Add(time.Minute)
	if got, want := check(codes[0]), "❌ No card has the code "+codes[0]+". Please check the code."; got != want {
		t.Errorf("an hour later: %q, want %q", got, want)
	}
	if got := audit(); !slices.Contains(strings.Split(got, ", "), "unknown 58") || !strings.Contains(got, "limited 244") {
		t.Errorf("audited checks after an hour: %s", got)
	}
}
