package store_test

import (
	"testing"
	"time"
)

// The dashboard counts the first steps of an organization, gives billing figures only to those who manage
// billing, greets a member's first visit once, and keeps a dismissed checklist dismissed.
func TestDashboardPage_BillingFiguresFirstVisitAndDismissedChecklist(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	b.entry(b.project, "", "Design", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 90*time.Minute, true, nil)
	d, err := b.s.DashboardPage(b.ctx, b.owner)
	if err != nil {
		t.Fatal(err)
	}
	o := d.Overview
	if !o.FirstVisit || !o.Setup.HasClient || !o.Setup.HasProject || !o.Setup.HasTimeEntry || o.Setup.Dismissed {
		t.Fatalf("overview %+v", o)
	}
	if o.Billing == nil || o.Billing.UnbilledSeconds != 5400 {
		t.Fatalf("billing %+v", o.Billing)
	}
	if d, _ = b.s.DashboardPage(b.ctx, b.owner); d.Overview.FirstVisit {
		t.Error("the second visit is a first visit")
	}
	if err := b.s.DismissSetupChecklist(b.ctx, b.owner); err != nil {
		t.Fatal(err)
	}
	if d, _ = b.s.DashboardPage(b.ctx, b.owner); !d.Overview.Setup.Dismissed {
		t.Error("dismissed checklist comes back")
	}

	member := b.actor("Mia Member", b.owner.OrgID)
	b.exec(`UPDATE members SET role = 'member' WHERE user_id = $1`, member.UserID)
	member, err = b.s.ActorFor(b.ctx, member.UserID, b.owner.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	md, err := b.s.DashboardPage(b.ctx, member)
	if err != nil {
		t.Fatal(err)
	}
	if md.Overview.Billing != nil || !md.Overview.FirstVisit || md.Overview.Setup.Dismissed {
		t.Errorf("member's overview %+v", md.Overview)
	}
}
