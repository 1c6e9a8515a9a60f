package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day without a timezone: YYYY-MM-DD on the wire, a PostgreSQL date in the database.
type Date struct{ time.Time }

const dateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD day.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

func (d Date) String() string { return d.Format(dateLayout) }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Scan reads a PostgreSQL date, keeping only the day whatever location the driver gives it.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		d.Time = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
		return nil
	case []byte:
		return d.scanString(string(v))
	case string:
		return d.scanString(v)
	}
	return fmt.Errorf("date: cannot scan %T", src)
}

func (d *Date) scanString(s string) error {
	p, err := ParseDate(s)
	if err == nil {
		*d = p
	}
	return err
}

// Value writes the day as text, which PostgreSQL casts to date.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Clearable is an optional field of an update whose value may also be cleared: Set says the field was given,
// and a nil Value then clears it.
type Clearable[T any] struct {
	Set   bool
	Value *T
}
