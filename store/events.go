package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Event types of the live stream and of subscribers (DECISIONS.md "Live events").
const (
	EventTaskCreated         = "task.created"
	EventTaskUpdated         = "task.updated"
	EventTaskDeleted         = "task.deleted"
	EventTaskMoved           = "task.moved"
	EventCommentCreated      = "comment.created"
	EventAttachmentCreated   = "attachment.created"
	EventAttachmentDeleted   = "attachment.deleted"
	EventChatMessageCreated  = "chat.message.created"
	EventChatMessageUpdated  = "chat.message.updated"
	EventChatMessageDeleted  = "chat.message.deleted"
	EventChatReactionAdded   = "chat.reaction.added"
	EventChatReactionRemoved = "chat.reaction.removed"
	EventChatChannelCreated  = "chat.channel.created"
	EventChatChannelUpdated  = "chat.channel.updated"
	EventChatChannelDeleted  = "chat.channel.deleted"
	EventChatChannelRead     = "chat.channel.read"
	EventNotificationCreated = "notification.created"
	EventNotificationsRead   = "notification.read"
	EventTimerStarted        = "timer.started"
	EventTimerStopped        = "timer.stopped"
	EventInvoiceSent         = "invoice.sent"
	EventInvoicePaid         = "invoice.paid"
	EventProjectMembersSet   = "project.members.changed"
	EventMemberChanged       = "member.changed"
	EventGit                 = "git.event"
	EventWebhookDisabled     = "webhook.disabled"
	EventWebhookTest         = "webhook.test"
)

// EventTypes are the event types above, in their order: the closed set of an event's type, which the OpenAPI
// document lists (store/events_types_test.go fails when a constant is missing here).
var EventTypes = []string{
	EventTaskCreated, EventTaskUpdated, EventTaskDeleted, EventTaskMoved, EventCommentCreated, EventAttachmentCreated,
	EventAttachmentDeleted, EventChatMessageCreated, EventChatMessageUpdated, EventChatMessageDeleted,
	EventChatReactionAdded, EventChatReactionRemoved, EventChatChannelCreated, EventChatChannelUpdated,
	EventChatChannelDeleted, EventChatChannelRead, EventNotificationCreated, EventNotificationsRead, EventTimerStarted,
	EventTimerStopped, EventInvoiceSent, EventInvoicePaid, EventProjectMembersSet, EventMemberChanged, EventGit,
	EventWebhookDisabled, EventWebhookTest,
}

// Audience kinds: who may see an event.
const (
	audienceOrg     = "org"     // every active member of the organization
	audienceAdmins  = "admins"  // its owners and admins
	audienceProject = "project" // the project's members, and owners and admins
	audienceChannel = "channel" // the members of a private chat channel
	audienceUser    = "user"    // one user
)

// Audience says who may see an event.
type Audience struct {
	Kind string
	ID   string // the project, channel or user; empty for org and admins
}

func toOrg() Audience                     { return Audience{Kind: audienceOrg} }
func toAdmins() Audience                  { return Audience{Kind: audienceAdmins} }
func toProject(projectID string) Audience { return Audience{Kind: audienceProject, ID: projectID} }
func toChannel(channelID string) Audience { return Audience{Kind: audienceChannel, ID: channelID} }
func toUser(userID string) Audience       { return Audience{Kind: audienceUser, ID: userID} }
func (au Audience) idOrNil() *string      { return nilIfEmpty(au.ID) }

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Event is something that happened in an organization, as recorded.
type Event struct {
	ID         int64           `db:"id"`
	XID        int64           `db:"xid"`
	OrgID      string          `db:"organization_id"`
	Type       string          `db:"type"`
	ActorID    *string         `db:"actor_id"`
	EntityType string          `db:"entity_type"`
	EntityID   *string         `db:"entity_id"`
	Audience   string          `db:"audience"`
	AudienceID *string         `db:"audience_id"`
	Data       json.RawMessage `db:"data"`
	Changes    json.RawMessage `db:"changes"`
	CreatedAt  time.Time       `db:"created_at"`
}

const eventColumns = `id, xid::text::bigint AS xid, organization_id, type, actor_id, entity_type, entity_id, audience, audience_id, data, changes, created_at`

// eventColumnsE is eventColumns for a statement that names the events table e, beside tables with columns of the
// same names.
const eventColumnsE = `e.id, e.xid::text::bigint AS xid, e.organization_id, e.type, e.actor_id, e.entity_type, e.entity_id,
	e.audience, e.audience_id, e.data, e.changes, e.created_at`

