package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"polku/internal/telegramtest"
)

// TestPruneKeepsDraftsForConfigDrafts: a half-done intake keeps its
// answers for Config.Drafts (POLKU_DRAFT_DAYS), not a day less, then
// starts afresh.
func TestPruneKeepsDraftsForConfigDrafts(t *testing.T) {
	o := fast
	o.cfg.Drafts = 48 * time.Hour
	r := newRig(t, o, true)
	u := telegramtest.User{ID: 5300, FirstName: "Aino", LanguageCode: "fi"}
	for _, a := range []string{"/start", "[Aloitetaan]", "[✅ Hyväksyn]", "[Kuusamo]"} {
		r.act(u, a)
		r.settle()
	}
	answers := func() string {
		var data string
		if err := r.pool.QueryRow(context.Background(), `SELECT data::text FROM conversations WHERE chat_id = $1`, u.ID).Scan(&data); err != nil {
			t.Fatal(err)
		}
		return data
	}
	if got := answers(); !strings.Contains(got, "Kuusamo") {
		t.Fatalf("no answers to prune: %s", got)
	}
	r.clock.Add(47 * time.Hour)
	r.bot.pruneOnce(context.Background())
	if got := answers(); !strings.Contains(got, "Kuusamo") {
		t.Errorf("the answers are gone before Config.Drafts: %s", got)
	}
	r.clock.Add(2 * time.Hour)
	r.bot.pruneOnce(context.Background())
	if got := answers(); strings.Contains(got, "Kuusamo") {
		t.Errorf("the answers are kept after Config.Drafts: %s", got)
	}
}
