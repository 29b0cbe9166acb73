package bot

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"polku"
	"polku/internal/servicetest"
	"polku/internal/telegramtest"
	"polku/staff"
)

var update = flag.Bool("update", false, "rewrite the transcripts with what the bot does now")

// TestTranscripts replays every conversation under testdata/transcripts
// through the real adapter, the fake Bot API and PostgreSQL, and compares
// what the family sees with the file.
//
// A transcript is plain text:
//
//	# comment; "# telegram language: sv-FI" sets the family's language_code;
//	#   "# controller: fictional" the privacy notice names a fictional
//	#   data controller (none when not given);
//	#   "# wellbeing: who5" (or own, off) the intake's wellbeing instrument,
//	#   Polku's own statements when not given; "# service: 23 municipalities
//	#   in three regions" the made-up service of internal/servicetest
//	#   instead of Kuusamo and Kalajoki; "# managers: Anna" makes
//	#   coordinator Anna a manager too; "# costs from the configuration:
//	#   monthly 5000" the report's configured costs, as /costs writes them
//	#   coordinators (Anna, Ben) the service's managers; "# service: two
//	#   regions" puts Kuusamo in Koillismaa and Kalajoki in Kalajokilaakso;
//	#   "# roles: Maija manager region:koillismaa" gives Maija (another
//	#   person of the transcript, @Maija) that role in the configuration
//	> text a family types, or /command
//	> [Button label]            press the newest button with that label
//	> [Button label] twice      a double tap (both presses arrive before any answer)
//	> {Keyboard label}          tap a reply-keyboard button
//	> (sticker) (photo) (voice) (contact) (contact of someone else) (long text)
//	> (edit) new text           edit the family's last message
//	> (photo) caption           a photo with a caption
//	> (text "a\n\u200bb")       typed text as a Go string literal, for line
//	                            breaks and invisible characters
//	> (stale [Button label])    press the oldest button with that label
//	> (forged DATA)             press the newest keyboard with made-up callback data
//	> (wait 2d)                 the family comes back later (h, m or d)
//	> (stored)                  what PostgreSQL holds about the family
//	> (block the bot)           the family blocks the bot in Telegram's app
//	> @Name action              another family (Name) does the action
//	> @Name (joins, wants news) another family finishes the intake at once
//	                            (Kuusamo, 7–12, nature) and says yes to news;
//	                            "no news", "feeling low" (a low WHO-5) and
//	                            "blocks the bot" (afterwards) change it
//	> (file NAME)               send testdata/files/NAME as a document
//	> (cancel activity TITLE)   the operator re-imports the sample catalogue
//	> (move activity TITLE +2h)   with that activity cancelled, or moved,
//	> (neighbours of activity TITLE: Posio)  or open to Posio's families too
//	> (video) (location) (document)   more media from the family
//	> (scan card) (verify card) a provider checks the family's card
//	> (open LINK)               open the newest t.me link with start=LINK…
//	                            that the bot wrote in the coordinators' group
//	                            (or, for none there, in a private chat)
//	> #Anna text                coordinator Anna (or Ben) writes in the
//	                            newest case topic: text, /command, (photo)...
//	> #Anna (general) /cases    ... in the group's General topic
//	> #Anna (general) (photo) /campaign photo   a photo with a caption
//	> #Anna [Button]            presses the newest such button in the group
//	> #Anna+Ben [Button]        both press it at the same moment
//	> #Cleo text                Cleo, of Kalajoki's own group ("# two
//	                            groups" in the header), in her group
//	> #Cleo (forged C:claim:1)  presses made-up data in her group
//	> (counted for the referral link demo-school: 7 started, 5 finished)
//	                            a referral link's anonymous counts of today
//	> (counted this month in Kuusamo: 12 new families, 10 of them took part)
//	                            the anonymous counts of the report, as the
//	                            month's (or "last month") families made them
//	> (bot removed from the group)   someone removes the bot from the
//	> (bot added back to the group)  coordinators' group, and adds it back
//	> (topic deleted by hand)   a coordinator deletes the newest case topic
//	                            in Telegram's app (the bot is not told)
//	> (agreed to an older notice)  the family's agreement is to the notice
//	                            of 22.11.2026, which has changed since
//	> (retention)               the hourly pruning runs (Bot.Prune), with
//	                            serve's default retention
//	< a line to another family starts with @Name, to the group with #,
//	  to Kalajoki's group (with "# two groups") with #2
//	< a line of the bot's message (<~ for an edited message)
//	  [a button] [another]      its inline buttons, a row a line; {x} a reply keyboard
//	  ! text                    the notice shown on a pressed button
//
// Every transcript is replayed with the clock starting on each of
// transcriptDates: nothing may depend on the real date, and the dates the
// bot writes are the canonical ones shifted by whole weeks.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, d := range transcriptDates {
		if *update && !d.at.Equal(canonical) {
			continue // the files are written on the canonical dates
		}
		t.Run(d.name, func(t *testing.T) {
			for _, file := range files {
				t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
					t.Parallel()
					replay(t, file, d.at)
				})
			}
		})
	}
}

