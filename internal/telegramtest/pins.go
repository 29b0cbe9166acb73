package telegramtest

// Pinning follows the Bot API's checks (the chat, then the message), then
// TDLib's: the bot's right to pin, then that the message is not a service
// message; an unpin passes the same checks. Each pin adds a pinned_message
// service message, which the bot receives as an update like any chat
// member, since Telegram delivers a bot's own pins to it; an unpin adds
// nothing.
const (
	descCantPin      = "Not enough rights to manage pinned messages in the chat"
	descServicePin   = "A service message can't be pinned"
	descPinNotFound  = "message to pin not found"
	descUnpinMissing = "message to unpin not found"
)

// pinChatLocked finds the chat of a pin or an unpin and checks the bot may
// act there.
func (s *Server) pinChatLocked(r *request) (*chat, *apiError) {
	c, aerr := s.chatLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.accessLocked(c); aerr != nil {
		return nil, aerr
	}
	return c, nil
}

// pinnableLocked applies TDLib's checks to a message about to be pinned or
// unpinned, and the server's refusal for a user who blocked the bot.
func (s *Server) pinnableLocked(c *chat, m *message) *apiError {
	switch {
	case !s.canPinLocked(c):
		return badRequest(descCantPin)
	case m.isService():
		return badRequest(descServicePin)
	case c.blocked:
		return forbidden(descBlocked)
	}
	return nil
}

func (s *Server) pinChatMessage(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.pinChatLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	m := c.message(int(r.intArg("message_id", 0)))
	if m == nil {
		return nil, badRequest(descPinNotFound)
	}
	if aerr := s.pinnableLocked(c, m); aerr != nil {
		return nil, aerr
	}
	// Pinning a pinned message again changes nothing (what Telegram does
	// then could not be confirmed).
	if !m.pinned {
		m.pinned = true
		svc := &message{fromBot: true, pinOf: m, threadID: m.threadID}
		s.addLocked(c, svc)
		s.enqueueLocked("message", s.messageJSON(svc), updateTTL)
	}
	s.eventLocked(Event{Kind: "pin", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

func (s *Server) unpinChatMessage(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.pinChatLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	var m *message
	if id := int(r.intArg("message_id", 0)); id > 0 {
		m = c.message(id)
	} else {
		// Without a message, the most recent pinned message: the one
		// with the greatest ID, as getChatPinnedMessage finds it.
		for i := len(c.msgs) - 1; i >= 0 && m == nil; i-- {
			if p := c.msgs[i]; p.pinned && !p.deleted {
				m = p
			}
		}
	}
	if m == nil {
		return nil, badRequest(descUnpinMissing)
	}
	if aerr := s.pinnableLocked(c, m); aerr != nil {
		return nil, aerr
	}
	m.pinned = false
	s.eventLocked(Event{Kind: "unpin", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

// Pinned returns the messages of a chat that are pinned now, oldest first.
func (s *Server) Pinned(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Message
	for _, m := range c.msgs {
		if m.pinned && !m.deleted {
			out = append(out, s.public(m))
		}
	}
	return out
}
