package money_test

import (
	"testing"

	"github.com/trcr/trcr/store/money"
)

func TestGrouped_UsesTheCurrencysDecimals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		minor    int64
		currency string
		plain    string
		grouped  string
	}{
		{0, "EUR", "0.00", "0.00"},
		{5, "EUR", "0.05", "0.05"},
		{123456789, "EUR", "1234567.89", "1,234,567.89"},
		{-2550, "USD", "-25.50", "-25.50"},
		{-123456, "USD", "-1234.56", "-1,234.56"},
		{1500, "JPY", "1500", "1,500"},
		{0, "JPY", "0", "0"},
		{1234567, "KRW", "1234567", "1,234,567"},
		{-999, "ISK", "-999", "-999"},
		{100, "XXX", "1.00", "1.00"}, // unknown codes have two decimals
	} {
		if got := money.Plain(c.minor, c.currency); got != c.plain {
			t.Errorf("Plain(%d, %s) = %q, want %q", c.minor, c.currency, got, c.plain)
		}
		if got := money.Grouped(c.minor, c.currency); got != c.grouped {
			t.Errorf("Grouped(%d, %s) = %q, want %q", c.minor, c.currency, got, c.grouped)
		}
	}
	if money.Decimals("JPY") != 0 || money.Decimals("EUR") != 2 || money.Decimals("") != 2 {
		t.Error("Decimals")
	}
}
