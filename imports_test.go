package polku

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// importRules is the one table of Polku's dependency rules (tailscale's
// deptest, not a copy per package): a row for every package of the module.
// Imports point one way, cmd → bot → {flows, staff} → polku, cmd → store → polku,
// bot → locales (DESIGN.md), and each subpackage wraps one library and hides
// it from the rest.
//
// may lists the only imports from outside the standard library a package
// may make itself (import paths, or patterns ending in "/..." as go list
// takes them, for a library and everything under it); anything
// else it imports outside the standard library fails. The standard library
// is always allowed unless a ban says otherwise.
//
// bans name what must never be among the package's dependencies, directly
// or through another package, each with the reason. direct bans apply to
// the package's own imports only, for a library the package may reach
// through another one (bot reaches pgx through store, never itself).
//
// Only the production code is checked: tests may use fakes and drivers.
var importRules = []struct {
	pkg  string
	may  []string
	bans []importBan
}{
	{
		pkg:  "polku",
		may:  nil,
		bans: []importBan{{dep: "polku/...", why: "the domain is what every layer shares; it knows none of them"}},
		// The standard library only: a library here is a library of every
		// package, and the domain speaks no one's types but its own. The
		// empty may list already says so.
	},
	{
		pkg: "polku/flows",
		may: []string{"polku", "github.com/looplab/fsm/...", "golang.org/x/text/..."},
		bans: []importBan{
			{dep: "github.com/go-telegram/...", why: "the engine is pure: only bot speaks Telegram"},
			{dep: "github.com/jackc/...", why: "the engine is pure: it returns effects, the adapter stores them"},
			{dep: "database/sql", why: "the engine is pure: no SQL"},
			{dep: "net/http/...", why: "the engine does no I/O"},
			{dep: "github.com/nicksnyder/go-i18n/...", why: "the engine knows no language: replies are message IDs the adapter localizes"},
			{dep: "polku/locales", why: "the engine knows no language: replies are message IDs the adapter localizes"},
			{dep: "polku/store", why: "the engine takes the stored conversation and returns the new one; storing it is the adapter's"},
			{dep: "polku/bot", why: "imports point one way: bot → flows"},
			{dep: "polku/catalog", why: "the flows see activities as the domain's type, not how they were imported"},
		},
	},
	{
		pkg: "polku/staff",
		// What coordinators and providers do, pure as flows is; it returns
		// flows' Text and Button, so the adapter renders both alike.
		may: []string{"polku", "polku/flows"},
		bans: []importBan{
			{dep: "github.com/go-telegram/...", why: "staff is pure: only bot speaks Telegram, and checks who is a coordinator"},
			{dep: "github.com/jackc/...", why: "staff calls the store through its own interfaces (staff.Tx); SQL is store's"},
			{dep: "database/sql", why: "staff calls the store through its own interfaces; SQL is store's"},
			{dep: "net/http/...", why: "staff does no I/O"},
			{dep: "github.com/nicksnyder/go-i18n/...", why: "staff knows no language: messages are IDs the adapter localizes"},
			{dep: "polku/locales", why: "staff knows no language: messages are IDs the adapter localizes"},
			{dep: "polku/store", why: "staff declares the store methods it needs as its own interface; bot passes the store in"},
			{dep: "polku/bot", why: "imports point one way: bot → staff"},
			{dep: "polku/internal/picture", why: "the card's picture is drawn by the adapter that sends it"},
		},
	},
	{
		pkg: "polku/store",
		// puddle: store names pgxpool's acquire error (puddle.ErrClosedPool)
		// to tell a closed pool from a broken one.
		may: []string{"polku", "github.com/jackc/pgx/v5/...", "github.com/jackc/puddle/v2/...", "github.com/jackc/tern/v2/..."},
		bans: []importBan{
			{dep: "github.com/go-telegram/...", why: "store knows nothing of Telegram: the adapter turns updates into rows"},
			{dep: "polku/bot", why: "imports point one way: bot → store"},
			{dep: "polku/flows", why: "store knows nothing of the flows' types: conversations are the JSON the caller gives"},
			{dep: "polku/locales", why: "store keeps message IDs and data; what they say is the adapter's"},
			{dep: "github.com/nicksnyder/go-i18n/...", why: "store keeps message IDs and data; what they say is the adapter's"},
		},
	},
	{
		pkg: "polku/bot",
		may: []string{
			"polku", "polku/flows", "polku/staff", "polku/store", "polku/locales", "polku/catalog",
			"polku/report", // the managers' report, built and sent
			"polku/internal/httpguard", "polku/internal/ical", "polku/internal/picture", "polku/internal/redact",
			"github.com/go-telegram/bot/...",
			"github.com/BurntSushi/toml/...", // the built-in reply templates, templates.toml
		},
		bans: []importBan{
			{dep: "github.com/jackc/...", direct: true, why: "bot reaches PostgreSQL only through store, which wraps pgx"},
			{dep: "polku/internal/telegramtest", why: "the fake Bot API is for tests; the real bot talks to Telegram"},
			{dep: "polku/internal/pgtest", why: "throwaway databases are for tests"},
			{dep: "polku/cmd/...", why: "imports point one way: cmd → bot"},
		},
	},
	{
		pkg: "polku/catalog",
		may: []string{"polku", "golang.org/x/net/html/..."},
		bans: []importBan{
			{dep: "github.com/jackc/...", why: "catalog returns activities; storing them is the caller's business"},
			{dep: "polku/store", why: "catalog returns activities; storing them is the caller's business"},
			{dep: "github.com/go-telegram/...", why: "catalog reads files and feeds, not chats"},
			{dep: "polku/bot", why: "imports point one way: bot → catalog"},
		},
	},
	{
		pkg: "polku/locales",
		may: []string{"github.com/BurntSushi/toml/...", "github.com/nicksnyder/go-i18n/v2/...", "golang.org/x/text/..."},
		bans: []importBan{
			{dep: "github.com/go-telegram/...", why: "locales knows nothing of Telegram: bot matches language_code through it"},
			{dep: "github.com/jackc/...", why: "locales knows nothing of SQL"},
			{dep: "database/sql", why: "locales knows nothing of SQL"},
			{dep: "polku/flows", why: "locales knows nothing of the flows' types: it translates message IDs"},
			{dep: "polku/store", why: "locales knows nothing of SQL"},
			{dep: "polku/bot", why: "imports point one way: bot → locales"},
		},
	},
	{
		pkg: "polku/cmd/polku",
		// The wiring: it may import every package of the module that a
		// command runs; what the console and the load benchmarks need
		// (the fake Bot API among it) comes through their own packages.
		may: []string{
			"polku", "polku/bot", "polku/catalog", "polku/flows", "polku/locales", "polku/report", "polku/store",
			"polku/internal/console", "polku/internal/load",
			"polku/internal/httpguard", "polku/internal/redact",
			"github.com/BurntSushi/toml/...", // the service's file, POLKU_CONFIG
		},
		bans: []importBan{
			{dep: "polku/internal/pgtest", why: "throwaway databases are for tests"},
			{dep: "github.com/go-telegram/...", direct: true, why: "main wires; speaking Telegram is bot's"},
			{dep: "github.com/jackc/...", direct: true, why: "main wires; speaking PostgreSQL is store's"},
		},
	},
	{
		pkg: "polku/internal/console",
		// The console demo runs the real bot against the fake Bot API in
		// the same process; pgconn only to read the database URL it shows.
		may: []string{"polku", "polku/bot", "polku/catalog", "polku/store", "polku/internal/telegramtest", "github.com/jackc/pgx/v5/pgconn"},
		bans: []importBan{
			{dep: "polku/internal/pgtest", why: "the console runs on the operator's database, never a throwaway one"},
			{dep: "polku/cmd/...", why: "imports point one way: cmd → console"},
			{dep: "polku/internal/load", why: "the demo and the benchmarks share nothing but the bot"},
		},
	},
	{
		pkg: "polku/internal/load",
		// `polku load`: the real bot under many fake families, measured.
		may: []string{"polku/bot", "polku/store", "polku/internal/telegramtest"},
		bans: []importBan{
			{dep: "polku/internal/pgtest", why: "a load run measures the operator's database as it is"},
			{dep: "polku/cmd/...", why: "imports point one way: cmd → load"},
			{dep: "github.com/jackc/...", direct: true, why: "it reaches PostgreSQL only through store, as the bot does"},
		},
	},
	{
		pkg: "polku/internal/telegramtest",
		may: []string{"github.com/go-telegram/bot/models/..."},
		bans: []importBan{
			{dep: "polku/...", why: "it stands in for Telegram, which knows nothing of Polku"},
			{dep: "github.com/jackc/...", why: "it stands in for Telegram, which knows nothing of Polku's database"},
		},
	},
	{
		pkg: "polku/internal/pgtest",
		may: []string{"github.com/jackc/pgx/v5/..."},
		bans: []importBan{
			{dep: "polku/...", why: "a throwaway database for any package's tests; it must not pull one of them into another's"},
		},
		// Only tests import it: no other row's may list names it.
	},
	{
		// A made-up service of many municipalities in regions, for the
		// tests of the flows and the bot alike.
		pkg: "polku/internal/servicetest",
		may: []string{"polku"},
		// Only tests import it: no other row's may list names it.
	},
	{
		pkg: "polku/internal/picture",
		may: []string{"github.com/skip2/go-qrcode/...", "golang.org/x/image/..."},
		bans: []importBan{
			{dep: "polku/...", why: "pure drawing: the caller gives every text, already localized, and decides what to send"},
			{dep: "github.com/jackc/...", why: "pure drawing: no database"},
			{dep: "github.com/go-telegram/...", why: "pure drawing: the bot decides what to send"},
			{dep: "github.com/nicksnyder/go-i18n/...", why: "it knows no language: texts come localized"},
		},
	},
	{
		pkg: "polku/report/sdc",
		// Every figure of the managers' report passes through it before
		// anything is drawn or written: the standard library only, so the
		// rules stay readable and no library decides what is shown.
		may: nil,
		bans: []importBan{
			{dep: "polku/...", why: "the rules of what may be shown know no layer: the report hands it counts and values"},
			{dep: "database/sql", why: "it is pure: the report's store reads the counts"},
			{dep: "net/...", why: "it is pure: no I/O"},
			{dep: "os", direct: true, why: "it is pure: the report writes the files"},
		},
	},
	{
		pkg: "polku/report",
		// The managers' report, pure: figures in (report.Data, filled by
		// the store), protected by sdc, out as PNG (gonum/plot), XLSX
		// (excelize), CSV and text; its words come through its own Words
		// interface, which *locales.Bundle satisfies.
		may: []string{
			"polku", "polku/report/sdc", "golang.org/x/text/...",
			"gonum.org/v1/plot/...", "gonum.org/v1/gonum/...", "github.com/xuri/excelize/v2/...",
		},
		bans: []importBan{
			{dep: "github.com/go-telegram/...", why: "the report returns bytes; sending them is the bot's"},
			{dep: "github.com/jackc/...", why: "the report is built from Data the store fills; SQL is store's"},
			{dep: "database/sql", why: "the report is built from Data the store fills; SQL is store's"},
			{dep: "polku/store", why: "the store fills report.Data; the report knows nothing of it"},
			{dep: "polku/bot", why: "imports point one way: bot → report"},
			{dep: "polku/locales", why: "the report's words come through its Words interface, so it renders in any language it is handed"},
			{dep: "github.com/nicksnyder/go-i18n/...", why: "the report's words come through its Words interface"},
		},
	},
	{
		pkg:  "polku/internal/ical",
		may:  nil,
		bans: []importBan{{dep: "polku/...", why: "it owns the text format only; the caller fills an Event from the domain"}},
	},
	{
		pkg:  "polku/internal/redact",
		may:  nil,
		bans: []importBan{{dep: "polku/...", why: "the net under every package's logs and errors; it must depend on none of them"}},
	},
	{
		pkg:  "polku/internal/httpguard",
		may:  nil,
		bans: []importBan{{dep: "polku/...", why: "it guards any HTTP server; what the server serves is not its business"}},
	},
}

