package store

import "context"

// Count adds one to an anonymous statistic of today. The referral source
// is the family's known referral code, never the raw text of a link.
func (t *Tx) Count(ctx context.Context, kind, municipality string) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO stats (day, kind, municipality, referral, count)
		VALUES ($1, $2, $3, COALESCE((SELECT referral FROM families WHERE chat_id = $4), ''), 1)
		ON CONFLICT (day, kind, municipality, referral) DO UPDATE SET count = stats.count + 1`,
		t.db.day(t.db.Now()), kind, municipality, t.chat)
	return wrap(err, "count")
}

// count adds delta to an anonymous statistic of the day (DB.day),
// under the family's referral source, as Tx.Count does for the chat's.
func count(ctx context.Context, q querier, day string, kind, municipality string, family int64, delta int) error {
	_, err := q.Exec(ctx, `
		INSERT INTO stats (day, kind, municipality, referral, count)
		VALUES ($1, $2, $3, COALESCE((SELECT referral FROM families WHERE id = $4), ''), $5)
		ON CONFLICT (day, kind, municipality, referral) DO UPDATE SET count = stats.count + $5`,
		day, kind, municipality, family, delta)
	return wrap(err, "count")
}
