package bot

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"polku/internal/telegramtest"
)

// waitFor waits until cond holds, polling (PostgreSQL and the fake have no
// way to tell us), or fails the test after 20 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("waited 20s for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestErasureForgetsTheTopic: after "Delete my data" nothing of the
// family is left in the outbox, though the coordinators' group got its
// answers and number (the case's summary, a coordinator's /answers), its
// words (relayed) and summary edits, and one copy of its words is still
// waiting for Telegram: erased at once with its case, it never reaches the
// topic being deleted, nor does the message kept for "Send this to a
// person". Before erasing, "📦 My data" sent the family all of it as a JSON
// file.
func TestErasureForgetsTheTopic(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, fast)
	fam := telegramtest.User{ID: 7123456789, FirstName: "Test", LanguageCode: "en"}
	h.names = map[int64]string{fam.ID: ""}
	h.family = fam.ID
	const phone = "+358401234567" // what the harness shares
	words := "Q7 we moved here in the autumn"
	// Typed where a button is expected: kept (by its number) for "Send
	// this to a person".
	told := "Q7 we have had a hard time at home"
	for _, a := range []string{
		"/start", "[Let's start]", "[Kuusamo]", "[👪 A parent or carer]", "[✅ I agree]", told, "[➕ 0–2]", "[Done ✔️]", "[Done ✔️]", "[Done ✔️]",
		words, "[Done ✔️]", "[Done ✔️]", "[Skip]", "[Yes, by phone]", "{📱 Share my phone number}", "[✅ Yes, save]",
		"[✅ Yes, they may see my answers]", "Q7 hello, is anyone there?", "(edit) Q7 hello again",
		"#Anna Hello! How can I help?", "#Anna /answers", "#Anna /note Q7 family, new in town",
		"/privacy", "[📦 My data]",
	} {
		h.act(fam, a)
		h.settle()
	}
	var file []byte
	for _, m := range h.fake.Messages(fam.ID) {
		if m.FromBot && m.Document == "polku-my-data.json" {
			file, _ = h.fake.File(m.FileID)
		}
	}
	var doc struct {
		Family struct {
			ChatID  int64 `json:"chat_id"`
			Answers struct {
				HelpText string `json:"help_text"`
				Phone    string `json:"phone"`
			} `json:"answers"`
		} `json:"family"`
		Case struct {
			Notes []struct{ Text string } `json:"notes"`
		} `json:"case"`
		Conversation struct {
			Kept []int `json:"kept"`
		} `json:"conversation"`
	}
	if err := json.Unmarshal(file, &doc); err != nil {
		t.Fatalf("the family's data file: %v\n%s", err, file)
	}
	if a := doc.Family.Answers; doc.Family.ChatID != fam.ID || a.HelpText != words || a.Phone != phone ||
		len(doc.Case.Notes) != 1 || doc.Case.Notes[0].Text != "Q7 family, new in town" || len(doc.Conversation.Kept) != 1 {
		t.Errorf("the family's data file holds %+v:\n%s", doc, file)
	}

	// Telegram refuses the group's copies for a while: the family's next
	// message waits in the outbox.
	h.fake.Fail(telegramtest.Fault{Method: "copyMessage", ChatID: group, Kind: telegramtest.FaultStatus, Status: 500})
	h.act(fam, "[💬 Talk to a person]")
	h.settle()
	h.act(fam, "Q7 this copy must never arrive")
	h.waitFor("a copy that Telegram refused", func() bool {
		var n int
		err := h.pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE chat_id = $1 AND sent_at IS NULL AND attempts > 0`, int64(group)).Scan(&n)
		return err == nil && n > 0
	})
	answers := func() int {
		n := 0
		for _, m := range h.fake.Messages(fam.ID) {
			if m.FromBot {
				n++
			}
		}
		return n
	}
	for _, a := range []string{"/privacy", "[🗑 Delete my data]", "[Yes, delete]"} {
		seen := answers()
		h.act(fam, a)
		h.waitFor("the answer to "+a, func() bool { return answers() > seen })
	}
	h.settle()
	h.fake.ClearFaults()
	h.settle()

	var left []string
	rows, err := h.pool.Query(ctx, `
		SELECT id || ' ' || chat_id || ' ' || payload::text FROM outbox
		WHERE (payload::text LIKE '%Q7%' OR payload::text LIKE '%' || $2 || '%' OR payload::text LIKE '%' || $3 || '%' OR chat_id = $1)
		  AND update_id IS DISTINCT FROM (SELECT last_update_id FROM conversations WHERE chat_id = $1)
		ORDER BY id`, fam.ID, phone, strconv.FormatInt(fam.ID, 10))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		left = append(left, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("after erasure the outbox still holds %d messages of the family or about it:\n%s", len(left), strings.Join(left, "\n"))
	}
	var kept bool
	if err := h.pool.QueryRow(ctx, `SELECT data ? 'kept' FROM conversations WHERE chat_id = $1`, fam.ID).Scan(&kept); err != nil || kept {
		t.Errorf("after erasure the conversation still keeps messages for a person (%v)", err)
	}
	var topics []string
	for _, m := range h.fake.Messages(group) {
		if strings.Contains(m.Text, "never arrive") {
			topics = append(topics, m.Text)
		}
	}
	if len(topics) > 0 {
		t.Errorf("the copy waiting at the erasure reached the group: %q", topics)
	}
}
