package load

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"polku/internal/pgtest"
	"polku/store"
)

// polkuBinary builds the polku command for the benchmark to run as
// \`polku serve\`.
func polkuBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "polku")
	if out, err := exec.Command("go", "build", "-o", bin, "polku/cmd/polku").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestReminderDispatchSurvivesKill runs the reminder benchmark small and
// fast (`polku load -reminders 300 -rate 300 -kill`): the real binary is
// killed with SIGKILL half-way and a fresh one finishes. Every family gets
// its reminder; some may get it twice, but only those whose message
// Telegram had taken when the kill came and the database had not yet
// recorded as sent: the sender marks a row sent only after Telegram
// answered, in the transaction that holds the row. So the duplicates are
// at most the messages in flight at the kill, and those at most the
// sender's parallelism.
func TestReminderDispatchSurvivesKill(t *testing.T) {
	var progress strings.Builder
	o := reminderOpts{N: 300, Rate: 300, Kill: true, Timeout: 60 * time.Second,
		Bin: polkuBinary(t), LogDir: t.TempDir(), Progress: &progress}
	open := func(ctx context.Context, url string, conns int32) (*store.DB, error) {
		db, err := store.Open(ctx, url, store.Options{MaxConns: conns, Now: time.Now, Location: time.UTC})
		if err != nil {
			return nil, err
		}
		return db, db.Migrate(ctx)
	}
	r, err := runReminders(context.Background(), Setup{DatabaseURL: pgtest.URL(t), Open: open}, o)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	var out strings.Builder
	printReminders(&out, o, r)
	t.Logf("\n%s%s", progress.String(), out.String())

	if r.Lost != 0 || r.Reached != o.N || r.Dropped != 0 || r.JobsLeft != 0 {
		t.Errorf("%d of %d families reached, %d lost, %d outbox rows dropped, %d jobs not done; want all reached", r.Reached, o.N, r.Lost, r.Dropped, r.JobsLeft)
	}
	if r.KilledAfter < o.N/2 || r.KilledAfter >= o.N {
		t.Errorf("killed after %d deliveries, want half-way (%d of %d)", r.KilledAfter, o.N/2, o.N)
	}
	if r.InFlight < 0 || r.InFlight > servedSenders {
		t.Errorf("%d messages in flight at the kill, want 0 to %d (the sender's parallelism)", r.InFlight, servedSenders)
	}
	if r.Duplicates > r.InFlight {
		t.Errorf("%d families got the reminder twice, more than the %d messages in flight at the kill", r.Duplicates, r.InFlight)
	}
	if r.Delivered != o.N+r.Duplicates {
		t.Errorf("%d messages for %d families with %d duplicates: some got it more than twice", r.Delivered, o.N, r.Duplicates)
	}
	if r.TooManyAfterFirst != 0 {
		t.Errorf("%d answers 429 from Telegram, %d after the first; want none after the first", r.TooMany, r.TooManyAfterFirst)
	}
	if len(r.PeakRSS) != 2 {
		t.Errorf("%d bots ran, want 2", len(r.PeakRSS))
	}
}

// servedSenders is the sends the child `polku serve` keeps in flight at
// most: POLKU_SENDERS, which the benchmark leaves at its default.
const servedSenders = 64
