package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// serve collects garbage at defaultGCPercent unless GOGC is set, which wins.
func TestTuneGC_DefaultUnlessGOGCIsSet(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	t.Setenv("GOGC", "")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set (empty) the target became %d, want it left at 100", got)
	}

	t.Setenv("GOGC", "") // restored after the test
	os.Unsetenv("GOGC")
	tuneGC()
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("without GOGC the target is %d, want %d", got, defaultGCPercent)
	}
}
