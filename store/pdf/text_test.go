package pdf_test

import (
	"strings"
	"testing"

	"github.com/trcr/trcr/store/pdf"
)

// hostile is text no font covers: an emoji with a skin tone and a joiner sequence, astral-plane letters (math
// bold, which decomposes to plain letters, and Gothic, which does not), right-to-left Hebrew and Arabic with
// direction marks, CJK, a letter followed by combining marks, and control characters other than NUL.
const hostile = "🎉 Party 👍🏽 👨\u200d👩\u200d👧 𝐀𝐜𝐦𝐞 𐌰𐌱 \u202bשלום\u202c مرحبا 你好 Zoe\u0308 e\u0301\u0323 a\x01b\x1fc\x7f \ufeffend"

func TestInvoice_TextTheFontCannotDrawIsReplacedNotAFailure(t *testing.T) {
	t.Parallel()
	d := sampleDoc()
	d.Number, d.IssueDate, d.DueDate, d.Status = "INV-🎉-1", "2026-03-01\x01", "2026-03-31👍", "paid"
	d.Discount, d.TaxRate = "10🎉", "21\u200f"
	d.From = pdf.Party{Name: "Org " + hostile, Lines: []string{"Street " + hostile, "Tax " + hostile, "line\nbreak"}}
	d.To = pdf.Party{Name: "Client " + hostile, Lines: []string{"Address " + hostile}}
	d.Items = []pdf.Item{
		{Description: "Item " + hostile, Quantity: "1.5🎉", UnitPrice: 1000, Amount: 1500},
		{Description: strings.Repeat("🎉", 500), Quantity: "1", UnitPrice: 1, Amount: 1},
		{Description: "Plain", Quantity: "2", UnitPrice: 100, Amount: 200},
	}
	d.Notes = "Notes " + hostile + "\nsecond line 😀"
	doc, err := pdf.Invoice(d)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfText(t, doc), "\f")
	for _, want := range []string{
		"Street ? Party ?? ??? Acme ?? ???? ????? ?? Zoë e abc end",
		"Org ? Party", "Client ? Party", "Item ? Party", "Notes ? Party", "second line ?",
		"INV-?-1", "Plain", "PAID", "Balance due",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsAny(text, "🎉👍𝐀שمر你\u200d\ufeff\x01") {
		t.Errorf("undrawable characters reached the PDF:\n%s", text)
	}
}
