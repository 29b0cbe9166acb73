package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// bucket is a token bucket: rate tokens a second, at most burst saved.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
	// until holds the bucket empty after a 429 from Telegram.
	until time.Time

	// id, seen, prev and next queue the bucket in its set by last use.
	id         int64
	seen       time.Time
	prev, next *bucket
}

func newBucket(rate float64, burst int, now time.Time) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// take spends a token if there is one; otherwise it says how long until
// there is.
func (b *bucket) take(now time.Time) (bool, time.Duration) {
	if now.Before(b.until) {
		return false, b.until.Sub(now)
	}
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// buckets are the token buckets of many chats, one each. A bucket left
// alone for as long as it takes to fill up is the same as a new one, so
// it is forgotten (unless a 429 holds it): the set holds the chats of the
// last few seconds, however many chats the bot has had. The buckets are
// queued by last use, so forgetting costs O(1) a use, never a scan.
type buckets struct {
	rate  float64
	burst int
	// fill is how long an empty bucket takes to fill up.
	fill time.Duration
	m    map[int64]*bucket
	// head is the least recently used bucket, tail the most.
	head, tail *bucket
}

func newBuckets(rate float64, burst int) *buckets {
	fill := time.Duration(float64(burst) / rate * float64(time.Second))
	return &buckets{rate: rate, burst: burst, fill: max(fill, 1), m: map[int64]*bucket{}}
}

// get returns the bucket of id, a new full one if it has none, and
// queues it as used now. First it forgets the buckets full by now.
func (s *buckets) get(id int64, now time.Time) *bucket {
	for b := s.head; b != nil && now.Sub(b.seen) >= s.fill; b = s.head {
		s.unlink(b)
		if now.Before(b.until) {
			// Held after a 429: kept, and looked at again later.
			b.seen = now
			s.push(b)
			continue
		}
		delete(s.m, b.id)
	}
	b := s.m[id]
	if b == nil {
		b = newBucket(s.rate, s.burst, now)
		b.id = id
		s.m[id] = b
	} else {
		s.unlink(b)
	}
	b.seen = now
	s.push(b)
	return b
}

func (s *buckets) push(b *bucket) {
	b.prev, b.next = s.tail, nil
	if s.tail != nil {
		s.tail.next = b
	} else {
		s.head = b
	}
	s.tail = b
}

func (s *buckets) unlink(b *bucket) {
	if b.prev != nil {
		b.prev.next = b.next
	} else {
		s.head = b.next
	}
	if b.next != nil {
		b.next.prev = b.prev
	} else {
		s.tail = b.prev
	}
	b.prev, b.next = nil, nil
}

// limits are this process's view of Telegram's limits.
type limits struct {
	mu     sync.Mutex
	global *bucket
	chats  *buckets
	groups *buckets
}

// newLimits are cfg's limits with the bot's margin. A token is spent when
// a message is handed to a sender, but Telegram counts when the request
// arrives, a varying moment later: so the bot keeps a margin (half the
// global burst, 90% of the chat rate).
func newLimits(cfg Config, now time.Time) *limits {
	return &limits{
		global: newBucket(cfg.GlobalRate, int(max(1, cfg.GlobalRate/2)), now),
		chats:  newBuckets(cfg.ChatRate*0.9, cfg.ChatBurst),
		groups: newBuckets(cfg.GroupRate, cfg.GroupBurst),
	}
}

// take reserves a send to chat now, or says how long to wait.
func (l *limits) take(chat int64, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.chats.get(chat, now)
	// Look at the chat first without spending the global token.
	if now.Before(c.until) {
		return false, c.until.Sub(now)
	}
	c.tokens = min(c.burst, c.tokens+now.Sub(c.last).Seconds()*c.rate)
	c.last = now
	if c.tokens < 1 {
		return false, time.Duration((1 - c.tokens) / c.rate * float64(time.Second))
	}
	// A group (the coordinators') has a limit of its own per minute.
	var g *bucket
	if chat < 0 {
		g = l.groups.get(chat, now)
		g.tokens = min(g.burst, g.tokens+now.Sub(g.last).Seconds()*g.rate)
		g.last = now
		if g.tokens < 1 {
			return false, time.Duration((1 - g.tokens) / g.rate * float64(time.Second))
		}
	}
	ok, wait := l.global.take(now)
	if !ok {
		return false, wait
	}
	c.tokens--
	if g != nil {
		g.tokens--
	}
	return true, 0
}

// hold keeps a chat quiet after a 429. Telegram's retry_after answers the
// chat that was over its limit; the global bucket already keeps the total
// under Telegram's.
func (l *limits) hold(chat int64, now, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.chats.get(chat, now); until.After(c.until) {
		c.until = until
	}
}

// ready says how long until the global bucket has a token: no send can
// start before.
func (l *limits) ready(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.global
	if tokens := min(g.burst, g.tokens+now.Sub(g.last).Seconds()*g.rate); tokens < 1 {
		return time.Duration((1 - tokens) / g.rate * float64(time.Second))
	}
	return 0
}

// held says how many chats' and groups' buckets the limits hold.
func (l *limits) held() (chats, groups int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.chats.m), len(l.groups.m)
}

