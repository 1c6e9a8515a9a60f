package pdf_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trcr/trcr/store/pdf"
)

// pdfText extracts the text of a PDF with poppler's pdftotext, page by page (pages are separated by form feeds).
func pdfText(t *testing.T, doc []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is required for the PDF tests")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

func sampleDoc() pdf.InvoiceDoc {
	return pdf.InvoiceDoc{
		Number: "INV-2026-0001", Status: "sent", IssueDate: "2026-03-01", DueDate: "2026-03-31", Currency: "EUR",
		From: pdf.Party{Name: "Acme Studio", Lines: []string{"1 Main Street", "Springfield", "billing@acme.test"}},
		To:   pdf.Party{Name: "Zoë Müller — 5 €", Lines: []string{"Hauptstraße 5", "10115 Berlin", "DE"}},
		Items: []pdf.Item{
			{Description: "Frontend development", Quantity: "10.5000", UnitPrice: 15000, Amount: 157500},
		},
		Subtotal: 157500, Discount: "10.0000", DiscountAmount: 15750, TaxRate: "21.0000", TaxAmount: 29768,
		Total: 171518, AmountPaid: 0, Balance: 171518, Notes: "Thank you — payable within 30 days.",
	}
}

func TestInvoice_PrintsNonASCIITextAndTotals(t *testing.T) {
	t.Parallel()
	doc, err := pdf.Invoice(sampleDoc())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", doc[:10])
	}
	pages := pdfText(t, doc)
	if len(pages) != 1 {
		t.Fatalf("want 1 page, got %d", len(pages))
	}
	text := pages[0]
	for _, want := range []string{
		"Zoë Müller — 5 €", "Hauptstraße 5", "INV-2026-0001", "Mar 1, 2026", "Mar 31, 2026", "Acme Studio",
		"Frontend development", "10.50", "150.00 EUR", "1,575.00 EUR", "Discount (10%)", "-157.50 EUR",
		"Tax (21%)", "297.68 EUR", "1,715.18 EUR", "Balance due", "Thank you — payable within 30 days.",
		"Page 1 of 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, stamp := range []string{"PAID", "OVERDUE"} {
		if strings.Contains(text, stamp) {
			t.Errorf("a sent invoice shows %s", stamp)
		}
	}
}

func TestInvoice_TwoHundredItemsRepeatTheHeaderOnEveryPage(t *testing.T) {
	t.Parallel()
	d := sampleDoc()
	d.Items = nil
	for i := 1; i <= 200; i++ {
		d.Items = append(d.Items, pdf.Item{Description: fmt.Sprintf("Item number %03d", i), Quantity: "1", UnitPrice: 100, Amount: 100})
	}
	doc, err := pdf.Invoice(d)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfText(t, doc)
	if len(pages) < 3 {
		t.Fatalf("want at least 3 pages, got %d", len(pages))
	}
	seen := 0
	for i, p := range pages {
		if !strings.Contains(p, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
			t.Errorf("page %d lacks its page number:\n%s", i+1, p)
		}
		items := strings.Count(p, "Item number ")
		seen += items
		if items > 0 && !(strings.Contains(p, "Description") && strings.Contains(p, "Unit price") && strings.Contains(p, "Amount")) {
			t.Errorf("page %d has items but no table header:\n%s", i+1, p)
		}
	}
	if seen != 200 {
		t.Errorf("printed %d items, want 200", seen)
	}
	all := strings.Join(pages, "\f")
	if !strings.Contains(pages[0], "Item number 001") || strings.Index(all, "Item number 199") > strings.Index(all, "Item number 200") {
		t.Error("items are not in order across pages")
	}
	if last := pages[len(pages)-1]; !strings.Contains(last, "Balance due") {
		t.Errorf("the totals are not after the last item:\n%s", last)
	}
}

func TestInvoice_StampsAndLogo(t *testing.T) {
	t.Parallel()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for x := 0; x < 120; x++ {
		for y := 0; y < 40; y++ {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: 80, B: 200, A: 200})
		}
	}
	var pngLogo, jpgLogo bytes.Buffer
	if err := png.Encode(&pngLogo, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgLogo, img, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		status, stamp string
		logo          []byte
	}{
		{"paid", "PAID", pngLogo.Bytes()},
		{"overdue", "OVERDUE", jpgLogo.Bytes()},
		{"draft", "", []byte("not an image")},
		{"void", "VOID", nil},
	}
	for _, c := range cases {
		d := sampleDoc()
		d.Status, d.Logo = c.status, c.logo
		doc, err := pdf.Invoice(d)
		if err != nil {
			t.Fatalf("%s: %v", c.status, err)
		}
		text := pdfText(t, doc)[0]
		if c.stamp != "" && !strings.Contains(text, c.stamp) {
			t.Errorf("%s: no %s stamp:\n%s", c.status, c.stamp, text)
		}
		if c.stamp == "" && (strings.Contains(text, "PAID") || strings.Contains(text, "OVERDUE")) {
			t.Errorf("%s: unexpected stamp", c.status)
		}
		hasImage := bytes.Contains(doc, []byte("/Subtype /Image"))
		if hasImage != (c.logo != nil && c.status != "draft") {
			t.Errorf("%s: image in PDF = %v", c.status, hasImage)
		}
	}
}

func TestInvoice_ZeroDecimalCurrencyPrintsNoMinorUnits(t *testing.T) {
	t.Parallel()
	d := sampleDoc()
	d.Currency = "JPY"
	d.Items = []pdf.Item{{Description: "Translation", Quantity: "3", UnitPrice: 52500, Amount: 157500}}
	d.Subtotal, d.Discount, d.DiscountAmount, d.TaxRate, d.TaxAmount = 157500, "10", 15750, "10", 14175
	d.Total, d.AmountPaid, d.Balance = 155925, 5925, 150000
	doc, err := pdf.Invoice(d)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, doc)[0]
	for _, want := range []string{"52,500 JPY", "157,500 JPY", "-15,750 JPY", "14,175 JPY", "155,925 JPY", "5,925 JPY", "150,000 JPY"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// Two decimals would print 157500 yen as "1,575.00".
	if strings.Contains(text, "1,575.00") || strings.Contains(text, "157,500.00") || strings.Contains(text, "525.00") {
		t.Errorf("yen printed with decimals:\n%s", text)
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for cents, want := range map[int64]string{
		0: "0.00 EUR", 5: "0.05 EUR", 157500: "1,575.00 EUR", 123456789: "1,234,567.89 EUR", -2550: "-25.50 EUR",
	} {
		if got := pdf.Money(cents, "EUR"); got != want {
			t.Errorf("Money(%d) = %q, want %q", cents, got, want)
		}
	}
	if got := pdf.Money(150000, "JPY"); got != "150,000 JPY" {
		t.Errorf("Money(150000, JPY) = %q", got)
	}
	if got := pdf.Money(-2550, ""); got != "-25.50" {
		t.Errorf("Money without a currency = %q", got)
	}
	if got := pdf.FormatQuantity("0.3333"); got != "0.33" {
		t.Errorf("FormatQuantity = %q", got)
	}
	if got := pdf.FormatQuantity("12.0000"); got != "12.00" {
		t.Errorf("FormatQuantity = %q", got)
	}
}
