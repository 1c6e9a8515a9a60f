package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

const (
	clClientsPerPage    = 25
	clActivitiesPerPage = 20
)

func (h *Handlers) mountClients(g *router) {
	g.GET("/clients", h.clientsPage, h.requireOrg)
	g.GET("/clients/new", h.newClientPage, h.requireOrg)
	g.POST("/clients/new", h.createClient, h.requireOrg)
	g.GET("/clients/:id", h.clientPage, h.requireOrg)
	g.GET("/clients/:id/edit", h.editClientPage, h.requireOrg)
	g.POST("/clients/:id/edit", h.updateClient, h.requireOrg)
	g.POST("/clients/:id/delete", h.deleteClient, h.requireOrg)
	g.POST("/clients/:id/contacts", h.addClientContact, h.requireOrg)
	g.GET("/clients/:id/contacts/:cid", h.clientContactRow, h.requireOrg)
	g.GET("/clients/:id/contacts/:cid/edit", h.editClientContact, h.requireOrg)
	g.POST("/clients/:id/contacts/:cid/edit", h.updateClientContact, h.requireOrg)
	g.POST("/clients/:id/contacts/:cid/delete", h.deleteClientContact, h.requireOrg)
	g.POST("/clients/:id/activities", h.addClientActivity, h.requireOrg)
}

// clFragment reports whether an htmx request asks for the element with the given id only (its HX-Target).
func clFragment(c echo.Context, id string) bool {
	c.Response().Header().Add("Vary", "HX-Target")
	return isHTMX(c) && c.Request().Header.Get("HX-Target") == id
}

// clEffectiveCurrency is the client's currency, or the organization's when the client has none.
func clEffectiveCurrency(cl store.Client, orgCurrency string) (string, bool) {
	if cl.Currency != nil && *cl.Currency != "" {
		return *cl.Currency, false
	}
	return orgCurrency, true
}

// --- list ---

func (h *Handlers) clientsPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	q := strings.TrimSpace(c.QueryParam("q"))
	pg, err := store.ParsePage(c.QueryParam("page"), "")
	if err != nil {
		pg = store.Page{}
	}
	pg.Per = clClientsPerPage
	cp, err := h.store.ClientsPage(ctx, a, store.ClientFilter{Search: q, Page: pg})
	if err != nil {
		return err
	}
	l := cp.Clients
	query := url.Values{}
	if q != "" {
		query.Set("q", q)
	}
	v := views.ClientsView{
		Q: q, CanManage: a.Permissions().ManageClients, ShowBilling: cp.Billing != nil,
		Pagination: views.Pagination{Page: l.Page, PerPage: l.PerPage, Total: l.Total, Path: "/clients", Query: query, Target: "#clients-results"},
	}
	for _, cl := range l.Items {
		cur, isDefault := clEffectiveCurrency(cl, cp.Currency)
		row := views.ClientRow{
			ID: cl.ID, Name: cl.Name, Email: cl.Email, Phone: cl.Phone, Currency: cur, CurrencyIsDefault: isDefault,
			Location: clJoinNonEmpty(", ", cl.Address.City, cl.Address.Country),
		}
		if cl.HourlyRate != nil {
			row.HasRate, row.RateCents = true, *cl.HourlyRate
		}
		b := cp.Billing[cl.ID]
		row.OpenBalance, row.UnbilledSeconds = b.OpenBalance, b.UnbilledSeconds
		v.Clients = append(v.Clients, row)
	}
	if clFragment(c, "clients-results") {
		return render(c, http.StatusOK, views.ClientsResults(v))
	}
	p, err := h.page(c, "Clients", views.NavClients)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ClientsPage(p, v))
}

