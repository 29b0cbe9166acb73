package main

import "syscall"

// peakMemory is the most memory the process has held at once (its peak
// resident set, in bytes), or 0 when it cannot be read.
func peakMemory() int64 {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return u.Maxrss * 1024 // Linux gives kilobytes
}
