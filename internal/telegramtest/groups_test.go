package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const coordinators = -1001234567890

var (
	kaisa  = User{ID: 501, FirstName: "Kaisa", LastName: "Koordinaattori", LanguageCode: "fi"}
	oksana = User{ID: 502, FirstName: "Оксана", Username: "oksana_k", LanguageCode: "uk"}
)

// forum starts the coordinators' forum with Kaisa as a member and one topic
// per case, "Tapaus 17", and returns the topic's message_thread_id. Alice
// has written to the bot.
func forum(ctx context.Context, t *testing.T, s *Server, b *bot.Bot) int {
	t.Helper()
	s.AddGroup(coordinators, "Koordinaattorit", true)
	s.SetMember(coordinators, kaisa, StatusMember)
	s.SendText(alice, "Hei")
	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: coordinators, Name: "Tapaus 17"})
	if err != nil {
		t.Fatal(err)
	}
	return topic.MessageThreadID
}

// rawUpdates returns the updates from update_id from on as JSON objects, to
// check the fields Telegram sends and leaves out, not what a library makes
// of them.
func rawUpdates(ctx context.Context, t *testing.T, s *Server, from int64) []map[string]json.RawMessage {
	t.Helper()
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"offset": from})
	var ups []map[string]json.RawMessage
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatalf("updates %s: %v", a.Result, err)
	}
	return ups
}

// fields decodes a JSON object into its fields.
func fields(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return m
}

func wantError(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestPinChatMessage(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	summary, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: thread, Text: "Tapaus 17: Alice, 9 v."})
	if err != nil {
		t.Fatal(err)
	}
	said := s.SendGroupText(coordinators, thread, kaisa, "Otan tämän")
	kaisasID := lastUpdate(ctx, t, s).Message.ID
	s.Block(alice.ID)
	s.SendText(oksana, "Привіт")

	tests := []struct {
		name   string
		setup  func()
		method string
		params map[string]any
		want   string // "" for success
	}{
		{"unknown chat", nil, "pinChatMessage", map[string]any{"chat_id": 42, "message_id": 1}, "Bad Request: chat not found"},
		{"no chat_id", nil, "pinChatMessage", map[string]any{"message_id": 1}, "Bad Request: chat_id is empty"},
		{"no such message", nil, "pinChatMessage", map[string]any{"chat_id": coordinators, "message_id": 999}, "Bad Request: message to pin not found"},
		{"no message_id", nil, "pinChatMessage", map[string]any{"chat_id": coordinators}, "Bad Request: message to pin not found"},
		{"the topic's service message", nil, "pinChatMessage", map[string]any{"chat_id": coordinators, "message_id": thread}, "Bad Request: a service message can't be pinned"},
		{"nothing pinned to unpin", nil, "unpinChatMessage", map[string]any{"chat_id": coordinators}, "Bad Request: message to unpin not found"},
		{"bot a plain member", func() { s.SetMember(coordinators, User{ID: s.BotID()}, StatusMember) }, "pinChatMessage", map[string]any{"chat_id": coordinators, "message_id": summary.ID}, "Bad Request: not enough rights to manage pinned messages in the chat"},
		{"admin without the right", func() {
			r := FullRights
			r.PinMessages = false
			s.SetAdmin(coordinators, User{ID: s.BotID()}, r)
		}, "pinChatMessage", map[string]any{"chat_id": coordinators, "message_id": summary.ID}, "Bad Request: not enough rights to manage pinned messages in the chat"},
		{"bot kicked", func() { s.SetMember(coordinators, User{ID: s.BotID()}, StatusKicked) }, "pinChatMessage", map[string]any{"chat_id": coordinators, "message_id": summary.ID}, "Forbidden: bot was kicked from the supergroup chat"},
		{"bot left", func() { s.SetMember(coordinators, User{ID: s.BotID()}, StatusLeft) }, "unpinChatMessage", map[string]any{"chat_id": coordinators}, "Forbidden: bot is not a member of the supergroup chat"},
		{"the summary", func() { s.SetMember(coordinators, User{ID: s.BotID()}, StatusAdministrator) }, "pinChatMessage", map[string]any{"chat_id": coordinators, "message_id": summary.ID, "disable_notification": true}, ""},
		{"a coordinator's message", nil, "pinChatMessage", map[string]any{"chat_id": coordinators, "message_id": kaisasID}, ""},
		{"a user who blocked the bot", nil, "pinChatMessage", map[string]any{"chat_id": alice.ID, "message_id": 1}, "Forbidden: bot was blocked by the user"},
		{"in a private chat, without rights", nil, "pinChatMessage", map[string]any{"chat_id": oksana.ID, "message_id": 1}, ""},
		{"the most recent pin", nil, "unpinChatMessage", map[string]any{"chat_id": coordinators}, ""},
		{"unpin a message that is not there", nil, "unpinChatMessage", map[string]any{"chat_id": coordinators, "message_id": 999}, "Bad Request: message to unpin not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			status, a := call(ctx, t, s, tt.method, tt.params)
			if tt.want == "" {
				if status != http.StatusOK || string(a.Result) != "true" {
					t.Fatalf("%s: %d %s %s", tt.method, status, a.Description, a.Result)
				}
				return
			}
			if a.OK || a.Description != tt.want {
				t.Fatalf("%s: %d %q, want %q", tt.method, status, a.Description, tt.want)
			}
		})
	}

	// The summary stays pinned; Kaisa's message, pinned last, was unpinned.
	got := s.Pinned(coordinators)
	if len(got) != 1 || got[0].ID != summary.ID || !got[0].Pinned || got[0].ThreadID != thread {
		t.Errorf("pinned = %+v, want the summary", got)
	}
	if m, _ := s.Message(coordinators, kaisasID); m.Pinned {
		t.Errorf("Kaisa's message is still pinned: %+v", m)
	}
	kinds := ""
	for _, e := range s.Events(0) {
		if e.Kind == "pin" || e.Kind == "unpin" {
			kinds += fmt.Sprintf("%s:%d:%d ", e.Kind, e.ChatID, e.Message.ID)
		}
	}
	want := fmt.Sprintf("pin:%d:%d pin:%d:%d pin:%d:1 unpin:%d:%d ", coordinators, summary.ID, coordinators, kaisasID, oksana.ID, coordinators, kaisasID)
	if kinds != want {
		t.Errorf("pin events = %q, want %q", kinds, want)
	}
	// Service messages stay out of the chat as Messages shows it.
	for _, m := range s.Messages(coordinators) {
		if m.PinnedID != 0 || m.Topic != "" {
			t.Errorf("Messages shows a service message: %+v", m)
		}
	}

	// The bot receives its own pins as service messages, in the topic of
	// the pinned message, as Telegram sends them.
	var pins []map[string]json.RawMessage
	for _, u := range rawUpdates(ctx, t, s, said+1) {
		if raw, ok := u["message"]; ok {
			if m := fields(t, raw); m["pinned_message"] != nil && string(fields(t, m["chat"])["id"]) == fmt.Sprint(coordinators) {
				pins = append(pins, m)
			}
		}
	}
	if len(pins) != 2 {
		t.Fatalf("%d pin service messages in the group, want 2", len(pins))
	}
	svc := pins[0]
	pinned := fields(t, svc["pinned_message"])
	if string(svc["message_thread_id"]) != fmt.Sprint(thread) || string(svc["is_topic_message"]) != "true" ||
		string(fields(t, svc["from"])["id"]) != fmt.Sprint(s.BotID()) ||
		string(pinned["message_id"]) != fmt.Sprint(summary.ID) || pinned["reply_to_message"] != nil {
		t.Errorf("service message = %v, pinned %v", svc, pinned)
	}
	var id int
	_ = json.Unmarshal(svc["message_id"], &id)
	if m, ok := s.Message(coordinators, id); !ok || m.PinnedID != summary.ID || !m.FromBot {
		t.Errorf("Message(%d) = %+v", id, m)
	}
}

