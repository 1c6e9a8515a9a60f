package handlers

import (
	"strconv"
	"strings"

	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func invoicingForm(id store.InvoicingIdentity) views.InvoicingForm {
	return views.InvoicingForm{
		LegalName: id.LegalName, Address: id.Address, Email: id.Email, TaxID: id.TaxID,
		PaymentInstructions: id.PaymentInstructions, Prefix: id.Prefix, PaymentTermsDays: strconv.Itoa(id.PaymentTermsDays),
		Footer: id.Footer,
	}
}

// updateOrgInvoicing saves the invoicing section of the organization's settings, the same use case as PUT
// /api/v1/organizations/:id with these settings keys.
func (h *Handlers) updateOrgInvoicing(c echo.Context) error {
	f := views.InvoicingForm{
		LegalName: c.FormValue("legal_name"), Address: c.FormValue("address"), Email: c.FormValue("email"),
		TaxID: c.FormValue("tax_id"), PaymentInstructions: c.FormValue("payment_instructions"),
		Prefix: strings.TrimSpace(c.FormValue("invoice_prefix")), PaymentTermsDays: strings.TrimSpace(c.FormValue("payment_terms_days")),
		Footer: c.FormValue("invoice_footer"),
	}
	settings := map[string]any{
		"legal_name": f.LegalName, "address": f.Address, "email": f.Email, "tax_id": f.TaxID,
		"payment_instructions": f.PaymentInstructions, "invoice_prefix": f.Prefix, "invoice_footer": f.Footer,
		"payment_terms_days": f.PaymentTermsDays, // not a number: refused by the store like any wrong type
	}
	if n, err := strconv.Atoi(f.PaymentTermsDays); err == nil {
		settings["payment_terms_days"] = n
	}
	_, err := h.store.UpdateOrganization(c.Request().Context(), currentActor(c), store.OrganizationInput{Settings: settings})
	status := http.StatusOK
	if err == nil {
		h.flash(c, views.FlashSuccess, "Invoicing details saved.")
	} else {
		var fields map[string]string
		if fields, f.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		f.Errors = map[string]string{}
		for k, msg := range fields {
			f.Errors[strings.TrimPrefix(k, "settings.")] = sentence(strings.TrimPrefix(msg, "settings."))
		}
		status = http.StatusUnprocessableEntity
	}
	v, verr := h.orgSettingsView(c)
	if verr != nil {
		return verr
	}
	if status != http.StatusOK {
		v.Invoicing = f
	}
	return h.settingsResult(c, status, v, views.OrgInvoicingFormFragment(csrfToken(c), v.Invoicing))
}
