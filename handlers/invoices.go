package handlers

import (
	"errors"
	"math/big"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

// The invoice pages, for owners and admins: the list, the create form, the invoice page with its line editor,
// generation from time, details, payments, mark-paid and void, and the send page. Members get 403 from the store.

// ivPerPage is the invoice list's page size.
const ivPerPage = 25

func (h *Handlers) mountInvoices(g *router) {
	g.GET("/invoices", h.invoicesPage, h.requireOrg)
	g.GET("/invoices/new", h.newInvoicePage, h.requireOrg)
	g.POST("/invoices/new", h.createInvoice, h.requireOrg)
	g.GET("/invoices/new/client-fields", h.invoiceClientFields, h.requireOrg)
	g.GET("/invoices/:id", h.invoicePage, h.requireOrg)
	g.POST("/invoices/:id", h.updateInvoiceDetails, h.requireOrg)
	g.GET("/invoices/:id/pdf", h.invoicePDF, h.requireOrg)
	g.POST("/invoices/:id/delete", h.deleteInvoice, h.requireOrg)
	g.POST("/invoices/:id/items", h.addInvoiceLine, h.requireOrg)
	g.POST("/invoices/:id/items/:item_id", h.updateInvoiceLine, h.requireOrg)
	g.POST("/invoices/:id/items/:item_id/delete", h.deleteInvoiceLine, h.requireOrg)
	g.POST("/invoices/:id/generate", h.generateInvoiceLines, h.requireOrg)
	g.GET("/invoices/:id/send", h.sendInvoicePage, h.requireOrg)
	g.POST("/invoices/:id/send", h.sendInvoice, h.requireOrg)
	g.POST("/invoices/:id/mark-paid", h.markInvoicePaid, h.requireOrg)
	g.POST("/invoices/:id/void", h.voidInvoice, h.requireOrg)
	g.POST("/invoices/:id/public-link/rotate", h.rotateInvoiceLink, h.requireOrg)
	g.POST("/invoices/:id/payments", h.recordInvoicePayment, h.requireOrg)
	g.POST("/invoices/:id/payments/:payment_id/delete", h.deleteInvoicePayment, h.requireOrg)
}

// --- messages ---

// ivFieldNames are the form labels of the store's field names.
var ivFieldNames = map[string]string{
	"client_id": "Client", "project_id": "Project", "issue_date": "Issue date", "due_date": "Due date",
	"currency": "Currency", "tax_rate": "Tax rate", "discount": "Discount", "notes": "Notes",
	"description": "Description", "quantity": "Quantity", "unit_price": "Unit price", "from": "From", "to": "To",
	"amount": "Amount", "method": "Method", "paid_at": "Date", "payment_method": "Method", "message": "Message",
}

// --- view models ---

func ivTotals(inv store.Invoice) views.InvoiceTotalsView {
	return views.InvoiceTotalsView{
		InvoiceID: inv.ID, Currency: inv.Currency, Subtotal: inv.Subtotal, Discount: inv.Discount.String(),
		DiscountAmount: inv.DiscountAmount, TaxRate: inv.TaxRate.String(), TaxAmount: inv.TaxAmount, Total: inv.Total,
		AmountPaid: inv.AmountPaid, Balance: inv.Balance, Status: inv.Status, DueDate: inv.DueDate,
		ItemCount: len(inv.LineItems),
	}
}

func ivLineRow(inv store.Invoice, it store.InvoiceLineItem) views.InvoiceLineRow {
	return views.InvoiceLineRow{
		ID: it.ID, InvoiceID: inv.ID, Description: it.Description, Quantity: views.FormatQuantity(it.Quantity.String()),
		UnitPrice: views.MajorUnits(it.UnitPrice, inv.Currency), UnitPriceAmount: it.UnitPrice, Amount: it.Amount, Currency: inv.Currency,
		Entries: len(it.TimeEntryIDs), Editable: inv.Status == store.InvoiceDraft,
	}
}

func ivLineRows(inv store.Invoice) []views.InvoiceLineRow {
	out := make([]views.InvoiceLineRow, 0, len(inv.LineItems))
	for _, it := range inv.LineItems {
		out = append(out, ivLineRow(inv, it))
	}
	return out
}

func ivKnownLines(inv store.Invoice) string {
	ids := make([]string, 0, len(inv.LineItems))
	for _, it := range inv.LineItems {
		ids = append(ids, it.ID)
	}
	return strings.Join(ids, ",")
}

func ivNewLineForm(inv store.Invoice) views.InvoiceLineForm {
	return views.InvoiceLineForm{InvoiceID: inv.ID, Currency: inv.Currency, Quantity: "1"}
}

// invoiceView is the invoice page's view model, from its read.
func (h *Handlers) invoiceView(pg store.InvoicePage) views.InvoiceView {
	inv := pg.Invoice
	today := h.todayIn(location(pg.Timezone))
	v := views.InvoiceView{
		ID: inv.ID, Number: inv.Number, Status: inv.Status, ClientID: inv.ClientID, ClientName: pg.ClientName,
		ClientEmail: pg.ClientEmail, ProjectName: pg.ProjectName, IssueDate: inv.IssueDate, DueDate: inv.DueDate,
		Currency: inv.Currency, Notes: inv.Notes, SentAt: inv.SentAt, PaidAt: inv.PaidAt,
		Items: ivLineRows(inv), Totals: ivTotals(inv), Now: h.now(),
		Details: views.InvoiceDetailsForm{
			InvoiceID: inv.ID, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Currency: inv.Currency,
			TaxRate: inv.TaxRate.String(), Discount: inv.Discount.String(), Notes: inv.Notes,
			Editable: inv.Status == store.InvoiceDraft,
		},
		NewItem:  ivNewLineForm(inv),
		Generate: views.InvoiceGenerateForm{InvoiceID: inv.ID, Known: ivKnownLines(inv), Scope: ivScope(pg.ClientName, pg.ProjectName)},
		Payment: views.InvoicePaymentForm{
			InvoiceID: inv.ID, Currency: inv.Currency, Amount: views.MajorUnits(inv.Balance, inv.Currency),
			Method: vocab.PaymentBankTransfer, PaidAt: today,
		},
		MarkPaid:   views.InvoiceMarkPaidForm{InvoiceID: inv.ID, PaidAt: today, Method: vocab.PaymentBankTransfer},
		PublicLink: pg.PublicLink,
	}
	for _, p := range pg.Payments {
		v.Payments = append(v.Payments, views.InvoicePaymentRow{
			ID: p.ID, Amount: p.Amount, Currency: inv.Currency, Method: p.Method, PaidAt: p.PaidAt, Notes: p.Notes,
		})
	}
	return v
}

func ivScope(clientName, projectName string) string {
	if projectName != "" {
		return "the " + projectName + " project"
	}
	return "all of " + clientName + "'s projects"
}

// loadInvoiceView reads the page of the invoice by the :id of the path, and its view model.
func (h *Handlers) loadInvoiceView(c echo.Context) (store.Invoice, views.InvoiceView, error) {
	pg, err := h.store.InvoicePage(c.Request().Context(), currentActor(c), c.Param("id"))
	if err != nil {
		return pg.Invoice, views.InvoiceView{}, err
	}
	return pg.Invoice, h.invoiceView(pg), nil
}

// renderInvoicePage renders the whole invoice page with status (a form re-rendered with its messages, without
// htmx).
func (h *Handlers) renderInvoicePage(c echo.Context, status int, v views.InvoiceView) error {
	p, err := h.page(c, v.Number, views.NavInvoices)
	if err != nil {
		return err
	}
	return render(c, status, views.InvoicePage(p, v))
}

// ivParts renders several components one after the other: a fragment and its out-of-band companions.
func ivParts(parts ...templ.Component) templ.Component {
	return templ.Join(parts...)
}

// --- list ---

func (h *Handlers) invoicesPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	f := views.InvoiceListFilter{
		Status: c.QueryParam("status"), ClientID: c.QueryParam("client_id"),
		From: strings.TrimSpace(c.QueryParam("from")), To: strings.TrimSpace(c.QueryParam("to")),
	}
	known := false
	for _, t := range views.InvoiceStatusTabs {
		known = known || t.Value == f.Status
	}
	if !known {
		f.Status = ""
	}
	pg, err := store.ParsePage(c.QueryParam("page"), "")
	if err != nil {
		pg = store.Page{}
	}
	pg.Per = ivPerPage
	v := views.InvoiceListView{Filter: f}
	ip, err := h.store.InvoicesPage(ctx, a, store.InvoiceFilter{ClientID: f.ClientID, Status: f.Status, From: f.From, To: f.To, Page: pg})
	if err != nil {
		return err
	}
	if ip.FilterError != nil {
		_, v.Error, _ = formErrorsShowing(ip.FilterError, ivFieldNames)
	}
	l := ip.Invoices
	names := make(map[string]string, len(ip.Clients))
	for _, cl := range ip.Clients {
		names[cl.ID] = cl.Name
		v.Clients = append(v.Clients, views.Option{Value: cl.ID, Label: cl.Name})
	}
	for _, inv := range l.Items {
		v.Invoices = append(v.Invoices, views.InvoiceRow{
			ID: inv.ID, Number: inv.Number, ClientID: inv.ClientID, ClientName: names[inv.ClientID],
			IssueDate: inv.IssueDate, DueDate: inv.DueDate, Status: inv.Status, Currency: inv.Currency,
			Total: inv.Total, Balance: inv.Balance,
		})
	}
	v.Counts, v.Currency, v.Outstanding, v.Overdue = ip.Summary.Counts, ip.Summary.Currency, ip.Summary.Outstanding, ip.Summary.Overdue
	query := f.Query()
	v.Pagination = views.Pagination{Page: l.Page, PerPage: ivPerPage, Total: l.Total, Path: "/invoices", Query: query, Target: "#invoice-results"}
	p, err := h.page(c, "Invoices", views.NavInvoices)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.InvoicesPage(p, v))
}

