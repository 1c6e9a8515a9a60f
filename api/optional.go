package api

import (
	"bytes"
	"encoding/json"
)

// Optional is a JSON field whose absence, null and value mean different things, as in updates where null clears:
// Set is false when the field was absent, Null is true when it was null, and Value holds it otherwise.
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON is only called for fields present in the body, which is what makes Set meaningful.
func (o *Optional[T]) UnmarshalJSON(data []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		o.Null = true
		var zero T
		o.Value = zero
		return nil
	}
	o.Null = false
	return json.Unmarshal(data, &o.Value)
}

// MarshalJSON writes null unless a value was set, so an Optional can round-trip.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if !o.Set || o.Null {
		return []byte("null"), nil
	}
	return json.Marshal(o.Value)
}

// Ptr is the value when one was given, else nil (absent or null).
func (o Optional[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}

// Cleared reports whether the field was explicitly null.
func (o Optional[T]) Cleared() bool { return o.Set && o.Null }
