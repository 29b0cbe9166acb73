package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// Campaigns (see polku.Campaign and migration 017): a staff member's
// draft, the segment's size, the sending through the outbox on its own
// low-priority lane, and the anonymous figures: delivered (counted by a
// trigger when Telegram takes the message), opened (the campaign's
// activity button pressed) and signed up (to its activity, or to any when
// it has none, within CampaignWindow of the sending).

// PriorityCampaign is a campaign's message: it waits behind every reply,
// alert and reminder, and through the night.
const PriorityCampaign Priority = 2

// LaneCampaigns is a family's lane of campaigns, beside its chat's own
// (0): a campaign waiting never holds up a reply, and a campaign's
// backlog of thousands never holds up the family's answers.
const LaneCampaigns = -2

// CampaignWindow is how long after a campaign a family's sign-up is
// counted as the campaign's.
const CampaignWindow = 30 * 24 * time.Hour

// Draft returns the draft campaign user is composing in chat, a new one
// when there is none.
func (t *Tx) Draft(ctx context.Context, chat, user int64) (polku.Campaign, error) {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO campaigns (chat_id, created_by, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (chat_id, created_by) WHERE sent_at IS NULL DO NOTHING`, chat, user, t.db.Now())
	if err != nil {
		return polku.Campaign{}, wrap(err, "draft campaign")
	}
	cs, err := campaigns(ctx, t.tx, `c.chat_id = $1 AND c.created_by = $2 AND c.sent_at IS NULL`, chat, user)
	if err != nil || len(cs) == 0 {
		return polku.Campaign{}, errors.Join(wrap(err, "draft campaign"), polku.Errorf(polku.ENOTFOUND, "draft campaign"))
	}
	return cs[0], nil
}

// SaveDraft stores the draft c's texts, picture, activity and segment. An
// activity that is gone, or a campaign sent meanwhile, is ENOTFOUND.
func (t *Tx) SaveDraft(ctx context.Context, c polku.Campaign) error {
	texts, err := json.Marshal(c.Texts)
	if err != nil {
		return wrap(err, "save campaign")
	}
	segment, err := json.Marshal(c.Segment)
	if err != nil {
		return wrap(err, "save campaign")
	}
	var photo *string
	if c.Photo != "" {
		photo = &c.Photo
	}
	tag, err := t.tx.Exec(ctx, `
		UPDATE campaigns SET texts = $2, photo = $3, segment = $5,
			activity_id = (SELECT id FROM activities WHERE id = $4)
		WHERE id = $1 AND sent_at IS NULL AND ($4 = 0 OR EXISTS (SELECT 1 FROM activities WHERE id = $4))`,
		c.ID, texts, photo, c.Activity, segment)
	if err != nil {
		return wrap(err, "save campaign")
	}
	if tag.RowsAffected() == 0 {
		return polku.Errorf(polku.ENOTFOUND, "campaign %d or activity %d", c.ID, c.Activity)
	}
	return nil
}

// DiscardDraft forgets the draft user is composing in chat.
func (t *Tx) DiscardDraft(ctx context.Context, chat, user int64) error {
	_, err := t.tx.Exec(ctx, `DELETE FROM campaigns WHERE chat_id = $1 AND created_by = $2 AND sent_at IS NULL`, chat, user)
	return wrap(err, "discard campaign")
}

// SegmentSize counts the families a campaign to seg would reach now: who
// want news, did not block the bot, and whose profile matches.
func (t *Tx) SegmentSize(ctx context.Context, seg polku.Segment) (int, error) {
	where, args := segmentWhere(seg, 1)
	var n int
	err := t.tx.QueryRow(ctx, `SELECT count(*) FROM families f LEFT JOIN conversations c ON c.chat_id = f.chat_id WHERE `+where, args...).Scan(&n)
	return n, wrap(err, "segment size")
}

// SendCampaign sends campaign id to its segment's families, each once,
// with payloads[lang] the message in the family's language (fallback's
// when there is none in it; its chat is set per family), and marks it
// sent by user. It writes whom it goes to; QueueCampaigns puts it in the
// outbox a batch at a time. It returns how many families it goes to. A
// campaign sent already is ECONFLICT; a segment under polku.MinSegment
// families, as counted in the same statement that writes them, is
// EINVALID, and nothing is sent. Sent at night, it waits for the morning
// (see Ready).
func (t *Tx) SendCampaign(ctx context.Context, id, user int64, payloads map[string][]byte, fallback string) (int, error) {
	var segData []byte
	var sent *time.Time
	err := t.tx.QueryRow(ctx, `SELECT segment, sent_at FROM campaigns WHERE id = $1 FOR UPDATE`, id).Scan(&segData, &sent)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, polku.Errorf(polku.ENOTFOUND, "campaign %d", id)
	}
	if err != nil {
		return 0, wrap(err, "send campaign")
	}
	if sent != nil {
		return 0, polku.Errorf(polku.ECONFLICT, "campaign %d sent already", id)
	}
	var seg polku.Segment
	if err := json.Unmarshal(segData, &seg); err != nil {
		return 0, wrap(err, "send campaign")
	}
	ps := make(map[string]json.RawMessage, len(payloads))
	for l, p := range payloads {
		ps[l] = p
	}
	pj, err := json.Marshal(ps)
	if err != nil {
		return 0, wrap(err, "send campaign")
	}
	now := t.db.Now()
	where, args := segmentWhere(seg, 3)
	var n int
	err = t.tx.QueryRow(ctx, `
		WITH targets AS (
			SELECT f.id FROM families f LEFT JOIN conversations c ON c.chat_id = f.chat_id
			WHERE `+where+`
			  AND NOT EXISTS (SELECT 1 FROM campaign_sends s WHERE s.campaign_id = $1 AND s.family_id = f.id)
		), sends AS (
			INSERT INTO campaign_sends (campaign_id, family_id)
			SELECT $1, id FROM targets WHERE (SELECT count(*) FROM targets) >= $2
			ON CONFLICT DO NOTHING RETURNING 1
		)
		SELECT count(*) FROM sends`, append([]any{id, polku.MinSegment}, args...)...).Scan(&n)
	if err != nil {
		return 0, wrap(err, "send campaign")
	}
	if n < polku.MinSegment {
		return 0, polku.Errorf(polku.EINVALID, "segment of %d families", n)
	}
	_, err = t.tx.Exec(ctx, `
		UPDATE campaigns SET sent_at = $2, sent_by = $3, sent = $4, has_activity = activity_id IS NOT NULL, payloads = $5, fallback = $6
		WHERE id = $1`, id, now, user, n, pj, fallback)
	return n, wrap(err, "send campaign")
}

// CampaignBatch is how many families a round of QueueCampaigns puts a
// campaign in the outbox for.
const CampaignBatch = 1000

// QueueCampaigns puts up to limit families' campaign messages in the
// outbox, in one short transaction, and returns how many families it
// took (those who since said no to news, blocked the bot or erased their
// data are taken and get nothing). Rows are claimed with SKIP LOCKED, so
// every process may run it.
func (db *DB) QueueCampaigns(ctx context.Context, limit int) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			WITH batch AS (
				SELECT campaign_id, family_id FROM campaign_sends WHERE queued_at IS NULL
				ORDER BY campaign_id, family_id LIMIT $1 FOR UPDATE SKIP LOCKED
			), marked AS (
				UPDATE campaign_sends s SET queued_at = $2 FROM batch b
				WHERE s.campaign_id = b.campaign_id AND s.family_id = b.family_id
				RETURNING s.campaign_id, s.family_id
			), queued AS (
				INSERT INTO outbox (chat_id, priority, payload, created_at, lane, campaign_id)
				SELECT f.chat_id, $3, jsonb_set(COALESCE(c.payloads -> COALESCE(NULLIF(v.lang, ''), f.lang), c.payloads -> c.fallback), '{chat}', to_jsonb(f.chat_id)), $2, $4, c.id
				FROM marked m JOIN campaigns c ON c.id = m.campaign_id JOIN families f ON f.id = m.family_id
				LEFT JOIN conversations v ON v.chat_id = f.chat_id
				WHERE f.news AND v.blocked_at IS NULL
				ORDER BY f.chat_id
				RETURNING 1
			)
			SELECT count(*) FROM marked`,
			limit, db.Now(), PriorityCampaign, LaneCampaigns).Scan(&n)
	})
	return n, wrap(err, "queue campaigns")
}

