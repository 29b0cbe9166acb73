package telegramtest

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/gif" // photo uploads are decoded as Telegram decodes them
	_ "image/jpeg"
	_ "image/png"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

const (
	descNotModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	descQueryTooOld = "query is too old and response timeout expired or query ID is invalid"
	descBlocked     = "bot was blocked by the user"
	deleteWindow    = 48 * time.Hour
	maxCommands     = 100
)

// sendLocked adds a bot message to c and records the send.
func (s *Server) sendLocked(c *chat, m *message, method string) {
	m.fromBot = true
	s.addLocked(c, m)
	if mk := m.markup; mk != nil {
		switch {
		case mk.keyboard != nil:
			c.keyboard = mk
		case mk.remove:
			c.keyboard = nil
		}
	}
	s.eventLocked(Event{Kind: "send", Method: method, ChatID: c.id, Message: s.public(m)})
}

// targetLocked resolves where a message goes: the chat, the forum topic
// and the message it replies to.
func (s *Server) targetLocked(r *request) (*chat, int, int, *apiError) {
	c, aerr := s.writableLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, 0, 0, aerr
	}
	thread, aerr := threadOf(c, r)
	if aerr != nil {
		return nil, 0, 0, aerr
	}
	replyTo, aerr := s.replyLocked(c, r)
	if aerr != nil {
		return nil, 0, 0, aerr
	}
	return c, thread, replyTo, nil
}

// writableLocked finds the chat of a chat_id parameter and checks the bot
// may write there.
func (s *Server) writableLocked(arg string) (*chat, *apiError) {
	c, aerr := s.chatLocked(arg)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.accessLocked(c); aerr != nil {
		return nil, aerr
	}
	return c, nil
}

// mentionsLocked fills in the user of each text_mention entity, as
// Telegram shows a mentioned user: with the name it knows.
func (s *Server) mentionsLocked(ents []models.MessageEntity) []models.MessageEntity {
	var out []models.MessageEntity
	for i, e := range ents {
		if e.Type != models.MessageEntityTypeTextMention || e.User == nil {
			continue
		}
		if out == nil {
			out = append([]models.MessageEntity(nil), ents...)
		}
		u := models.User{ID: e.User.ID}
		if e.User.ID == s.botID {
			u = models.User{ID: s.botID, IsBot: true, FirstName: s.opts.BotName, Username: s.opts.BotUsername}
		} else if k, ok := s.users[e.User.ID]; ok {
			u = models.User{ID: k.ID, FirstName: k.firstName(), LastName: k.LastName, Username: k.Username, LanguageCode: k.LanguageCode}
		}
		out[i].User = &u
	}
	if out == nil {
		return ents
	}
	return out
}

// replyLocked reads reply_parameters or reply_to_message_id.
func (s *Server) replyLocked(c *chat, r *request) (int, *apiError) {
	id := r.intArg("reply_to_message_id", 0)
	allow := r.boolArg("allow_sending_without_reply")
	if rp := r.arg("reply_parameters"); strings.TrimSpace(rp) != "" {
		var p struct {
			MessageID                int64 `json:"message_id"`
			AllowSendingWithoutReply bool  `json:"allow_sending_without_reply"`
		}
		if json.Unmarshal([]byte(rp), &p) != nil {
			return 0, badRequest("Can't parse reply parameters JSON object")
		}
		id, allow = p.MessageID, p.AllowSendingWithoutReply
	}
	if id <= 0 {
		return 0, nil
	}
	if c.message(int(id)) == nil {
		if allow {
			return 0, nil
		}
		return 0, badRequest("message to be replied not found")
	}
	return int(id), nil
}

// sendableLocked checks what Telegram's servers check before a message goes
// out: the user did not block the bot, and the flood limits allow it.
func (s *Server) sendableLocked(c *chat) *apiError {
	if c.blocked {
		return forbidden(descBlocked)
	}
	return s.allowLocked(c.id)
}

