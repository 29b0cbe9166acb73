package telegramtest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// Button is an inline keyboard button: Data for a callback button, URL for a
// link; other kinds carry only their Text.
type Button struct {
	Text, Data, URL string
}

// KeyButton is a reply keyboard button.
type KeyButton struct {
	Text            string
	RequestContact  bool
	RequestLocation bool
}

// Message is a message of a chat as it is now (edits applied).
type Message struct {
	ID       int
	ChatID   int64
	ThreadID int // message_thread_id, 0 when none
	FromBot  bool
	From     int64 // sender's user ID; the bot's ID for the bot's messages
	Date     time.Time

	// Text and Caption are the visible text, after parse_mode was applied;
	// Entities and CaptionEntities hold the formatting.
	Text            string
	Entities        []models.MessageEntity
	Caption         string
	CaptionEntities []models.MessageEntity

	// Inline is the inline keyboard. Keyboard is a reply keyboard sent with
	// the message, RemoveKeyboard a ReplyKeyboardRemove, ForceReply a
	// ForceReply.
	Inline         [][]Button
	Keyboard       [][]KeyButton
	ResizeKeyboard bool
	OneTime        bool
	RemoveKeyboard bool
	ForceReply     bool

	// Media is the kind of a message that is not text: "photo", "video",
	// "video_note", "audio", "animation", "document", "sticker", "voice",
	// "location", "venue" or "contact". Document and Photo are the file
	// names of a document or an uploaded photo; FileID is the Telegram
	// file_id of the media (the largest size of a photo), whose bytes
	// [Server.File] returns; MimeType and FileSize are as Telegram reports
	// them. Location is set for a location and a venue, Venue for a venue,
	// Contact for a contact.
	Media    string
	Document string
	Photo    string
	FileID   string
	MimeType string
	FileSize int
	Contact  *models.Contact
	Location *models.Location
	Venue    *models.Venue

	ReplyTo   int // the message this one replies to, 0 when none
	EditCount int
	Deleted   bool
	Pinned    bool // pinned with pinChatMessage and not unpinned since
	// Reaction is the bot's reaction to the message (an emoji), "" for
	// none.
	Reaction string

	// Topic is the name of the forum topic a service message created.
	// PinnedID is the message a pinned_message service message announces.
	// Service messages are left out of Messages and LastMessage; Message
	// and Events show them.
	Topic    string
	PinnedID int
}

// Event is something the bot did successfully.
type Event struct {
	Seq int
	// Kind is "send" (send* and copyMessage), "edit", "delete", "answer"
	// (answerCallbackQuery), "action" (sendChatAction), "commands" (set or
	// delete), "topic" (create, edit, close or reopen a forum topic), "pin"
	// (pinChatMessage), "unpin" (unpinChatMessage), "react"
	// (setMessageReaction) or "webhook" (set or delete).
	Kind   string
	Method string
	ChatID int64
	// Message is the message after the action: the new message of a send,
	// the edited one, the deleted one (Deleted set), for an answer the
	// message whose button was pressed, for a topic the service message that
	// created it (Topic is its name now), for a pin or an unpin the message
	// pinned or unpinned, for a reaction the message reacted to.
	Message Message

	QueryID    string // answer
	AnswerText string // answer: the notification text
	ShowAlert  bool   // answer

	Action string // action: "typing", "upload_photo", ...

	Reaction string // react: the emoji, "" when the bot took its reaction away

	Commands     []models.BotCommand // commands: the new list, nil when deleted
	Scope        string              // commands: "default", "all_private_chats", "chat:<id>", ...
	LanguageCode string              // commands

	URL string // webhook: the URL set, "" when deleted

	At time.Time
}

type chat struct {
	id       int64
	typ      string // "private", "group", "supergroup" or "channel"
	title    string
	isForum  bool
	user     User // the other party of a private chat
	nextID   int
	msgs     []*message
	byID     map[int]*message
	keyboard *markup // the reply keyboard shown now, nil when none
	blocked  bool
	instance string // chat_instance of callback queries
	// members are the standing of users, and of the bot, in a group; a
	// user missing here has left it, or never joined.
	members map[int64]*member
}

type message struct {
	id              int
	chat            *chat
	threadID        int
	fromBot         bool
	from            User
	date            time.Time
	editDate        time.Time
	edits           int
	text            string
	entities        []models.MessageEntity
	caption         string
	captionEntities []models.MessageEntity
	media           *file
	contact         *models.Contact
	location        *models.Location // also set for a venue
	venue           *models.Venue
	markup          *markup
	replyTo         int
	deleted         bool
	pinned          bool
	reaction        string   // the bot's, "" for none
	topic           *topic   // the topic a forum_topic_created service message created
	pinOf           *message // the message a pinned_message service message announces
	// topicChange is "edited" (to the name topicName), "closed" or
	// "reopened" for the service message of such a change to a topic.
	topicChange string
	topicName   string
}

