package bot

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"polku/internal/telegramtest"
	"polku/staff"
	"polku/store"
)

// Telegram failing while updates are handled and messages sent: what the
// family, the operator and the coordinators see, what PostgreSQL keeps, and
// that the bot's log never holds its token (secretFreeLog checks it in
// every rig).

// faulty is the conversation rig with quick back-off, so tests see several
// tries in a moment.
func faulty(t *testing.T) *rig {
	o := fast
	o.cfg.Backoff = 10 * time.Millisecond
	o.cfg.GroupProbe = 50 * time.Millisecond
	return newRig(t, o, true)
}

var family = telegramtest.User{ID: 4242, FirstName: "Test", LanguageCode: "fi"}

func catalogueFile(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "files", "catalogue-template.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// calls counts the fake's calls of method.
func calls(fake *telegramtest.Server, method string) int {
	n := 0
	for _, c := range fake.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

// lastText is the newest message the bot sent to chat.
func lastText(fake *telegramtest.Server, chat int64) string {
	msgs := fake.Messages(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].FromBot {
			return msgs[i].Text
		}
	}
	return ""
}

// TestDownloadResetIsRetried: the catalogue's download fails at the network
// level twice (the error holds the file URL, and so the token): the update
// is tried again with back-off, the third try imports, and the log never
// holds the token.
func TestDownloadResetIsRetried(t *testing.T) {
	r := faulty(t)
	r.fake.Fail(telegramtest.Fault{Method: "file", Kind: telegramtest.FaultReset, Times: 3})
	r.fake.SendFile(family, "catalogue-template.csv", catalogueFile(t), "")
	r.settle()
	if got := lastText(r.fake, family.ID); !strings.HasPrefix(got, "✅") {
		t.Errorf("after the downloads failed and came back, the operator got %q; want the import's answer", got)
	}
	var failures int
	for _, c := range r.fake.Calls() {
		if c.Method == "file" && c.Fault != "" {
			failures++
		}
	}
	if failures < 2 {
		t.Errorf("%d downloads failed; the test needs the reset to happen", failures)
	}
}

// TestDownloadRefusedAnswersAtOnce: Telegram will not give the file (a 400
// of getFile): waiting cannot help, so the operator is told at once and the
// update is done, with one getFile call rather than a loop.
func TestDownloadRefusedAnswersAtOnce(t *testing.T) {
	r := faulty(t)
	r.fake.Fail(telegramtest.Fault{Method: "getFile", Status: 400, Description: "Bad Request: wrong file_id or the file is temporarily unavailable"})
	r.fake.SendFile(family, "catalogue-template.csv", catalogueFile(t), "")
	r.settle()
	if got, want := lastText(r.fake, family.ID), "En saanut ladattua tätä tiedostoa Telegramista. Lähetä se uudelleen."; got != want {
		t.Errorf("operator got %q, want %q", got, want)
	}
	if n := calls(r.fake, "getFile"); n != 1 {
		t.Errorf("getFile called %d times for a refused file, want 1", n)
	}
}

// TestDownloadDownGivesUp: Telegram's file server stays down: the update is
// tried a bounded number of times, then the operator hears that something
// went wrong, and the chat goes on with its next update.
func TestDownloadDownGivesUp(t *testing.T) {
	o := fast
	o.cfg.Backoff = 5 * time.Millisecond
	o.cfg.TelegramAttempts = 4
	r := newRig(t, o, true)
	r.fake.Fail(telegramtest.Fault{Method: "file", Status: 502, HTML: true})
	r.fake.SendFile(family, "catalogue-template.csv", catalogueFile(t), "")
	r.settle()
	if got := lastText(r.fake, family.ID); !strings.Contains(got, "jotain meni vikaan") {
		t.Errorf("after giving up the operator got %q; want the apology", got)
	}
	if n := calls(r.fake, "file"); n != 4 {
		t.Errorf("%d downloads for 4 attempts", n)
	}
	r.fake.SendText(family, "/start")
	r.settle()
	if got := lastText(r.fake, family.ID); !strings.HasPrefix(got, "Hei!") {
		t.Errorf("the chat's next update got %q; want the welcome", got)
	}
}

// TestMembershipCheckWaits: getChatMember fails while a coordinator writes
// to a family: the coordinator's update waits and is tried again, honouring
// Telegram's retry_after, instead of hammering Telegram, and the message
// reaches the family once Telegram answers.
func TestMembershipCheckWaits(t *testing.T) {
	r := faulty(t)
	talk(t, r)
	r.fake.Fail(telegramtest.Fault{Method: "getChatMember", Status: 429, RetryAfter: 1, Times: 1})
	r.fake.Fail(telegramtest.Fault{Method: "getChatMember", Status: 500, Times: 2})
	thread := r.fake.Topics(group)[0].ThreadID
	r.fake.Send(group, thread, anna, telegramtest.Content{Text: "Hei, täällä Anna."})
	r.settle()
	if got := lastText(r.fake, family.ID); !strings.Contains(got, "Hei, täällä Anna.") {
		t.Errorf("the family got %q; want Anna's message", got)
	}
	var at []time.Time
	for _, c := range r.fake.Calls() {
		if c.Method == "getChatMember" {
			at = append(at, c.At)
		}
	}
	if len(at) != 4 {
		t.Fatalf("getChatMember called %d times for 3 failures and an answer", len(at))
	}
	if gap := at[1].Sub(at[0]); gap < time.Second {
		t.Errorf("tried again %v after a 429 with retry_after 1", gap)
	}
}

// talk brings the transcripts' family to talk to a person: a case with its
// topic in the group.
func talk(t *testing.T, r *rig) {
	t.Helper()
	talkAs(t, r, family)
	if len(r.fake.Topics(group)) != 1 {
		t.Fatalf("no case topic: %v", r.fake.Topics(group))
	}
}

// waitUntil waits until cond holds, or fails.
func waitUntil(t *testing.T, r *rig, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-time.After(5 * time.Millisecond): // the database cannot tell us
		}
	}
}