func (s *Server) sendMessage(r *request) (any, *apiError) {
	if r.arg("text") == "" {
		return nil, badRequest("Message text is empty")
	}
	f, aerr := parseText(r.arg("text"), r.arg("parse_mode"), r.arg("entities"))
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := parseMarkup(r.arg("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, thread, replyTo, aerr := s.targetLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case f.text == "":
		return nil, badRequest("Message must be non-empty")
	case utf16Len(f.text) > maxTextLength:
		return nil, badRequest("Message is too long")
	}
	if aerr := mk.check(); aerr != nil {
		return nil, aerr
	}
	if aerr := s.sendableLocked(c); aerr != nil {
		return nil, aerr
	}
	m := &message{text: f.text, entities: s.mentionsLocked(f.entities), markup: mk, replyTo: replyTo, threadID: thread}
	s.sendLocked(c, m, r.method)
	return s.messageJSON(m), nil
}

func (s *Server) sendPhoto(r *request) (any, *apiError) { return s.sendFile(r, "photo") }

func (s *Server) sendDocument(r *request) (any, *apiError) { return s.sendFile(r, "document") }

// input is a file a send method names: an upload, a URL or a file_id.
type input struct {
	upload *upload
	url    string
	fileID string
	width  int
	height int
}

// inputFile reads the file parameter of a send method.
func inputFile(r *request, kind string) (input, *apiError) {
	up := r.files[kind]
	if up == nil {
		v := strings.TrimSpace(r.arg(kind))
		switch {
		case v == "":
			return input{}, badRequest("There is no " + kind + " in the request")
		case strings.HasPrefix(v, "attach://"):
			if up = r.files[strings.TrimPrefix(v, "attach://")]; up == nil {
				return input{}, badRequest("There is no " + kind + " in the request")
			}
		case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"):
			if u, err := url.Parse(v); err != nil || u.Host == "" {
				return input{}, badRequest("wrong file identifier/HTTP URL specified")
			}
			return input{url: v, width: 800, height: 600}, nil
		default:
			return input{fileID: v}, nil
		}
	}
	in := input{upload: up}
	if len(up.data) == 0 {
		return input{}, badRequest("file must be non-empty")
	}
	if len(up.data) > maxUpload {
		return input{}, errTooLarge
	}
	if kind == "photo" {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(up.data))
		if err != nil {
			return input{}, badRequest("IMAGE_PROCESS_FAILED")
		}
		if cfg.Width+cfg.Height > 10000 || cfg.Width > 20*cfg.Height || cfg.Height > 20*cfg.Width {
			return input{}, badRequest("PHOTO_INVALID_DIMENSIONS")
		}
		in.width, in.height = cfg.Width, cfg.Height
	}
	return in, nil
}

