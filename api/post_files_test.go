package api_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// uploadLoose uploads a file attached to nothing yet (no task_id), as a composer does before posting, into org.
func (w *fileWorld) uploadLoose(want int, u user, org, filename, declared string, data []byte) resp {
	w.t.Helper()
	ct, body := multipartBody(w.t, "file", filename, declared, data)
	return w.must(want, req{method: "POST", path: "/files/upload", token: u.token, org: org, body: body, contentType: ct})
}

func TestPostFiles_CommentsAndMessagesCarryTheirFiles(t *testing.T) {
	t.Parallel()
	w := newFileWorld(t)
	img := pngImage(t, 64, 48)

	// A comment with a file: the answer, the task's comments and the event carry it; the task's own list does not.
	shot := w.uploadLoose(201, w.member, w.org, "shot.png", "image/png", img)
	if shot.json["task_id"] != nil || shot.json["comment_id"] != nil || shot.json["message_id"] != nil {
		t.Fatalf("a loose file: %s", shot.raw)
	}
	c := w.run(scenario{name: "comment with a file", req: req{method: "POST", path: "/tasks/" + w.task + "/comments", token: w.member.token,
		org: w.org, body: map[string]any{"body": "the new header", "attachment_ids": []string{shot.str("id")}}},
		status: 201, contains: []string{`"attachments":[{"id":"` + shot.str("id") + `"`, `"comment_id":"`}})
	l := w.must(200, req{method: "GET", path: "/tasks/" + w.task + "/comments", token: w.owner.token, org: w.org}).data()
	if files, _ := l[0]["attachments"].([]any); len(files) != 1 || files[0].(map[string]any)["thumbnail_url"] == nil {
		t.Fatalf("comments: %v", l)
	}
	if own := w.must(200, req{method: "GET", path: "/tasks/" + w.task + "/attachments", token: w.owner.token, org: w.org}).data(); len(own) != 0 {
		t.Fatalf("the task's own files list the comment's: %v", own)
	}
	// The comment's file follows the task's project: the outsider does not see it.
	w.must(404, req{method: "GET", path: "/files/" + shot.str("id") + "/url", token: w.outsider.token, org: w.org})
	w.must(200, req{method: "GET", path: "/files/" + shot.str("id") + "/url", token: w.manager.token, org: w.org})

	// A message with a file in a private channel of the owner and the manager.
	private := w.must(201, req{method: "POST", path: "/chat/channels", token: w.owner.token, org: w.org,
		body: map[string]any{"name": "leads", "is_private": true, "member_ids": []string{w.manager.id}}}).str("id")
	doc := w.uploadLoose(201, w.manager, w.org, "plan.txt", "text/plain", []byte("the plan\n"))
	m := w.run(scenario{name: "message with a file", req: req{method: "POST", path: "/chat/channels/" + private + "/messages",
		token: w.manager.token, org: w.org, body: map[string]any{"content": "", "attachment_ids": []string{doc.str("id")}}},
		status: 201, contains: []string{`"attachments":[{"id":"` + doc.str("id") + `"`}})
	page := w.must(200, req{method: "GET", path: "/chat/channels/" + private + "/messages", token: w.owner.token, org: w.org}).data()
	if files, _ := page[0]["attachments"].([]any); len(files) != 1 {
		t.Fatalf("messages: %v", page)
	}
	file := doc.str("id")
	w.runAll([]scenario{
		{name: "not a member of the private channel: url", req: req{method: "GET", path: "/files/" + file + "/url", token: w.member.token, org: w.org}, status: 404, code: "not_found"},
		{name: "not a member: ticket", req: req{method: "POST", path: "/files/view-ticket", token: w.member.token, org: w.org, body: map[string]string{"file_id": file}}, status: 404, code: "not_found"},
		{name: "not a member: content", req: req{method: "GET", path: "/files/" + file + "/content", token: w.member.token}, status: 404, code: "not_found"},
		{name: "another organization: url", req: req{method: "GET", path: "/files/" + file + "/url", token: w.stranger.token, org: w.otherOrg}, status: 404, code: "not_found"},
		{name: "another organization: content", req: req{method: "GET", path: "/files/" + file + "/content", token: w.stranger.token}, status: 404, code: "not_found"},
		{name: "a channel member: url", req: req{method: "GET", path: "/files/" + file + "/url", token: w.owner.token, org: w.org}, status: 200},
		{name: "a channel member: content", req: req{method: "GET", path: "/files/" + file + "/content", token: w.owner.token}, status: 307},
	})

	// Deleting the comment and the message removes their files; the sweep removes the stored objects.
	w.must(204, req{method: "DELETE", path: "/tasks/" + w.task + "/comments/" + c.str("id"), token: w.member.token, org: w.org})
	w.must(204, req{method: "DELETE", path: "/chat/channels/" + private + "/messages/" + m.str("id"), token: w.manager.token, org: w.org})
	w.must(404, req{method: "GET", path: "/files/" + shot.str("id") + "/url", token: w.owner.token, org: w.org})
	w.must(404, req{method: "GET", path: "/files/" + file + "/url", token: w.owner.token, org: w.org})
	if n, err := w.store.SweepBlobs(context.Background()); err != nil || n != 3 {
		t.Fatalf("sweep removed %d objects (%v), want the image, its thumbnail and the text", n, err)
	}
}