func unsent(t *testing.T, r *rig, chat int64) int {
	t.Helper()
	var n int
	if err := r.pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE chat_id = $1 AND sent_at IS NULL AND dropped IS NULL`, chat).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGroupRemoved: the bot is removed from the coordinators' group while a
// family talks to them. The family is told honestly, with the crisis lines,
// that its messages wait; nothing for the group is dropped; operators see it
// in /metrics and /healthz; when the bot is added back, the waiting
// messages reach the topic in order and the family's next message goes
// through as usual.
func TestGroupRemoved(t *testing.T) {
	r := faulty(t)
	talk(t, r)
	r.fake.RemoveBot(group)
	waitUntil(t, r, "the group marked unreachable", func() bool { return len(r.bot.Degraded(context.Background())) > 0 })

	r.fake.SendText(family, "Onko siellä ketään?")
	waitUntil(t, r, "the family's answer", func() bool { return strings.Contains(lastText(r.fake, family.ID), "112") })
	got := lastText(r.fake, family.ID)
	for _, want := range []string{"Teknisen vian vuoksi", "tallessa", "112", "Esimerkkikriisilinja"} {
		if !strings.Contains(got, want) {
			t.Errorf("the family was told %q; want it to say %q", got, want)
		}
	}
	r.fake.SendText(family, "Ja toinen viesti.")
	r.fake.SendText(family, "Pelkään väkivaltaa kotona.")
	waitUntil(t, r, "the answer to the safety word", func() bool { return strings.Contains(lastText(r.fake, family.ID), "Kiitos, että kerroit") })
	if got := lastText(r.fake, family.ID); strings.Contains(got, "Välitin") || !strings.Contains(got, "112") {
		t.Errorf("a safety word while the group is unreachable got %q: never 'passed on at once', always 112", got)
	}
	waitUntil(t, r, "the group's messages held", func() bool { return unsent(t, r, group) >= 3 })
	var dropped int
	if err := r.pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE chat_id = $1 AND dropped IS NOT NULL`, group).Scan(&dropped); err != nil {
		t.Fatal(err)
	}
	if dropped != 0 {
		t.Errorf("%d messages for the group dropped while it was unreachable", dropped)
	}
	rec := httptest.NewRecorder()
	r.bot.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "\npolku_coordinators_group_unreachable 1\n") {
		t.Errorf("/metrics does not show the group unreachable:\n%s", rec.Body.String())
	}

	r.fake.AddBotBack(group, telegramtest.Rights{ManageChat: true, DeleteMessages: true, PinMessages: true, ManageTopics: true})
	r.settle()
	if why := r.bot.Degraded(context.Background()); len(why) > 0 {
		t.Errorf("still degraded after the bot is back: %v", why)
	}
	all := strings.Join(groupTexts(r), "\n")
	first, second := strings.Index(all, "Onko siellä ketään?"), strings.Index(all, "Ja toinen viesti.")
	if first < 0 || second < first {
		t.Errorf("the waiting messages did not reach the topic in order:\n%s", all)
	}
	told := len(r.fake.Messages(family.ID))
	r.fake.SendText(family, "Nyt toimii?")
	r.settle()
	for _, m := range r.fake.Messages(family.ID)[told:] {
		if m.FromBot && strings.Contains(m.Text, "Teknisen vian") {
			t.Errorf("after the bot is back the family is still told %q", m.Text)
		}
	}
	if !strings.Contains(strings.Join(groupTexts(r), "\n"), "Nyt toimii?") {
		t.Error("after the bot is back the family's message did not reach the topic")
	}
}

