package store

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