// segmentWhere is the SQL condition of seg on families f and their
// conversations c, with its arguments numbered from first.
func segmentWhere(seg polku.Segment, first int) (string, []any) {
	conds := []string{"f.news", "c.blocked_at IS NULL", "f.answers IS NOT NULL"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", first+len(args)-1)
	}
	if seg.Municipality != "" {
		conds = append(conds, "f.answers->>'municipality' = "+arg(seg.Municipality))
	}
	if seg.Age != "" {
		conds = append(conds, "COALESCE((f.answers->'children'->>"+arg(string(seg.Age))+"::text)::int, 0) > 0")
	}
	if seg.Interest != "" {
		conds = append(conds, "f.answers->'interests' ? "+arg(string(seg.Interest)))
	}
	if seg.Lang != "" {
		conds = append(conds, "COALESCE(NULLIF(c.lang, ''), f.lang) = "+arg(seg.Lang))
	}
	if seg.NotAttended {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM signups su WHERE su.family_id = f.id AND "+attendedSQL+")")
	}
	if seg.LowWellbeing {
		// Under polku.LowBaseline on 0–100 (Instrument.Percent): a sum s
		// of n answers on lo–hi scores (s-lo·n)·100/((hi-lo)·n).
		var low []string
		for _, in := range []polku.Instrument{polku.InstrumentWHO5, polku.InstrumentOwn} {
			lo, hi := in.Range()
			n := in.Statements()
			low = append(low, fmt.Sprintf("(w.instrument = '%s' AND cardinality(w.scores) = %d AND ((SELECT sum(v) FROM unnest(w.scores) v) - %d) * 100 < %d)",
				in, n, lo*n, polku.LowBaseline*(hi-lo)*n))
		}
		conds = append(conds, "EXISTS (SELECT 1 FROM wellbeing w WHERE w.family_id = f.id AND w.kind = 'baseline' AND ("+strings.Join(low, " OR ")+"))")
	}
	return strings.Join(conds, " AND "), args
}

