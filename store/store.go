// Package store owns Polku's PostgreSQL database through pgx: the embedded
// migrations, the inbox of updates, conversations, the outbox, families and
// their answers, contact requests, the activity catalogue, sign-ups, the
// jobs that remind families and tell them of changes, and anonymous
// statistics.
//
// store speaks the domain's types and translates pgx errors into
// *polku.Error; it knows nothing of Telegram or of the flows' types
// (conversations are stored as the JSON the caller gives).
package store

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	neturl "net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"
	"github.com/jackc/tern/v2/migrate"

	"polku"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is Polku's database.
type DB struct {
	pool *pgxpool.Pool
	// Now is the service's one clock: every time the store writes or
	// compares with comes from it (never the server's now()). Tests move
	// it.
	Now func() time.Time
	// loc is the service's time zone: the day of a statistic, the day a
	// card was used.
	loc *time.Location
	// Reminders plans the jobs of families promoted from a waiting list
	// when another family's erasure frees seats (Erase and Decline take
	// no plan of their own).
	Reminders polku.Reminders
	// Random draws card, referral and provider link codes: crypto/rand,
	// or a fixed sequence in tests.
	Random io.Reader
}

// Options are how a DB is opened. Now and Location are required: the store
// has no clock or time zone of its own.
type Options struct {
	// MaxConns bounds the pool (0 means pgx's default).
	MaxConns int32
	// Now is the service's clock, Location its time zone.
	Now      func() time.Time
	Location *time.Location
}

// Open connects to the database at url.
func Open(ctx context.Context, url string, o Options) (*DB, error) {
	if o.Now == nil || o.Location == nil {
		return nil, polku.Errorf(polku.EINVALID, "store: a clock and a time zone are required")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, polku.Errorf(polku.EINVALID, "DATABASE_URL: %v", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, wrap(err, "open database")
	}
	return &DB{pool: pool, Now: o.Now, loc: o.Location, Reminders: polku.DefaultReminders(o.Location), Random: rand.Reader}, nil
}

// day is the local date of t, as statistics are kept.
func (db *DB) day(t time.Time) string { return t.In(db.loc).Format("2006-01-02") }

// midnight is the start of t's local day.
func (db *DB) midnight(t time.Time) time.Time {
	l := t.In(db.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, db.loc)
}

// Close closes every connection.
func (db *DB) Close() { db.pool.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return wrap(db.pool.Ping(ctx), "ping") }

// Migrate brings the schema up to date. tern holds an advisory lock while it
// works, so two processes starting at once are safe.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return wrap(err, "migrate")
	}
	defer conn.Release()
	m, err := migrate.NewMigrator(ctx, conn.Conn(), "schema_version")
	if err != nil {
		return wrap(err, "migrate")
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return wrap(err, "migrate")
	}
	if err := m.LoadMigrations(sub); err != nil {
		return wrap(err, "migrate")
	}
	return wrap(m.Migrate(ctx), "migrate")
}

// wrap translates a pgx error into the domain's error.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var perr *polku.Error
	if errors.As(err, &perr) {
		return err
	}
	code := polku.EINTERNAL
	var pg *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		code = polku.ENOTFOUND
	case errors.As(err, &pg) && pg.Code == "23505":
		code = polku.ECONFLICT
	case errors.As(err, &pg) && pg.Code == "23514":
		// A check constraint refused the data (a session without seats).
		code = polku.EINVALID
	case unavailable(err):
		code = polku.EUNAVAILABLE
	}
	return &polku.Error{Code: code, Message: what, Err: err}
}

// unavailable tells a lost or refused connection, or a server shutting
// down, from a problem with the work itself.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// Class 08: connection exceptions; 57P01-57P03: the server is
		// shutting down or starting.
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connect) || errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, puddle.ErrClosedPool) ||
		errors.Is(err, pgconn.ErrConnClosed)
}

// Update is one raw update for the inbox. ChatID is 0 for updates that
// belong to no chat; those are stored as applied.
type Update struct {
	ID      int64
	ChatID  int64
	Payload []byte
}

