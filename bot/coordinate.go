package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"polku"
	"polku/flows"
	"polku/internal/picture"
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
	var outs []store.Out
	var err error
	if x.in.Kind == flows.KindCommand {
		outs, err = b.groupCommand(ctx, tx, x)
	} else if x.thread != 0 {
		outs, err = b.fromCoordinator(ctx, tx, x)
	}
	if err != nil {
		return nil, err
	}
	return nil, tx.Finish(ctx, outs)
}

// say is a message of the bot in the topic (or the General topic) the
// coordinator wrote in.
func (b *Bot) say(x incoming, text string) store.Out {
	return b.groupOut(out{Method: "send", Thread: x.thread, Text: text})
}

// sayAll is a long text in as many messages as Telegram needs.
func (b *Bot) sayAll(x incoming, text string) []store.Out {
	var outs []store.Out
	for _, o := range split(out{Method: "send", Thread: x.thread, Text: text}) {
		outs = append(outs, b.groupOut(o))
	}
	return outs
}

// caseOf is the case of the topic a coordinator wrote in.
func (b *Bot) caseOf(ctx context.Context, tx *store.Tx, x incoming) (polku.Case, bool, error) {
	if x.thread == 0 {
		return polku.Case{}, false, nil
	}
	c, err := tx.CaseByThread(ctx, x.thread)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return c, false, nil
	}
	return c, err == nil, err
}

// fromCoordinator sends what a coordinator wrote in a case's topic to the
// family, from the bot, with the coordinator's first name when configured.
func (b *Bot) fromCoordinator(ctx context.Context, tx *store.Tx, x incoming) ([]store.Out, error) {
	c, ok, err := b.caseOf(ctx, tx, x)
	if !ok || err != nil {
		return nil, err
	}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	if fam.Blocked {
		return []store.Out{b.say(x, b.gl("coord.blocked", nil))}, nil
	}
	lang := b.langOr(fam.Lang)
	from := b.render.loc.Message(lang, "relay.from", nil, nil)
	if b.cfg.ShowNames && x.user.FirstName != "" {
		from = b.render.loc.Message(lang, "relay.from_named", map[string]any{"Name": x.user.FirstName}, nil)
	}
	var keys [][]inlineButton
	if !fam.Talk {
		keys = [][]inlineButton{{{Text: b.render.loc.Message(lang, "relay.reply", nil, nil), Data: "T:on"}}}
	}
	send := func(o out) store.Out {
		o.ChatID = c.ChatID
		return store.Out{ChatID: c.ChatID, Priority: store.PriorityReply, Payload: encode(o)}
	}
	var outs []store.Out
	kind := "text"
	switch {
	case x.in.Kind == flows.KindText:
		for _, o := range split(out{Method: "send", Text: from + "\n" + x.text, Inline: keys}) {
			outs = append(outs, send(o))
		}
	case slices.Contains([]string{"photo", "video", "document", "voice", "audio"}, x.media):
		kind = x.media
		caption := from
		if x.caption != "" {
			caption += "\n" + x.caption
		}
		outs = append(outs, send(out{Method: "copy", FromChat: b.cfg.Group, MessageID: x.in.Message, Caption: &caption, Inline: keys}))
	case x.media != "" && x.media != "other":
		// Stickers, round videos, places and contacts carry no caption:
		// who sent them comes first.
		kind = x.media
		outs = append(outs, send(out{Method: "send", Text: from}),
			send(out{Method: "copy", FromChat: b.cfg.Group, MessageID: x.in.Message, Inline: keys}))
	default:
		return []store.Out{b.say(x, b.gl("coord.cannot_relay", nil))}, nil
	}
	return outs, tx.Audit(ctx, x.from, "message", c.ID, kind)
}

