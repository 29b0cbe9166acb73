// Package console is Polku's local console: the real bot, talking to an
// in-process fake Telegram (internal/telegramtest) and a local database,
// played in a terminal by a person as a family and as a coordinator. It
// owns the REPL and its demo data (a referral code, the sample
// catalogue); main gives it the database and the bot, built as serve
// builds them. It is for trying flows and for demos, never for
// production data: it refuses a database that is not on this computer
// unless told otherwise.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"polku"
	"polku/bot"
	"polku/catalog"
	"polku/internal/telegramtest"
	"polku/store"
)

const banner = `
┌──────────────────────────────────────────────────────────────────────┐
│ Polku's local console. This is NOT Telegram: nothing leaves this     │
│ computer. The real bot runs against a local fake Telegram and the    │
│ local database. You play a family.                                   │
│                                                                      │
│ Type a message, a button's number, or a command such as /start.      │
│ Console commands: :photo :sticker :voice (send media), :edit (edit   │
│ your last message), :contact (share a fictional phone number),       │
│ :lang CODE (your Telegram language, e.g. sv-FI), :new (become a new  │
│ family), :later 1d (move the clock on: see reminders; m, h or d),    │
│ :file PATH (send a catalogue file, as an operator may), :quit.       │
│                                                                      │
│ You are also a coordinator in the coordinators' group (shown 👥):    │
│ :c TEXT writes in the newest case's topic: it goes to the family,    │
│ but /note, /t NAME, /answers and /card stay in the group. In the     │
│ group: :c /cases, :c /duty on, :c /ref add NAME, :c /provider add    │
│ NAME. :c N presses the group's button N.                             │
│                                                                      │
│ And a manager in the managers' group (shown 📊): :m /report (this    │
│ month), :m /report 2026-11, :m /report 2026-01..2026-06. The picture │
│ and the workbook are saved in a folder the console names. :m /costs  │
│ shows the costs the report counts; :m /costs monthly 12000 sets one. │
│ :m /campaign composes news for the families who want it; :neighbours │
│ adds five fictional families who do, so that a campaign can go out.  │
└──────────────────────────────────────────────────────────────────────┘
`

// consoleUser is the family the console plays; a fixed ID lets a family
// leave and come back across runs.
const consoleUser = 700000001

// consoleGroup is the console's coordinators' group, and consoleCoordinator
// the coordinator the console's person plays in it.
const consoleGroup = -1000000000001

// consoleManagers is the console's managers' group, where the console's
// coordinator is a manager too.
const consoleManagers = -1000000000002

// consoleCrisisLine is the console's crisis line, plainly not a real one.
const consoleCrisisLine = "Esimerkkikriisipuhelin 0800 000 000 (kuvitteellinen)"

var consoleCoordinator = telegramtest.User{ID: 700000002, FirstName: "Koordinaattori", LanguageCode: "fi"}

// newFamilyBase starts the IDs of the families :new makes: the base plus
// the time in milliseconds, so a new family is new in every run, far above
// consoleUser and still well inside Telegram's 52-bit user IDs.
const newFamilyBase = 1_000_000_000_000

// localDatabase reports the host dsn (a DATABASE_URL, as a URL or as
// keyword/value pairs) connects to, and whether every host it may try is
// this computer: localhost, a loopback address (127.0.0.0/8, ::1) or a
// Unix socket directory.
func localDatabase(dsn string) (host string, local bool, err error) {
	pc, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "", false, fmt.Errorf("DATABASE_URL: %w", err)
	}
	hosts := []string{pc.Host}
	for _, f := range pc.Fallbacks {
		hosts = append(hosts, f.Host)
	}
	for _, h := range hosts {
		if !localHost(h) {
			return h, false, nil
		}
	}
	return pc.Host, true, nil
}