// An importBan is a dependency a package must not have.
type importBan struct {
	dep    string // an import path, or a pattern ending in "/..." for it and everything under it
	why    string
	direct bool // only the package's own imports, not through another package
}

// listedPackage is what go list says of one package.
type listedPackage struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
	Module     *struct{ Path string }
}

// TestImportRules fails when a package imports what its row does not allow,
// depends on what its row bans, or has no row.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	std := func(path string) bool { return pkgs[path].Standard }

	ruled := map[string]bool{}
	for _, r := range importRules {
		ruled[r.pkg] = true
		p, ok := pkgs[r.pkg]
		if !ok || p.Module == nil || p.Module.Path != "polku" {
			t.Errorf("%s has a row but is not a package of the module: remove the row", r.pkg)
			continue
		}
		for _, imp := range p.Imports {
			if !std(imp) && !slices.ContainsFunc(r.may, func(m string) bool { return matchPattern(m, imp) }) {
				t.Errorf("%s imports %s, which its row in importRules does not allow (may: %s)",
					r.pkg, imp, strings.Join(r.may, ", "))
			}
		}
		for _, b := range r.bans {
			deps := p.Deps
			if b.direct {
				deps = p.Imports
			}
			for _, dep := range deps {
				if matchPattern(b.dep, dep) {
					how := "depends on"
					if slices.Contains(p.Imports, dep) {
						how = "imports"
					}
					t.Errorf("%s %s %s: %s", r.pkg, how, dep, b.why)
				}
			}
		}
	}
	for path, p := range pkgs {
		if p.Module != nil && p.Module.Path == "polku" && !ruled[path] {
			t.Errorf("%s has no row in importRules: say what it may import and why", path)
		}
	}
}

// matchPattern reports whether path is named by pattern: the path itself,
// or, for a pattern ending in "/..." as go list writes it, the path before
// it or any package under it.
func matchPattern(pattern, path string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	return path == pattern
}
