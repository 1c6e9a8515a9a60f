package mail

import (
	"fmt"
	"strings"
)

var invoiceTmpl = mustParseEmail("invoice")

// InvoiceEmail is what the email sending an invoice to a client says.
type InvoiceEmail struct {
	To        []string
	OrgName   string // the sender, in the subject
	Number    string // INV-2026-0001
	Message   string // the sender's own words; may be empty
	AmountDue string // formatted with its currency (store/format), e.g. "1,715.18 EUR"
	DueDate   string // formatted (store/format), e.g. "Mar 31, 2026"
	Link      string // absolute URL of the public invoice page
	PDF       []byte // attached as <Number>.pdf
}

// Invoice sends an invoice to all of e.To in one message, with the PDF attached and a button to the public
// link, which opens the invoice without an account.
func Invoice(e InvoiceEmail) (Message, error) {
	if err := checkLink(e.Link); err != nil {
		return Message{}, err
	}
	if len(e.To) == 0 {
		return Message{}, fmt.Errorf("%w: invoice without recipients", ErrInvalidMessage)
	}
	data := struct {
		OrgName, Number, Message, AmountDue, DueDate, Link string
	}{
		OrgName:   headerText(e.OrgName),
		Number:    headerText(e.Number),
		Message:   strings.TrimSpace(e.Message),
		AmountDue: e.AmountDue,
		DueDate:   e.DueDate,
		Link:      e.Link,
	}
	if data.OrgName == "" || data.Number == "" {
		return Message{}, fmt.Errorf("%w: invoice without number or sender", ErrInvalidMessage)
	}
	m, err := invoiceTmpl.render(e.To[0], fmt.Sprintf("Invoice %s from %s", data.Number, data.OrgName), data)
	if err != nil {
		return Message{}, err
	}
	m.To = append([]string(nil), e.To...)
	m.Attachments = []Attachment{{Filename: data.Number + ".pdf", ContentType: "application/pdf", Data: e.PDF}}
	return m, nil
}
