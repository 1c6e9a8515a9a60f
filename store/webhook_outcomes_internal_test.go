package store

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// encodeOutcomes must write what json.Marshal wrote before it (the keys jsonb_to_recordset reads), for any error
// text a receiver's failure can give.
func TestEncodeOutcomes_SameJSONAsMarshal(t *testing.T) {
	t.Parallel()
	code := 503
	at := time.Date(2026, 12, 7, 15, 4, 5, 123456789, time.UTC)
	h := http.Header{}
	h.Set(headerWebhookEvent, "task.created")
	h.Set(headerWebhookDelivery, "42")
	h.Set(headerWebhookSignature, "sha256=abc")
	h.Set("Content-Type", "application/json")
	h.Set("X-Not-Logged", "x")
	outcomes := []deliveryOutcome{
		{ID: 42, Status: "pending", Attempts: 3, NextAt: at.Add(time.Minute), Attempted: true, At: at, Headers: h,
			Code: &code, Duration: 17, Error: "the receiver said \"no\"\\\n\t\x01 é \xff end"},
		{ID: 43, Status: "pending", Attempts: 0, NextAt: at.In(time.FixedZone("X", 3600))},
	}
	type old struct {
		ID        int64             `json:"id"`
		Status    string            `json:"status"`
		Attempts  int               `json:"attempts"`
		NextAt    time.Time         `json:"next_attempt_at"`
		Attempted bool              `json:"attempted"`
		At        time.Time         `json:"last_attempt_at"`
		Headers   map[string]string `json:"request_headers"`
		Code      *int              `json:"response_code"`
		Duration  int               `json:"duration_ms"`
		Error     string            `json:"error"`
	}
	var olds []old
	for _, o := range outcomes {
		flat := map[string]string{}
		for _, name := range loggedHeaders {
			if v := o.Headers.Get(name); v != "" {
				flat[name] = v
			}
		}
		olds = append(olds, old{o.ID, o.Status, o.Attempts, o.NextAt, o.Attempted, o.At, flat, o.Code, o.Duration, o.Error})
	}
	want, err := json.Marshal(olds)
	if err != nil {
		t.Fatal(err)
	}
	got := encodeOutcomes(outcomes)
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("invalid JSON %s: %v", got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("encoded\n%s\nwant\n%s", got, want)
	}
}
