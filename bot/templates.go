package bot

import (
	_ "embed"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed templates.toml
var defaultTemplates []byte

// ReadTemplates reads a templates file: [name] tables of language = text;
// "" reads the built-in ones (templates.toml).
func ReadTemplates(path string) (map[string]map[string]string, error) {
	data := defaultTemplates
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, err
		}
	}
	var t map[string]map[string]string
	if _, err := toml.Decode(string(data), &t); err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(t))
	for name, langs := range t {
		out[strings.ToLower(name)] = langs
	}
	return out, nil
}

// TemplateFile gives the bot the reply templates of a file (Config.Templates
// is its Get), reading the file again when it changed; a file broken by an
// edit keeps the last good version.
type TemplateFile struct {
	path string
	log  *slog.Logger
	mu   sync.Mutex
	mod  time.Time
	size int64
	last map[string]map[string]string
}

// NewTemplateFile reads the templates of path, "" the built-in ones, and
// warns on log when it cannot.
func NewTemplateFile(path string, log *slog.Logger) *TemplateFile {
	return &TemplateFile{path: path, log: log}
}

// Get returns the templates: name, then language, then text.
func (t *TemplateFile) Get() map[string]map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.path == "" {
		if t.last == nil {
			t.last, _ = ReadTemplates("")
		}
		return t.last
	}
	fi, err := os.Stat(t.path)
	if err != nil {
		t.log.Warn("reply templates", "err", err)
		return t.last
	}
	if t.last != nil && fi.ModTime().Equal(t.mod) && fi.Size() == t.size {
		return t.last
	}
	got, err := ReadTemplates(t.path)
	if err != nil {
		t.log.Warn("reply templates", "err", err)
		return t.last
	}
	t.last, t.mod, t.size = got, fi.ModTime(), fi.Size()
	return t.last
}
