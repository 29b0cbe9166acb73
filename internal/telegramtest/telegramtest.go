// Package telegramtest is a fake Telegram Bot API server. Polku's tests, the
// terminal console and the benchmarks run the real bot against it, because
// Telegram itself cannot be reached from where they run.
//
// The fake owns what Telegram owns: chats and their messages, the update
// queue with getUpdates and webhook delivery, callback queries, bot commands
// and the flood limits. It is as strict as Telegram where a bot can get it
// wrong: request encodings (multipart, JSON, url-encoded, query string),
// parameter validation with Telegram's error descriptions, text lengths in
// UTF-16 code units, HTML parse mode, inline keyboards, offsets, conflicts
// between pollers, 429 with retry_after, and 403 for a user who blocked the
// bot.
//
// Files keep their bytes: the bot's uploads, and what users send with
// [Server.SendFile]. getFile and the download links under /file/bot<token>/
// serve them with Telegram's limits (50 MB up, 20 MB down, links valid for
// an hour).
//
// Simulated users act through methods such as [Server.Send],
// [Server.SendText] and [Server.Press], in private chats and in groups with
// forum topics, where [Server.SetMember] decides who may post and what
// getChatMember answers; tests observe what the bot did through
// [Server.Messages], [Server.Events], [Server.File] and [Server.Calls], and
// wait with [Server.Wait] instead of sleeping.
//
// The fake fails as Telegram fails. Some failures are states of Telegram:
// a group the bot was removed from ([Server.RemoveBot], then
// [Server.AddBotBack]) answers 403 "Forbidden: bot was kicked from the
// supergroup chat" and tells the bot with a my_chat_member update; a bot
// without can_manage_topics gets "Bad Request: not enough rights to create
// a topic"; a topic deleted by the bot or in the app ([Server.DeleteTopic])
// gets "Bad Request: message thread not found"; a revoked token
// ([Server.RevokeToken]) gets 401 Unauthorized for every call and
// download. Others are faults a test injects with [Server.Fail] for the
// calls and downloads a [Fault] matches (a method, a chat, a path), a number
// of times or until [Server.ClearFaults]: an error answer with the exact
// status, description and retry_after Telegram sends, or nginx's HTML page
// of a 502 (FaultStatus); a connection closed without an answer, which the
// client sees as a *url.Error that holds the token (FaultReset); no answer
// until the client gives up (FaultHang); an answer after a delay
// (FaultSlow). [Server.Calls] records each injected failure with its
// Fault kind, and [Server.Held] counts the requests held now, so that
// tests wait on them too.
//
// The package imports only the standard library and go-telegram/bot's models;
// it must never import Polku's own packages, since it stands in for Telegram.
package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// Limit is a token bucket: Rate tokens per second, at most Burst at once.
// A negative Rate means no limit.
type Limit struct {
	Rate  float64
	Burst int
}

// Options configure a Server. The zero value is usable.
type Options struct {
	// Token is the only bot token served, until [Server.RevokeToken];
	// requests for any other token get 401 Unauthorized. Default "123456789:TEST-token"; the number before the
	// colon is the bot's user ID, as on Telegram.
	Token string
	// BotUsername is the bot's username in getMe and in its messages.
	// Default "polku_test_bot".
	BotUsername string
	// BotName is the bot's first name. Default "Polku".
	BotName string

	// The flood limits Telegram applies to methods that send or edit
	// messages (send*, edit*, copy*, forward*), not to getUpdates,
	// answerCallbackQuery, setMyCommands and the like. Zero values take the
	// defaults: PerChat 1/s with a burst of 3, Global 30/s with a burst of 30,
	// PerGroup (chats with negative IDs) 20 per minute with a burst of 20.
	PerChat  Limit
	Global   Limit
	PerGroup Limit
	// NoLimits turns flood limits off.
	NoLimits bool

	// Now is the clock for message dates, flood limits, query expiry and
	// the 48-hour deletion window. Default time.Now. Long-poll timeouts and
	// webhook retries run on real time.
	Now func() time.Time

	// FirstUpdateID is the update_id of the first update; default 1.
	// Telegram starts from "a certain positive number" and, after a week
	// without updates, from a random one: a bot must not assume IDs only
	// grow across its lifetime.
	FirstUpdateID int64

	// CallbackTimeout is how long after a press answerCallbackQuery is still
	// accepted. Default 15 seconds; negative means forever.
	CallbackTimeout time.Duration

	// WebhookBackoff is the first delay before a failed webhook delivery is
	// retried; it doubles up to WebhookMaxBackoff. Defaults 10ms and 1s
	// (Telegram waits seconds; tests should not). A Retry-After header of
	// the webhook's response is honoured.
	WebhookBackoff    time.Duration
	WebhookMaxBackoff time.Duration
	// WebhookClient posts updates to the webhook. Default: a client with a
	// 10-second timeout. Pass httptest.Server.Client() for a TLS webhook.
	WebhookClient *http.Client
}