func TestDeletingAPinnedMessageUnpinsIt(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "Hei")
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Muistutus"})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := b.PinChatMessage(ctx, &bot.PinChatMessageParams{ChatID: alice.ID, MessageID: msg.ID}); err != nil || !ok {
		t.Fatalf("pin: %v", err)
	}
	pin := lastUpdate(ctx, t, s).Message
	if pin.PinnedMessage == nil || pin.PinnedMessage.Message == nil || pin.PinnedMessage.Message.Text != "Muistutus" || pin.From.ID != s.BotID() {
		t.Fatalf("pin service message = %+v", pin)
	}
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: msg.ID}); err != nil {
		t.Fatal(err)
	}
	if got := s.Pinned(alice.ID); len(got) != 0 {
		t.Errorf("pinned after delete = %+v", got)
	}
	_, err = b.UnpinChatMessage(ctx, &bot.UnpinChatMessageParams{ChatID: alice.ID})
	wantBadRequest(t, err, "Bad Request: message to unpin not found")
	// A reply to the service message shows the deleted message no more.
	s.Reply(alice, pin.ID, "Mikä tämä oli?")
	reply := fields(t, rawUpdates(ctx, t, s, -1)[0]["message"])
	if replied := fields(t, reply["reply_to_message"]); replied["pinned_message"] != nil {
		t.Errorf("reply_to_message = %v, want no pinned_message", replied)
	}
}