// sendWhileHeld sends the outbox while this process is the one sender of
// the bot, and otherwise waits to become it: with several processes only
// one spends Telegram's limits. If the sender dies, its lock goes with its
// connection and another process takes over.
func (b *Bot) sendWhileHeld(ctx context.Context) {
	for ctx.Err() == nil {
		held, release, ok, err := b.db.HoldSender(ctx)
		if err != nil && ctx.Err() == nil {
			b.log.Warn("could not ask to be the sender", "err", err)
		}
		if ok {
			b.log.Info("this process sends the outbox")
			panicked := b.guard("in the send loop", func() { b.sendLoop(held) })
			release()
			if !panicked {
				continue
			}
		}
		select {
		case <-time.After(2 * time.Second):
		case <-ctx.Done():
		}
	}
}

// The sender's size. Telegram takes a while to answer each call, and a
// send waits for the answer (its outbox row stays locked until the bot
// knows what became of it), so reaching the global rate takes about
// rate × latency sends in flight (Little's law); the headroom covers the
// latency's spread and the transaction around each call.
const (
	headroom    = 1.5
	minInFlight = 4
)

// inFlight is how many sends to keep in flight to reach rate messages a
// second when a Bot API call takes latency: at least minInFlight, at most
// ceiling.
func inFlight(rate float64, latency time.Duration, ceiling int) int {
	n := int(math.Ceil(rate * latency.Seconds() * headroom))
	return max(1, min(max(n, minInFlight), ceiling))
}

// pace follows the latency of the Bot API calls, a moving average of
// their wall time weighted to the recent ones, and sizes the sender by
// it. A call counts for at most four times the average, so one that hung
// until its timeout moves it a little, while a latency that stays high
// is followed within a few calls.
type pace struct {
	rate    float64
	ceiling int
	latency time.Duration // 0 until the first call
}

func (p *pace) observe(d time.Duration) {
	if p.latency == 0 {
		p.latency = d
		return
	}
	p.latency += (min(d, 4*p.latency) - p.latency) / 8
}

func (p *pace) size() int { return inFlight(p.rate, p.latency, p.ceiling) }

// sent is a send that ended: what became of it, and how long the Bot API
// took (0 when it was not asked).
type sent struct {
	result store.Result
	took   time.Duration
}

// recorded is a batch of sends whose outcomes were written (err nil) or
// could not be.
type recorded struct {
	batch []sent
	err   error
}

