package catalog

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The package imports only polku, the standard library and the HTML
// tokenizer, as its package comment says: no pgx, no go-telegram, no
// store.
func TestImportsOnlyPolkuStdAndHTML(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := []string{"polku", "polku/catalog", "golang.org/x/net/html", "golang.org/x/net/html/atom"}
	for _, dep := range strings.Fields(string(out)) {
		first, _, _ := strings.Cut(dep, "/")
		std := !strings.Contains(first, ".") && first != "polku"
		if !std && !slices.Contains(allowed, dep) {
			t.Errorf("catalog imports %s", dep)
		}
	}
}
