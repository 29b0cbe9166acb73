package telegramtest

import (
	"encoding/json"
	"fmt"
)

// Member statuses, as getChatMember reports them.
const (
	StatusCreator       = "creator"
	StatusAdministrator = "administrator"
	StatusMember        = "member"
	StatusRestricted    = "restricted"
	StatusLeft          = "left"
	StatusKicked        = "kicked"
)

// Rights are an administrator's rights in a group, as
// ChatMemberAdministrator lists them.
type Rights struct {
	ManageChat       bool
	ChangeInfo       bool
	DeleteMessages   bool
	InviteUsers      bool
	RestrictMembers  bool
	PinMessages      bool
	ManageTopics     bool
	PromoteMembers   bool
	ManageVideoChats bool
	PostStories      bool
	EditStories      bool
	DeleteStories    bool
	Anonymous        bool
}

// FullRights are the rights AddGroup gives the bot and SetMember gives an
// administrator: everything but adding administrators and anonymity, as
// Telegram's apps propose when a bot is promoted.
var FullRights = Rights{
	ManageChat: true, ChangeInfo: true, DeleteMessages: true, InviteUsers: true,
	RestrictMembers: true, PinMessages: true, ManageTopics: true, ManageVideoChats: true,
	PostStories: true, EditStories: true, DeleteStories: true,
}

// member is a user's standing in a group.
type member struct {
	user   User
	status string
	rights Rights // administrator
	// isMember tells whether a restricted user is in the group.
	isMember bool
}

// inChat tells whether m is in the group and may post there.
func (m *member) inChat() bool {
	if m == nil {
		return false
	}
	switch m.status {
	case StatusCreator, StatusAdministrator, StatusMember:
		return true
	case StatusRestricted:
		return m.isMember
	}
	return false
}

// newGroupLocked makes a group or supergroup with the bot as an
// administrator with FullRights, as when it was added and promoted before
// the test began.
func (s *Server) newGroupLocked(id int64, typ string) *chat {
	c := s.newChatLocked(id, typ)
	c.members = map[int64]*member{s.botID: {user: s.botAsUser(), status: StatusAdministrator, rights: FullRights}}
	return c
}

func (s *Server) botAsUser() User {
	return User{ID: s.botID, FirstName: s.opts.BotName, Username: s.opts.BotUsername}
}

// seeLocked remembers u: Telegram tells a bot about the users it meets
// in private chats and in its groups, and about no one else.
func (s *Server) seeLocked(u User) {
	if u.ID != 0 && u.ID != s.botID {
		s.users[u.ID] = u
	}
}

// SetMember sets u's status in group chatID: StatusCreator,
// StatusAdministrator (with FullRights), StatusMember, StatusRestricted (a
// restricted user still in the group, who may post), StatusLeft or
// StatusKicked. u may be the bot (User{ID: s.BotID()}): the bot then gets a
// "my_chat_member" update, as on Telegram; other users' changes make
// "chat_member" updates, which Telegram sends only when allowed_updates
// asks for them. A new creator makes the old one an administrator, as a
// transfer of ownership does. SetMember panics for a chat that is not a
// known group or a status that is none of these.
func (s *Server) SetMember(chatID int64, u User, status string) {
	m := member{user: u, status: status}
	switch status {
	case StatusAdministrator:
		m.rights = FullRights
	case StatusRestricted:
		m.isMember = true
	case StatusCreator, StatusMember, StatusLeft, StatusKicked:
	default:
		panic(fmt.Sprintf("telegramtest: SetMember: unknown status %q", status))
	}
	s.setMember(chatID, m)
}

// SetAdmin makes u an administrator of group chatID with rights r, such as
// the bot without PinMessages. It panics for a chat that is not a known
// group.
func (s *Server) SetAdmin(chatID int64, u User, r Rights) {
	s.setMember(chatID, member{user: u, status: StatusAdministrator, rights: r})
}

func (s *Server) setMember(chatID int64, m member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || c.typ == "private" {
		panic(fmt.Sprintf("telegramtest: no group %d", chatID))
	}
	if m.user.ID == s.botID {
		m.user = s.botAsUser()
	}
	s.seeLocked(m.user)
	if m.status == StatusCreator {
		for _, o := range c.members {
			if o.status == StatusCreator && o.user.ID != m.user.ID {
				o.status, o.rights = StatusAdministrator, FullRights
			}
		}
	}
	old := c.members[m.user.ID]
	was := member{user: m.user, status: StatusLeft}
	if old != nil {
		was = *old
	}
	c.members[m.user.ID] = &m
	kind := "chat_member"
	if m.user.ID == s.botID {
		kind = "my_chat_member"
	}
	payload, _ := json.Marshal(struct {
		Chat wireChat        `json:"chat"`
		From *wireUser       `json:"from"`
		Date int64           `json:"date"`
		Old  json.RawMessage `json:"old_chat_member"`
		New  json.RawMessage `json:"new_chat_member"`
	}{c.wire(), s.actorLocked(c, m.user), s.now().Unix(), s.memberJSON(c, &was), s.memberJSON(c, &m)})
	s.enqueueLocked(kind, payload, updateTTL)
	s.notifyLocked()
}

