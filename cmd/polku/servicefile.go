package main

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"polku"
)

// The service's file (POLKU_CONFIG) is read in two steps: servicefile.go
// reads its tables, each value checked where it is written, and
// service.go puts the service together (every setting resolved) and
// checks what no single table can say. Every problem is kept, with its
// line, and reported together.

// serviceFile is one service file being read, and its problems so far.
type serviceFile struct {
	name     string // as given, for the messages
	lines    keyLines
	loc      *time.Location
	problems []problem
	// names are every name the file gives, checked against the
	// languages the service speaks once they are all known.
	names []givenName
}

// givenName is a name the file gives, where it gives it.
type givenName struct {
	at   *table
	key  string
	name polku.Localized
}

// problem is one problem of the file: line 0 when it is of no one line.
type problem struct {
	line int
	text string
}

// add notes a problem of path (as keyLines names it) in who's words.
func (f *serviceFile) add(path, who, text string) {
	if who != "" {
		text = who + ": " + text
	}
	f.problems = append(f.problems, problem{f.lines.lineOf(path), text})
}

// err is every problem, in the file's order, as an editor jumps to them:
// "config.toml:12: municipality Kalajoki: office_hours: …".
func (f *serviceFile) err() error {
	sort.SliceStable(f.problems, func(i, j int) bool { return f.problems[i].line < f.problems[j].line })
	var errs []error
	for _, p := range f.problems {
		if p.line > 0 {
			errs = append(errs, fmt.Errorf("%s:%d: %s", f.name, p.line, p.text))
		} else {
			errs = append(errs, fmt.Errorf("%s: %s", f.name, p.text))
		}
	}
	return errors.Join(errs...)
}

// decode reads the file's TOML. A file that is not TOML stops there, at
// the line where it stops being TOML: nothing after it can be read.
func (f *serviceFile) decode(text string) (*table, bool) {
	var m map[string]any
	if _, err := toml.Decode(text, &m); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// The line of the byte it stopped at: the parser counts a
			// line's own newline as the next line's.
			line := pe.Position.Line
			if at := pe.Position.Start; at >= 0 && at < len(text) {
				line = 1 + strings.Count(text[:at], "\n")
			}
			f.problems = append(f.problems, problem{line, "not TOML: " + pe.Message})
		} else {
			f.problems = append(f.problems, problem{0, "not TOML: " + err.Error()})
		}
		return nil, false
	}
	return f.table("", "", m), true
}

// table is one of the file's tables to read: at path, named who.
func (f *serviceFile) table(path, who string, m map[string]any) *table {
	return &table{f: f, path: path, who: who, m: m, read: map[string]bool{}}
}

// table is one table of the file being read: what is read of it is
// known, and what is left over is unknown (the file's misspellings).
type table struct {
	f *serviceFile
	// path is where keyLines finds it ("municipality.2"), who how the
	// problems name it ("municipality Kalajoki"), prefix how they name
	// its keys ("controller." in a controller).
	path, who, prefix string
	m                 map[string]any
	read              map[string]bool
	order             []string
}

// problem notes a problem of key (of the table itself when "").
func (t *table) problem(key, format string, args ...any) {
	path, text := t.path, fmt.Sprintf(format, args...)
	if key != "" {
		path, text = join(t.path, key), t.prefix+key+": "+text
	}
	t.f.add(path, t.who, text)
}

// join is a path of keyLines one key deeper.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// value is key's value, if the table has it; key is then known.
func (t *table) value(key string) (any, bool) {
	if !t.read[key] {
		t.read[key] = true
		t.order = append(t.order, key)
	}
	v, ok := t.m[key]
	return v, ok
}

// str reads a text.
func (t *table) str(key string) (string, bool) {
	v, ok := t.value(key)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		t.problem(key, "want text in quotes, got %s", kind(v))
		return "", false
	}
	return strings.TrimSpace(s), true
}

