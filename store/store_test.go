package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
	"polku/internal/pgtest"
)

// helsinki is the tests' time zone, as the service's.
var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testOptions opens a test's database on the real clock; tests that depend
// on the time set db.Now themselves.
func testOptions(conns int32) Options {
	return Options{MaxConns: conns, Now: time.Now, Location: helsinki}
}

// newDB opens a migrated, empty database of the test's own.
func newDB(t testing.TB) *DB {
	t.Helper()
	db := openDB(t, pgtest.URL(t))
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func openDB(t testing.TB, url string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url, testOptions(10))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// updateIDs hands out update IDs that grow, as Telegram's do.
var updateIDs atomic.Int64

// inTx files a new update for chat and applies it with fn, as a worker
// would; it fails the test when the update was not applied.
func inTx(t *testing.T, db *DB, chat int64, fn func(ctx context.Context, tx *Tx) error) {
	t.Helper()
	if err := tryTx(db, chat, fn); err != nil {
		t.Fatal(err)
	}
}

func tryTx(db *DB, chat int64, fn func(ctx context.Context, tx *Tx) error) error {
	ctx := context.Background()
	id := updateIDs.Add(1)
	if err := db.Enqueue(ctx, []Update{{ID: id, ChatID: chat, Payload: []byte(`{}`)}}); err != nil {
		return err
	}
	did, err := db.Apply(ctx, chat, time.Now(), func(ctx context.Context, tx *Tx, p Pending) error {
		if p.UpdateID != id {
			return fmt.Errorf("applying update %d, want %d", p.UpdateID, id)
		}
		return fn(ctx, tx)
	})
	if err == nil && !did {
		err = fmt.Errorf("update %d of chat %d was not applied", id, chat)
	}
	if err != nil {
		// Give the update up, so the chat's next update goes first.
		if _, ferr := db.Failed(ctx, id, polku.ErrorCode(err), 1, time.Now(), nil); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// scalar runs a query that returns one value.
func scalar[T any](t *testing.T, db *DB, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := db.pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var perr *polku.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v (%T) is not a *polku.Error", err, err)
	}
	if got := polku.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestMigrateIdempotent(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if got := scalar[int32](t, db, `SELECT version FROM schema_version`); got != int32(len(entries)) {
		t.Errorf("schema version %d, want %d", got, len(entries))
	}
	if got := scalar[int](t, db, `SELECT count(*) FROM schema_version`); got != 1 {
		t.Errorf("schema_version has %d rows, want 1", got)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	// Two processes starting at once: two pools on one empty database.
	dbs := []*DB{openDB(t, url), openDB(t, url), openDB(t, url)}
	start := make(chan struct{})
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = db.Migrate(context.Background())
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	// The schema is there, once: the inbox works.
	if err := dbs[0].Enqueue(context.Background(), []Update{{ID: 1, ChatID: 1, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if got := scalar[int](t, dbs[1], `SELECT count(*) FROM schema_version`); got != 1 {
		t.Errorf("schema_version has %d rows, want 1", got)
	}
}

func ints(t *testing.T, db *DB, sql string) []int64 {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	// A unique violation is a conflict.
	err := tryTx(db, 1, func(ctx context.Context, tx *Tx) error {
		_, err := tx.tx.Exec(ctx, `INSERT INTO referral_codes (code, organisation, created_at) VALUES ('x', 'a', now()), ('x', 'b', now())`)
		return wrap(err, "test")
	})
	wantCode(t, err, polku.ECONFLICT)
	// A cancelled context is internal, and says so.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = db.Enqueue(cctx, []Update{{ID: 1, ChatID: 1, Payload: []byte(`{}`)}})
	wantCode(t, err, polku.EINTERNAL)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	// A bad URL is invalid configuration.
	if _, err := Open(ctx, "postgres://%zz", testOptions(1)); err == nil {
		t.Error("Open of a bad URL: no error")
	} else {
		wantCode(t, err, polku.EINVALID)
	}
}

// TestUnavailable: a database that cannot be reached is EUNAVAILABLE, so
// callers retry instead of blaming the work.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	db.Close()
	_, err := db.PendingChats(ctx, 1, time.Now())
	wantCode(t, err, polku.EUNAVAILABLE)
	gone, err := Open(ctx, "postgres://polku@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", testOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer gone.Close()
	_, err = gone.PendingChats(ctx, 1, time.Now())
	wantCode(t, err, polku.EUNAVAILABLE)
	if strings.Count(err.Error(), "connection refused") != 1 {
		t.Errorf("the cause is repeated: %v", err)
	}
}

// TestNoServerClockDefaults: no column fills itself from the database
// server's clock. Every time comes from the service's one clock, so an
// insert that forgets it fails instead of writing another date.
func TestNoServerClockDefaults(t *testing.T) {
	db := newDB(t)
	rows, err := db.pool.Query(context.Background(), `
		SELECT table_name || '.' || column_name || ' DEFAULT ' || column_default FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_default ~* '(now\(\)|current_|localtime|clock_timestamp|statement_timestamp|transaction_timestamp)'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: the server's clock decides this time", b)
	}
}

// clock is a test's clock that the test moves; updates read it
// concurrently.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func setClock(db *DB, start time.Time) *clock {
	c := &clock{now: start}
	db.Now = c.read
	return c
}

func (c *clock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// seeded makes the codes a test draws the same on every run.
func seeded(db *DB) { db.Random = rand.NewChaCha8([32]byte{7}) }
