package vocab

// Invoice statuses. Overdue is never stored: a sent invoice whose due date is before today, in the
// organization's timezone, reads overdue.
const (
	InvoiceDraft   = "draft"
	InvoiceSent    = "sent"
	InvoiceOverdue = "overdue"
	InvoicePaid    = "paid"
	InvoiceVoid    = "void"
)

// InvoiceStatuses are the invoice statuses as they are read, in the invoice list's order.
var InvoiceStatuses = Terms{
	{Code: InvoiceDraft, Label: "Draft"},
	{Code: InvoiceSent, Label: "Sent"},
	{Code: InvoiceOverdue, Label: "Overdue"},
	{Code: InvoicePaid, Label: "Paid"},
	{Code: InvoiceVoid, Label: "Void"},
}

// Payment methods.
const (
	PaymentBankTransfer = "bank_transfer"
	PaymentCreditCard   = "credit_card"
	PaymentCash         = "cash"
	PaymentOther        = "other"
)

// DefaultPaymentMethod is the method of a payment recorded without one.
const DefaultPaymentMethod = PaymentOther

// PaymentMethods are the payment methods in order.
var PaymentMethods = Terms{
	{Code: PaymentBankTransfer, Label: "Bank transfer"},
	{Code: PaymentCreditCard, Label: "Credit card"},
	{Code: PaymentCash, Label: "Cash"},
	{Code: PaymentOther, Label: "Other"},
}

// Kinds of client activity.
const (
	ActivityMeeting = "meeting"
	ActivityCall    = "call"
	ActivityEmail   = "email"
	ActivityNote    = "note"
)

// ActivityTypes are the kinds of client activity, in the reference's order.
var ActivityTypes = Terms{
	{Code: ActivityMeeting, Label: "Meeting", Plural: "Meetings"},
	{Code: ActivityCall, Label: "Call", Plural: "Calls"},
	{Code: ActivityEmail, Label: "Email", Plural: "Emails"},
	{Code: ActivityNote, Label: "Note", Plural: "Notes"},
}

// Currencies are the ISO 4217 currencies organizations, clients and invoices may use, labelled with their names,
// in the order the pages offer them. Their number of decimals is package money's (store/money.Decimals).
var Currencies = Terms{
	{Code: "USD", Label: "US Dollar"}, {Code: "EUR", Label: "Euro"}, {Code: "GBP", Label: "Pound Sterling"},
	{Code: "CHF", Label: "Swiss Franc"}, {Code: "CAD", Label: "Canadian Dollar"}, {Code: "AUD", Label: "Australian Dollar"},
	{Code: "NZD", Label: "New Zealand Dollar"}, {Code: "JPY", Label: "Japanese Yen"}, {Code: "CNY", Label: "Chinese Yuan"},
	{Code: "HKD", Label: "Hong Kong Dollar"}, {Code: "SGD", Label: "Singapore Dollar"}, {Code: "SEK", Label: "Swedish Krona"},
	{Code: "NOK", Label: "Norwegian Krone"}, {Code: "DKK", Label: "Danish Krone"}, {Code: "ISK", Label: "Icelandic Króna"},
	{Code: "PLN", Label: "Polish Złoty"}, {Code: "CZK", Label: "Czech Koruna"}, {Code: "HUF", Label: "Hungarian Forint"},
	{Code: "RON", Label: "Romanian Leu"}, {Code: "BGN", Label: "Bulgarian Lev"}, {Code: "TRY", Label: "Turkish Lira"},
	{Code: "UAH", Label: "Ukrainian Hryvnia"}, {Code: "ILS", Label: "Israeli New Shekel"}, {Code: "AED", Label: "UAE Dirham"},
	{Code: "SAR", Label: "Saudi Riyal"}, {Code: "INR", Label: "Indian Rupee"}, {Code: "IDR", Label: "Indonesian Rupiah"},
	{Code: "KRW", Label: "South Korean Won"}, {Code: "TWD", Label: "New Taiwan Dollar"}, {Code: "THB", Label: "Thai Baht"},
	{Code: "MYR", Label: "Malaysian Ringgit"}, {Code: "PHP", Label: "Philippine Peso"}, {Code: "VND", Label: "Vietnamese Đồng"},
	{Code: "MXN", Label: "Mexican Peso"}, {Code: "BRL", Label: "Brazilian Real"}, {Code: "ARS", Label: "Argentine Peso"},
	{Code: "CLP", Label: "Chilean Peso"}, {Code: "COP", Label: "Colombian Peso"}, {Code: "PEN", Label: "Peruvian Sol"},
	{Code: "ZAR", Label: "South African Rand"}, {Code: "NGN", Label: "Nigerian Naira"}, {Code: "KES", Label: "Kenyan Shilling"},
	{Code: "EGP", Label: "Egyptian Pound"}, {Code: "MAD", Label: "Moroccan Dirham"},
}

// IsCurrency reports whether code is one of Currencies.
func IsCurrency(code string) bool { return Currencies.Has(code) }