// sendLoop sends the outbox: per lane in order (a person's chat, a case's
// topic), answers to waiting people first, then the lane that sent least
// recently, within the limits; Telegram's 429 is honoured, 403 stops sending
// to a chat that blocked the bot. It keeps as many sends in flight as
// Telegram's latency needs. The outcomes are written in batches, one
// transaction for all the sends that ended while the last batch was being
// written; a lane's next message waits until its last one's outcome is
// written (store.Record).
func (b *Bot) sendLoop(ctx context.Context) {
	// Limits, latency and retries run on wall time: Telegram counts real
	// seconds, whatever b.Now says.
	lim := newLimits(b.cfg, b.wall())
	p := &pace{rate: b.cfg.GlobalRate, ceiling: b.cfg.Senders}
	// Never more sends than the ceiling, so a send never waits to report.
	done := make(chan sent, b.cfg.Senders)
	written := make(chan recorded, 1)
	var wg sync.WaitGroup
	// busy are the lanes being sent or whose outcome is being written:
	// each lane one message at a time.
	busy := map[store.Lane]bool{}
	// ended are the sends whose outcome waits to be written; writing
	// says whether a batch is being written now.
	var ended []sent
	writing := false
	write := func(ctx context.Context) {
		if writing || len(ended) == 0 {
			return
		}
		batch := ended
		ended, writing = nil, true
		go func() { written <- recorded{batch, b.record(ctx, batch)} }()
	}
	wrote := func(r recorded) {
		writing = false
		if r.err != nil {
			// Not written: the lanes stay busy and the batch is written
			// again with the next; its messages are never sent twice
			// while this process sends.
			ended = append(r.batch, ended...)
			return
		}
		for _, s := range r.batch {
			delete(busy, s.result.Of())
			if s.took > 0 {
				p.observe(s.took)
			}
		}
	}
	defer func() {
		// Every send that began is waited for and its outcome written,
		// even as ctx ends: an outcome lost would send the message again.
		wg.Wait()
		final := context.WithoutCancel(ctx)
		for {
			if writing {
				wrote(<-written)
			}
			if len(ended) == 0 {
				return
			}
			write(final)
			if r := <-written; r.err != nil {
				b.log.Error("record sends at the end", "err", r.err)
				return
			} else {
				wrote(r)
			}
		}
	}()
	timer := time.NewTimer(0)
	for ctx.Err() == nil {
		skip := make([]store.Lane, 0, len(busy))
		for l := range busy {
			skip = append(skip, l)
		}
		msgs, err := b.db.Ready(ctx, 64, skip, b.wall())
		if err != nil && ctx.Err() == nil {
			b.log.Error("ready messages", "err", err)
		}
		next := b.cfg.Idle
		gave := false
		for _, m := range msgs {
			// Room first, then the token: a token is spent only on a
			// send that starts now.
			for len(busy) >= p.size() {
				select {
				case s := <-done:
					ended = append(ended, s)
					write(ctx)
				case r := <-written:
					wrote(r)
					write(ctx)
				case <-ctx.Done():
					return
				}
			}
			ok, wait := lim.take(m.ChatID, b.wall())
			if !ok {
				next = min(next, wait)
				continue
			}
			busy[m.Of()] = true
			gave = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				done <- b.send(ctx, lim, m)
			}()
		}
		// A full batch may have more behind it, if there are tokens left.
		if gave && len(msgs) == 64 && lim.ready(b.wall()) == 0 {
			continue
		}
		timer.Reset(max(next, time.Millisecond))
	wait:
		select {
		case s := <-done:
			ended = append(ended, s)
			write(ctx)
			goto wait
		case r := <-written:
			wrote(r)
			write(ctx)
			// A lane is free again, but nothing can start before the
			// next global token: looking sooner would find nothing.
			if w := lim.ready(b.wall()); w > 0 {
				timer.Reset(w)
				goto wait
			}
		case <-b.sendWake:
		case <-timer.C:
		case <-ctx.Done():
		}
	}
}

