// Package money writes amounts held in minor units (cents, or yen for a currency without minor units) with the
// currency's own number of decimals. The pages and the PDF both print money through it, so an amount reads the
// same everywhere: 1500 JPY is "1,500", never "15.00".
package money

import (
	"strconv"
	"strings"
)

// zeroDecimal are the supported ISO 4217 currencies without minor units; every other has two decimals.
var zeroDecimal = map[string]bool{"JPY": true, "ISK": true, "KRW": true, "VND": true, "CLP": true}

// Decimals is the number of minor-unit digits of an ISO 4217 code (2 when unknown).
func Decimals(code string) int {
	if zeroDecimal[code] {
		return 0
	}
	return 2
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// Plain writes minor units as a decimal without separators, as a form input takes it: 8500 EUR is "85.00",
// 8500 JPY is "8500".
func Plain(minor int64, currency string) string {
	d := Decimals(currency)
	neg := minor < 0
	if neg {
		minor = -minor
	}
	p := pow10(d)
	s := strconv.FormatInt(minor/p, 10)
	if d > 0 {
		frac := strconv.FormatInt(minor%p, 10)
		s += "." + strings.Repeat("0", d-len(frac)) + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Grouped writes minor units with thousands separators and the currency's decimals, without the code:
// 125000 EUR is "1,250.00", 125000 JPY is "125,000".
func Grouped(minor int64, currency string) string {
	s := Plain(minor, currency)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	out := sign + GroupDigits(whole)
	if hasFrac {
		out += "." + frac
	}
	return out
}

// GroupDigits puts thousands separators into a run of digits: "1250000" is "1,250,000".
func GroupDigits(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
