package telegramtest

import (
	"math"
	"time"
)

// limiter holds Telegram's flood limits as token buckets: one for the bot,
// one per chat and one more per group chat.
type limiter struct {
	off                     bool
	global, perChat, perGrp Limit
	all                     bucket
	chats                   map[int64]*bucket
	groups                  map[int64]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
	fresh  bool
}

func (l *limiter) init(o Options) {
	l.off = o.NoLimits
	l.global, l.perChat, l.perGrp = o.Global, o.PerChat, o.PerGroup
	l.all.fresh = true
	l.chats = make(map[int64]*bucket)
	l.groups = make(map[int64]*bucket)
}

// wait refills b and returns how long until it holds a token; zero when it
// holds one now.
func (b *bucket) wait(l Limit, now time.Time) time.Duration {
	if l.Rate < 0 {
		return 0
	}
	burst := float64(max(l.Burst, 1))
	if b.fresh || b.last.IsZero() {
		b.tokens, b.last, b.fresh = burst, now, false
	}
	if now.After(b.last) {
		b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*l.Rate)
		b.last = now
	}
	if b.tokens >= 1 {
		return 0
	}
	if l.Rate == 0 {
		return time.Hour
	}
	return time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
}

func (b *bucket) take(l Limit) {
	if l.Rate >= 0 {
		b.tokens--
	}
}

// allowLocked counts one message to chatID against the limits. When a limit
// is exhausted it takes nothing and returns the 429 Telegram gives, with
// retry_after in whole seconds until the message would be accepted.
func (s *Server) allowLocked(chatID int64) *apiError {
	l := &s.limits
	if l.off {
		return nil
	}
	now := s.now()
	chat := l.chats[chatID]
	if chat == nil {
		chat = &bucket{fresh: true}
		l.chats[chatID] = chat
	}
	wait := max(l.all.wait(l.global, now), chat.wait(l.perChat, now))
	var group *bucket
	if chatID < 0 {
		if group = l.groups[chatID]; group == nil {
			group = &bucket{fresh: true}
			l.groups[chatID] = group
		}
		wait = max(wait, group.wait(l.perGrp, now))
	}
	if wait > 0 {
		return tooManyRequests(max(1, int(math.Ceil(wait.Seconds()))))
	}
	l.all.take(l.global)
	chat.take(l.perChat)
	if group != nil {
		group.take(l.perGrp)
	}
	return nil
}