// --- create ---

// invoiceForm fills the create form's lists and defaults from its read: the clients, the chosen client's projects
// and the currency a blank choice stands for.
func invoiceForm(f views.InvoiceForm, pg store.NewInvoicePage) views.InvoiceForm {
	f.Clients = nil
	for _, cl := range pg.Clients {
		f.Clients = append(f.Clients, views.Option{Value: cl.ID, Label: cl.Name})
	}
	f.DefaultCurrency, f.DefaultFrom, f.Projects = pg.Currency, "organization", nil
	if f.ClientID == "" {
		return f
	}
	if pg.Client == nil {
		f.ClientID = ""
		return f
	}
	if cur := pg.Client.Currency; cur != nil && *cur != "" {
		f.DefaultCurrency, f.DefaultFrom = *cur, "client"
	}
	for _, pr := range pg.Projects {
		f.Projects = append(f.Projects, views.Option{Value: pr.ID, Label: pr.Name})
	}
	return f
}

func (h *Handlers) newInvoicePage(c echo.Context) error {
	clientID := c.QueryParam("client_id")
	pg, err := h.store.NewInvoicePage(c.Request().Context(), currentActor(c), clientID)
	if err != nil {
		return err
	}
	today := pg.Today.Time
	f := invoiceForm(views.InvoiceForm{
		ClientID: clientID, IssueDate: today.Format("2006-01-02"),
		DueDate: today.AddDate(0, 0, pg.PaymentTermsDays).Format("2006-01-02"), TaxRate: "0", Discount: "0",
	}, pg)
	p, err := h.page(c, "New invoice", views.NavInvoices)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.NewInvoicePage(p, f))
}