// Call is one HTTP request the bot made.
type Call struct {
	// Method is as Telegram names it, e.g. "sendMessage"; the raw path
	// segment if unknown; "file" for a download from /file/bot<token>/.
	Method string
	// Status is the HTTP status of the answer; 0 when none was sent (a
	// FaultReset, or a FaultHang the client gave up on or the server closed).
	Status int
	// Error is the description of a failed call, e.g. "Bad Request: chat
	// not found", the title of an HTML error page ("502 Bad Gateway"), or
	// why no answer was sent.
	Error      string
	RetryAfter int
	ChatID     int64 // the chat_id parameter when it was a number
	// Fault is the kind of the fault injected into the call, "" for none.
	// A FaultHang or FaultSlow call that was served in the end has its real
	// answer's Status and Error.
	Fault FaultKind
	At    time.Time
}

// Server is a running fake Bot API. It is safe for concurrent use.
type Server struct {
	opts   Options
	hs     *httptest.Server
	now    func() time.Time
	botID  int64
	client *http.Client

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change of state
	queued  chan struct{} // closed and replaced when an update is queued
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup

	token   string // the token accepted now; RevokeToken replaces it
	revoked int    // how many times the token was revoked
	faults  []*fault
	held    int // requests a FaultHang or FaultSlow holds now

	chats    map[int64]*chat
	users    map[int64]User // the users the bot has met, by ID
	files    map[string]*file
	paths    map[string]*file // by file_path, once getFile gave one
	pathSeq  map[string]int   // the next file_N in each folder
	queries  map[string]*query
	commands map[string][]models.BotCommand // by scope key + "|" + language code

	updates
	limits limiter

	events  []Event
	calls   []Call
	tooMany int
	seq     int64 // for file and query identifiers
}

const (
	defaultToken       = "123456789:TEST-token"
	defaultBotUsername = "polku_test_bot"
	defaultBotName     = "Polku"
)

// New starts a fake Bot API on a loopback address. Close it when done.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = defaultToken
	}
	if opts.BotUsername == "" {
		opts.BotUsername = defaultBotUsername
	}
	if opts.BotName == "" {
		opts.BotName = defaultBotName
	}
	if opts.PerChat == (Limit{}) {
		opts.PerChat = Limit{Rate: 1, Burst: 3}
	}
	if opts.Global == (Limit{}) {
		opts.Global = Limit{Rate: 30, Burst: 30}
	}
	if opts.PerGroup == (Limit{}) {
		opts.PerGroup = Limit{Rate: 20.0 / 60, Burst: 20}
	}
	if opts.CallbackTimeout == 0 {
		opts.CallbackTimeout = 15 * time.Second
	}
	if opts.WebhookBackoff <= 0 {
		opts.WebhookBackoff = 10 * time.Millisecond
	}
	if opts.WebhookMaxBackoff < opts.WebhookBackoff {
		opts.WebhookMaxBackoff = max(time.Second, opts.WebhookBackoff)
	}
	s := &Server{
		opts:     opts,
		token:    opts.Token,
		now:      opts.Now,
		client:   opts.WebhookClient,
		changed:  make(chan struct{}),
		queued:   make(chan struct{}),
		done:     make(chan struct{}),
		chats:    make(map[int64]*chat),
		users:    make(map[int64]User),
		files:    make(map[string]*file),
		paths:    make(map[string]*file),
		pathSeq:  make(map[string]int),
		queries:  make(map[string]*query),
		commands: make(map[string][]models.BotCommand),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: 10 * time.Second}
	}
	s.botID = 123456789
	if id, err := strconv.ParseInt(strings.SplitN(opts.Token, ":", 2)[0], 10, 64); err == nil && id > 0 {
		s.botID = id
	}
	s.updates.init(opts.FirstUpdateID)
	s.limits.init(opts)
	s.hs = httptest.NewServer(s)
	return s
}

