package telegramtest

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"

	"github.com/go-telegram/bot/models"
)

// User is a simulated Telegram user. Their private chat with the bot has
// the user's ID as chat ID.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
	// Phone is the number PressKey shares for a request_contact button.
	Phone string
}

func (u User) firstName() string {
	if u.FirstName == "" {
		return "User"
	}
	return u.FirstName
}

// userMessageLocked adds a message u sends in their private chat and queues
// it as a "message" update.
func (s *Server) userMessageLocked(u User, m *message) int64 {
	c := s.userChatLocked(u)
	if c.blocked {
		// Writing to a bot one blocked restarts it, as the Telegram apps do.
		s.setBlockedLocked(c, false)
	}
	m.from = u
	s.addLocked(c, m)
	if c.keyboard != nil && c.keyboard.oneTime {
		c.keyboard = nil
	}
	return s.enqueueLocked("message", s.messageJSON(m), updateTTL)
}

// SendText sends text from u to the bot and returns the update_id (0 when
// allowed_updates filters messages out, or for an empty text). Bot commands
// in the text get bot_command entities as Telegram gives them.
func (s *Server) SendText(u User, text string) int64 {
	return s.Send(u.ID, 0, u, Content{Text: text})
}

// Reply sends text from u as a reply to message replyTo of their chat; 0
// when the chat has no such message.
func (s *Server) Reply(u User, replyTo int, text string) int64 {
	return s.Send(u.ID, 0, u, Content{Text: text, ReplyTo: replyTo})
}

// SendSticker sends a sticker from u.
func (s *Server) SendSticker(u User) int64 {
	return s.Send(u.ID, 0, u, Content{Kind: "sticker"})
}

// SendPhoto sends a photo with a caption from u.
func (s *Server) SendPhoto(u User, caption string) int64 {
	return s.Send(u.ID, 0, u, Content{Kind: "photo", Caption: caption})
}

// SendVoice sends a voice message from u.
func (s *Server) SendVoice(u User) int64 {
	return s.Send(u.ID, 0, u, Content{Kind: "voice"})
}

// SendDocument sends a file named name with a caption from u; its content
// is 2 KB of placeholder text. SendFile sends a file with real content.
func (s *Server) SendDocument(u User, name, caption string) int64 {
	return s.SendFile(u, name, filler(path.Base(name), 2048), caption)
}

// SendContact sends a contact from u, as the share-contact button does when
// contactUserID is u.ID; another contactUserID shares someone else's card.
func (s *Server) SendContact(u User, phone string, contactUserID int64) int64 {
	ct := &models.Contact{PhoneNumber: phone, FirstName: "Contact", UserID: contactUserID}
	if contactUserID == u.ID {
		ct.FirstName, ct.LastName = u.firstName(), u.LastName
	}
	return s.Send(u.ID, 0, u, Content{Contact: ct})
}

// PressKey taps a button of the reply keyboard u's chat shows: the button's
// text is sent, or u's contact (with u.Phone) for a request_contact button.
func (s *Server) PressKey(u User, text string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[u.ID]
	if c == nil || c.keyboard == nil {
		return 0, fmt.Errorf("telegramtest: chat %d shows no reply keyboard", u.ID)
	}
	for _, row := range c.keyboard.keyboard {
		for _, b := range row {
			if b.text != text {
				continue
			}
			switch {
			case b.requestContact:
				if u.Phone == "" {
					return 0, fmt.Errorf("telegramtest: user %d has no Phone to share", u.ID)
				}
				ct := &models.Contact{PhoneNumber: u.Phone, FirstName: u.firstName(), LastName: u.LastName, UserID: u.ID}
				return s.userMessageLocked(u, &message{contact: ct}), nil
			case b.requestLocation:
				return 0, fmt.Errorf("telegramtest: location buttons are not simulated")
			}
			return s.userMessageLocked(u, &message{text: text, entities: commandEntities(text)}), nil
		}
	}
	return 0, fmt.Errorf("telegramtest: the keyboard of chat %d has no button %q", u.ID, text)
}

// EditText edits a text message u sent before and queues an
// "edited_message" update. It returns 0 when u has no such text message.
func (s *Server) EditText(u User, messageID int, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[u.ID]
	if c == nil {
		return 0
	}
	m := c.message(messageID)
	if m == nil || m.fromBot || m.from.ID != u.ID || m.text == "" {
		return 0
	}
	m.text, m.entities = text, commandEntities(text)
	m.editDate = s.now()
	m.edits++
	return s.enqueueLocked("edited_message", s.messageJSON(m), updateTTL)
}