// isService tells whether m is a service message: Telegram's record of an
// action, which cannot be copied, edited or pinned.
func (m *message) isService() bool { return m.topic != nil || m.pinOf != nil || m.topicChange != "" }

// captionable tells whether m is media that carries a caption.
func (m *message) captionable() bool {
	if m.media == nil {
		return false
	}
	switch m.media.kind {
	case "photo", "video", "audio", "document", "animation", "voice":
		return true
	}
	return false
}

type file struct {
	id, uniqueID string
	// kind is "photo", "video", "video_note", "audio", "animation",
	// "document", "sticker" or "voice".
	kind       string
	name, mime string
	size       int
	width      int // a video note's length
	height     int
	duration   int   // seconds, for videos, video notes, audio and voice
	thumb      *file // the small size of a photo
	emoji      string
	// data is the content; nil until needed for a placeholder (see
	// contentLocked). It is never changed once set.
	data []byte
	// path is the file_path getFile gave, "" before; the download link
	// works until linkUntil.
	path      string
	linkUntil time.Time
}

func (s *Server) newChatLocked(id int64, typ string) *chat {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(id)^uint64(s.botID)<<20)
	h.Write(b[:])
	c := &chat{
		id:       id,
		typ:      typ,
		nextID:   1,
		byID:     make(map[int]*message),
		instance: strconv.FormatInt(int64(h.Sum64()>>1)*-1, 10),
	}
	s.chats[id] = c
	return c
}

// userChatLocked is the private chat with u, created on first use; the
// user's name and language follow what u says now.
// Knows makes the private chat of user u, as one Telegram had before this
// server started: the bot may write to it (the console's earlier
// families, whose chats a new fake would not know).
func (s *Server) Knows(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userChatLocked(u)
}

func (s *Server) userChatLocked(u User) *chat {
	c := s.chats[u.ID]
	if c == nil {
		c = s.newChatLocked(u.ID, "private")
	}
	c.user = u
	s.seeLocked(u)
	return c
}

// chatLocked finds the chat of a chat_id parameter.
func (s *Server) chatLocked(arg string) (*chat, *apiError) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	c := s.chats[id]
	if c == nil {
		return nil, badRequest("chat not found")
	}
	return c, nil
}

// addLocked appends m to its chat with the chat's next message ID.
func (s *Server) addLocked(c *chat, m *message) {
	m.chat = c
	m.id = c.nextID
	c.nextID++
	if m.date.IsZero() {
		m.date = s.now()
	}
	c.msgs = append(c.msgs, m)
	c.byID[m.id] = m
}

func (c *chat) message(id int) *message {
	m := c.byID[id]
	if m == nil || m.deleted {
		return nil
	}
	return m
}

func (s *Server) eventLocked(e Event) {
	e.Seq = len(s.events) + 1
	e.At = s.now()
	s.events = append(s.events, e)
	s.notifyLocked()
}

func (s *Server) nextIDLocked() uint64 {
	s.seq++
	h := fnv.New64a()
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(s.seq))
	binary.LittleEndian.PutUint64(b[8:], uint64(s.botID))
	h.Write(b[:])
	return h.Sum64()
}

// filePrefixes begin file_ids as Telegram's begin for each kind of file.
var filePrefixes = map[string]string{
	"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI", "sticker": "CAACAgIAAxkBAAI",
	"voice": "AwACAgIAAxkBAAI", "video": "BAACAgIAAxkBAAI", "video_note": "DQACAgIAAxkBAAI",
	"audio": "CQACAgIAAxkBAAI", "animation": "CgACAgIAAxkBAAI",
}

// newFileLocked registers a file and gives it a file_id shaped like
// Telegram's, so the bot can send it again by file_id.
func (s *Server) newFileLocked(kind, name, mime string, size int) *file {
	prefix := filePrefixes[kind]
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(s.seq+1))
	binary.BigEndian.PutUint64(b[8:], s.nextIDLocked())
	enc := base64.RawURLEncoding.EncodeToString(b[:])
	f := &file{
		id:       prefix + enc,
		uniqueID: "AQAD" + enc[:12],
		kind:     kind,
		name:     name,
		mime:     mime,
		size:     size,
	}
	s.files[f.id] = f
	return f
}

