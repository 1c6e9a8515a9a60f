package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// viewer is what the hub knows about a stream's caller to decide which events it may see: the same rules as the
// reads (DECISIONS.md "Who may do what"), kept in memory and reread when an event changes them.
type viewer struct {
	actor    Actor
	admin    bool
	projects map[string]bool // projects the caller is a member of
	channels map[string]bool // private chat channels the caller is a member of
}

// loadViewer rereads the caller's role and memberships; ErrNotFound when they are no longer an active member.
func (s *Store) loadViewer(ctx context.Context, a Actor) (viewer, error) {
	fresh, err := loadActor(ctx, s.db, a.UserID, a.OrgID, a.IP)
	if err != nil {
		return viewer{}, err
	}
	v := viewer{actor: fresh, admin: fresh.IsAdmin(), projects: map[string]bool{}, channels: map[string]bool{}}
	var ids []string
	if err := sqlx.SelectContext(ctx, s.db, &ids, `
		SELECT pm.project_id FROM project_members pm JOIN projects p ON p.id = pm.project_id
		WHERE pm.user_id = $1 AND p.organization_id = $2`, a.UserID, a.OrgID); err != nil {
		return viewer{}, err
	}
	for _, id := range ids {
		v.projects[id] = true
	}
	ids = ids[:0]
	if err := sqlx.SelectContext(ctx, s.db, &ids, `
		SELECT cm.channel_id FROM chat_channel_members cm JOIN chat_channels c ON c.id = cm.channel_id
		WHERE cm.user_id = $1 AND c.organization_id = $2 AND c.is_private`, a.UserID, a.OrgID); err != nil {
		return viewer{}, err
	}
	for _, id := range ids {
		v.channels[id] = true
	}
	return v, nil
}

// sees applies the event's audience to the viewer.
func (v viewer) sees(e Event) bool {
	if e.OrgID != v.actor.OrgID {
		return false
	}
	id := ""
	if e.AudienceID != nil {
		id = *e.AudienceID
	}
	switch e.Audience {
	case audienceOrg:
		return true
	case audienceAdmins:
		return v.admin
	case audienceProject:
		return v.admin || v.projects[id]
	case audienceChannel:
		return v.channels[id]
	case audienceUser:
		return v.actor.UserID == id
	}
	return false
}

// changesAccess lists the events after which viewers of the organization are reread.
func changesAccess(eventType string) bool {
	switch eventType {
	case EventProjectMembersSet, EventMemberChanged, EventChatChannelCreated, EventChatChannelUpdated, EventChatChannelDeleted:
		return true
	}
	return false
}

// tellsFormerViewers lists the events that still reach those who lose sight of their subject by them: the members
// of a private channel that is deleted, or who are taken out of one, hear of it.
func tellsFormerViewers(eventType string) bool {
	return eventType == EventChatChannelUpdated || eventType == EventChatChannelDeleted
}