func clJoinNonEmpty(sep string, parts ...string) string {
	out := make([]string, 0, len(parts))
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

// --- create and edit ---

// clClientFields names the form's fields in messages; the store's address fields are "address.street" etc.
var clClientFields = map[string]string{
	"name": "Name", "email": "Email", "phone": "Phone", "address.street": "Street", "address.city": "City",
	"address.state": "State or region", "address.zip": "Postal code", "address.country": "Country",
	"currency": "Currency", "hourly_rate": "Hourly rate", "notes": "Notes",
}

var clContactFields = map[string]string{"name": "Name", "email": "Email", "phone": "Phone", "role": "Role"}

var clActivityFields = map[string]string{"type": "Type", "title": "Title", "description": "Details", "date": "Date"}

// clClientInput reads the client form. The rate is typed in major units of the chosen currency (or the
// organization's), which the store reads once it has checked the caller may make the change.
func clClientInput(c echo.Context, orgCurrency string) (store.ClientInput, views.ClientForm) {
	f := views.ClientForm{
		Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
		Street: c.FormValue("street"), City: c.FormValue("city"), State: c.FormValue("state"), Zip: c.FormValue("zip"),
		Country: c.FormValue("country"), Currency: strings.ToUpper(strings.TrimSpace(c.FormValue("currency"))),
		HourlyRate: strings.TrimSpace(c.FormValue("hourly_rate")), Notes: c.FormValue("notes"), DefaultCurrency: orgCurrency,
	}
	addr := store.Address{Street: f.Street, City: f.City, State: f.State, Zip: f.Zip, Country: f.Country}
	return store.ClientInput{
		Name: &f.Name, Email: &f.Email, Phone: &f.Phone, Address: &addr, Currency: &f.Currency, Notes: &f.Notes,
		HourlyRateText: &f.HourlyRate,
	}, f
}

func clClientForm(cl store.Client, orgCurrency string) views.ClientForm {
	f := views.ClientForm{
		ID: cl.ID, Name: cl.Name, Email: cl.Email, Phone: cl.Phone, Street: cl.Address.Street, City: cl.Address.City,
		State: cl.Address.State, Zip: cl.Address.Zip, Country: cl.Address.Country, Notes: cl.Notes, DefaultCurrency: orgCurrency,
	}
	if cl.Currency != nil {
		f.Currency = *cl.Currency
	}
	if cl.HourlyRate != nil {
		f.HourlyRate = views.MajorUnits(*cl.HourlyRate, f.RateCurrency())
	}
	return f
}

func (h *Handlers) newClientPage(c echo.Context) error {
	d, err := h.store.ClientForm(c.Request().Context(), currentActor(c), "")
	if err != nil {
		return err
	}
	p, err := h.page(c, "New client", views.NavClients)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.NewClientPage(p, views.ClientForm{DefaultCurrency: d.OrgCurrency}))
}

func (h *Handlers) createClient(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	in, f := clClientInput(c, "")
	cl, err := h.store.CreateClient(ctx, a, in)
	if err == nil {
		h.flash(c, views.FlashSuccess, cl.Name+" was added. Add its contacts and log your first conversation.")
		return redirect(c, "/clients/"+cl.ID)
	}
	if f.Errors, f.Error, err = formErrors(err, clClientFields); err != nil {
		return err
	}
	d, err := h.store.ClientForm(ctx, a, "")
	if err != nil {
		return err
	}
	f.DefaultCurrency = d.OrgCurrency
	p, err := h.page(c, "New client", views.NavClients)
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.NewClientPage(p, f), views.ClientFormFragment(p.CSRFToken, f))
}

// clEditView loads the edit page of a client; the store refuses those who may not change it.
func (h *Handlers) clEditView(c echo.Context) (views.ClientEditView, error) {
	d, err := h.store.ClientForm(c.Request().Context(), currentActor(c), c.Param("id"))
	if err != nil {
		return views.ClientEditView{}, err
	}
	cl := d.Client
	return views.ClientEditView{
		ClientID: cl.ID, ClientName: cl.Name, Form: clClientForm(cl, d.OrgCurrency),
		Delete: views.ClientDeleteForm{ClientID: cl.ID, ClientName: cl.Name},
	}, nil
}

func (h *Handlers) editClientPage(c echo.Context) error {
	v, err := h.clEditView(c)
	if err != nil {
		return err
	}
	p, err := h.page(c, "Edit "+v.ClientName, views.NavClients)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ClientEditPage(p, v))
}

