package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"polku/internal/telegramtest"
	"polku/store"
)

// TestPruneKeepsDraftsForConfigDrafts: a half-done intake keeps its
// answers for Config.Drafts (POLKU_DRAFT_DAYS), not a day less, then
// starts afresh.
func TestPruneKeepsDraftsForConfigDrafts(t *testing.T) {
	o := fast
	o.cfg.Drafts = 48 * time.Hour
	r := newRig(t, o, true)
	u := telegramtest.User{ID: 5300, FirstName: "Aino", LanguageCode: "fi"}
	for _, a := range []string{"/start", "[Aloitetaan]", "[Kuusamo]", "[👪 Vanhempi tai huoltaja]", "[✅ Hyväksyn]"} {
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

// TestPruneEnforcesRetention: one round of the pruning applies every rule
// of Config.Retain. Six years on, of two families' data: the one with a
// case still open stays with its case, but its sign-up (its session long
// over), its expired card and the audit row go; the other, inactive, is
// erased with its closed case.
func TestPruneEnforcesRetention(t *testing.T) {
	ctx := context.Background()
	o := fast
	o.cfg.Retain = store.Retention{InactiveMonths: 24, CasesMonths: 12, SignUpsDays: 90, CardsDays: 90, AuditYears: 5}
	r := newRig(t, o, true)
	now := r.clock.Now()
	for _, q := range []string{
		`INSERT INTO families (chat_id, lang, consent_version, consent_at, created_at) VALUES (9001, 'fi', 'v1', $1, $1), (9002, 'fi', 'v1', $1, $1)`,
		`INSERT INTO conversations (chat_id, data, updated_at) VALUES (9001, '{}', $1), (9002, '{}', $1)`,
		`INSERT INTO cases (chat_id, opened_at) VALUES (9001, $1)`,
		`INSERT INTO cases (chat_id, status, opened_at, closed_at) VALUES (9002, 'closed', $1, $1)`,
		`INSERT INTO signups (family_id, session_id, children, adults, status, created_at)
			SELECT f.id, (SELECT min(id) FROM sessions), 1, 1, 'confirmed', $1 FROM families f WHERE chat_id = 9001`,
		`INSERT INTO cards (chat_id, code, valid_from, valid_until, issued_by, issued_at) VALUES (9001, 'K7QM3XPB', $1, $1::timestamptz + interval '1 day', 1, $1)`,
		`INSERT INTO audit (at, coordinator, action) VALUES ($1, 1, 'claim')`,
	} {
		if _, err := r.pool.Exec(ctx, q, now); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	count := func() string {
		var s string
		if err := r.pool.QueryRow(ctx, `
			SELECT concat_ws(' ', (SELECT string_agg(chat_id::text, ',') FROM families),
				(SELECT string_agg(chat_id || ':' || status, ',') FROM cases), (SELECT count(*) FROM signups),
				(SELECT count(*) FROM cards), (SELECT count(*) FROM audit))`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got, want := count(), "9001,9002 9001:open,9002:closed 1 1 1"; got != want {
		t.Fatalf("seeded %q, want %q", got, want)
	}
	r.bot.pruneOnce(ctx)
	if got, want := count(), "9001,9002 9001:open,9002:closed 1 1 1"; got != want {
		t.Errorf("pruned at once: %q, want %q", got, want)
	}
	r.clock.Add(6 * 366 * 24 * time.Hour)
	for range 2 {
		r.bot.pruneOnce(ctx)
		if got, want := count(), "9001 9001:open 0 0 0"; got != want {
			t.Errorf("six years on: %q, want %q", got, want)
		}
	}
}