// TestGroupKickedFoundBySending: no update told the bot it was removed; the
// first message it sends to the group is refused with 403. That message
// waits (it is the probe), the group counts as unreachable, and once
// Telegram takes messages again they all go.
func TestGroupKickedFoundBySending(t *testing.T) {
	r := faulty(t)
	talk(t, r)
	clear := r.fake.Fail(telegramtest.Fault{Method: "copyMessage", ChatID: group, Status: 403, Description: "Forbidden: bot was kicked from the supergroup chat"})
	r.fake.SendText(family, "Ensimmäinen")
	waitUntil(t, r, "the group marked unreachable", func() bool { return len(r.bot.Degraded(context.Background())) > 0 })
	// The family was not told its message waits when it went; now it is.
	waitUntil(t, r, "the family told its message waits", func() bool {
		return strings.Contains(lastText(r.fake, family.ID), "eivät ole vielä menneet perille")
	})
	r.fake.SendText(family, "Toinen")
	waitUntil(t, r, "the family told", func() bool { return strings.Contains(lastText(r.fake, family.ID), "Voit silti kirjoittaa tänne") })
	if n := unsent(t, r, group); n < 2 {
		t.Errorf("%d messages wait for the group, want both", n)
	}
	clear()
	waitUntil(t, r, "the held message's next try going through", func() bool { return len(r.bot.Degraded(context.Background())) == 0 })
	r.settle()
	if n := unsent(t, r, group); n != 0 {
		t.Errorf("%d messages still wait for the group", n)
	}
}

// TestTokenRefused: the token is revoked in BotFather while the bot runs:
// what it sends waits for a valid token instead of being dropped, and the
// log says so without the token.
func TestTokenRefused(t *testing.T) {
	r := faulty(t)
	r.fake.SendText(family, "/start")
	r.settle()
	r.fake.RevokeToken()
	o := out{Method: "send", ChatID: family.ID, Text: "Muistutus"}
	if err := r.db.Queue(context.Background(), []store.Out{{ChatID: family.ID, Payload: encode(o)}}); err != nil {
		t.Fatal(err)
	}
	wake(r.bot.sendWake)
	waitUntil(t, r, "Telegram refusing the token", func() bool {
		for _, c := range r.fake.Calls() {
			if c.Method == "sendMessage" && c.Status == 401 {
				return true
			}
		}
		return false
	})
	var waiting, dropped int
	if err := r.pool.QueryRow(context.Background(), `
		SELECT count(*) FILTER (WHERE sent_at IS NULL AND dropped IS NULL), count(*) FILTER (WHERE dropped IS NOT NULL)
		FROM outbox WHERE chat_id = $1`, family.ID).Scan(&waiting, &dropped); err != nil {
		t.Fatal(err)
	}
	if waiting != 1 || dropped != 0 {
		t.Errorf("after the token was refused: %d waiting, %d dropped; want the message waiting", waiting, dropped)
	}
}

// groupTexts are the texts of the coordinators' group, oldest first.
func groupTexts(r *rig) []string {
	var texts []string
	for _, m := range r.fake.Messages(group) {
		texts = append(texts, m.Text)
	}
	return texts
}

// talkAs brings u to talk to a person: its case's topic in the group.
func talkAs(t *testing.T, r *rig, u telegramtest.User) {
	t.Helper()
	r.fake.SendText(u, "/start")
	r.settle()
	id, data := r.button(u.ID, "💬 Juttele ihmisen kanssa", true)
	if _, err := r.fake.Press(u, id, data); err != nil {
		t.Fatal(err)
	}
	r.settle()
}

