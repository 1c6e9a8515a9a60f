package store

import "context"

// MembersPage is what the members page shows: a page of the organization's members and invitations, and the
// organization's currency that cost rates are in.
type MembersPage struct {
	Members  List[Member]
	Currency string
}

// MembersPage reads the members page for any member.
func (s *Store) MembersPage(ctx context.Context, a Actor, f MemberFilter) (MembersPage, error) {
	var p MembersPage
	var err error
	if p.Currency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
		return MembersPage{}, err
	}
	if p.Members, err = s.Members(ctx, a, f); err != nil {
		return MembersPage{}, err
	}
	return p, nil
}

// MemberRow is one row of the members page: a member, and the currency its cost rate is in.
type MemberRow struct {
	Member   Member
	Currency string
}

// MemberRow reads one row of the members page, shown again after a change to it.
func (s *Store) MemberRow(ctx context.Context, a Actor, id string) (MemberRow, error) {
	var r MemberRow
	var err error
	if r.Member, err = s.Member(ctx, a, id); err != nil {
		return MemberRow{}, err
	}
	if r.Currency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
		return MemberRow{}, err
	}
	return r, nil
}
