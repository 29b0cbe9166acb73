package pgtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"polku/internal/pgtest"
)

func TestURL(t *testing.T) {
	ctx := t.Context()
	var name string
	t.Run("fresh database", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())

		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "polku_test_") {
			t.Errorf("current_database() = %q, want a polku_test_ database", name)
		}

		var tables int
		err = conn.QueryRow(ctx, `
			SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
			  AND n.nspname NOT LIKE 'pg_toast%'`).Scan(&tables)
		if err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("new database has %d relations, want 0", tables)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
			t.Fatal(err)
		}
		// The connection stays open: the drop must not wait for it.
	})

	t.Run("dropped after the test", func(t *testing.T) {
		if name == "" {
			t.Skip("no database was created")
		}
		conn, err := pgx.Connect(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var exists bool
		err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
		if err != nil {
			t.Fatal(err)
		}
		if exists {
			t.Errorf("database %s still exists after its test ended", name)
		}
	})
}

func TestURLParallel(t *testing.T) {
	seen := make(chan string, 8)
	t.Run("group", func(t *testing.T) {
		for range cap(seen) {
			t.Run("db", func(t *testing.T) {
				t.Parallel()
				conn, err := pgx.Connect(t.Context(), pgtest.URL(t))
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close(context.Background())
				var name string
				if err := conn.QueryRow(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
					t.Fatal(err)
				}
				seen <- name
			})
		}
	})
	close(seen)
	names := map[string]bool{}
	for n := range seen {
		if names[n] {
			t.Errorf("database %s handed out twice", n)
		}
		names[n] = true
	}
}