// record writes the outcomes of batch, trying again for a while if the
// database fails.
func (b *Bot) record(ctx context.Context, batch []sent) error {
	results := make([]store.Result, len(batch))
	for i, s := range batch {
		results[i] = s.result
	}
	err := b.db.Record(ctx, results)
	if err != nil && ctx.Err() == nil {
		b.log.Error("record sends", "messages", len(batch), "err", err)
		// The loop writes the batch again; a moment first, so a
		// database that is away is not asked in a tight loop.
		select {
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	return err
}

// send makes message m's Bot API call, which is finished even when ctx
// ends, and says what became of it.
func (b *Bot) send(ctx context.Context, lim *limits, m store.Message) (s sent) {
	s.result = store.Result{Message: m, Outcome: store.Outcome{RetryAt: b.wall().Add(time.Second)}}
	defer func() {
		// deliver recovers its own; this is anything else.
		if r := recover(); r != nil {
			b.recovered(r, "in the sender", "chat_id", m.ChatID, "outbox_id", m.ID)
		}
	}()
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 40*time.Second)
	defer cancel()
	start := b.wall()
	s.result.Outcome = b.deliver(work, lim, m)
	s.took = b.wall().Sub(start)
	return s
}

// deliver makes one Bot API call and says what became of it. A panic
// fails the send like an error of the network: it is tried again later,
// and given up after the last attempt.
func (b *Bot) deliver(ctx context.Context, lim *limits, m store.Message) (res store.Outcome) {
	defer func() {
		if r := recover(); r != nil {
			b.recovered(r, "sending a message", "chat_id", m.ChatID, "outbox_id", m.ID)
			res = b.again(m, fmt.Errorf("panic (%T)", r))
		}
	}()
	if b.fault != nil {
		b.fault("send", m.ChatID)
	}
	var o out
	if err := json.Unmarshal(m.Payload, &o); err != nil {
		return store.Outcome{Drop: "unreadable"}
	}
	msg, err := b.invoke(ctx, &o)
	if errors.Is(err, errCaseGone) {
		return store.Outcome{Drop: "case gone"}
	}
	if errors.Is(err, errUnknownMethod) {
		return store.Outcome{Drop: "unknown method"}
	}
	group := b.isGroup(m.ChatID)
	class, after := classify(err, m.ChatID)
	switch class {
	case 0:
		b.count.sent.Add(1)
		b.noteToken(nil)
		if group && !b.unreachable(ctx, m.ChatID).IsZero() {
			// A held message went through: the bot is back.
			b.groupBack(ctx, m.ChatID)
		}
		return store.Outcome{Sent: true, MessageID: msg}
	case failNotModified:
		return store.Outcome{Sent: true, MessageID: o.MessageID}
	case failRateLimited:
		b.count.limited.Add(1)
		now := b.wall()
		until := now.Add(after)
		lim.hold(m.ChatID, now, until)
		b.log.Warn("telegram rate limit", "chat_id", m.ChatID, "retry_after", after.Seconds())
		return store.Outcome{RetryAt: until}
	case failBlocked:
		b.count.blocked.Add(1)
		b.log.Info("chat blocked the bot", "chat_id", m.ChatID)
		return store.Outcome{Blocked: true}
	case failGroupGone:
		// Never dropped: the message waits, and its retry is the probe
		// that finds the bot back.
		b.groupLost(ctx, m.ChatID, class.String(), err)
		return store.Outcome{RetryAt: b.wall().Add(b.cfg.GroupProbe)}
	case failToken:
		b.noteToken(err)
		return store.Outcome{RetryAt: b.wall().Add(b.cfg.GroupProbe)}
	case failRefused, failThreadGone:
		b.count.dropped.Add(1)
		if o.Method == "react" {
			// A receipt Telegram will not show (the family deleted its
			// message, or the chat takes no reactions): the message
			// itself went on, and the lane goes on too.
			b.log.Warn("telegram refused a receipt", "chat_id", m.ChatID, "class", class.String(), "err", err)
			return store.Outcome{Drop: "receipt refused"}
		}
		b.log.Error("telegram refused a message", "chat_id", m.ChatID, "method", o.Method, "class", class.String(), "err", err)
		return store.Outcome{Drop: class.String()}
	}
	// Telegram or the network failed.
	return b.again(m, err)
}

// again tries a failed send again later, waiting longer each time, and
// gives it up after the last attempt.
func (b *Bot) again(m store.Message, err error) store.Outcome {
	if m.Attempts >= 50 {
		b.count.dropped.Add(1)
		b.log.Error("giving up a message", "chat_id", m.ChatID, "err", err)
		return store.Outcome{Drop: "gave up"}
	}
	wait := min(time.Minute, time.Duration(1<<min(m.Attempts, 6))*time.Second)
	b.log.Warn("send failed, retrying", "chat_id", m.ChatID, "err", err, "wait", wait)
	return store.Outcome{RetryAt: b.wall().Add(wait)}
}

var (
	errCaseGone      = errors.New("the case is gone")
	errUnknownMethod = errors.New("unknown method")
)

// invoke makes the Bot API call of o and returns the ID of the message it
// sent or edited (0 for none).
func (b *Bot) invoke(ctx context.Context, o *out) (int, error) {
	thread := o.Thread
	if o.Method == "topic_move" {
		return b.movedTopic(ctx, o)
	}
	if o.Case != 0 {
		c, err := b.db.CaseTopic(ctx, o.Case)
		if polku.ErrorCode(err) == polku.ENOTFOUND {
			return 0, errCaseGone
		}
		if err != nil {
			return 0, err
		}
		if c.Group != 0 && c.Group != o.ChatID && b.isGroup(o.ChatID) {
			// The case was moved to another group after this message was
			// queued: the case's messages follow it, none stays behind
			// in the group it left. An edit of a message of the old
			// group (buttons pressed there) has nothing to edit in the
			// new one: its number is another message's there.
			if o.MessageID != 0 && !o.Summary && (o.Method == "keys" || o.Method == "edit") {
				return 0, errCaseGone
			}
			o.ChatID = c.Group
		}
		if c.Thread == 0 {
			// The case's first message makes its topic.
			c.Thread, err = b.db.EnsureTopic(ctx, c.ID, func() (int, error) {
				t, err := b.tg.CreateForumTopic(ctx, &tgbot.CreateForumTopicParams{ChatID: o.ChatID, Name: staff.TopicTitle(c)})
				if err != nil {
					return 0, err
				}
				return t.MessageThreadID, nil
			})
			if polku.ErrorCode(err) == polku.ENOTFOUND {
				return 0, errCaseGone
			}
			if err != nil {
				return 0, err
			}
		}
		thread = c.Thread
		if o.Method == "edit" && o.Summary {
			// An edit of the case's summary: its message is known by now,
			// since the group's messages go out in order.
			if c.Summary == 0 {
				return 0, nil
			}
			o.MessageID, o.Summary = c.Summary, false
		}
	}
	id, err := b.api(ctx, o, thread)
	if class, _ := classify(err, o.ChatID); class == failThreadGone && o.Case != 0 && o.Method != "topic_delete" {
		// The case's topic was deleted (by hand, or it is not in the
		// Telegram the bot talks to now): the case gets a new one, and
		// what was refused goes there.
		if thread, err = b.newTopic(ctx, o.ChatID, o.Case, thread); err != nil {
			return 0, err
		}
		id, err = b.api(ctx, o, thread)
	}
	return id, err
}

// movedTopic opens the topic of a case moved to o.ChatID's group, with
// its summary pinned as for a new case, and writes its history (o.Text)
// there. The case moved on again meanwhile: the history follows it.
func (b *Bot) movedTopic(ctx context.Context, o *out) (int, error) {
	c, err := b.db.CaseTopic(ctx, o.Case)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return 0, errCaseGone
	}
	if err != nil {
		return 0, err
	}
	if c.Thread == 0 {
		_, err := b.openTopic(ctx, c.Group, c.ID, 0, o.Text)
		return 0, err
	}
	return b.api(ctx, &out{Method: "send", ChatID: c.Group, Text: o.Text}, c.Thread)
}

