// Package pgtest gives each test a brand-new, empty PostgreSQL database on the
// cluster named by DATABASE_URL, dropped when the test ends.
//
// Tests run on a real PostgreSQL, never on a mock of it: `make test` starts a
// throwaway local cluster (scripts/pg.sh) and sets DATABASE_URL. Without it the
// tests fail rather than skip, so a green run always means the SQL ran.
//
// It only imports the standard library and pgx, and only tests import it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URL creates an empty database for the calling test and returns a connection
// URL for it. The database is dropped, with any connections still open, when
// the test and its subtests have finished. Names are random, so tests and test
// packages may run in parallel on the same cluster.
func URL(t testing.TB) string {
	t.Helper()
	admin := adminURL(t)
	name := "polku_test_" + randomHex(8)
	ident := pgx.Identifier{name}.Sanitize()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect to DATABASE_URL: %v (is the cluster running? `make test` starts it)", err)
	}
	defer conn.Close(ctx)
	// template0 rather than template1: CREATE DATABASE fails while anyone is
	// connected to its template, and people do open psql on template1.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}

	t.Cleanup(func() {
		// The test's own context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("pgtest: connect to drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return withDatabase(t, admin, name)
}

func adminURL(t testing.TB) string {
	t.Helper()
	u := strings.TrimSpace(os.Getenv("DATABASE_URL"))
	if u == "" {
		t.Fatal("pgtest: DATABASE_URL is not set; run the tests with `make test`, " +
			"or: DATABASE_URL=$(scripts/pg.sh start) go test ./...")
	}
	return u
}

// withDatabase returns connection string s pointing at database name instead.
// It accepts both forms pgx does: a URL and keyword/value pairs.
func withDatabase(t testing.TB, s, name string) string {
	t.Helper()
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("pgtest: DATABASE_URL: %v", err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		q := u.Query()
		q.Del("dbname") // would override the path
		u.RawQuery = q.Encode()
		return u.String()
	}
	// In keyword/value form the last occurrence of a keyword wins.
	return s + " dbname=" + name
}

// randomHex returns n random bytes in lower-case hex, which PostgreSQL keeps
// as is in an identifier.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails since Go 1.24: it crashes the program instead
	return hex.EncodeToString(b)
}