func (h *Handlers) updateClient(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := h.clEditView(c)
	if err != nil {
		return err
	}
	in, f := clClientInput(c, v.Form.DefaultCurrency)
	f.ID = v.ClientID
	if _, err = h.store.UpdateClient(ctx, currentActor(c), v.ClientID, in); err == nil {
		h.flash(c, views.FlashSuccess, "Client saved.")
		return redirect(c, "/clients/"+v.ClientID)
	}
	if f.Errors, f.Error, err = formErrors(err, clClientFields); err != nil {
		return err
	}
	v.Form = f
	p, err := h.page(c, "Edit "+v.ClientName, views.NavClients)
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.ClientEditPage(p, v), views.ClientFormFragment(p.CSRFToken, f))
}

// deleteClient asks for the client's name, then deletes it. A refusal (the client has invoices) is shown in the
// form: 422 for htmx, which swaps only that status, and 409 for a plain form post.
func (h *Handlers) deleteClient(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := h.clEditView(c)
	if err != nil {
		return err
	}
	status := http.StatusUnprocessableEntity
	confirm := c.FormValue("confirm_name")
	if strings.TrimSpace(confirm) != v.ClientName {
		v.Delete.ConfirmName = confirm
		v.Delete.Errors = map[string]string{"confirm_name": "Type the client's name exactly to confirm."}
	} else if err := h.store.DeleteClient(ctx, currentActor(c), v.ClientID); err != nil {
		if _, v.Delete.Error, err = formErrors(err, nil); err != nil {
			return err
		}
		v.Delete.ConfirmName = confirm
		if !isHTMX(c) {
			status = http.StatusConflict
		}
	} else {
		h.flash(c, views.FlashSuccess, v.ClientName+" was deleted.")
		return redirect(c, "/clients")
	}
	p, err := h.page(c, "Edit "+v.ClientName, views.NavClients)
	if err != nil {
		return err
	}
	return renderForm(c, status, views.ClientEditPage(p, v), views.ClientDeleteFormFragment(p.CSRFToken, v.Delete))
}

// --- the client page ---

// clActivityType keeps only a known activity type; anything else shows every type.
func clActivityType(t string) string {
	if vocab.ActivityTypes.Has(t) {
		return t
	}
	return ""
}

// clActivityFilter asks for one page of a client's timeline, filtered by type.
func clActivityFilter(typ string, pageNum int) store.ClientActivityFilter {
	return store.ClientActivityFilter{Type: typ, Page: store.Page{Num: pageNum, Per: clActivitiesPerPage}}
}

// clReadActivityView reads one page of a client's timeline, filtered by type, for the timeline alone.
func (h *Handlers) clReadActivityView(c echo.Context, clientID, typ string, pageNum int) (views.ClientActivityView, error) {
	l, err := h.store.ClientActivities(c.Request().Context(), currentActor(c), clientID, clActivityFilter(typ, pageNum))
	if err != nil {
		return views.ClientActivityView{}, err
	}
	return h.clActivityView(c, clientID, typ, l), nil
}

// clActivityView shows one page of a client's timeline, filtered by type.
func (h *Handlers) clActivityView(c echo.Context, clientID, typ string, l store.List[store.ClientActivity]) views.ClientActivityView {
	a := currentActor(c)
	loc := userLocation(c)
	query := url.Values{}
	if typ != "" {
		query.Set("type", typ)
	}
	v := views.ClientActivityView{
		ClientID: clientID, Type: typ, CanManage: a.Permissions().ManageClients, Now: h.now().In(loc),
		Pagination: views.Pagination{Page: l.Page, PerPage: l.PerPage, Total: l.Total, Path: "/clients/" + clientID, Query: query, Target: "#client-activity"},
		Add:        views.ClientActivityForm{ClientID: clientID, Type: vocab.ActivityTypes[0].Code, Date: h.todayIn(loc), FilterType: typ},
	}
	for _, it := range l.Items {
		v.Items = append(v.Items, views.ClientActivityItem{
			ID: it.ID, Type: it.Type, Title: it.Title, Description: it.Description, UserName: it.UserName, Date: it.Date.In(loc),
		})
	}
	return v
}