// invoiceClientFields answers the client select of the create form with the client's projects and currency.
func (h *Handlers) invoiceClientFields(c echo.Context) error {
	f := views.InvoiceForm{ClientID: c.QueryParam("client_id"), Currency: c.QueryParam("currency")}
	pg, err := h.store.NewInvoicePage(c.Request().Context(), currentActor(c), f.ClientID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.InvoiceClientFields(invoiceForm(f, pg)))
}

// optionalField is the trimmed form value, or nil when it is blank.
func optionalField(c echo.Context, name string) *string {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return nil
	}
	return &v
}

func (h *Handlers) createInvoice(c echo.Context) error {
	f := views.InvoiceForm{
		ClientID: c.FormValue("client_id"), ProjectID: c.FormValue("project_id"), IssueDate: c.FormValue("issue_date"),
		DueDate: c.FormValue("due_date"), Currency: c.FormValue("currency"), TaxRate: c.FormValue("tax_rate"),
		Discount: c.FormValue("discount"), Notes: c.FormValue("notes"),
	}
	notes := f.Notes
	inv, err := h.store.CreateInvoice(c.Request().Context(), currentActor(c), store.InvoiceInput{
		ClientID: &f.ClientID, ProjectID: optionalField(c, "project_id"), IssueDate: optionalField(c, "issue_date"),
		DueDate: optionalField(c, "due_date"), Currency: optionalField(c, "currency"), TaxRate: optionalField(c, "tax_rate"),
		Discount: optionalField(c, "discount"), Notes: &notes,
	})
	if err == nil {
		h.flash(c, views.FlashSuccess, "Draft "+inv.Number+" created. Add lines or bill tracked time, then send it.")
		return redirect(c, "/invoices/"+inv.ID)
	}
	if f.Errors, f.Error, err = formErrorsShowing(err, ivFieldNames, "client_id", "project_id", "issue_date", "due_date", "currency", "tax_rate", "discount", "notes"); err != nil {
		return err
	}
	pg, err := h.store.NewInvoicePage(c.Request().Context(), currentActor(c), f.ClientID)
	if err != nil {
		return err
	}
	f = invoiceForm(f, pg)
	p, err := h.page(c, "New invoice", views.NavInvoices)
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.NewInvoicePage(p, f), views.InvoiceFormFragment(p.CSRFToken, f))
}

