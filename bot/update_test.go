package bot

import (
	"encoding/json"
	"testing"

	"github.com/go-telegram/bot/models"

	"polku/flows"
)

// Updates as Telegram sends them (trimmed to the fields that matter).
const (
	upText = `{"update_id":101,"message":{"message_id":5,"from":{"id":4242,"is_bot":false,"first_name":"Anna","language_code":"sv"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"text":"Hej"}}`
	upStart = `{"update_id":102,"message":{"message_id":6,"from":{"id":4242,"is_bot":false,"first_name":"Anna","language_code":"fi"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"text":"/start demo-school",` +
		`"entities":[{"offset":0,"length":6,"type":"bot_command"}]}}`
	upEdited = `{"update_id":103,"edited_message":{"message_id":5,"from":{"id":4242,"is_bot":false,"first_name":"Anna","language_code":"en"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"edit_date":1764000060,"text":"Hej då"}}`
	upCallback = `{"update_id":104,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":4242,"is_bot":false,"first_name":"Anna","language_code":"uk"},` +
		`"message":{"message_id":7,"from":{"id":123456789,"is_bot":true,"first_name":"Polku","username":"polku_test_bot"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"text":"Question",` +
		`"reply_markup":{"inline_keyboard":[[{"text":"Yes","callback_data":"3:go"}]]}},"chat_instance":"-123","data":"3:go"}}`
	upCallbackOld = `{"update_id":105,"callback_query":{"id":"99","from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"message":{"message_id":2,"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":0},"chat_instance":"-123","data":"1:go"}}`
	upCallbackInline = `{"update_id":106,"callback_query":{"id":"100","from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"inline_message_id":"AAAA","chat_instance":"-123","data":"1:go"}}`
	upCallbackGroup = `{"update_id":107,"callback_query":{"id":"101","from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"message":{"message_id":9,"chat":{"id":-1001234,"title":"Coordinators","type":"supergroup"},"date":1764000000,"text":"x"},"chat_instance":"-5","data":"1:go"}}`
	upKicked = `{"update_id":108,"my_chat_member":{"chat":{"id":4242,"first_name":"Anna","type":"private"},` +
		`"from":{"id":4242,"is_bot":false,"first_name":"Anna"},"date":1764000000,` +
		`"old_chat_member":{"user":{"id":123456789,"is_bot":true,"first_name":"Polku"},"status":"member"},` +
		`"new_chat_member":{"user":{"id":123456789,"is_bot":true,"first_name":"Polku"},"status":"kicked","until_date":0}}}`
	upMember = `{"update_id":109,"my_chat_member":{"chat":{"id":4242,"first_name":"Anna","type":"private"},` +
		`"from":{"id":4242,"is_bot":false,"first_name":"Anna"},"date":1764000000,` +
		`"old_chat_member":{"user":{"id":123456789,"is_bot":true,"first_name":"Polku"},"status":"kicked","until_date":0},` +
		`"new_chat_member":{"user":{"id":123456789,"is_bot":true,"first_name":"Polku"},"status":"member"}}}`
	upGroupAdded = `{"update_id":110,"my_chat_member":{"chat":{"id":-1001234,"title":"Coordinators","type":"supergroup"},` +
		`"from":{"id":4242,"is_bot":false,"first_name":"Anna"},"date":1764000000,` +
		`"old_chat_member":{"user":{"id":123456789,"is_bot":true,"first_name":"Polku"},"status":"left"},` +
		`"new_chat_member":{"user":{"id":123456789,"is_bot":true,"first_name":"Polku"},"status":"member"}}}`
	upGroupText = `{"update_id":111,"message":{"message_id":3,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":-1001234,"title":"Coordinators","type":"supergroup"},"date":1764000000,"text":"/start@polku_test_bot"}}`
	upContactOwn = `{"update_id":112,"message":{"message_id":8,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,` +
		`"contact":{"phone_number":"+358401234567","first_name":"Anna","user_id":4242}}}`
	upContactOther = `{"update_id":113,"message":{"message_id":9,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,` +
		`"contact":{"phone_number":"+358409876543","first_name":"Bea","user_id":777}}}`
	upContactCard = `{"update_id":114,"message":{"message_id":10,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,` +
		`"contact":{"phone_number":"+358409876543","first_name":"Card"}}}`
	upSticker = `{"update_id":115,"message":{"message_id":11,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,` +
		`"sticker":{"file_id":"CAAC","file_unique_id":"AgAD","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false,"emoji":"👍"}}}`
	upPhoto = `{"update_id":116,"message":{"message_id":12,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"caption":"look",` +
		`"photo":[{"file_id":"p1","file_unique_id":"u1","width":90,"height":67},{"file_id":"p2","file_unique_id":"u2","width":1280,"height":960}]}}`
	upVoice = `{"update_id":117,"message":{"message_id":13,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"voice":{"file_id":"v","file_unique_id":"v","duration":3}}}`
	upVideo = `{"update_id":118,"message":{"message_id":14,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"video":{"file_id":"v","file_unique_id":"v","width":1,"height":1,"duration":3}}}`
	upVideoNote = `{"update_id":119,"message":{"message_id":15,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"video_note":{"file_id":"v","file_unique_id":"v","length":240,"duration":3}}}`
	upDocument = `{"update_id":120,"message":{"message_id":16,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"document":{"file_id":"d","file_unique_id":"d","file_name":"a.pdf"}}}`
	upLocation = `{"update_id":121,"message":{"message_id":17,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"location":{"latitude":65.96,"longitude":29.18}}}`
	upPoll = `{"update_id":122,"message":{"message_id":18,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,` +
		`"poll":{"id":"1","question":"?","options":[],"total_voter_count":0,"is_closed":false,"is_anonymous":true,"type":"regular","allows_multiple_answers":false}}}`
	upEditedCaption = `{"update_id":124,"edited_message":{"message_id":12,"from":{"id":4242,"is_bot":false,"first_name":"Anna"},` +
		`"chat":{"id":4242,"first_name":"Anna","type":"private"},"date":1764000000,"edit_date":1764000060,"caption":"nytt",` +
		`"photo":[{"file_id":"p1","file_unique_id":"u1","width":90,"height":67}]}}`
	upChannelPost = `{"update_id":123,"channel_post":{"message_id":1,"chat":{"id":-100777,"title":"News","type":"channel"},"date":1764000000,"text":"hi"}}`
)