// caseButton handles a press on a case's buttons ("C:action:case[:arg]")
// and returns the messages it makes and the notice for the presser.
func (b *Bot) caseButton(ctx context.Context, tx *store.Tx, x incoming) ([]store.Out, string, error) {
	parts := strings.Split(x.in.Payload, ":")
	if len(parts) < 3 || parts[0] != "C" {
		return nil, b.gl("input.unknown_button", nil), nil
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 {
		return nil, b.gl("input.unknown_button", nil), nil
	}
	c, err := tx.Case(ctx, id)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return nil, b.gl("coord.case_gone", nil), nil
	}
	if err != nil {
		return nil, "", err
	}
	if err := tx.SeeCoordinator(ctx, x.from, x.user.FirstName); err != nil {
		return nil, "", err
	}
	name := x.user.FirstName
	keys := func(rows [][]inlineButton) store.Out {
		o := b.groupOut(out{Method: "keys", MessageID: x.in.MessageID, Inline: rows})
		// The buttons of the case's summary: the case's own, in its lane.
		o.Case, o.Lane = c.ID, c.ID
		return o
	}
	topic := func(text string) store.Out { return b.groupOut(out{Method: "send", Case: c.ID, Text: text}) }
	lang := b.cfg.GroupLang
	switch action := parts[1]; action {
	case "claim":
		if c.Status == polku.CaseClosed {
			return []store.Out{keys(b.caseKeys(lang, c))}, b.gl("coord.already_closed", nil), nil
		}
		got, err := tx.Claim(ctx, c.ID, x.from, name)
		if polku.ErrorCode(err) == polku.ECONFLICT {
			return nil, b.gl("coord.claimed_by", map[string]any{"Name": got.ClaimedName}), nil
		}
		if err != nil {
			return nil, "", err
		}
		if c.ClaimedBy == x.from {
			return nil, b.gl("coord.yours", nil), nil
		}
		return []store.Out{keys(b.caseKeys(lang, got)), topic(b.gl("coord.claimed", map[string]any{"Name": name}))},
			b.gl("coord.claimed_you", nil), tx.Audit(ctx, x.from, "claim", c.ID, "")
	case "release":
		if c.ClaimedBy == 0 {
			return []store.Out{keys(b.caseKeys(lang, c))}, b.gl("coord.not_claimed", nil), nil
		}
		got, err := tx.Release(ctx, c.ID)
		if err != nil {
			return nil, "", err
		}
		return []store.Out{keys(b.caseKeys(lang, got)), topic(b.gl("coord.released", map[string]any{"Name": name}))},
			"", tx.Audit(ctx, x.from, "release", c.ID, "")
	case "keys":
		return []store.Out{keys(b.caseKeys(lang, c))}, "", nil
	case "held":
		// The family's held messages, into the topic in order; a notice
		// again if more are left.
		msgs, left, err := tx.Unhold(ctx, c.ID, showHeld)
		if err != nil {
			return nil, "", err
		}
		if len(msgs) == 0 {
			return []store.Out{keys(nil)}, b.gl("coord.held_none", nil), nil
		}
		outs := []store.Out{keys(nil)}
		for _, m := range msgs {
			outs = append(outs, b.groupOut(out{Method: "copy", Case: c.ID, FromChat: c.ChatID, MessageID: m}))
		}
		if left > 0 {
			outs = append(outs, b.groupOut(out{Method: "held", Case: c.ID}))
		}
		return outs, b.gl("coord.held_shown", nil), tx.Audit(ctx, x.from, "show_held", c.ID, strconv.Itoa(len(msgs)))
	case "close":
		if c.Status == polku.CaseClosed {
			return []store.Out{keys(b.caseKeys(lang, c))}, b.gl("coord.already_closed", nil), nil
		}
		var rows [][]inlineButton
		for _, o := range polku.Outcomes {
			rows = append(rows, []inlineButton{{Text: b.gl("outcome."+string(o), nil), Data: fmt.Sprintf("C:out:%d:%s", c.ID, o)}})
		}
		rows = append(rows, []inlineButton{{Text: b.gl("case.button.cancel", nil), Data: fmt.Sprintf("C:keys:%d", c.ID)}})
		return []store.Out{keys(rows)}, b.gl("coord.choose_outcome", nil), nil
	case "out":
		outcome := polku.Outcome(arg(parts, 3))
		got, err := tx.CloseCase(ctx, c.ID, outcome)
		switch polku.ErrorCode(err) {
		case "":
		case polku.ECONFLICT:
			return []store.Out{keys(b.caseKeys(lang, c))}, b.gl("coord.already_closed", nil), nil
		case polku.EINVALID:
			return nil, b.gl("input.unknown_button", nil), nil
		default:
			return nil, "", err
		}
		if err := tx.Count(ctx, "case_closed_"+string(outcome), ""); err != nil {
			return nil, "", err
		}
		outs := []store.Out{
			keys(b.caseKeys(lang, got)),
			topic(b.gl("coord.closed", map[string]any{"Name": name, "Outcome": b.gl("outcome."+string(outcome), nil)})),
			b.groupOut(out{Method: "topic_close", Case: c.ID}),
		}
		if c.Urgent {
			// Closing ends the urgency: the 🆘 leaves the title.
			outs = append(outs, b.groupOut(out{Method: "topic_title", Case: c.ID, Text: topicTitle(got)}))
		}
		fam, err := tx.FamilyChat(ctx, c.ChatID)
		if err != nil {
			return nil, "", err
		}
		if !fam.Blocked {
			outs = append(outs, b.feedbackQuestion(fam.Lang, c))
		}
		return outs, b.gl("coord.closed_you", nil), tx.Audit(ctx, x.from, "close", c.ID, string(outcome))
	case "card":
		rows := [][]inlineButton{{{Text: b.gl("case.button.issue", map[string]any{"Days": b.cfg.Card.Days, "Visits": b.visits(b.cfg.Card.Visits)}), Data: fmt.Sprintf("C:issue:%d", c.ID)}}}
		if card, err := tx.ChatCard(ctx, c.ChatID); err == nil && !card.Revoked {
			rows = append(rows, []inlineButton{{Text: b.gl("case.button.revoke", nil), Data: fmt.Sprintf("C:revoke:%d", c.ID)}})
		}
		rows = append(rows, []inlineButton{{Text: b.gl("case.button.cancel", nil), Data: fmt.Sprintf("C:keys:%d", c.ID)}})
		return []store.Out{keys(rows)}, b.gl("coord.card_hint", nil), nil
	case "issue":
		outs, err := b.issueCard(ctx, tx, x, c, b.cfg.Card)
		if err != nil {
			return nil, "", err
		}
		return append(outs, keys(b.caseKeys(lang, c))), b.gl("coord.card_issued_you", nil), nil
	case "revoke":
		outs, err := b.revokeCard(ctx, tx, x, c)
		if err != nil {
			return nil, "", err
		}
		return append(outs, keys(b.caseKeys(lang, c))), "", nil
	}
	return nil, b.gl("input.unknown_button", nil), nil
}