// fileLocked resolves an input to a stored file, registering new ones.
func (s *Server) fileLocked(in input, kind string) (*file, *apiError) {
	if in.fileID != "" {
		f := s.files[in.fileID]
		if f == nil {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		if f.kind != kind {
			return nil, badRequest("type of file mismatch")
		}
		return f, nil
	}
	// The fake does not fetch URLs: what Telegram would have fetched is a
	// placeholder of a plausible size.
	name, size, data := "", 0, []byte(nil)
	if in.upload != nil {
		name, size, data = in.upload.name, len(in.upload.data), in.upload.data
	} else {
		u, _ := url.Parse(in.url)
		name = path.Base(u.Path)
		if name == "/" || name == "." {
			name = "file"
		}
		size = 2048
		if kind == "photo" {
			size = 60000
		}
	}
	var f *file
	switch kind {
	case "photo":
		f = s.newPhotoLocked(name, size, in.width, in.height)
	default:
		f = s.newFileLocked(kind, name, mimeOf(name, data), size)
	}
	f.data = data
	return f, nil
}

// newPhotoLocked registers a photo with a thumbnail, as Telegram returns
// photos in several sizes. The thumbnail's content is made now, as it is
// small; the photo's is the caller's to set.
func (s *Server) newPhotoLocked(name string, size, w, h int) *file {
	if w > 1280 || h > 1280 {
		scale := 1280 / float64(max(w, h))
		w, h = int(float64(w)*scale), int(float64(h)*scale)
	}
	f := s.newFileLocked("photo", name, "image/jpeg", size)
	f.width, f.height = w, h
	scale := 90 / float64(max(w, h, 1))
	tw, th := max(int(float64(w)*scale), 1), max(int(float64(h)*scale), 1)
	data := jpegOf(tw, th, size/20)
	thumb := s.newFileLocked("photo", name, "image/jpeg", len(data))
	thumb.width, thumb.height, thumb.data = tw, th, data
	f.thumb = thumb
	return f
}

func (s *Server) sendFile(r *request, kind string) (any, *apiError) {
	in, aerr := inputFile(r, kind)
	if aerr != nil {
		return nil, aerr
	}
	capt, aerr := parseText(r.arg("caption"), r.arg("parse_mode"), r.arg("caption_entities"))
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := parseMarkup(r.arg("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, thread, replyTo, aerr := s.targetLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	if utf16Len(capt.text) > maxCaptionLength {
		return nil, badRequest("Message caption is too long")
	}
	if aerr := mk.check(); aerr != nil {
		return nil, aerr
	}
	if in.fileID != "" {
		if _, aerr := s.fileLocked(in, kind); aerr != nil {
			return nil, aerr
		}
	}
	if aerr := s.sendableLocked(c); aerr != nil {
		return nil, aerr
	}
	f, aerr := s.fileLocked(in, kind)
	if aerr != nil {
		return nil, aerr
	}
	m := &message{caption: capt.text, captionEntities: s.mentionsLocked(capt.entities), media: f, markup: mk, replyTo: replyTo, threadID: thread}
	s.sendLocked(c, m, r.method)
	return s.messageJSON(m), nil
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "record_audio": true, "upload_audio": true,
	"upload_document": true, "choose_sticker": true, "find_location": true,
	"record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendChatAction(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.writableLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	action := strings.ToLower(strings.TrimSpace(r.arg("action")))
	if !chatActions[action] {
		return nil, badRequest("wrong parameter action in request")
	}
	if c.blocked {
		return nil, forbidden(descBlocked)
	}
	s.eventLocked(Event{Kind: "action", Method: r.method, ChatID: c.id, Action: action})
	return true, nil
}

// editTarget finds the message an edit names and checks the bot may edit it.
func (s *Server) editTargetLocked(r *request) (*message, *apiError) {
	if r.arg("inline_message_id") != "" {
		return nil, badRequest("MESSAGE_ID_INVALID")
	}
	if strings.TrimSpace(r.arg("chat_id")) == "" && r.intArg("message_id", 0) == 0 {
		return nil, badRequest("Message identifier is not specified")
	}
	c, aerr := s.writableLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	m := c.message(int(r.intArg("message_id", 0)))
	if m == nil {
		return nil, badRequest("message to edit not found")
	}
	if !m.fromBot || m.isService() || (m.markup != nil && !m.markup.isInline()) {
		return nil, badRequest("message can't be edited")
	}
	return m, nil
}

func (s *Server) editedLocked(m *message, method string) {
	m.editDate = s.now()
	m.edits++
	s.eventLocked(Event{Kind: "edit", Method: method, ChatID: m.chat.id, Message: s.public(m)})
}

func inlineOnly(mk *markup) *apiError {
	if mk != nil && !mk.isInline() {
		return badRequest("inline keyboard expected")
	}
	return nil
}

func (s *Server) editMessageText(r *request) (any, *apiError) {
	if r.arg("text") == "" {
		return nil, badRequest("Message text is empty")
	}
	f, aerr := parseText(r.arg("text"), r.arg("parse_mode"), r.arg("entities"))
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := parseMarkup(r.arg("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if aerr := inlineOnly(mk); aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, aerr := s.editTargetLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case m.media != nil || m.text == "":
		return nil, badRequest("there is no text in the message to edit")
	case f.text == "":
		return nil, badRequest("Message must be non-empty")
	case utf16Len(f.text) > maxTextLength:
		return nil, badRequest("Message is too long")
	}
	if aerr := mk.check(); aerr != nil {
		return nil, aerr
	}
	if f.equal(formatted{m.text, m.entities}) && sameInline(mk, m.markup) {
		return nil, badRequest(descNotModified)
	}
	if aerr := s.allowLocked(m.chat.id); aerr != nil {
		return nil, aerr
	}
	m.text, m.entities, m.markup = f.text, s.mentionsLocked(f.entities), mk
	s.editedLocked(m, r.method)
	return s.messageJSON(m), nil
}

func (s *Server) editMessageReplyMarkup(r *request) (any, *apiError) {
	mk, aerr := parseMarkup(r.arg("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if aerr := inlineOnly(mk); aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, aerr := s.editTargetLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := mk.check(); aerr != nil {
		return nil, aerr
	}
	if sameInline(mk, m.markup) {
		return nil, badRequest(descNotModified)
	}
	if aerr := s.allowLocked(m.chat.id); aerr != nil {
		return nil, aerr
	}
	m.markup = mk
	s.editedLocked(m, r.method)
	return s.messageJSON(m), nil
}

func (s *Server) deleteMessage(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.writableLocked(r.arg("chat_id"))
	if aerr != nil {
		return nil, aerr
	}
	m := c.message(int(r.intArg("message_id", 0)))
	if m == nil {
		return nil, badRequest("message to delete not found")
	}
	if s.now().Sub(m.date) > deleteWindow || m.topic != nil {
		return nil, badRequest("message can't be deleted")
	}
	// A deleted message leaves the pinned messages.
	m.deleted, m.pinned = true, false
	s.eventLocked(Event{Kind: "delete", Method: r.method, ChatID: c.id, Message: s.public(m)})
	return true, nil
}

// query is a callback query the bot may answer once.
type query struct {
	chatID   int64
	msgID    int
	at       time.Time
	answered bool
}

func (s *Server) answerCallbackQuery(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.arg("callback_query_id")
	q := s.queries[id]
	if q == nil || q.answered || (s.opts.CallbackTimeout > 0 && s.now().Sub(q.at) > s.opts.CallbackTimeout) {
		return nil, badRequest(descQueryTooOld)
	}
	text := r.arg("text")
	if utf16Len(text) > maxAnswerLength {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered = true
	e := Event{Kind: "answer", Method: r.method, ChatID: q.chatID, QueryID: id, AnswerText: text, ShowAlert: r.boolArg("show_alert")}
	if c := s.chats[q.chatID]; c != nil && c.byID[q.msgID] != nil {
		e.Message = s.public(c.byID[q.msgID])
	}
	s.eventLocked(e)
	return true, nil
}

// scopeLocked reads a scope parameter to the key commands are stored by.
func (s *Server) scopeLocked(arg string) (string, *apiError) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return "default", nil
	}
	if !json.Valid([]byte(arg)) {
		return "", badRequest("Can't parse BotCommandScope JSON object")
	}
	fields, ok := objectFields([]byte(arg))
	if !ok {
		return "", badRequest("Can't parse BotCommandScope: expected an Object")
	}
	m := fieldMap(fields)
	typ, msg := stringField(m, "type", true)
	if msg != "" {
		return "", badRequest("Can't parse BotCommandScope: " + msg)
	}
	chatKey := func() (string, *apiError) {
		id, msg := stringField(m, "chat_id", true)
		if msg != "" {
			return "", badRequest("Can't parse BotCommandScope: " + msg)
		}
		c, aerr := s.chatLocked(id)
		if aerr != nil {
			return "", aerr
		}
		return strconv.FormatInt(c.id, 10), nil
	}
	switch typ {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		return typ, nil
	case "chat", "chat_administrators":
		k, aerr := chatKey()
		return typ + ":" + k, aerr
	case "chat_member":
		k, aerr := chatKey()
		if aerr != nil {
			return "", aerr
		}
		uid, msg := stringField(m, "user_id", true)
		if msg != "" {
			return "", badRequest("Can't parse BotCommandScope: " + msg)
		}
		if _, err := strconv.ParseInt(uid, 10, 64); err != nil {
			return "", badRequest("invalid user_id specified")
		}
		return typ + ":" + k + ":" + uid, nil
	}
	return "", badRequest("Can't parse BotCommandScope: Unsupported type specified")
}

func validLanguage(code string) bool {
	if code == "" {
		return true
	}
	return len(code) == 2 && isAlpha(code[0]) && isAlpha(code[1])
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// commandsArgs reads the scope and language_code of a *MyCommands call.
func (s *Server) commandsArgsLocked(r *request) (scope, lang string, aerr *apiError) {
	if scope, aerr = s.scopeLocked(r.arg("scope")); aerr != nil {
		return "", "", aerr
	}
	lang = r.arg("language_code")
	if !validLanguage(lang) {
		return "", "", badRequest("Invalid language code specified")
	}
	return scope, lang, nil
}

// parseCommands reads setMyCommands' commands and checks them as tdlib and
// Telegram's servers do.
func parseCommands(arg string) ([]models.BotCommand, *apiError) {
	if strings.TrimSpace(arg) == "" {
		return nil, nil
	}
	if !json.Valid([]byte(arg)) {
		return nil, badRequest("Can't parse commands JSON object")
	}
	items, ok := asArray([]byte(arg))
	if !ok {
		return nil, badRequest("Expected an Array of BotCommand")
	}
	var cmds []models.BotCommand
	for _, it := range items {
		fields, ok := objectFields(it)
		if !ok {
			return nil, badRequest("Can't parse BotCommand: expected an Object")
		}
		m := fieldMap(fields)
		cmd, msg := stringField(m, "command", true)
		if msg == "" {
			var desc string
			desc, msg = stringField(m, "description", true)
			cmds = append(cmds, models.BotCommand{Command: cmd, Description: desc})
		}
		if msg != "" {
			return nil, badRequest("Can't parse BotCommand: " + msg)
		}
	}
	for i := range cmds {
		c := &cmds[i]
		c.Command = strings.TrimPrefix(strings.TrimSpace(c.Command), "/")
		c.Description = strings.TrimSpace(c.Description)
		switch {
		case c.Command == "":
			return nil, badRequest("Command must be non-empty")
		case len([]rune(c.Command)) > 32:
			return nil, badRequest("Command length must not exceed 32")
		case c.Description == "":
			return nil, badRequest("Command description must be non-empty")
		case len([]rune(c.Description)) > 256:
			return nil, badRequest("Command description length must not exceed 256")
		}
	}
	for _, c := range cmds {
		for i := 0; i < len(c.Command); i++ {
			if ch := c.Command[i]; !('a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '_') {
				return nil, badRequest("BOT_COMMAND_INVALID")
			}
		}
	}
	if len(cmds) > maxCommands {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	return cmds, nil
}

func (s *Server) setMyCommands(r *request) (any, *apiError) {
	cmds, aerr := parseCommands(r.arg("commands"))
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, lang, aerr := s.commandsArgsLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	if len(cmds) == 0 {
		delete(s.commands, scope+"|"+lang)
	} else {
		s.commands[scope+"|"+lang] = cmds
	}
	s.eventLocked(Event{Kind: "commands", Method: r.method, Commands: append([]models.BotCommand(nil), cmds...), Scope: scope, LanguageCode: lang})
	return true, nil
}

func (s *Server) getMyCommands(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, lang, aerr := s.commandsArgsLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	cmds := s.commands[scope+"|"+lang]
	if cmds == nil {
		cmds = []models.BotCommand{}
	}
	return cmds, nil
}

func (s *Server) deleteMyCommands(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, lang, aerr := s.commandsArgsLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	delete(s.commands, scope+"|"+lang)
	s.eventLocked(Event{Kind: "commands", Method: r.method, Scope: scope, LanguageCode: lang})
	return true, nil
}

// Commands returns the commands set for the default scope and a language
// code ("" for all languages), nil when none are set.
func (s *Server) Commands(languageCode string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand(nil), s.commands["default|"+languageCode]...)
}

// CommandsFor returns the commands set for a scope and a language code.
func (s *Server) CommandsFor(scope models.BotCommandScope, languageCode string) []models.BotCommand {
	arg := ""
	if scope != nil {
		b, err := scope.MarshalCustom()
		if err != nil {
			return nil
		}
		arg = string(b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key, aerr := s.scopeLocked(arg)
	if aerr != nil {
		return nil
	}
	return append([]models.BotCommand(nil), s.commands[key+"|"+languageCode]...)
}
