package bot

import (
	"context"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

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

// reach caches whether the group is reachable, read from the store at most
// every few seconds: families' updates ask on every message they relay.
type reach struct {
	mu      sync.Mutex
	down    time.Time // zero: reachable
	checked time.Time // wall time of the last read
}

// unreachable is when the bot lost the coordinators' group, zero while it
// can write there (or when there is no group).
func (b *Bot) unreachable(ctx context.Context) time.Time {
	if b.cfg.Group == 0 {
		return time.Time{}
	}
	b.reach.mu.Lock()
	defer b.reach.mu.Unlock()
	if now := b.wall(); now.Sub(b.reach.checked) > 5*time.Second {
		down, err := b.db.GroupDownSince(ctx, b.cfg.Group)
		if err != nil {
			return b.reach.down // the last known state
		}
		b.reach.down, b.reach.checked = down, now
	}
	return b.reach.down
}

func (b *Bot) setReach(down time.Time) {
	b.reach.mu.Lock()
	b.reach.down, b.reach.checked = down, b.wall()
	b.reach.mu.Unlock()
}

// groupLost records that the bot cannot write in the group, and alerts the
// operators the first time.
func (b *Bot) groupLost(ctx context.Context, chat int64, why string, err error) {
	newly, serr := b.db.GroupDown(ctx, chat, why)
	if serr != nil {
		b.log.Error("record the group unreachable", "chat_id", chat, "err", serr)
		return
	}
	b.setReach(b.Now())
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
			texts = append(texts, b.engine.Emergency()...)
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
	b.setReach(time.Time{})
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