// Enqueue commits a batch of updates to the inbox in one transaction. An
// update already there is left as it is, so redelivery is harmless. An
// update PostgreSQL cannot store (jsonb refuses some text) is filed as
// applied with the failure, so it never blocks the updates after it.
func (db *DB) Enqueue(ctx context.Context, updates []Update) error {
	if len(updates) == 0 {
		return nil
	}
	err := db.enqueue(ctx, updates)
	if err == nil || len(updates) == 1 && !storable(err) {
		if err != nil {
			return db.unstorable(ctx, updates[0])
		}
		return nil
	}
	if !storable(err) {
		// One bad update spoiled the batch: file them one by one.
		for _, u := range updates {
			if err := db.enqueue(ctx, []Update{u}); err != nil {
				if storable(err) {
					return err
				}
				if err := db.unstorable(ctx, u); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return err
}

func (db *DB) enqueue(ctx context.Context, updates []Update) error {
	now := db.Now()
	b := &pgx.Batch{}
	for _, u := range updates {
		if u.ChatID == 0 {
			b.Queue(`INSERT INTO inbox (update_id, chat_id, received_at, applied_at) VALUES ($1, 0, $2, $2) ON CONFLICT DO NOTHING`, u.ID, now)
			continue
		}
		b.Queue(`INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, u.ID, u.ChatID, u.Payload, now)
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
	return wrap(err, "enqueue")
}

// storable tells a failure of the database (try again) from a refusal of
// the data (class 22: data exception, such as text jsonb cannot hold).
func storable(err error) bool {
	var pg *pgconn.PgError
	return !(errors.As(err, &pg) && strings.HasPrefix(pg.Code, "22"))
}

func (db *DB) unstorable(ctx context.Context, u Update) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO inbox (update_id, chat_id, received_at, applied_at, failure) VALUES ($1, $2, $3, $3, 'unstorable')
		ON CONFLICT DO NOTHING`, u.ID, u.ChatID, db.Now())
	return wrap(err, "enqueue")
}

// PendingChats lists up to limit chats whose next update may be applied
// now, the longest-waiting first. A chat whose next update waits after a
// failure (until its not_before, on wall time) is left out: its later
// updates wait behind it.
func (db *DB) PendingChats(ctx context.Context, limit int, wall time.Time) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT chat_id FROM (
			SELECT DISTINCT ON (chat_id) chat_id, seq, not_before FROM inbox
			WHERE applied_at IS NULL
			ORDER BY chat_id, seq
		) head
		WHERE not_before IS NULL OR not_before <= $2
		ORDER BY seq
		LIMIT $1`, limit, wall)
	if err != nil {
		return nil, wrap(err, "pending chats")
	}
	chats, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return chats, wrap(err, "pending chats")
}

// Pending is an update taken from the inbox to be applied, with the chat's
// stored conversation (nil for a new chat).
type Pending struct {
	UpdateID     int64
	Seq          int64
	ChatID       int64
	Payload      []byte
	Attempts     int
	Conversation []byte
}

// ErrBusy says another worker holds the chat.
var ErrBusy = polku.Errorf(polku.ECONFLICT, "chat busy")

// Apply takes the oldest waiting update of chat and runs fn with it in one
// transaction; when fn succeeds the update is marked applied in the same
// transaction. The chat is held with a transaction-level advisory lock, so
// across every process only one update of a chat is applied at a time, and
// in the order they arrived. It returns false when the chat had nothing
// waiting (or its next update waits after a failure until after wall), and
// ErrBusy when another worker holds it.
//
// One query takes the update and the conversation, and Tx.Save sends the
// rest in one pipeline: an update costs five round trips.
func (db *DB) Apply(ctx context.Context, chat int64, wall time.Time, fn func(ctx context.Context, tx *Tx, p Pending) error) (bool, error) {
	did := false
	err := pgx.BeginFunc(ctx, db.pool, func(ptx pgx.Tx) error {
		// The lock has a statement of its own: a statement reads what was
		// committed when it began, so reading in the statement that takes
		// the lock could miss the work of the worker that just let go.
		var locked bool
		if err := ptx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, chat).Scan(&locked); err != nil {
			return err
		}
		if !locked {
			return ErrBusy
		}
		var p Pending
		var update, seq *int64
		var attempts *int
		err := ptx.QueryRow(ctx, `
			SELECT i.update_id, i.seq, i.payload, i.attempts,
				(SELECT data FROM conversations WHERE chat_id = $1)
			FROM (SELECT 1) one
			LEFT JOIN LATERAL (
				SELECT update_id, seq, payload, attempts, not_before FROM inbox
				WHERE chat_id = $1 AND applied_at IS NULL
				ORDER BY seq LIMIT 1) i ON i.not_before IS NULL OR i.not_before <= $2`, chat, wall).Scan(&update, &seq, &p.Payload, &attempts, &p.Conversation)
		if err != nil {
			return err
		}
		if update == nil {
			return nil
		}
		p.UpdateID, p.Seq, p.ChatID, p.Attempts = *update, *seq, chat, *attempts
		tx := &Tx{tx: ptx, db: db, chat: chat, update: p.UpdateID, seq: p.Seq, conversation: p.Conversation}
		if err := fn(ctx, tx, p); err != nil {
			return err
		}
		if !tx.marked {
			if _, err := ptx.Exec(ctx, applied, p.UpdateID, db.Now()); err != nil {
				return err
			}
		}
		did = true
		return nil
	})
	if errors.Is(err, ErrBusy) {
		return false, ErrBusy
	}
	return did, wrap(err, "apply")
}

// Failed records that applying an update failed; it is tried again at
// retry (wall time), and its chat's later updates wait for it. After
// maxAttempts the update is given up (marked applied with the failure), so
// one broken update never blocks its chat; it returns true then, and
// queues notice (telling the person) in the same transaction.
func (db *DB) Failed(ctx context.Context, updateID int64, reason string, maxAttempts int, retry time.Time, notice []Out) (bool, error) {
	var gaveUp bool
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE inbox SET attempts = attempts + 1, failure = $2, not_before = $5,
				applied_at = CASE WHEN attempts + 1 >= $3 THEN $4::timestamptz END,
				payload = CASE WHEN attempts + 1 >= $3 THEN NULL ELSE payload END
			WHERE update_id = $1 AND applied_at IS NULL
			RETURNING applied_at IS NOT NULL`, updateID, reason, maxAttempts, db.Now(), retry).Scan(&gaveUp)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (!gaveUp || len(notice) == 0) {
			return nil
		}
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		db.queue(b, notice, updateID)
		return tx.SendBatch(ctx, b).Close()
	})
	return gaveUp, wrap(err, "record failure")
}

