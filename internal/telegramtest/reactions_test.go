package telegramtest

import (
	"net/http"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestSetMessageReaction(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	said := s.SendGroupText(coordinators, thread, kaisa, "Otan tämän")
	kaisasID := lastUpdate(ctx, t, s).Message.ID
	hei, _ := s.LastMessage(alice.ID)
	s.SendText(oksana, "Привіт")
	gone, _ := s.LastMessage(oksana.ID)
	s.SendText(oksana, "Ще одне")
	oksanas, _ := s.LastMessage(oksana.ID)
	if said == 0 || !s.DeleteByUser(oksana, gone.ID) {
		t.Fatal("setup failed")
	}
	if s.DeleteByUser(oksana, gone.ID) || s.DeleteByUser(kaisa, oksanas.ID) {
		t.Fatal("DeleteByUser deleted a message that is gone, or not the user's")
	}
	emoji := func(e string) []map[string]any { return []map[string]any{{"type": "emoji", "emoji": e}} }

	tests := []struct {
		name   string
		setup  func()
		params map[string]any
		want   string // "" for success
	}{
		{"unknown chat", nil, map[string]any{"chat_id": 42, "message_id": 1, "reaction": emoji("👌")}, "Bad Request: chat not found"},
		{"no chat_id", nil, map[string]any{"message_id": 1, "reaction": emoji("👌")}, "Bad Request: chat_id is empty"},
		{"no such message", nil, map[string]any{"chat_id": alice.ID, "message_id": 999, "reaction": emoji("👌")}, "Bad Request: message to react not found"},
		{"no message_id", nil, map[string]any{"chat_id": alice.ID, "reaction": emoji("👌")}, "Bad Request: message to react not found"},
		{"a message the user deleted", nil, map[string]any{"chat_id": oksana.ID, "message_id": gone.ID, "reaction": emoji("👌")}, "Bad Request: message to react not found"},
		{"the topic's service message", nil, map[string]any{"chat_id": coordinators, "message_id": thread, "reaction": emoji("👌")}, "Bad Request: message to react not found"},
		{"not an array", nil, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": map[string]any{"type": "emoji", "emoji": "👌"}}, "Bad Request: can't parse reaction types JSON object"},
		{"an unknown type", nil, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": []map[string]any{{"type": "sticker"}}}, "Bad Request: can't parse reaction types JSON object"},
		{"an emoji not in the list", nil, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": emoji("✅")}, "Bad Request: REACTION_INVALID"},
		{"with a variation selector", nil, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": emoji("❤\ufe0f")}, "Bad Request: REACTION_INVALID"},
		{"a custom emoji", nil, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": []map[string]any{{"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"}}}, "Bad Request: REACTION_INVALID"},
		{"two for a bot", nil, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": append(emoji("👌"), emoji("✍")...)}, "Bad Request: REACTIONS_TOO_MANY"},
		{"bot left the group", func() { s.SetMember(coordinators, User{ID: s.BotID()}, StatusLeft) }, map[string]any{"chat_id": coordinators, "message_id": kaisasID, "reaction": emoji("👌")}, "Forbidden: bot is not a member of the supergroup chat"},
		{"in the group", func() { s.SetMember(coordinators, User{ID: s.BotID()}, StatusMember) }, map[string]any{"chat_id": coordinators, "message_id": kaisasID, "reaction": emoji("🫡")}, ""},
		{"a family's message", nil, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": emoji("👌")}, ""},
		{"a sequence with a joiner", nil, map[string]any{"chat_id": oksana.ID, "message_id": oksanas.ID, "reaction": emoji("❤\u200d🔥")}, ""},
		{"taken away", nil, map[string]any{"chat_id": oksana.ID, "message_id": oksanas.ID, "reaction": []map[string]any{}}, ""},
		{"a user who blocked the bot", func() { s.Block(alice.ID) }, map[string]any{"chat_id": alice.ID, "message_id": hei.ID, "reaction": emoji("✍")}, "Forbidden: bot was blocked by the user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			status, a := call(ctx, t, s, "setMessageReaction", tt.params)
			if tt.want == "" {
				if status != http.StatusOK || string(a.Result) != "true" {
					t.Fatalf("%d %s %s", status, a.Description, a.Result)
				}
				return
			}
			if a.OK || a.Description != tt.want {
				t.Fatalf("%d %q, want %q", status, a.Description, tt.want)
			}
		})
	}

	// Each reaction that was set is an event, with the message as it is
	// now; a refused one is none.
	var got []string
	for _, e := range s.Events(0) {
		if e.Kind == "react" {
			got = append(got, e.Method+" "+e.Reaction+" "+e.Message.Text)
		}
	}
	want := []string{"setMessageReaction 🫡 Otan tämän", "setMessageReaction 👌 Hei", "setMessageReaction ❤\u200d🔥 Ще одне", "setMessageReaction  Ще одне"}
	if len(got) != len(want) {
		t.Fatalf("react events %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("react event %d = %q, want %q", i, got[i], want[i])
		}
	}
	if m, _ := s.Message(alice.ID, hei.ID); m.Reaction != "👌" {
		t.Errorf("Alice's message has reaction %q, want 👌 (the blocked user's refusal changes nothing)", m.Reaction)
	}
	if m, _ := s.Message(oksana.ID, oksanas.ID); m.Reaction != "" {
		t.Errorf("Oksana's message has reaction %q, want none", m.Reaction)
	}
}

// The library sends the reaction as a multipart form with the list as JSON,
// as the bot does.
func TestSetMessageReactionFromTheLibrary(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "Hei")
	hei, _ := s.LastMessage(alice.ID)
	react := func(emoji string) error {
		_, err := b.SetMessageReaction(ctx, &bot.SetMessageReactionParams{ChatID: alice.ID, MessageID: hei.ID,
			Reaction: []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: emoji}}}})
		return err
	}
	if err := react("👌"); err != nil {
		t.Fatal(err)
	}
	wantBadRequest(t, react("🙂"), "Bad Request: REACTION_INVALID")
	if m, _ := s.Message(alice.ID, hei.ID); m.Reaction != "👌" {
		t.Fatalf("reaction %q, want 👌", m.Reaction)
	}
}