// Press presses the inline button with callback data data under the bot's
// message messageID in u's chat and queues the "callback_query" update. It
// fails when that message has no such button.
func (s *Server) Press(u User, messageID int, data string) (int64, error) {
	return s.PressIn(u.ID, u, messageID, data)
}

// PressIn is Press in any chat, such as a group where u is a member; it
// fails in a group u is not in, whose messages u cannot see.
func (s *Server) PressIn(chatID int64, u User, messageID int, data string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return 0, fmt.Errorf("telegramtest: no chat %d", chatID)
	}
	m := c.message(messageID)
	switch {
	case c.typ != "private" && !c.members[u.ID].inChat():
		return 0, fmt.Errorf("telegramtest: user %d is not a member of chat %d", u.ID, chatID)
	case m == nil:
		return 0, fmt.Errorf("telegramtest: no message %d in chat %d", messageID, chatID)
	case !m.fromBot:
		return 0, fmt.Errorf("telegramtest: message %d in chat %d is not the bot's", messageID, chatID)
	case !m.markup.hasData(data):
		return 0, fmt.Errorf("telegramtest: message %d in chat %d has no button with callback_data %q", messageID, chatID, data)
	}
	return s.pressLocked(u, c, messageID, data), nil
}

// PressRaw queues a callback query for message messageID with any data, as
// a forged or stale press would; nothing is checked.
func (s *Server) PressRaw(u User, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pressLocked(u, s.userChatLocked(u), messageID, data)
}

// PressRawIn is PressRaw in a group's message: a member's forged press.
// Only membership is checked.
func (s *Server) PressRawIn(chatID int64, u User, messageID int, data string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || !c.members[u.ID].inChat() {
		return 0, fmt.Errorf("telegramtest: user %d is not a member of chat %d", u.ID, chatID)
	}
	return s.pressLocked(u, c, messageID, data), nil
}

func (s *Server) pressLocked(u User, c *chat, messageID int, data string) int64 {
	id := strconv.FormatUint(s.nextIDLocked()>>1, 10)
	s.queries[id] = &query{chatID: c.id, msgID: messageID, at: s.now()}
	var msg any
	if m := c.message(messageID); m != nil {
		msg = s.wire(m, true)
	} else {
		// A message the bot can no longer see arrives as an
		// InaccessibleMessage, with date 0.
		msg = wireInaccessible{Chat: c.wire(), MessageID: messageID}
	}
	payload, _ := json.Marshal(struct {
		ID           string    `json:"id"`
		From         *wireUser `json:"from"`
		Message      any       `json:"message"`
		ChatInstance string    `json:"chat_instance"`
		Data         string    `json:"data"`
	}{id, wireUserOf(u), msg, c.instance, data})
	return s.enqueueLocked("callback_query", payload, callbackTTL)
}

// Block makes userID block the bot: from now on sending to their chat
// fails with 403 "Forbidden: bot was blocked by the user", and the bot gets
// a "my_chat_member" update, as from Telegram.
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[userID]
	if c == nil {
		c = s.userChatLocked(User{ID: userID})
	}
	s.setBlockedLocked(c, true)
}

// Unblock lets userID receive messages again ("Restart bot"), with a
// "my_chat_member" update.
func (s *Server) Unblock(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[userID]; c != nil {
		s.setBlockedLocked(c, false)
	}
}

func (s *Server) setBlockedLocked(c *chat, blocked bool) {
	if c.blocked == blocked {
		return
	}
	c.blocked = blocked
	type member struct {
		User      *wireUser `json:"user"`
		Status    string    `json:"status"`
		UntilDate *int      `json:"until_date,omitempty"`
	}
	zero := 0
	was, now := member{User: s.botUser(), Status: "member"}, member{User: s.botUser(), Status: "kicked", UntilDate: &zero}
	if !blocked {
		was, now = now, was
	}
	payload, _ := json.Marshal(struct {
		Chat wireChat  `json:"chat"`
		From *wireUser `json:"from"`
		Date int64     `json:"date"`
		Old  member    `json:"old_chat_member"`
		New  member    `json:"new_chat_member"`
	}{c.wire(), wireUserOf(c.user), s.now().Unix(), was, now})
	s.enqueueLocked("my_chat_member", payload, updateTTL)
	s.notifyLocked()
}

