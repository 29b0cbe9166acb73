package bot

import (
	"encoding/json"
	"strings"

	"github.com/go-telegram/bot/models"

	"polku/flows"
)

// envelope is the little of an update needed to file it in the inbox.
type envelope struct {
	UpdateID int64 `json:"update_id"`
	Message  *struct {
		Chat struct {
			ID int64 `json:"id"`
		} `json:"chat"`
	} `json:"message"`
	EditedMessage *struct {
		Chat struct {
			ID int64 `json:"id"`
		} `json:"chat"`
	} `json:"edited_message"`
	CallbackQuery *struct {
		From struct {
			ID int64 `json:"id"`
		} `json:"from"`
		Message *struct {
			Chat struct {
				ID int64 `json:"id"`
			} `json:"chat"`
		} `json:"message"`
	} `json:"callback_query"`
	MyChatMember *struct {
		Chat struct {
			ID int64 `json:"id"`
		} `json:"chat"`
	} `json:"my_chat_member"`
}

// chatOf returns the update's ID and the chat it belongs to (0 for none).
// ok is false when raw is not an update at all.
func chatOf(raw []byte) (id, chat int64, ok bool) {
	var e envelope
	if err := json.Unmarshal(raw, &e); err != nil || e.UpdateID <= 0 {
		return 0, 0, false
	}
	switch {
	case e.Message != nil:
		chat = e.Message.Chat.ID
	case e.EditedMessage != nil:
		chat = e.EditedMessage.Chat.ID
	case e.CallbackQuery != nil:
		chat = e.CallbackQuery.From.ID
		if e.CallbackQuery.Message != nil && e.CallbackQuery.Message.Chat.ID != 0 {
			chat = e.CallbackQuery.Message.Chat.ID
		}
	case e.MyChatMember != nil:
		chat = e.MyChatMember.Chat.ID
	}
	return e.UpdateID, chat, true
}

// incoming is an update understood: the flows' input, who sent it, and how
// to answer a pressed button.
type incoming struct {
	in flows.Input
	// lang is the sender's Telegram language_code.
	lang string
	// callback is the ID of the callback query to answer, if any.
	callback string
	// private is set for updates from a private chat with the bot: the
	// only chats the family flows speak in.
	private bool
	// blocked is set when the person blocked (true) or unblocked the bot.
	blocked *bool
	// from is the sender's user ID; document a file they sent.
	from     int64
	document *models.Document
	// user is the sender (the presser of a button).
	user *models.User
	// chat is the chat of the update; thread the forum topic of a group
	// message (0 for none or the General topic).
	chat   int64
	thread int
	// caption is a media message's caption; media the kind of media;
	// photo the file ID of a photo's largest size.
	caption string
	media   string
	photo   string
	// text is a message's whole text (a command with its argument).
	text string
	// member is a change of the bot's own membership in a group.
	member *models.ChatMemberUpdated
}

// rawUpdate is what Polku reads of an update: the library's types, but a
// pressed button's message is read for its ID and chat alone (see
// pressed).
type rawUpdate struct {
	Message       *models.Message           `json:"message"`
	EditedMessage *models.Message           `json:"edited_message"`
	CallbackQuery *press                    `json:"callback_query"`
	MyChatMember  *models.ChatMemberUpdated `json:"my_chat_member"`
}

// press is a callback query. Telegram sends the pressed button's whole
// message with it, keyboard and all; read by the library's types, it was
// the largest part of reading the updates of the bench walk, for an ID
// and a chat.
type press struct {
	ID      string      `json:"id"`
	From    models.User `json:"from"`
	Data    string      `json:"data"`
	Message *struct {
		ID int `json:"message_id"`
		// Date is 0 for a message the bot can no longer see.
		Date            int         `json:"date"`
		Chat            models.Chat `json:"chat"`
		IsTopicMessage  bool        `json:"is_topic_message"`
		MessageThreadID int         `json:"message_thread_id"`
	} `json:"message"`
}

// read reads an update and understands it (parse).
func read(payload []byte) (incoming, error) {
	var r rawUpdate
	if err := json.Unmarshal(payload, &r); err != nil {
		return incoming{}, err
	}
	if q := r.CallbackQuery; q != nil {
		return pressed(q), nil
	}
	return parse(&models.Update{Message: r.Message, EditedMessage: r.EditedMessage, MyChatMember: r.MyChatMember}), nil
}