// actorLocked is who changed a member's status, for chat_member updates:
// the group's creator when there is one, else the user themselves.
func (s *Server) actorLocked(c *chat, u User) *wireUser {
	for _, m := range c.members {
		if m.status == StatusCreator {
			return s.wireUserLocked(m.user)
		}
	}
	return s.wireUserLocked(u)
}

func (s *Server) wireUserLocked(u User) *wireUser {
	if u.ID == s.botID {
		return s.botUser()
	}
	return wireUserOf(u)
}

// memberJSON is a ChatMember object with the fields Telegram sends for
// each status in a supergroup.
func (s *Server) memberJSON(c *chat, m *member) json.RawMessage {
	user := s.wireUserLocked(m.user)
	var v any
	switch m.status {
	case StatusCreator:
		v = struct {
			User        *wireUser `json:"user"`
			Status      string    `json:"status"`
			IsAnonymous bool      `json:"is_anonymous"`
		}{user, m.status, false}
	case StatusAdministrator:
		r := m.rights
		a := struct {
			User                *wireUser `json:"user"`
			Status              string    `json:"status"`
			CanBeEdited         bool      `json:"can_be_edited"`
			CanManageChat       bool      `json:"can_manage_chat"`
			CanChangeInfo       bool      `json:"can_change_info"`
			CanDeleteMessages   bool      `json:"can_delete_messages"`
			CanInviteUsers      bool      `json:"can_invite_users"`
			CanRestrictMembers  bool      `json:"can_restrict_members"`
			CanPinMessages      bool      `json:"can_pin_messages"`
			CanManageTopics     *bool     `json:"can_manage_topics,omitempty"`
			CanPromoteMembers   bool      `json:"can_promote_members"`
			CanManageVideoChats bool      `json:"can_manage_video_chats"`
			CanPostStories      bool      `json:"can_post_stories"`
			CanEditStories      bool      `json:"can_edit_stories"`
			CanDeleteStories    bool      `json:"can_delete_stories"`
			IsAnonymous         bool      `json:"is_anonymous"`
			CanManageVoiceChats bool      `json:"can_manage_voice_chats"`
		}{
			User: user, Status: m.status, CanManageChat: r.ManageChat, CanChangeInfo: r.ChangeInfo,
			CanDeleteMessages: r.DeleteMessages, CanInviteUsers: r.InviteUsers, CanRestrictMembers: r.RestrictMembers,
			CanPinMessages: r.PinMessages, CanPromoteMembers: r.PromoteMembers, CanManageVideoChats: r.ManageVideoChats,
			CanPostStories: r.PostStories, CanEditStories: r.EditStories, CanDeleteStories: r.DeleteStories,
			IsAnonymous: r.Anonymous, CanManageVoiceChats: r.ManageVideoChats,
		}
		if c.typ == "supergroup" {
			a.CanManageTopics = &r.ManageTopics
		}
		v = a
	case StatusRestricted:
		// A restricted member here may send messages and media, and do
		// nothing that needs a right.
		v = struct {
			User                  *wireUser `json:"user"`
			Status                string    `json:"status"`
			UntilDate             int64     `json:"until_date"`
			CanSendMessages       bool      `json:"can_send_messages"`
			CanSendMediaMessages  bool      `json:"can_send_media_messages"`
			CanSendAudios         bool      `json:"can_send_audios"`
			CanSendDocuments      bool      `json:"can_send_documents"`
			CanSendPhotos         bool      `json:"can_send_photos"`
			CanSendVideos         bool      `json:"can_send_videos"`
			CanSendVideoNotes     bool      `json:"can_send_video_notes"`
			CanSendVoiceNotes     bool      `json:"can_send_voice_notes"`
			CanSendPolls          bool      `json:"can_send_polls"`
			CanSendOtherMessages  bool      `json:"can_send_other_messages"`
			CanAddWebPagePreviews bool      `json:"can_add_web_page_previews"`
			CanChangeInfo         bool      `json:"can_change_info"`
			CanInviteUsers        bool      `json:"can_invite_users"`
			CanPinMessages        bool      `json:"can_pin_messages"`
			CanManageTopics       bool      `json:"can_manage_topics"`
			IsMember              bool      `json:"is_member"`
		}{User: user, Status: m.status, CanSendMessages: true, CanSendMediaMessages: true, CanSendAudios: true,
			CanSendDocuments: true, CanSendPhotos: true, CanSendVideos: true, CanSendVideoNotes: true,
			CanSendVoiceNotes: true, IsMember: m.isMember}
	case StatusKicked:
		v = struct {
			User      *wireUser `json:"user"`
			Status    string    `json:"status"`
			UntilDate int64     `json:"until_date"`
		}{user, m.status, 0}
	default: // member, left
		v = struct {
			User   *wireUser `json:"user"`
			Status string    `json:"status"`
		}{user, m.status}
	}
	b, _ := json.Marshal(v)
	return b
}