// stickersIn counts the stickers the bot copied into the group's topic
// thread.
func stickersIn(r *rig, thread int) int {
	n := 0
	for _, m := range r.fake.Messages(group) {
		if m.FromBot && m.Media == "sticker" && m.ThreadID == thread {
			n++
		}
	}
	return n
}

// TestFloodIsHeld: one family sends 40 stickers while it talks to the
// coordinators, under the group's real limit. Its topic's backlog stays
// bounded (the rest is held, with one notice), another family's urgent
// alert goes before the flood's backlog, and when a coordinator asks for
// the held messages they all reach the topic: nothing is lost.
func TestFloodIsHeld(t *testing.T) {
	o := fast
	o.cfg.Backoff = 10 * time.Millisecond
	o.cfg.Senders = 0
	// The group takes 5 messages a second here (Telegram: about 20 a
	// minute), enough to fall behind a flood and quick enough for a test.
	o.fake.PerGroup = telegramtest.Limit{Rate: 5, Burst: 3}
	o.cfg.GroupRate, o.cfg.GroupBurst = 4.5, 3
	r := newRig(t, o, true)
	r.names = map[int64]string{family.ID: ""}
	flooder := family
	other := r.other("Aino", "fi")
	talkAs(t, r, flooder)
	talkAs(t, r, other)
	topics := r.fake.Topics(group)
	if len(topics) != 2 {
		t.Fatalf("topics: %v", topics)
	}
	floodTopic := topics[0].ThreadID
	for range 40 {
		r.fake.SendSticker(flooder)
	}
	waitUntil(t, r, "the flood applied", func() bool {
		if r.fake.Pending() > 0 {
			return false
		}
		n, err := r.db.Unapplied(context.Background())
		return err == nil && n == 0
	})
	if n := unsent(t, r, group); n > staff.MaxCaseBacklog+2 {
		t.Errorf("%d messages wait for the group after a flood of 40; want at most %d", n, staff.MaxCaseBacklog+2)
	}
	before := len(r.fake.Messages(group))
	r.fake.SendText(other, "Pelkään väkivaltaa kotona.")
	waitUntil(t, r, "the alert", func() bool {
		for _, m := range r.fake.Messages(group)[before:] {
			if strings.HasPrefix(m.Text, "🆘") {
				return true
			}
		}
		return false
	})
	if sent := stickersIn(r, floodTopic); sent >= 40 {
		t.Errorf("the alert came only after the whole flood (%d copies)", sent)
	}
	// The notice, then a coordinator brings the held ones in, a screenful
	// at a time, until none are left.
	for round := 0; stickersIn(r, floodTopic) < 40; round++ {
		if round > 10 {
			t.Fatalf("after %d rounds %d of 40 stickers reached the topic", round, stickersIn(r, floodTopic))
		}
		waitUntil(t, r, "the notice of held messages", func() bool {
			msgs := r.fake.Messages(group)
			return len(msgs) > 0 && strings.HasPrefix(msgs[len(msgs)-1].Text, "📥") || stickersIn(r, floodTopic) == 40
		})
		if stickersIn(r, floodTopic) == 40 {
			break
		}
		msgs := r.fake.Messages(group)
		notice := msgs[len(msgs)-1]
		if len(notice.Inline) == 0 {
			t.Fatalf("the notice %q has no button", notice.Text)
		}
		if _, err := r.fake.PressIn(group, anna, notice.ID, notice.Inline[0][0].Data); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, r, "the held messages shown", func() bool {
			m, _ := r.fake.Message(group, notice.ID)
			return len(m.Inline) == 0
		})
		waitUntil(t, r, "the group's backlog sent", func() bool { return unsent(t, r, group) == 0 })
	}
	if n := scalar(t, r, `SELECT count(*) FROM case_held`); n != 0 {
		t.Errorf("%d messages still held", n)
	}
}

