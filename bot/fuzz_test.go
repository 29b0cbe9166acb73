package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"polku/flows"
	"polku/internal/pgtest"
	"polku/internal/telegramtest"
	"polku/store"
)

// FuzzUpdate feeds arbitrary bytes through the path of an update: filing
// (chatOf, then the inbox) and applying (the store's Apply with the bot's
// apply). It must never panic, never fail to apply, leave a conversation
// the engine can continue, and queue only calls Telegram would accept.
//
// One database and one Bot serve the whole run (per fuzzing process), so
// one input meets the conversation earlier inputs left: update IDs are
// numbered here, growing as Telegram's do, whatever the input says.
func FuzzUpdate(f *testing.F) {
	for _, seed := range []string{
		upText, upStart, upEdited, upCallback, upCallbackOld, upCallbackInline, upKicked, upMember,
		upGroupText, upContactOwn, upContactOther, upSticker, upPhoto, upVoice, upLocation,
		// A family pressing through the first questions of the intake.
		`{"update_id":200,"callback_query":{"id":"1","from":{"id":4242,"first_name":"Anna","language_code":"fi"},"message":{"message_id":2,"chat":{"id":4242,"type":"private"},"date":1764000000,"text":"x"},"data":"1:go"}}`,
		`{"update_id":201,"callback_query":{"id":"2","from":{"id":4242,"first_name":"Anna"},"message":{"message_id":3,"chat":{"id":4242,"type":"private"},"date":1764000000,"text":"x"},"data":"2:agree"}}`,
		`{"update_id":202,"callback_query":{"id":"3","from":{"id":4242,"first_name":"Anna"},"message":{"message_id":4,"chat":{"id":4242,"type":"private"},"date":1764000000,"text":"x"},"data":"L:sv"}}`,
		`{"update_id":203,"callback_query":{"id":"4","from":{"id":4242,"first_name":"Anna"},"message":{"message_id":4,"chat":{"id":4242,"type":"private"},"date":1764000000,"text":"x"},"data":"P"}}`,
		`{"update_id":204,"message":{"message_id":20,"from":{"id":4242,"first_name":"Anna"},"chat":{"id":4242,"type":"private"},"date":1764000000,"text":"/privacy"}}`,
		`{"update_id":205,"message":{"message_id":21,"from":{"id":4242,"first_name":"Anna"},"chat":{"id":4242,"type":"private"},"date":1764000000,"text":"/start ` + strings.Repeat("x", 70) + `"}}`,
		`{"update_id":206,"message":{"message_id":22,"from":{"id":4242,"first_name":"Anna"},"chat":{"id":4242,"type":"private"},"date":1764000000,"text":"` + strings.Repeat("Привіт 👋 ", 80) + `"}}`,
		// Garbage.
		``, `null`, `[]`, `{}`, `{"update_id":1}`, `{"update_id":2,"message":{}}`, `{"update_id":3,"message":{"chat":{"id":4242,"type":"private"}}}`,
		`{"update_id":4,"callback_query":{"message":null}}`, `{"update_id":5,"my_chat_member":{"chat":{"id":4242,"type":"private"},"new_chat_member":{"status":"owner?"}}}`,
		`{"update_id":6,"callback_query":{"id":"x","from":{"id":4242},"message":{"chat":{"id":4242,"type":"private"},"date":1},"data":"999999999999999999999:x"}}`,
		`{"update_id":7,"callback_query":{"id":"x","from":{"id":4242},"message":{"chat":{"id":4242,"type":"private"},"date":1},"data":"1:kids:add:13-17:9"}}`,
	} {
		f.Add([]byte(seed))
	}

	ctx := context.Background()
	url := pgtest.URL(f)
	db, err := store.Open(ctx, url, storeOptions(4))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(db.Close)
	if err := db.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(pool.Close)
	fake := telegramtest.New(telegramtest.Options{}) // never called: nothing is sent
	f.Cleanup(fake.Close)
	b := newBot(f, db, fake, Config{})
	var nextID, seenOut int64

	f.Fuzz(func(t *testing.T, raw []byte) {
		_, chat, ok := chatOf(raw)
		if !ok {
			return
		}
		if !utf8.Valid(raw) || bytes.Contains(raw, []byte(`\u0000`)) {
			// PostgreSQL's jsonb refuses both, so the inbox cannot hold
			// them. Telegram sends UTF-8 only and strips control
			// characters from what people write, so only someone holding
			// the webhook's secret could send these (and gets a 500).
			t.Skip("not storable as jsonb")
		}
		nextID++
		if err := db.Enqueue(ctx, []store.Update{{ID: nextID, ChatID: chat, Payload: raw}}); err != nil {
			t.Fatalf("an update the webhook accepts cannot be filed: %v", err)
		}
		if chat == 0 {
			return
		}
		for {
			did, err := db.Apply(ctx, chat, time.Now(), func(ctx context.Context, tx *store.Tx, p store.Pending) error {
				_, _, err := b.step(ctx, tx, p)
				return err
			})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if !did {
				break
			}
		}

		var data []byte
		err := pool.QueryRow(ctx, `SELECT data FROM conversations WHERE chat_id = $1`, chat).Scan(&data)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			t.Fatal(err)
		}
		if data != nil {
			var conv flows.Conversation
			if err := json.Unmarshal(data, &conv); err != nil {
				t.Fatalf("stored conversation does not unmarshal: %v\n%s", err, data)
			}
			if !b.engine.Valid(conv) {
				t.Fatalf("stored conversation is not valid: %s", data)
			}
		}

		rows, err := pool.Query(ctx, `SELECT id, chat_id, payload FROM outbox WHERE id > $1 ORDER BY id`, seenOut)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, to int64
			var payload []byte
			if err := rows.Scan(&id, &to, &payload); err != nil {
				t.Fatal(err)
			}
			seenOut = id
			if err := acceptable(payload, to); err != nil {
				t.Fatalf("queued call Telegram would refuse: %v\n%s", err, payload)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	})
}

// acceptable checks an outbox call as the Bot API would.
func acceptable(payload []byte, chat int64) error {
	var o out
	if err := json.Unmarshal(payload, &o); err != nil {
		return err
	}
	if o.ChatID != chat {
		return fmt.Errorf("call for chat %d in chat %d's outbox", o.ChatID, chat)
	}
	switch o.Method {
	case "send", "edit":
		text := strings.TrimSpace(o.Text)
		if text == "" || utf16Units(text) > maxText {
			return fmt.Errorf("text of %d units", utf16Units(text))
		}
		if o.Method == "edit" && o.MessageID <= 0 {
			return fmt.Errorf("edit of message %d", o.MessageID)
		}
	case "answer":
		if o.Callback == "" || utf16Units(o.Text) > 200 {
			return fmt.Errorf("answer to %q with %d units", o.Callback, utf16Units(o.Text))
		}
	default:
		return fmt.Errorf("unknown method %q", o.Method)
	}
	if !utf8.ValidString(o.Text) {
		return errors.New("text is not UTF-8")
	}
	for _, row := range o.Inline {
		for _, btn := range row {
			if btn.Text == "" || len(btn.Data) == 0 || len(btn.Data) > 64 {
				return fmt.Errorf("inline button %q with %d bytes of data", btn.Text, len(btn.Data))
			}
		}
	}
	for _, row := range o.Keyboard {
		for _, btn := range row {
			if btn.Text == "" {
				return errors.New("keyboard button without text")
			}
		}
	}
	return nil
}
