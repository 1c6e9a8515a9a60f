package store

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trcr/trcr/store/vocab"
)

// What GitHub, GitLab and Gitea send, made common: the kind of event, its branch, its commits and its pull request.
// Only the fields TRCR shows or matches are read; the rest of a payload is dropped.

// GitCommit is a commit an event carries.
type GitCommit struct {
	SHA       string     `json:"sha"`
	Message   string     `json:"message"`
	Author    string     `json:"author"`
	URL       string     `json:"url"`
	Timestamp *time.Time `json:"timestamp"`
}

// GitPullRequest is a pull (merge) request as an event leaves it.
type GitPullRequest struct {
	Number       int    `json:"number"`
	Title        string `json:"title"`
	State        string `json:"state"` // vocab.PullRequestStates
	Merged       bool   `json:"merged"`
	URL          string `json:"url"`
	SourceBranch string `json:"source_branch"`
	TargetBranch string `json:"target_branch"`
	Action       string `json:"action"` // the provider's word for what happened: opened, closed, merge …
	body         string // read for closing words, not kept
	mergedNow    bool   // this event is the merge (not a later edit of a merged pull request)
}

// gitSummary is one event made common.
type gitSummary struct {
	Kind          string          `json:"kind"` // vocab.GitEventKinds
	Branch        string          `json:"branch"`
	BranchCreated bool            `json:"branch_created"` // a push that created its branch (GitLab has no create event)
	Commits       []GitCommit     `json:"commits"`
	PullRequest   *GitPullRequest `json:"pull_request"`
	Sender        string          `json:"sender"`
}

// Bounds of what a summary keeps.
const (
	maxGitCommits       = 100
	maxGitCommitMessage = 4000
	maxGitText          = 500 // titles, branch names, names and URLs
	maxGitBody          = 20000
)

// errIgnoredGitEvent is an event TRCR does not use: a ping, an issue, a tag.
var errIgnoredGitEvent = errors.New("event not used")

// parseGitPayload reads the body of a provider's event of type event (its event header).
func parseGitPayload(provider, event string, body []byte) (gitSummary, error) {
	var sum gitSummary
	var err error
	switch provider {
	case vocab.GitHub, vocab.Gitea:
		sum, err = parseHubPayload(event, body)
	case vocab.GitLab:
		sum, err = parseGitLabPayload(event, body)
	default:
		return sum, errIgnoredGitEvent
	}
	if err != nil {
		return sum, err
	}
	sum.Branch, sum.Sender = clip(sum.Branch, maxGitText), clip(sum.Sender, maxGitText)
	if sum.Commits == nil {
		sum.Commits = []GitCommit{}
	}
	return sum, nil
}

// errMalformedPayload is a verified body that is not the JSON its event type has.
var errMalformedPayload = errors.New("payload is not valid JSON of its event type")

// hubPayload is what GitHub and Gitea send (Gitea copies GitHub's shapes).
type hubPayload struct {
	Ref     string `json:"ref"`
	RefType string `json:"ref_type"`
	Created bool   `json:"created"`
	Deleted bool   `json:"deleted"`
	Commits []struct {
		ID        string     `json:"id"`
		Message   string     `json:"message"`
		URL       string     `json:"url"`
		Timestamp *time.Time `json:"timestamp"`
		Author    struct {
			Name     string `json:"name"`
			Username string `json:"username"`
		} `json:"author"`
	} `json:"commits"`
	Action      string `json:"action"`
	Number      int    `json:"number"`
	PullRequest *struct {
		Number  int    `json:"number"`
		Title   string `json:"title"`
		Body    string `json:"body"`
		State   string `json:"state"`
		Merged  bool   `json:"merged"`
		Draft   bool   `json:"draft"`
		HTMLURL string `json:"html_url"`
		Head    struct {
			Ref string `json:"ref"`
		} `json:"head"`
		Base struct {
			Ref string `json:"ref"`
		} `json:"base"`
	} `json:"pull_request"`
	Sender struct {
		Login    string `json:"login"`
		Username string `json:"username"`
	} `json:"sender"`
}

func parseHubPayload(event string, body []byte) (gitSummary, error) {
	switch event {
	case "push", "pull_request", "create", "delete":
	default:
		return gitSummary{}, errIgnoredGitEvent
	}
	var p hubPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return gitSummary{}, errMalformedPayload
	}
	sum := gitSummary{Sender: firstNonEmpty(p.Sender.Login, p.Sender.Username)}
	switch event {
	case "push":
		if !strings.HasPrefix(p.Ref, "refs/heads/") {
			return sum, errIgnoredGitEvent // a tag
		}
		sum.Kind, sum.Branch = vocab.GitPush, strings.TrimPrefix(p.Ref, "refs/heads/")
		for _, c := range p.Commits {
			sum.addCommit(GitCommit{SHA: c.ID, Message: c.Message, URL: c.URL, Timestamp: c.Timestamp,
				Author: firstNonEmpty(c.Author.Name, c.Author.Username)})
		}
	case "create", "delete":
		if p.RefType != "branch" {
			return sum, errIgnoredGitEvent
		}
		sum.Kind, sum.Branch = vocab.GitBranchCreated, p.Ref
		if event == "delete" {
			sum.Kind = vocab.GitBranchDeleted
		}
	case "pull_request":
		if p.PullRequest == nil {
			return sum, errMalformedPayload
		}
		pr := p.PullRequest
		state := vocab.PullRequestOpen
		switch {
		case pr.Merged:
			state = vocab.PullRequestMerged
		case pr.State == "closed":
			state = vocab.PullRequestClosed
		case pr.Draft:
			state = vocab.PullRequestDraft
		}
		sum.Kind, sum.Branch = vocab.GitPullRequest, pr.Head.Ref
		sum.PullRequest = newPullRequest(GitPullRequest{Number: firstPositive(pr.Number, p.Number), Title: pr.Title,
			State: state, Merged: pr.Merged, URL: pr.HTMLURL, SourceBranch: pr.Head.Ref, TargetBranch: pr.Base.Ref,
			Action: p.Action, body: pr.Body, mergedNow: pr.Merged && p.Action == "closed"})
	}
	return sum, nil
}