// URL is the server's base URL, for bot.WithServerURL or a client of our own:
// methods are at URL()+"/bot"+token+"/"+method.
func (s *Server) URL() string { return s.hs.URL }

// Token is the bot token the server accepts.
func (s *Server) Token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// accepts tells whether token is the bot's token now.
func (s *Server) accepts(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return token == s.token
}

// BotID is the bot's user ID.
func (s *Server) BotID() int64 { return s.botID }

// Close ends long polls and webhook delivery and shuts the server down.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	s.stopWebhookLocked()
	s.mu.Unlock()
	s.hs.Close()
	s.wg.Wait()
}

// notifyLocked wakes everyone waiting for a change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait calls cond whenever the fake's state changes until it returns true,
// or until ctx ends, when it returns ctx.Err(). cond may call the Server's
// observation methods.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Calls returns every HTTP call the bot made, in order of completion.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// TooManyRequests is how many 429 answers the fake gave.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// apiError is a failed call as Telegram answers it.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func (e *apiError) Error() string { return e.desc }

// badRequest words a failure as the Bot API does: "Bad Request: " and the
// message with its first letter lowered, unless the message is an upper-case
// error name such as BUTTON_DATA_INVALID.
func badRequest(msg string) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + lowerFirst(msg)}
}

func lowerFirst(msg string) string {
	if len(msg) >= 2 && (msg[1] == '_' || ('A' <= msg[1] && msg[1] <= 'Z')) {
		return msg
	}
	if msg != "" && 'A' <= msg[0] && msg[0] <= 'Z' {
		return string(msg[0]+'a'-'A') + msg[1:]
	}
	return msg
}

func forbidden(msg string) *apiError {
	return &apiError{code: http.StatusForbidden, desc: "Forbidden: " + msg}
}

func conflict(desc string) *apiError {
	return &apiError{code: http.StatusConflict, desc: desc}
}

func tooManyRequests(retryAfter int) *apiError {
	return &apiError{
		code:       http.StatusTooManyRequests,
		desc:       "Too Many Requests: retry after " + strconv.Itoa(retryAfter),
		retryAfter: retryAfter,
	}
}

var (
	errUnauthorized = &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"}
	errNotFound     = &apiError{code: http.StatusNotFound, desc: "Not Found"}
	errTooLarge     = &apiError{code: http.StatusRequestEntityTooLarge, desc: "Request Entity Too Large"}
)

// request is one call after its parameters were read: every parameter is a
// string, as the Bot API sees them, and files are the multipart file parts.
type request struct {
	ctx    context.Context
	method string
	args   map[string]string
	files  map[string]*upload
	// description is an optional "description" of a successful answer.
	description string
	fault       FaultKind // the fault injected, "" for none
}

type upload struct {
	name string
	data []byte
}

func (r *request) arg(name string) string { return r.args[name] }

// chatID is the chat_id parameter when it is a number, else 0.
func (r *request) chatID() int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(r.args["chat_id"]), 10, 64)
	return id
}

// boolArg reads a boolean parameter as the Bot API does.
func (r *request) boolArg(name string) bool {
	v := strings.ToLower(strings.TrimSpace(r.args[name]))
	return v == "true" || v == "1" || v == "yes"
}