// newTopic opens a new topic for case id when its topic gone is no more,
// with the case's summary and buttons pinned, as for a new case; /cases
// links the new one from now on. It returns the new topic.
func (b *Bot) newTopic(ctx context.Context, chat, id int64, gone int) (int, error) {
	b.log.Warn("a case's topic is gone: opening a new one", "case", id)
	return b.openTopic(ctx, chat, id, gone, b.render.loc.Message(b.cfg.GroupLang, "case.new_topic", nil, nil))
}

// openTopic opens a topic in chat for case id in place of gone (0: none),
// its summary pinned and note written after it.
func (b *Bot) openTopic(ctx context.Context, chat, id int64, gone int, note string) (int, error) {
	// first are the new topic's first messages that could not be sent
	// at once: they are queued.
	var first []out
	thread, err := b.db.ReplaceTopic(ctx, id, gone, func(c polku.Case) (int, int, error) {
		var conv flows.Conversation
		data, err := b.db.Conversation(ctx, c.ChatID)
		if err != nil {
			return 0, 0, err
		}
		if data != nil {
			if err := json.Unmarshal(data, &conv); err != nil {
				return 0, 0, err
			}
		}
		phone := ""
		if !c.Shared {
			if phone, err = b.db.CallRequested(ctx, c.ChatID); err != nil {
				return 0, 0, err
			}
		}
		t, err := b.tg.CreateForumTopic(ctx, &tgbot.CreateForumTopicParams{ChatID: chat, Name: staff.TopicTitle(c)})
		if err != nil {
			return 0, 0, err
		}
		lang := b.cfg.GroupLang
		first = []out{
			{Method: "send", ChatID: chat, Case: id, Text: b.summary(lang, c, conv, phone), Inline: b.caseKeys(lang, c), Pin: true, Summary: true},
			{Method: "send", ChatID: chat, Case: id, Text: note},
		}
		// The summary first, as in a new case's topic. The topic is the
		// case's even if that fails (Telegram may be busy): then the
		// summary is queued, and no topic is left empty.
		sum := first[0]
		sum.Summary = false // recorded with the topic
		msg, err := b.api(ctx, &sum, t.MessageThreadID)
		if err != nil {
			return t.MessageThreadID, 0, nil
		}
		if _, err := b.api(ctx, &first[1], t.MessageThreadID); err != nil {
			first = first[1:]
		} else {
			first = nil
		}
		if c.Status == polku.CaseClosed {
			// A closed case's topic stays closed, as it was.
			_, _ = b.tg.CloseForumTopic(ctx, &tgbot.CloseForumTopicParams{ChatID: chat, MessageThreadID: t.MessageThreadID})
		}
		return t.MessageThreadID, msg, nil
	})
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return 0, errCaseGone
	}
	if err == nil && len(first) > 0 {
		outs := make([]store.Out, len(first))
		for i, o := range first {
			outs[i] = b.groupOut(chat, o)
		}
		err = b.db.Queue(ctx, outs)
	}
	return thread, err
}

