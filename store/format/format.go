// Package format writes the numbers and dates a person reads — money, calendar dates, hours and quantities —
// one way for the pages, the PDF, the public invoice page and the emails, so an amount or a date never reads
// differently from one place to the next. It sits below every layer that prints (views, store/pdf, store).
package format

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/trcr/trcr/store/money"
)

// Money writes minor units with thousands separators, the currency's own decimals and the code after the
// amount: 125000 EUR is "1,250.00 EUR", 1500 JPY is "1,500 JPY".
func Money(minor int64, currency string) string {
	out := money.Grouped(minor, currency)
	if currency != "" {
		out += " " + currency
	}
	return out
}

const dateLayout = "Jan 2, 2006"

// Date writes a YYYY-MM-DD calendar date as "Mar 12, 2026"; anything else is returned as is.
func Date(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format(dateLayout)
}

// DateOf writes the calendar day of t (in t's location) as Date does.
func DateOf(t time.Time) string { return t.Format(dateLayout) }

// Hours writes seconds as h:mm to the nearest minute ("7:30", "0:05"), the unit of tracked time.
func Hours(seconds int64) string {
	if seconds < 0 {
		seconds = 0
	}
	m := (seconds + 30) / 60
	return itoa(m/60) + ":" + pad2(m%60)
}

// DecimalHours writes seconds as hours with two decimals, half-up ("1.50"), where a number is needed.
func DecimalHours(seconds int64) string {
	h := (seconds + 18) / 36
	return itoa(h/100) + "." + pad2(h%100)
}

// Quantity writes a decimal quantity (an invoice line's "0.0522") with two decimals, rounded half away from
// zero ("0.05"); the stored value keeps its precision, so amounts are still computed from it. Anything that is
// not a decimal is returned as is.
func Quantity(q string) string {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(q))
	if !ok {
		return q
	}
	neg := r.Sign() < 0
	r.Abs(r)
	r.Mul(r, big.NewRat(100, 1))
	r.Add(r, big.NewRat(1, 2))
	hundredths := new(big.Int).Quo(r.Num(), r.Denom())
	whole, frac := new(big.Int).QuoRem(hundredths, big.NewInt(100), new(big.Int))
	out := money.GroupDigits(whole.String()) + "." + pad2(frac.Int64())
	if neg && hundredths.Sign() != 0 {
		out = "-" + out
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func pad2(n int64) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}
