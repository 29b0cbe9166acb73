package telegramtest

import "strings"

// Topic is a forum topic of a group.
type Topic struct {
	ThreadID int
	Name     string
	Closed   bool
	Deleted  bool
}

type topic struct {
	id        int // message_thread_id: the ID of the message that created the topic
	name      string
	iconColor int
	closed    bool
}

const defaultTopicColor = 7322096

// AddGroup makes the fake know a supergroup (id must be negative, such as
// -1001234567890); forum turns topics on. A new group has the bot as an
// administrator with FullRights, as if it had been added and promoted
// before the test began (no update tells of it), and no other members:
// add them with SetMember. Calling AddGroup again changes only the title
// and forum.
func (s *Server) AddGroup(id int64, title string, forum bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[id]
	if c == nil {
		c = s.newGroupLocked(id, "supergroup")
	}
	c.title, c.isForum = title, forum
	s.notifyLocked()
}

// SendGroupText sends text from u in group chatID, in the forum topic
// threadID (0 for none or the General topic), and returns the update_id. It
// returns 0 when Telegram would refuse it, as [Server.Send] does.
func (s *Server) SendGroupText(chatID int64, threadID int, u User, text string) int64 {
	return s.Send(chatID, threadID, u, Content{Text: text})
}

// Topics returns the forum topics of a group in order of creation, the
// deleted ones too.
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
			out = append(out, Topic{ThreadID: t.id, Name: t.name, Closed: t.closed, Deleted: m.deleted})
		}
	}
	return out
}

// topic is the forum topic id, nil when there is none or it was deleted.
func (c *chat) topic(id int) *topic {
	if m := c.message(id); m != nil && m.topic != nil {
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
	// A forum's threads are its topics; another group's, any message
	// (a reply thread).
	if c.topic(id) == nil && (c.isForum || c.message(id) == nil) {
		return 0, badRequest("message thread not found")
	}
	return id, nil
}

func (s *Server) forumLocked(r *request) (*chat, *apiError) {
	c, aerr := s.writableLocked(r.arg("chat_id"))
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
	// A group's default permissions may let members create topics; the
	// fake's groups let only those with can_manage_topics, as TDLib's
	// can_create_topics does for an administrator.
	if !s.botMayLocked(c, func(g Rights) bool { return g.ManageTopics }) {
		return nil, badRequest("not enough rights to create a topic")
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
	// Telegram delivers the bot its own forum_topic_created message, as
	// it does the messages of its changes to topics and its pins.
	s.enqueueLocked("message", s.messageJSON(m), updateTTL)
	s.eventLocked(Event{Kind: "topic", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return struct {
		MessageThreadID int    `json:"message_thread_id"`
		Name            string `json:"name"`
		IconColor       int    `json:"icon_color"`
	}{m.id, name, color}, nil
}

// topicLocked finds the topic of an editForumTopic, closeForumTopic,
// reopenForumTopic or deleteForumTopic call. The bot needs no right for
// the first three: every topic of the fake is the bot's, and TDLib lets a
// topic's creator change it.
func (s *Server) topicLocked(r *request) (*chat, *message, *apiError) {
	c, aerr := s.forumLocked(r)
	if aerr != nil {
		return nil, nil, aerr
	}
	m := c.message(int(r.intArg("message_thread_id", 0)))
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
	s.topicChangedLocked(c, m, &message{topicChange: "edited", topicName: name})
	s.eventLocked(Event{Kind: "topic", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

// topicChangedLocked adds the service message of a change to the topic
// created by m, which Telegram delivers to the bot that made the change.
func (s *Server) topicChangedLocked(c *chat, m, svc *message) {
	svc.fromBot, svc.threadID = true, m.topic.id
	s.addLocked(c, svc)
	s.enqueueLocked("message", s.messageJSON(svc), updateTTL)
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
	change := "reopened"
	if closed {
		change = "closed"
	}
	s.topicChangedLocked(c, m, &message{topicChange: change})
	s.eventLocked(Event{Kind: "topic", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

// copyMessage copies any message but a service message, without a link to
// the original: the copy is the bot's. The caption parameter replaces the
// caption of media that have one and is ignored for other messages, as
// TDLib's copy options are.
func (s *Server) copyMessage(r *request) (any, *apiError) {
	mk, aerr := parseMarkup(r.arg("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	_, replaceCaption := r.args["caption"]
	capt, aerr := parseText(r.arg("caption"), r.arg("parse_mode"), r.arg("caption_entities"))
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from, aerr := s.chatLocked(r.arg("from_chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	// The bot reads the messages of groups it is in; the fake's groups
	// are private, so a group it left shows it nothing.
	bot := from.members[s.botID]
	if from.typ != "private" && bot != nil && bot.status == StatusKicked {
		return nil, s.accessLocked(from)
	}
	orig := from.message(int(r.intArg("message_id", 0)))
	if orig == nil || (from.typ != "private" && !bot.inChat()) {
		return nil, badRequest("message to copy not found")
	}
	if orig.isService() {
		return nil, badRequest("the message can't be copied")
	}
	c, thread, replyTo, aerr := s.targetLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	m := &message{
		text: orig.text, entities: orig.entities, caption: orig.caption, captionEntities: orig.captionEntities,
		media: orig.media, contact: orig.contact, location: orig.location, venue: orig.venue,
		markup: mk, replyTo: replyTo, threadID: thread,
	}
	if replaceCaption && orig.captionable() {
		if utf16Len(capt.text) > maxCaptionLength {
			return nil, badRequest("Message caption is too long")
		}
		m.caption, m.captionEntities = capt.text, s.mentionsLocked(capt.entities)
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

// deleteForumTopic deletes a topic with all its messages, as Telegram
// does; the bot needs the right to delete messages. The refusal is TDLib's
// for a topic of someone else's: what Telegram answers the creator of a
// topic without the right, no source tells.
func (s *Server) deleteForumTopic(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, aerr := s.topicLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	if !s.botMayLocked(c, func(g Rights) bool { return g.DeleteMessages }) {
		return nil, badRequest("not enough rights to delete the topic")
	}
	s.deleteTopicLocked(c, m)
	s.eventLocked(Event{Kind: "topic", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

func (s *Server) deleteTopicLocked(c *chat, m *message) {
	for _, x := range c.msgs {
		if x.threadID == m.topic.id && !x.deleted {
			x.deleted = true
			x.pinned = false
		}
	}
	m.deleted, m.pinned = true, false
	s.notifyLocked()
}

// DeleteTopic deletes forum topic threadID of group chatID with its
// messages, as an administrator does in Telegram's apps. Telegram tells the
// bot nothing; sending there fails from now on with 400 "Bad Request:
// message thread not found". It returns false when the group has no such
// topic.
func (s *Server) DeleteTopic(chatID int64, threadID int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || c.topic(threadID) == nil {
		return false
	}
	s.deleteTopicLocked(c, c.byID[threadID])
	return true
}
