package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/money"
)

// currencyDecimals is how many minor-unit digits an amount in the currency has (package money keeps the list,
// which the pages and the PDF print amounts with).
func currencyDecimals(code string) int { return money.Decimals(code) }

// maxAmount bounds every amount a caller sets (hourly and cost rates, unit prices, payments), in minor units:
// ten billion in major units is beyond any real price, keeps amounts exact as JSON numbers, and keeps the sums
// that reports and invoices make of them far from int64 overflow.
const maxAmount = 1_000_000_000_000

// checkAmount refuses an amount in minor units above maxAmount; each caller words its own rule for negatives.
func checkAmount(v *validator, field string, minor int64) {
	v.check(minor <= maxAmount, field, amountTooLarge(field))
}

func amountTooLarge(field string) string {
	return fmt.Sprintf("%s must be at most %d (cents)", field, int64(maxAmount))
}

// parseMajorUnits reads an amount typed in major units ("85", "85.5", "1,250.00") as minor units with the given
// number of decimals. Blank text is nil; text that is not such an amount is nil with a message for field in v.
// Forms send amounts this way, so the use case can check permissions before it reads them.
func parseMajorUnits(v *validator, field, text string, decimals int) *int64 {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	s := strings.NewReplacer(",", "", " ", "").Replace(text)
	whole, frac, hasFrac := strings.Cut(s, ".")
	switch {
	case strings.HasPrefix(whole, "-"):
		v.add(field, field+" must be zero or more")
		return nil
	case !allDigits(whole) || !allDigits(frac) || whole+frac == "":
		v.add(field, field+" must be an amount such as 85.00")
		return nil
	case hasFrac && decimals == 0:
		v.add(field, field+" must be a whole amount: the currency has no minor units")
		return nil
	case len(frac) > decimals:
		v.add(field, fmt.Sprintf("%s must have at most %d decimals", field, decimals))
		return nil
	}
	digits := strings.TrimLeft(whole+frac+strings.Repeat("0", decimals-len(frac)), "0")
	if digits == "" {
		digits = "0"
	}
	minor, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || minor > maxAmount {
		v.add(field, field+" is too large")
		return nil
	}
	return &minor
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// orgCurrency is the organization's currency, which its rates and cost rates are in.
func orgCurrency(ctx context.Context, q sqlx.QueryerContext, orgID string) (string, error) {
	var c string
	err := sqlx.GetContext(ctx, q, &c, `SELECT currency FROM organizations WHERE id = $1`, orgID)
	return c, notFoundIfNoRows(err, "organization")
}