func TestGetChatMember(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	s.AddGroup(coordinators, "Koordinaattorit", true)
	owner := User{ID: 500, FirstName: "Outi"}
	restricted := User{ID: 503, FirstName: "Rauni"}
	gone := User{ID: 504, FirstName: "Leena"}
	banned := User{ID: 505, FirstName: "Pekka"}
	s.SetMember(coordinators, owner, StatusCreator)
	s.SetMember(coordinators, kaisa, StatusAdministrator)
	s.SetMember(coordinators, oksana, StatusMember)
	s.SetMember(coordinators, restricted, StatusRestricted)
	s.SetMember(coordinators, gone, StatusMember)
	s.SetMember(coordinators, gone, StatusLeft)
	s.SetMember(coordinators, banned, StatusKicked)
	s.SendText(alice, "Hei") // known from her private chat, never in the group

	tests := []struct {
		name   string
		chatID int64
		userID int64
		status models.ChatMemberType
		want   string // an error
	}{
		{"creator", coordinators, owner.ID, models.ChatMemberTypeOwner, ""},
		{"administrator", coordinators, kaisa.ID, models.ChatMemberTypeAdministrator, ""},
		{"member", coordinators, oksana.ID, models.ChatMemberTypeMember, ""},
		{"restricted", coordinators, restricted.ID, models.ChatMemberTypeRestricted, ""},
		{"left", coordinators, gone.ID, models.ChatMemberTypeLeft, ""},
		{"kicked", coordinators, banned.ID, models.ChatMemberTypeBanned, ""},
		{"known, never in the group", coordinators, alice.ID, models.ChatMemberTypeLeft, ""},
		{"the bot", coordinators, s.BotID(), models.ChatMemberTypeAdministrator, ""},
		{"never seen", coordinators, 777, "", "Bad Request: user not found"},
		{"no user_id", coordinators, 0, "", "Bad Request: invalid user_id specified"},
		{"unknown chat", -1009999, kaisa.ID, "", "Bad Request: chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.GetChatMember(ctx, &bot.GetChatMemberParams{ChatID: tt.chatID, UserID: tt.userID})
			if tt.want != "" {
				wantBadRequest(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != tt.status {
				t.Fatalf("status = %q, want %q", got.Type, tt.status)
			}
		})
	}

	m, _ := b.GetChatMember(ctx, &bot.GetChatMemberParams{ChatID: coordinators, UserID: kaisa.ID})
	if a := m.Administrator; a == nil || a.User.ID != kaisa.ID || a.User.FirstName != "Kaisa" || !a.CanPinMessages || !a.CanManageTopics || a.CanPromoteMembers {
		t.Errorf("administrator = %+v", a)
	}
	m, _ = b.GetChatMember(ctx, &bot.GetChatMemberParams{ChatID: coordinators, UserID: restricted.ID})
	if r := m.Restricted; r == nil || !r.IsMember || !r.CanSendMessages || r.User.ID != restricted.ID {
		t.Errorf("restricted = %+v", r)
	}
	// The exact fields of a member, as the Bot API sends them.
	_, a := call(ctx, t, s, "getChatMember", map[string]any{"chat_id": coordinators, "user_id": oksana.ID})
	if string(a.Result) != `{"user":{"id":502,"is_bot":false,"first_name":"Оксана","username":"oksana_k","language_code":"uk"},"status":"member"}` {
		t.Errorf("member = %s", a.Result)
	}

	// A bot removed from the group may ask about itself, and no one else.
	s.SetMember(coordinators, User{ID: s.BotID()}, StatusLeft)
	_, err := b.GetChatMember(ctx, &bot.GetChatMemberParams{ChatID: coordinators, UserID: kaisa.ID})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot is not a member of the supergroup chat") {
		t.Errorf("err = %v", err)
	}
	if me, err := b.GetChatMember(ctx, &bot.GetChatMemberParams{ChatID: coordinators, UserID: s.BotID()}); err != nil || me.Type != models.ChatMemberTypeLeft {
		t.Errorf("the bot about itself = %+v, %v", me, err)
	}

	n := 0
	for _, c := range s.Calls() {
		if c.Method == "getChatMember" {
			n++
		}
	}
	if n != len(tests)+5 {
		t.Errorf("%d getChatMember calls, want %d", n, len(tests)+5)
	}
}

func TestMembershipChangesReachTheBot(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	s.AddGroup(coordinators, "Koordinaattorit", true)
	s.SetMember(coordinators, User{ID: s.BotID()}, StatusMember)
	ups := rawUpdates(ctx, t, s, 0)
	if len(ups) != 1 || ups[0]["my_chat_member"] == nil {
		t.Fatalf("updates = %v, want one my_chat_member", ups)
	}
	var first int64
	_ = json.Unmarshal(ups[0]["update_id"], &first)
	var u models.ChatMemberUpdated
	if err := json.Unmarshal(ups[0]["my_chat_member"], &u); err != nil {
		t.Fatal(err)
	}
	if u.Chat.ID != coordinators || u.OldChatMember.Type != models.ChatMemberTypeAdministrator || u.NewChatMember.Type != models.ChatMemberTypeMember ||
		u.NewChatMember.Member.User.ID != s.BotID() || !u.NewChatMember.Member.User.IsBot {
		t.Errorf("my_chat_member = %+v", u)
	}
	// Other members' changes are chat_member updates, which Telegram sends
	// only when allowed_updates asks for them.
	s.SetMember(coordinators, kaisa, StatusMember)
	if n := len(rawUpdates(ctx, t, s, first+1)); n != 0 {
		t.Errorf("%d updates about Kaisa without allowed_updates", n)
	}
}

