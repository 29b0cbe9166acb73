package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

const cardCols = `k.id, k.chat_id, k.code, k.valid_from, k.valid_until, k.visits,
	(SELECT count(*) FROM card_visits v WHERE v.card_id = k.id), k.revoked_at IS NOT NULL`

func scanCard(row pgx.Row) (polku.Card, error) {
	var c polku.Card
	err := row.Scan(&c.ID, &c.ChatID, &c.Code, &c.ValidFrom, &c.ValidUntil, &c.Visits, &c.Used, &c.Revoked)
	return c, err
}

// CardTerms is what a coordinator decides when issuing a card.
type CardTerms struct {
	// Days the card is valid from today.
	Days int
	// Visits is the number of free visits, 0 for unlimited.
	Visits int
}

// IssueCard gives a case's family a wellbeing card with a new code; a card
// it had is revoked.
func (t *Tx) IssueCard(ctx context.Context, c polku.Case, by int64, terms CardTerms) (polku.Card, error) {
	if terms.Days < 1 || terms.Days > 3660 || terms.Visits < 0 || terms.Visits > 1000 {
		return polku.Card{}, polku.Errorf(polku.EINVALID, "card terms %+v", terms)
	}
	now := t.db.Now()
	if _, err := t.tx.Exec(ctx, `UPDATE cards SET revoked_at = $2, revoked_by = $3 WHERE chat_id = $1 AND revoked_at IS NULL`, c.ChatID, now, by); err != nil {
		return polku.Card{}, wrap(err, "issue card")
	}
	until := now.AddDate(0, 0, terms.Days)
	for range 5 {
		code, err := polku.NewCode(t.db.Random, polku.CardCodeLen)
		if err != nil {
			return polku.Card{}, polku.Errorf(polku.EINTERNAL, "card code: %v", err)
		}
		card, err := scanCard(t.tx.QueryRow(ctx, `
			INSERT INTO cards AS k (chat_id, case_id, code, valid_from, valid_until, visits, issued_by, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $4) ON CONFLICT (code) DO NOTHING RETURNING `+cardCols,
			c.ChatID, c.ID, code, now, until, terms.Visits, by))
		if errors.Is(err, pgx.ErrNoRows) {
			continue // the code was taken: draw another
		}
		return card, wrap(err, "issue card")
	}
	return polku.Card{}, polku.Errorf(polku.EINTERNAL, "no free card code")
}

// RevokeCard revokes the chat's card; ENOTFOUND when it has none.
func (t *Tx) RevokeCard(ctx context.Context, chat, by int64) (polku.Card, error) {
	card, err := scanCard(t.tx.QueryRow(ctx, `
		UPDATE cards k SET revoked_at = $2, revoked_by = $3 WHERE chat_id = $1 AND revoked_at IS NULL RETURNING `+cardCols,
		chat, t.db.Now(), by))
	return card, wrap(err, "revoke card")
}

// ChatCard returns the chat's card: the one not revoked, else the last
// revoked one; ENOTFOUND when it never had one.
func (t *Tx) ChatCard(ctx context.Context, chat int64) (polku.Card, error) {
	card, err := scanCard(t.tx.QueryRow(ctx, `
		SELECT `+cardCols+` FROM cards k WHERE chat_id = $1 ORDER BY revoked_at IS NULL DESC, issued_at DESC, id DESC LIMIT 1`, chat))
	return card, wrap(err, "card")
}

// CardByCode returns the card with a code, or ENOTFOUND.
func (t *Tx) CardByCode(ctx context.Context, code string) (polku.Card, error) {
	card, err := scanCard(t.tx.QueryRow(ctx, `SELECT `+cardCols+` FROM cards k WHERE code = $1`, code))
	return card, wrap(err, "card by code")
}

// Card returns the card of the update's chat (see ChatCard).
func (t *Tx) Card(ctx context.Context) (polku.Card, error) { return t.ChatCard(ctx, t.chat) }

// HasValidCard reports whether the update's chat holds a card valid now
// with visits left: "free with the card" activities are then suggested.
func (t *Tx) HasValidCard(ctx context.Context, now time.Time) (bool, error) {
	card, err := t.Card(ctx)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return card.State(now) == polku.CardValid, nil
}

// VerifyCard checks a card for a provider and, when it is valid, records
// one visit to the activity (0 when none was named). The card is locked
// while its visits are counted, so two providers checking at once never
// use one visit twice. A second check of the same card by the same
// provider for the same activity on the same day records nothing and
// reports again: a scan repeated by mistake does not use a visit. It
// returns the card as it is after the visit.
func (t *Tx) VerifyCard(ctx context.Context, code string, provider, activity int64) (card polku.Card, state polku.CardState, again bool, err error) {
	now := t.db.Now()
	var id int64
	if err := t.tx.QueryRow(ctx, `SELECT id FROM cards WHERE code = $1 FOR UPDATE`, code).Scan(&id); err != nil {
		return card, "", false, wrap(err, "verify card")
	}
	card, err = scanCard(t.tx.QueryRow(ctx, `SELECT `+cardCols+` FROM cards k WHERE id = $1`, id))
	if err != nil {
		return card, "", false, wrap(err, "verify card")
	}
	if state = card.State(now); state == polku.CardRevoked || state == polku.CardExpired || state == polku.CardNotYet {
		return card, state, false, nil
	}
	day := t.db.midnight(now)
	err = t.tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM card_visits WHERE card_id = $1 AND provider_id = $2
			AND activity_id IS NOT DISTINCT FROM $3 AND visited_at >= $4)`,
		id, provider, nullID(activity), day).Scan(&again)
	if err != nil {
		return card, "", false, wrap(err, "verify card")
	}
	if again {
		return card, polku.CardValid, true, nil
	}
	state = card.State(now)
	if state != polku.CardValid {
		return card, state, false, nil
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO card_visits (card_id, provider_id, activity_id, visited_at) VALUES ($1, $2, $3, $4)`,
		id, provider, nullID(activity), now); err != nil {
		return card, state, false, wrap(err, "card visit")
	}
	card.Used++
	return card, state, false, nil
}