// --- the invoice page ---

func (h *Handlers) invoicePage(c echo.Context) error {
	_, v, err := h.loadInvoiceView(c)
	if err != nil {
		return err
	}
	return h.renderInvoicePage(c, http.StatusOK, v)
}

func (h *Handlers) invoicePDF(c echo.Context) error {
	b, name, err := h.store.InvoicePDF(c.Request().Context(), currentActor(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", b)
}

func (h *Handlers) deleteInvoice(c echo.Context) error {
	id := c.Param("id")
	err := h.store.DeleteInvoice(c.Request().Context(), currentActor(c), id)
	if err == nil {
		h.flash(c, views.FlashSuccess, "Draft deleted. Its time entries can be billed again.")
		return redirect(c, "/invoices")
	}
	_, msg, err := formErrorsShowing(err, ivFieldNames)
	if err != nil {
		return err
	}
	h.flash(c, views.FlashError, msg)
	return redirect(c, "/invoices/"+id)
}

// voidInvoice voids a sent invoice after the button's confirmation; a refusal (a draft, a paid invoice, one with
// payments) comes back as a message on the invoice page.
func (h *Handlers) voidInvoice(c echo.Context) error {
	id := c.Param("id")
	inv, err := h.store.VoidInvoice(c.Request().Context(), currentActor(c), id)
	if err == nil {
		h.flash(c, views.FlashSuccess, inv.Number+" is void. Its time entries can be billed again.")
		return redirect(c, "/invoices/"+inv.ID)
	}
	_, msg, err := formErrorsShowing(err, ivFieldNames)
	if err != nil {
		return err
	}
	h.flash(c, views.FlashError, msg)
	return redirect(c, "/invoices/"+id)
}

// rotateInvoiceLink gives the invoice a new public link; the one shown before stops opening it.
func (h *Handlers) rotateInvoiceLink(c echo.Context) error {
	id := c.Param("id")
	_, err := h.store.RotateInvoiceLink(c.Request().Context(), currentActor(c), id)
	if err == nil {
		h.flash(c, views.FlashSuccess, "The invoice has a new link. The previous link no longer opens it.")
		return redirect(c, "/invoices/"+id)
	}
	_, msg, err := formErrorsShowing(err, ivFieldNames)
	if err != nil {
		return err
	}
	h.flash(c, views.FlashError, msg)
	return redirect(c, "/invoices/"+id)
}

// updateInvoiceDetails saves a draft's dates, currency, tax, discount and notes; the totals follow.
func (h *Handlers) updateInvoiceDetails(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	f := views.InvoiceDetailsForm{
		InvoiceID: c.Param("id"), IssueDate: c.FormValue("issue_date"), DueDate: c.FormValue("due_date"),
		Currency: c.FormValue("currency"), TaxRate: strings.TrimSpace(c.FormValue("tax_rate")),
		Discount: strings.TrimSpace(c.FormValue("discount")), Notes: c.FormValue("notes"), Editable: true,
	}
	percent := func(s string) *string {
		if s == "" {
			s = "0"
		}
		return &s
	}
	notes := f.Notes
	in := store.InvoiceInput{
		IssueDate: optionalField(c, "issue_date"), DueDate: optionalField(c, "due_date"), Currency: optionalField(c, "currency"),
		TaxRate: percent(f.TaxRate), Discount: percent(f.Discount), Notes: &notes,
	}
	before, err := h.store.Invoice(ctx, a, f.InvoiceID)
	if err != nil {
		return err
	}
	inv, err := h.store.UpdateInvoice(ctx, a, f.InvoiceID, in)
	if err == nil {
		if !isHTMX(c) {
			h.flash(c, views.FlashSuccess, "Details saved.")
			return redirect(c, "/invoices/"+inv.ID)
		}
		d := views.InvoiceDetailsForm{
			InvoiceID: inv.ID, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Currency: inv.Currency,
			TaxRate: inv.TaxRate.String(), Discount: inv.Discount.String(), Notes: inv.Notes, Editable: true, Saved: true,
		}
		p, err := h.page(c, inv.Number, views.NavInvoices)
		if err != nil {
			return err
		}
		parts := []templ.Component{
			views.InvoiceDetailsFragment(p.CSRFToken, d),
			views.InvoiceTotals(ivTotals(inv), true), views.InvoiceSummary(ivTotals(inv), true),
		}
		if inv.Currency != before.Currency { // unit prices are shown in the new currency's units
			parts = append(parts, views.InvoiceLines(p.CSRFToken, ivLineRows(inv), true))
		}
		return render(c, http.StatusOK, ivParts(parts...))
	}
	if f.Errors, f.Error, err = formErrorsShowing(err, ivFieldNames, "issue_date", "due_date", "currency", "tax_rate", "discount", "notes"); err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, http.StatusUnprocessableEntity, views.InvoiceDetailsFragment(csrfToken(c), f))
	}
	_, v, err := h.loadInvoiceView(c)
	if err != nil {
		return err
	}
	v.Details = f
	return h.renderInvoicePage(c, http.StatusUnprocessableEntity, v)
}

