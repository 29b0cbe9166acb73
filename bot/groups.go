package bot

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"polku"
	"polku/flows"
	"polku/store"
)

// The coordinators' group as the bot can reach it. When the bot is removed
// from the group, or loses the rights it needs there, nothing it sends
// there arrives: the group's messages then wait in the outbox (never
// dropped), families who write are told honestly and given the crisis
// lines, operators are alerted (log, /metrics, /healthz), and when the bot
// is back the waiting messages (summaries of new cases included) go out in
// order.

// reach caches whether each coordinators' group is reachable, read from
// the store at most every few seconds: families' updates ask on every
// message they relay.
type reach struct {
	mu      sync.Mutex
	down    map[int64]time.Time // by group; zero or absent: reachable
	checked time.Time           // wall time of the last read
}

// unreachable is when the bot lost coordinators' group, zero while it can
// write there (or for no group).
func (b *Bot) unreachable(ctx context.Context, group int64) time.Time {
	if group == 0 {
		return time.Time{}
	}
	b.reach.mu.Lock()
	defer b.reach.mu.Unlock()
	b.readReach(ctx)
	return b.reach.down[group]
}

// lost lists the groups the bot cannot write in, with since when.
func (b *Bot) lost(ctx context.Context) map[int64]time.Time {
	b.reach.mu.Lock()
	defer b.reach.mu.Unlock()
	b.readReach(ctx)
	return maps.Clone(b.reach.down)
}

// readReach reads every group's state when the cache is old; b.reach.mu
// is held.
func (b *Bot) readReach(ctx context.Context) {
	now := b.wall()
	if now.Sub(b.reach.checked) <= 5*time.Second {
		return
	}
	down := map[int64]time.Time{}
	for _, g := range b.groups {
		at, err := b.db.GroupDownSince(ctx, g)
		if err != nil {
			return // the last known state
		}
		if !at.IsZero() {
			down[g] = at
		}
	}
	b.reach.down, b.reach.checked = down, now
}

func (b *Bot) setReach(group int64, down time.Time) {
	b.reach.mu.Lock()
	defer b.reach.mu.Unlock()
	if b.reach.down == nil {
		b.reach.down = map[int64]time.Time{}
	}
	if down.IsZero() {
		delete(b.reach.down, group)
	} else {
		b.reach.down[group] = down
	}
}

// familyGroup is the coordinators' group of the family of the
// transaction's chat: its case's, or its municipality's when it has none.
func (b *Bot) familyGroup(ctx context.Context, tx *store.Tx, conv flows.Conversation) (int64, error) {
	return b.caseTx(tx, conv).group(ctx)
}

// groupLost records that the bot cannot write in the group, and alerts the
// operators the first time.
func (b *Bot) groupLost(ctx context.Context, chat int64, why string, err error) {
	newly, serr := b.db.GroupDown(ctx, chat, why)
	if serr != nil {
		b.log.Error("record the group unreachable", "chat_id", chat, "err", serr)
		return
	}
	b.setReach(chat, b.Now())
	if newly {
		b.count.groupLost.Add(1)
		b.log.Error("the bot cannot write in the coordinators' group: its messages wait until it can (add the bot back as an administrator who may manage topics)",
			"chat_id", chat, "reason", why, "err", err)
		// Families whose messages are on their way were told they went
		// on: now they hear that they wait.
		b.tellWaiting(ctx, chat, "talk.down_waiting", true)
	}
}

// tellWaiting tells the families whose messages wait for the group (in
// their language) the text id, with the emergency numbers when emergency.
func (b *Bot) tellWaiting(ctx context.Context, group int64, id string, emergency bool) {
	chats, err := b.db.WaitingFamilies(ctx, group)
	if err != nil {
		b.log.Error("families waiting for the group", "err", err)
		return
	}
	var outs []store.Out
	for _, chat := range chats {
		lang := b.langOr(b.db.Lang(ctx, chat))
		texts := []flows.Text{flows.T(id)}
		if emergency {
			texts = append(texts, b.engine.Emergency(polku.Other)...)
		}
		o := out{Method: "send", ChatID: chat, Text: b.render.paragraphs(lang, texts)}
		outs = append(outs, store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(o)})
	}
	if err := b.db.Queue(ctx, outs); err != nil {
		b.log.Error("tell the families waiting for the group", "err", err)
		return
	}
	wake(b.sendWake)
}

// groupBack records that the bot can write in the group again: its waiting
// messages go at once.
func (b *Bot) groupBack(ctx context.Context, chat int64) {
	was, since, err := b.db.GroupUp(ctx, chat)
	if err != nil {
		b.log.Error("record the group reachable", "chat_id", chat, "err", err)
		return
	}
	b.setReach(chat, time.Time{})
	if was {
		b.log.Info("the bot can write in the coordinators' group again; waiting messages go out", "chat_id", chat, "down_for", b.Now().Sub(since).Round(time.Second))
		b.tellWaiting(ctx, chat, "talk.back_up", false)
	}
}

// botMember handles a change of the bot's own membership in the
// coordinators' group (my_chat_member): removed, or left without the right
// to manage topics, the group is unreachable; made an administrator who
// may manage topics again, it is back. The state lives beside the update's
// transaction: it records what Telegram said, whatever becomes of the
// update.
func (b *Bot) botMember(ctx context.Context, tx *store.Tx, m *models.ChatMemberUpdated) error {
	switch cm := m.NewChatMember; {
	case cm.Type == models.ChatMemberTypeOwner,
		cm.Type == models.ChatMemberTypeAdministrator && cm.Administrator != nil && cm.Administrator.CanManageTopics:
		b.groupBack(ctx, m.Chat.ID)
	case cm.Type == models.ChatMemberTypeAdministrator:
		b.groupLost(ctx, m.Chat.ID, "no right to manage topics", nil)
	default:
		b.groupLost(ctx, m.Chat.ID, "bot "+string(cm.Type), nil)
	}
	return tx.Finish(ctx, nil)
}
