package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"polku/internal/pgtest"
)

// TestConsoleFileAfterNew: every family the console plays may send a
// catalogue file as the operator, also one made by :new (which once got
// the answer to a sticker).
func TestConsoleFileAfterNew(t *testing.T) {
	url := pgtest.URL(t)
	in := strings.NewReader(":file ../../docs/catalogue-template.csv\n:new\n:file ../../docs/catalogue-template.csv\n:quit\n")
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, []string{"console"}, env(map[string]string{"DATABASE_URL": url, "POLKU_LOG_LEVEL": "warn"}), in, &out, &out)
	if err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	_, after, ok := strings.Cut(out.String(), "(you are now family #")
	if !ok {
		t.Fatalf("no :new in\n%s", out.String())
	}
	if !strings.Contains(after, "✅ Luettelo on tuotu") || strings.Contains(after, "tarroja") || strings.Contains(after, "tiedostoja") {
		t.Errorf("the new family's catalogue file was not imported:\n%s", after)
	}
}
