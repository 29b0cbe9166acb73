package bot

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// recovered logs and counts a panic the bot carries on after. The log
// has the IDs of what panicked, the panic value's type and where it
// happened, never the value, which may quote what someone wrote.
func (b *Bot) recovered(r any, what string, args ...any) {
	b.count.panics.Add(1)
	b.log.Error("panic "+what, append(args, "panic", fmt.Sprintf("%T", r), "at", panicSite())...)
}

// guard runs f and reports whether it panicked, recovering the panic.
func (b *Bot) guard(what string, f func()) (panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			b.recovered(r, what)
			panicked = true
		}
	}()
	f()
	return false
}

// panicSite is the function and line that panicked, when called in the
// deferred function that recovers.
func panicSite() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		if panicking && !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
		}
		if f.Function == "runtime.gopanic" {
			panicking = true
		}
		if !more {
			return "unknown"
		}
	}
}
