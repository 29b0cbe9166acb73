package telegramtest

import "strings"

// Topic is a forum topic of a group.
type Topic struct {
	ThreadID int
	Name     string
	Closed   bool
}

type topic struct {
	id        int // message_thread_id: the ID of the message that created the topic
	name      string
	iconColor int
	closed    bool
}

const defaultTopicColor = 7322096

// AddGroup makes the fake know a supergroup (id must be negative, such as
// -1001234567890) with the bot as an administrator; forum turns topics on.
func (s *Server) AddGroup(id int64, title string, forum bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[id]
	if c == nil {
		c = s.newChatLocked(id, "supergroup")
	}
	c.title, c.isForum = title, forum
	s.notifyLocked()
}

// SendGroupText sends text from u in group chatID, in the forum topic
// threadID (0 for none or the General topic), and returns the update_id. It
// returns 0 when the chat is not a known group or has no such topic.
func (s *Server) SendGroupText(chatID int64, threadID int, u User, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || c.typ == "private" {
		return 0
	}
	if threadID != 0 && c.topic(threadID) == nil {
		return 0
	}
	m := &message{from: u, text: text, entities: commandEntities(text), threadID: threadID}
	s.addLocked(c, m)
	return s.enqueueLocked("message", s.messageJSON(m), updateTTL)
}

// Topics returns the forum topics of a group in order of creation.
func (s *Server) Topics(chatID int64) []Topic {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Topic
	for _, m := range c.msgs {
		if t := m.topic; t != nil {
			out = append(out, Topic{ThreadID: t.id, Name: t.name, Closed: t.closed})
		}
	}
	return out
}

func (c *chat) topic(id int) *topic {
	if m := c.byID[id]; m != nil && m.topic != nil {
		return m.topic
	}
	return nil
}

// threadOf reads the message_thread_id of a message to c.
func threadOf(c *chat, r *request) (int, *apiError) {
	id := int(r.intArg("message_thread_id", 0))
	if id <= 0 || c.typ == "private" {
		return 0, nil
	}
	if c.topic(id) == nil && c.message(id) == nil {
		return 0, badRequest("message thread not found")
	}
	return id, nil
}

func (s *Server) forumLocked(r *request) (*chat, *apiError) {
	c, aerr := s.chatLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	if !c.isForum {
		return nil, badRequest("the chat is not a forum")
	}
	return c, nil
}

func (s *Server) createForumTopic(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.forumLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	name := strings.TrimSpace(r.arg("name"))
	if name == "" {
		return nil, badRequest("Title must be non-empty")
	}
	if rs := []rune(name); len(rs) > 128 {
		name = string(rs[:128])
	}
	color := int(r.intArg("icon_color", defaultTopicColor))
	m := &message{fromBot: true, topic: &topic{name: name, iconColor: color}}
	s.addLocked(c, m)
	m.topic.id = m.id
	s.eventLocked(Event{Kind: "topic", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return struct {
		MessageThreadID int    `json:"message_thread_id"`
		Name            string `json:"name"`
		IconColor       int    `json:"icon_color"`
	}{m.id, name, color}, nil
}

// topicLocked finds the topic of an editForumTopic, closeForumTopic or
// reopenForumTopic call.
func (s *Server) topicLocked(r *request) (*chat, *message, *apiError) {
	c, aerr := s.forumLocked(r)
	if aerr != nil {
		return nil, nil, aerr
	}
	m := c.byID[int(r.intArg("message_thread_id", 0))]
	if m == nil || m.topic == nil {
		return nil, nil, badRequest("message thread not found")
	}
	return c, m, nil
}

func (s *Server) editForumTopic(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, aerr := s.topicLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	name := strings.TrimSpace(r.arg("name"))
	if name == "" || name == m.topic.name {
		return nil, badRequest("TOPIC_NOT_MODIFIED")
	}
	m.topic.name = name
	s.eventLocked(Event{Kind: "topic", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

func (s *Server) closeForumTopic(r *request) (any, *apiError) { return s.setTopicClosed(r, true) }

func (s *Server) reopenForumTopic(r *request) (any, *apiError) { return s.setTopicClosed(r, false) }

func (s *Server) setTopicClosed(r *request, closed bool) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, aerr := s.topicLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	if m.topic.closed == closed {
		return nil, badRequest("TOPIC_NOT_MODIFIED")
	}
	m.topic.closed = closed
	s.eventLocked(Event{Kind: "topic", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

func (s *Server) copyMessage(r *request) (any, *apiError) {
	mk, aerr := parseMarkup(r.arg("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from, aerr := s.chatLocked(r.arg("from_chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	orig := from.message(int(r.intArg("message_id", 0)))
	if orig == nil {
		return nil, badRequest("message to copy not found")
	}
	if orig.topic != nil {
		return nil, badRequest("the message can't be copied")
	}
	c, thread, replyTo, aerr := s.targetLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	m := &message{
		text: orig.text, entities: orig.entities, caption: orig.caption, captionEntities: orig.captionEntities,
		media: orig.media, contact: orig.contact, markup: mk, replyTo: replyTo, threadID: thread,
	}
	if _, ok := r.args["caption"]; ok && orig.media != nil {
		capt, aerr := parseText(r.arg("caption"), r.arg("parse_mode"), r.arg("caption_entities"))
		if aerr != nil {
			return nil, aerr
		}
		if utf16Len(capt.text) > maxCaptionLength {
			return nil, badRequest("Message caption is too long")
		}
		m.caption, m.captionEntities = capt.text, capt.entities
	}
	if aerr := mk.check(); aerr != nil {
		return nil, aerr
	}
	if aerr := s.sendableLocked(c); aerr != nil {
		return nil, aerr
	}
	s.sendLocked(c, m, r.method)
	return struct {
		MessageID int `json:"message_id"`
	}{m.id}, nil
}