func TestSendInGroupsNeedsMembership(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	other, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: coordinators, Name: "Tapaus 18"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: coordinators, MessageThreadID: other.MessageThreadID}); err != nil {
		t.Fatal(err)
	}
	users := map[string]User{}
	for i, st := range []string{StatusCreator, StatusAdministrator, StatusMember, StatusRestricted, StatusLeft, StatusKicked} {
		u := User{ID: int64(600 + i), FirstName: st}
		s.SetMember(coordinators, u, st)
		users[st] = u
	}
	stranger := User{ID: 700, FirstName: "Vieras"}

	tests := []struct {
		name   string
		u      User
		thread int
		sent   bool
	}{
		{"creator", users[StatusCreator], thread, true},
		{"administrator", users[StatusAdministrator], thread, true},
		{"member", users[StatusMember], thread, true},
		{"restricted, still in the group", users[StatusRestricted], thread, true},
		{"member in the General topic", users[StatusMember], 0, true},
		{"left", users[StatusLeft], thread, false},
		{"kicked", users[StatusKicked], thread, false},
		{"never joined", stranger, thread, false},
		{"no such topic", users[StatusMember], 999, false},
		{"member in a closed topic", users[StatusMember], other.MessageThreadID, false},
		{"administrator in a closed topic", users[StatusAdministrator], other.MessageThreadID, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.Messages(coordinators))
			id := s.Send(coordinators, tt.thread, tt.u, Content{Text: "Hei"})
			if (id != 0) != tt.sent {
				t.Fatalf("Send = %d, want sent %v", id, tt.sent)
			}
			want := before
			if tt.sent {
				want++
			}
			if got := len(s.Messages(coordinators)); got != want {
				t.Errorf("%d messages, want %d", got, want)
			}
		})
	}
	if _, err := s.PressIn(coordinators, stranger, 1, "x"); err == nil {
		t.Error("a stranger pressed a button in the group")
	}
}

// kinds are one Content of each kind a family or a coordinator may send,
// and what the fake shows of it.
var kinds = []struct {
	c       Content
	field   string // the field of the message that holds it
	caption bool   // whether it keeps a caption
}{
	{Content{Text: "Hei, tarvitsen apua 🙂"}, "text", false},
	{Content{Kind: "photo", Caption: "Kuva"}, "photo", true},
	{Content{Kind: "video", Caption: "Video"}, "video", true},
	{Content{Kind: "video_note"}, "video_note", false},
	{Content{Kind: "audio", FileName: "laulu.mp3", Caption: "Laulu"}, "audio", true},
	{Content{Kind: "animation", Caption: "Gif"}, "animation", true},
	{Content{Kind: "document", FileName: "todistus.pdf", Data: []byte("%PDF-1.4\n"), Caption: "Todistus"}, "document", true},
	{Content{Kind: "sticker"}, "sticker", false},
	{Content{Kind: "voice", Caption: "Ääniviesti"}, "voice", true},
	{Content{Location: &models.Location{Latitude: 60.1699, Longitude: 24.9384}}, "location", false},
	{Content{Venue: &models.Venue{Location: models.Location{Latitude: 60.17, Longitude: 24.94}, Title: "Uimahalli", Address: "Helsinginkatu 25"}}, "venue", false},
	{Content{Contact: &models.Contact{PhoneNumber: "+358401234567", FirstName: "Mummo", UserID: 42}}, "contact", false},
}

func TestTopicMessagesAsTelegramSendsThem(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	for _, k := range kinds {
		t.Run(k.field, func(t *testing.T) {
			id := s.Send(coordinators, thread, kaisa, k.c)
			if id == 0 {
				t.Fatal("not sent")
			}
			m := fields(t, rawUpdates(ctx, t, s, id)[0]["message"])
			chat := fields(t, m["chat"])
			if string(m["message_thread_id"]) != fmt.Sprint(thread) || string(m["is_topic_message"]) != "true" ||
				string(chat["is_forum"]) != "true" || string(chat["type"]) != `"supergroup"` ||
				string(fields(t, m["from"])["id"]) != fmt.Sprint(kaisa.ID) || m[k.field] == nil {
				t.Errorf("message = %v", m)
			}
			if replied := fields(t, m["reply_to_message"]); string(replied["message_id"]) != fmt.Sprint(thread) || replied["forum_topic_created"] == nil {
				t.Errorf("reply_to_message = %v, want the topic's first message", replied)
			}
			if (m["caption"] != nil) != k.caption {
				t.Errorf("caption = %s, want one: %v", m["caption"], k.caption)
			}
			// A venue is a location too, an animation a document too.
			switch k.field {
			case "venue":
				if m["location"] == nil {
					t.Error("a venue without its location")
				}
			case "animation":
				if m["document"] == nil {
					t.Error("an animation without its document")
				}
			}
			var msg models.Message
			if err := json.Unmarshal(rawUpdates(ctx, t, s, id)[0]["message"], &msg); err != nil {
				t.Fatal(err)
			}
			got, _ := s.LastMessage(coordinators)
			if got.ThreadID != thread || got.From != kaisa.ID || got.FromBot || (k.field != "text" && got.Media != k.field) {
				t.Errorf("last message = %+v", got)
			}
		})
	}
}