// --- line items ---

// ivLineInput reads a line's fields. The unit price goes to the store as typed, in major units of the invoice's
// currency: the store reads it after its permission check. A line shows its quantity rounded to two decimals
// (quantity_shown); sent back untouched it leaves the stored quantity (say 0.0522 hours) and its amount as they are.
func ivLineInput(c echo.Context) (store.LineItemInput, views.InvoiceLineRow) {
	r := views.InvoiceLineRow{
		Description: c.FormValue("description"), Quantity: strings.TrimSpace(c.FormValue("quantity")),
		UnitPrice: strings.TrimSpace(c.FormValue("unit_price")),
	}
	in := store.LineItemInput{Description: &r.Description, Quantity: &r.Quantity, UnitPriceText: &r.UnitPrice}
	if shown := c.FormValue("quantity_shown"); shown != "" && shown == r.Quantity {
		in.Quantity = nil
	}
	return in, r
}

// addInvoiceLine adds a line. The use case answers first (403 for members, 404 for other organizations'
// invoices, then the messages of the form); the invoice is read afterwards, for what the answer shows.
func (h *Handlers) addInvoiceLine(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	id := c.Param("id")
	in, r := ivLineInput(c)
	added, err := h.store.AddInvoiceLineItem(ctx, a, id, in)
	if err == nil {
		if !isHTMX(c) {
			return redirect(c, "/invoices/"+id+"#invoice-lines")
		}
		after, err := h.store.Invoice(ctx, a, id)
		if err != nil {
			return err
		}
		csrf := csrfToken(c)
		return render(c, http.StatusOK, ivParts(
			views.InvoiceLine(csrf, ivLineRow(after, added)),
			views.InvoiceLineAddFragment(csrf, ivNewLineForm(after), true),
			views.InvoiceTotals(ivTotals(after), true), views.InvoiceSummary(ivTotals(after), true),
		))
	}
	f := views.InvoiceLineForm{InvoiceID: id, Description: r.Description, Quantity: r.Quantity, UnitPrice: r.UnitPrice}
	if f.Errors, f.Error, err = formErrorsShowing(err, ivFieldNames, "description", "quantity", "unit_price"); err != nil {
		return err
	}
	if isHTMX(c) {
		inv, err := h.store.Invoice(ctx, a, id)
		if err != nil {
			return err
		}
		f.Currency = inv.Currency
		c.Response().Header().Set("HX-Retarget", "#li-add")
		c.Response().Header().Set("HX-Reswap", "outerHTML")
		return render(c, http.StatusUnprocessableEntity, views.InvoiceLineAddFragment(csrfToken(c), f, false))
	}
	inv, v, err := h.loadInvoiceView(c)
	if err != nil {
		return err
	}
	f.Currency = inv.Currency
	v.NewItem = f
	return h.renderInvoicePage(c, http.StatusUnprocessableEntity, v)
}