func localHost(h string) bool {
	if strings.HasPrefix(h, "/") || filepath.IsAbs(h) {
		return true // a Unix socket directory
	}
	if strings.EqualFold(strings.TrimSuffix(h, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Setup is what the console needs from main: the configuration it reads,
// and how to open the database and build the bot as serve does.
type Setup struct {
	// DatabaseURL is the database the console writes its demo data to;
	// AnyDatabase lets that be one not on this computer.
	DatabaseURL string
	AnyDatabase bool
	// Languages are the languages offered, the fallback first: the
	// console's family speaks the fallback.
	Languages []string
	// Crisis are the crisis lines configured (POLKU_CRISIS_LINES).
	Crisis []string
	// Now is the service's clock; Location and Reminders as configured.
	Now       func() time.Time
	Location  *time.Location
	Reminders polku.Reminders
	// Open connects to the database and migrates it, the store on the
	// given clock (the console's, which :later moves on).
	Open func(ctx context.Context, now func() time.Time) (*store.DB, error)
	// Bot builds the bot as serve does, with the console's changes (Fake).
	Bot func(db *store.DB, f Fake) (*bot.Bot, error)
}

// Fake is what the console changes in the bot serve would build: the
// clock, the fake Telegram, the coordinators' group, who may send a
// catalogue, and the crisis lines.
type Fake struct {
	Now           func() time.Time
	APIURL, Token string
	Group         int64
	// ManagersGroup is the console's managers' group.
	ManagersGroup int64
	Operator      func(user int64) bool
	Crisis        []string
}

// Run runs the real bot against an in-process fake Telegram and lets a
// person play a family in the terminal, until stdin ends, :quit or ctx.
func Run(ctx context.Context, cfg Setup, stdin io.Reader, stdout io.Writer) error {
	// The console writes a demo referral code and demo families: only
	// into a database on this computer, unless told otherwise.
	host, local, err := localDatabase(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if !local && !cfg.AnyDatabase {
		return fmt.Errorf("the console writes a demo referral code and demo families into its database, "+
			"but DATABASE_URL points at %q, which is not this computer.\n"+
			"Use a local database (`make run` starts one), or set POLKU_CONSOLE_ANY_DATABASE=1 to write there anyway", host)
	}
	// :later moves the service's clock on, to show reminders without
	// waiting for them.
	var skew time.Duration
	var skewMu sync.Mutex
	wall := cfg.Now
	cfg.Now = func() time.Time {
		skewMu.Lock()
		defer skewMu.Unlock()
		return wall().Add(skew)
	}
	db, err := cfg.Open(ctx, cfg.Now)
	if err != nil {
		return fmt.Errorf("%w\n(is the local database running? `make run` starts it)", err)
	}
	defer db.Close()
	if err := db.AddReferralCode(ctx, "demo-school", "Sample school (fictional)"); err != nil {
		return err
	}
	if err := sampleCatalogue(ctx, db, cfg); err != nil {
		return err
	}
	// Every family the console plays (also after :new) may send a
	// catalogue file, as an operator.
	f := Fake{Now: cfg.Now, Operator: func(user int64) bool { return user == consoleUser || user >= newFamilyBase }, Crisis: cfg.Crisis}
	// Update IDs go on from where the last console run's left off, as
	// Telegram's do, so the inbox never mistakes them for old ones.
	fake := telegramtest.New(telegramtest.Options{FirstUpdateID: time.Now().UnixMilli()})
	defer fake.Close()
	fake.AddGroup(consoleGroup, "Koordinaattorit (konsoli)", true)
	fake.SetMember(consoleGroup, consoleCoordinator, telegramtest.StatusMember)
	fake.AddGroup(consoleManagers, "Esihenkilöt (konsoli)", false)
	fake.SetMember(consoleManagers, consoleCoordinator, telegramtest.StatusMember)
	f.APIURL, f.Token, f.Group, f.ManagersGroup = fake.URL(), fake.Token(), consoleGroup, consoleManagers
	// The families of earlier runs live on in the database, their
	// reminders and campaigns too: this fake Telegram knows their chats,
	// as Telegram would, so what the bot sends them goes quietly (it is
	// not shown) instead of failing as a chat that is not found.
	chats, err := db.FamilyChats(ctx)
	if err != nil {
		return err
	}
	for _, chat := range chats {
		fake.Knows(telegramtest.User{ID: chat, FirstName: "Family"})
	}
	if len(f.Crisis) == 0 {
		// The demo shows the crisis lines a family is told with 112: a
		// fictional one, unless POLKU_CRISIS_LINES names others.
		f.Crisis = []string{consoleCrisisLine}
	}
	b, err := cfg.Bot(db, f)
	if err != nil {
		return err
	}
	if err := b.SetCommands(ctx); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = b.Run(runCtx) }()
	go func() { defer wg.Done(); _ = b.Poll(runCtx) }()
	defer func() {
		cancel()
		wg.Wait()
	}()

	lang := "fi"
	if cfg.Languages[0] != "" {
		lang = cfg.Languages[0]
	}
	c := &consoleState{fake: fake, db: db, bot: b, out: stdout, now: time.Now, user: telegramtest.User{ID: consoleUser, FirstName: "Console", LanguageCode: lang}}
	c.later = func(d time.Duration) {
		skewMu.Lock()
		skew += d
		skewMu.Unlock()
		b.WakeJobs()
	}
	fmt.Fprint(stdout, banner)
	fmt.Fprintf(stdout, "You are family #%d, Telegram language %q. Try /start or the demo referral link: /start demo-school\n\n", c.user.ID, c.user.LanguageCode)

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for {
		fmt.Fprint(stdout, "> ")
		var line string
		var ok bool
		select {
		case line, ok = <-lines:
		case <-ctx.Done():
			fmt.Fprintln(stdout)
			return nil
		}
		if !ok {
			fmt.Fprintln(stdout)
			return nil
		}
		if quit := c.handle(ctx, strings.TrimRight(line, "\r")); quit {
			return nil
		}
		c.settle(ctx)
	}
}

type consoleState struct {
	fake *telegramtest.Server
	db   *store.DB
	bot  *bot.Bot
	// later moves the bot's clock on.
	later func(time.Duration)
	out   io.Writer
	now   func() time.Time
	user  telegramtest.User
	seen  int
	// lastUser is the console family's last message, for :edit.
	lastUser int
	// buttons are the numbered buttons of the latest keyboard.
	inline  []telegramtest.Button
	inMsg   int
	keys    []telegramtest.KeyButton
	keysMsg int
	// group are the numbered buttons of the group's latest keyboard.
	group    []telegramtest.Button
	groupMsg int
}

// handle does what one typed line says; it reports whether to quit.
func (c *consoleState) handle(ctx context.Context, line string) bool {
	cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch cmd {
	case "":
		return false
	case ":quit", ":q":
		return true
	case ":photo":
		c.fake.SendPhoto(c.user, "")
	case ":sticker":
		c.fake.SendSticker(c.user)
	case ":voice":
		c.fake.SendVoice(c.user)
	case ":contact":
		c.fake.SendContact(c.user, "+358401234567", c.user.ID)
	case ":edit":
		if c.lastUser == 0 {
			fmt.Fprintln(c.out, "(you have not written anything to edit yet)")
			return false
		}
		c.fake.EditText(c.user, c.lastUser, arg)
	case ":lang":
		c.user.LanguageCode = arg
		fmt.Fprintf(c.out, "(your Telegram language is now %q)\n", arg)
	case ":new":
		c.user.ID = max(newFamilyBase+c.now().UnixMilli(), c.user.ID+1)
		c.lastUser = 0
		c.inline, c.keys = nil, nil
		fmt.Fprintf(c.out, "(you are now family #%d)\n", c.user.ID)
	case ":help":
		fmt.Fprint(c.out, banner)
	case ":neighbours", ":neighbors":
		c.addNeighbours(ctx)
	case ":later":
		d, err := laterDuration(arg)
		if err != nil {
			fmt.Fprintln(c.out, "(say how much later, e.g. :later 20h or :later 2d)")
			return false
		}
		c.later(d)
		fmt.Fprintf(c.out, "(the clock is now %s later)\n", arg)
	case ":c":
		c.coordinate(arg)
	case ":m":
		if arg == "" {
			fmt.Fprintln(c.out, "(write what the manager says in the managers' group, e.g. :m /report)")
			return false
		}
		c.fake.Send(consoleManagers, 0, consoleCoordinator, telegramtest.Content{Text: arg})
	case ":file":
		data, err := os.ReadFile(arg)
		if err != nil || len(data) == 0 {
			fmt.Fprintf(c.out, "(cannot read %q)\n", arg)
			return false
		}
		c.fake.SendFile(c.user, filepath.Base(arg), data, "")
	default:
		if n, err := strconv.Atoi(cmd); err == nil && arg == "" {
			c.press(n)
			return false
		}
		c.fake.SendText(c.user, line)
		c.noteUser()
	}
	return false
}

// coordinate is what the console's person does as a coordinator.
func (c *consoleState) coordinate(arg string) {
	if n, err := strconv.Atoi(arg); err == nil {
		if n < 1 || n > len(c.group) {
			fmt.Fprintf(c.out, "(there is no group button %d)\n", n)
			return
		}
		if _, err := c.fake.PressIn(consoleGroup, consoleCoordinator, c.groupMsg, c.group[n-1].Data); err != nil {
			fmt.Fprintf(c.out, "(that button is gone: %v)\n", err)
		}
		return
	}
	if arg == "" {
		fmt.Fprintln(c.out, "(write what the coordinator says: :c TEXT, or :c N to press a group button)")
		return
	}
	thread := 0
	general := false
	for _, cmd := range []string{"/cases", "/ref", "/provider", "/duty", "/help", "/campaign"} {
		general = general || strings.HasPrefix(arg, cmd)
	}
	if topics := c.fake.Topics(consoleGroup); len(topics) > 0 && !general {
		thread = topics[len(topics)-1].ThreadID
	}
	if !general && thread == 0 {
		fmt.Fprintln(c.out, "(no case yet: ask to talk to a person first)")
		return
	}
	c.fake.Send(consoleGroup, thread, consoleCoordinator, telegramtest.Content{Text: arg})
}

func (c *consoleState) noteUser() {
	msgs := c.fake.Messages(c.user.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if !msgs[i].FromBot {
			c.lastUser = msgs[i].ID
			return
		}
	}
}

// press presses button n: inline buttons first, then the reply keyboard.
func (c *consoleState) press(n int) {
	switch {
	case n >= 1 && n <= len(c.inline) && c.inline[n-1].URL != "":
		fmt.Fprintf(c.out, "(in Telegram this opens %s)\n", c.inline[n-1].URL)
	case n >= 1 && n <= len(c.inline):
		if _, err := c.fake.Press(c.user, c.inMsg, c.inline[n-1].Data); err != nil {
			fmt.Fprintf(c.out, "(that button is gone: %v)\n", err)
		}
	case n > len(c.inline) && n <= len(c.inline)+len(c.keys):
		k := c.keys[n-len(c.inline)-1]
		if k.RequestContact {
			c.fake.SendContact(c.user, "+358401234567", c.user.ID)
			fmt.Fprintln(c.out, "(shared a fictional number, +358401234567)")
			return
		}
		c.fake.SendText(c.user, k.Text)
		c.noteUser()
	default:
		fmt.Fprintf(c.out, "(there is no button %d)\n", n)
	}
}

// settle waits until the bot has applied and sent everything, then prints
// what it did.
func (c *consoleState) settle(ctx context.Context) {
	c.wait(ctx)
	c.print()
}

// wait waits until the bot has applied and sent everything, printing
// nothing.
func (c *consoleState) wait(ctx context.Context) {
	deadline := time.Now().Add(15 * time.Second)
	// Idle twice in a row: one look can fall between two of the bot's
	// steps (a busy machine showed it: the answer came after the prompt).
	idle := 0
	for time.Now().Before(deadline) && ctx.Err() == nil && idle < 2 {
		time.Sleep(20 * time.Millisecond)
		a, aerr := c.db.Unapplied(ctx)
		s, serr := c.db.Unsent(ctx)
		if aerr == nil && serr == nil && a == 0 && s == 0 && c.fake.Pending() == 0 {
			idle++
		} else {
			idle = 0
		}
	}
}

func (c *consoleState) print() {
	evs := c.fake.Events(c.seen)
	for _, e := range evs {
		c.seen = max(c.seen, e.Seq)
		if e.ChatID == consoleGroup {
			c.showGroup(e)
			continue
		}
		if e.ChatID == consoleManagers {
			c.showManagers(e)
			continue
		}
		if e.ChatID != c.user.ID {
			continue
		}
		switch e.Kind {
		case "send":
			c.show(e.Message, "")
		case "edit":
			c.show(e.Message, "(updated) ")
		case "answer":
			if e.AnswerText != "" {
				fmt.Fprintf(c.out, "  ⓘ %s\n", e.AnswerText)
			}
		case "react":
			// Telegram shows the reaction under the person's own
			// message, which the terminal shows as they typed it.
			if e.Reaction != "" {
				fmt.Fprintf(c.out, "  %s (on your message)\n", e.Reaction)
			}
		}
	}
}

// showManagers shows what the bot sent to the managers' group, and saves
// the report's picture and workbook where the person can open them.
func (c *consoleState) showManagers(e telegramtest.Event) {
	if e.Kind != "send" {
		return
	}
	m := e.Message
	text := m.Text
	if m.Media != "" {
		name := m.Document
		if name == "" {
			name = m.Photo
		}
		text = "(" + m.Media + ") " + m.Caption
		if data, ok := c.fake.File(m.FileID); ok && name != "" {
			dir := filepath.Join(os.TempDir(), "polku-console")
			path := filepath.Join(dir, filepath.Base(name))
			if err := os.MkdirAll(dir, 0o700); err == nil && os.WriteFile(path, data, 0o600) == nil {
				text = strings.TrimSpace(text + "\n(saved as " + path + ")")
			}
		}
	}
	fmt.Fprintf(c.out, "\n📊 managers ────\n%s\n", text)
}

// showGroup shows what happened in the coordinators' group.
func (c *consoleState) showGroup(e telegramtest.Event) {
	topic := ""
	for _, t := range c.fake.Topics(consoleGroup) {
		if t.ThreadID == e.Message.ThreadID && t.ThreadID != 0 {
			topic = " · " + t.Name
		}
	}
	m := e.Message
	switch e.Kind {
	case "send", "edit":
		note := ""
		if e.Kind == "edit" {
			note = "(updated) "
		}
		text := m.Text
		if m.Media != "" {
			text = "(" + m.Media + ") " + m.Caption
		}
		fmt.Fprintf(c.out, "\n👥 group%s %s────\n%s\n", topic, note, text)
		if len(m.Inline) > 0 {
			c.group, c.groupMsg = nil, m.ID
			for _, row := range m.Inline {
				var cells []string
				for _, b := range row {
					c.group = append(c.group, b)
					cells = append(cells, fmt.Sprintf("[:c %d] %s", len(c.group), b.Text))
				}
				fmt.Fprintln(c.out, "  "+strings.Join(cells, "   "))
			}
		}
	case "answer":
		if e.AnswerText != "" {
			fmt.Fprintf(c.out, "  👥 ⓘ %s\n", e.AnswerText)
		}
	case "topic":
		fmt.Fprintf(c.out, "  👥 (topic %s: %s)\n", strings.TrimSuffix(e.Method, "ForumTopic"), m.Topic)
	}
}

func (c *consoleState) show(m telegramtest.Message, note string) {
	if m.Media != "" && m.Media != "document" {
		fmt.Fprintf(c.out, "\nPolku %s────\n(%s) %s\n\n", note, m.Media, m.Caption)
		return
	}
	if m.Media == "document" {
		fmt.Fprintf(c.out, "\nPolku %s────\n📎 %s (%s)\n%s\n\n", note, m.Document, m.MimeType, m.Caption)
		return
	}
	fmt.Fprintf(c.out, "\nPolku %s────\n%s\n", note, m.Text)
	if len(m.Inline) > 0 {
		c.inline, c.inMsg = nil, m.ID
		for _, row := range m.Inline {
			var cells []string
			for _, b := range row {
				c.inline = append(c.inline, b)
				if b.URL != "" {
					cells = append(cells, fmt.Sprintf("[%d] %s (%s)", len(c.inline), b.Text, b.URL))
					continue
				}
				cells = append(cells, fmt.Sprintf("[%d] %s", len(c.inline), b.Text))
			}
			fmt.Fprintln(c.out, "  "+strings.Join(cells, "   "))
		}
	}
	if len(m.Keyboard) > 0 {
		c.keys, c.keysMsg = nil, m.ID
		for _, row := range m.Keyboard {
			var cells []string
			for _, k := range row {
				c.keys = append(c.keys, k)
				cells = append(cells, fmt.Sprintf("[%d] %s", len(c.inline)+len(c.keys), k.Text))
			}
			fmt.Fprintln(c.out, "  keyboard: "+strings.Join(cells, "   "))
		}
	}
	if m.RemoveKeyboard {
		c.keys = nil
	}
	fmt.Fprintln(c.out)
}

// laterDuration reads "20m", "3h" or "2d".
func laterDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d <= 0 || d > 365 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return d, nil
}

// sampleCatalogue loads the fictional sample catalogue into the console's
// database when it has no catalogue, or when the sample's dates (relative
// to the day it was loaded) are running out.
func sampleCatalogue(ctx context.Context, db *store.DB, cfg Setup) error {
	now := cfg.Now()
	acts, err := db.Catalogue(ctx, "", now)
	if err != nil {
		return err
	}
	last := time.Time{}
	for _, a := range acts {
		for _, s := range a.Sessions {
			if s.Start.After(last) {
				last = s.Start
			}
		}
	}
	if last.After(now.AddDate(0, 0, 45)) {
		return nil
	}
	_, err = db.ImportCatalogue(ctx, catalog.Sample(now, cfg.Location), now, cfg.Reminders)
	return err
}