// transcriptDates are where the transcripts' clock starts: all Sundays at
// 11:00 in Helsinki, so that weekdays, weeks and office hours fall alike.
var transcriptDates = []struct {
	name string
	at   time.Time
}{
	{"2026-11-22", canonical}, // in the past, as the files are written
	// A daylight-saving change: the clocks went forward at 03:00 this
	// morning, so this week was an hour short and sessions "a week on"
	// are 167 hours away.
	{"2027-03-28-dst", time.Date(2027, 3, 28, 11, 0, 0, 0, helsinki)},
	{"2027-12-05", time.Date(2027, 12, 5, 11, 0, 0, 0, helsinki)}, // a year ahead
}

type step struct {
	action string
	want   string
}

func parseTranscript(data string) (header []string, steps []step) {
	for _, line := range strings.Split(data, "\n") {
		switch {
		case strings.HasPrefix(line, ">"):
			steps = append(steps, step{action: strings.TrimSpace(strings.TrimPrefix(line, ">"))})
		case len(steps) == 0:
			if strings.TrimSpace(line) != "" {
				header = append(header, line)
			}
		case strings.TrimSpace(line) == "":
		default:
			steps[len(steps)-1].want += strings.TrimRight(line, " ") + "\n"
		}
	}
	return header, steps
}

func replay(t *testing.T, file string, start time.Time) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	header, steps := parseTranscript(string(data))
	// configured are the people of "# roles:" lines by name, with the
	// Telegram IDs they are given in the order the lines name them.
	configured := map[string]int64{}
	opts := fast
	opts.start = start
	for _, l := range header {
		if strings.HasPrefix(l, "# two groups") {
			opts.twoGroups = true
		}
		if v, ok := strings.CutPrefix(l, "# office hours:"); ok {
			opts.hours = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "# managers:"); ok {
			for _, name := range strings.Fields(v) {
				opts.cfg.Managers = append(opts.cfg.Managers, map[string]int64{"Anna": anna.ID, "Ben": ben.ID}[name])
			}
			opts.cfg.ManagersLang = "fi"
		}
		if v, ok := strings.CutPrefix(l, "# service:"); ok {
			switch strings.TrimSpace(v) {
			case "23 municipalities in three regions":
				opts.service = servicetest.Regions(group)
			case "two regions":
			default:
				t.Fatalf("%s: the services a transcript can name are \"23 municipalities in three regions\" and \"two regions\"", l)
			}
		}
		if strings.HasPrefix(l, "# controller: fictional") {
			opts.controller = polku.Controller{
				Name:    polku.Localized{"fi": "Esimerkkikunnan perhepalvelut (kuvitteellinen)", "en": "Sample municipality's family services (fictional)"},
				Contact: "perhepalvelut@example.org", DPO: "tietosuoja@example.org",
			}
		}
		if v, ok := strings.CutPrefix(l, "# wellbeing:"); ok {
			in, err := polku.ParseInstrument(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			opts.wellbeing = in
		}
		if v, ok := strings.CutPrefix(l, "# managers:"); ok {
			for _, name := range strings.Split(v, ",") {
				opts.cfg.Managers = append(opts.cfg.Managers, map[string]int64{"Anna": anna.ID, "Ben": ben.ID}[strings.TrimSpace(name)])
			}
			opts.cfg.ManagersLang, opts.cfg.ReportAt = "fi", 9*time.Hour
		}
		if strings.TrimSpace(l) == "# service: two regions" {
			opts.regions = true
		}
		if v, ok := strings.CutPrefix(l, "# roles:"); ok {
			name, grant, _ := strings.Cut(strings.TrimSpace(v), " ")
			role, sc, _ := strings.Cut(grant, " ")
			scope, err := polku.ParseScope(sc)
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			id := configured[name]
			if id == 0 {
				id = int64(6001 + len(configured))
				configured[name] = id
			}
			opts.cfg.Roles = append(opts.cfg.Roles, polku.Grant{User: id, Role: polku.Role(role), Scope: scope})
			opts.cfg.ManagersLang = "fi"
		}
		if v, ok := strings.CutPrefix(l, "# costs from the configuration:"); ok {
			c, err := staff.ChangeCosts(opts.cfg.Costs, v)
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			opts.cfg.Costs = c
		}
	}
	h := newHarness(t, opts)
	user := telegramtest.User{ID: 4242, FirstName: "Test", LanguageCode: "fi"}
	for _, l := range header {
		if v, ok := strings.CutPrefix(l, "# telegram language:"); ok {
			user.LanguageCode = strings.TrimSpace(v)
		}
	}
	var out strings.Builder
	for _, l := range header {
		out.WriteString(l + "\n")
	}
	h.names = map[int64]string{user.ID: ""}
	for name, id := range configured {
		h.names[id] = name
	}
	h.family = user.ID
	done := 0
	if *update {
		// Written even when a step fails, to show how far it got; the
		// steps not reached are kept as they were.
		t.Cleanup(func() {
			for _, s := range steps[done:] {
				fmt.Fprintf(&out, "\n> %s\n", s.action)
			}
			if err := os.WriteFile(file, []byte(out.String()), 0o644); err != nil {
				t.Error(err)
			}
		})
	}
	failed := false
	for i, s := range steps {
		done = i
		u, action := user, s.action
		if name, rest, ok := strings.Cut(strings.TrimPrefix(action, "@"), " "); strings.HasPrefix(action, "@") && ok {
			u, action = h.other(name, user.LanguageCode), rest
		}
		got := h.act(u, action)
		if got == "" {
			h.settle()
			got = h.render(user.ID)
		}
		if h.canon != nil {
			got = h.canon.Replace(got)
		}
		fmt.Fprintf(&out, "\n> %s\n%s", s.action, got)
		done = i + 1
		if got != s.want && !*update && !failed {
			t.Errorf("%s, step %d (> %s):\n--- want\n%s--- got\n%s", file, i+1, s.action, s.want, got)
			failed = true
		}
	}
}

