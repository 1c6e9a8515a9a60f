// Package pdf renders TRCR's printable documents with fpdf. It knows nothing about the database: callers pass a
// filled-in view model such as [InvoiceDoc].
package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // logos may be JPEG
	"image/png"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/trcr/trcr/store/format"
)

// Party is the sender or the recipient of a document: a name and the lines printed under it (address, email,
// tax id …), each printed as given.
type Party struct {
	Name  string
	Lines []string
}

// Item is one line of an invoice. Quantity is a decimal written with a dot ("10.5"); money is in minor units.
type Item struct {
	Description string
	Quantity    string
	UnitPrice   int64
	Amount      int64
}

// InvoiceDoc is everything printed on an invoice. Money is in minor units of Currency (cents, or yen for JPY);
// Discount and TaxRate are percentages written as decimals ("10", "21.5").
type InvoiceDoc struct {
	Number    string
	Status    string // draft, sent, overdue, paid or void; paid, overdue and void print a stamp
	IssueDate string // YYYY-MM-DD
	DueDate   string
	Currency  string

	From Party
	To   Party
	// Logo is the organization's logo, PNG or JPEG; an image that cannot be read is left out.
	Logo []byte

	Items          []Item
	Subtotal       int64
	Discount       string
	DiscountAmount int64
	TaxRate        string
	TaxAmount      int64
	Total          int64
	AmountPaid     int64
	Balance        int64
	Notes          string
	// PaymentInstructions (how to pay: bank account, reference) and Footer are the organization's, printed after
	// the notes.
	PaymentInstructions string
	Footer              string
}

// Page geometry of A4 portrait, in millimetres.
const (
	pageW        = 210.0
	pageH        = 297.0
	margin       = 15.0
	bottomMargin = 20.0
	contentW     = pageW - 2*margin
	lineH        = 5.0
	fontFamily   = "Go"
)

// The columns of the line items table; the description takes what the others leave.
var (
	colQty    = 24.0
	colPrice  = 34.0
	colAmount = 34.0
	colDesc   = contentW - colQty - colPrice - colAmount
)

// maxDescriptionLines bounds one item's description so a row always fits on a page.
const maxDescriptionLines = 30

// Invoice renders d as an A4 PDF: header with logo and addresses, a line items table whose header row repeats
// on every page, the totals, the notes, a PAID/OVERDUE/VOID stamp and "Page n of m" footers.
//
// Text the fonts cannot draw is replaced, never a failure (see printable).
func Invoice(d InvoiceDoc) ([]byte, error) {
	d = d.printable()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, bottomMargin)
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	f.SetTitle("Invoice "+d.Number, true)
	f.SetCreator("TRCR", true)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-bottomMargin + 6)
		f.SetFont(fontFamily, "", 8)
		f.SetTextColor(107, 114, 128)
		f.CellFormat(contentW/2, 5, d.Number, "", 0, "L", false, 0, "")
		f.CellFormat(contentW/2, 5, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()

	r := renderer{f: f, d: d}
	r.header()
	r.items()
	r.totals()
	r.section("NOTES", r.d.Notes)
	r.section("PAYMENT", r.d.PaymentInstructions)
	r.section("", r.d.Footer)

	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("invoice pdf: %w", err)
	}
	return buf.Bytes(), nil
}

type renderer struct {
	f *fpdf.Fpdf
	d InvoiceDoc
}

func (r renderer) money(cents int64) string { return Money(cents, r.d.Currency) }