// StreamID is the id the live stream and Last-Event-ID use.
func (e Event) StreamID() string { return strconv.FormatInt(e.ID, 10) }

// WireEvent is an event as integrators and pages receive it (DECISIONS.md "Live events"); changes, for updates,
// names the fields that changed with their values before and after.
type WireEvent struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	OrgID     string          `json:"organization_id"`
	ActorID   *string         `json:"actor_id"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
	Changes   json.RawMessage `json:"changes,omitempty"`
}

// Wire is the event's public shape.
func (e Event) Wire() WireEvent {
	w := WireEvent{ID: e.StreamID(), Type: e.Type, OrgID: e.OrgID, ActorID: e.ActorID, CreatedAt: e.CreatedAt.UTC(), Data: e.Data}
	if len(e.Changes) > 2 { // not "{}"
		w.Changes = e.Changes
	}
	return w
}

// newEvent is what a use case records.
type newEvent struct {
	Type       string
	To         Audience
	EntityType string
	EntityID   string
	Data       any     // marshalled as the event's data: the API's object, or a small map
	Changes    Changes // for updates: what changed
	// LiveOnly events reach the live streams but queue no subscriber work: the copy of an event for a further
	// audience (a git event about tasks of several projects) whose effects the first copy carries.
	LiveOnly bool
}

// forWebhooks tells whether the organization's webhooks may be sent the event (their senders read only those,
// webhook_lanes.go): a type they may subscribe to, not meant for one person or a private channel's members (a
// webhook belongs to the organization, not to a member of the channel), and not a further copy of an event.
func (e newEvent) forWebhooks() bool {
	return !e.LiveOnly && vocab.WebhookEventTypes.Has(e.Type) && e.To.Kind != audienceUser && e.To.Kind != audienceChannel
}

// record writes an event in the use case's transaction, queues the work of every subscriber that wants its type,
// and wakes the listeners of every process when the transaction commits (NOTIFY is delivered at commit, and only
// then). It is the one way side effects leave a use case.
func (s *Store) record(ctx context.Context, tx *sqlx.Tx, a Actor, e newEvent) error {
	_, err := s.recordID(ctx, tx, a, e)
	return err
}

// recordID is record for the use cases that go on with the event they recorded, and returns its id.
func (s *Store) recordID(ctx context.Context, tx *sqlx.Tx, a Actor, e newEvent) (int64, error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return 0, fmt.Errorf("record %s: %w", e.Type, err)
	}
	if e.Data == nil {
		data = []byte("{}")
	}
	changes := []byte("{}")
	if len(e.Changes) > 0 {
		if changes, err = json.Marshal(e.Changes); err != nil {
			return 0, fmt.Errorf("record %s: %w", e.Type, err)
		}
	}
	var subs []string
	for _, sub := range s.subscribers {
		if !e.LiveOnly && sub.wants(e.Type) {
			subs = append(subs, sub.name)
		}
	}
	// One statement: the event, a job per subscriber that wants it, and the NOTIFY that wakes the listeners;
	// prepared, since every use case records events (a round trip and a plan fewer each).
	st, err := s.prepared(ctx, recordEventSQL)
	if err != nil {
		return 0, fmt.Errorf("record %s: %w", e.Type, err)
	}
	var id int64
	err = tx.StmtxContext(ctx, st).GetContext(ctx, &id,
		a.OrgID, e.Type, nilIfEmpty(a.UserID), e.EntityType, nilIfEmpty(e.EntityID), e.To.Kind, e.To.idOrNil(), data, changes,
		pq.Array(subs), e.forWebhooks())
	if err != nil {
		return 0, fmt.Errorf("record %s: %w", e.Type, err)
	}
	return id, nil
}

// recordEventSQL writes an event, the jobs of its subscribers, and the NOTIFY that wakes the listeners.
const recordEventSQL = `
		WITH ev AS (
			INSERT INTO events (organization_id, type, actor_id, entity_type, entity_id, audience, audience_id, data, changes, webhooks)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11) RETURNING id
		), jobs AS (
			INSERT INTO event_jobs (event_id, subscriber) SELECT ev.id, sub FROM ev, unnest($10::text[]) AS sub
		)
		SELECT ev.id FROM ev, LATERAL (SELECT pg_notify('` + eventsChannel + `', '')) n`

// eventsChannel is the NOTIFY channel that wakes every process's listener.
const eventsChannel = "trcr_events"
