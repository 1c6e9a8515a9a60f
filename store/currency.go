package store

import "strings"

// currencies are the ISO 4217 codes offered for organizations and invoices.
var currencies = map[string]bool{}

// Currencies lists the supported ISO 4217 codes, in a stable order.
var Currencies = []string{
	"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "HKD", "SGD", "INR", "SEK", "NOK", "DKK",
	"PLN", "CZK", "HUF", "RON", "BGN", "ISK", "TRY", "ILS", "AED", "SAR", "ZAR", "BRL", "MXN", "ARS", "CLP",
	"COP", "PEN", "KRW", "TWD", "THB", "MYR", "IDR", "PHP", "VND", "UAH", "EGP", "NGN", "KES", "MAD",
}

func init() {
	for _, c := range Currencies {
		currencies[c] = true
	}
}

// IsCurrency reports whether code is a supported ISO 4217 currency code.
func IsCurrency(code string) bool { return currencies[code] }

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