// intArg reads an integer parameter: def when missing, the leading digits
// when malformed, as the Bot API reads numbers.
func (r *request) intArg(name string, def int64) int64 {
	v := strings.TrimSpace(r.args[name])
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		end := 0
		if end < len(v) && (v[end] == '-' || v[end] == '+') {
			end++
		}
		for end < len(v) && '0' <= v[end] && v[end] <= '9' {
			end++
		}
		n, _ = strconv.ParseInt(v[:end], 10, 64)
	}
	return n
}

type handler func(s *Server, r *request) (any, *apiError)

// method is a Bot API method the fake serves, under the name Telegram gives
// it; methods holds them by lower-case name, as Telegram's method names are
// case-insensitive. It is filled by init, since the webhook's delivery calls
// methods too.
type method struct {
	name string
	fn   handler
}

var methods = map[string]method{}

func register(name string, fn handler) {
	methods[strings.ToLower(name)] = method{name: name, fn: fn}
}

func init() {
	register("getMe", (*Server).getMe)
	register("getUpdates", (*Server).getUpdates)
	register("setWebhook", (*Server).setWebhook)
	register("deleteWebhook", (*Server).deleteWebhook)
	register("getWebhookInfo", (*Server).getWebhookInfo)
	register("sendMessage", (*Server).sendMessage)
	register("sendPhoto", (*Server).sendPhoto)
	register("sendDocument", (*Server).sendDocument)
	register("sendChatAction", (*Server).sendChatAction)
	register("getFile", (*Server).getFile)
	register("editMessageText", (*Server).editMessageText)
	register("editMessageReplyMarkup", (*Server).editMessageReplyMarkup)
	register("deleteMessage", (*Server).deleteMessage)
	register("answerCallbackQuery", (*Server).answerCallbackQuery)
	register("setMyCommands", (*Server).setMyCommands)
	register("getMyCommands", (*Server).getMyCommands)
	register("deleteMyCommands", (*Server).deleteMyCommands)
	register("copyMessage", (*Server).copyMessage)
	register("createForumTopic", (*Server).createForumTopic)
	register("editForumTopic", (*Server).editForumTopic)
	register("closeForumTopic", (*Server).closeForumTopic)
	register("reopenForumTopic", (*Server).reopenForumTopic)
	register("deleteForumTopic", (*Server).deleteForumTopic)
	register("pinChatMessage", (*Server).pinChatMessage)
	register("unpinChatMessage", (*Server).unpinChatMessage)
	register("setMessageReaction", (*Server).setMessageReaction)
	register("getChatMember", (*Server).getChatMember)
}

// ServeHTTP serves /bot<token>/<method> as the Bot API does, and files at
// /file/bot<token>/<file_path> as Telegram's file server does. A fault set
// with [Server.Fail] comes first: it acts on a request whatever its token.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	if rest, ok := strings.CutPrefix(hr.URL.Path, "/file/bot"); ok {
		r := &request{ctx: hr.Context(), method: "file"}
		if !s.inject(w, r, hr.URL.Path) {
			s.serveFile(w, hr, r, rest)
		}
		return
	}
	rest, ok := strings.CutPrefix(hr.URL.Path, "/bot")
	token, name, _ := strings.Cut(rest, "/")
	r := &request{ctx: hr.Context(), method: name}
	m, known := methods[strings.ToLower(name)]
	if known {
		r.method = m.name
	}
	// The parameters are read first, as a fault may be for one chat.
	argsErr := readArgs(hr, r)
	if s.inject(w, r, hr.URL.Path) {
		return
	}
	var (
		result any
		aerr   *apiError
	)
	switch {
	case !ok:
		aerr = errNotFound
	case !s.accepts(token):
		aerr = errUnauthorized
	case !known:
		aerr = errNotFound
	case argsErr != nil:
		aerr = argsErr
	default:
		result, aerr = m.fn(s, r)
	}
	status := http.StatusOK
	var body []byte
	if aerr != nil {
		status = aerr.code
		body = errorBody(aerr)
	} else {
		body = resultBody(result, r.description)
	}
	s.record(r, status, aerr)
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) record(r *request, status int, aerr *apiError) {
	c := Call{Method: r.method, Status: status, ChatID: r.chatID(), Fault: r.fault, At: s.now()}
	if aerr != nil {
		c.Error = aerr.desc
		c.RetryAfter = aerr.retryAfter
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	if status == http.StatusTooManyRequests {
		s.tooMany++
	}
	s.notifyLocked()
	s.mu.Unlock()
}

func errorBody(e *apiError) []byte {
	v := struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
		Parameters  *struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters,omitempty"`
	}{ErrorCode: e.code, Description: e.desc}
	if e.retryAfter > 0 {
		v.Parameters = &struct {
			RetryAfter int `json:"retry_after"`
		}{e.retryAfter}
	}
	b, _ := json.Marshal(v)
	return b
}

