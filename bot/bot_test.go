package bot

import (
	"strings"
	"testing"
	"time"
)

// TestNewNamesUnsetSettings: bot.New has no defaults of its own; a
// setting left unset is named, not filled in.
func TestNewNamesUnsetSettings(t *testing.T) {
	c := withServeSettings(Config{Now: time.Now})
	c.ChatBurst, c.Drafts = 0, 0
	err := c.check()
	if err == nil || !strings.Contains(err.Error(), "ChatBurst, ") || !strings.Contains(err.Error(), "Drafts") {
		t.Errorf("check = %v, want ChatBurst and Drafts named", err)
	}
	serve := withServeSettings(Config{Now: time.Now})
	if err := serve.check(); err != nil {
		t.Errorf("serve's settings: %v", err)
	}
}