// Tx is the transaction of one applied update.
type Tx struct {
	tx           pgx.Tx
	db           *DB
	chat         int64
	update       int64
	seq          int64
	conversation []byte
	// marked is set once the update is marked applied.
	marked bool
}

// Conversation returns the stored conversation of the chat, or nil when
// the chat is new.
func (t *Tx) Conversation() []byte { return t.conversation }

// Out is one message for the outbox.
type Out struct {
	ChatID   int64
	Priority int
	Payload  []byte
	// Case is the case whose topic in the coordinators' group the
	// message goes to or shows (0 for none): erasing the family's data
	// deletes it with the case, sent or not.
	Case int64
	// Lane is what the message must arrive in order with, within its
	// chat: 0 for a person's chat (and the group's General topic), the
	// case for a case's topic, LaneAlerts for urgent alerts.
	Lane int64
}

// LaneAlerts is the group's lane of urgent alerts: they pass every case's
// backlog.
const LaneAlerts = -1

// Save stores the conversation, queues the outgoing messages and marks the
// update applied, in the transaction of the update and in one round trip.
func (t *Tx) Save(ctx context.Context, conversation []byte, out []Out) error {
	b := &pgx.Batch{}
	// The WHERE is a guard: an update older than the last one applied
	// would be applied out of order, so it fails instead.
	b.Queue(`
		INSERT INTO conversations (chat_id, data, last_update_id, last_seq, applied, updated_at)
		VALUES ($1, $2, $3, $4, 1, $5)
		ON CONFLICT (chat_id) DO UPDATE SET data = $2, last_update_id = $3, last_seq = $4,
			applied = conversations.applied + 1, updated_at = $5
		WHERE conversations.last_seq < $4`, t.chat, conversation, t.update, t.seq, t.db.Now())
	t.db.queue(b, out, t.update)
	t.db.markApplied(b, t.update)
	res := t.tx.SendBatch(ctx, b)
	tag, err := res.Exec()
	if err == nil && tag.RowsAffected() != 1 {
		err = polku.Errorf(polku.ECONFLICT, "update applied out of order")
	}
	for range len(out) + 1 {
		if err != nil {
			break
		}
		_, err = res.Exec()
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return wrap(err, "save conversation")
	}
	t.marked = true
	return nil
}

// SetBlocked records that the person blocked (or unblocked) the bot.
func (t *Tx) SetBlocked(ctx context.Context, blocked bool) error {
	_, err := t.tx.Exec(ctx, `UPDATE conversations SET blocked_at = CASE WHEN $2 THEN $3::timestamptz END WHERE chat_id = $1`, t.chat, blocked, t.db.Now())
	return wrap(err, "set blocked")
}

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

// Lang is the language of the chat's conversation, or "" when unknown.
func (db *DB) Lang(ctx context.Context, chat int64) string {
	var lang string
	_ = db.pool.QueryRow(ctx, `SELECT COALESCE(data->>'lang', '') FROM conversations WHERE chat_id = $1`, chat).Scan(&lang)
	return lang
}

// Scratch creates an empty database beside the one at url and returns its
// URL and a function that drops it: for benchmarks that must not touch real
// data.
func Scratch(ctx context.Context, url, prefix string) (string, func(), error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "", nil, polku.Errorf(polku.EINVALID, "DATABASE_URL: %v", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", nil, wrap(err, "scratch database")
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, wrap(err, "scratch database")
	}
	drop := func() {
		conn, err := pgx.ConnectConfig(context.Background(), cfg)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	}
	scratch := url + " dbname=" + name
	if u, perr := neturl.Parse(url); perr == nil && u.Scheme != "" {
		u.Path = "/" + name
		scratch = u.String()
	}
	return scratch, drop, nil
}