func resultBody(result any, description string) []byte {
	var raw []byte
	switch v := result.(type) {
	case json.RawMessage:
		raw = v
	case []byte:
		raw = v
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return errorBody(&apiError{code: http.StatusInternalServerError, desc: "Internal Server Error"})
		}
	}
	var b bytes.Buffer
	b.Grow(len(raw) + 32 + len(description))
	b.WriteString(`{"ok":true,"result":`)
	b.Write(raw)
	if description != "" {
		d, _ := json.Marshal(description)
		b.WriteString(`,"description":`)
		b.Write(d)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// maxBody bounds what the fake reads of a request: an upload of the 50 MB
// Telegram allows bots, and room for the other parameters.
const maxBody = maxUpload + 1<<20

// readArgs collects the parameters of a call from the query string and the
// body, whichever encoding the body has, as the Bot API accepts them all.
func readArgs(hr *http.Request, r *request) *apiError {
	r.args = make(map[string]string)
	for k, v := range hr.URL.Query() {
		if len(v) > 0 {
			r.args[k] = v[0]
		}
	}
	if hr.Body == nil || hr.Method == http.MethodGet {
		return nil
	}
	ct, params, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	body := http.MaxBytesReader(nil, hr.Body, maxBody)
	switch ct {
	case "application/json":
		data, err := io.ReadAll(body)
		if err != nil {
			return tooLarge(err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return badRequest("Can't parse JSON encoded request: " + err.Error())
		}
		for k, v := range obj {
			v = bytes.TrimSpace(v)
			switch {
			case bytes.Equal(v, []byte("null")):
			case len(v) > 0 && v[0] == '"':
				var str string
				if err := json.Unmarshal(v, &str); err == nil {
					r.args[k] = str
				}
			default:
				r.args[k] = string(v)
			}
		}
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(body)
		if err != nil {
			return tooLarge(err)
		}
		q, err := url.ParseQuery(string(data))
		if err != nil {
			return badRequest("Can't parse request body")
		}
		for k, v := range q {
			r.args[k] = v[0]
		}
	case "multipart/form-data":
		data, err := io.ReadAll(body)
		if err != nil {
			return tooLarge(err)
		}
		if len(data) == 0 {
			// go-telegram/bot sends an empty body for calls without
			// parameters, such as getMe.
			return nil
		}
		mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return badRequest("Can't parse multipart/form-data request")
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return tooLarge(err)
			}
			name := part.FormName()
			if part.FileName() != "" {
				if r.files == nil {
					r.files = make(map[string]*upload)
				}
				r.files[name] = &upload{name: part.FileName(), data: data}
				continue
			}
			r.args[name] = string(data)
		}
	}
	return nil
}

func tooLarge(err error) *apiError {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return badRequest("Can't read request body")
}

func (s *Server) getMe(r *request) (any, *apiError) {
	return struct {
		ID                      int64  `json:"id"`
		IsBot                   bool   `json:"is_bot"`
		FirstName               string `json:"first_name"`
		Username                string `json:"username"`
		CanJoinGroups           bool   `json:"can_join_groups"`
		CanReadAllGroupMessages bool   `json:"can_read_all_group_messages"`
		SupportsInlineQueries   bool   `json:"supports_inline_queries"`
		CanConnectToBusiness    bool   `json:"can_connect_to_business"`
		HasMainWebApp           bool   `json:"has_main_web_app"`
	}{ID: s.botID, IsBot: true, FirstName: s.opts.BotName, Username: s.opts.BotUsername, CanJoinGroups: true}, nil
}