// updateInvoiceLine saves a line when one of its fields changes. On success the line itself is left alone (the
// user may already be typing in its next field): its amount, its saved mark and the totals come out of band. A
// line shown with messages is re-rendered without them. As for adding, the use case answers first.
func (h *Handlers) updateInvoiceLine(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	id := c.Param("id")
	in, r := ivLineInput(c)
	it, err := h.store.UpdateInvoiceLineItem(ctx, a, id, c.Param("item_id"), in)
	csrf := csrfToken(c)
	if err == nil {
		if !isHTMX(c) {
			return redirect(c, "/invoices/"+id+"#invoice-lines")
		}
		after, err := h.store.Invoice(ctx, a, id)
		if err != nil {
			return err
		}
		row := ivLineRow(after, it)
		row.Saved = true
		totals := views.InvoiceTotals(ivTotals(after), true)
		summary := views.InvoiceSummary(ivTotals(after), true)
		if c.FormValue("had_error") != "" {
			return render(c, http.StatusOK, ivParts(views.InvoiceLine(csrf, row), totals, summary))
		}
		c.Response().Header().Set("HX-Reswap", "none")
		return render(c, http.StatusOK, ivParts(
			views.InvoiceLineAmount(row, true), views.InvoiceLineStatus(row.ID, true, true), totals, summary,
		))
	}
	stale := errors.Is(err, store.ErrConflict)
	if r.Errors, r.Error, err = formErrorsShowing(err, ivFieldNames, "description", "quantity", "unit_price"); err != nil {
		return err
	}
	// htmx gets the line from the invoice's read; a plain form the invoice page's.
	var inv store.Invoice
	var v views.InvoiceView
	if isHTMX(c) {
		inv, err = h.store.Invoice(ctx, a, id)
	} else {
		inv, v, err = h.loadInvoiceView(c)
	}
	if err != nil {
		return err
	}
	r.ID, r.InvoiceID, r.Currency, r.Editable = c.Param("item_id"), inv.ID, inv.Currency, true
	for _, old := range inv.LineItems {
		if old.ID == r.ID {
			r.Amount, r.Entries = old.Amount, len(old.TimeEntryIDs)
		}
	}
	if stale {
		r.Error += " Reload the page to see the invoice as it is now."
	}
	if isHTMX(c) {
		return render(c, http.StatusUnprocessableEntity, views.InvoiceLine(csrf, r))
	}
	for i := range v.Items {
		if v.Items[i].ID == r.ID {
			v.Items[i] = r
		}
	}
	return h.renderInvoicePage(c, http.StatusUnprocessableEntity, v)
}

func (h *Handlers) deleteInvoiceLine(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	id := c.Param("id")
	err := h.store.DeleteInvoiceLineItem(ctx, a, id, c.Param("item_id"))
	if err != nil {
		_, msg, err := formErrorsShowing(err, ivFieldNames)
		if err != nil {
			return err
		}
		if !isHTMX(c) {
			h.flash(c, views.FlashError, msg)
			return redirect(c, "/invoices/"+id)
		}
		c.Response().Header().Set("HX-Reswap", "none")
		return render(c, http.StatusUnprocessableEntity, views.FlashesOOB([]views.Flash{{Kind: views.FlashError, Text: msg}}))
	}
	if !isHTMX(c) {
		return redirect(c, "/invoices/"+id+"#invoice-lines")
	}
	after, err := h.store.Invoice(ctx, a, id)
	if err != nil {
		return err
	}
	// The empty main answer removes the line.
	return render(c, http.StatusOK, ivParts(views.InvoiceTotals(ivTotals(after), true), views.InvoiceSummary(ivTotals(after), true)))
}

// generateInvoiceLines bills the unbilled time of the invoice's project (or client) in the range and says how
// many entries and hours it billed: the lines it added are those the page did not know.
func (h *Handlers) generateInvoiceLines(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	id := c.Param("id")
	f := views.InvoiceGenerateForm{InvoiceID: id, From: strings.TrimSpace(c.FormValue("from")), To: strings.TrimSpace(c.FormValue("to"))}
	inv, err := h.store.GenerateInvoiceLineItems(ctx, a, id, store.GenerateInput{From: f.From, To: f.To})
	if err != nil {
		if f.Errors, f.Error, err = formErrorsShowing(err, ivFieldNames, "from", "to"); err != nil {
			return err
		}
		_, v, err := h.loadInvoiceView(c)
		if err != nil {
			return err
		}
		f.Known, f.Scope = v.Generate.Known, v.Generate.Scope
		if isHTMX(c) {
			return render(c, http.StatusUnprocessableEntity, views.InvoiceGenerateFragment(csrfToken(c), f))
		}
		v.Generate = f
		return h.renderInvoicePage(c, http.StatusUnprocessableEntity, v)
	}
	res := ivGenerated(inv, c.FormValue("known"))
	if !isHTMX(c) {
		if res.Entries == 0 {
			h.flash(c, views.FlashInfo, "Nothing to bill: no billable, uninvoiced time in this range.")
		} else {
			h.flash(c, views.FlashSuccess, "Billed "+views.Plural(res.Entries, "time entry", "time entries")+" ("+res.Hours+" h).")
		}
		return redirect(c, "/invoices/"+inv.ID+"#invoice-lines")
	}
	_, v, err := h.loadInvoiceView(c)
	if err != nil {
		return err
	}
	f.Known, f.Scope, f.Result = v.Generate.Known, v.Generate.Scope, &res
	csrf := csrfToken(c)
	return render(c, http.StatusOK, ivParts(
		views.InvoiceGenerateFragment(csrf, f), views.InvoiceLines(csrf, v.Items, true),
		views.InvoiceTotals(v.Totals, true), views.InvoiceSummary(v.Totals, true),
	))
}