func TestChatOf(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		id, chat int64
		ok       bool
	}{
		{"message", upText, 101, 4242, true},
		{"edited message", upEdited, 103, 4242, true},
		{"callback query", upCallback, 104, 4242, true},
		{"callback on an inaccessible message", upCallbackOld, 105, 4242, true},
		{"inline-mode callback: the presser's chat", upCallbackInline, 106, 4242, true},
		{"callback in a group", upCallbackGroup, 107, -1001234, true},
		{"my_chat_member", upKicked, 108, 4242, true},
		{"group my_chat_member", upGroupAdded, 110, -1001234, true},
		{"group message", upGroupText, 111, -1001234, true},
		{"contact", upContactOwn, 112, 4242, true},
		{"sticker", upSticker, 115, 4242, true},
		{"update of a kind not asked for: no chat", upChannelPost, 123, 0, true},
		{"only an update_id", `{"update_id":7}`, 7, 0, true},
		{"zero update_id", `{"update_id":0,"message":{"chat":{"id":1}}}`, 0, 0, false},
		{"negative update_id", `{"update_id":-3,"message":{"chat":{"id":1}}}`, 0, 0, false},
		{"no update_id", `{"message":{"chat":{"id":1}}}`, 0, 0, false},
		{"update_id as a string", `{"update_id":"7"}`, 0, 0, false},
		{"array", `[{"update_id":7}]`, 0, 0, false},
		{"not JSON", `update_id=7`, 0, 0, false},
		{"empty", ``, 0, 0, false},
		{"null", `null`, 0, 0, false},
		{"message: null", `{"update_id":8,"message":null}`, 8, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, chat, ok := chatOf([]byte(tt.raw))
			if id != tt.id || chat != tt.chat || ok != tt.ok {
				t.Errorf("chatOf = %d, %d, %v; want %d, %d, %v", id, chat, ok, tt.id, tt.chat, tt.ok)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want incoming
	}{
		{"text", upText, incoming{private: true, lang: "sv", in: flows.Input{Kind: flows.KindText, Text: "Hej"}}},
		{"command with argument", upStart, incoming{private: true, lang: "fi", in: flows.Input{Kind: flows.KindCommand, Command: "start", Text: "demo-school"}}},
		{"edited message", upEdited, incoming{private: true, lang: "en", in: flows.Input{Kind: flows.KindEdited, Text: "Hej då"}}},
		{"edited caption", upEditedCaption, incoming{private: true, in: flows.Input{Kind: flows.KindEdited, Text: "nytt"}}},
		{"callback query", upCallback, incoming{private: true, lang: "uk", callback: "4382bfdwdsb323b2d9",
			in: flows.Input{Kind: flows.KindButton, Payload: "3:go", MessageID: 7}}},
		{"callback on an inaccessible message", upCallbackOld, incoming{private: true, callback: "99",
			in: flows.Input{Kind: flows.KindButton, Payload: "1:go", MessageID: 2}}},
		{"inline-mode callback", upCallbackInline, incoming{private: false, callback: "100",
			in: flows.Input{Kind: flows.KindButton, Payload: "1:go"}}},
		{"callback in a group", upCallbackGroup, incoming{private: false, callback: "101",
			in: flows.Input{Kind: flows.KindButton, Payload: "1:go", MessageID: 9}}},
		{"blocked", upKicked, incoming{blocked: ptr(true)}},
		{"unblocked", upMember, incoming{blocked: ptr(false)}},
		{"added to a group", upGroupAdded, incoming{}},
		{"group message", upGroupText, incoming{private: false, in: flows.Input{Kind: flows.KindCommand, Command: "start"}}},
		{"own contact", upContactOwn, incoming{private: true, in: flows.Input{Kind: flows.KindContact, Phone: "+358401234567", OwnContact: true, Media: "contact"}}},
		{"someone else's contact", upContactOther, incoming{private: true, in: flows.Input{Kind: flows.KindContact, Phone: "+358409876543", Media: "contact"}}},
		{"a contact card of no Telegram user", upContactCard, incoming{private: true, in: flows.Input{Kind: flows.KindContact, Phone: "+358409876543", Media: "contact"}}},
		{"sticker", upSticker, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "sticker"}}},
		{"photo with caption", upPhoto, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "photo", Text: "look"}}},
		{"voice", upVoice, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "voice"}}},
		{"video", upVideo, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "video"}}},
		{"video note", upVideoNote, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "video_note"}}},
		{"document", upDocument, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "document"}}},
		{"location", upLocation, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "location"}}},
		{"poll", upPoll, incoming{private: true, in: flows.Input{Kind: flows.KindUnsupported, Media: "other"}}},
		{"channel post", upChannelPost, incoming{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u models.Update
			if err := json.Unmarshal([]byte(tt.raw), &u); err != nil {
				t.Fatal(err)
			}
			got, err := read([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if u.Message != nil && got.in.Message != u.Message.ID {
				t.Errorf("parse: message ID %d, want %d", got.in.Message, u.Message.ID)
			}
			if u.EditedMessage != nil && got.in.Message != u.EditedMessage.ID {
				t.Errorf("parse: edited message ID %d, want %d", got.in.Message, u.EditedMessage.ID)
			}
			got.in.Message = 0
			if got.in != tt.want.in || got.lang != tt.want.lang || got.callback != tt.want.callback || got.private != tt.want.private {
				t.Errorf("parse =\n  %+v (private %v, lang %q, callback %q)\nwant\n  %+v (private %v, lang %q, callback %q)",
					got.in, got.private, got.lang, got.callback, tt.want.in, tt.want.private, tt.want.lang, tt.want.callback)
			}
			switch {
			case (got.blocked == nil) != (tt.want.blocked == nil):
				t.Errorf("blocked = %v, want %v", got.blocked, tt.want.blocked)
			case got.blocked != nil && *got.blocked != *tt.want.blocked:
				t.Errorf("blocked = %v, want %v", *got.blocked, *tt.want.blocked)
			}
		})
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		text      string
		name, arg string
		ok        bool
	}{
		{"/start", "start", "", true},
		{"/START", "start", "", true},
		{"/start demo-school", "start", "demo-school", true},
		{"/start@polku_test_bot demo-school", "start", "demo-school", true},
		{"/Help@Polku_Test_Bot", "help", "", true},
		{"/menu\nsomething else", "menu", "something else", true},
		{"/language   sv  ", "language", "sv", true},
		{"/privacy\tplease", "privacy", "please", true},
		{"/", "", "", false},
		{"/ start", "", "", false},
		{"/@polku_test_bot", "", "", false},
		{"start", "", "", false},
		{" /start", "", "", false},
		{"hello /start", "", "", false},
		{"/пуск аргумент", "пуск", "аргумент", true},
		{"/ПУСК", "пуск", "", true},
		// Pasted from a web page or typed on a right-to-left keyboard.
		{"/start\u200b", "start", "", true},
		{"/\u200emenu", "menu", "", true},
		{"/HELP\u2060@Polku_Test_Bot", "help", "", true},
		{"/\u200b", "", "", false},
	}
	for _, tt := range tests {
		name, arg, ok := command(&models.Message{Text: tt.text})
		if name != tt.name || arg != tt.arg || ok != tt.ok {
			t.Errorf("command(%q) = %q, %q, %v; want %q, %q, %v", tt.text, name, arg, ok, tt.name, tt.arg, tt.ok)
		}
	}
	// A text that is not a command reaches the flows as text.
	if in := message(&models.Message{Text: "/"}); in.Kind != flows.KindText || in.Text != "/" {
		t.Errorf("message(\"/\") = %+v, want text", in)
	}
}