func clContactRow(clientID string, ct store.ClientContact, canManage bool) views.ClientContactRow {
	return views.ClientContactRow{
		ClientID: clientID, ID: ct.ID, Name: ct.Name, Email: ct.Email, Phone: ct.Phone, Role: ct.Role, CanManage: canManage,
	}
}

func clContactForm(clientID string, ct store.ClientContact) views.ClientContactForm {
	return views.ClientContactForm{ClientID: clientID, ID: ct.ID, Name: ct.Name, Email: ct.Email, Phone: ct.Phone, Role: ct.Role}
}

// clReadContactsView reads a client's contacts, for the contacts section alone.
func (h *Handlers) clReadContactsView(c echo.Context, clientID string) (views.ClientContactsView, error) {
	list, err := h.store.ClientContacts(c.Request().Context(), currentActor(c), clientID)
	if err != nil {
		return views.ClientContactsView{}, err
	}
	return clContactsView(currentActor(c), clientID, "", list), nil
}

// clContactsView shows a client's contacts; editing names a contact shown with its edit form.
func clContactsView(a store.Actor, clientID, editing string, list []store.ClientContact) views.ClientContactsView {
	v := views.ClientContactsView{ClientID: clientID, CanManage: a.Permissions().ManageClients, Add: views.ClientContactForm{ClientID: clientID}}
	for _, ct := range list {
		row := clContactRow(clientID, ct, v.CanManage)
		if ct.ID == editing && v.CanManage {
			row.Editing, row.Form = true, clContactForm(clientID, ct)
		}
		v.Contacts = append(v.Contacts, row)
	}
	return v
}

// clClientView loads everything the client page shows. The store decides what money the caller sees: the open
// balance is absent for members, and so are the invoices.
func (h *Handlers) clClientView(c echo.Context, typ string, pageNum int, editingContact string) (views.ClientView, error) {
	a := currentActor(c)
	cp, err := h.store.ClientPage(c.Request().Context(), a, c.Param("id"), store.ClientPageQuery{
		Activity: clActivityFilter(typ, pageNum), EditContact: editingContact,
	})
	if err != nil {
		return views.ClientView{}, err
	}
	d := cp.Client
	cur, isDefault := clEffectiveCurrency(d.Client, cp.Currency)
	ad := d.Address
	v := views.ClientView{
		Client: views.ClientInfo{
			ID: d.ID, Name: d.Name, Email: d.Email, Phone: d.Phone, Currency: cur, CurrencyIsDefault: isDefault, Notes: d.Notes,
			Address: clNonEmpty(ad.Street, clJoinNonEmpty(" ", ad.Zip, ad.City), ad.State, ad.Country),
		},
		CanManage: a.Permissions().ManageClients, ProjectsCount: d.ProjectsCount, InvoicesCount: d.InvoicesCount,
		CanCreateProject: a.Permissions().CreateProjects,
	}
	if d.HourlyRate != nil {
		v.Client.HasRate, v.Client.RateCents = true, *d.HourlyRate
	}
	if d.OpenBalance != nil {
		v.ShowMoney, v.OpenBalance = true, *d.OpenBalance
	}
	v.Contacts = clContactsView(a, d.ID, cp.EditContactID, cp.Contacts)
	v.Activity = h.clActivityView(c, d.ID, typ, cp.Activities)
	for _, pr := range cp.Projects {
		v.Projects = append(v.Projects, views.ClientProjectRow{ID: pr.ID, Name: pr.Name, Color: pr.Color, Status: pr.Status})
	}
	if v.ShowMoney {
		for _, inv := range cp.Invoices {
			v.Invoices = append(v.Invoices, views.ClientInvoiceRow{
				ID: inv.ID, Number: inv.Number, Status: inv.Status, IssueDate: views.FormatDate(inv.IssueDate), DueDate: views.FormatDate(inv.DueDate),
				Currency: inv.Currency, Total: inv.Total, Balance: inv.Balance,
			})
		}
	}
	return v, nil
}

