package store

import "strings"

// parseMoney reads an amount as a form types it, in major units of currency ("85", "1,250.50"; "1500" for JPY),
// as minor units; blank text, or text that is not such an amount, is nil with a message for field in v. Forms
// hand the store the text rather than cents so that the use case reads it after its permission check: a caller
// who may not act learns that first, whatever they typed.
func parseMoney(v *validator, field, text, currency string) *int64 {
	if strings.TrimSpace(text) == "" {
		v.add(field, field+" is required")
		return nil
	}
	return parseMajorUnits(v, field, text, currencyDecimals(currency))
}
