package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// updates is the bot's update queue, one per bot as on Telegram, and the
// two ways it is drained: getUpdates and the webhook.
type updates struct {
	next      int64 // update_id of the next update
	started   bool  // an update was ever queued: Telegram's queue exists
	queue     []queued
	allowed   map[string]bool // nil: Telegram's default set
	minExpiry time.Time

	poll           *poll
	webhook        *webhook
	nextSetWebhook time.Time
}

type queued struct {
	id      int64
	raw     []byte
	expires time.Time
}

func (u *updates) init(first int64) {
	u.next = max(first, 1)
}

// Update lifetimes: Telegram keeps an unconfirmed update for a day, a button
// press for 150 seconds.
const (
	updateTTL   = 24 * time.Hour
	callbackTTL = 150 * time.Second
)

// updateKinds are the update types of the Bot API; defaultExcluded are the
// ones Telegram does not send unless asked by allowed_updates.
var (
	updateKinds = []string{
		"message", "edited_message", "channel_post", "edited_channel_post",
		"business_connection", "business_message", "edited_business_message",
		"deleted_business_messages", "message_reaction", "message_reaction_count",
		"inline_query", "chosen_inline_result", "callback_query", "shipping_query",
		"pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
		"my_chat_member", "chat_member", "chat_join_request", "chat_boost",
		"removed_chat_boost",
	}
	defaultExcluded = map[string]bool{
		"chat_member": true, "message_reaction": true, "message_reaction_count": true,
	}
)

func (s *Server) allowedLocked(kind string) bool {
	if s.allowed == nil {
		return !defaultExcluded[kind]
	}
	return s.allowed[kind]
}

// setAllowedLocked applies an allowed_updates parameter the way the Bot API
// does: absent or unreadable leaves the setting as it is, a list with no
// known type restores the default. The setting filters updates when they
// happen, so updates already queued are still delivered.
func (s *Server) setAllowedLocked(arg string) {
	if strings.TrimSpace(arg) == "" {
		return
	}
	var list []any
	if err := json.Unmarshal([]byte(arg), &list); err != nil {
		return
	}
	allowed := make(map[string]bool)
	for _, v := range list {
		name, ok := v.(string)
		if !ok {
			return
		}
		name = strings.ToLower(name)
		for _, k := range updateKinds {
			if k == name {
				allowed[k] = true
			}
		}
	}
	if len(allowed) == 0 {
		allowed = nil
	}
	s.allowed = allowed
}

func (s *Server) allowedList() []string {
	if s.allowed == nil {
		return nil
	}
	var list []string
	for _, k := range updateKinds {
		if s.allowed[k] {
			list = append(list, k)
		}
	}
	return list
}

// enqueueLocked queues an update of the given kind with payload as its
// object and returns its update_id, or 0 when allowed_updates filters it out.
func (s *Server) enqueueLocked(kind string, payload []byte, ttl time.Duration) int64 {
	if !s.allowedLocked(kind) {
		return 0
	}
	id := s.next
	s.next++
	s.started = true
	return s.pushLocked(id, buildUpdate(id, kind, payload), ttl)
}

func (s *Server) pushLocked(id int64, raw []byte, ttl time.Duration) int64 {
	exp := s.now().Add(ttl)
	s.queue = append(s.queue, queued{id: id, raw: raw, expires: exp})
	if s.minExpiry.IsZero() || exp.Before(s.minExpiry) {
		s.minExpiry = exp
	}
	close(s.queued)
	s.queued = make(chan struct{})
	s.notifyLocked()
	return id
}

func buildUpdate(id int64, kind string, payload []byte) []byte {
	b := make([]byte, 0, len(payload)+len(kind)+32)
	b = append(b, `{"update_id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"`...)
	b = append(b, kind...)
	b = append(b, `":`...)
	b = append(b, payload...)
	return append(b, '}')
}

