package store

import (
	"context"
	"testing"
	"time"

	"polku"
)

// TestSeedReminders: the seeded rows are what the job runner needs to
// render every reminder, and a database with families is refused.
func TestSeedReminders(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	const n, base = 250, 5_000_000
	if err := db.SeedReminders(ctx, n, t0, base); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		want  int64
	}{
		{`SELECT count(*) FROM families WHERE consent_version IS NOT NULL AND reminders`, n},
		{`SELECT count(DISTINCT chat_id) FROM families WHERE chat_id BETWEEN 5000000 AND 5000249`, n},
		{`SELECT count(*) FROM sessions`, 3},
		{`SELECT max(c)::bigint FROM (SELECT count(*) AS c FROM signups GROUP BY session_id) x`, seedPerSession},
		{`SELECT count(*) FROM signups WHERE status = 'confirmed'`, n},
		{`SELECT count(*) FROM jobs WHERE kind = 'remind_soon' AND done_at IS NULL`, n},
	} {
		if got := scalar[int64](t, db, c.query); got != c.want {
			t.Errorf("%s: %d, want %d", c.query, got, c.want)
		}
	}

	if got, want := scalar[int64](t, db, `SELECT count(*) FROM jobs WHERE due_at <= $1`, t0.Add(-time.Second)), int64(0); got != want {
		t.Errorf("%d jobs due before t0", got)
	}
	langs := map[string]int{}
	chats := map[int64]bool{}
	for {
		did, err := db.RunJobs(ctx, t0, 100, func(_ context.Context, j Job) ([]Out, error) {
			su := j.SignUp
			if j.Kind != polku.JobRemindSoon || su.Status != polku.SignedUp || su.Seats() != 2 ||
				su.Activity.Title.In("en") != "Forest walk for families" || !su.Session().Start.Equal(t0.Add(2*time.Hour)) {
				t.Errorf("job %d: kind %s, sign-up %+v", j.ID, j.Kind, su)
			}
			langs[j.Lang]++
			chats[j.ChatID] = true
			return jobOut(j), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if did == 0 {
			break
		}
	}
	if len(chats) != n || langs["fi"] != 63 || langs["uk"] != 62 {
		t.Errorf("rendered for %d chats, languages %v", len(chats), langs)
	}

	err := db.SeedReminders(ctx, 1, t0, 9_000_000)
	if polku.ErrorCode(err) != polku.ECONFLICT {
		t.Errorf("seeding a database with families: %v, want ECONFLICT", err)
	}
}
