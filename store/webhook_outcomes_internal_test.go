package store

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// The outcomes' JSON, with the logged headers as a struct, must be what it was with them as a map (the keys
// jsonb_to_recordset reads, the headers named as DECISIONS.md spells them, those not sent left out), for any error
// text a receiver's failure can give.
func TestDeliveryOutcomes_SameJSONAsWithAHeaderMap(t *testing.T) {
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
		{ID: 42, EventID: 7, Status: "pending", Attempts: 3, NextAt: at.Add(time.Minute), At: at, Headers: logHeaders(h),
			Code: &code, Duration: 17, Error: "the receiver said \"no\"\\\n\t\x01 é \xff end"},
		{ID: 43, Status: "pending", Attempts: 0, NextAt: at.In(time.FixedZone("X", 3600))},
	}
	sent := []http.Header{h, {}} // each outcome's request headers (none for the second)
	type old struct {
		ID       int64             `json:"id"`
		EventID  int64             `json:"event_id"`
		Status   string            `json:"status"`
		Attempts int               `json:"attempts"`
		NextAt   time.Time         `json:"next_attempt_at"`
		At       time.Time         `json:"last_attempt_at"`
		Headers  map[string]string `json:"request_headers"`
		Code     *int              `json:"response_code"`
		Duration int               `json:"duration_ms"`
		Error    string            `json:"error"`
	}
	var olds []old
	for i, o := range outcomes {
		flat := map[string]string{}
		for _, name := range []string{headerWebhookEvent, headerWebhookDelivery, headerWebhookTimestamp,
			headerWebhookSignature, headerWebhookTimestampSignature, "Content-Type", "User-Agent"} {
			if v := sent[i].Get(name); v != "" {
				flat[name] = v
			}
		}
		olds = append(olds, old{o.ID, o.EventID, o.Status, o.Attempts, o.NextAt, o.At, flat, o.Code, o.Duration, o.Error})
	}
	want, err := json.Marshal(olds)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(outcomes)
	if err != nil {
		t.Fatal(err)
	}
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