// gitLabPayload is what GitLab sends for pushes and merge requests.
type gitLabPayload struct {
	ObjectKind   string `json:"object_kind"`
	Ref          string `json:"ref"`
	Before       string `json:"before"`
	After        string `json:"after"`
	UserUsername string `json:"user_username"`
	UserName     string `json:"user_name"`
	User         struct {
		Username string `json:"username"`
	} `json:"user"`
	Commits []struct {
		ID        string     `json:"id"`
		Message   string     `json:"message"`
		URL       string     `json:"url"`
		Timestamp *time.Time `json:"timestamp"`
		Author    struct {
			Name string `json:"name"`
		} `json:"author"`
	} `json:"commits"`
	ObjectAttributes *struct {
		IID            int    `json:"iid"`
		Title          string `json:"title"`
		Description    string `json:"description"`
		State          string `json:"state"`
		Action         string `json:"action"`
		URL            string `json:"url"`
		SourceBranch   string `json:"source_branch"`
		TargetBranch   string `json:"target_branch"`
		Draft          bool   `json:"draft"`
		WorkInProgress bool   `json:"work_in_progress"`
	} `json:"object_attributes"`
}

// gitLabNoCommit is the sha GitLab gives the side of a push that has none: before, for a new branch; after, for a
// deleted one.
const gitLabNoCommit = "0000000000000000000000000000000000000000"

func parseGitLabPayload(event string, body []byte) (gitSummary, error) {
	switch event {
	case "Push Hook", "Merge Request Hook":
	default:
		return gitSummary{}, errIgnoredGitEvent
	}
	var p gitLabPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return gitSummary{}, errMalformedPayload
	}
	sum := gitSummary{Sender: firstNonEmpty(p.UserUsername, p.User.Username, p.UserName)}
	if event == "Push Hook" {
		if !strings.HasPrefix(p.Ref, "refs/heads/") {
			return sum, errIgnoredGitEvent
		}
		sum.Kind, sum.Branch = vocab.GitPush, strings.TrimPrefix(p.Ref, "refs/heads/")
		switch {
		case p.After == gitLabNoCommit:
			sum.Kind = vocab.GitBranchDeleted
		case p.Before == gitLabNoCommit:
			sum.BranchCreated = true
		}
		for _, c := range p.Commits {
			sum.addCommit(GitCommit{SHA: c.ID, Message: c.Message, URL: c.URL, Timestamp: c.Timestamp, Author: c.Author.Name})
		}
		return sum, nil
	}
	mr := p.ObjectAttributes
	if mr == nil {
		return sum, errMalformedPayload
	}
	state := vocab.PullRequestOpen
	switch {
	case mr.State == "merged":
		state = vocab.PullRequestMerged
	case mr.State == "closed" || mr.State == "locked":
		state = vocab.PullRequestClosed
	case mr.Draft || mr.WorkInProgress:
		state = vocab.PullRequestDraft
	}
	sum.Kind, sum.Branch = vocab.GitPullRequest, mr.SourceBranch
	sum.PullRequest = newPullRequest(GitPullRequest{Number: mr.IID, Title: mr.Title, State: state,
		Merged: state == vocab.PullRequestMerged, URL: mr.URL, SourceBranch: mr.SourceBranch,
		TargetBranch: mr.TargetBranch, Action: mr.Action, body: mr.Description, mergedNow: mr.Action == "merge"})
	return sum, nil
}

func (sum *gitSummary) addCommit(c GitCommit) {
	if len(sum.Commits) >= maxGitCommits {
		return
	}
	c.SHA, c.Author, c.URL = clip(c.SHA, 64), clip(c.Author, maxGitText), clip(c.URL, maxGitText)
	c.Message = clip(c.Message, maxGitCommitMessage)
	sum.Commits = append(sum.Commits, c)
}

func newPullRequest(pr GitPullRequest) *GitPullRequest {
	pr.Title, pr.URL, pr.Action = clip(pr.Title, maxGitText), clip(pr.URL, maxGitText), clip(pr.Action, 50)
	pr.SourceBranch, pr.TargetBranch = clip(pr.SourceBranch, maxGitText), clip(pr.TargetBranch, maxGitText)
	pr.body = clip(pr.body, maxGitBody)
	return &pr
}

// clip cuts s to at most n characters, and drops NUL characters, which PostgreSQL cannot store in text.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstPositive(ns ...int) int {
	for _, n := range ns {
		if n > 0 {
			return n
		}
	}
	return 0
}