func TestTheBotReceivesItsOwnTopic(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	if _, err := b.EditForumTopic(ctx, &bot.EditForumTopicParams{ChatID: coordinators, MessageThreadID: thread, Name: "Tapaus 17 (kiireellinen)"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: coordinators, MessageThreadID: thread}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ReopenForumTopic(ctx, &bot.ReopenForumTopicParams{ChatID: coordinators, MessageThreadID: thread}); err != nil {
		t.Fatal(err)
	}
	// Telegram delivers a bot the service messages of its own topics,
	// unlike its other messages.
	var got []string
	for _, u := range rawUpdates(ctx, t, s, 0) {
		raw, ok := u["message"]
		if !ok {
			continue
		}
		m := fields(t, raw)
		if string(fields(t, m["chat"])["id"]) != fmt.Sprint(coordinators) {
			continue // Alice's
		}
		if string(m["message_thread_id"]) != fmt.Sprint(thread) || string(m["is_topic_message"]) != "true" ||
			string(fields(t, m["from"])["id"]) != fmt.Sprint(s.BotID()) {
			t.Errorf("service message = %v", m)
		}
		for _, k := range []string{"forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened"} {
			if m[k] != nil {
				got = append(got, k+string(m[k]))
			}
		}
	}
	want := []string{`forum_topic_created{"name":"Tapaus 17","icon_color":7322096}`, `forum_topic_edited{"name":"Tapaus 17 (kiireellinen)"}`,
		`forum_topic_closed{}`, `forum_topic_reopened{}`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("service messages = %v, want %v", got, want)
	}
	if msgs := s.Messages(coordinators); len(msgs) != 0 {
		t.Errorf("Messages shows service messages: %+v", msgs)
	}
	if topics := s.Topics(coordinators); len(topics) != 1 || topics[0].Name != "Tapaus 17 (kiireellinen)" || topics[0].Closed {
		t.Errorf("topics = %+v", topics)
	}
}

func TestCopyEveryKindBothWays(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	for _, k := range kinds {
		t.Run(k.field, func(t *testing.T) {
			for _, dir := range []struct {
				name           string
				from           int64
				fromThread     int
				sender         User
				to             int64
				toThread       int
				wantThread     int
				captionReplace string
			}{
				{"family to topic", alice.ID, 0, alice, coordinators, thread, thread, "Perhe kirjoitti"},
				{"topic to family", coordinators, thread, kaisa, alice.ID, 0, 0, ""},
			} {
				if s.Send(dir.from, dir.fromThread, dir.sender, k.c) == 0 {
					t.Fatalf("%s: not sent", dir.name)
				}
				orig, _ := s.LastMessage(dir.from)
				params := &bot.CopyMessageParams{ChatID: dir.to, MessageThreadID: dir.toThread, FromChatID: dir.from, MessageID: orig.ID, Caption: dir.captionReplace}
				id, err := b.CopyMessage(ctx, params)
				if err != nil {
					t.Fatalf("%s: %v", dir.name, err)
				}
				got, ok := s.Message(dir.to, id.ID)
				if !ok || !got.FromBot || got.From != s.BotID() || got.ThreadID != dir.wantThread {
					t.Fatalf("%s: copy = %+v", dir.name, got)
				}
				wantCaption := orig.Caption
				if k.caption && dir.captionReplace != "" {
					wantCaption = dir.captionReplace
				}
				if got.Text != orig.Text || got.Media != orig.Media || got.FileID != orig.FileID || got.Caption != wantCaption ||
					fmt.Sprint(got.Location) != fmt.Sprint(orig.Location) || fmt.Sprint(got.Venue) != fmt.Sprint(orig.Venue) ||
					fmt.Sprint(got.Contact) != fmt.Sprint(orig.Contact) {
					t.Errorf("%s: copy = %+v\noriginal = %+v", dir.name, got, orig)
				}
				ev := s.Events(0)
				if e := ev[len(ev)-1]; e.Kind != "send" || e.Method != "copyMessage" || e.Message.ID != id.ID {
					t.Errorf("%s: event = %+v", dir.name, e)
				}
			}
		})
	}
}

func TestCopyMessageErrors(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	s.SendPhoto(alice, "")
	photo, _ := s.LastMessage(alice.ID)
	s.SendSticker(alice)
	sticker, _ := s.LastMessage(alice.ID)
	summary, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: thread, Text: "Yhteenveto"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.PinChatMessage(ctx, &bot.PinChatMessageParams{ChatID: coordinators, MessageID: summary.ID}); err != nil {
		t.Fatal(err)
	}
	pinID := summary.ID + 1
	other := int64(-1005555555555)
	s.AddGroup(other, "Vanha ryhmä", false)
	s.SetMember(other, kaisa, StatusMember)
	s.SendGroupText(other, 0, kaisa, "Vanha viesti")
	s.SetMember(other, User{ID: s.BotID()}, StatusKicked)

	tests := []struct {
		name   string
		params bot.CopyMessageParams
		want   string
	}{
		{"from an unknown chat", bot.CopyMessageParams{ChatID: coordinators, FromChatID: 12345, MessageID: 1}, "Bad Request: chat not found"},
		{"no such message", bot.CopyMessageParams{ChatID: coordinators, FromChatID: alice.ID, MessageID: 999}, "Bad Request: message to copy not found"},
		{"the topic's first message", bot.CopyMessageParams{ChatID: alice.ID, FromChatID: coordinators, MessageID: thread}, "Bad Request: the message can't be copied"},
		{"a pin service message", bot.CopyMessageParams{ChatID: alice.ID, FromChatID: coordinators, MessageID: pinID}, "Bad Request: the message can't be copied"},
		{"from a group the bot was removed from", bot.CopyMessageParams{ChatID: alice.ID, FromChatID: other, MessageID: 1}, "Forbidden: bot was kicked from the supergroup chat"},
		{"into no topic", bot.CopyMessageParams{ChatID: coordinators, MessageThreadID: 999, FromChatID: alice.ID, MessageID: photo.ID}, "Bad Request: message thread not found"},
		{"into a group the bot was removed from", bot.CopyMessageParams{ChatID: other, FromChatID: alice.ID, MessageID: photo.ID}, "Forbidden: bot was kicked from the supergroup chat"},
		{"a photo's caption too long", bot.CopyMessageParams{ChatID: coordinators, MessageThreadID: thread, FromChatID: alice.ID, MessageID: photo.ID, Caption: strings.Repeat("c", 1025)}, "Bad Request: message caption is too long"},
		{"a sticker's caption is ignored", bot.CopyMessageParams{ChatID: coordinators, MessageThreadID: thread, FromChatID: alice.ID, MessageID: sticker.ID, Caption: strings.Repeat("c", 1025)}, ""},
		{"a bad caption is refused even so", bot.CopyMessageParams{ChatID: coordinators, MessageThreadID: thread, FromChatID: alice.ID, MessageID: sticker.ID, Caption: "<b>", ParseMode: models.ParseModeHTML}, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.params
			_, err := b.CopyMessage(ctx, &p)
			wantError(t, err, tt.want)
		})
	}
	last, _ := s.LastMessage(coordinators)
	if last.Media != "sticker" || last.Caption != "" {
		t.Errorf("the sticker's copy = %+v", last)
	}
}