func TestPostFiles_Refusals(t *testing.T) {
	t.Parallel()
	w := newFileWorld(t, withFileLimits(256<<10, 400<<10))
	text := []byte("notes\n")
	mine := w.uploadLoose(201, w.member, w.org, "mine.txt", "text/plain", text).str("id")
	owners := w.uploadLoose(201, w.owner, w.org, "owners.txt", "text/plain", text).str("id")
	theirs := w.uploadLoose(201, w.stranger, w.otherOrg, "theirs.txt", "text/plain", text).str("id")
	general := w.must(201, req{method: "POST", path: "/chat/channels", token: w.owner.token, org: w.org, body: map[string]any{"name": "general"}}).str("id")
	private := w.must(201, req{method: "POST", path: "/chat/channels", token: w.owner.token, org: w.org,
		body: map[string]any{"name": "leads", "is_private": true}}).str("id")
	theirChannel := w.must(201, req{method: "POST", path: "/chat/channels", token: w.stranger.token, org: w.otherOrg,
		body: map[string]any{"name": "theirs"}}).str("id")
	upload := func(name, declared string, data []byte) req {
		ct, body := multipartBody(t, "file", name, declared, data)
		return req{method: "POST", path: "/files/upload", token: w.member.token, org: w.org, body: body, contentType: ct}
	}
	comment := func(ids ...string) req {
		return req{method: "POST", path: "/tasks/" + w.task + "/comments", token: w.member.token, org: w.org,
			body: map[string]any{"body": "see", "attachment_ids": ids}}
	}
	message := func(channel string, ids ...string) req {
		return req{method: "POST", path: "/chat/channels/" + channel + "/messages", token: w.member.token, org: w.org,
			body: map[string]any{"content": "see", "attachment_ids": ids}}
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
	}
	w.runAll([]scenario{
		{name: "too large", req: upload("big.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 300<<10)...)), status: 413, code: "payload_too_large"},
		{name: "declared type does not match", req: upload("x.pdf", "application/pdf", pngImage(t, 8, 8)), status: 415, code: "unsupported_media_type"},
		{name: "someone else's file on a comment", req: comment(owners), status: 400, code: "validation_failed", field: "attachment_ids"},
		{name: "another organization's file on a comment", req: comment(theirs), status: 400, code: "validation_failed", field: "attachment_ids"},
		{name: "not an id", req: comment("nope"), status: 400, code: "validation_failed", field: "attachment_ids"},
		{name: "attachment_ids of the wrong type", req: req{method: "POST", path: "/tasks/" + w.task + "/comments", token: w.member.token,
			org: w.org, body: `{"body": "x", "attachment_ids": "x"}`}, status: 400, code: "invalid_body"},
		{name: "more than ten files", req: comment(eleven...), status: 400, code: "validation_failed", field: "attachment_ids"},
		{name: "someone else's file on a message", req: message(general, owners), status: 400, code: "validation_failed", field: "attachment_ids"},
		{name: "not a member of the private channel", req: message(private, mine), status: 404, code: "not_found"},
		{name: "another organization's channel", req: message(theirChannel, mine), status: 404, code: "not_found"},
		{name: "another organization's task", req: req{method: "POST", path: "/tasks/" + w.theirTask + "/comments", token: w.member.token,
			org: w.org, body: map[string]any{"body": "x", "attachment_ids": []string{mine}}}, status: 404, code: "not_found"},
		{name: "a project the user is not on", req: req{method: "POST", path: "/tasks/" + w.task + "/comments", token: w.outsider.token,
			org: w.org, body: map[string]any{"body": "x", "attachment_ids": []string{mine}}}, status: 404, code: "not_found"},
	})
	// Nothing was posted or attached.
	if n := w.count(`SELECT count(*) FROM attachments WHERE task_id IS NOT NULL OR message_id IS NOT NULL OR comment_id IS NOT NULL`); n != 0 {
		t.Fatalf("%d files attached by refused posts", n)
	}
	if n := w.count(`SELECT count(*) FROM task_comments`) + w.count(`SELECT count(*) FROM chat_messages`); n != 0 {
		t.Fatalf("%d comments and messages written by refused posts", n)
	}
	w.run(scenario{name: "past the quota", req: upload("a.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("1"), 250<<10)...)), status: 201})
	w.run(scenario{name: "past the quota", req: upload("b.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("2"), 200<<10)...)), status: 507, code: "insufficient_storage"})
	// The member's own file goes on a message of a public channel.
	w.run(scenario{name: "happy path", req: message(general, mine), status: 201, contains: []string{`"attachments":[{"id":"` + mine + `"`}})
}
