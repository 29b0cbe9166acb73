package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/internal/pgtest"
)

func TestSaveRefusesOutOfOrder(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Enqueue(ctx, []Update{{ID: 50, ChatID: 8, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	save := func(ctx context.Context, tx *Tx, p Pending) error {
		return tx.Save(ctx, Conversation{Data: fmt.Appendf(nil, `{"update":%d}`, p.UpdateID)}, []Out{{ChatID: 8, Payload: fmt.Appendf(nil, `{"update":%d}`, p.UpdateID)}})
	}
	if did, err := db.Apply(ctx, 8, time.Now(), save); !did || err != nil {
		t.Fatal(did, err)
	}
	// An update that arrived before the one applied turns up unapplied
	// (as if the order had been broken): it is refused, not applied over
	// the newer state.
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO inbox (update_id, seq, chat_id, payload, received_at) OVERRIDING SYSTEM VALUE
		SELECT 40, seq - 1, 8, '{}', received_at FROM inbox WHERE update_id = 50`); err != nil {
		t.Fatal(err)
	}
	did, err := db.Apply(ctx, 8, time.Now(), save)
	if did {
		t.Fatal("an out-of-order update was applied")
	}
	wantCode(t, err, polku.ECONFLICT)
	if got := scalar[string](t, db, `SELECT data->>'update' FROM conversations WHERE chat_id = 8`); got != "50" {
		t.Errorf("conversation is from update %s, want 50", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox WHERE update_id = 40`); n != 0 {
		t.Errorf("the refused update queued %d messages", n)
	}
	if n, _ := db.Unapplied(ctx); n != 1 {
		t.Errorf("%d updates waiting, want the refused one", n)
	}
}

// TestRestartDrafts: a half-done intake left longer than the age is
// started afresh by the caller's function; a fresh draft, a saved profile
// and a conversation being applied right now are left alone; a document
// the caller cannot read is left too, and said.
func TestRestartDrafts(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	old := db.Now().Add(-40 * 24 * time.Hour)
	for _, c := range []struct {
		chat    int64
		data    string
		draft   bool
		updated time.Time
	}{
		{1, `{"old draft":"private words"}`, true, old},
		{2, `{"profile saved":"kept"}`, false, old},
		{3, `{"new draft":"kept"}`, true, db.Now()},
		{4, `{"being applied":"kept"}`, true, old},
		{5, `unreadable`, true, old},
	} {
		if _, err := db.pool.Exec(ctx, `INSERT INTO conversations (chat_id, data, draft, updated_at) VALUES ($1, to_jsonb($2::text), $3, $4)`, c.chat, c.data, c.draft, c.updated); err != nil {
			t.Fatal(err)
		}
	}
	busy, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Rollback(ctx)
	if _, err := busy.Exec(ctx, `SELECT 1 FROM conversations WHERE chat_id = 4 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	restart := func(data []byte) ([]byte, error) {
		if strings.Contains(string(data), "unreadable") {
			return nil, errors.New("not a conversation")
		}
		return []byte(`"fresh"`), nil
	}
	n, err := db.RestartDrafts(ctx, 30*24*time.Hour, restart)
	if n != 1 || polku.ErrorCode(err) != polku.EINTERNAL {
		t.Fatalf("RestartDrafts = %d, %v; want 1 and the unreadable one said", n, err)
	}
	got := byChat(t, db, `SELECT chat_id, data #>> '{}' || CASE WHEN draft THEN ' (draft)' ELSE '' END FROM conversations`)
	want := map[int64]string{
		1: "fresh", 2: `{"profile saved":"kept"}`, 3: `{"new draft":"kept"} (draft)`,
		4: `{"being applied":"kept"} (draft)`, 5: "unreadable (draft)",
	}
	if !maps.Equal(got, want) {
		t.Errorf("after RestartDrafts:\n got %v\nwant %v", got, want)
	}
}

// TestRestartDraftsInBatches: more old drafts than one batch are all
// started afresh in one call.
func TestRestartDraftsInBatches(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO conversations (chat_id, data, draft, updated_at)
		SELECT i, '{}', true, $2 FROM generate_series(1, $1) i`, 2*draftBatch+3, db.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := db.RestartDrafts(ctx, time.Minute, func([]byte) ([]byte, error) { return []byte(`{}`), nil })
	if err != nil || n != 2*draftBatch+3 {
		t.Fatalf("RestartDrafts = %d, %v; want %d", n, err, 2*draftBatch+3)
	}
	if left := scalar[int64](t, db, `SELECT count(*) FROM conversations WHERE draft`); left != 0 {
		t.Errorf("%d drafts left", left)
	}
}

// TestConversationColumnsFilledFromEarlierData: the migration that made
// language, talking and draft columns fills them for the conversations
// stored before it, as the flows' document had them.
func TestConversationColumnsFilledFromEarlierData(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, pgtest.URL(t))
	if err := db.migrateTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	for chat, data := range map[int64]string{
		1: `{"state":"needs","lang":"sv","answers":{"municipality":"Kuusamo"}}`,
		2: `{"state":"done","lang":"uk","talk":true,"profile":true,"answers":{"municipality":"Kuusamo"}}`,
		3: `{"state":"welcome","lang":"fi","answers":{}}`,
		4: `{}`,
	} {
		if _, err := db.pool.Exec(ctx, `INSERT INTO conversations (chat_id, data, updated_at) VALUES ($1, $2, $3)`, chat, data, db.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got := byChat(t, db, `SELECT chat_id, format('%s %s %s', lang, talking, draft) FROM conversations`)
	want := map[int64]string{1: "sv f t", 2: "uk t f", 3: "fi f f", 4: " f f"}
	if !maps.Equal(got, want) {
		t.Errorf("columns after the migration:\n got %v\nwant %v", got, want)
	}
}

// TestSaveWritesWhatTheStoreAsks: the language, talking and draft the
// caller gives are what the store's own queries then read.
func TestSaveWritesWhatTheStoreAsks(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	inTx(t, db, 7, func(ctx context.Context, tx *Tx) error {
		return tx.Save(ctx, Conversation{Data: []byte(`{}`), Lang: "uk", Talking: true, Draft: true}, nil)
	})
	if got := db.Lang(ctx, 7); got != "uk" {
		t.Errorf("Lang = %q, want uk", got)
	}
	inTx(t, db, 7, func(ctx context.Context, tx *Tx) error {
		f, err := tx.FamilyChat(ctx, 7)
		if err == nil && (f.Lang != "uk" || !f.Talk || f.Blocked) {
			t.Errorf("FamilyChat = %+v, want uk, talking, not blocked", f)
		}
		if err != nil {
			return err
		}
		return tx.Save(ctx, Conversation{Data: []byte(`{}`), Lang: "sv"}, nil)
	})
	if got := scalar[string](t, db, `SELECT format('%s %s %s', lang, talking, draft) FROM conversations WHERE chat_id = 7`); got != "sv f f" {
		t.Errorf("after the second save: %s", got)
	}
}

// byChat runs a query of (chat ID, text) rows and returns them as a map.
func byChat(t *testing.T, db *DB, query string) map[int64]string {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for rows.Next() {
		var chat int64
		var s string
		if err := rows.Scan(&chat, &s); err != nil {
			t.Fatal(err)
		}
		got[chat] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}