// pressed turns a pressed button into an input, as parse does.
func pressed(q *press) incoming {
	var x incoming
	x.callback = q.ID
	x.lang = q.From.LanguageCode
	x.from = q.From.ID
	x.user = &q.From
	x.in = flows.Input{Kind: flows.KindButton, Payload: q.Data}
	switch m := q.Message; {
	case m == nil:
		// An inline-mode button carries no message: not ours.
		x.private = false
	default:
		x.in.MessageID = m.ID
		x.private = m.Chat.Type == models.ChatTypePrivate
		x.chat = m.Chat.ID
		if m.Date != 0 && m.IsTopicMessage {
			x.thread = m.MessageThreadID
		}
	}
	return x
}

// parse turns an update into an input for the flows; a pressed button
// comes through pressed (see read).
func parse(u *models.Update) incoming {
	var x incoming
	switch {
	case u.Message != nil:
		m := u.Message
		x.private = m.Chat.Type == models.ChatTypePrivate
		if m.From != nil {
			x.lang = m.From.LanguageCode
			x.from = m.From.ID
			x.user = m.From
		}
		x.in = message(m)
		x.in.Message = m.ID
		x.document = m.Document
		if n := len(m.Photo); n > 0 {
			x.photo = m.Photo[n-1].FileID
		}
		x.chat, x.caption, x.media, x.text = m.Chat.ID, m.Caption, x.in.Media, m.Text
		if m.IsTopicMessage {
			x.thread = m.MessageThreadID
		}
	case u.EditedMessage != nil:
		m := u.EditedMessage
		x.private = m.Chat.Type == models.ChatTypePrivate
		if m.From != nil {
			x.lang = m.From.LanguageCode
		}
		// The new text goes to the flows, to be read for safety words;
		// the message, to be copied to the coordinators as it reads now.
		x.in = flows.Input{Kind: flows.KindEdited, Text: m.Text, Message: m.ID}
		if m.Text == "" {
			x.in.Text = m.Caption
		}
	case u.MyChatMember != nil:
		m := u.MyChatMember
		x.chat = m.Chat.ID
		if m.Chat.Type == models.ChatTypePrivate {
			b := m.NewChatMember.Type == models.ChatMemberTypeBanned
			x.blocked = &b
		} else {
			x.member = m
		}
	}
	return x
}

// message turns a message into an input.
func message(m *models.Message) flows.Input {
	switch {
	case m.Contact != nil:
		own := m.From != nil && m.Contact.UserID == m.From.ID
		return flows.Input{Kind: flows.KindContact, Phone: m.Contact.PhoneNumber, OwnContact: own, Media: "contact"}
	case m.Text != "":
		if cmd, arg, ok := command(m); ok {
			return flows.Input{Kind: flows.KindCommand, Command: cmd, Text: arg}
		}
		return flows.Input{Kind: flows.KindText, Text: m.Text}
	}
	media := ""
	switch {
	case m.Sticker != nil:
		media = "sticker"
	case len(m.Photo) > 0:
		media = "photo"
	case m.Voice != nil:
		media = "voice"
	case m.Audio != nil:
		media = "audio"
	case m.VideoNote != nil:
		media = "video_note"
	case m.Video != nil, m.Animation != nil:
		media = "video"
	case m.Document != nil:
		media = "document"
	case m.Venue != nil:
		media = "venue"
	case m.Location != nil:
		media = "location"
	case m.Poll != nil, m.Dice != nil, m.Game != nil, m.Story != nil:
		media = "other"
	case m.Caption != "":
		media = "other"
	}
	if media == "" {
		// A service message (a pin, a chat setting...): nothing the
		// person said, so nothing to answer.
		return flows.Input{}
	}
	// The caption is carried, to be read for safety words.
	return flows.Input{Kind: flows.KindUnsupported, Media: media, Text: m.Caption}
}

// command recognises "/name@bot argument" at the start of a message, as
// Telegram marks it with a bot_command entity. The name is folded
// (flows.Fold), so "/START" and a "/start" pasted with a zero-width space
// or a bidi mark are /start.
func command(m *models.Message) (name, arg string, ok bool) {
	if !strings.HasPrefix(m.Text, "/") {
		return "", "", false
	}
	end := len(m.Text)
	if i := strings.IndexAny(m.Text, " \n\t"); i >= 0 {
		end = i
	}
	name, _, _ = strings.Cut(flows.Fold(m.Text[1:end]), "@")
	if name == "" {
		return "", "", false
	}
	return name, strings.TrimSpace(m.Text[end:]), true
}