func arg(parts []string, i int) string {
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// visits words a card's number of free visits for the coordinators.
func (b *Bot) visits(n int) string {
	if n == 0 {
		return b.gl("coord.visits_unlimited", nil)
	}
	return strconv.Itoa(n)
}

// feedbackQuestion asks the family, after its case was closed, how it went.
func (b *Bot) feedbackQuestion(lang string, c polku.Case) store.Out {
	lang = b.langOr(lang)
	row := make([]inlineButton, 5)
	for i := range row {
		row[i] = inlineButton{Text: b.render.loc.Message(lang, "feedback.value", map[string]any{"Value": i + 1}, nil), Data: fmt.Sprintf("F:%d:%d", c.ID, i+1)}
	}
	o := out{Method: "send", ChatID: c.ChatID, Text: b.render.loc.Message(lang, "feedback.question", nil, nil), Inline: [][]inlineButton{row}}
	return store.Out{ChatID: c.ChatID, Priority: store.PriorityBackground, Payload: encode(o)}
}

// issueCard gives the case's family a wellbeing card and sends it to them.
func (b *Bot) issueCard(ctx context.Context, tx *store.Tx, x incoming, c polku.Case, terms store.CardTerms) ([]store.Out, error) {
	card, err := tx.IssueCard(ctx, c, x.from, terms)
	if err != nil {
		return nil, err
	}
	if err := tx.Count(ctx, "card_issued", c.Municipality); err != nil {
		return nil, err
	}
	outs := []store.Out{b.groupOut(out{Method: "send", Case: c.ID, Text: b.gl("coord.card_issued", map[string]any{
		"Name": x.user.FirstName, "Code": polku.FormatCardCode(card.Code),
		"Until": b.render.when(b.cfg.GroupLang, flows.When{Start: card.ValidUntil, Day: true}), "Visits": b.visits(card.Visits),
	})})}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	if !fam.Blocked {
		lang := b.langOr(fam.Lang)
		photo, err := b.cardPhoto(ctx, lang, c.ChatID, card, []flows.Text{flows.T("card.issued")})
		if err != nil {
			return nil, err
		}
		outs = append(outs, store.Out{ChatID: c.ChatID, Priority: store.PriorityReply, Payload: encode(photo)})
	}
	return outs, tx.Audit(ctx, x.from, "card_issue", c.ID, fmt.Sprintf("%d days, %d visits", terms.Days, terms.Visits))
}

// revokeCard revokes the case family's card and tells the family.
func (b *Bot) revokeCard(ctx context.Context, tx *store.Tx, x incoming, c polku.Case) ([]store.Out, error) {
	_, err := tx.RevokeCard(ctx, c.ChatID, x.from)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return []store.Out{b.groupOut(out{Method: "send", Case: c.ID, Text: b.gl("coord.no_card", nil)})}, nil
	}
	if err != nil {
		return nil, err
	}
	outs := []store.Out{b.groupOut(out{Method: "send", Case: c.ID, Text: b.gl("coord.card_revoked", map[string]any{"Name": x.user.FirstName})})}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	if !fam.Blocked {
		lang := b.langOr(fam.Lang)
		o := out{Method: "send", ChatID: c.ChatID, Text: b.render.loc.Message(lang, "card.revoked_notice", nil, nil)}
		outs = append(outs, store.Out{ChatID: c.ChatID, Priority: store.PriorityReply, Payload: encode(o)})
	}
	return outs, tx.Audit(ctx, x.from, "card_revoke", c.ID, "")
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

// groupCommand handles a command in the coordinators' group.
func (b *Bot) groupCommand(ctx context.Context, tx *store.Tx, x incoming) ([]store.Out, error) {
	cmd, arg := x.in.Command, strings.TrimSpace(x.in.Text)
	inCase := func(fn func(c polku.Case) ([]store.Out, error)) ([]store.Out, error) {
		c, ok, err := b.caseOf(ctx, tx, x)
		if err != nil {
			return nil, err
		}
		if !ok {
			return []store.Out{b.say(x, b.gl("coord.not_in_case", nil))}, nil
		}
		outs, err := fn(c)
		return b.ofCase(outs, c), err
	}
	switch cmd {
	case "help", "start":
		return []store.Out{b.say(x, b.gl("coord.help", nil))}, nil
	case "cases":
		return b.listCases(ctx, tx, x)
	case "duty":
		on := arg != "off"
		if err := tx.SetDuty(ctx, x.from, on); err != nil {
			return nil, err
		}
		id := "coord.duty_on"
		if !on {
			id = "coord.duty_off"
		}
		return []store.Out{b.say(x, b.gl(id, map[string]any{"Name": x.user.FirstName}))}, tx.Audit(ctx, x.from, "duty", 0, strconv.FormatBool(on))
	case "note":
		return inCase(func(c polku.Case) ([]store.Out, error) {
			if arg == "" {
				return []store.Out{b.say(x, b.gl("coord.note_empty", nil))}, nil
			}
			if err := tx.AddNote(ctx, c.ID, x.from, arg); err != nil {
				return nil, err
			}
			return []store.Out{b.say(x, b.gl("coord.noted", nil))}, tx.Audit(ctx, x.from, "note", c.ID, "")
		})
	case "t":
		return b.template(ctx, tx, x, arg)
	case "answers":
		return inCase(func(c polku.Case) ([]store.Out, error) {
			a, ok, err := tx.FamilyOf(ctx, c)
			if err != nil {
				return nil, err
			}
			text := b.gl("case.not_shared", nil)
			if ok {
				text = b.gl("case.shared", nil) + "\n\n" + b.render.text(b.cfg.GroupLang, flows.AnswersText(a))
			}
			return []store.Out{b.say(x, text)}, tx.Audit(ctx, x.from, "view_answers", c.ID, "")
		})
	case "card":
		return inCase(func(c polku.Case) ([]store.Out, error) { return b.cardCommand(ctx, tx, x, c, arg) })
	case "provider":
		return b.providerCommand(ctx, tx, x, arg)
	case "ref":
		return b.refCommand(ctx, tx, x, arg)
	}
	return []store.Out{b.say(x, b.gl("coord.unknown", nil))}, nil
}

// cardCommand is /card in a case's topic: the card's state, "/card DAYS
// [VISITS]" to issue one on other terms, "/card revoke".
func (b *Bot) cardCommand(ctx context.Context, tx *store.Tx, x incoming, c polku.Case, arg string) ([]store.Out, error) {
	fields := strings.Fields(arg)
	switch {
	case len(fields) == 0:
		card, err := tx.ChatCard(ctx, c.ChatID)
		if polku.ErrorCode(err) == polku.ENOTFOUND {
			return []store.Out{b.say(x, b.gl("coord.no_card", nil))}, nil
		}
		if err != nil {
			return nil, err
		}
		left, limited := card.Left()
		visits := b.visits(0)
		if limited {
			visits = fmt.Sprintf("%d/%d", left, card.Visits)
		}
		return []store.Out{b.say(x, b.gl("coord.card_state", map[string]any{
			"Code": polku.FormatCardCode(card.Code), "State": b.gl("coord.card_state."+string(card.State(b.Now())), nil),
			"Until": b.render.when(b.cfg.GroupLang, flows.When{Start: card.ValidUntil, Day: true}), "Visits": visits,
		}))}, nil
	case fields[0] == "revoke":
		return b.revokeCard(ctx, tx, x, c)
	}
	days, err1 := strconv.Atoi(fields[0])
	visits, err2 := 0, error(nil)
	if len(fields) > 1 {
		visits, err2 = strconv.Atoi(fields[1])
	}
	if err1 != nil || err2 != nil || len(fields) > 2 || days < 1 || days > 3660 || visits < 0 || visits > 1000 {
		return []store.Out{b.say(x, b.gl("coord.card_usage", nil))}, nil
	}
	return b.issueCard(ctx, tx, x, c, store.CardTerms{Days: days, Visits: visits})
}

// template sends a reply template to the case's family in its language.
func (b *Bot) template(ctx context.Context, tx *store.Tx, x incoming, name string) ([]store.Out, error) {
	var all map[string]map[string]string
	if b.cfg.Templates != nil {
		all = b.cfg.Templates()
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	t, ok := all[strings.ToLower(name)]
	if !ok {
		list := b.gl("coord.templates_none", nil)
		if len(names) > 0 {
			list = "/t " + strings.Join(names, "\n/t ")
		}
		return []store.Out{b.say(x, b.gl("coord.templates", map[string]any{"List": list}))}, nil
	}
	c, ok, err := b.caseOf(ctx, tx, x)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []store.Out{b.say(x, b.gl("coord.not_in_case", nil))}, nil
	}
	fam, err := tx.FamilyChat(ctx, c.ChatID)
	if err != nil {
		return nil, err
	}
	lang := fam.Lang
	text, ok := t[lang]
	for _, l := range append([]string{b.cfg.GroupLang}, b.render.loc.Languages()...) {
		if ok {
			break
		}
		lang = l
		text, ok = t[l]
	}
	if !ok {
		return []store.Out{b.say(x, b.gl("coord.templates_none", nil))}, nil
	}
	y := x
	y.in = flows.Input{Kind: flows.KindText}
	y.text = text
	outs, err := b.fromCoordinator(ctx, tx, y)
	if err != nil {
		return nil, err
	}
	outs = append(outs, b.say(x, b.gl("coord.template_sent", map[string]any{"Name": strings.ToLower(name), "Lang": lang})))
	return outs, tx.Audit(ctx, x.from, "template", c.ID, strings.ToLower(name))
}

// listCases is /cases: the open cases by age and status.
func (b *Bot) listCases(ctx context.Context, tx *store.Tx, x incoming) ([]store.Out, error) {
	cs, err := tx.OpenCases(ctx)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return []store.Out{b.say(x, b.gl("coord.cases_none", nil))}, tx.Audit(ctx, x.from, "list_cases", 0, "")
	}
	now := b.Now()
	lines := []string{b.gl("coord.cases", map[string]any{"Count": len(cs)})}
	for _, c := range cs {
		status := b.gl("coord.unclaimed", nil)
		if c.ClaimedBy != 0 {
			status = b.gl("coord.claimed_short", map[string]any{"Name": c.ClaimedName})
		}
		line := fmt.Sprintf("%s — %s, %s", topicTitle(c), b.age(now.Sub(c.Opened)), status)
		if c.Thread != 0 {
			line += "\n" + topicLink(b.cfg.Group, c.Thread)
		}
		lines = append(lines, line)
	}
	return b.sayAll(x, strings.Join(lines, "\n\n")), tx.Audit(ctx, x.from, "list_cases", 0, "")
}