// ivGenerated counts the lines, time entries and hours of the lines that bill time and were not among known.
func ivGenerated(inv store.Invoice, known string) views.InvoiceGenerateResult {
	seen := map[string]bool{}
	for _, id := range strings.Split(known, ",") {
		seen[strings.TrimSpace(id)] = true
	}
	var res views.InvoiceGenerateResult
	hours := new(big.Rat)
	for _, it := range inv.LineItems {
		if seen[it.ID] || len(it.TimeEntryIDs) == 0 {
			continue
		}
		res.Lines++
		res.Entries += len(it.TimeEntryIDs)
		if q, ok := new(big.Rat).SetString(string(it.Quantity)); ok {
			hours.Add(hours, q)
		}
	}
	res.Hours = strings.TrimSuffix(strings.TrimRight(hours.FloatString(2), "0"), ".")
	return res
}

// --- send ---

// sendInvoiceView is the send page's model; the recipients default to the client's email and its contacts'.
func (h *Handlers) sendInvoiceView(c echo.Context) (views.SendInvoiceView, error) {
	pg, err := h.store.InvoiceSendPage(c.Request().Context(), currentActor(c), c.Param("id"))
	if err != nil {
		return views.SendInvoiceView{}, err
	}
	inv := pg.Invoice
	v := views.SendInvoiceView{
		InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, ClientName: pg.ClientName, Total: inv.Total,
		Balance: inv.Balance, Currency: inv.Currency, DueDate: inv.DueDate, ItemCount: len(inv.LineItems),
		Form: views.SendInvoiceForm{InvoiceID: inv.ID}, Unverified: !currentUser(c).EmailVerified,
	}
	var to []string
	seen := map[string]bool{}
	add := func(email, label string) {
		email = strings.TrimSpace(email)
		if email == "" || seen[strings.ToLower(email)] {
			return
		}
		seen[strings.ToLower(email)] = true
		to = append(to, email)
		v.Contacts = append(v.Contacts, views.Option{Value: email, Label: label})
	}
	add(pg.ClientEmail, pg.ClientName+" <"+strings.TrimSpace(pg.ClientEmail)+">")
	for _, ct := range pg.Contacts {
		add(ct.Email, ct.Name+" <"+strings.TrimSpace(ct.Email)+">")
	}
	v.Form.To = strings.Join(to, "\n")
	return v, nil
}

func (h *Handlers) sendInvoicePage(c echo.Context) error {
	v, err := h.sendInvoiceView(c)
	if err != nil {
		return err
	}
	p, err := h.page(c, "Send "+v.Number, views.NavInvoices)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.SendInvoicePage(p, v))
}

// ivRecipients splits the To field on lines, commas and semicolons.
func ivRecipients(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func (h *Handlers) sendInvoice(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.SendInvoiceForm{InvoiceID: c.Param("id"), To: c.FormValue("to"), Message: c.FormValue("message")}
	to := ivRecipients(f.To)
	var err error
	var inv store.Invoice
	if len(to) == 0 {
		// An empty To would mean "the client's defaults" to the store; here the field was cleared on purpose.
		err = store.Invalid("to", "Add at least one email address.")
	} else {
		inv, err = h.store.SendInvoice(ctx, currentActor(c), f.InvoiceID, store.SendInvoiceInput{To: to, Message: &f.Message})
	}
	if err == nil {
		h.flash(c, views.FlashSuccess, inv.Number+" was emailed to "+strings.Join(to, ", ")+". The client can also open it with the link below.")
		return redirect(c, "/invoices/"+inv.ID)
	}
	if errors.Is(err, store.ErrEmailNotVerified) {
		return h.sendInvoiceUnverified(c)
	}
	if f.Errors, f.Error, err = formErrorsShowing(err, ivFieldNames, "to", "message"); err != nil {
		return err
	}
	v, err := h.sendInvoiceView(c)
	if err != nil {
		return err
	}
	v.Form = f
	p, err := h.page(c, "Send "+v.Number, views.NavInvoices)
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.SendInvoicePage(p, v), views.SendInvoiceFormFragment(p.CSRFToken, v))
}