func scalar(t *testing.T, r *rig, sql string) int {
	t.Helper()
	var n int
	if err := r.pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReceipts: each message of a family talking to a person gets a 👌
// on it once it is taken into its case, queued after its copy to the
// topic; a receipt Telegram refuses (the family deleted the message before
// the receipt went) is dropped, and the family's chat goes on.
func TestReceipts(t *testing.T) {
	r := faulty(t)
	talk(t, r)
	var ids []int
	for _, text := range []string{"Hei, tarvitsisin apua.", "Poikani ei saa kavereita.", "Kiitos!"} {
		r.fake.SendText(family, text)
		m, _ := r.fake.LastMessage(family.ID)
		ids = append(ids, m.ID)
	}
	r.settle()
	reacted := map[int]string{}
	for _, e := range r.fake.Events(0) {
		if e.Kind == "react" {
			if e.ChatID != family.ID {
				t.Errorf("a reaction in chat %d", e.ChatID)
			}
			if _, twice := reacted[e.Message.ID]; twice {
				t.Errorf("message %d got two reactions", e.Message.ID)
			}
			reacted[e.Message.ID] = e.Reaction
		}
	}
	if len(reacted) != len(ids) {
		t.Errorf("reactions on %v, want one on each of %v", reacted, ids)
	}
	for _, id := range ids {
		if reacted[id] != "👌" {
			t.Errorf("message %d got reaction %q, want 👌", id, reacted[id])
		}
		// The receipt is queued after the copy, in the same update's
		// transaction, on the family's own lane; both went.
		var copied, receipt, lane int64
		var sent bool
		if err := r.pool.QueryRow(context.Background(), `
			SELECT c.id, x.id, x.lane, c.sent_at IS NOT NULL AND x.sent_at IS NOT NULL
			FROM outbox c, outbox x
			WHERE c.chat_id = $1 AND c.payload->>'m' = 'copy' AND (c.payload->>'msg')::int = $3
			  AND x.chat_id = $2 AND x.payload->>'m' = 'react' AND (x.payload->>'msg')::int = $3`,
			group, family.ID, id).Scan(&copied, &receipt, &lane, &sent); err != nil {
			t.Fatalf("message %d: the copy and the receipt: %v", id, err)
		}
		if receipt < copied || lane != 0 || !sent {
			t.Errorf("message %d: copy %d, receipt %d on lane %d, both sent %v; want the receipt after the copy, on lane 0, sent", id, copied, receipt, lane, sent)
		}
	}

	// The receipt hangs in Telegram while the family deletes its message:
	// Telegram then refuses it.
	clear := r.fake.Fail(telegramtest.Fault{Method: "setMessageReaction", ChatID: family.ID, Kind: telegramtest.FaultHang})
	r.fake.SendText(family, "Tämän poistan kohta.")
	gone, _ := r.fake.LastMessage(family.ID)
	waitUntil(t, r, "the copy, and the receipt on its way", func() bool {
		texts := groupTexts(r)
		return r.fake.Held() > 0 && len(texts) > 0 && texts[len(texts)-1] == "Tämän poistan kohta."
	})
	if !r.fake.DeleteByUser(family, gone.ID) {
		t.Fatal("the family could not delete its message")
	}
	clear()
	var dropped string
	waitUntil(t, r, "the refused receipt dropped", func() bool {
		err := r.pool.QueryRow(context.Background(), `
			SELECT coalesce(dropped, '') FROM outbox WHERE chat_id = $1 AND payload->>'m' = 'react' AND (payload->>'msg')::int = $2`,
			family.ID, gone.ID).Scan(&dropped)
		return err == nil && dropped != ""
	})
	if dropped != "receipt refused" {
		t.Errorf("the receipt was dropped as %q, want receipt refused", dropped)
	}
	refused := false
	for _, c := range r.fake.Calls() {
		if c.Method == "setMessageReaction" && c.Status == 400 && c.Error == "Bad Request: message to react not found" {
			refused = true
		}
	}
	if !refused {
		t.Error("Telegram did not refuse the receipt of the deleted message")
	}
	// The lane goes on: what a coordinator writes reaches the family.
	thread := r.fake.Topics(group)[0].ThreadID
	r.fake.Send(group, thread, anna, telegramtest.Content{Text: "Hei, täällä Anna."})
	r.settle()
	if got := lastText(r.fake, family.ID); !strings.Contains(got, "Hei, täällä Anna.") {
		t.Errorf("the family got %q; want Anna's message", got)
	}
	if n := unsent(t, r, family.ID); n != 0 {
		t.Errorf("%d messages wait for the family", n)
	}
}
