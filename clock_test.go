package polku

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// wallClock lists the files allowed to read the wall clock (time.Now), each
// with the reason. Everything else takes the service's one clock from main
// or the test rig: a bare time.Now() in what a person sees is a bug waiting
// for a date, and so is PostgreSQL's now().
var wallClock = map[string]string{
	"cmd/polku/main.go":           "the one clock: main hands time.Now to everything",
	"internal/console/console.go": "update IDs that grow across console runs, and how long to wait for the bot",
	"internal/load/load.go":       "the load benchmark measures wall time",
	"internal/load/reminders.go": "the reminder benchmark measures wall time against Telegram's real " +
		"seconds",
	"bot/bot.go":                 "the wall clock of Telegram's rate limits, retry_after, back-off and caches (Bot.wall)",
	"store/store.go":             "the name of a scratch database for benchmarks",
	"internal/httpguard/gate.go": "wrong guesses of the webhook secret are throttled on real seconds",
}

// TestOneClock fails when code outside wallClock reads time.Now (or time.Since, time.Until), or when SQL
// anywhere asks the database server for its time.
func TestOneClock(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".pg", "bin", "testdata", "telegramtest":
				// telegramtest stands in for Telegram, whose clock is its own.
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		_, allowed := wallClock[filepath.ToSlash(path)]
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "time" && (n.Sel.Name == "Now" || n.Sel.Name == "Since" || n.Sel.Name == "Until") && !allowed {
					t.Errorf("%s: time."+n.Sel.Name+" outside the one clock (pass the service's clock in, or list the file in wallClock with a reason)", fset.Position(n.Pos()))
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					return true
				}
				low := strings.ToLower(s)
				for _, fn := range []string{"now()", "current_timestamp", "current_date", "localtimestamp", "clock_timestamp()", "statement_timestamp()", "transaction_timestamp()"} {
					if strings.Contains(low, fn) {
						t.Errorf("%s: SQL reads the server's clock (%s): pass the service's time as a parameter", fset.Position(n.Pos()), fn)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