// sendInvoiceUnverified answers a sending refused because the user's address is unverified: the form gives way to
// the request to verify it.
func (h *Handlers) sendInvoiceUnverified(c echo.Context) error {
	v, err := h.sendInvoiceView(c)
	if err != nil {
		return err
	}
	v.Unverified = true
	p, err := h.page(c, "Send "+v.Number, views.NavInvoices)
	if err != nil {
		return err
	}
	return renderForm(c, unverifiedStatus(c), views.SendInvoicePage(p, v), views.VerifyEmailNotice(p.CSRFToken, "send-invoice", "invoices"))
}

// --- payments ---

func (h *Handlers) markInvoicePaid(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.InvoiceMarkPaidForm{InvoiceID: c.Param("id"), PaidAt: c.FormValue("paid_at"), Method: c.FormValue("payment_method")}
	inv, err := h.store.MarkInvoicePaid(ctx, currentActor(c), f.InvoiceID, store.MarkPaidInput{
		PaidAt: optionalField(c, "paid_at"), PaymentMethod: optionalField(c, "payment_method"),
	})
	if err == nil {
		h.flash(c, views.FlashSuccess, inv.Number+" is marked as paid.")
		return redirect(c, "/invoices/"+inv.ID)
	}
	if f.Errors, f.Error, err = formErrorsShowing(err, ivFieldNames, "paid_at", "payment_method"); err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, http.StatusUnprocessableEntity, views.InvoiceMarkPaidFragment(csrfToken(c), f))
	}
	_, v, err := h.loadInvoiceView(c)
	if err != nil {
		return err
	}
	v.MarkPaid = f
	return h.renderInvoicePage(c, http.StatusUnprocessableEntity, v)
}

func (h *Handlers) recordInvoicePayment(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	inv, err := h.store.Invoice(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	f := views.InvoicePaymentForm{
		InvoiceID: inv.ID, Currency: inv.Currency, Amount: strings.TrimSpace(c.FormValue("amount")),
		Method: c.FormValue("method"), PaidAt: c.FormValue("paid_at"), Notes: c.FormValue("notes"),
	}
	// The amount goes to the store as typed, in major units of the invoice's currency.
	p, err := h.store.CreatePayment(ctx, a, store.PaymentInput{
		InvoiceID: &inv.ID, AmountText: &f.Amount, Method: optionalField(c, "method"), PaidAt: optionalField(c, "paid_at"), Notes: &f.Notes,
	})
	if err == nil {
		h.flash(c, views.FlashSuccess, "Payment of "+views.FormatMoney(p.Amount, inv.Currency)+" recorded.")
		return redirect(c, "/invoices/"+inv.ID+"#invoice-payments")
	}
	if f.Errors, f.Error, err = formErrorsShowing(err, ivFieldNames, "amount", "method", "paid_at", "notes"); err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, http.StatusUnprocessableEntity, views.InvoicePaymentFragment(csrfToken(c), f))
	}
	_, v, err := h.loadInvoiceView(c)
	if err != nil {
		return err
	}
	v.Payment = f
	return h.renderInvoicePage(c, http.StatusUnprocessableEntity, v)
}

func (h *Handlers) deleteInvoicePayment(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	id := c.Param("id")
	p, err := h.store.Payment(ctx, a, c.Param("payment_id"))
	if err != nil {
		return err
	}
	if p.InvoiceID != id {
		return store.ErrNotFound
	}
	if err := h.store.DeletePayment(ctx, a, p.ID); err != nil {
		_, msg, err := formErrorsShowing(err, ivFieldNames)
		if err != nil {
			return err
		}
		h.flash(c, views.FlashError, msg)
		return redirect(c, "/invoices/"+id)
	}
	h.flash(c, views.FlashSuccess, "Payment deleted.")
	return redirect(c, "/invoices/"+id+"#invoice-payments")
}