// Inject queues any update given as JSON and returns its update_id. A
// missing, zero or already used update_id is replaced by the next one.
// Chats and messages in the update become known to the fake, so the bot can
// answer them; a message without message_id gets the chat's next one.
// Inject returns 0 for JSON that is not an object or for an update type
// allowed_updates filters out.
func (s *Server) Inject(raw json.RawMessage) int64 {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kind := ""
	for _, k := range updateKinds {
		if _, ok := obj[k]; ok {
			kind = k
			break
		}
	}
	if kind != "" && !s.allowedLocked(kind) {
		return 0
	}
	var id int64
	_ = json.Unmarshal(obj["update_id"], &id)
	if id < s.next {
		id = s.next
	}
	ttl := updateTTL
	switch kind {
	case "message", "edited_message", "channel_post", "edited_channel_post":
		obj[kind] = s.injectMessageLocked(obj[kind], kind == "message" || kind == "channel_post")
	case "callback_query":
		ttl = callbackTTL
		var q struct {
			ID      string `json:"id"`
			Message struct {
				MessageID int `json:"message_id"`
				Chat      struct {
					ID int64 `json:"id"`
				} `json:"chat"`
			} `json:"message"`
		}
		if json.Unmarshal(obj[kind], &q) == nil && q.ID != "" {
			s.queries[q.ID] = &query{chatID: q.Message.Chat.ID, msgID: q.Message.MessageID, at: s.now()}
		}
	case "my_chat_member", "chat_member", "chat_join_request":
		var v struct {
			Chat injectedChat `json:"chat"`
		}
		if json.Unmarshal(obj[kind], &v) == nil {
			s.injectChatLocked(v.Chat, User{})
		}
	}
	obj["update_id"] = json.RawMessage(strconv.FormatInt(id, 10))
	b, _ := json.Marshal(obj)
	s.next = id + 1
	s.started = true
	return s.pushLocked(id, b, ttl)
}

type injectedChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Username  string `json:"username"`
	IsForum   bool   `json:"is_forum"`
}

func (s *Server) injectChatLocked(ic injectedChat, from User) *chat {
	if ic.ID == 0 {
		return nil
	}
	c := s.chats[ic.ID]
	if c == nil {
		typ := ic.Type
		if typ == "" {
			typ = "private"
			if ic.ID < 0 {
				typ = "supergroup"
			}
		}
		if typ == "private" {
			c = s.newChatLocked(ic.ID, typ)
		} else {
			c = s.newGroupLocked(ic.ID, typ)
		}
	}
	if c.typ == "private" {
		u := from
		if u.ID != ic.ID {
			u = User{ID: ic.ID, FirstName: ic.FirstName, LastName: ic.LastName, Username: ic.Username}
		}
		c.user = u
		s.seeLocked(u)
	} else {
		c.title, c.isForum = ic.Title, ic.IsForum
		// Who wrote in a group is in it.
		if from.ID != 0 && c.members[from.ID] == nil {
			c.members[from.ID] = &member{user: from, status: StatusMember}
			s.seeLocked(from)
		}
	}
	return c
}

// injectMessageLocked records an injected message in its chat and returns
// its JSON, with a message_id when it had none.
func (s *Server) injectMessageLocked(raw json.RawMessage, isNew bool) json.RawMessage {
	var v struct {
		MessageID int          `json:"message_id"`
		ThreadID  int          `json:"message_thread_id"`
		Chat      injectedChat `json:"chat"`
		From      *struct {
			ID           int64  `json:"id"`
			FirstName    string `json:"first_name"`
			LastName     string `json:"last_name"`
			Username     string `json:"username"`
			LanguageCode string `json:"language_code"`
		} `json:"from"`
		Text     string                 `json:"text"`
		Entities []models.MessageEntity `json:"entities"`
		Caption  string                 `json:"caption"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	var from User
	if v.From != nil {
		from = User{ID: v.From.ID, FirstName: v.From.FirstName, LastName: v.From.LastName, Username: v.From.Username, LanguageCode: v.From.LanguageCode}
	}
	c := s.injectChatLocked(v.Chat, from)
	if c == nil {
		return raw
	}
	if m := c.byID[v.MessageID]; m != nil && v.MessageID != 0 {
		if !isNew {
			m.text, m.entities, m.caption = v.Text, v.Entities, v.Caption
			m.editDate = s.now()
			m.edits++
		}
		return raw
	}
	m := &message{chat: c, from: from, threadID: v.ThreadID, text: v.Text, entities: v.Entities, caption: v.Caption, date: s.now()}
	if v.MessageID <= 0 {
		m.id = c.nextID
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) == nil {
			obj["message_id"] = json.RawMessage(strconv.Itoa(m.id))
			raw, _ = json.Marshal(obj)
		}
	} else {
		m.id = v.MessageID
	}
	c.nextID = max(c.nextID, m.id+1)
	c.msgs = append(c.msgs, m)
	c.byID[m.id] = m
	return raw
}
