package telegramtest

import (
	"bytes"
	"image"
	"path"

	"github.com/go-telegram/bot/models"
)

// Content is what a simulated user sends with [Server.Send]. Kind is
// "text", "photo", "video", "video_note", "audio", "animation",
// "document", "sticker", "voice", "location", "venue" or "contact"; when
// empty it follows from what is set: Text, Location, Venue or Contact.
type Content struct {
	Kind string

	// Text is a text message's; bot commands in it get bot_command
	// entities as Telegram gives them.
	Text string
	// Caption goes with a photo, video, audio, animation, document or
	// voice message, and is ignored for other kinds, as the apps send none.
	Caption string

	// FileName names the file of a document, audio, video or animation;
	// Data is its content. Files without Data get placeholder content of a
	// plausible size, which [Server.File] and downloads serve.
	FileName string
	Data     []byte

	Location *models.Location // a location
	Venue    *models.Venue    // a venue, with its Location
	Contact  *models.Contact  // a contact card

	// ReplyTo is the message of the same chat this one replies to, 0 for
	// none.
	ReplyTo int
}

// kind is c.Kind, or what c's fields say.
func (c Content) kind() string {
	switch {
	case c.Kind != "":
		return c.Kind
	case c.Venue != nil:
		return "venue"
	case c.Location != nil:
		return "location"
	case c.Contact != nil:
		return "contact"
	case c.Text != "":
		return "text"
	}
	return ""
}

// fileKinds are the kinds of Content that carry a file: the name, MIME
// type and size of the placeholder a user's file gets without Data.
var fileKinds = map[string]struct {
	name, mime string
	size       int
}{
	"photo":      {"photo.jpg", "image/jpeg", 120000},
	"video":      {"video.mp4", "video/mp4", 1500000},
	"video_note": {"", "video/mp4", 400000},
	"audio":      {"audio.mp3", "audio/mpeg", 3000000},
	"animation":  {"animation.mp4", "video/mp4", 200000},
	"document":   {"document", "", 2048},
	"sticker":    {"sticker.webp", "image/webp", 24000},
	"voice":      {"", "audio/ogg", 9000},
}

// messageOfLocked builds the message c describes, registering its file;
// false when c is nothing a Telegram app could send.
func (s *Server) messageOfLocked(c Content) (*message, bool) {
	kind := c.kind()
	m := &message{replyTo: c.ReplyTo}
	switch kind {
	case "text":
		if c.Text == "" {
			return nil, false
		}
		m.text, m.entities = c.Text, commandEntities(c.Text)
		return m, true
	case "location":
		if c.Location == nil {
			return nil, false
		}
		l := *c.Location
		m.location = &l
		return m, true
	case "venue":
		if c.Venue == nil {
			return nil, false
		}
		v := *c.Venue
		m.venue, m.location = &v, &v.Location
		return m, true
	case "contact":
		if c.Contact == nil || c.Contact.PhoneNumber == "" {
			return nil, false
		}
		ct := *c.Contact
		m.contact = &ct
		return m, true
	}
	fk, ok := fileKinds[kind]
	if !ok {
		return nil, false
	}
	name, size := fk.name, fk.size
	if c.FileName != "" {
		if name = path.Base(c.FileName); name == "." || name == "/" {
			name = ""
		}
	}
	if c.Data != nil {
		if len(c.Data) == 0 {
			return nil, false // the apps send no empty files
		}
		size = len(c.Data)
	}
	var f *file
	switch {
	case kind == "photo":
		w, h := 1280, 960
		if c.Data != nil {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(c.Data))
			if err != nil {
				return nil, false
			}
			w, h = cfg.Width, cfg.Height
		}
		f = s.newPhotoLocked(name, size, w, h)
	case kind == "document" || (c.FileName != "" && (kind == "audio" || kind == "video")):
		f = s.newFileLocked(kind, name, mimeOf(name, c.Data), size)
	default:
		f = s.newFileLocked(kind, name, fk.mime, size)
	}
	switch kind {
	case "video":
		f.width, f.height, f.duration = 1280, 720, 12
	case "video_note":
		f.width, f.duration = 384, 6
	case "audio":
		f.duration = 185
	case "animation":
		f.width, f.height, f.duration = 480, 270, 3
	case "voice":
		f.duration = 3
	case "sticker":
		f.emoji = "👍"
	}
	if c.Data != nil {
		f.data = bytes.Clone(c.Data)
	}
	m.media = f
	if m.captionable() {
		m.caption = c.Caption
	}
	return m, true
}

// Send sends c from u and returns the update_id of the "message" update,
// or 0 when Telegram would refuse it, and then nothing is sent: in u's
// private chat with the bot, chatID is u.ID and threadID 0; in a group,
// chatID is the group's and threadID a forum topic's message_thread_id (0
// for none, or the General topic). Only the group's creator, administrators,
// members and restricted users still in it may post, in a closed topic only
// the creator and administrators. Send also returns 0 for content no app
// could send (no text, an empty file, an unknown Kind), a ReplyTo that is
// not in the chat, or when allowed_updates filters messages out.
func (s *Server) Send(chatID int64, threadID int, u User, c Content) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if chatID == u.ID {
		if threadID != 0 {
			return 0
		}
		if ch := s.chats[chatID]; c.ReplyTo != 0 && (ch == nil || ch.message(c.ReplyTo) == nil) {
			return 0
		}
		m, ok := s.messageOfLocked(c)
		if !ok {
			return 0
		}
		return s.userMessageLocked(u, m)
	}
	ch := s.chats[chatID]
	if ch == nil || ch.typ == "private" || ch.typ == "channel" {
		return 0
	}
	who := ch.members[u.ID]
	if !who.inChat() {
		return 0
	}
	if threadID != 0 {
		t := ch.topic(threadID)
		if t == nil || (t.closed && who.status != StatusCreator && who.status != StatusAdministrator) {
			return 0
		}
	}
	if c.ReplyTo != 0 && ch.message(c.ReplyTo) == nil {
		return 0
	}
	m, ok := s.messageOfLocked(c)
	if !ok {
		return 0
	}
	m.from, m.threadID = u, threadID
	who.user = u
	s.seeLocked(u)
	s.addLocked(ch, m)
	return s.enqueueLocked("message", s.messageJSON(m), updateTTL)
}

// SendVideo sends a video with a caption from u to the bot.
func (s *Server) SendVideo(u User, caption string) int64 {
	return s.Send(u.ID, 0, u, Content{Kind: "video", Caption: caption})
}

// SendLocation sends a location from u to the bot.
func (s *Server) SendLocation(u User, latitude, longitude float64) int64 {
	return s.Send(u.ID, 0, u, Content{Location: &models.Location{Latitude: latitude, Longitude: longitude}})
}
