package format_test

import (
	"testing"
	"time"

	"github.com/trcr/trcr/store/format"
)

func TestQuantity_TwoDecimalsNeverFour(t *testing.T) {
	for in, want := range map[string]string{
		"0.0522": "0.05", "10.5": "10.50", "1": "1.00", "0.3333": "0.33", "2.125": "2.13", "1234.5": "1,234.50",
		"-1.005": "-1.01", "0.004": "0.00", "x": "x",
	} {
		if got := format.Quantity(in); got != want {
			t.Errorf("Quantity(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHoursAndDecimalHours(t *testing.T) {
	for secs, want := range map[int64][2]string{
		188: {"0:03", "0.05"}, 9000: {"2:30", "2.50"}, 0: {"0:00", "0.00"}, 36000 + 59: {"10:01", "10.02"},
	} {
		if got := format.Hours(secs); got != want[0] {
			t.Errorf("Hours(%d) = %q, want %q", secs, got, want[0])
		}
		if got := format.DecimalHours(secs); got != want[1] {
			t.Errorf("DecimalHours(%d) = %q, want %q", secs, got, want[1])
		}
	}
}

func TestMoneyAndDate_OneWay(t *testing.T) {
	if got := format.Money(157500, "EUR"); got != "1,575.00 EUR" {
		t.Errorf("Money = %q", got)
	}
	if got := format.Money(150000, "JPY"); got != "150,000 JPY" {
		t.Errorf("Money JPY = %q", got)
	}
	if got := format.Date("2026-03-01"); got != "Mar 1, 2026" {
		t.Errorf("Date = %q", got)
	}
	if got := format.DateOf(time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)); got != "Dec 7, 2026" {
		t.Errorf("DateOf = %q", got)
	}
}
