package console

import (
	"io"
	"strings"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"polku/internal/telegramtest"
)

func TestLocalDatabase(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://polku@127.0.0.1:15432/polku?sslmode=disable": true,
		"postgres://polku@127.8.9.10/polku":                      true,
		"postgresql://polku@localhost/polku":                     true,
		"postgres://polku@[::1]:5432/polku":                      true,
		"postgres:///polku?host=/var/run/postgresql":             true,
		"host=/tmp dbname=polku":                                 true,
		"host=localhost port=5432 dbname=polku":                  true,
		"postgres://polku@db.example.fi/polku":                   false,
		"postgres://polku@10.0.0.5/polku":                        false,
		"postgres://polku@[2001:db8::1]/polku":                   false,
		"postgres://polku@localhost,db.example.fi/polku":         false, // the fallback is remote
		"host=db.example.fi dbname=polku":                        false,
		"postgres://polku@localhost.example.fi/polku":            false,
	} {
		host, local, err := localDatabase(dsn)
		if err != nil {
			t.Errorf("%s: %v", dsn, err)
			continue
		}
		if local != want {
			t.Errorf("%s: local = %v (host %q), want %v", dsn, local, host, want)
		}
	}
}

func TestConsoleNewFamilyIsNew(t *testing.T) {
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := &consoleState{out: io.Discard, now: func() time.Time { return clock }, user: telegramtest.User{ID: consoleUser}}
	c.handle(t.Context(), ":new")
	first := c.user.ID
	if first == consoleUser || first == consoleUser+1 {
		t.Fatalf(":new gave family %d", first)
	}
	c.handle(t.Context(), ":new") // the same millisecond
	if c.user.ID <= first {
		t.Errorf("a second :new gave family %d after %d", c.user.ID, first)
	}
	// A later run's new family is not an earlier run's.
	clock = clock.Add(time.Minute)
	later := &consoleState{out: io.Discard, now: func() time.Time { return clock }, user: telegramtest.User{ID: consoleUser}}
	later.handle(t.Context(), ":new")
	if later.user.ID == first || later.user.ID == c.user.ID {
		t.Errorf("a later run's :new gave family %d again", later.user.ID)
	}
}

// The bot's receipt shows under the person's message, as Telegram shows
// a reaction.
func TestConsoleShowsTheReceipt(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{NoLimits: true})
	defer fake.Close()
	u := telegramtest.User{ID: consoleUser, FirstName: "Perhe"}
	fake.SendText(u, "Onko ketään paikalla?")
	said, _ := fake.LastMessage(u.ID)
	b, err := tgbot.New(fake.Token(), tgbot.WithServerURL(fake.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMessageReaction(t.Context(), &tgbot.SetMessageReactionParams{ChatID: u.ID, MessageID: said.ID,
		Reaction: []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: "👌"}}}}); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	c := &consoleState{fake: fake, out: &out, user: u}
	c.print()
	if got, want := out.String(), "  👌 (on your message)\n"; got != want {
		t.Errorf("the console wrote %q, want %q", got, want)
	}
}
