package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"polku"
	"polku/flows"
	"polku/store"
)

// Activity providers in their private chat with the bot: linking their
// Telegram account from the link a coordinator gave, and checking
// wellbeing cards (the card's QR code opens the bot with "card_CODE", or
// /verify CODE). A card tells a provider whether it is valid and how many
// visits are left, nothing about the family.

// provider handles a provider's update. It reports whether the update was
// one (handled); the family flows get every other update.
func (b *Bot) provider(ctx context.Context, tx *store.Tx, chat int64, conv flows.Conversation, x incoming) (*out, bool, error) {
	in := x.in
	var code, link string
	switch {
	case in.Kind == flows.KindCommand && in.Command == "start" && strings.HasPrefix(in.Text, "prov_"):
		link = strings.TrimPrefix(in.Text, "prov_")
	case in.Kind == flows.KindCommand && in.Command == "start" && strings.HasPrefix(in.Text, "card_"):
		code = strings.TrimPrefix(in.Text, "card_")
	case in.Kind == flows.KindCommand && in.Command == "verify":
		code = in.Text
	case in.Kind == flows.KindButton && strings.HasPrefix(in.Payload, "V:"):
		code = in.Payload
	default:
		return nil, false, nil
	}
	lang := conv.Lang
	say := func(text string, edit int, rows [][]inlineButton) store.Out {
		o := out{Method: "send", ChatID: chat, Text: text, Inline: rows}
		if edit != 0 {
			o.Method, o.MessageID = "edit", edit
		}
		return store.Out{ChatID: chat, Priority: 0, Payload: encode(o)}
	}
	l := func(id string, data map[string]any) string { return b.render.loc.Message(lang, id, data, nil) }
	var answer *out
	if x.callback != "" {
		answer = &out{Method: "answer", ChatID: chat, Callback: x.callback}
	}
	if link != "" {
		// One Telegram account checks cards for one organiser: a second
		// link is refused before it could fail inside the transaction.
		if _, err := tx.ProviderByUser(ctx, x.from); err == nil {
			return nil, true, tx.Finish(ctx, []store.Out{say(l("provider.link_invalid", nil), 0, nil)})
		} else if polku.ErrorCode(err) != polku.ENOTFOUND {
			return nil, true, err
		}
		p, err := tx.LinkProvider(ctx, link, x.from)
		switch polku.ErrorCode(err) {
		case "":
			return nil, true, tx.Finish(ctx, []store.Out{say(l("provider.linked", map[string]any{"Organiser": p.Organiser}), 0, nil)})
		case polku.ENOTFOUND, polku.ECONFLICT:
			return nil, true, tx.Finish(ctx, []store.Out{say(l("provider.link_invalid", nil), 0, nil)})
		}
		return nil, true, err
	}
	p, err := tx.ProviderByUser(ctx, x.from)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		switch {
		case in.Kind == flows.KindCommand && in.Command == "verify":
			// Not a provider: /verify is a command like any unknown one.
			return nil, false, nil
		case answer != nil:
			answer.Text = l("input.unknown_button", nil)
			return answer, true, tx.Finish(ctx, nil)
		}
		// Someone scanned a card who is not a provider (maybe the family
		// itself): nothing about the card is told.
		return nil, true, tx.Finish(ctx, []store.Out{say(l("verify.not_provider", nil), 0, nil)})
	}
	if err != nil {
		return nil, true, err
	}
	var activity int64
	if strings.HasPrefix(code, "V:") {
		parts := strings.Split(code, ":")
		code = arg(parts, 1)
		activity, _ = strconv.ParseInt(arg(parts, 2), 10, 64)
	}
	norm, ok := polku.NormalizeCode(code)
	if !ok || len(norm) != polku.CardCodeLen {
		return answer, true, tx.Finish(ctx, []store.Out{say(l("verify.bad_code", nil), 0, nil)})
	}
	unknown := func() (*out, bool, error) {
		return answer, true, tx.Finish(ctx, []store.Out{say(l("verify.unknown", map[string]any{"Code": polku.FormatCardCode(norm)}), x.in.MessageID, nil)})
	}
	// A card that is unknown or not valid is told at once; only a valid
	// one asks where the visit is.
	current, err := tx.CardByCode(ctx, norm)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return unknown()
	}
	if err != nil {
		return nil, true, err
	}
	if state := current.State(b.Now()); state != polku.CardValid {
		text := l("verify.code", map[string]any{"Code": polku.FormatCardCode(norm)}) + "\n" + l("verify."+string(state), nil)
		return answer, true, tx.Finish(ctx, []store.Out{say(text, x.in.MessageID, nil)})
	}
	acts, err := tx.ProviderActivities(ctx, p.Organiser, b.Now())
	if err != nil {
		return nil, true, err
	}
	title := func(a polku.Activity) string { return a.Title.In(lang) }
	var chosen *polku.Activity
	for i := range acts {
		if acts[i].ID == activity || len(acts) == 1 {
			chosen = &acts[i]
		}
	}
	if chosen == nil && len(acts) > 1 {
		// Where was the visit? The organiser's activities with a session
		// today come first.
		var rows [][]inlineButton
		for _, a := range acts {
			rows = append(rows, []inlineButton{{Text: truncate(title(a), 60), Data: fmt.Sprintf("V:%s:%d", norm, a.ID)}})
		}
		return answer, true, tx.Finish(ctx, []store.Out{say(l("verify.which", nil), 0, rows)})
	}
	var actID int64
	actTitle := p.Organiser
	if chosen != nil {
		actID, actTitle = chosen.ID, title(*chosen)
	}
	card, state, again, err := tx.VerifyCard(ctx, norm, p.ID, actID)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return unknown()
	}
	if err != nil {
		return nil, true, err
	}
	var text string
	switch {
	case again:
		text = l("verify.again", map[string]any{"Activity": actTitle})
	case state == polku.CardValid:
		if err := tx.Count(ctx, "card_visit", ""); err != nil {
			return nil, true, err
		}
		text = l("verify.ok", map[string]any{"Activity": actTitle})
		if left, limited := card.Left(); limited {
			text += "\n" + b.render.loc.Message(lang, "verify.left", map[string]any{"Count": left}, left)
		}
	default:
		text = l("verify."+string(state), nil)
	}
	text = l("verify.code", map[string]any{"Code": polku.FormatCardCode(norm)}) + "\n" + text
	return answer, true, tx.Finish(ctx, []store.Out{say(text, x.in.MessageID, nil)})
}
