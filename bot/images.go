package bot

// The pictures the bot draws: a wellbeing card, a referral poster.

import (
	"context"

	"polku"
	"polku/flows"
	"polku/internal/picture"
	"polku/staff"
)

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

// poster draws a referral code's poster: its line in every language.
func (b *Bot) poster(p staff.Poster) ([]byte, error) {
	var lines []string
	for _, l := range b.render.loc.Languages() {
		lines = append(lines, b.render.loc.Message(l, "poster.line", nil, nil))
	}
	return picture.PosterPNG(picture.Poster{Title: p.Title, Lines: lines, Link: p.Link})
}