// act does one transcript action. Actions that print something other than
// the bot's messages return it.
func (h *harness) act(u telegramtest.User, action string) string {
	t := h.t
	t.Helper()
	switch {
	case action == "(stored)":
		h.settle()
		h.render(u.ID)
		return h.stored(u.ID)
	case action == "(block the bot)":
		h.fake.Block(u.ID)
		h.settle()
		return "  (the family blocked the bot)\n"
	case action == "(sticker)":
		h.fake.SendSticker(u)
	case action == "(photo)":
		h.fake.SendPhoto(u, "")
	case strings.HasPrefix(action, "(photo) "):
		h.fake.SendPhoto(u, strings.TrimPrefix(action, "(photo) "))
	case strings.HasPrefix(action, "(text "):
		text, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(action, "(text "), ")"))
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		h.fake.SendText(u, text)
	case action == "(voice)":
		h.fake.SendVoice(u)
	case action == "(video)":
		h.fake.SendVideo(u, "")
	case action == "(location)":
		h.fake.SendLocation(u, 65.9641, 29.1857)
	case action == "(document)":
		h.fake.Send(u.ID, 0, u, telegramtest.Content{Kind: "document", FileName: "todistus.pdf", Data: []byte("%PDF-1.4 fictional")})
	case action == "(scan card)", action == "(verify card)":
		// A provider scans the family's card (its QR code opens the bot
		// with the code), or types the code as printed, in lower case.
		var code string
		if err := h.pool.QueryRow(context.Background(), `SELECT code FROM cards WHERE chat_id = $1 ORDER BY id DESC LIMIT 1`, h.family).Scan(&code); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		if action == "(scan card)" {
			h.fake.SendText(u, "/start card_"+code)
		} else {
			h.fake.SendText(u, "/verify "+strings.ToLower(polku.FormatCardCode(code)))
		}
	case strings.HasPrefix(action, "(open "):
		start := strings.TrimSuffix(strings.TrimPrefix(action, "(open "), ")")
		h.fake.SendText(u, "/start "+h.link(start))
	case action == "(contact)":
		h.fake.SendContact(u, "+358401234567", u.ID)
	case action == "(contact of someone else)":
		h.fake.SendContact(u, "+358409876543", u.ID+1)
	case action == "(long text)":
		h.fake.SendText(u, strings.Repeat("Tämä on pitkä viesti. ", 190))
	case strings.HasPrefix(action, "(edit)"):
		msgs := h.fake.Messages(u.ID)
		for i := len(msgs) - 1; i >= 0; i-- {
			if !msgs[i].FromBot && msgs[i].Text != "" {
				h.fake.EditText(u, msgs[i].ID, strings.TrimSpace(strings.TrimPrefix(action, "(edit)")))
				return ""
			}
		}
		t.Fatalf("(edit): nothing to edit")
	case strings.HasPrefix(action, "(wait "):
		d := strings.TrimSuffix(strings.TrimPrefix(action, "(wait "), ")")
		n, err := strconv.Atoi(d[:len(d)-1])
		if err != nil {
			t.Fatalf("bad %s", action)
		}
		unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[d[len(d)-1]]
		h.clock.Add(time.Duration(n) * unit)
		// Reminders that fell due meanwhile go out now.
		h.bot.WakeJobs()
		h.settle()
		return "  (" + d + " later)\n" + h.render(u.ID)
	case strings.HasPrefix(action, "(joins"):
		// Another family goes through the intake as quickly as a
		// person can (Kuusamo, one child of 7–12, nature), through the
		// real bot; what it is sent on the way is not shown.
		news := "✅ Yes, tell me"
		if strings.Contains(action, "no news") {
			news = "No, thank you"
		}
		wellbeing := []string{"[Skip]"}
		if strings.Contains(action, "feeling low") {
			wellbeing = []string{"[Yes, let's answer]", "[At no time]", "[At no time]", "[Some of the time]", "[At no time]", "[At no time]"}
		}
		steps := append([]string{"/start", "[Let's start]", "[Kuusamo]", "[👪 A parent or carer]", "[✅ I agree]", "[➕ 7–12]", "[Done ✔️]", "[🌲 Nature]", "[Done ✔️]",
			"[Done ✔️]", "[Skip]", "[Done ✔️]", "[Done ✔️]"}, wellbeing...)
		for _, a := range append(steps, "[No contact needed]", "[✅ Yes, save]", "["+news+"]") {
			h.act(u, a)
			h.settle()
		}
		if strings.Contains(action, "blocks the bot") {
			h.fake.Block(u.ID)
		}
		h.settle()
		h.render(h.family)
		return ""
	case action == "(agreed to an older notice)":
		// The family agreed to the notice as it was on 22.11.2026,
		// before it named the controller: the notice changed since.
		ctx := context.Background()
		if _, err := h.pool.Exec(ctx, `UPDATE families SET consent_version = '2026-11-22' WHERE chat_id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.pool.Exec(ctx, `UPDATE conversations SET data = jsonb_set(data, '{consent}', '"2026-11-22"') WHERE chat_id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		return "  (the family's agreement is to the notice of 22.11.2026, which has changed since)\n"
	case action == "(retention)":
		h.bot.pruneOnce(context.Background())
		h.settle()
		return "  (the hourly pruning ran)\n" + h.render(u.ID)
	case action == "(bot removed from the group)":
		h.fake.RemoveBot(group)
		h.settle()
		return "  (the coordinators' group: the bot is not in it)\n" + h.render(u.ID)
	case action == "(topic deleted by hand)":
		topics := h.fake.Topics(group)
		if len(topics) == 0 || !h.fake.DeleteTopic(group, topics[len(topics)-1].ThreadID) {
			t.Fatalf("%s: no topic to delete", action)
		}
		return "  #(a coordinator deleted the topic: " + topics[len(topics)-1].Name + ")\n"
	case action == "(bot added back to the group)":
		h.fake.AddBotBack(group, telegramtest.Rights{ManageChat: true, DeleteMessages: true, PinMessages: true, ManageTopics: true})
	case strings.HasPrefix(action, "#"):
		h.coordinator(action)
	case strings.HasPrefix(action, "(counted for the referral link "):
		h.countedReferral(action)
	case strings.HasPrefix(action, "(counted "):
		h.counted(action)
	case strings.HasPrefix(action, "(file "):
		name := strings.TrimSuffix(strings.TrimPrefix(action, "(file "), ")")
		data, err := os.ReadFile(filepath.Join("testdata", "files", name))
		if err != nil {
			t.Fatal(err)
		}
		h.fake.SendFile(u, name, data, "")
	case strings.HasPrefix(action, "(cancel activity "), strings.HasPrefix(action, "(move activity "), strings.HasPrefix(action, "(neighbours of activity "):
		h.reimport(action)
		h.bot.WakeJobs()
	case strings.HasPrefix(action, "(forged "):
		data := strings.TrimSuffix(strings.TrimPrefix(action, "(forged "), ")")
		id, _ := h.button(u.ID, "", true)
		h.fake.PressRaw(u, id, data)
	case strings.HasPrefix(action, "(stale ["):
		label := strings.TrimSuffix(strings.TrimPrefix(action, "(stale ["), "])")
		id, data := h.button(u.ID, label, false)
		h.fake.PressRaw(u, id, data)
	case strings.HasPrefix(action, "["):
		label, twice := strings.CutSuffix(action, "] twice")
		label = strings.TrimSuffix(strings.TrimPrefix(label, "["), "]")
		id, data := h.button(u.ID, label, true)
		if _, err := h.fake.Press(u, id, data); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		if twice {
			h.fake.PressRaw(u, id, data)
		}
	case strings.HasPrefix(action, "{"):
		label := strings.TrimSuffix(strings.TrimPrefix(action, "{"), "}")
		for _, row := range h.fake.Keyboard(u.ID) {
			for _, k := range row {
				if k.Text == label && k.RequestContact {
					h.fake.SendContact(u, "+358401234567", u.ID)
					return ""
				}
			}
		}
		if _, err := h.fake.PressKey(u, label); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	default:
		h.fake.SendText(u, action)
	}
	return ""
}

