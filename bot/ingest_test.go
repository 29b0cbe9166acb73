package bot

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"polku/store"
)

// Requests that come while a commit runs are filed together in the next
// one: 51 webhook requests, two commits, every update stored.
func TestFilerCommitsTogether(t *testing.T) {
	ctx := context.Background()
	url, db := migrated(t)
	up := func(id int64) []store.Update {
		return []store.Update{{ID: id, ChatID: 1000 + id, Payload: fmt.Appendf(nil, `{"update_id":%d}`, id)}}
	}
	// Another transaction holds update 1's row: the first request's
	// commit waits on it, and the others queue behind.
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	hold, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec(ctx, `INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES (1, 1001, '{}', now())`); err != nil {
		t.Fatal(err)
	}
	var f filer
	var wg sync.WaitGroup
	errs := make(chan error, 51)
	file := func(id int64) {
		defer wg.Done()
		errs <- f.file(ctx, db, up(id))
	}
	wg.Add(1)
	go file(1)
	waiting := func(n int) {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			f.mu.Lock()
			busy, w := f.busy, len(f.waiting)
			f.mu.Unlock()
			if busy && w == n {
				return
			}
		}
		t.Fatalf("%d requests never waited", n)
	}
	waiting(0)
	for id := int64(2); id <= 51; id++ {
		wg.Add(1)
		go file(id)
	}
	waiting(50)
	if err := hold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if f.commits != 2 {
		t.Errorf("%d commits for 51 requests, want 2", f.commits)
	}
	if n, err := db.Unapplied(ctx); err != nil || n != 51 {
		t.Errorf("%d updates waiting, %v; want 51", n, err)
	}
}
