// Package store owns Polku's PostgreSQL database through pgx. Its files are
// named as the domain's nouns, as the root package's are, so a noun is found
// by its name in every layer:
//
//   - store.go: opening the database, migrations, errors, the transaction
//   - inbox.go: updates in, each applied once and in order within its chat
//   - conversation.go: a chat's stored conversation; saving an update's work
//   - outbox.go: messages out, their priorities and lanes, pruning, the sender
//   - family.go: a family's consent, answers, contact requests, export, erasure
//   - catalogue.go: the activity catalogue, its import and its changes
//   - signup.go: sign-ups and the waiting list
//   - reminders.go: whether a family wants reminders
//   - job.go: the durable jobs (reminders, follow-ups, notices of changes)
//   - case.go: the coordinators' cases, their topics, notes and nudges
//   - held.go: a family's messages held back from a busy case's topic
//   - coordinator.go: coordinators, who is on duty
//   - audit.go: the audit of what staff did, and reading it back
//   - group.go: whether the bot can write in the coordinators' group
//   - card.go, provider.go, referral.go: wellbeing cards, the providers who
//     check them, the referral codes of the professional network
//   - stats.go: anonymous statistics, kept when a family erases its data
//   - retention.go: how long the families' data is kept, enforced: the
//     inactive families erased, old cases, sign-ups, cards and audit rows
//   - report.go: the managers' report's figures, read from them
//   - costs.go: the service's costs as managers set them, every change kept
//   - seed.go: reminders seeded for the load benchmark
//
// store speaks the domain's types and translates pgx errors into
// *polku.Error; it knows nothing of Telegram or of the flows' types
// (conversations are stored as the JSON the caller gives). The service's
// time zone comes from Options.Location: the store has none of its own.
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
func (db *DB) Migrate(ctx context.Context) error { return db.migrateTo(ctx, -1) }

// migrateTo brings the schema to version to, or up to date when to is
// negative: tests that check what a migration does to earlier data stop
// before it.
func (db *DB) migrateTo(ctx context.Context, to int32) error {
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
	if to < 0 {
		return wrap(m.Migrate(ctx), "migrate")
	}
	return wrap(m.MigrateTo(ctx, to), "migrate")
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

// Tx is the transaction of one applied update.
type Tx struct {
	tx           txQuerier
	db           *DB
	chat         int64
	update       int64
	seq          int64
	conversation []byte
	// lastSeq is the inbox sequence of the update the conversation was
	// last saved by (0 for none).
	lastSeq int64
	// marked is set once the update is marked applied.
	marked bool
	// final, when set, gathers Save's statements to be sent with the
	// commit, in one round trip (Apply).
	final *pgx.Batch
	// stats, when set, gathers the writes of the anonymous statistics,
	// to be sent after final (see counts).
	stats *pgx.Batch
	// gathered, when set, gathers what Save writes, to be written with
	// the other updates' of ApplyMany.
	gathered *gathered
}

// counts is what the statistics are written with. In an update's
// transaction (Apply) the writes wait to go with the commit, after the
// update's other statements, unless a statement comes first (see
// deferred): a count's row is shared by every family's update of the day,
// and each write holds it until the commit. Written mid-transaction, it
// was held while the rest of the update ran, and the updates of every
// family queued behind it (29 ms a count under the bench walk).
func (t *Tx) counts() querier {
	if t.stats == nil {
		return t.tx
	}
	return later{t.tx, t.stats}
}

// later queues its writes in b; it reads through q.
type later struct {
	querier
	b *pgx.Batch
}

func (l later) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	l.b.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// txQuerier is what a Tx runs its statements on: a transaction, or a
// connection in one.
type txQuerier interface {
	querier
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Conversation returns the stored conversation of the chat, or nil when
// the chat is new.
func (t *Tx) Conversation() []byte { return t.conversation }

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

// nullID stores the zero ID as NULL: a reference that is not there.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// querier is what both a transaction and the pool offer, so one read
// serves Tx and DB alike.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
