package api_test

import (
	"strings"
	"testing"
)

func TestMilestones(t *testing.T) {
	t.Parallel()
	w := newTDWorld(t, "Milestone")
	e := w.env
	base := "/organizations/" + w.org
	list := base + "/projects/" + w.project + "/milestones"
	// Milestone routes name the organization in the path; no X-Organization-ID is sent.
	as := func(u user, method, path string, body any) req {
		return req{method: method, path: path, token: u.token, body: body}
	}

	beta := e.must(201, as(w.manager, "POST", list, map[string]any{
		"title": "Public beta", "target_date": "2026-07-01", "color": "#22c55e", "description": "optional",
	}))
	if beta.str("organization_id") != w.org || beta.str("project_id") != w.project || beta.str("title") != "Public beta" ||
		beta.str("target_date") != "2026-07-01" || beta.str("color") != "#22c55e" || beta.str("description") != "optional" ||
		beta.str("id") == "" || beta.str("created_at") == "" || beta.str("updated_at") == "" {
		t.Fatalf("created: %s", beta.raw)
	}
	kickoff := e.must(201, as(w.owner, "POST", list, map[string]any{"title": "Kickoff", "target_date": "2026-03-02"}))
	if kickoff.str("color") != "#6366f1" || kickoff.json["description"] != nil {
		t.Fatalf("defaults: %s", kickoff.raw)
	}
	e.must(201, as(w.manager, "POST", list, map[string]any{"title": "Launch", "target_date": "2026-09-15", "description": nil}))

	t.Run("list by target date", func(t *testing.T) {
		got := e.must(200, as(w.member, "GET", list, nil)).data()
		if len(got) != 3 || got[0]["title"] != "Kickoff" || got[1]["title"] != "Public beta" || got[2]["title"] != "Launch" {
			t.Fatalf("list: %v", got)
		}
		e.must(404, as(w.outsider, "GET", list, nil))
		e.must(401, req{method: "GET", path: list})
		// A stranger naming our organization is not a member of it; naming theirs, our project is not there.
		e.must(404, as(w.stranger, "GET", list, nil))
		e.must(404, as(w.stranger, "GET", "/organizations/"+w.otherOrg+"/projects/"+w.project+"/milestones", nil))
		e.must(404, as(w.owner, "GET", "/organizations/"+otherOrgID+"/projects/"+w.project+"/milestones", nil))
		e.must(404, as(w.owner, "GET", "/organizations/not-a-uuid/projects/"+w.project+"/milestones", nil))
		for _, id := range []string{"not-a-uuid", "11111111-1111-4111-8111-111111111111", w.strangerProject} {
			e.must(404, as(w.owner, "GET", base+"/projects/"+id+"/milestones", nil))
		}
		e.must(404, as(w.member, "GET", base+"/projects/"+w.hiddenProject+"/milestones", nil))
		if got := e.must(200, as(w.owner, "GET", base+"/projects/"+w.hiddenProject+"/milestones", nil)).data(); len(got) != 0 {
			t.Fatalf("hidden project: %v", got)
		}
	})
	t.Run("create refusals", func(t *testing.T) {
		before := w.count(`SELECT count(*) FROM milestones`)
		for _, c := range []struct {
			body map[string]any
			msg  string
		}{
			{map[string]any{"target_date": "2026-07-01"}, "title is required"},
			{map[string]any{"title": "  ", "target_date": "2026-07-01"}, "title is required"},
			{map[string]any{"title": strings.Repeat("m", 256), "target_date": "2026-07-01"}, "title must be at most 255 characters"},
			{map[string]any{"title": "No date"}, "target_date is required"},
			{map[string]any{"title": "Bad date", "target_date": "07/01/2026"}, "target_date must be a date (YYYY-MM-DD)"},
			{map[string]any{"title": "Bad date", "target_date": "2026-02-30"}, "target_date must be a date (YYYY-MM-DD)"},
			{map[string]any{"title": "Bad color", "target_date": "2026-07-01", "color": "green"}, "color must be a hex color such as #6366f1"},
			{map[string]any{"title": "Bad color", "target_date": "2026-07-01", "color": "#12345"}, "color must be a hex color such as #6366f1"},
		} {
			e.run(scenario{req: as(w.manager, "POST", list, c.body), status: 400, message: c.msg})
		}
		e.must(400, as(w.manager, "POST", list, map[string]any{"title": 5, "target_date": "2026-07-01"}))
		ok := map[string]any{"title": "Sneaky", "target_date": "2026-07-01"}
		e.must(403, as(w.member, "POST", list, ok))
		e.must(404, as(w.outsider, "POST", list, ok))
		e.must(404, as(w.stranger, "POST", list, ok))
		e.must(401, req{method: "POST", path: list, body: ok})
		e.must(404, as(w.owner, "POST", base+"/projects/"+w.strangerProject+"/milestones", ok))
		e.must(404, as(w.owner, "POST", base+"/projects/not-a-uuid/milestones", ok))
		if n := w.count(`SELECT count(*) FROM milestones`); n != before {
			t.Fatalf("refused creates stored milestones: %d → %d", before, n)
		}
	})

	one := base + "/milestones/" + beta.str("id")
	t.Run("read one", func(t *testing.T) {
		if r := e.must(200, as(w.member, "GET", one, nil)); r.str("id") != beta.str("id") || r.str("description") != "optional" {
			t.Fatalf("read: %s", r.raw)
		}
		e.must(404, as(w.outsider, "GET", one, nil))
		e.must(404, as(w.stranger, "GET", one, nil))
		e.must(404, as(w.stranger, "GET", "/organizations/"+w.otherOrg+"/milestones/"+beta.str("id"), nil))
		e.must(401, req{method: "GET", path: one})
		foreign := e.must(201, as(w.stranger, "POST", "/organizations/"+w.otherOrg+"/projects/"+w.strangerProject+"/milestones",
			map[string]any{"title": "Theirs", "target_date": "2026-01-01"})).str("id")
		for _, id := range []string{"not-a-uuid", "11111111-1111-4111-8111-111111111111", foreign} {
			e.must(404, as(w.owner, "GET", base+"/milestones/"+id, nil))
			e.must(404, as(w.owner, "PUT", base+"/milestones/"+id, map[string]any{"title": "x"}))
			e.must(404, as(w.owner, "DELETE", base+"/milestones/"+id, nil))
		}
	})
	t.Run("update changes only given fields", func(t *testing.T) {
		r := e.must(200, as(w.manager, "PUT", one, map[string]any{"title": "Public beta launch", "target_date": "2026-07-08"}))
		if r.str("title") != "Public beta launch" || r.str("target_date") != "2026-07-08" || r.str("color") != "#22c55e" || r.str("description") != "optional" {
			t.Fatalf("update: %s", r.raw)
		}
		r = e.must(200, as(w.owner, "PUT", one, map[string]any{"description": nil, "color": "#ABC"}))
		if r.json["description"] != nil || r.str("color") != "#aabbcc" || r.str("title") != "Public beta launch" {
			t.Fatalf("clear description: %s", r.raw)
		}
		r = e.must(200, as(w.manager, "PUT", one, map[string]any{"description": "Invite-only"}))
		if r.str("description") != "Invite-only" {
			t.Fatalf("set description: %s", r.raw)
		}
		e.runAll([]scenario{
			{req: as(w.manager, "PUT", one, map[string]any{"title": ""}), status: 400, message: "title is required"},
			{req: as(w.manager, "PUT", one, map[string]any{"target_date": "soon"}), status: 400, message: "target_date must be a date (YYYY-MM-DD)"},
			{req: as(w.manager, "PUT", one, map[string]any{"color": "red"}), status: 400, message: "color must be a hex color such as #6366f1"},
		})
		e.must(400, as(w.manager, "PUT", one, map[string]any{"description": 3}))
		e.must(403, as(w.member, "PUT", one, map[string]any{"title": "Mine"}))
		e.must(404, as(w.outsider, "PUT", one, map[string]any{"title": "Mine"}))
		e.must(404, as(w.stranger, "PUT", one, map[string]any{"title": "Mine"}))
		e.must(401, req{method: "PUT", path: one, body: map[string]any{"title": "Mine"}})
		if r := e.must(200, as(w.member, "GET", one, nil)); r.str("title") != "Public beta launch" || r.str("description") != "Invite-only" {
			t.Fatalf("refused updates changed it: %s", r.raw)
		}
		// Moving it before the kickoff reorders the list.
		e.must(200, as(w.manager, "PUT", one, map[string]any{"target_date": "2026-01-15"}))
		if got := e.must(200, as(w.member, "GET", list, nil)).data(); got[0]["id"] != beta.str("id") {
			t.Fatalf("reordered list: %v", got)
		}
	})
	t.Run("delete", func(t *testing.T) {
		e.must(403, as(w.member, "DELETE", one, nil))
		e.must(404, as(w.outsider, "DELETE", one, nil))
		e.must(404, as(w.stranger, "DELETE", one, nil))
		e.must(401, req{method: "DELETE", path: one})
		e.must(200, as(w.member, "GET", one, nil))
		e.must(204, as(w.manager, "DELETE", one, nil))
		e.must(404, as(w.member, "GET", one, nil))
		e.must(404, as(w.manager, "DELETE", one, nil))
	})
	// In our organization: 3 created, 4 updated, 1 deleted.
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'milestone' AND organization_id = $1`, w.org); n != 8 {
		t.Fatalf("%d milestone audit entries, want 8", n)
	}
}