// accessLocked checks that the bot may act in c, as the Bot API checks
// before a call that writes to a chat or reads its members: a group the
// bot was removed from or left is closed to it.
func (s *Server) accessLocked(c *chat) *apiError {
	if c.typ == "private" || c.typ == "channel" {
		return nil
	}
	kind := "supergroup"
	if c.typ == "group" {
		kind = "group"
	}
	switch bot := c.members[s.botID]; {
	case bot != nil && bot.status == StatusKicked:
		return forbidden("bot was kicked from the " + kind + " chat")
	case !bot.inChat():
		return forbidden("bot is not a member of the " + kind + " chat")
	}
	return nil
}

// canPinLocked tells whether the bot may pin messages in c: always in a
// private chat, in a group as its creator or as an administrator with
// can_pin_messages, never from a group's default permissions.
func (s *Server) canPinLocked(c *chat) bool {
	return c.typ == "private" || s.botMayLocked(c, func(g Rights) bool { return g.PinMessages })
}

// botMayLocked tells whether the bot has a right in group c: as its
// creator, or as an administrator given it.
func (s *Server) botMayLocked(c *chat, right func(Rights) bool) bool {
	bot := c.members[s.botID]
	return bot != nil && (bot.status == StatusCreator || bot.status == StatusAdministrator && right(bot.rights))
}

// RemoveBot removes the bot from group chatID, as an administrator does in
// Telegram's apps, which bans it from a supergroup: the bot gets a
// "my_chat_member" update with its new status "kicked", and from now on
// sending there fails with 403 "Forbidden: bot was kicked from the
// supergroup chat". For a bot that left instead ("Forbidden: bot is not a
// member of the supergroup chat") use SetMember with StatusLeft. RemoveBot
// panics for a chat that is not a known group.
func (s *Server) RemoveBot(chatID int64) {
	s.SetMember(chatID, User{ID: s.botID}, StatusKicked)
}

// AddBotBack adds the bot to group chatID again, with a "my_chat_member"
// update: as an administrator with rights r, or as a plain member for
// Rights{}. It panics for a chat that is not a known group.
func (s *Server) AddBotBack(chatID int64, r Rights) {
	if r == (Rights{}) {
		s.SetMember(chatID, User{ID: s.botID}, StatusMember)
		return
	}
	s.SetAdmin(chatID, User{ID: s.botID}, r)
}

func (s *Server) getChatMember(r *request) (any, *apiError) {
	userID := r.intArg("user_id", 0)
	if userID <= 0 {
		return nil, badRequest("Invalid user_id specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.chatLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	// A bot may ask about itself in a group it left; about others only
	// where it is a member.
	if bot := c.members[s.botID]; userID != s.botID || (bot != nil && bot.status == StatusKicked) {
		if aerr := s.accessLocked(c); aerr != nil {
			return nil, aerr
		}
	}
	u, known := s.users[userID]
	if userID == s.botID {
		u, known = s.botAsUser(), true
	}
	if !known {
		// Telegram only knows the users a bot has met.
		return nil, badRequest("user not found")
	}
	if c.typ == "private" {
		status := StatusLeft
		if userID == c.id || userID == s.botID {
			status = StatusMember
		}
		return s.memberJSON(c, &member{user: u, status: status}), nil
	}
	m := c.members[userID]
	if m == nil {
		m = &member{user: u, status: StatusLeft}
	}
	return s.memberJSON(c, m), nil
}

// ChatMember is a user's standing in a group as the fake holds it.
type ChatMember struct {
	Status   string
	Rights   Rights // an administrator's
	IsMember bool   // a restricted user's
}

// Member returns userID's standing in group chatID; false when the group
// has no record of them (getChatMember then says "left").
func (s *Server) Member(chatID, userID int64) (ChatMember, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || c.members[userID] == nil {
		return ChatMember{}, false
	}
	m := c.members[userID]
	return ChatMember{Status: m.status, Rights: m.rights, IsMember: m.isMember}, true
}
