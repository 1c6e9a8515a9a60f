package pdf

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// glyphSet records which runes of the Basic Multilingual Plane both invoice fonts can draw. fpdf's UTF-8 fonts
// index glyphs by a 16-bit code and panic on anything beyond (an emoji is enough), and draw an empty box for a
// rune the font lacks, so every text is reduced to this set before it reaches fpdf.
type glyphSet [0x10000 / 64]uint64

func (g *glyphSet) has(r rune) bool { return r >= 0 && r <= 0xFFFF && g[r/64]&(1<<(r%64)) != 0 }

var drawable = sync.OnceValue(func() *glyphSet {
	g := new(glyphSet)
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("pdf: embedded Go font: " + err.Error()) // compiled in: cannot happen
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	for r := rune(0x20); r <= 0xFFFF; r++ {
		ok := true
		for _, f := range fonts {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				ok = false
				break
			}
		}
		if ok {
			g[r/64] |= 1 << (r % 64)
		}
	}
	return g
})

// printable returns s as the invoice fonts can draw it: composed (NFC) where a composed letter exists; a
// character they lack replaced by its compatibility letters when those can be drawn ("𝐀" → "A", "ﬁ" → "fi"),
// else by "?" (emoji, scripts the fonts do not cover); combining marks and format characters they lack (joiners,
// direction marks, variation selectors) dropped; tabs read as spaces, other control characters dropped.
// Line breaks are kept when multiline, else read as spaces.
func printable(s string, multiline bool) string {
	g := drawable()
	s = norm.NFC.String(strings.ToValidUTF8(s, "?"))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			b.WriteRune(r)
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case g.has(r):
			b.WriteRune(r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.M, r):
		default:
			b.WriteString(substitute(g, r))
		}
	}
	return b.String()
}

// substitute is what stands for a rune the fonts lack: its compatibility decomposition without marks, when
// every letter of it can be drawn, else "?".
func substitute(g *glyphSet, r rune) string {
	var b strings.Builder
	for _, x := range norm.NFKD.String(string(r)) {
		switch {
		case unicode.Is(unicode.M, x):
		case g.has(x) && x != r:
			b.WriteRune(x)
		default:
			return "?"
		}
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}

// printable returns the document with every text reduced to what the fonts can draw.
func (d InvoiceDoc) printable() InvoiceDoc {
	line := func(s string) string { return printable(s, false) }
	party := func(p Party) Party {
		out := Party{Name: printable(p.Name, true), Lines: make([]string, len(p.Lines))}
		for i, l := range p.Lines {
			out.Lines[i] = printable(l, true)
		}
		return out
	}
	d.Number, d.Status, d.IssueDate, d.DueDate, d.Currency = line(d.Number), line(d.Status), line(d.IssueDate), line(d.DueDate), line(d.Currency)
	d.From, d.To = party(d.From), party(d.To)
	d.Discount, d.TaxRate, d.Notes = line(d.Discount), line(d.TaxRate), printable(d.Notes, true)
	d.PaymentInstructions, d.Footer = printable(d.PaymentInstructions, true), printable(d.Footer, true)
	items := make([]Item, len(d.Items))
	for i, it := range d.Items {
		items[i] = Item{Description: printable(it.Description, true), Quantity: line(it.Quantity), UnitPrice: it.UnitPrice, Amount: it.Amount}
	}
	d.Items = items
	return d
}
