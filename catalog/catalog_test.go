package catalog

import (
	"os/exec"
	"strings"
	"testing"
)

// The package imports only polku and the standard library, as its
// package comment says: no pgx, no go-telegram, no store.
func TestImportsOnlyPolkuAndStd(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		first, _, _ := strings.Cut(dep, "/")
		std := !strings.Contains(first, ".") && first != "polku"
		if !std && dep != "polku" && dep != "polku/catalog" {
			t.Errorf("catalog imports %s", dep)
		}
	}
}