// api makes the Bot API call of o in thread (0 for none) and returns the
// ID of the message it sent or edited (0 for none).
func (b *Bot) api(ctx context.Context, o *out, thread int) (int, error) {
	var msg *models.Message
	var err error
	switch o.Method {
	case "send":
		params := &tgbot.SendMessageParams{ChatID: o.ChatID, MessageThreadID: thread, Text: o.Text, ReplyMarkup: markup(*o)}
		for _, m := range o.Mentions {
			params.Entities = append(params.Entities, models.MessageEntity{Type: models.MessageEntityTypeTextMention, Offset: m.Offset, Length: m.Length, User: &models.User{ID: m.User}})
		}
		msg, err = b.sent(ctx, "sendMessage", params)
	case "edit":
		var kb *models.InlineKeyboardMarkup
		if mk, ok := markup(*o).(*models.InlineKeyboardMarkup); ok {
			kb = mk
		}
		params := &tgbot.EditMessageTextParams{ChatID: o.ChatID, MessageID: o.MessageID, Text: o.Text}
		if kb != nil {
			params.ReplyMarkup = kb
		}
		msg, err = b.sent(ctx, "editMessageText", params)
	case "keys":
		msg, err = b.tg.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: o.ChatID, MessageID: o.MessageID, ReplyMarkup: markup(out{Method: "edit", Inline: o.Inline})})
	case "document":
		msg, err = b.tg.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: o.ChatID, MessageThreadID: thread, Caption: truncate(o.Text, 1024),
			Document: &models.InputFileUpload{Filename: o.FileName, Data: bytes.NewReader(o.File)}, ReplyMarkup: markup(*o)})
	case "photo":
		var photo models.InputFile = &models.InputFileUpload{Filename: o.FileName, Data: bytes.NewReader(o.File)}
		if o.PhotoID != "" {
			photo = &models.InputFileString{Data: o.PhotoID}
		}
		msg, err = b.tg.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: o.ChatID, MessageThreadID: thread, Caption: truncate(o.Text, 1024),
			Photo: photo, ReplyMarkup: markup(*o)})
	case "copy":
		params := &tgbot.CopyMessageParams{ChatID: o.ChatID, MessageThreadID: thread, FromChatID: o.FromChat, MessageID: o.MessageID, ReplyMarkup: markup(*o)}
		if o.Caption != nil {
			params.Caption = truncate(*o.Caption, 1024)
		}
		var id *models.MessageID
		id, err = b.tg.CopyMessage(ctx, params)
		if err == nil {
			return id.ID, nil
		}
		return 0, err
	case "held":
		// The notice of a family's held messages says how many there are
		// when it goes out; none, when a coordinator showed them already.
		n, herr := b.db.HeldCount(ctx, o.Case)
		if herr != nil || n == 0 {
			return 0, herr
		}
		text := b.render.loc.Message(b.cfg.GroupLang, "case.held", map[string]any{"Count": n}, n)
		show := inlineButton{Text: b.gl("case.button.show_held", nil), Data: staff.CasePayload("held", o.Case)}
		msg, err = b.tg.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: o.ChatID, MessageThreadID: thread, Text: text,
			ReplyMarkup: markup(out{Inline: [][]inlineButton{{show}}})})
	case "react":
		_, err = b.tg.SetMessageReaction(ctx, &tgbot.SetMessageReactionParams{ChatID: o.ChatID, MessageID: o.MessageID,
			Reaction: []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: o.Text}}}})
	case "topic_close":
		_, err = b.tg.CloseForumTopic(ctx, &tgbot.CloseForumTopicParams{ChatID: o.ChatID, MessageThreadID: thread})
	case "topic_reopen":
		_, err = b.tg.ReopenForumTopic(ctx, &tgbot.ReopenForumTopicParams{ChatID: o.ChatID, MessageThreadID: thread})
	case "topic_title":
		_, err = b.tg.EditForumTopic(ctx, &tgbot.EditForumTopicParams{ChatID: o.ChatID, MessageThreadID: thread, Name: o.Text})
	case "topic_delete":
		if thread == 0 {
			return 0, nil
		}
		_, err = b.tg.DeleteForumTopic(ctx, &tgbot.DeleteForumTopicParams{ChatID: o.ChatID, MessageThreadID: thread})
	default:
		return 0, errUnknownMethod
	}
	if err != nil {
		return 0, err
	}
	id := 0
	if msg != nil {
		id = msg.ID
	}
	if id != 0 && o.Pin {
		if _, err := b.tg.PinChatMessage(ctx, &tgbot.PinChatMessageParams{ChatID: o.ChatID, MessageID: id, DisableNotification: true}); err != nil {
			b.log.Warn("pin case summary", "case", o.Case, "err", err)
		}
	}
	if id != 0 && o.Summary {
		if err := b.db.SetSummary(ctx, o.Case, id); err != nil {
			b.log.Warn("record case summary", "case", o.Case, "err", err)
		}
	}
	return id, nil
}