// Campaigns lists the campaigns sent from first up to (not including)
// end, oldest first, with their figures.
func (db *DB) Campaigns(ctx context.Context, first, end time.Time) ([]polku.Campaign, error) {
	var cs []polku.Campaign
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		cs, err = campaigns(ctx, tx, `c.sent_at >= $1 AND c.sent_at < $2`, first, end)
		return err
	})
	return cs, wrap(err, "campaigns")
}

// Campaign is one campaign by its number.
func (t *Tx) Campaign(ctx context.Context, id int64) (polku.Campaign, error) {
	cs, err := campaigns(ctx, t.tx, `c.id = $1`, id)
	if err == nil && len(cs) == 0 {
		err = polku.Errorf(polku.ENOTFOUND, "campaign %d", id)
	}
	if err != nil {
		return polku.Campaign{}, wrap(err, "campaign")
	}
	return cs[0], nil
}

// campaigns reads the campaigns c where cond holds.
func campaigns(ctx context.Context, tx txQuerier, cond string, args ...any) ([]polku.Campaign, error) {
	rows, err := tx.Query(ctx, `
		SELECT c.id, c.texts, COALESCE(c.photo, ''), COALESCE(c.activity_id, 0), COALESCE(a.data->'title', '{}'), c.segment,
			c.sent_at, c.sent, c.delivered, c.opened, c.signed_up
		FROM campaigns c LEFT JOIN activities a ON a.id = c.activity_id
		WHERE `+cond+` ORDER BY c.sent_at NULLS LAST, c.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []polku.Campaign
	for rows.Next() {
		var c polku.Campaign
		var texts, segment, title []byte
		var sent *time.Time
		if err := rows.Scan(&c.ID, &texts, &c.Photo, &c.Activity, &title, &segment, &sent, &c.Sent, &c.Delivered, &c.Opened, &c.SignedUp); err != nil {
			rows.Close()
			return nil, err
		}
		if err := errors.Join(json.Unmarshal(texts, &c.Texts), json.Unmarshal(segment, &c.Segment), json.Unmarshal(title, &c.ActivityTitle)); err != nil {
			rows.Close()
			return nil, err
		}
		if sent != nil {
			c.SentAt = *sent
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetNews remembers the family's answer to whether it wants news of
// activities (campaigns). Without a family (no consent) it is EFORBIDDEN.
//
// No takes back the campaigns still waiting for the family: it gets none
// after it said no.
func (t *Tx) SetNews(ctx context.Context, on bool) error {
	tag, err := t.tx.Exec(ctx, `UPDATE families SET news = $2 WHERE chat_id = $1`, t.chat, on)
	if err != nil {
		return wrap(err, "set news")
	}
	if tag.RowsAffected() == 0 {
		return polku.Errorf(polku.EFORBIDDEN, "news without consent")
	}
	if !on {
		_, err = t.tx.Exec(ctx, `DELETE FROM outbox WHERE chat_id = $1 AND lane = $2 AND campaign_id IS NOT NULL AND sent_at IS NULL`, t.chat, LaneCampaigns)
	}
	return wrap(err, "set news")
}

// News reports the family's answer to whether it wants news: nil while
// it was not asked (or has no family).
func (t *Tx) News(ctx context.Context) (*bool, error) {
	var on *bool
	err := t.tx.QueryRow(ctx, `SELECT news FROM families WHERE chat_id = $1`, t.chat).Scan(&on)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return on, wrap(err, "news")
}

// OpenedCampaign counts that the family opened campaign id's activity,
// once; a campaign it was not sent (or a forged one) counts nothing.
func (t *Tx) OpenedCampaign(ctx context.Context, id int64) error {
	_, err := t.tx.Exec(ctx, `
		WITH opened AS (
			UPDATE campaign_sends SET opened_at = $3
			WHERE campaign_id = $1 AND family_id = (SELECT id FROM families WHERE chat_id = $2) AND opened_at IS NULL
			RETURNING campaign_id)
		UPDATE campaigns SET opened = opened + 1 WHERE id IN (SELECT campaign_id FROM opened)`, id, t.chat, t.db.Now())
	return wrap(err, "campaign opened")
}

// campaignSignUp counts a sign-up of family to activity as the campaigns'
// that reached the family (Telegram took them) within CampaignWindow
// before now, and led to that activity or to none; each campaign once a
// family.
func campaignSignUp(ctx context.Context, tx txQuerier, family, activity int64, now time.Time) error {
	_, err := tx.Exec(ctx, `
		WITH signed AS (
			UPDATE campaign_sends s SET signed_up_at = $3
			FROM campaigns c
			WHERE s.campaign_id = c.id AND s.family_id = $1 AND s.signed_up_at IS NULL AND s.delivered_at IS NOT NULL
			  AND (NOT c.has_activity OR c.activity_id = $2) AND c.sent_at <= $3 AND c.sent_at > $4
			RETURNING s.campaign_id)
		UPDATE campaigns SET signed_up = signed_up + 1 WHERE id IN (SELECT campaign_id FROM signed)`,
		family, activity, now, now.Add(-CampaignWindow))
	return wrap(err, "campaign sign-up")
}

// FindActivities lists up to limit scheduled activities (their numbers
// and titles) whose title in any language holds words, case folded, or
// whose number words is: for a campaign's button.
func (t *Tx) FindActivities(ctx context.Context, words string, limit int) ([]polku.Activity, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT a.id, a.data->'title' FROM activities a
		WHERE a.status = 'scheduled' AND (a.id::text = $1 OR EXISTS (
			SELECT 1 FROM jsonb_each_text(a.data->'title') x WHERE strpos(lower(x.value), lower($1)) > 0))
		ORDER BY a.id LIMIT $2`, strings.TrimSpace(words), limit)
	if err != nil {
		return nil, wrap(err, "find activities")
	}
	var out []polku.Activity
	var a polku.Activity
	var title []byte
	_, err = pgx.ForEachRow(rows, []any{&a.ID, &title}, func() error {
		a.Title = nil
		if err := json.Unmarshal(title, &a.Title); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, wrap(err, "find activities")
}

// SentCampaigns lists the limit campaigns sent last, newest first.
func (t *Tx) SentCampaigns(ctx context.Context, limit int) ([]polku.Campaign, error) {
	cs, err := campaigns(ctx, t.tx, `c.id IN (SELECT id FROM campaigns WHERE sent_at IS NOT NULL ORDER BY sent_at DESC, id DESC LIMIT $1)`, limit)
	slices.Reverse(cs)
	return cs, wrap(err, "sent campaigns")
}
