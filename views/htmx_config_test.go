package views

import (
	"encoding/json"
	"testing"
)

// Swaps settle at once: htmx's default settle delay (20 ms) would be added to every answer. The hx-on scan (of
// every attribute of the page and of every swap) is off: the app uses no hx-on attribute.
func TestHTMXConfig_SettlesAtOnce(t *testing.T) {
	t.Parallel()
	var cfg map[string]any
	if err := json.Unmarshal([]byte(htmxConfig), &cfg); err != nil {
		t.Fatal(err)
	}
	if d, ok := cfg["defaultSettleDelay"].(float64); !ok || d != 0 {
		t.Fatalf("defaultSettleDelay %v (set: %v), want 0", cfg["defaultSettleDelay"], ok)
	}
	if v, ok := cfg["processHxOn"].(bool); !ok || v {
		t.Fatalf("processHxOn %v (set: %v), want false", cfg["processHxOn"], ok)
	}
}
