package main

import (
	"bytes"
	"os"
	"testing"

	"polku/flows"
)

func TestFlowDiagramIsCurrent(t *testing.T) {
	dir := t.TempDir()
	if err := writeFlows([]string{dir}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	fresh, _ := os.ReadFile(dir + "/flow-intake.md")
	kept, err := os.ReadFile("../../docs/flow-intake.md")
	if err != nil || !bytes.Equal(fresh, kept) {
		t.Errorf("docs/flow-intake.md is stale: run `make flows` (err %v)", err)
	}
	readme, _ := os.ReadFile("../../README.md")
	d, _ := flows.Diagram()
	if got, ok := withFlow(string(readme), d); !ok || got != string(readme) {
		t.Errorf("the intake flow in README.md is stale or its markers are gone: run `make flows`")
	}
}
