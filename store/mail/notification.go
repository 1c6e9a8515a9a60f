package mail

import (
	"fmt"
	"strings"
)

var notificationTmpl = mustParseEmail("notification")

// Notification tells a user about something that happened in TRCR, such as a task assigned to them or a
// status change. title is also the subject (line breaks flattened); body is a short sentence and may be empty;
// name may be empty; link is the absolute URL of what the notification is about.
func Notification(to, name, title, body, link string) (Message, error) {
	if err := checkLink(link); err != nil {
		return Message{}, err
	}
	data := struct {
		Name, Title, Body, Link string
	}{
		Name:  strings.TrimSpace(name),
		Title: headerText(title),
		Body:  strings.TrimSpace(body),
		Link:  link,
	}
	if data.Title == "" {
		return Message{}, fmt.Errorf("%w: notification without title", ErrInvalidMessage)
	}
	return notificationTmpl.render(to, data.Title, data)
}