func TestTextMentionUTF16(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	s.SendText(oksana, "Привіт")

	tests := []struct {
		name, text, mention string
		u                   User
	}{
		{"Finnish after an emoji", "🙋 Uusi tapaus! Hoitaako Kaisa Koordinaattori tämän?", "Kaisa Koordinaattori", kaisa},
		{"Ukrainian after two emoji", "👋🏽 Нова справа для Оксана, будь ласка", "Оксана", oksana},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offset := utf16Len(tt.text[:strings.Index(tt.text, tt.mention)])
			length := utf16Len(tt.mention)
			msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: thread, Text: tt.text,
				Entities: []models.MessageEntity{{Type: models.MessageEntityTypeTextMention, Offset: offset, Length: length, User: &models.User{ID: tt.u.ID}}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(msg.Entities) != 1 || msg.Entities[0].User == nil || msg.Entities[0].User.FirstName != tt.u.FirstName {
				t.Fatalf("entities = %+v", msg.Entities)
			}
			got, _ := s.Message(coordinators, msg.ID)
			e := got.Entities[0]
			if e.Type != models.MessageEntityTypeTextMention || e.Offset != offset || e.Length != length || e.User.ID != tt.u.ID {
				t.Fatalf("entity = %+v, want offset %d length %d", e, offset, length)
			}
			if mentioned := utf16Slice(got.Text, e.Offset, e.Length); mentioned != tt.mention {
				t.Errorf("the entity covers %q, want %q", mentioned, tt.mention)
			}
		})
	}
	if got := utf16Len("🙋 Uusi tapaus! Hoitaako "); got != 25 {
		t.Fatalf("utf16Len = %d; the test assumes an emoji counts 2", got)
	}

	errs := []struct {
		name, entities, want string
	}{
		{"no user", `[{"type":"text_mention","offset":0,"length":3}]`, `Bad Request: can't parse MessageEntity: Can't find field "user"`},
		{"user not an object", `[{"type":"text_mention","offset":0,"length":3,"user":501}]`, `Bad Request: can't parse MessageEntity: Field "user" must be of type Object`},
		{"user without id", `[{"type":"text_mention","offset":0,"length":3,"user":{"first_name":"Kaisa"}}]`, `Bad Request: can't parse MessageEntity: Can't find field "id"`},
		{"no offset", `[{"type":"bold","length":3}]`, `Bad Request: can't parse MessageEntity: Can't find field "offset"`},
		{"no type", `[{"offset":0,"length":3}]`, `Bad Request: can't parse MessageEntity: Can't find field "type"`},
		{"not an object", `["bold"]`, `Bad Request: can't parse MessageEntity: expected an Object`},
		{"unknown type", `[{"type":"sparkle","offset":0,"length":3}]`, `Bad Request: can't parse MessageEntity: Unsupported type specified`},
		{"not an array is ignored", `{"type":"bold"}`, ""},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			status, a := call(ctx, t, s, "sendMessage", map[string]any{"chat_id": oksana.ID, "text": "Hei Kaisa", "entities": tt.entities})
			if tt.want == "" {
				if status != http.StatusOK {
					t.Fatalf("%d %s", status, a.Description)
				}
				return
			}
			if status != http.StatusBadRequest || a.Description != tt.want {
				t.Fatalf("%d %q, want %q", status, a.Description, tt.want)
			}
		})
	}
}

// utf16Slice is the part of s from UTF-16 offset off of length n.
func utf16Slice(s string, off, n int) string {
	pos, start := 0, -1
	for i, r := range s {
		if pos == off {
			start = i
		}
		if pos == off+n {
			return s[start:i]
		}
		pos++
		if r >= 0x10000 {
			pos++
		}
	}
	if start >= 0 && pos == off+n {
		return s[start:]
	}
	return ""
}

