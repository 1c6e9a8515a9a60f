package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/trcr/trcr/store"
)

// uploadLoose uploads a file attached to nothing yet, as a composer does before posting.
func (f fileFixture) uploadLoose(t *testing.T, a store.Actor, name, typ string, data []byte) store.Attachment {
	t.Helper()
	att, err := f.s.UploadAttachment(context.Background(), a, store.AttachmentUpload{Filename: name, ContentType: typ, Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return att
}

func (f fileFixture) privateChannel(t *testing.T) store.ChatChannel {
	t.Helper()
	name, private := "launch", true
	c, err := f.s.CreateChatChannel(context.Background(), f.owner, store.ChannelInput{Name: &name, IsPrivate: &private})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPostFiles_AMessageFileIsSeenByWhoSeesItsChannel(t *testing.T) {
	t.Parallel()
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	ch := f.privateChannel(t)
	file := f.uploadLoose(t, f.owner, "plan.png", "image/png", pngFile(t, 30, 20))
	m, err := f.s.PostChatMessage(ctx, f.owner, ch.ID, store.MessageInput{Content: "the plan", AttachmentIDs: []string{file.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ID != file.ID || m.Attachments[0].URL == nil || m.Attachments[0].ThumbnailURL == nil {
		t.Fatalf("posted message's files = %+v", m.Attachments)
	}
	page, err := f.s.ChatMessages(ctx, f.owner, ch.ID, store.ChatCursor{})
	if err != nil || len(page.Messages) != 1 || len(page.Messages[0].Attachments) != 1 {
		t.Fatalf("the channel's page: %+v, %v", page.Messages, err)
	}

	// The member is not in the private channel: the file's link, ticket and content are not found for them.
	if _, err := f.s.AttachmentURL(ctx, f.member, file.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("non-member's link: %v, want not found", err)
	}
	if _, err := f.s.IssueViewTicket(ctx, f.member, file.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("non-member's ticket: %v, want not found", err)
	}
	anyFile, err := f.s.IssueViewTicket(ctx, f.member, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AttachmentContentURL(ctx, store.ContentCredentials{Ticket: anyFile.Ticket}, file.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("non-member's content: %v, want not found", err)
	}
	if _, err := f.s.AttachmentURL(ctx, f.owner, file.ID); err != nil {
		t.Errorf("channel member's link: %v", err)
	}

	// Once the member joins, they see it.
	members := []string{f.owner.UserID, f.member.UserID}
	if _, err := f.s.UpdateChatChannel(ctx, f.owner, ch.ID, store.ChannelInput{MemberIDs: &members}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AttachmentURL(ctx, f.member, file.ID); err != nil {
		t.Errorf("new channel member's link: %v", err)
	}
}

func TestPostFiles_ACommentFileFollowsItsTasksProject(t *testing.T) {
	t.Parallel()
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	file := f.uploadLoose(t, f.member, "notes.txt", "text/plain", []byte("minutes\n"))
	// Before it is posted, the file is its uploader's alone (and the owner's, who manages every file).
	outsider := registerActor(t, f.s, f.db, "outsider@example.com", f.owner.OrgID, "member")
	if _, err := f.s.AttachmentURL(ctx, outsider, file.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("someone else's unposted file: %v, want not found", err)
	}
	c, err := f.s.AddComment(ctx, f.member, f.task, "", file.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Attachments) != 1 || c.Attachments[0].CommentID == nil || *c.Attachments[0].CommentID != c.ID {
		t.Fatalf("comment's files = %+v", c.Attachments)
	}
	comments, err := f.s.Comments(ctx, f.owner, f.task)
	if err != nil || len(comments) != 1 || len(comments[0].Attachments) != 1 {
		t.Fatalf("comments = %+v, %v", comments, err)
	}
	// The task's own list does not repeat the comment's files.
	if own, err := f.s.TaskAttachments(ctx, f.owner, f.task); err != nil || len(own) != 0 {
		t.Errorf("task's own files = %+v, %v", own, err)
	}
	// Not on the task's project: not found.
	if _, err := f.s.AttachmentURL(ctx, outsider, file.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("outsider's link to a comment file: %v, want not found", err)
	}
	if _, err := f.s.AttachmentURL(ctx, f.owner, file.ID); err != nil {
		t.Errorf("owner's link: %v", err)
	}
}

func TestPostFiles_OnlyOnesOwnUnpostedFilesCanBeAttached(t *testing.T) {
	t.Parallel()
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	mine := f.uploadLoose(t, f.member, "a.txt", "text/plain", []byte("a\n"))
	theirs := f.uploadLoose(t, f.owner, "b.txt", "text/plain", []byte("b\n"))
	onTask := f.upload(t, f.member, "c.txt", "text/plain", []byte("c\n"))
	for name, ids := range map[string][]string{
		"someone else's": {theirs.ID},
		"a task's":       {onTask.ID},
		"not a file":     {"00000000-0000-0000-0000-000000000000"},
		"not an id":      {"nope"},
		"one bad of two": {mine.ID, theirs.ID},
	} {
		if _, err := f.s.AddComment(ctx, f.member, f.task, "see", ids...); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	var comments int
	f.db.Get(&comments, `SELECT count(*) FROM task_comments`)
	if comments != 0 {
		t.Fatalf("%d comments written by refused posts", comments)
	}
	if _, err := f.s.AddComment(ctx, f.member, f.task, "", mine.ID); err != nil {
		t.Fatal(err)
	}
	// Posted once, a file cannot be posted again.
	if _, err := f.s.AddComment(ctx, f.member, f.task, "again", mine.ID); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("posting a posted file again: %v, want invalid", err)
	}
}

func TestPostFiles_DeletingTheCommentOrMessageSweepsItsFiles(t *testing.T) {
	t.Parallel()
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	img := f.uploadLoose(t, f.owner, "shot.png", "image/png", pngFile(t, 40, 40))
	doc := f.uploadLoose(t, f.owner, "notes.txt", "text/plain", []byte("notes\n"))
	c, err := f.s.AddComment(ctx, f.owner, f.task, "screenshot", img.ID)
	if err != nil {
		t.Fatal(err)
	}
	ch := f.privateChannel(t)
	m, err := f.s.PostChatMessage(ctx, f.owner, ch.ID, store.MessageInput{Content: "notes", AttachmentIDs: []string{doc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	imgKey, thumb := f.keys(t, img.ID)
	docKey, _ := f.keys(t, doc.ID)

	if err := f.s.DeleteComment(ctx, f.owner, f.task, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteChatMessage(ctx, f.owner, ch.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	var rows int
	f.db.Get(&rows, `SELECT count(*) FROM attachments`)
	if rows != 0 {
		t.Errorf("%d file rows left after their comment and message went", rows)
	}
	if n, err := f.s.SweepBlobs(ctx); err != nil || n != 3 {
		t.Fatalf("swept %d, %v; want 3", n, err)
	}
	for _, k := range []string{imgKey, *thumb, docKey} {
		if _, ok := stored(t, local, k); ok {
			t.Errorf("%s still stored after the sweep", k)
		}
	}
}

func TestPostFiles_EventsCarryTheFilesWithoutLinks(t *testing.T) {
	t.Parallel()
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	file := f.uploadLoose(t, f.owner, "notes.txt", "text/plain", []byte("notes\n"))
	c, err := f.s.AddComment(ctx, f.owner, f.task, "notes", file.ID)
	if err != nil {
		t.Fatal(err)
	}
	var data string
	if err := f.db.Get(&data, `SELECT data::text FROM events WHERE type = 'comment.created' AND entity_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains([]byte(data), []byte(`"attachments": [{"id": "`+file.ID)) || !bytes.Contains([]byte(data), []byte(`"url": null`)) {
		t.Errorf("comment.created data = %s; want its file without links", data)
	}
}