// purgeExpiredLocked drops updates nobody fetched in time.
func (s *Server) purgeExpiredLocked() {
	now := s.now()
	if s.minExpiry.IsZero() || now.Before(s.minExpiry) {
		return
	}
	kept := s.queue[:0]
	s.minExpiry = time.Time{}
	for _, u := range s.queue {
		if now.Before(u.expires) {
			kept = append(kept, u)
			if s.minExpiry.IsZero() || u.expires.Before(s.minExpiry) {
				s.minExpiry = u.expires
			}
		}
	}
	if len(kept) != len(s.queue) {
		s.notifyLocked()
	}
	s.queue = kept
}

// forgetLocked confirms every update with an ID below from.
func (s *Server) forgetLocked(from int64) {
	i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id >= from })
	if i == 0 {
		return
	}
	s.queue = s.queue[i:]
	if len(s.queue) == 0 {
		s.queue = nil
	}
	s.notifyLocked()
}

func (s *Server) clearQueueLocked() {
	if len(s.queue) > 0 {
		s.queue = nil
		s.notifyLocked()
	}
}

// Pending is the number of updates the bot has not confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked()
	return len(s.queue)
}

// takeLocked is one getUpdates answer, with the Bot API's offset rules: an
// offset confirms every update below it; zero starts at the oldest update;
// a negative offset counts back from the newest; an offset far in the
// future is ignored (nothing is confirmed and the oldest updates come).
func (s *Server) takeLocked(offset, limit int64) []byte {
	s.purgeExpiredLocked()
	if !s.started {
		return []byte("[]")
	}
	tail := s.next
	head := tail
	if len(s.queue) > 0 {
		head = s.queue[0].id
	}
	if offset <= 0 {
		if offset < 0 {
			offset += tail
		}
		if offset < head {
			offset = head
		}
	}
	if offset <= tail+10 {
		s.forgetLocked(offset)
	}
	n := min(int(limit), len(s.queue))
	if n == 0 {
		return []byte("[]")
	}
	size := 2
	for _, u := range s.queue[:n] {
		size += len(u.raw) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, '[')
	for i, u := range s.queue[:n] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, u.raw...)
	}
	return append(b, ']')
}

// poll is a getUpdates call waiting for updates.
type poll struct {
	kill chan struct{}
	err  *apiError // why it was stopped
}

func (p *poll) stop(err *apiError) {
	p.err = err
	close(p.kill)
}

const (
	descPollConflict    = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	descWebhookActive   = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	descPollBySetHook   = "Conflict: terminated by setWebhook request"
	maxLongPollTimeout  = 50
	defaultWebhookConns = 40
)

func (s *Server) getUpdates(r *request) (any, *apiError) {
	offset := r.intArg("offset", 0)
	limit := min(max(r.intArg("limit", 100), 1), 100)
	timeout := min(max(r.intArg("timeout", 0), 0), maxLongPollTimeout)

	s.mu.Lock()
	if s.webhook != nil {
		s.mu.Unlock()
		return nil, conflict(descWebhookActive)
	}
	s.setAllowedLocked(r.arg("allowed_updates"))
	batch := s.takeLocked(offset, limit)
	if len(batch) > 2 || timeout == 0 {
		s.mu.Unlock()
		return json.RawMessage(batch), nil
	}
	// Nothing yet: wait. A poll that was already waiting ends with a
	// conflict, as only one bot instance may poll.
	if s.poll != nil {
		s.poll.stop(conflict(descPollConflict))
	}
	p := &poll{kill: make(chan struct{})}
	s.poll = p
	s.notifyLocked()
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	for {
		queued := s.queued
		s.mu.Unlock()
		select {
		case <-queued:
		case <-p.kill:
			return nil, p.err
		case <-timer.C:
			return s.endPoll(p)
		case <-r.ctx.Done():
			return s.endPoll(p)
		case <-s.done:
			return s.endPoll(p)
		}
		s.mu.Lock()
		if s.poll != p {
			s.mu.Unlock()
			return nil, p.err
		}
		if batch = s.takeLocked(offset, limit); len(batch) > 2 {
			s.poll = nil
			s.notifyLocked()
			s.mu.Unlock()
			return json.RawMessage(batch), nil
		}
	}
}