// header prints the logo and the sender on the left, the title, number and dates on the right, the stamp, and
// the recipient below.
func (r renderer) header() {
	f, d := r.f, r.d
	top := margin
	y := top
	if name, w, h, ok := r.logo(); ok {
		f.ImageOptions(name, margin, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		y += h + 4
	}
	f.SetXY(margin, y)
	f.SetFont(fontFamily, "B", 12)
	f.MultiCell(contentW/2, 6, d.From.Name, "", "L", false)
	f.SetFont(fontFamily, "", 9)
	for _, l := range d.From.Lines {
		f.SetX(margin)
		f.MultiCell(contentW/2, 4.5, l, "", "L", false)
	}
	leftBottom := f.GetY()

	// Right column: title, number, dates.
	x := margin + contentW/2
	f.SetXY(x, top)
	f.SetFont(fontFamily, "B", 22)
	f.CellFormat(contentW/2, 10, "INVOICE", "", 2, "R", false, 0, "")
	f.SetFont(fontFamily, "", 10)
	for _, row := range [][2]string{{"Invoice number", d.Number}, {"Issue date", format.Date(d.IssueDate)}, {"Due date", format.Date(d.DueDate)}} {
		f.SetX(x)
		f.SetTextColor(107, 114, 128)
		f.CellFormat(contentW/4, 6, row[0], "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.SetFont(fontFamily, "B", 10)
		f.CellFormat(contentW/4, 6, row[1], "", 2, "R", false, 0, "")
		f.SetFont(fontFamily, "", 10)
	}
	rightBottom := f.GetY()
	if stamp, red, green, blue := stampFor(d.Status); stamp != "" {
		f.SetFont(fontFamily, "B", 20)
		w := f.GetStringWidth(stamp) + 12
		f.SetDrawColor(red, green, blue)
		f.SetTextColor(red, green, blue)
		f.SetLineWidth(0.8)
		f.SetXY(margin+contentW-w, rightBottom+4)
		f.CellFormat(w, 12, stamp, "1", 2, "C", false, 0, "")
		f.SetLineWidth(0.2)
		f.SetDrawColor(0, 0, 0)
		f.SetTextColor(0, 0, 0)
		rightBottom = f.GetY()
	}

	f.SetY(max(leftBottom, rightBottom) + 8)
	f.SetFont(fontFamily, "B", 9)
	f.SetTextColor(107, 114, 128)
	f.CellFormat(contentW, 5, "BILL TO", "", 1, "L", false, 0, "")
	f.SetTextColor(0, 0, 0)
	f.SetFont(fontFamily, "B", 11)
	f.MultiCell(contentW/2, 5.5, d.To.Name, "", "L", false)
	f.SetFont(fontFamily, "", 9)
	for _, l := range d.To.Lines {
		f.MultiCell(contentW/2, 4.5, l, "", "L", false)
	}
	f.Ln(8)
}

func stampFor(status string) (string, int, int, int) {
	switch status {
	case "paid":
		return "PAID", 22, 163, 74
	case "overdue":
		return "OVERDUE", 220, 38, 38
	case "void":
		return "VOID", 107, 114, 128
	}
	return "", 0, 0, 0
}

// logo registers the logo, normalized to an 8-bit PNG so that any PNG or JPEG works, and returns its size on
// the page, at most 50 × 20 mm.
func (r renderer) logo() (string, float64, float64, bool) {
	if len(r.d.Logo) == 0 {
		return "", 0, 0, false
	}
	img, _, err := image.Decode(bytes.NewReader(r.d.Logo))
	if err != nil {
		return "", 0, 0, false
	}
	b := img.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 {
		return "", 0, 0, false
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		return "", 0, 0, false
	}
	info := r.f.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	if info == nil || r.f.Err() {
		r.f.ClearError() // an unreadable logo leaves the invoice without one rather than failing it
		return "", 0, 0, false
	}
	const maxW, maxH = 50.0, 20.0
	w, h := maxW, maxW*float64(b.Dy())/float64(b.Dx())
	if h > maxH {
		h, w = maxH, maxH*float64(b.Dx())/float64(b.Dy())
	}
	return "logo", w, h, true
}

func (r renderer) tableHeader() {
	f := r.f
	f.SetFont(fontFamily, "B", 9)
	f.SetFillColor(243, 244, 246)
	f.CellFormat(colDesc, 7, "Description", "B", 0, "L", true, 0, "")
	f.CellFormat(colQty, 7, "Quantity", "B", 0, "R", true, 0, "")
	f.CellFormat(colPrice, 7, "Unit price", "B", 0, "R", true, 0, "")
	f.CellFormat(colAmount, 7, "Amount", "B", 1, "R", true, 0, "")
	f.SetFont(fontFamily, "", 9)
}

func (r renderer) items() {
	f := r.f
	r.tableHeader()
	limit := pageH - bottomMargin
	for _, it := range r.d.Items {
		lines := f.SplitText(strings.TrimSpace(it.Description), colDesc-2)
		if len(lines) == 0 {
			lines = []string{""}
		}
		if len(lines) > maxDescriptionLines {
			lines = append(lines[:maxDescriptionLines-1], "…")
		}
		h := float64(len(lines))*lineH + 2
		if f.GetY()+h > limit {
			f.AddPage()
			r.tableHeader()
		}
		x, y := f.GetXY()
		f.SetXY(x+1, y+1)
		for _, l := range lines {
			f.SetX(x + 1)
			f.CellFormat(colDesc-2, lineH, l, "", 2, "L", false, 0, "")
		}
		f.SetXY(x+colDesc, y+1)
		f.CellFormat(colQty, lineH, FormatQuantity(it.Quantity), "", 0, "R", false, 0, "")
		f.CellFormat(colPrice, lineH, r.money(it.UnitPrice), "", 0, "R", false, 0, "")
		f.CellFormat(colAmount, lineH, r.money(it.Amount), "", 0, "R", false, 0, "")
		f.SetDrawColor(229, 231, 235)
		f.Line(margin, y+h, margin+contentW, y+h)
		f.SetDrawColor(0, 0, 0)
		f.SetXY(margin, y+h)
	}
	f.Ln(4)
}

func (r renderer) totals() {
	f, d := r.f, r.d
	rows := [][2]string{{"Subtotal", r.money(d.Subtotal)}}
	if d.DiscountAmount != 0 || !isZero(d.Discount) {
		rows = append(rows, [2]string{"Discount (" + FormatPercent(d.Discount) + ")", "-" + r.money(d.DiscountAmount)})
	}
	if d.TaxAmount != 0 || !isZero(d.TaxRate) {
		rows = append(rows, [2]string{"Tax (" + FormatPercent(d.TaxRate) + ")", r.money(d.TaxAmount)})
	}
	rows = append(rows, [2]string{"Total", r.money(d.Total)}, [2]string{"Amount paid", r.money(d.AmountPaid)},
		[2]string{"Balance due", r.money(d.Balance)})
	if f.GetY()+float64(len(rows))*7 > pageH-bottomMargin {
		f.AddPage()
	}
	labelW, valueW := 50.0, 40.0
	x := margin + contentW - labelW - valueW
	for i, row := range rows {
		bold := row[0] == "Total" || row[0] == "Balance due"
		style := ""
		if bold {
			style = "B"
		}
		border := ""
		if i == len(rows)-1 {
			border = "T"
		}
		f.SetX(x)
		f.SetFont(fontFamily, style, 10)
		f.CellFormat(labelW, 7, row[0], border, 0, "L", false, 0, "")
		f.CellFormat(valueW, 7, row[1], border, 1, "R", false, 0, "")
	}
	f.SetFont(fontFamily, "", 10)
}

// section prints a titled block of free text (notes, payment instructions) below the totals; an empty title
// prints the text alone in small type (the footer).
func (r renderer) section(title, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	f := r.f
	f.Ln(8)
	if f.GetY()+15 > pageH-bottomMargin {
		f.AddPage()
	}
	if title != "" {
		f.SetFont(fontFamily, "B", 9)
		f.SetTextColor(107, 114, 128)
		f.CellFormat(contentW, 5, title, "", 1, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.SetFont(fontFamily, "", 9)
	} else {
		f.SetFont(fontFamily, "", 8)
		f.SetTextColor(107, 114, 128)
	}
	f.MultiCell(contentW, 4.5, text, "", "L", false)
	f.SetTextColor(0, 0, 0)
	f.SetFont(fontFamily, "", 10)
}

// Money writes minor units as the pages do (store/format): "1,575.00 EUR", "157,500 JPY".
func Money(minor int64, currency string) string { return format.Money(minor, currency) }

// FormatQuantity shows a quantity with two decimals, as the pages do: "10.50", "0.33".
func FormatQuantity(q string) string { return format.Quantity(q) }

// FormatPercent shows a percentage without trailing zeros: "21%", "7.5%".
func FormatPercent(p string) string {
	p = strings.TrimSpace(p)
	if strings.Contains(p, ".") {
		p = strings.TrimRight(strings.TrimRight(p, "0"), ".")
	}
	if p == "" {
		p = "0"
	}
	return p + "%"
}

func isZero(p string) bool { return FormatPercent(p) == "0%" }