// age words how long a case has waited.
func (b *Bot) age(d time.Duration) string {
	d = max(d, 0).Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return b.gl("coord.age.days", map[string]any{"D": days, "H": hours})
	case hours > 0:
		return b.gl("coord.age.hours", map[string]any{"H": hours, "M": mins})
	}
	return b.gl("coord.age.minutes", map[string]any{"M": mins})
}

// topicLink opens a forum topic of a supergroup (-100 and the chat's
// internal ID) in Telegram.
func topicLink(group int64, thread int) string {
	id := strings.TrimPrefix(strconv.FormatInt(-group, 10), "100")
	return fmt.Sprintf("https://t.me/c/%s/%d", id, thread)
}

// providerCommand is "/provider add ORGANISER", "/provider list" and
// "/provider remove NUMBER-or-NAME".
func (b *Bot) providerCommand(ctx context.Context, tx *store.Tx, x incoming, arg string) ([]store.Out, error) {
	sub, rest, _ := strings.Cut(arg, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case sub == "add" && rest != "":
		p, candidates, err := tx.AddProvider(ctx, rest, rest, x.from, b.cfg.ProviderLinkDays)
		switch polku.ErrorCode(err) {
		case "":
		case polku.ENOTFOUND:
			return []store.Out{b.say(x, b.gl("coord.provider_none", map[string]any{"Name": rest}))}, nil
		case polku.EINVALID:
			return []store.Out{b.say(x, b.gl("coord.provider_many", map[string]any{"List": "• " + strings.Join(candidates, "\n• ")}))}, nil
		default:
			return nil, err
		}
		link, err := b.link(ctx, "prov_"+p.LinkCode)
		if err != nil {
			return nil, err
		}
		return []store.Out{b.say(x, b.gl("coord.provider_added", map[string]any{"Organiser": p.Organiser, "Link": link}))},
			tx.Audit(ctx, x.from, "provider_add", 0, p.Organiser)
	case sub == "list":
		ps, err := tx.Providers(ctx)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return []store.Out{b.say(x, b.gl("coord.providers_none", nil))}, nil
		}
		lines := []string{b.gl("coord.providers", nil)}
		now := b.Now()
		for _, p := range ps {
			line := b.providerLine(p, now)
			if p.State(now) == polku.ProviderWaiting {
				link, err := b.link(ctx, "prov_"+p.LinkCode)
				if err != nil {
					return nil, err
				}
				line += "\n" + link
			}
			lines = append(lines, "• "+line)
		}
		return b.sayAll(x, strings.Join(lines, "\n")), tx.Audit(ctx, x.from, "list_providers", 0, "")
	case sub == "remove" && rest != "":
		ps, err := tx.FindProviders(ctx, rest)
		if err != nil {
			return nil, err
		}
		switch len(ps) {
		case 0:
			return []store.Out{b.say(x, b.gl("coord.provider_remove_none", map[string]any{"Name": rest}))}, nil
		case 1:
		default:
			var lines []string
			for _, p := range ps {
				lines = append(lines, "• "+b.providerLine(p, b.Now()))
			}
			return b.sayAll(x, b.gl("coord.provider_remove_many", map[string]any{"List": strings.Join(lines, "\n")})), nil
		}
		p, err := tx.RemoveProvider(ctx, ps[0].ID, x.from)
		if err != nil {
			return nil, err
		}
		name := p.FirstName
		switch {
		case p.UserID == 0:
			name = b.gl("coord.provider_not_linked", nil)
		case name == "":
			name = "–" // linked before first names were kept
		}
		return []store.Out{b.say(x, b.gl("coord.provider_removed", map[string]any{"Number": p.ID, "Organiser": p.Organiser, "Name": name}))},
			tx.Audit(ctx, x.from, "provider_remove", 0, p.Organiser)
	}
	return []store.Out{b.say(x, b.gl("coord.provider_usage", nil))}, nil
}