// sent makes a call that sends or edits a text message, with a JSON body,
// and reads only the message's ID from the answer. Most of what Polku
// sends is such a call: the library's multipart form and its reading of
// the whole message Telegram gives back were a tenth of the bot's work
// under the bench walk. The params are the library's, whose fields carry
// the Bot API's names.
func (b *Bot) sent(ctx context.Context, method string, params any) (*models.Message, error) {
	var m struct {
		ID int `json:"message_id"`
	}
	if err := b.callWith(ctx, b.sender, method, params, &m); err != nil {
		return nil, err
	}
	return &models.Message{ID: m.ID}, nil
}

// markup builds the keyboard of a call, if any.
func markup(o out) models.ReplyMarkup {
	switch {
	case len(o.Inline) > 0:
		kb := &models.InlineKeyboardMarkup{InlineKeyboard: make([][]models.InlineKeyboardButton, len(o.Inline))}
		for i, row := range o.Inline {
			for _, btn := range row {
				kb.InlineKeyboard[i] = append(kb.InlineKeyboard[i], models.InlineKeyboardButton{Text: btn.Text, CallbackData: btn.Data, URL: btn.URL})
			}
		}
		return kb
	case len(o.Keyboard) > 0:
		kb := &models.ReplyKeyboardMarkup{Keyboard: make([][]models.KeyboardButton, len(o.Keyboard)), ResizeKeyboard: true}
		for i, row := range o.Keyboard {
			for _, btn := range row {
				kb.Keyboard[i] = append(kb.Keyboard[i], models.KeyboardButton{Text: btn.Text, RequestContact: btn.Contact})
			}
		}
		return kb
	case o.Remove:
		return &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	case o.Method == "edit":
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}
	}
	return nil
}
