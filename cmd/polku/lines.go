package main

import (
	"strconv"
	"strings"
)

// BurntSushi's decoder keeps where each key was written to itself, and a
// problem in the service's file is only useful with its line. So the
// file's own text is read once more, just for its table headers and its
// keys: small on purpose, it knows TOML's strings, comments, multi-line
// arrays and strings, and nothing else.

// keyLines says where the tables and keys of a TOML file are written, by
// path: "defaults.office_hours", "municipality.2.controller" (an array
// table's entries by their index from 0). A key inside an inline table
// has no line of its own; lineOf finds the line of the table instead.
type keyLines map[string]int

// scanLines reads text for its headers and keys.
func scanLines(text string) keyLines {
	at := keyLines{}
	arrays := map[string]int{} // array table (without indices) → entries so far
	table := ""
	var sc valueScanner
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		if sc.open() { // a line inside a multi-line array or string
			sc.scan(line)
			continue
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#':
		case strings.HasPrefix(line, "[["):
			name := headerKeys(strings.TrimPrefix(line, "[["), "]]")
			plain := strings.Join(name, ".")
			table = indexed(name, arrays) + "." + strconv.Itoa(arrays[plain])
			arrays[plain]++
			at.header(table, n)
		case line[0] == '[':
			table = indexed(headerKeys(line[1:], "]"), arrays)
			at.header(table, n)
		default:
			key, rest, ok := cutKey(line)
			if !ok {
				continue
			}
			if table != "" {
				key = table + "." + key
			}
			at.note(key, n)
			sc.scan(rest)
		}
	}
	return at
}

// note keeps the first line of path (TOML refuses a key written twice).
func (at keyLines) note(path string, n int) {
	if _, ok := at[path]; !ok {
		at[path] = n
	}
}

// header notes a table's header, and the tables around it that it
// makes without a header of their own ([defaults.controller] alone makes
// [defaults]).
func (at keyLines) header(path string, n int) {
	for i, c := range path {
		if c == '.' {
			at.note(path[:i], n)
		}
	}
	at.note(path, n)
}

// lineOf is the line of path, or of the nearest table around it; 0 when
// the file writes none of it.
func (at keyLines) lineOf(path string) int {
	for path != "" {
		if n, ok := at[path]; ok {
			return n
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// indexed is a header's path with the current entry of each array table
// it lies in: [municipality.controller] after the third [[municipality]]
// is "municipality.2.controller".
func indexed(name []string, arrays map[string]int) string {
	var path []string
	for i, k := range name {
		path = append(path, k)
		if n, ok := arrays[strings.Join(name[:i+1], ".")]; ok && i < len(name)-1 {
			path = append(path, strconv.Itoa(n-1))
		}
	}
	return strings.Join(path, ".")
}

// headerKeys reads the dotted keys of a table header up to its closing
// brackets.
func headerKeys(s, end string) []string {
	var keys []string
	for {
		k, rest := oneKey(strings.TrimSpace(s))
		keys = append(keys, k)
		rest = strings.TrimSpace(rest)
		if rest == "" || strings.HasPrefix(rest, end) || rest[0] != '.' {
			return keys
		}
		s = rest[1:]
	}
}

// cutKey reads the dotted key before a line's "=", and returns the value
// after it.
func cutKey(line string) (key, rest string, ok bool) {
	var keys []string
	s := line
	for {
		k, r := oneKey(strings.TrimSpace(s))
		if k == "" {
			return "", "", false
		}
		keys = append(keys, k)
		r = strings.TrimSpace(r)
		switch {
		case strings.HasPrefix(r, "="):
			return strings.Join(keys, "."), r[1:], true
		case strings.HasPrefix(r, "."):
			s = r[1:]
		default:
			return "", "", false
		}
	}
}

// oneKey reads one bare or quoted key from the start of s.
func oneKey(s string) (key, rest string) {
	if s == "" {
		return "", ""
	}
	if q := s[0]; q == '"' || q == '\'' {
		if end := strings.IndexByte(s[1:], q); end >= 0 {
			return s[1 : end+1], s[end+2:]
		}
		return "", ""
	}
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	if end < 0 {
		end = len(s)
	}
	return s[:end], s[end:]
}

// valueScanner follows a value over lines: the brackets of arrays and
// inline tables still open, and a multi-line string not yet closed.
type valueScanner struct {
	depth int
	multi string // `"""` or `'''` while inside one
}

// open reports whether the next line continues a value.
func (sc *valueScanner) open() bool { return sc.depth > 0 || sc.multi != "" }

// scan goes through one line of a value.
func (sc *valueScanner) scan(s string) {
	for len(s) > 0 {
		if sc.multi != "" {
			end := strings.Index(s, sc.multi)
			if end < 0 {
				return
			}
			s, sc.multi = s[end+3:], ""
			continue
		}
		switch c := s[0]; {
		case strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, "'''"):
			sc.multi, s = s[:3], s[3:]
		case c == '"' || c == '\'':
			s = afterString(s)
		case c == '#':
			return
		case c == '[' || c == '{':
			sc.depth++
			s = s[1:]
		case c == ']' || c == '}':
			sc.depth = max(sc.depth-1, 0)
			s = s[1:]
		default:
			s = s[1:]
		}
	}
}

// afterString is what follows the one-line string s starts with (a basic
// string's escapes skipped, a literal string's not).
func afterString(s string) string {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q:
			return s[i+1:]
		}
	}
	return ""
}