func clNonEmpty(parts ...string) []string {
	var out []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func clPageNum(s string) int {
	pg, err := store.ParsePage(s, "")
	if err != nil {
		return 1
	}
	return pg.Number()
}

func (h *Handlers) clientPage(c echo.Context) error {
	typ := clActivityType(c.QueryParam("type"))
	pageNum := clPageNum(c.QueryParam("page"))
	if clFragment(c, "client-activity") {
		// The timeline's filter and pagination swap only the timeline.
		v, err := h.clReadActivityView(c, c.Param("id"), typ, pageNum)
		if err != nil {
			return err
		}
		return render(c, http.StatusOK, views.ClientActivitySection(csrfToken(c), v))
	}
	return h.clRenderClientPage(c, http.StatusOK, typ, pageNum, "", nil)
}

// clRenderClientPage renders the whole client page; adjust changes the loaded view before rendering, e.g. to
// show a refused form with its messages.
func (h *Handlers) clRenderClientPage(c echo.Context, status int, typ string, pageNum int, editingContact string, adjust func(*views.ClientView)) error {
	v, err := h.clClientView(c, typ, pageNum, editingContact)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(&v)
	}
	p, err := h.page(c, v.Client.Name, views.NavClients)
	if err != nil {
		return err
	}
	return render(c, status, views.ClientPage(p, v))
}

// --- contacts ---

func clContactInput(c echo.Context, clientID, id string) (store.ClientContactInput, views.ClientContactForm) {
	f := views.ClientContactForm{
		ClientID: clientID, ID: id, Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"), Role: c.FormValue("role"),
	}
	return store.ClientContactInput{Name: &f.Name, Email: &f.Email, Phone: &f.Phone, Role: &f.Role}, f
}

// clContactsResult answers a change to the contacts: htmx gets the section with the flash out of band, a plain
// form goes back to the client page.
func (h *Handlers) clContactsResult(c echo.Context, clientID string) error {
	if !isHTMX(c) {
		return redirect(c, "/clients/"+clientID+"#client-contacts")
	}
	v, err := h.clReadContactsView(c, clientID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, withFlashes(views.ClientContactsSection(csrfToken(c), v), h.popFlashes(c.Request().Context())))
}

func (h *Handlers) addClientContact(c echo.Context) error {
	clientID := c.Param("id")
	in, f := clContactInput(c, clientID, "")
	ct, err := h.store.CreateClientContact(c.Request().Context(), currentActor(c), clientID, in)
	if err == nil {
		h.flash(c, views.FlashSuccess, ct.Name+" was added to the contacts.")
		return h.clContactsResult(c, clientID)
	}
	if f.Errors, f.Error, err = formErrors(err, clContactFields); err != nil {
		return err
	}
	if isHTMX(c) {
		v, err := h.clReadContactsView(c, clientID)
		if err != nil {
			return err
		}
		v.Add, v.AddOpen = f, true
		return render(c, http.StatusUnprocessableEntity, views.ClientContactsSection(csrfToken(c), v))
	}
	return h.clRenderClientPage(c, http.StatusUnprocessableEntity, "", 1, "", func(v *views.ClientView) {
		v.Contacts.Add, v.Contacts.AddOpen = f, true
	})
}

// clientContactRow shows a contact's row again (cancelling an edit).
func (h *Handlers) clientContactRow(c echo.Context) error {
	a := currentActor(c)
	ct, err := h.store.ClientContact(c.Request().Context(), a, c.Param("id"), c.Param("cid"))
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return redirect(c, "/clients/"+ct.ClientID+"#contact-"+ct.ID)
	}
	return render(c, http.StatusOK, views.ClientContactItem(csrfToken(c), clContactRow(ct.ClientID, ct, a.Permissions().ManageClients)))
}

// editClientContact shows a contact's edit form (in the client page, without htmx); the store refuses those who
// may not change it.
func (h *Handlers) editClientContact(c echo.Context) error {
	if !isHTMX(c) {
		return h.clRenderClientPage(c, http.StatusOK, "", 1, c.Param("cid"), nil)
	}
	ct, err := h.store.ClientContactForm(c.Request().Context(), currentActor(c), c.Param("id"), c.Param("cid"))
	if err != nil {
		return err
	}
	row := clContactRow(ct.ClientID, ct, true)
	row.Editing, row.Form = true, clContactForm(ct.ClientID, ct)
	return render(c, http.StatusOK, views.ClientContactItem(csrfToken(c), row))
}