// refCommand is "/ref add NAME" (a referral code with its link and a QR
// poster to print) and "/ref list" (counts only).
func (b *Bot) refCommand(ctx context.Context, tx *store.Tx, x incoming, arg string) ([]store.Out, error) {
	sub, rest, _ := strings.Cut(arg, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case sub == "add" && rest != "":
		if len([]rune(rest)) > 100 {
			return []store.Out{b.say(x, b.gl("coord.ref_usage", nil))}, nil
		}
		code, err := tx.AddReferral(ctx, rest, x.from)
		if err != nil {
			return nil, err
		}
		link, err := b.link(ctx, code)
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, l := range b.render.loc.Languages() {
			lines = append(lines, b.render.loc.Message(l, "poster.line", nil, nil))
		}
		png, err := picture.PosterPNG(picture.Poster{Title: rest, Lines: lines, Link: link})
		if err != nil {
			return nil, err
		}
		caption := b.gl("coord.ref_added", map[string]any{"Name": rest, "Link": link})
		return []store.Out{b.groupOut(out{Method: "document", Thread: x.thread, FileName: "polku-" + code + ".png", File: png, Text: caption})},
			tx.Audit(ctx, x.from, "ref_add", 0, code)
	case sub == "list":
		refs, err := tx.Referrals(ctx)
		if err != nil {
			return nil, err
		}
		if len(refs) == 0 {
			return []store.Out{b.say(x, b.gl("coord.refs_none", nil))}, nil
		}
		lines := []string{b.gl("coord.refs", nil)}
		for _, r := range refs {
			lines = append(lines, b.gl("coord.ref_line", map[string]any{"Name": r.Organisation, "Code": r.Code, "Started": r.Started, "Finished": r.Finished}))
		}
		return b.sayAll(x, strings.Join(lines, "\n")), tx.Audit(ctx, x.from, "ref_list", 0, "")
	}
	return []store.Out{b.say(x, b.gl("coord.ref_usage", nil))}, nil
}