func TestGroupLimitCountsCopiesAndFiles(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now, PerChat: Limit{Rate: -1}, Global: Limit{Rate: -1}})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	s.SendPhoto(alice, "")
	photo, _ := s.LastMessage(alice.ID)
	send := []func() error{
		func() error {
			_, err := b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: coordinators, MessageThreadID: thread, FromChatID: alice.ID, MessageID: photo.ID})
			return err
		},
		func() error {
			_, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: coordinators, MessageThreadID: thread, Photo: &models.InputFileString{Data: photo.FileID}})
			return err
		},
		func() error {
			_, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: coordinators, MessageThreadID: thread,
				Document: &models.InputFileUpload{Filename: "tapaus.txt", Data: strings.NewReader("Tapaus 17")}})
			return err
		},
	}
	// createForumTopic does not count; 20 sends fill the minute.
	for i := range 20 {
		if err := send[i%len(send)](); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	for i, f := range send {
		var tooMany *bot.TooManyRequestsError
		if err := f(); !errors.As(err, &tooMany) || tooMany.RetryAfter != 3 {
			t.Errorf("send %d over the limit: %v, want 429 retry after 3", i+21, err)
		}
	}
	clk.Advance(3 * time.Second)
	if err := send[0](); err != nil {
		t.Errorf("after retry_after: %v", err)
	}
}

func TestPressInTopicCarriesTheThread(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	card, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: thread, Text: "Uusi tapaus",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Otan", CallbackData: "claim:17"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.PressIn(coordinators, kaisa, card.ID, "claim:17")
	if err != nil {
		t.Fatal(err)
	}
	q := fields(t, rawUpdates(ctx, t, s, id)[0]["callback_query"])
	m := fields(t, q["message"])
	if string(m["message_thread_id"]) != fmt.Sprint(thread) || string(m["is_topic_message"]) != "true" ||
		string(fields(t, q["from"])["id"]) != fmt.Sprint(kaisa.ID) || string(fields(t, m["chat"])["is_forum"]) != "true" {
		t.Errorf("callback query = %v", q)
	}
}

func TestPrivateHelpersForNewKinds(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	s.SendVideo(alice, "Katso")
	u := lastUpdate(ctx, t, s).Message
	if u.Video == nil || u.Video.FileID == "" || u.Video.MimeType != "video/mp4" || u.Caption != "Katso" || u.Chat.ID != alice.ID {
		t.Errorf("video = %+v", u)
	}
	got, _ := s.LastMessage(alice.ID)
	if data, ok := s.File(got.FileID); got.Media != "video" || !ok || len(data) != got.FileSize {
		t.Errorf("video message = %+v, %d bytes", got, len(data))
	}
	s.SendLocation(alice, 60.1699, 24.9384)
	u = lastUpdate(ctx, t, s).Message
	if u.Location == nil || u.Location.Latitude != 60.1699 || u.Location.Longitude != 24.9384 {
		t.Errorf("location = %+v", u.Location)
	}
	if got, _ := s.LastMessage(alice.ID); got.Media != "location" || got.Location == nil || got.Location.Latitude != 60.1699 {
		t.Errorf("location message = %+v", got)
	}
	for _, c := range []Content{{}, {Kind: "hologram"}, {Kind: "document", Data: []byte{}}, {Text: "x", ReplyTo: 99}} {
		if id := s.Send(alice.ID, 0, alice, c); id != 0 {
			t.Errorf("Send(%+v) = %d, want 0", c, id)
		}
	}
	if id := s.Send(alice.ID, 0, kaisa, Content{Text: "not my chat"}); id != 0 {
		t.Errorf("Kaisa wrote in Alice's chat: %d", id)
	}
}

// myChatMember is the newest my_chat_member update's old and new status.
func myChatMember(ctx context.Context, t *testing.T, s *Server) (string, string, models.ChatMemberUpdated) {
	t.Helper()
	u := lastUpdate(ctx, t, s).MyChatMember
	if u == nil {
		t.Fatal("the newest update is no my_chat_member")
	}
	return string(u.OldChatMember.Type), string(u.NewChatMember.Type), *u
}