func (s *Server) endPoll(p *poll) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.poll != p {
		return nil, p.err
	}
	s.poll = nil
	s.notifyLocked()
	return json.RawMessage("[]"), nil
}

// polling tells whether a getUpdates call is waiting.
func (s *Server) polling() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.poll != nil
}

// webhook is a set webhook and its delivery goroutine.
type webhook struct {
	url            string
	secret         string
	maxConnections int
	lastErrorDate  time.Time
	lastErrorMsg   string
	ctx            context.Context
	cancel         context.CancelFunc
}

func (s *Server) stopWebhookLocked() {
	if s.webhook != nil {
		s.webhook.cancel()
		s.webhook = nil
		s.notifyLocked()
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validSecret(secret string) bool {
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (s *Server) setWebhook(r *request) (any, *apiError) {
	raw := strings.TrimSpace(r.arg("url"))
	if raw == "" {
		return s.deleteWebhook(r)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(s.nextSetWebhook) {
		return nil, tooManyRequests(1)
	}
	s.nextSetWebhook = now.Add(time.Second)

	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, badRequest("invalid webhook URL specified")
	}
	// Telegram only calls HTTPS webhooks on a few ports; loopback webhooks
	// of tests may be plain HTTP on any port.
	if !isLoopback(u.Hostname()) {
		if u.Scheme != "https" {
			return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
		}
		switch u.Port() {
		case "", "443", "80", "88", "8443":
		default:
			return nil, badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
		}
	}
	secret := r.arg("secret_token")
	if len(secret) > 256 {
		return nil, badRequest("secret token is too long")
	}
	if !validSecret(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConns := int(min(max(r.intArg("max_connections", defaultWebhookConns), 1), 100))
	drop := r.boolArg("drop_pending_updates")
	if w := s.webhook; w != nil && w.url == raw && w.secret == secret && w.maxConnections == maxConns && !drop {
		s.setAllowedLocked(r.arg("allowed_updates"))
		r.description = "Webhook is already set"
		return true, nil
	}
	if drop {
		s.clearQueueLocked()
	}
	s.stopWebhookLocked()
	if s.poll != nil {
		s.poll.stop(conflict(descPollBySetHook))
		s.poll = nil
	}
	s.setAllowedLocked(r.arg("allowed_updates"))
	ctx, cancel := context.WithCancel(context.Background())
	w := &webhook{url: raw, secret: secret, maxConnections: maxConns, ctx: ctx, cancel: cancel}
	s.webhook = w
	s.wg.Add(1)
	go s.deliver(w)
	s.eventLocked(Event{Kind: "webhook", Method: r.method, URL: raw})
	r.description = "Webhook was set"
	return true, nil
}

func (s *Server) deleteWebhook(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.boolArg("drop_pending_updates") {
		s.clearQueueLocked()
	}
	if s.webhook == nil {
		r.description = "Webhook is already deleted"
		return true, nil
	}
	s.stopWebhookLocked()
	s.eventLocked(Event{Kind: "webhook", Method: r.method})
	r.description = "Webhook was deleted"
	return true, nil
}

func (s *Server) getWebhookInfo(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked()
	info := struct {
		URL                  string   `json:"url"`
		HasCustomCertificate bool     `json:"has_custom_certificate"`
		PendingUpdateCount   int      `json:"pending_update_count"`
		LastErrorDate        int64    `json:"last_error_date,omitempty"`
		LastErrorMessage     string   `json:"last_error_message,omitempty"`
		MaxConnections       int      `json:"max_connections,omitempty"`
		AllowedUpdates       []string `json:"allowed_updates,omitempty"`
	}{PendingUpdateCount: len(s.queue), AllowedUpdates: s.allowedList()}
	if w := s.webhook; w != nil {
		info.URL = w.url
		info.MaxConnections = w.maxConnections
		if !w.lastErrorDate.IsZero() {
			info.LastErrorDate = w.lastErrorDate.Unix()
			info.LastErrorMessage = w.lastErrorMsg
		}
	}
	return info, nil
}

// deliver posts queued updates to the webhook one at a time, in order,
// retrying each until the webhook answers 2xx; only then is it confirmed.
func (s *Server) deliver(w *webhook) {
	defer s.wg.Done()
	backoff := s.opts.WebhookBackoff
	for {
		s.mu.Lock()
		if s.webhook != w {
			s.mu.Unlock()
			return
		}
		s.purgeExpiredLocked()
		if len(s.queue) == 0 {
			queued := s.queued
			s.mu.Unlock()
			select {
			case <-queued:
			case <-w.ctx.Done():
				return
			}
			continue
		}
		u := s.queue[0]
		s.mu.Unlock()

		wait, errMsg := s.post(w, u.raw)

		s.mu.Lock()
		if s.webhook != w {
			s.mu.Unlock()
			return
		}
		if errMsg == "" {
			if len(s.queue) > 0 && s.queue[0].id == u.id {
				s.queue = s.queue[1:]
				s.notifyLocked()
			}
			backoff = s.opts.WebhookBackoff
			s.mu.Unlock()
			continue
		}
		w.lastErrorDate = s.now()
		w.lastErrorMsg = errMsg
		s.notifyLocked()
		s.mu.Unlock()
		if wait == 0 {
			wait = backoff
			backoff = min(backoff*2, s.opts.WebhookMaxBackoff)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-w.ctx.Done():
			t.Stop()
			return
		}
	}
}

// post sends one update. It returns the error message Telegram would show in
// getWebhookInfo, empty on success, and the wait a Retry-After asked for.
func (s *Server) post(w *webhook, raw []byte) (time.Duration, string) {
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, w.url, bytes.NewReader(raw))
	if err != nil {
		return 0, "Invalid webhook URL"
	}
	req.Header.Set("Content-Type", "application/json")
	if w.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", w.secret)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return 0, "Connection refused"
		case errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
			return 0, "Read timeout expired"
		}
		var nerr net.Error
		if errors.As(err, &nerr) && nerr.Timeout() {
			return 0, "Read timeout expired"
		}
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var wait time.Duration
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
			wait = time.Duration(min(n, 3600)) * time.Second
		}
		return wait, "Wrong response from the webhook: " + resp.Status
	}
	s.callFromWebhookResponse(w.ctx, body)
	return 0, ""
}

// callFromWebhookResponse runs a method the bot put in its answer to the
// webhook, as Telegram allows: a JSON object with "method" and parameters.
func (s *Server) callFromWebhookResponse(ctx context.Context, body []byte) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return
	}
	var name string
	if json.Unmarshal(obj["method"], &name) != nil || name == "" {
		return
	}
	lower := strings.ToLower(name)
	if lower == "setwebhook" || lower == "deletewebhook" || lower == "close" || lower == "logout" || strings.HasPrefix(lower, "get") {
		return
	}
	m, ok := methods[lower]
	if !ok {
		return
	}
	r := &request{ctx: ctx, method: m.name, args: make(map[string]string)}
	for k, v := range obj {
		if k == "method" {
			continue
		}
		var str string
		if json.Unmarshal(v, &str) == nil {
			r.args[k] = str
		} else if string(v) != "null" {
			r.args[k] = string(v)
		}
	}
	_, aerr := m.fn(s, r)
	status := http.StatusOK
	if aerr != nil {
		status = aerr.code
	}
	s.record(r, status, aerr)
}