// counted are the anonymous counts of "(counted this month in Kuusamo: 12
// new families, 10 of them took part)", written where the store keeps
// them (stats, by month): the families new in the month and done with the
// intake (their youngest 3–6), and those who took part, once each, in a
// nature activity. A report needs more families than a transcript can
// play; the counts are what the families would have left.
var counted = regexp.MustCompile(`^\(counted (this|last) month in (\S+): (\d+) new families, (\d+) of them took part\)$`)

func (h *harness) counted(action string) {
	h.t.Helper()
	m := counted.FindStringSubmatch(action)
	if m == nil {
		h.t.Fatalf("%s: want (counted this month in Kuusamo: 12 new families, 10 of them took part)", action)
	}
	now := h.clock.Now().In(helsinki)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, helsinki)
	if m[1] == "last" {
		month = month.AddDate(0, -1, 0)
	}
	families, _ := strconv.Atoi(m[3])
	took, _ := strconv.Atoi(m[4])
	for _, c := range []struct {
		kind, band, category string
		n                    int
	}{
		{"family", string(polku.Age3to6), "", families}, {"intake_done", string(polku.Age3to6), "", families},
		{"use_signup", "", string(polku.CategoryNature), took}, {"use_attended", "", string(polku.CategoryNature), took},
		{"attenders_1", "", "", took},
	} {
		if _, err := h.pool.Exec(context.Background(), `
			INSERT INTO stats (day, kind, municipality, band, category, count) VALUES ($1, $2, $3, $4, $5, $6)`,
			month.Format("2006-01-02"), c.kind, m[2], c.band, c.category, c.n); err != nil {
			h.t.Fatalf("%s: %v", action, err)
		}
	}
}

