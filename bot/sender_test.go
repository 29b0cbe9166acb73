package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"polku"
	"polku/flows"
	"polku/internal/telegramtest"
	"polku/store"
)

// rig is the harness with what the sender's and the webhook's tests need
// beyond it: the database's URL and a pool of their own, to read what
// PostgreSQL holds, and a choice of ingestion (long polling, or none: the
// test hands updates to the webhook handler itself).

// until polls PostgreSQL (which cannot tell us) until cond holds.
func (r *rig) until(what string, cond func() (bool, error)) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := cond()
		if err != nil {
			r.t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("waited 20s for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitFake waits until cond holds on the fake's side.
func (r *rig) waitFake(what string, cond func() bool) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.fake.Wait(ctx, cond); err != nil {
		r.t.Fatalf("waited 20s for %s", what)
	}
}

// outboxRow is one message as PostgreSQL holds it.
type outboxRow struct {
	id        int64
	call      out
	sent      bool
	messageID *int
	dropped   *string
	updateID  *int64
}

func (r *rig) outbox(chat int64) []outboxRow {
	r.t.Helper()
	rows, err := r.pool.Query(context.Background(), `
		SELECT id, payload, sent_at IS NOT NULL, message_id, dropped, update_id
		FROM outbox WHERE chat_id = $1 ORDER BY id`, chat)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var o outboxRow
		var payload []byte
		if err := rows.Scan(&o.id, &payload, &o.sent, &o.messageID, &o.dropped, &o.updateID); err != nil {
			r.t.Fatal(err)
		}
		if err := json.Unmarshal(payload, &o.call); err != nil {
			r.t.Fatal(err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	return out
}

// checkDelivered checks that the family of chat saw exactly what the outbox
// holds for them, in the outbox's order, each message once: every row sent,
// with the ID of the message the family got. It returns how many messages
// that is.
func (r *rig) checkDelivered(chat int64) int {
	r.t.Helper()
	var got []telegramtest.Message
	for _, m := range r.fake.Messages(chat) {
		if m.FromBot {
			got = append(got, m)
		}
	}
	rows := r.outbox(chat)
	var sends []outboxRow
	for _, o := range rows {
		if !o.sent {
			r.t.Errorf("chat %d: outbox message %d not sent (dropped: %v)", chat, o.id, deref(o.dropped))
		}
		if o.call.Method == "send" {
			sends = append(sends, o)
		}
	}
	if len(got) != len(sends) {
		r.t.Errorf("chat %d: the family got %d messages, the outbox holds %d", chat, len(got), len(sends))
	}
	for i := range min(len(got), len(sends)) {
		o, m := sends[i], got[i]
		if o.messageID == nil || *o.messageID != m.ID || strings.TrimSpace(o.call.Text) != m.Text {
			r.t.Errorf("chat %d, message %d: the family got #%d %.40q; the outbox has #%v %.40q", chat, i+1, m.ID, m.Text, deref(o.messageID), o.call.Text)
		}
	}
	return len(got)
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestSenderStrictLimits runs the bot with Telegram's limits on both sides:
// one family sends a burst of messages, thirty more families write at the
// same moment. Everything arrives, in order, without a single 429.
func TestSenderStrictLimits(t *testing.T) {
	r := newRig(t, harnessOptions{}, true) // Telegram's limits; the bot's defaults
	start := time.Now()
	busy := telegramtest.User{ID: 5000, FirstName: "Busy", LanguageCode: "fi"}
	// Nine messages, one an update: three at once, then one a second.
	// No two in a row are the same (the same message again, while a few
	// wait, is sent once).
	r.fake.SendSticker(busy)
	r.fake.SendText(busy, "/help")
	r.fake.SendText(busy, "hei")
	r.fake.SendPhoto(busy, "")
	r.fake.SendText(busy, "/help")
	r.fake.SendSticker(busy)
	r.fake.SendText(busy, "hei")
	r.fake.SendText(busy, "/privacy")
	r.fake.SendPhoto(busy, "")
	var others []telegramtest.User
	langs := polku.Languages()
	for i := range 30 {
		u := telegramtest.User{ID: 6000 + int64(i), FirstName: "Family", LanguageCode: langs[i%len(langs)]}
		others = append(others, u)
		r.fake.SendSticker(u)
		r.fake.SendText(u, "/help")
	}
	r.settle()
	if n := r.checkDelivered(busy.ID); n != 9 {
		t.Errorf("the busy family got %d messages, want 9", n)
	}
	for _, u := range others {
		if n := r.checkDelivered(u.ID); n != 2 {
			t.Errorf("family %d got %d messages, want 2", u.ID, n)
		}
	}
	if n := r.fake.TooManyRequests(); n != 0 {
		for _, c := range r.fake.Calls() {
			if c.Status == 429 {
				t.Logf("429 at %s for chat %d: %s", c.At.Sub(start), c.ChatID, c.Error)
			}
		}
		t.Errorf("Telegram answered 429 %d times: the sender went over the limits", n)
	}
	// Not slower than the limits need: the busy chat's nine messages take
	// six seconds at one a second after a burst of three.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("sending took %s", d)
	}
}

// TestSender429 runs a bot that thinks Telegram allows far more than it
// does: Telegram's 429s, with their retry_after, are what keep it in line.
func TestSender429(t *testing.T) {
	r := newRig(t, harnessOptions{
		fake: telegramtest.Options{PerChat: telegramtest.Limit{Rate: 0.5, Burst: 1}},
		cfg:  Config{ChatRate: 1000, ChatBurst: 1000},
	}, true)
	u := telegramtest.User{ID: 5100, FirstName: "Anna", LanguageCode: "sv"}
	r.fake.SendText(u, "/start")
	r.fake.SendSticker(u)
	r.fake.SendText(u, "/help")
	r.settle()
	if n := r.checkDelivered(u.ID); n != 3 {
		t.Errorf("the family got %d messages, want 3", n)
	}
	if r.fake.TooManyRequests() == 0 {
		t.Fatal("no 429: the test did not test anything")
	}
	// After a 429 the chat is quiet for retry_after seconds.
	calls := r.fake.Calls()
	for i, c := range calls {
		if c.Status != 429 || c.ChatID != u.ID {
			continue
		}
		if c.RetryAfter < 1 {
			t.Errorf("429 without retry_after: %+v", c)
		}
		for _, next := range calls[i+1:] {
			if next.ChatID == u.ID && next.Method == "sendMessage" {
				if wait := next.At.Sub(c.At); wait < time.Duration(c.RetryAfter)*time.Second {
					t.Errorf("sent again %s after a 429 with retry_after %d", wait, c.RetryAfter)
				}
				break
			}
		}
	}
	// Honouring retry_after means about one 429 per message, not a storm.
	if n := r.fake.TooManyRequests(); n > 3 {
		t.Errorf("%d 429s for 3 messages", n)
	}
}

// TestSenderBlocked: a family blocks the bot. The chat is marked, nothing
// is sent or left waiting; when they restart the bot, it answers again.
func TestSenderBlocked(t *testing.T) {
	r := newRig(t, fast, true)
	ctx := context.Background()
	u := telegramtest.User{ID: 5200, FirstName: "Anna", LanguageCode: "fi"}
	r.fake.SendText(u, "/start")
	r.settle()
	r.checkDelivered(u.ID)

	blockedAt := func() (*time.Time, error) {
		var at *time.Time
		err := r.pool.QueryRow(ctx, `SELECT blocked_at FROM conversations WHERE chat_id = $1`, u.ID).Scan(&at)
		return at, err
	}
	r.fake.Block(u.ID)
	r.until("blocked_at to be set", func() (bool, error) { at, err := blockedAt(); return at != nil, err })
	seen := len(r.fake.Events(0))

	// A message the family sent just before blocking arrives after it.
	id := r.fake.Inject(json.RawMessage(fmt.Sprintf(`{"message":{"from":{"id":%d,"is_bot":false,"first_name":"Anna","language_code":"fi"},`+
		`"chat":{"id":%[1]d,"first_name":"Anna","type":"private"},"date":%d,"text":"hei"}}`, u.ID, time.Now().Unix())))
	r.settle()
	for _, e := range r.fake.Events(seen) {
		if e.ChatID == u.ID {
			t.Errorf("the bot did something in the blocked chat: %s %q", e.Kind, e.Message.Text)
		}
	}
	var answered, last int64
	for _, o := range r.outbox(u.ID) {
		last = o.id
		if o.updateID == nil || *o.updateID != id {
			continue
		}
		answered++
		if o.sent || o.dropped == nil || *o.dropped != "blocked" {
			t.Errorf("reply %d to a blocked family: sent %v, dropped %v", o.id, o.sent, deref(o.dropped))
		}
	}
	if answered == 0 {
		t.Error("the message sent before blocking was not answered at all")
	}
	if at, err := blockedAt(); err != nil || at == nil {
		t.Errorf("blocked_at = %v, %v after the sender met the block", at, err)
	}
	// Telegram was asked once, not again and again.
	refused := 0
	for _, c := range r.fake.Calls() {
		if c.ChatID == u.ID && c.Status == 403 {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("the sender tried %d times to write to the blocked chat, want 1", refused)
	}

	// "Restart bot": the family is back.
	r.fake.Unblock(u.ID)
	r.until("blocked_at to be cleared", func() (bool, error) { at, err := blockedAt(); return at == nil, err })
	r.fake.SendText(u, "/help")
	r.settle()
	var got []string
	for _, e := range r.fake.Events(seen) {
		if e.ChatID == u.ID && e.Kind == "send" {
			got = append(got, e.Message.Text)
		}
	}
	help := strings.TrimSpace(r.bot.render.loc.Message("fi", "usage.text", nil, nil))
	if len(got) != 1 || !strings.HasPrefix(got[0], help+"\n\n") {
		t.Errorf("after unblocking the family got %.60q, want the help with the question", got)
	}
	for _, o := range r.outbox(u.ID) {
		if o.id > last && !o.sent {
			t.Errorf("after unblocking, message %d was not sent (dropped: %v)", o.id, deref(o.dropped))
		}
	}
}

// utf16Units counts as Telegram does, independently of render.go.
func utf16Units(s string) int { return len(utf16.Encode([]rune(s))) }

func TestUTF16Length(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"Kuusamo", 7},
		{"äöå", 3},
		{"Привіт", 6},
		{"👍", 2},
		{"👨‍👩‍👧", 8}, // three people and two joiners
		{"🇫🇮", 4},
		{"a👍б", 4},
	} {
		if got := utf16Len(tt.s); got != tt.want || got != utf16Units(tt.s) {
			t.Errorf("utf16Len(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"a👍b", 1, "a"},
		{"a👍b", 2, "a"}, // never half an emoji
		{"a👍b", 3, "a👍"},
		{"Привіт", 3, "При"},
		{"abc", 10, "abc"},
	} {
		if got := prefixUTF16(tt.s, tt.n); got != tt.want {
			t.Errorf("prefixUTF16(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
	if got := truncate(strings.Repeat("👍", 150), 200); utf16Units(got) > 200 || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) {
		t.Errorf("truncate to 200: %d units, %q", utf16Units(got), got)
	}
}

func TestSplit(t *testing.T) {
	para := "Привіт! Ми допомагаємо родинам 👨‍👩‍👧 знайти заняття разом 🌲🎨." // Cyrillic and emoji
	buttons := [][]inlineButton{{{Text: "OK", Data: "1:ok"}}}
	tests := []struct {
		name string
		text string
	}{
		{"paragraphs", strings.Repeat(para+"\n\n", 120)},
		{"lines", strings.Repeat(para+"\n", 130)},
		{"no breaks at all", strings.Repeat("👍Б", 3000)},
		{"emoji across the limit", strings.Repeat("a", 4095) + strings.Repeat("👍", 10)},
		{"just over", strings.Repeat("ж", 4097)},
		{"long paragraph after a short one", "Short.\n\n" + strings.Repeat("ж", 5000)},
		{"trailing newline over the limit", strings.Repeat("a", 4096) + "\n"},
		{"trailing space over the limit", strings.Repeat("a", 4096) + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := out{Method: "send", ChatID: 1, Text: tt.text, Inline: buttons}
			parts := split(o)
			if n := utf16Units(strings.TrimSpace(tt.text)); n > maxText && len(parts) < 2 {
				t.Fatalf("%d units in %d part(s)", n, len(parts))
			}
			var joined strings.Builder
			for i, p := range parts {
				if n := utf16Units(p.Text); n > maxText {
					t.Errorf("part %d has %d UTF-16 units", i+1, n)
				}
				if strings.TrimSpace(p.Text) == "" {
					t.Errorf("part %d is empty: Telegram refuses it (and with it the buttons)", i+1)
				}
				if !utf8.ValidString(p.Text) {
					t.Errorf("part %d cuts a character in half", i+1)
				}
				if p.Method != "send" || p.ChatID != 1 {
					t.Errorf("part %d: %+v", i+1, p)
				}
				if last := i == len(parts)-1; last != (p.Inline != nil) {
					t.Errorf("part %d of %d has buttons %v", i+1, len(parts), p.Inline)
				}
				joined.WriteString(p.Text)
			}
			// Nothing is lost but the line breaks at the cuts.
			if strip(joined.String()) != strip(tt.text) {
				t.Error("the parts do not add up to the text")
			}
		})
	}
	// A short message is left alone; an edit cannot be split, so it is cut.
	if parts := split(out{Method: "send", Text: "hei"}); len(parts) != 1 || parts[0].Text != "hei" {
		t.Errorf("split of a short message: %+v", parts)
	}
	long := strings.Repeat("ж", 5000)
	if parts := split(out{Method: "edit", MessageID: 3, Text: long, Inline: buttons}); len(parts) != 1 || utf16Units(parts[0].Text) > maxText || parts[0].Inline == nil {
		t.Errorf("split of a long edit: %d parts, %d units", len(parts), utf16Units(parts[0].Text))
	}
}

func strip(s string) string { return strings.NewReplacer("\n", "", " ", "").Replace(s) }

// TestLongReplyDelivered renders a reply far longer than Telegram allows
// and sends it through the fake, which counts as Telegram does: every part
// arrives, the buttons under the last.
func TestLongReplyDelivered(t *testing.T) {
	r := newRig(t, fast, true)
	u := telegramtest.User{ID: 5300, FirstName: "Olena", LanguageCode: "uk"}
	r.fake.SendText(u, "/start")
	r.settle()
	before := len(r.fake.Messages(u.ID))

	var texts []flows.Text
	for range 12 {
		texts = append(texts, flows.T("privacy.full"), flows.T("welcome.text"))
	}
	res := flows.Result{Replies: []flows.Reply{{Text: texts, Inline: [][]flows.Button{{{Label: flows.T("welcome.go"), Payload: "1:go"}}}}}}
	calls := r.bot.render.replies("uk", u.ID, "", res)
	if len(calls) < 2 {
		t.Fatalf("a reply of %d units was not split", utf16Units(r.bot.render.paragraphs("uk", texts)))
	}
	var outs []store.Out
	for _, c := range calls {
		outs = append(outs, store.Out{ChatID: u.ID, Priority: store.PriorityReply, Payload: encode(c)})
	}
	if err := r.db.Queue(context.Background(), outs); err != nil {
		t.Fatal(err)
	}
	wake(r.bot.sendWake)
	r.settle()
	r.checkDelivered(u.ID)
	msgs := r.fake.Messages(u.ID)[before:]
	if len(msgs) != len(calls) {
		t.Fatalf("the family got %d messages, want %d", len(msgs), len(calls))
	}
	for i, m := range msgs {
		if n := utf16Units(m.Text); n > maxText || n == 0 {
			t.Errorf("message %d has %d units", i+1, n)
		}
		if last := i == len(msgs)-1; last != (len(m.Inline) > 0) {
			t.Errorf("message %d of %d: buttons %v", i+1, len(msgs), m.Inline)
		}
	}
}

func TestSetCommands(t *testing.T) {
	h := newHarness(t, fast)
	if err := h.bot.SetCommands(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"":   {"start Aloita tai jatka", "activities Etsi tekemistä", "mine Ilmoittautumiseni", "card Hyvinvointikorttini", "settings Muistutukset ja uutiset päälle tai pois", "menu Valikko", "language Vaihda kieli", "privacy Tietosuoja ja tietosi", "stop Ei enää uutisia tekemisestä", "help Miten tämä toimii"},
		"fi": {"start Aloita tai jatka", "activities Etsi tekemistä", "mine Ilmoittautumiseni", "card Hyvinvointikorttini", "settings Muistutukset ja uutiset päälle tai pois", "menu Valikko", "language Vaihda kieli", "privacy Tietosuoja ja tietosi", "stop Ei enää uutisia tekemisestä", "help Miten tämä toimii"},
		"sv": {"start Börja eller fortsätt", "activities Hitta aktiviteter", "mine Mina anmälningar", "card Mitt välmåendekort", "settings Påminnelser och nyheter på eller av", "menu Meny", "language Byt språk", "privacy Dataskydd och dina uppgifter", "stop Inga fler nyheter om aktiviteter", "help Så här fungerar det"},
		"en": {"start Start or continue", "activities Find activities", "mine My sign-ups", "card My wellbeing card", "settings Reminders and news on or off", "menu Menu", "language Change the language", "privacy Your privacy and data", "stop No more news of activities", "help How this works"},
		"uk": {"start Почати або продовжити", "activities Знайти заняття", "mine Мої записи", "card Моя картка благополуччя", "settings Увімкнути або вимкнути нагадування й новини", "menu Меню", "language Змінити мову", "privacy Конфіденційність і Ваші дані", "stop Більше без новин про заняття", "help Як це працює"},
	}
	for lang, w := range want {
		var got []string
		for _, c := range h.fake.Commands(lang) {
			got = append(got, c.Command+" "+c.Description)
		}
		if strings.Join(got, "\n") != strings.Join(w, "\n") {
			t.Errorf("commands for %q:\n%s\nwant\n%s", lang, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
}

// TestMetrics: after a family's first message the operator's numbers show
// it, and nothing personal.
func TestMetrics(t *testing.T) {
	h := newHarness(t, fast)
	u := telegramtest.User{ID: 31, FirstName: "Secret Name", LanguageCode: "fi"}
	h.fake.SendText(u, "/start")
	h.settle()
	h.fake.PressRaw(u, 1, "P") // talk to a person
	h.settle()
	rec := httptest.NewRecorder()
	h.bot.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	// The family's two updates, and the group's service messages (new
	// members, the pinned summary) are applied too.
	if !regexp.MustCompile(`polku_updates_applied_total ([2-9]|\d\d)\n`).MatchString(body) {
		t.Errorf("metrics lack the applied updates:\n%s", body)
	}
	for _, want := range []string{"polku_messages_sent_total ", "polku_cases_open 1", "polku_cases_unclaimed 1", "polku_updates_waiting 0", "# TYPE polku_telegram_429_total counter"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Secret") || strings.Contains(body, "31") {
		t.Errorf("metrics mention the family:\n%s", body)
	}
}

// TestInFlight sizes the sender from the rate and Telegram's latency:
// enough sends in flight to reach the rate, with headroom, within the
// floor and the ceiling.
func TestInFlight(t *testing.T) {
	for _, tt := range []struct {
		rate    float64
		latency time.Duration
		ceiling int
		want    int
	}{
		{30, 0, 64, 4},                       // nothing measured yet: the floor
		{30, time.Millisecond, 64, 4},        // Telegram next door
		{30, 100 * time.Millisecond, 64, 5},  // 4.5
		{30, 300 * time.Millisecond, 64, 14}, // 13.5
		{30, time.Second, 64, 45},
		{30, 10 * time.Second, 64, 64}, // Telegram hanging: the ceiling
		{300, 300 * time.Millisecond, 128, 128},
		{30, 300 * time.Millisecond, 8, 8}, // Config.Senders is the ceiling
		{30, 300 * time.Millisecond, 2, 2}, // even below the floor
	} {
		got := inFlight(tt.rate, tt.latency, tt.ceiling)
		if got != tt.want {
			t.Errorf("inFlight(%g/s, %s, %d) = %d, want %d", tt.rate, tt.latency, tt.ceiling, got, tt.want)
		}
		// Unless capped, that many reach the rate and more.
		if got < tt.ceiling && tt.latency > 0 && float64(got)/tt.latency.Seconds() < tt.rate {
			t.Errorf("%d in flight at %s reach %.1f/s, under %g/s", got, tt.latency, float64(got)/tt.latency.Seconds(), tt.rate)
		}
	}
}

// TestPace follows Telegram's latency as it changes.
func TestPace(t *testing.T) {
	p := &pace{rate: 30, ceiling: 64}
	if n := p.size(); n != minInFlight {
		t.Errorf("before any call: %d in flight, want %d", n, minInFlight)
	}
	for range 30 {
		p.observe(300 * time.Millisecond)
	}
	if n := p.size(); n != 14 {
		t.Errorf("at 300ms: %d in flight, want 14", n)
	}
	// One call that hung moves it a little, not to the ceiling; a
	// latency that stays high is followed.
	p.observe(10 * time.Second)
	if n := p.size(); n < 14 || n > 24 {
		t.Errorf("after one call of 10s: %d in flight, want a little over 14", n)
	}
	for range 20 {
		p.observe(time.Second)
	}
	if n := p.size(); n < 40 || n > 45 {
		t.Errorf("at 1s: %d in flight, want about 45", n)
	}
	for range 60 {
		p.observe(20 * time.Millisecond)
	}
	if n := p.size(); n != minInFlight {
		t.Errorf("back at 20ms: %d in flight, want %d", n, minInFlight)
	}
}

// TestCaseTopicTelegramNeverHad: the case's topic is one the Telegram the
// bot talks to never had (the console's fake Telegram started again on the
// same database). The family's next message opens a new topic for the
// case, with its summary pinned, and arrives there; the case keeps it.
// When Telegram fails the summary in the new topic, the topic is the
// case's all the same, and the summary follows: no topic is left empty.
func TestCaseTopicTelegramNeverHad(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault bool
		want  []string
	}{
		{"summary first", false, []string{"📋 Asia #1", "case.new_topic", "Is anyone there?"}},
		{"summary refused once", true, []string{"Is anyone there?", "📋 Asia #1", "case.new_topic"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fast)
			fam := telegramtest.User{ID: 4244, FirstName: "Test", LanguageCode: "en"}
			h.names = map[int64]string{fam.ID: ""}
			h.family = fam.ID
			for _, a := range []string{"/start", "[💬 Talk to a person]", "Hello?"} {
				h.act(fam, a)
				h.settle()
			}
			if _, err := h.pool.Exec(t.Context(), `UPDATE cases SET thread_id = 4242, summary_id = 4243`); err != nil {
				t.Fatal(err)
			}
			if tc.fault {
				h.fake.Fail(telegramtest.Fault{Method: "sendMessage", ChatID: group, Times: 1, Status: 500})
			}
			h.act(fam, "Is anyone there?")
			h.settle()
			var thread, summary int
			if err := h.pool.QueryRow(t.Context(), `SELECT thread_id, summary_id FROM cases`).Scan(&thread, &summary); err != nil {
				t.Fatal(err)
			}
			topics := h.fake.Topics(group)
			if len(topics) != 2 || topics[1].ThreadID != thread {
				t.Fatalf("topics %+v, the case's %d", topics, thread)
			}
			var got []string
			for _, m := range h.fake.Messages(group) {
				if m.ThreadID == thread && m.Text != "" {
					got = append(got, strings.SplitN(m.Text, "\n", 2)[0])
				}
				if m.ID == summary && (m.ThreadID != thread || !m.Pinned) {
					t.Errorf("the summary %+v is not pinned in the new topic", m)
				}
			}
			for i, w := range tc.want {
				if w == "case.new_topic" {
					tc.want[i] = h.bot.gl(w, nil)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("the new topic has %q, want %q", got, tc.want)
			}
		})
	}
}