func TestRemovedBotGetsForbidden(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	sendThere := func() error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: thread, Text: "Tapaus 17"})
		return err
	}

	s.RemoveBot(coordinators)
	err := sendThere()
	if !errors.Is(err, bot.ErrorForbidden) || !strings.HasSuffix(err.Error(), ", Forbidden: bot was kicked from the supergroup chat") {
		t.Errorf("send after RemoveBot: %v", err)
	}
	if c := lastCall(t, s); c.Status != http.StatusForbidden || c.Error != "Forbidden: bot was kicked from the supergroup chat" || c.Fault != "" {
		t.Errorf("call = %+v", c)
	}
	old, now, u := myChatMember(ctx, t, s)
	if old != "administrator" || now != "kicked" || u.Chat.ID != coordinators || u.NewChatMember.Banned.User.ID != s.BotID() {
		t.Errorf("my_chat_member %s → %s: %+v", old, now, u)
	}
	if m, _ := s.Member(coordinators, s.BotID()); m.Status != StatusKicked {
		t.Errorf("the bot's standing = %+v", m)
	}

	s.AddBotBack(coordinators, Rights{})
	if old, now, _ := myChatMember(ctx, t, s); old != "kicked" || now != "member" {
		t.Errorf("my_chat_member %s → %s", old, now)
	}
	if err := sendThere(); err != nil {
		t.Errorf("send as a member again: %v", err)
	}

	s.SetMember(coordinators, User{ID: s.BotID()}, StatusLeft)
	if err := sendThere(); !errors.Is(err, bot.ErrorForbidden) || !strings.HasSuffix(err.Error(), ", Forbidden: bot is not a member of the supergroup chat") {
		t.Errorf("send after leaving: %v", err)
	}
	r := FullRights
	r.PinMessages = false
	s.AddBotBack(coordinators, r)
	old, now, u = myChatMember(ctx, t, s)
	if a := u.NewChatMember.Administrator; old != "left" || now != "administrator" || a == nil || a.CanPinMessages || !a.CanManageTopics {
		t.Errorf("my_chat_member %s → %s: %+v", old, now, a)
	}
	if err := sendThere(); err != nil {
		t.Errorf("send as an administrator again: %v", err)
	}
}

func TestTopicRights(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	create := func() error {
		_, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: coordinators, Name: "Tapaus 18"})
		return err
	}
	noTopics := FullRights
	noTopics.ManageTopics = false
	noDeletes := FullRights
	noDeletes.DeleteMessages = false

	s.SetAdmin(coordinators, User{ID: s.BotID()}, noTopics)
	wantBadRequest(t, create(), "Bad Request: not enough rights to create a topic")
	// The topics the bot made stay its own to change.
	if _, err := b.EditForumTopic(ctx, &bot.EditForumTopicParams{ChatID: coordinators, MessageThreadID: thread, Name: "Tapaus 17 (kiireellinen)"}); err != nil {
		t.Errorf("edit the bot's own topic: %v", err)
	}
	if _, err := b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: coordinators, MessageThreadID: thread}); err != nil {
		t.Errorf("close the bot's own topic: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: thread, Text: "Suljettu"}); err != nil {
		t.Errorf("send into the bot's own closed topic: %v", err)
	}

	s.AddBotBack(coordinators, Rights{})
	wantBadRequest(t, create(), "Bad Request: not enough rights to create a topic")
	s.SetMember(coordinators, User{ID: s.BotID()}, StatusCreator)
	if err := create(); err != nil {
		t.Errorf("create as the group's creator: %v", err)
	}

	s.SetAdmin(coordinators, User{ID: s.BotID()}, noDeletes)
	_, err := b.DeleteForumTopic(ctx, &bot.DeleteForumTopicParams{ChatID: coordinators, MessageThreadID: thread})
	wantBadRequest(t, err, "Bad Request: not enough rights to delete the topic")
	if err := create(); err != nil {
		t.Errorf("create with can_manage_topics: %v", err)
	}
}

func TestDeletedTopicIsNotFound(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	thread := forum(ctx, t, s, b)
	other, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: coordinators, Name: "Tapaus 18"})
	if err != nil {
		t.Fatal(err)
	}
	card, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: thread, Text: "Tapaus 17"})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := b.DeleteForumTopic(ctx, &bot.DeleteForumTopicParams{ChatID: coordinators, MessageThreadID: thread}); err != nil || !ok {
		t.Fatalf("delete: %v", err)
	}
	// A coordinator deletes the other topic in the app; the bot is not told.
	pending := s.Pending()
	if !s.DeleteTopic(coordinators, other.MessageThreadID) || s.DeleteTopic(coordinators, other.MessageThreadID) {
		t.Fatal("DeleteTopic deleted no topic, or one twice")
	}
	if s.Pending() != pending {
		t.Error("deleting a topic in the app queued an update")
	}

	for _, id := range []int{thread, other.MessageThreadID} {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: coordinators, MessageThreadID: id, Text: "Hei"})
		wantBadRequest(t, err, "Bad Request: message thread not found")
		_, err = b.EditForumTopic(ctx, &bot.EditForumTopicParams{ChatID: coordinators, MessageThreadID: id, Name: "Uusi"})
		wantBadRequest(t, err, "Bad Request: message thread not found")
		_, err = b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: coordinators, MessageThreadID: id})
		wantBadRequest(t, err, "Bad Request: message thread not found")
		_, err = b.DeleteForumTopic(ctx, &bot.DeleteForumTopicParams{ChatID: coordinators, MessageThreadID: id})
		wantBadRequest(t, err, "Bad Request: message thread not found")
		if s.Send(coordinators, id, kaisa, Content{Text: "Hei"}) != 0 {
			t.Errorf("Kaisa wrote in deleted topic %d", id)
		}
	}
	if m, _ := s.Message(coordinators, card.ID); !m.Deleted {
		t.Errorf("the topic's message = %+v", m)
	}
	if got := s.Topics(coordinators); len(got) != 2 || !got[0].Deleted || !got[1].Deleted {
		t.Errorf("topics = %+v", got)
	}
}
