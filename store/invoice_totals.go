package store

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/jmoiron/sqlx"
)

// recomputeInvoiceTotals sets subtotal, discount, tax and total from the line items, in the transaction of the
// change that affects them.
func recomputeInvoiceTotals(ctx context.Context, tx *sqlx.Tx, invoiceID string) error {
	var rates struct {
		Discount string `db:"discount"`
		TaxRate  string `db:"tax_rate"`
	}
	if err := tx.GetContext(ctx, &rates, `SELECT discount::text AS discount, tax_rate::text AS tax_rate FROM invoices WHERE id = $1`, invoiceID); err != nil {
		return fmt.Errorf("invoice totals: %w", err)
	}
	var amounts []int64
	if err := tx.SelectContext(ctx, &amounts, `SELECT amount FROM invoice_line_items WHERE invoice_id = $1`, invoiceID); err != nil {
		return fmt.Errorf("invoice totals: %w", err)
	}
	t, err := ComputeInvoiceTotals(amounts, rates.Discount, rates.TaxRate)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE invoices SET subtotal = $2, discount_amount = $3, tax_amount = $4, total = $5, updated_at = now() WHERE id = $1`,
		invoiceID, t.Subtotal, t.DiscountAmount, t.TaxAmount, t.Total)
	if err != nil {
		return fmt.Errorf("invoice totals: %w", err)
	}
	return nil
}

// InvoiceTotals are an invoice's computed amounts, in cents.
type InvoiceTotals struct {
	Subtotal, DiscountAmount, TaxAmount, Total int64
}

// maxMoney bounds amounts so that sums of many of them stay far from int64 overflow: 10^15 cents.
const maxMoney = 1_000_000_000_000_000

// ComputeInvoiceTotals applies DECISIONS.md: subtotal = Σ line amounts; discount_amount = round(subtotal ×
// discount/100); tax_amount = round((subtotal − discount_amount) × tax_rate/100); total = subtotal −
// discount_amount + tax_amount; each rounded half-up to the cent, in exact rational arithmetic.
func ComputeInvoiceTotals(amounts []int64, discount, taxRate string) (InvoiceTotals, error) {
	var t InvoiceTotals
	disc, ok1 := parseDecimal4(discount)
	tax, ok2 := parseDecimal4(taxRate)
	if !ok1 || !ok2 {
		return t, fmt.Errorf("invoice totals: bad percentage %q or %q", discount, taxRate)
	}
	sum := new(big.Int)
	for _, a := range amounts {
		sum.Add(sum, big.NewInt(a))
	}
	if !sum.IsInt64() || sum.Int64() > maxMoney || sum.Int64() < -maxMoney {
		return t, Invalid("line_items", "the invoice total is too large")
	}
	t.Subtotal = sum.Int64()
	hundred := big.NewRat(100, 1)
	d := new(big.Rat).Mul(new(big.Rat).SetInt64(t.Subtotal), new(big.Rat).Quo(disc, hundred))
	t.DiscountAmount = roundHalfUp(d)
	x := new(big.Rat).Mul(new(big.Rat).SetInt64(t.Subtotal-t.DiscountAmount), new(big.Rat).Quo(tax, hundred))
	t.TaxAmount = roundHalfUp(x)
	t.Total = t.Subtotal - t.DiscountAmount + t.TaxAmount
	return t, nil
}

// LineAmount is round(quantity × unitPrice), half-up to the cent; quantity is a decimal with at most 4 decimals.
func LineAmount(quantity string, unitPrice int64) (int64, error) {
	q, ok := parseDecimal4(quantity)
	if !ok {
		return 0, fmt.Errorf("line amount: bad quantity %q", quantity)
	}
	r := new(big.Rat).Mul(q, new(big.Rat).SetInt64(unitPrice))
	if r.Cmp(new(big.Rat).SetInt64(maxMoney)) > 0 {
		return 0, Invalid("quantity", "quantity × unit_price is too large")
	}
	return roundHalfUp(r), nil
}

// roundHalfUp rounds to the nearest integer, halves away from zero (up, for the non-negative amounts of
// invoices).
func roundHalfUp(r *big.Rat) int64 {
	num := new(big.Int).Abs(r.Num())
	den := r.Denom()
	// floor((2·num + den) / (2·den)) = floor(|r| + 1/2)
	n := new(big.Int).Add(new(big.Int).Mul(num, big.NewInt(2)), den)
	n.Quo(n, new(big.Int).Mul(den, big.NewInt(2)))
	if r.Sign() < 0 {
		n.Neg(n)
	}
	return n.Int64()
}

// parseDecimal4 reads a plain decimal number ("10.5", "21", "0.3333", also "1e2" as JSON allows) with at most
// 4 decimals, exactly.
func parseDecimal4(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "/_") || len(s) > 40 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, false
	}
	scaled := new(big.Rat).Mul(r, big.NewRat(10000, 1))
	if !scaled.IsInt() {
		return nil, false
	}
	return r, true
}

// Decimal4 is an exact decimal with up to 4 decimals, as PostgreSQL's numeric gives it ("21.0000"); it is
// written to JSON as a number without trailing zeros (21, 10.5).
type Decimal4 string

// MarshalJSON writes the number; text that is not a decimal (never expected) is written as 0.
func (d Decimal4) MarshalJSON() ([]byte, error) {
	r, ok := parseDecimal4(string(d))
	if !ok {
		return []byte("0"), nil
	}
	return []byte(trimDecimal(r.FloatString(4))), nil
}

// String is the decimal without trailing zeros.
func (d Decimal4) String() string {
	r, ok := parseDecimal4(string(d))
	if !ok {
		return string(d)
	}
	return trimDecimal(r.FloatString(4))
}

func trimDecimal(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
