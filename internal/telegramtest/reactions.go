package telegramtest

import (
	"encoding/json"
	"strings"
)

// Reactions follow the Bot API's order of checks: the reaction parameter is
// read first, then the chat and the bot's place in it, then the message;
// the reaction itself is judged last, by Telegram's servers: a bot sets at
// most one, and only a standard emoji of the allowed list (bots have no
// custom or paid reactions in a private chat or a group). An empty list
// takes the bot's reaction away. Telegram tells the bot nothing of its own
// reactions: no update is queued.
const (
	descReactParse    = "can't parse reaction types JSON object"
	descReactNotFound = "message to react not found"
	descReactInvalid  = "REACTION_INVALID"
	descReactTooMany  = "REACTIONS_TOO_MANY"
)

// Reactions are the emoji a reaction may be (ReactionTypeEmoji in the Bot
// API), as Telegram writes them: no variation selectors, a zero-width
// joiner inside a sequence.
var Reactions = []string{
	"👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢", "🎉", "🤩", "🤮", "💩",
	"🙏", "👌", "🕊", "🤡", "🥱", "🥴", "😍", "🐳", "❤\u200d🔥", "🌚", "🌭", "💯", "🤣", "⚡", "🍌",
	"🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭", "🤓", "👻", "👨\u200d💻", "👀",
	"🎃", "🙈", "😇", "😨", "🤝", "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅", "🤪", "🗿", "🆒", "💘",
	"🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u200d♂", "🤷", "🤷\u200d♀", "😡",
}

var allowedReaction = func() map[string]bool {
	m := make(map[string]bool, len(Reactions))
	for _, r := range Reactions {
		m[r] = true
	}
	return m
}()

// reactionType is one ReactionType of the reaction parameter.
type reactionType struct {
	Type          string `json:"type"`
	Emoji         string `json:"emoji"`
	CustomEmojiID string `json:"custom_emoji_id"`
}

// readReactions reads the reaction parameter: a JSON array of
// ReactionType objects, none when it is missing.
func readReactions(arg string) ([]reactionType, *apiError) {
	if strings.TrimSpace(arg) == "" {
		return nil, nil
	}
	var raw []json.RawMessage
	if json.Unmarshal([]byte(arg), &raw) != nil {
		return nil, badRequest(descReactParse)
	}
	out := make([]reactionType, 0, len(raw))
	for _, r := range raw {
		var t reactionType
		if json.Unmarshal(r, &t) != nil {
			return nil, badRequest(descReactParse)
		}
		switch t.Type {
		case "emoji", "custom_emoji", "paid":
		default:
			return nil, badRequest(descReactParse)
		}
		out = append(out, t)
	}
	return out, nil
}

func (s *Server) setMessageReaction(r *request) (any, *apiError) {
	types, aerr := readReactions(r.arg("reaction"))
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.writableLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	m := c.message(int(r.intArg("message_id", 0)))
	if m == nil || m.isService() {
		return nil, badRequest(descReactNotFound)
	}
	if aerr := s.sendableLocked(c); aerr != nil {
		return nil, aerr
	}
	if len(types) > 1 {
		return nil, badRequest(descReactTooMany)
	}
	emoji := ""
	if len(types) == 1 {
		if t := types[0]; t.Type != "emoji" || !allowedReaction[t.Emoji] {
			return nil, badRequest(descReactInvalid)
		}
		emoji = types[0].Emoji
	}
	m.reaction = emoji
	s.eventLocked(Event{Kind: "react", Method: r.method, ChatID: c.id, Message: s.public(m), Reaction: emoji})
	return true, nil
}

// DeleteByUser deletes message id of u's private chat, as u deletes a
// message of their own for everyone. Telegram tells the bot nothing of
// it. It reports whether u had such a message.
func (s *Server) DeleteByUser(u User, id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[u.ID]
	if c == nil {
		return false
	}
	m := c.message(id)
	if m == nil || m.fromBot || m.from.ID != u.ID {
		return false
	}
	m.deleted, m.pinned = true, false
	return true
}
