package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pgsh runs `scripts/pg.sh cmd` on c's data directory with POLKU_PGPORT
// set to port, and returns its exit code and stderr.
func (c *pgCluster) pgsh(t *testing.T, port int, cmd string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	x := exec.CommandContext(ctx, "bash", c.script, cmd)
	x.Env = append(os.Environ(), "POLKU_PGDATA="+c.data, "POLKU_PGPORT="+strconv.Itoa(port))
	var stderr bytes.Buffer
	x.Stderr = &stderr
	x.WaitDelay = 5 * time.Second
	err := x.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("pg.sh %s: %v", cmd, err)
	}
	return x.ProcessState.ExitCode(), stderr.String()
}

// TestPGScriptReportsTheRunningPort: `pg.sh status` says the port the
// cluster runs on, not the one asked about; asked about another port it
// says so (exit 4), and `start` there leaves the running server alone and
// says how to use it or move it.
func TestPGScriptReportsTheRunningPort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster of its own")
	}
	c := startPrivatePG(t)
	on := "127.0.0.1:" + strconv.Itoa(c.port)
	if code, msg := c.pgsh(t, c.port, "status"); code != 0 || !strings.Contains(msg, "running") || !strings.Contains(msg, on) {
		t.Errorf("status on its own port: exit %d, %q", code, msg)
	}
	other := c.port + 1
	if other > 65535 {
		other = c.port - 1
	}
	code, msg := c.pgsh(t, other, "status")
	if code != 4 || !strings.Contains(msg, on) || !strings.Contains(msg, "POLKU_PGPORT="+strconv.Itoa(c.port)) ||
		strings.Contains(msg, "127.0.0.1:"+strconv.Itoa(other)) {
		t.Errorf("status asked about port %d: exit %d, %q; want 4 and the real port %d", other, code, msg, c.port)
	}
	if code, msg := c.pgsh(t, other, "start"); code == 0 || !strings.Contains(msg, "runs on port "+strconv.Itoa(c.port)) {
		t.Errorf("start on port %d: exit %d, %q", other, code, msg)
	}
	if code, _ := c.pgsh(t, c.port, "status"); code != 0 {
		t.Errorf("the cluster is not running on port %d after a start elsewhere: exit %d", c.port, code)
	}
}
