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

	"polku"
	"polku/flows"
	"polku/internal/picture"
	"polku/staff"
	"polku/store"
)

// The coordinators' side: updates of the coordinators' supergroup, where
// every case has a forum topic. Only members of the group act as
// coordinators, checked with getChatMember on every command and button
// press; what a coordinator writes in a case's topic goes to the family,
// commands and notes never do; every action is audited.

// members caches getChatMember answers for a few minutes.
type members struct {
	mu sync.Mutex
	m  map[int64]memberEntry
}

type memberEntry struct {
	ok    bool
	until time.Time
}

// coordinator reports whether user is a member of the coordinators'
// group now. A check Telegram could not answer fails the update with its
// class: it waits and is tried again (a coordinator's reply is not dropped
// for a passing failure), and is given up with a notice when waiting
// cannot help.
func (b *Bot) coordinator(ctx context.Context, user int64) (bool, error) {
	now := b.wall()
	b.members.mu.Lock()
	e, ok := b.members.m[user]
	b.members.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.ok, nil
	}
	cm, err := b.tg.GetChatMember(ctx, &tgbot.GetChatMemberParams{ChatID: b.cfg.Group, UserID: user})
	if badRequest(err) {
		// "user not found": someone Telegram does not know in the group.
		cm, err = &models.ChatMember{Type: models.ChatMemberTypeLeft}, nil
	}
	if err != nil {
		return false, fail(fmt.Errorf("getChatMember: %w", err), b.cfg.Group)
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
		b.members.m = map[int64]memberEntry{}
	}
	b.members.m[user] = memberEntry{ok: member, until: now.Add(b.cfg.MemberCache)}
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

// coordinate applies one update of the coordinators' group.
func (b *Bot) coordinate(ctx context.Context, tx *store.Tx, x incoming) (*out, error) {
	if x.user == nil || x.user.IsBot {
		return nil, tx.Finish(ctx, nil)
	}
	if x.callback != "" {
		answer := &out{Method: "answer", ChatID: b.cfg.Group, Callback: x.callback}
		member, err := b.coordinator(ctx, x.from)
		if err != nil {
			return nil, err
		}
		if !member {
			// Reveal nothing: the same words as any unknown button.
			answer.Text = b.gl("input.unknown_button", nil)
			return answer, tx.Finish(ctx, nil)
		}
		outs, toast, err := b.caseButton(ctx, tx, x)
		if err != nil {
			return nil, err
		}
		answer.Text = truncate(toast, 200)
		return answer, tx.Finish(ctx, outs)
	}
	if x.in.Kind == 0 {
		return nil, tx.Finish(ctx, nil)
	}
	if member, err := b.coordinator(ctx, x.from); err != nil || !member {
		return nil, errors.Join(err, tx.Finish(ctx, nil))
	}
	if err := tx.SeeCoordinator(ctx, x.from, x.user.FirstName); err != nil {
		return nil, err
	}
	var ms []staff.Message
	var err error
	if x.in.Kind == flows.KindCommand {
		ms, err = b.coord.Command(ctx, staffTx{tx}, staffInput(x))
	} else if x.thread != 0 {
		ms, err = b.coord.Relay(ctx, staffTx{tx}, staffInput(x))
	}
	if err != nil {
		return nil, err
	}
	outs, err := b.staffOuts(ctx, x, ms)
	if err != nil {
		return nil, err
	}
	return nil, tx.Finish(ctx, outs)
}

// caseButton handles a press on a case's buttons ("C:action:case[:arg]")
// and returns the messages it makes and the notice for the presser.
func (b *Bot) caseButton(ctx context.Context, tx *store.Tx, x incoming) ([]store.Out, string, error) {
	ms, toast, err := b.coord.Button(ctx, staffTx{tx}, staffInput(x))
	if err != nil {
		return nil, "", err
	}
	outs, err := b.staffOuts(ctx, x, ms)
	return outs, b.line(b.cfg.GroupLang, toast), err
}

// cardPhoto is a wellbeing card as an image with text as its caption.
func (b *Bot) cardPhoto(ctx context.Context, lang string, chat int64, card polku.Card, text []flows.Text) (out, error) {
	now := b.Now()
	state := card.State(now)
	var lines []string
	switch state {
	case polku.CardValid:
		lines = append(lines, b.render.text(lang, flows.Text{ID: "card.valid", Data: map[string]any{"Until": flows.When{Start: card.ValidUntil, Day: true}}}))
		if left, limited := card.Left(); limited {
			lines = append(lines, b.render.text(lang, flows.Text{ID: "card.visits_left", Data: map[string]any{"Count": left}, Count: &left}))
		}
	case polku.CardNotYet:
		lines = append(lines, b.render.text(lang, flows.Text{ID: "card.not_yet", Data: map[string]any{"From": flows.When{Start: card.ValidFrom, Day: true}}}))
	default:
		lines = append(lines, b.render.text(lang, flows.T("card."+string(state))))
	}
	link, err := b.link(ctx, "card_"+card.Code)
	if err != nil {
		return out{}, err
	}
	png, err := picture.CardPNG(picture.Card{
		Title: b.render.loc.Message(lang, "card.title", nil, nil), Code: polku.FormatCardCode(card.Code),
		Lines: lines, Link: link, Footer: b.render.loc.Message(lang, "card.footer", nil, nil),
		Void: state != polku.CardValid && state != polku.CardNotYet,
	})
	if err != nil {
		return out{}, err
	}
	return out{Method: "photo", ChatID: chat, FileName: "card.png", File: png, Text: b.cardCaption(lang, card, b.render.paragraphs(lang, text))}, nil
}

// cardCaption is the caption of a card's picture: text, then the card's
// code as text too (a screen reader, or a slow link that shows no
// picture, still has it).
func (b *Bot) cardCaption(lang string, card polku.Card, text string) string {
	code := b.render.loc.Message(lang, "card.code", map[string]any{"Code": polku.FormatCardCode(card.Code)}, nil)
	if text == "" {
		return code
	}
	return text + "\n\n" + code
}

// topicLink opens a forum topic of a supergroup (-100 and the chat's
// internal ID) in Telegram.
func topicLink(group int64, thread int) string {
	id := strings.TrimPrefix(strconv.FormatInt(-group, 10), "100")
	return fmt.Sprintf("https://t.me/c/%s/%d", id, thread)
}