// strs reads a list of texts (a date written without quotes, as TOML
// allows, is read as its text).
func (t *table) strs(key string) ([]string, bool) {
	v, ok := t.value(key)
	if !ok {
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		t.problem(key, `want a list such as ["…", "…"], got %s`, kind(v))
		return nil, false
	}
	out := []string{}
	for _, e := range list {
		switch e := e.(type) {
		case string:
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		case time.Time:
			out = append(out, e.Format(time.DateOnly))
		default:
			t.problem(key, "want texts in quotes in the list, got %s", kind(e))
			return nil, false
		}
	}
	return out, true
}

// whole reads a whole number within lo..hi.
func (t *table) whole(key string, lo, hi int64) (int64, bool) {
	v, ok := t.value(key)
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok || n < lo || n > hi {
		t.problem(key, "want a whole number %d–%d, got %s", lo, hi, kind(v))
		return 0, false
	}
	return n, true
}

// names reads a name in each language: { fi = "…", sv = "…" }. Whether
// every language the service speaks is there is checked later, when they
// are all known (see checkNames).
func (t *table) names(key string) (polku.Localized, bool) {
	v, ok := t.value(key)
	if !ok {
		t.problem("", "no %s%s: give one in each language, such as %s = { fi = \"…\", sv = \"…\" }", t.prefix, key, key)
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.problem(key, "want a name in each language, such as { fi = \"…\", sv = \"…\" }, got %s", kind(v))
		return nil, false
	}
	l := polku.Localized{}
	for lang, s := range m {
		if s, ok := s.(string); ok && strings.TrimSpace(s) != "" {
			l[lang] = strings.TrimSpace(s)
		} else {
			t.problem(key+"."+lang, "want the name in quotes, got %s", kind(s))
		}
	}
	t.f.names = append(t.f.names, givenName{at: t, key: key, name: l})
	return l, true
}

// sub reads a table inside this one, such as a controller.
func (t *table) sub(key string) (*table, bool) {
	v, ok := t.value(key)
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.problem(key, "want a table ([%s] or { … }), got %s", join(t.path, key), kind(v))
		return nil, false
	}
	sub := t.f.table(join(t.path, key), t.who, m)
	sub.prefix = t.prefix + key + "."
	return sub, true
}

// entries reads an array of tables, such as every [[municipality]].
func (t *table) entries(key string) []map[string]any {
	v, ok := t.value(key)
	if !ok {
		return nil
	}
	switch v := v.(type) {
	case []map[string]any:
		return v
	case []any:
		var out []map[string]any
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		if len(out) == len(v) {
			return out
		}
	}
	t.problem(key, "want [[%s]] tables, got %s", key, kind(v))
	return nil
}

// secrets are the keys of what the environment keeps, never a file that
// is copied, mailed and committed: each with its variable.
var secrets = map[string]string{
	"token": "TELEGRAM_BOT_TOKEN", "bot_token": "TELEGRAM_BOT_TOKEN", "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
	"secret": "POLKU_WEBHOOK_SECRET", "webhook_secret": "POLKU_WEBHOOK_SECRET", "polku_webhook_secret": "POLKU_WEBHOOK_SECRET",
	"database_url": "DATABASE_URL", "database": "DATABASE_URL", "password": "DATABASE_URL",
}

// unknown reports every key of the table that nothing read: a secret
// (refused, its value never shown), or a misspelling, said with the keys
// the table does take.
func (t *table) unknown() {
	var left []string
	for k := range t.m {
		if !t.read[k] {
			left = append(left, k)
		}
	}
	slices.Sort(left)
	for _, k := range left {
		if v, ok := secrets[strings.ToLower(k)]; ok {
			t.problem(k, "secrets stay in the environment: set %s there and take this line out of the file", v)
			continue
		}
		t.problem(k, "unknown key (here: %s)", strings.Join(t.order, ", "))
	}
}

// kind says what a TOML value is, in an operator's words (never a
// secret's value: only numbers are shown).
func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "nothing"
	case string:
		return "text"
	case int64:
		return fmt.Sprint(v)
	case float64:
		return fmt.Sprintf("the decimal %g", v)
	case bool:
		return fmt.Sprint(v)
	case time.Time:
		return "a date"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}