// countedReferral are the anonymous counts of "(counted for the referral
// link demo-school: 7 started, 5 finished)": families who started from
// the link today, and how many of them finished the questions, as the
// store keeps them (stats, by referral code).
var countedReferral = regexp.MustCompile(`^\(counted for the referral link (\S+): (\d+) started, (\d+) finished\)$`)

func (h *harness) countedReferral(action string) {
	h.t.Helper()
	m := countedReferral.FindStringSubmatch(action)
	if m == nil {
		h.t.Fatalf("%s: want (counted for the referral link demo-school: 7 started, 5 finished)", action)
	}
	day := h.clock.Now().In(helsinki).Format("2006-01-02")
	for kind, n := range map[string]string{"referral_started": m[2], "intake_completed": m[3]} {
		if _, err := h.pool.Exec(context.Background(), `
			INSERT INTO stats (day, kind, municipality, referral, count) VALUES ($1, $2, '', $3, $4)`, day, kind, m[1], n); err != nil {
			h.t.Fatalf("%s: %v", action, err)
		}
	}
}

// link finds the newest t.me link with "start=prefix…" the bot wrote to
// the coordinators' group or to a private chat of the transcript (in a
// text or a caption) and returns its start parameter.
func (h *harness) link(prefix string) string {
	h.t.Helper()
	events := h.fake.Events(0)
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if _, ours := h.names[e.ChatID]; (e.Kind != "send" && e.Kind != "edit") || (e.ChatID != group && !ours) {
			continue
		}
		text := e.Message.Text + " " + e.Message.Caption
		if _, after, ok := strings.Cut(text, "?start="+prefix); ok {
			end := strings.IndexAny(after, " \n")
			if end < 0 {
				end = len(after)
			}
			return prefix + after[:end]
		}
	}
	h.t.Fatalf("no link start=%s… in the group or a private chat", prefix)
	return ""
}