func (h *Handlers) updateClientContact(c echo.Context) error {
	clientID, id := c.Param("id"), c.Param("cid")
	in, f := clContactInput(c, clientID, id)
	ct, err := h.store.UpdateClientContact(c.Request().Context(), currentActor(c), clientID, id, in)
	if err == nil {
		if !isHTMX(c) {
			h.flash(c, views.FlashSuccess, "Contact saved.")
			return redirect(c, "/clients/"+clientID+"#contact-"+ct.ID)
		}
		row := clContactRow(clientID, ct, true)
		row.Saved = true
		return render(c, http.StatusOK, views.ClientContactItem(csrfToken(c), row))
	}
	if f.Errors, f.Error, err = formErrors(err, clContactFields); err != nil {
		return err
	}
	if !isHTMX(c) {
		return h.clRenderClientPage(c, http.StatusUnprocessableEntity, "", 1, id, func(v *views.ClientView) {
			for i := range v.Contacts.Contacts {
				if v.Contacts.Contacts[i].ID == id {
					v.Contacts.Contacts[i].Form = f
				}
			}
		})
	}
	row := views.ClientContactRow{ClientID: clientID, ID: id, Name: f.Name, CanManage: true, Editing: true, Form: f}
	return render(c, http.StatusUnprocessableEntity, views.ClientContactItem(csrfToken(c), row))
}

func (h *Handlers) deleteClientContact(c echo.Context) error {
	clientID := c.Param("id")
	if err := h.store.DeleteClientContact(c.Request().Context(), currentActor(c), clientID, c.Param("cid")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Contact removed.")
	return h.clContactsResult(c, clientID)
}

// --- activity ---

func (h *Handlers) addClientActivity(c echo.Context) error {
	clientID := c.Param("id")
	loc := userLocation(c)
	filter := clActivityType(c.FormValue("filter_type"))
	f := views.ClientActivityForm{
		ClientID: clientID, Type: c.FormValue("type"), Title: c.FormValue("title"), Description: c.FormValue("description"),
		Date: strings.TrimSpace(c.FormValue("date")), FilterType: filter,
	}
	in := store.ClientActivityInput{Type: f.Type, Title: f.Title, Description: f.Description, Date: f.Date}
	if in.Date == h.todayIn(loc) {
		// Today means now, so what was just logged tops the timeline.
		in.Date = ""
	}
	_, err := h.store.CreateClientActivity(c.Request().Context(), currentActor(c), clientID, in)
	if err == nil {
		h.flash(c, views.FlashSuccess, "Activity logged.")
		if !isHTMX(c) {
			return redirect(c, clActivityURL(clientID, filter))
		}
		v, err := h.clReadActivityView(c, clientID, filter, 1)
		if err != nil {
			return err
		}
		return render(c, http.StatusOK, withFlashes(views.ClientActivitySection(csrfToken(c), v), h.popFlashes(c.Request().Context())))
	}
	if f.Errors, f.Error, err = formErrors(err, clActivityFields); err != nil {
		return err
	}
	if f.Date == "" && f.Errors["date"] == "" {
		f.Date = h.todayIn(loc)
	}
	if isHTMX(c) {
		v, err := h.clReadActivityView(c, clientID, filter, 1)
		if err != nil {
			return err
		}
		v.Add, v.AddOpen = f, true
		return render(c, http.StatusUnprocessableEntity, views.ClientActivitySection(csrfToken(c), v))
	}
	return h.clRenderClientPage(c, http.StatusUnprocessableEntity, filter, 1, "", func(v *views.ClientView) {
		v.Activity.Add, v.Activity.AddOpen = f, true
	})
}

func clActivityURL(clientID, typ string) string {
	u := "/clients/" + clientID
	if typ != "" {
		u += "?" + url.Values{"type": {typ}}.Encode()
	}
	return u + "#client-activity"
}
