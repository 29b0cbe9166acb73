package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// seedPerSession is how many seeded families share one session: the
// reminders of a real morning belong to many activities, and the job
// runner reads each sign-up with its session's seat count.
const seedPerSession = 100

// seedConsent is the notice version the seeded families agreed to: none a
// real notice has (they are never in a conversation to be asked again).
const seedConsent = "benchmark"

// SeedReminders is for benchmarks on scratch databases only: it fills an
// empty database with n families whose chat IDs are chatBase, chatBase+1,
// …, each with consent, a confirmed sign-up (one child, one adult) to a
// session two hours after due, and one JobRemindSoon reminder due at due.
// It bypasses the conversation, but writes the rows the conversation
// would (families, activities, sessions, sign-ups, jobs), so the real job
// runner renders real reminders from them. It writes no conversations and
// no statistics. It refuses a database that already has families, so it
// cannot mix invented families into real data.
func (db *DB) SeedReminders(ctx context.Context, n int, due time.Time, chatBase int64) error {
	if n <= 0 {
		return polku.Errorf(polku.EINVALID, "seed: %d reminders", n)
	}
	start := due.Add(2 * time.Hour)
	act := polku.Activity{
		Organiser:    "polku-benchmark",
		Title:        polku.Localized{"fi": "Metsäretki perheille", "sv": "Skogsutflykt för familjer", "en": "Forest walk for families", "uk": "Прогулянка лісом для родин"},
		Categories:   []polku.Category{polku.CategoryNature, polku.CategoryFamily},
		Municipality: "Kuusamo",
		Place:        polku.Place{Name: "Luontokeskus", Address: "Torangintaival 2, Kuusamo"},
		AgeMin:       3, AgeMax: 12,
		Audience: polku.AudienceFamily,
		Price:    polku.Price{Kind: polku.PriceFree},
		Status:   polku.StatusScheduled,
	}
	data, err := json.Marshal(act)
	if err != nil {
		return wrap(err, "seed")
	}
	sessions := (n + seedPerSession - 1) / seedPerSession
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var used bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM families)`).Scan(&used); err != nil {
			return err
		}
		if used {
			return polku.Errorf(polku.ECONFLICT, "seed: the database already has families; seeding is for scratch databases")
		}
		b := &pgx.Batch{}
		// One activity with one session per seedPerSession families.
		b.Queue(`
			INSERT INTO activities (organiser, external_id, municipality, status, data, updated_at)
			SELECT $1, 'bench-' || g, $2, 'scheduled', jsonb_set($3::jsonb - 'sessions', '{external_id}', to_jsonb('bench-' || g)), $4
			FROM generate_series(1, $5::int) g`,
			act.Organiser, act.Municipality, data, due, sessions)
		b.Queue(`
			INSERT INTO sessions (activity_id, external_id, starts_at, ends_at, capacity, status)
			SELECT id, '1', $2, $3, $4, 'scheduled' FROM activities WHERE organiser = $1`,
			act.Organiser, start, start.Add(90*time.Minute), 2*seedPerSession)
		// The four languages in turn, as families choose them.
		b.Queue(`
			INSERT INTO families (chat_id, lang, consent_version, consent_at, created_at)
			SELECT $1::bigint + g, (ARRAY['fi', 'sv', 'en', 'uk'])[1 + g % 4], $3, $4, $4
			FROM generate_series(0, $2::int - 1) g`,
			chatBase, n, seedConsent, due)
		// Family i takes the (i / seedPerSession)th session.
		b.Queue(`
			INSERT INTO signups (family_id, session_id, children, adults, status, created_at)
			SELECT f.id, s.id, 1, 1, 'confirmed', $3
			FROM families f JOIN (
				SELECT s.id, row_number() OVER (ORDER BY s.id) - 1 AS k
				FROM sessions s JOIN activities a ON a.id = s.activity_id WHERE a.organiser = $4
			) s ON s.k = (f.chat_id - $1::bigint) / $2`,
			chatBase, seedPerSession, due, act.Organiser)
		b.Queue(`
			INSERT INTO jobs (kind, family_id, signup_id, chat_id, due_at)
			SELECT $1, su.family_id, su.id, f.chat_id, $2
			FROM signups su JOIN families f ON f.id = su.family_id
			ORDER BY su.id`,
			string(polku.JobRemindSoon), due)
		return tx.SendBatch(ctx, b).Close()
	})
	return wrap(err, "seed")
}

// Dispatch is where reminders stand, for benchmarks: jobs not yet done,
// and outbox messages sent, waiting or given up.
type Dispatch struct {
	JobsLeft, Sent, Unsent, Dropped int
}

// ReadDispatch counts the jobs and the outbox in one query.
func (db *DB) ReadDispatch(ctx context.Context) (Dispatch, error) {
	var d Dispatch
	err := db.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM jobs WHERE done_at IS NULL),
		       count(*) FILTER (WHERE sent_at IS NOT NULL),
		       count(*) FILTER (WHERE sent_at IS NULL AND dropped IS NULL),
		       count(*) FILTER (WHERE dropped IS NOT NULL)
		FROM outbox`).Scan(&d.JobsLeft, &d.Sent, &d.Unsent, &d.Dropped)
	return d, wrap(err, "dispatch")
}
