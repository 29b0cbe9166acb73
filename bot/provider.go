package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"polku"
	"polku/flows"
	"polku/store"
)

// Activity providers in their private chat with the bot: linking their
// Telegram account from the link a coordinator gave, and checking
// wellbeing cards (the card's QR code opens the bot with "card_CODE", or
// /verify CODE). A card tells a provider whether it is valid and how many
// visits are left, nothing about the family. Every check is audited with
// its outcome (never the code), and a provider may make only so many
// within an hour (VerifyPerHour): card codes are short enough to read
// aloud, so guessing them must stay slow.

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
		return store.Out{ChatID: chat, Priority: store.PriorityReply, Payload: encode(o)}
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
		name := ""
		if x.user != nil {
			name = x.user.FirstName
		}
		p, err := tx.LinkProvider(ctx, link, x.from, name)
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
	// checked audits the check's outcome and sends its answer.
	checked := func(o polku.CheckOutcome, text string, edit int, rows [][]inlineButton) (*out, bool, error) {
		if err := tx.Checked(ctx, p.UserID, o); err != nil {
			return nil, true, err
		}
		return answer, true, tx.Finish(ctx, []store.Out{say(text, edit, rows)})
	}
	// Past the limit nothing about any code is told, not even whether it
	// looks like one.
	free, limited, err := tx.CheckLimit(ctx, p.UserID, b.cfg.VerifyPerHour)
	if err != nil {
		return nil, true, err
	}
	if limited {
		// The minute shown is one when a check is allowed again.
		free = free.Add(time.Minute - time.Nanosecond).Truncate(time.Minute)
		return checked(polku.CheckLimited, l("verify.limited", map[string]any{"Time": b.render.when(lang, flows.When{Start: free, Clock: true})}), 0, nil)
	}
	var activity int64
	if strings.HasPrefix(code, "V:") {
		parts := strings.Split(code, ":")
		code = arg(parts, 1)
		activity, _ = strconv.ParseInt(arg(parts, 2), 10, 64)
	}
	norm, ok := polku.NormalizeCode(code)
	if !ok || len(norm) != polku.CardCodeLen {
		return checked(polku.CheckBad, l("verify.bad_code", nil), 0, nil)
	}
	unknown := func() (*out, bool, error) {
		return checked(polku.CheckUnknown, l("verify.unknown", map[string]any{"Code": polku.FormatCardCode(norm)}), x.in.MessageID, nil)
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
		return checked(polku.CheckOutcome(state), text, x.in.MessageID, nil)
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
		return checked(polku.CheckWhich, l("verify.which", nil), 0, rows)
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
	outcome := polku.CheckOutcome(state)
	switch {
	case again:
		outcome = polku.CheckAgain
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
	return checked(outcome, text, x.in.MessageID, nil)
}

// providerLine is a provider as the coordinators' list shows them: the
// number to remove them by, the organiser, and who checks cards since
// when, or until when their link waits.
func (b *Bot) providerLine(p polku.Provider, now time.Time) string {
	day := func(t time.Time) string { return b.render.when(b.cfg.GroupLang, flows.When{Start: t, Day: true}) }
	at := func(t time.Time) string { return b.render.when(b.cfg.GroupLang, flows.When{Start: t}) }
	state := p.State(now)
	data := map[string]any{"Number": p.ID, "Organiser": p.Organiser, "Since": day(p.Added), "Until": at(p.LinkUntil)}
	if state == polku.ProviderLinked {
		// A provider linked before first names were kept has none.
		name := p.FirstName
		if name == "" {
			name = "–"
		}
		data = map[string]any{"Number": p.ID, "Organiser": p.Organiser, "Name": name, "Since": day(p.Linked)}
	}
	return b.gl("coord.provider_line."+string(state), data)
}