// coordinator does a coordinator's action in the group: "#Anna text",
// "#Anna (general) text", "#Anna [Button]", "#Anna+Ben [Button]",
// "#Anna (photo)" and other media.
func (h *harness) coordinator(action string) {
	t := h.t
	t.Helper()
	who, rest, _ := strings.Cut(strings.TrimPrefix(action, "#"), " ")
	var users []telegramtest.User
	group := int64(group)
	for _, name := range strings.Split(who, "+") {
		switch name {
		case "Anna":
			users = append(users, anna)
		case "Ben":
			users = append(users, ben)
		case "Cleo":
			users, group = append(users, cleo), group2
		default:
			t.Fatalf("%s: no coordinator %s", action, name)
		}
	}
	if data, ok := strings.CutPrefix(rest, "(forged "); ok {
		// A made-up button under the group's newest message.
		msgs := h.fake.Messages(group)
		if len(msgs) == 0 {
			t.Fatalf("%s: no message in the group", action)
		}
		if _, err := h.fake.PressRawIn(group, users[0], msgs[len(msgs)-1].ID, strings.TrimSuffix(data, ")")); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		return
	}
	if strings.HasPrefix(rest, "[") {
		label := strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
		msgs := h.fake.Messages(group)
		for i := len(msgs) - 1; i >= 0; i-- {
			for _, row := range msgs[i].Inline {
				for _, b := range row {
					if b.Text == label {
						for _, u := range users {
							if _, err := h.fake.PressIn(group, u, msgs[i].ID, b.Data); err != nil {
								t.Fatalf("%s: %v", action, err)
							}
						}
						return
					}
				}
			}
		}
		t.Fatalf("%s: no button [%s] in the group", action, label)
	}
	thread := 0
	if r, ok := strings.CutPrefix(rest, "(general) "); ok {
		rest = r
	} else if topics := h.fake.Topics(group); len(topics) > 0 {
		thread = topics[len(topics)-1].ThreadID
	}
	c := telegramtest.Content{Text: rest}
	if caption, ok := strings.CutPrefix(rest, "(photo) "); ok {
		c = telegramtest.Content{Kind: "photo", Caption: caption}
	}
	switch rest {
	case "(photo)", "(voice)", "(video)", "(sticker)":
		c = telegramtest.Content{Kind: strings.Trim(rest, "()")}
	case "(document)":
		c = telegramtest.Content{Kind: "document", FileName: "ohje.pdf", Data: []byte("%PDF-1.4 fictional"), Caption: "Tässä ohje"}
	case "(location)":
		c = telegramtest.Content{Kind: "location", Location: &models.Location{Latitude: 65.9641, Longitude: 29.1857}}
	}
	if h.fake.Send(group, thread, users[0], c) == 0 {
		t.Fatalf("%s: the group refused the message", action)
	}
}

// button finds a button by label in the chat: the newest (or oldest) bot
// message that has it. An empty label takes the newest inline keyboard's
// first button.
func (h *harness) button(chat int64, label string, newest bool) (int, string) {
	h.t.Helper()
	msgs := h.fake.Messages(chat)
	for k := range msgs {
		i := k
		if newest {
			i = len(msgs) - 1 - k
		}
		m := msgs[i]
		if !m.FromBot {
			continue
		}
		for _, row := range m.Inline {
			for _, b := range row {
				if b.Text == label || (label == "" && b.Data != "") {
					return m.ID, b.Data
				}
			}
		}
	}
	h.t.Fatalf("no button [%s] in the chat", label)
	return 0, ""
}