// Messages returns the chat as it is now: user and bot messages in order,
// edits applied, deleted messages left out.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(c.msgs))
	for _, m := range c.msgs {
		if !m.deleted && !m.isService() {
			out = append(out, s.public(m))
		}
	}
	return out
}

// Message returns one message of a chat, deleted or not.
func (s *Server) Message(chatID int64, id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || c.byID[id] == nil {
		return Message{}, false
	}
	return s.public(c.byID[id]), true
}

// LastMessage returns the newest message of a chat that is not deleted.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return Message{}, false
	}
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if !c.msgs[i].deleted && !c.msgs[i].isService() {
			return s.public(c.msgs[i]), true
		}
	}
	return Message{}, false
}

// Keyboard is the reply keyboard the chat shows below its input field now:
// the last one the bot sent, until it sends a ReplyKeyboardRemove or, for a
// one-time keyboard, until the user sends something.
func (s *Server) Keyboard(chatID int64) [][]KeyButton {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || c.keyboard == nil {
		return nil
	}
	return c.keyboard.keyButtons()
}

// Chats returns the IDs of the chats the fake knows, in ascending order.
func (s *Server) Chats() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.chats))
	for id := range s.chats {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Events returns everything the bot did successfully after event since (0
// for all), in order; Seq counts from 1.
func (s *Server) Events(since int) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	since = min(max(since, 0), len(s.events))
	return append([]Event(nil), s.events[since:]...)
}

func (s *Server) public(m *message) Message {
	p := Message{
		ID:              m.id,
		ChatID:          m.chat.id,
		ThreadID:        m.threadID,
		FromBot:         m.fromBot,
		From:            m.from.ID,
		Date:            m.date,
		Text:            m.text,
		Entities:        m.entities,
		Caption:         m.caption,
		CaptionEntities: m.captionEntities,
		Contact:         m.contact,
		Location:        m.location,
		Venue:           m.venue,
		ReplyTo:         m.replyTo,
		EditCount:       m.edits,
		Deleted:         m.deleted,
		Pinned:          m.pinned,
		Reaction:        m.reaction,
	}
	if m.fromBot {
		p.From = s.botID
	}
	if f := m.media; f != nil {
		p.Media = f.kind
		p.FileID = f.id
		p.MimeType = f.mime
		p.FileSize = f.size
		switch f.kind {
		case "document":
			p.Document = f.name
		case "photo":
			p.Photo = f.name
		}
	}
	switch {
	case m.contact != nil:
		p.Media = "contact"
	case m.venue != nil:
		p.Media = "venue"
	case m.location != nil:
		p.Media = "location"
	}
	if m.topic != nil {
		p.Topic = m.topic.name
	}
	if m.pinOf != nil {
		p.PinnedID = m.pinOf.id
	}
	if mk := m.markup; mk != nil {
		p.Inline = mk.buttons()
		p.Keyboard = mk.keyButtons()
		p.ResizeKeyboard = mk.resize
		p.OneTime = mk.oneTime
		p.RemoveKeyboard = mk.remove
		p.ForceReply = mk.forceReply
	}
	return p
}

// The JSON of Telegram's objects, with exactly the fields Telegram sends.
type (
	wireUser struct {
		ID           int64  `json:"id"`
		IsBot        bool   `json:"is_bot"`
		FirstName    string `json:"first_name"`
		LastName     string `json:"last_name,omitempty"`
		Username     string `json:"username,omitempty"`
		LanguageCode string `json:"language_code,omitempty"`
	}
	wireChat struct {
		ID        int64  `json:"id"`
		Title     string `json:"title,omitempty"`
		FirstName string `json:"first_name,omitempty"`
		LastName  string `json:"last_name,omitempty"`
		Username  string `json:"username,omitempty"`
		Type      string `json:"type"`
		IsForum   bool   `json:"is_forum,omitempty"`
	}
	wirePhotoSize struct {
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
	}
	wireDocument struct {
		FileName     string `json:"file_name,omitempty"`
		MimeType     string `json:"mime_type,omitempty"`
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
	}
	wireSticker struct {
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		Emoji        string `json:"emoji,omitempty"`
		IsAnimated   bool   `json:"is_animated"`
		IsVideo      bool   `json:"is_video"`
		Type         string `json:"type"`
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
	}
	wireVoice struct {
		Duration     int    `json:"duration"`
		MimeType     string `json:"mime_type,omitempty"`
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
	}
	wireVideo struct {
		Duration     int    `json:"duration"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		FileName     string `json:"file_name,omitempty"`
		MimeType     string `json:"mime_type,omitempty"`
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
	}
	wireVideoNote struct {
		Duration     int    `json:"duration"`
		Length       int    `json:"length"`
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
	}
	wireAudio struct {
		Duration     int    `json:"duration"`
		FileName     string `json:"file_name,omitempty"`
		MimeType     string `json:"mime_type,omitempty"`
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
	}
	wireAnimation struct {
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		Duration     int    `json:"duration"`
		FileName     string `json:"file_name,omitempty"`
		MimeType     string `json:"mime_type,omitempty"`
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int    `json:"file_size,omitempty"`
	}
	wireLocation struct {
		Latitude           float64 `json:"latitude"`
		Longitude          float64 `json:"longitude"`
		HorizontalAccuracy float64 `json:"horizontal_accuracy,omitempty"`
	}
	wireVenue struct {
		Location        wireLocation `json:"location"`
		Title           string       `json:"title"`
		Address         string       `json:"address"`
		FoursquareID    string       `json:"foursquare_id,omitempty"`
		FoursquareType  string       `json:"foursquare_type,omitempty"`
		GooglePlaceID   string       `json:"google_place_id,omitempty"`
		GooglePlaceType string       `json:"google_place_type,omitempty"`
	}
	wireTopicCreated struct {
		Name      string `json:"name"`
		IconColor int    `json:"icon_color"`
	}
	wireTopicEdited struct {
		Name string `json:"name,omitempty"`
	}
	// wireInaccessible is a message the bot can no longer see, as
	// Telegram shows it in a callback query or a pinned_message.
	wireInaccessible struct {
		Chat      wireChat `json:"chat"`
		MessageID int      `json:"message_id"`
		Date      int      `json:"date"`
	}
	wireMessage struct {
		MessageID         int                    `json:"message_id"`
		MessageThreadID   int                    `json:"message_thread_id,omitempty"`
		From              *wireUser              `json:"from,omitempty"`
		Chat              wireChat               `json:"chat"`
		Date              int64                  `json:"date"`
		EditDate          int64                  `json:"edit_date,omitempty"`
		IsTopicMessage    bool                   `json:"is_topic_message,omitempty"`
		ReplyToMessage    *wireMessage           `json:"reply_to_message,omitempty"`
		ForumTopicCreated *wireTopicCreated      `json:"forum_topic_created,omitempty"`
		ForumTopicEdited  *wireTopicEdited       `json:"forum_topic_edited,omitempty"`
		ForumTopicClosed  *struct{}              `json:"forum_topic_closed,omitempty"`
		ForumTopicReopen  *struct{}              `json:"forum_topic_reopened,omitempty"`
		Text              string                 `json:"text,omitempty"`
		Entities          []models.MessageEntity `json:"entities,omitempty"`
		Animation         *wireAnimation         `json:"animation,omitempty"`
		Audio             *wireAudio             `json:"audio,omitempty"`
		Document          *wireDocument          `json:"document,omitempty"`
		Photo             []wirePhotoSize        `json:"photo,omitempty"`
		Sticker           *wireSticker           `json:"sticker,omitempty"`
		Video             *wireVideo             `json:"video,omitempty"`
		VideoNote         *wireVideoNote         `json:"video_note,omitempty"`
		Voice             *wireVoice             `json:"voice,omitempty"`
		Caption           string                 `json:"caption,omitempty"`
		CaptionEntities   []models.MessageEntity `json:"caption_entities,omitempty"`
		Contact           *models.Contact        `json:"contact,omitempty"`
		Location          *wireLocation          `json:"location,omitempty"`
		Venue             *wireVenue             `json:"venue,omitempty"`
		PinnedMessage     any                    `json:"pinned_message,omitempty"`
		ReplyMarkup       json.RawMessage        `json:"reply_markup,omitempty"`
	}
)

func wireLocationOf(l *models.Location) *wireLocation {
	return &wireLocation{Latitude: l.Latitude, Longitude: l.Longitude, HorizontalAccuracy: l.HorizontalAccuracy}
}

func (s *Server) botUser() *wireUser {
	return &wireUser{ID: s.botID, IsBot: true, FirstName: s.opts.BotName, Username: s.opts.BotUsername}
}

func wireUserOf(u User) *wireUser {
	return &wireUser{ID: u.ID, FirstName: u.firstName(), LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func (c *chat) wire() wireChat {
	if c.typ == "private" {
		return wireChat{ID: c.id, Type: c.typ, FirstName: c.user.firstName(), LastName: c.user.LastName, Username: c.user.Username}
	}
	return wireChat{ID: c.id, Type: c.typ, Title: c.title, IsForum: c.isForum}
}

func (s *Server) wire(m *message, withReply bool) *wireMessage {
	w := &wireMessage{
		MessageID:       m.id,
		MessageThreadID: m.threadID,
		Chat:            m.chat.wire(),
		Date:            m.date.Unix(),
		Text:            m.text,
		Entities:        m.entities,
		Caption:         m.caption,
		CaptionEntities: m.captionEntities,
		Contact:         m.contact,
	}
	if m.fromBot {
		w.From = s.botUser()
	} else {
		w.From = wireUserOf(m.from)
	}
	if !m.editDate.IsZero() {
		w.EditDate = m.editDate.Unix()
	}
	if m.chat.isForum && m.threadID != 0 {
		w.IsTopicMessage = true
	}
	if t := m.topic; t != nil {
		w.MessageThreadID, w.IsTopicMessage = t.id, true
		w.ForumTopicCreated = &wireTopicCreated{Name: t.name, IconColor: t.iconColor}
	}
	switch m.topicChange {
	case "edited":
		w.ForumTopicEdited = &wireTopicEdited{Name: m.topicName}
	case "closed":
		w.ForumTopicClosed = &struct{}{}
	case "reopened":
		w.ForumTopicReopen = &struct{}{}
	}
	// In a forum topic, a message that replies to nothing else replies to
	// the message that created the topic, as Telegram shows it.
	replyTo := m.replyTo
	if replyTo == 0 && w.IsTopicMessage && m.topic == nil {
		replyTo = m.threadID
	}
	if withReply && replyTo != 0 {
		if r := m.chat.message(replyTo); r != nil {
			w.ReplyToMessage = s.wire(r, false)
		}
	}
	if f := m.media; f != nil {
		switch f.kind {
		case "photo":
			if f.thumb != nil {
				w.Photo = append(w.Photo, wirePhotoSize{FileID: f.thumb.id, FileUniqueID: f.thumb.uniqueID, FileSize: f.thumb.size, Width: f.thumb.width, Height: f.thumb.height})
			}
			w.Photo = append(w.Photo, wirePhotoSize{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size, Width: f.width, Height: f.height})
		case "document":
			w.Document = &wireDocument{FileName: f.name, MimeType: f.mime, FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
		case "sticker":
			w.Sticker = &wireSticker{Width: 512, Height: 512, Emoji: f.emoji, Type: "regular", FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
		case "voice":
			w.Voice = &wireVoice{Duration: max(f.duration, 1), MimeType: "audio/ogg", FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
		case "video":
			w.Video = &wireVideo{Duration: f.duration, Width: f.width, Height: f.height, FileName: f.name, MimeType: f.mime, FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
		case "video_note":
			w.VideoNote = &wireVideoNote{Duration: f.duration, Length: f.width, FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
		case "audio":
			w.Audio = &wireAudio{Duration: f.duration, FileName: f.name, MimeType: f.mime, FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
		case "animation":
			// Telegram sends an animation as a document too, for bots
			// written before animations existed.
			w.Animation = &wireAnimation{Width: f.width, Height: f.height, Duration: f.duration, FileName: f.name, MimeType: f.mime, FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
			w.Document = &wireDocument{FileName: f.name, MimeType: f.mime, FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size}
		}
	}
	if m.location != nil {
		w.Location = wireLocationOf(m.location)
	}
	if v := m.venue; v != nil {
		w.Venue = &wireVenue{Location: *wireLocationOf(&v.Location), Title: v.Title, Address: v.Address,
			FoursquareID: v.FoursquareID, FoursquareType: v.FoursquareType, GooglePlaceID: v.GooglePlaceID, GooglePlaceType: v.GooglePlaceType}
	}
	if p := m.pinOf; p != nil {
		// The pinned message is shown without its own reply; once deleted
		// it is inaccessible, and left out where the service message is
		// itself a reply.
		switch {
		case !p.deleted:
			w.PinnedMessage = s.wire(p, false)
		case withReply:
			w.PinnedMessage = wireInaccessible{Chat: p.chat.wire(), MessageID: p.id}
		}
	}
	if m.markup != nil && m.markup.inline != nil {
		w.ReplyMarkup = m.markup.inlineJSON
	}
	return w
}

func (s *Server) messageJSON(m *message) json.RawMessage {
	b, _ := json.Marshal(s.wire(m, true))
	return b
}
