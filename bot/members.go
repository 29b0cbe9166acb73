package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Who is a coordinator: only members of the coordinators' supergroup act
// as coordinators, checked with getChatMember on every command and button
// press (cached for a few minutes); membership of the managers' group
// (role.go says who is a manager); and the bot's own name, for links.

// members caches getChatMember answers for a few minutes, by group and
// user.
type members struct {
	mu sync.Mutex
	m  map[memberKey]memberEntry
}

type memberKey struct{ group, user int64 }

type memberEntry struct {
	ok    bool
	until time.Time
}

// coordinator reports whether user is a member of the coordinators'
// group now: a coordinator of that group's cases only. A check Telegram could not answer fails the update with its
// class: it waits and is tried again (a coordinator's reply is not dropped
// for a passing failure), and is given up with a notice when waiting
// cannot help.
func (b *Bot) coordinator(ctx context.Context, group, user int64) (bool, error) {
	return b.member(ctx, group, user)
}

// member reports whether user is a member of group now (see coordinator).
func (b *Bot) member(ctx context.Context, group, user int64) (bool, error) {
	now := b.wall()
	key := memberKey{group, user}
	b.members.mu.Lock()
	e, ok := b.members.m[key]
	b.members.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.ok, nil
	}
	cm, err := b.tg.GetChatMember(ctx, &tgbot.GetChatMemberParams{ChatID: group, UserID: user})
	if badRequest(err) {
		// "user not found": someone Telegram does not know in the group.
		cm, err = &models.ChatMember{Type: models.ChatMemberTypeLeft}, nil
	}
	if err != nil {
		return false, fail(fmt.Errorf("getChatMember: %w", err), group)
	}
	member := false
	switch cm.Type {
	case models.ChatMemberTypeOwner, models.ChatMemberTypeAdministrator, models.ChatMemberTypeMember:
		member = true
	case models.ChatMemberTypeRestricted:
		member = cm.Restricted != nil && cm.Restricted.IsMember
	}
	b.members.mu.Lock()
	if b.members.m == nil || len(b.members.m) > 10000 {
		b.members.m = map[memberKey]memberEntry{}
	}
	b.members.m[key] = memberEntry{ok: member, until: now.Add(b.cfg.MemberCache)}
	b.members.mu.Unlock()
	return member, nil
}

// username is the bot's username for deep links: configured, or asked
// from Telegram once.
func (b *Bot) username(ctx context.Context) (string, error) {
	b.me.Lock()
	defer b.me.Unlock()
	if b.user == "" {
		b.user = b.cfg.Username
	}
	if b.user == "" {
		me, err := b.tg.GetMe(ctx)
		if err == nil && me.Username == "" {
			err = errors.New("no username")
		}
		if err != nil {
			// Not cached: the next try asks again.
			return "", fail(fmt.Errorf("getMe: %w", err), 0)
		}
		b.user = me.Username
	}
	return b.user, nil
}

// link is a t.me deep link that starts the bot with start.
func (b *Bot) link(ctx context.Context, start string) (string, error) {
	user, err := b.username(ctx)
	return "https://t.me/" + user + "?start=" + start, err
}

// langOr is lang, or the default language when a chat has none yet.
func (b *Bot) langOr(lang string) string {
	if lang == "" {
		return b.render.loc.Languages()[0]
	}
	return lang
}

// gl localizes a text for the coordinators' group.
func (b *Bot) gl(id string, data map[string]any) string {
	return b.render.loc.Message(b.cfg.GroupLang, id, data, nil)
}

// topicLink opens a forum topic of a supergroup (-100 and the chat's
// internal ID) in Telegram.
func topicLink(group int64, thread int) string {
	id := strings.TrimPrefix(strconv.FormatInt(-group, 10), "100")
	return fmt.Sprintf("https://t.me/c/%s/%d", id, thread)
}
