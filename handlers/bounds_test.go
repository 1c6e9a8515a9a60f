package handlers_test

import (
	"net/http"
	"testing"
)

func TestPages_PageNumbersPastTheDataShowAnEmptyPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Paula Pager", "paula@example.com", "Pager Co")
	var client string
	if err := e.db.Get(&client, `INSERT INTO clients (organization_id, name) SELECT id, 'Big Client' FROM organizations RETURNING id`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/tasks", "/members", "/projects", "/clients", "/invoices", "/audit-logs", "/clients/" + client} {
		for _, query := range []string{"?page=922337203685477581", "?page=9223372036854775807&per_page=100", "?page=99999999999999999999999"} {
			if p := b.get(path + query); p.status != http.StatusOK {
				t.Errorf("GET %s%s: %d", path, query, p.status)
			}
		}
	}
}
