package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/trcr/trcr/store/vocab"
)

func TestMentions_FindReferencesAndIDsOnWordBoundaries(t *testing.T) {
	id := "3f2a1c4e-abcd-4123-a0b1-c2d3e4f5a6b7"
	m := newMentions()
	m.scan("feature/trc-12-login", linkOnly)
	m.scan("TRC-3, TRC-4; (OPS-7) and XTRC-5x and 2TRC-6 and TRC-0 and TRC-7abc "+strings.ToUpper(id), linkOnly)
	m.scan("TRC-12 again", linkOnly)
	var refs []string
	for _, r := range m.refs {
		refs = append(refs, r.String())
	}
	// abcd-4123 inside the id is not a reference; XTRC-5x, 2TRC-6 and TRC-7abc touch other letters or digits; 0 is no number.
	if strings.Join(refs, ",") != "TRC-12,TRC-3,TRC-4,OPS-7" || !slices.Equal(m.ids, []string{id}) {
		t.Fatalf("refs %v, ids %v", refs, m.ids)
	}
}

func TestMentions_ClosingWords(t *testing.T) {
	m := newMentions()
	m.scan("Login form for TRC-1", linkClosable)
	m.scan("Fixes TRC-1. closes: TRC-2, Resolved TRC-3\nAlso TRC-4, prefixes TRC-5", closingOnly)
	var refs []string
	for _, r := range m.refs {
		refs = append(refs, r.String())
	}
	if strings.Join(refs, ",") != "TRC-1,TRC-2,TRC-3" {
		t.Fatalf("linked %v: a description links only what it closes", refs)
	}
	for ref, closing := range map[string]bool{"TRC-1": true, "TRC-2": true, "TRC-3": true, "TRC-4": false, "TRC-5": false} {
		if m.closing[ref] != closing {
			t.Errorf("%s closing %v", ref, m.closing[ref])
		}
	}
	title := newMentions()
	title.scan("Fix TRC-9 crash", linkOnly) // a commit message: no closing
	if title.closing["TRC-9"] {
		t.Fatal("a commit message closed a task")
	}
}

func TestParseGitPayload_StatesAndKinds(t *testing.T) {
	for _, c := range []struct {
		provider, event, body string
		kind, branch, state   string
		created, mergedNow    bool
	}{
		{"github", "pull_request", `{"action":"opened","number":5,"pull_request":{"title":"x","state":"open","draft":true,"head":{"ref":"b"}}}`, vocab.GitPullRequest, "b", vocab.PullRequestDraft, false, false},
		{"github", "pull_request", `{"action":"closed","pull_request":{"number":5,"state":"closed","merged":false}}`, vocab.GitPullRequest, "", vocab.PullRequestClosed, false, false},
		{"github", "pull_request", `{"action":"edited","pull_request":{"number":5,"state":"closed","merged":true}}`, vocab.GitPullRequest, "", vocab.PullRequestMerged, false, false},
		{"gitea", "pull_request", `{"action":"closed","pull_request":{"number":5,"state":"closed","merged":true}}`, vocab.GitPullRequest, "", vocab.PullRequestMerged, false, true},
		{"github", "create", `{"ref":"feature/x","ref_type":"branch"}`, vocab.GitBranchCreated, "feature/x", "", false, false},
		{"gitea", "delete", `{"ref":"feature/x","ref_type":"branch"}`, vocab.GitBranchDeleted, "feature/x", "", false, false},
		{"gitlab", "Push Hook", `{"ref":"refs/heads/x","before":"` + gitLabNoCommit + `","after":"abc"}`, vocab.GitPush, "x", "", true, false},
		{"gitlab", "Push Hook", `{"ref":"refs/heads/x","before":"abc","after":"` + gitLabNoCommit + `"}`, vocab.GitBranchDeleted, "x", "", false, false},
		{"gitlab", "Merge Request Hook", `{"object_attributes":{"iid":3,"state":"opened","action":"open","draft":true,"source_branch":"s"}}`, vocab.GitPullRequest, "s", vocab.PullRequestDraft, false, false},
		{"gitlab", "Merge Request Hook", `{"object_attributes":{"iid":3,"state":"merged","action":"merge"}}`, vocab.GitPullRequest, "", vocab.PullRequestMerged, false, true},
	} {
		sum, err := parseGitPayload(c.provider, c.event, []byte(c.body))
		if err != nil {
			t.Fatalf("%s %s: %v", c.provider, c.body, err)
		}
		state, mergedNow := "", false
		if sum.PullRequest != nil {
			state, mergedNow = sum.PullRequest.State, sum.PullRequest.mergedNow
		}
		if sum.Kind != c.kind || sum.Branch != c.branch || state != c.state || sum.BranchCreated != c.created || mergedNow != c.mergedNow {
			t.Errorf("%s %s: %+v (pr state %q, merged now %v)", c.provider, c.body, sum, state, mergedNow)
		}
	}
	for _, c := range []struct{ provider, event, body string }{
		{"github", "ping", `{}`}, {"github", "issues", `{}`}, {"github", "push", `{"ref":"refs/tags/v1"}`},
		{"github", "create", `{"ref":"v1","ref_type":"tag"}`}, {"gitlab", "Tag Push Hook", `{}`}, {"gitlab", "Note Hook", `{}`},
	} {
		if _, err := parseGitPayload(c.provider, c.event, []byte(c.body)); err != errIgnoredGitEvent {
			t.Errorf("%s %s: %v, want ignored", c.provider, c.event, err)
		}
	}
	if _, err := parseGitPayload("github", "push", []byte(`{"ref": 5}`)); err != errMalformedPayload {
		t.Errorf("malformed: %v", err)
	}
	sum, _ := parseGitPayload("github", "push", []byte(`{"ref":"refs/heads/a\u0000b","commits":[{"id":"1","message":"x\u0000y"}]}`))
	if sum.Branch != "ab" || sum.Commits[0].Message != "xy" {
		t.Errorf("NUL characters kept: %+v", sum)
	}
}

func TestVerifyGitHook_ConstantTimeChecksPerProvider(t *testing.T) {
	body := []byte(`{"a":1}`)
	sig := "5f0d8c4b2a1bb5e3b9bd62f8f7e0d3c2ac5b6bb31d2c1cf7b6cc3e0b2c5cdd71"
	h := func(kv ...string) func(string) string {
		return func(name string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == name {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	if err := verifyGitHook(vocab.GitHub, "s", h("X-Hub-Signature-256", "sha256="+sig), body); err == nil {
		t.Fatal("a made-up signature passed")
	}
	if err := verifyGitHook(vocab.GitHub, "s", h("X-Hub-Signature-256", "sha256=zz"), body); err == nil {
		t.Fatal("a signature that is not hex passed")
	}
	if err := verifyGitHook(vocab.GitLab, "secret", h("X-Gitlab-Token", "secret"), body); err != nil {
		t.Fatalf("gitlab token: %v", err)
	}
	if err := verifyGitHook(vocab.GitLab, "secret", h("X-Gitlab-Token", "secre"), body); err == nil {
		t.Fatal("a shorter token passed")
	}
}
