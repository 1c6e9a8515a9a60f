package store

import (
	"sync"
	"time"
)

// DefaultAuthCacheTTL is how long the server trusts what it read about who a request is (docs/PERFORMANCE.md,
// "Throughput of whole requests"): a removed member, a changed role or a deleted user is refused at most this
// long after the change was committed by another process; in this process, every committed write forgets it all.
const DefaultAuthCacheTTL = 2 * time.Second

// maxAuthCacheEntries bounds the memory of the cache; past it, it starts over.
const maxAuthCacheEntries = 50_000

// authCache remembers, for Config.AuthCacheTTL, that a signed-in user exists and the actor a user was resolved to
// in an organization. An entry is keyed by the user and the organization the request named (empty: the default),
// so it only ever answers the same question for the same user: it cannot hand one user's or tenant's actor to
// another. A zero TTL turns it off.
type authCache struct {
	ttl      time.Duration
	mu       sync.Mutex
	users    map[string]time.Time
	actors   map[actorKey]cachedActor
	profiles map[string]cachedProfile
	// tokens holds access tokens whose signature and claims were verified, until they expire. What a token says
	// never changes, so no write forgets them; the key is the whole token, so only the same token finds its entry.
	tokens map[string]verifiedToken
}

type cachedProfile struct {
	user  User
	until time.Time
}

type verifiedToken struct {
	userID string
	expiry time.Time
}

type actorKey struct{ userID, orgID string }

type cachedActor struct {
	actor Actor
	until time.Time
}

func (c *authCache) userExists(userID string, now time.Time) bool {
	if c.ttl <= 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.users[userID]
	return ok && now.Before(until)
}

func (c *authCache) rememberUser(userID string, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.users == nil || len(c.users) >= maxAuthCacheEntries {
		c.users = map[string]time.Time{}
	}
	c.users[userID] = now.Add(c.ttl)
}

func (c *authCache) actor(userID, orgID string, now time.Time) (Actor, bool) {
	if c.ttl <= 0 {
		return Actor{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.actors[actorKey{userID, orgID}]
	if !ok || !now.Before(e.until) {
		return Actor{}, false
	}
	return e.actor, true
}

func (c *authCache) rememberActor(orgID string, a Actor, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	a.IP = ""
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.actors == nil || len(c.actors) >= maxAuthCacheEntries {
		c.actors = map[actorKey]cachedActor{}
	}
	c.actors[actorKey{a.UserID, orgID}] = cachedActor{actor: a, until: now.Add(c.ttl)}
}

// profile is a user's own row as User reads it, for the TTL (GET /users/me, and every page's signed-in user).
func (c *authCache) profile(userID string, now time.Time) (User, bool) {
	if c.ttl <= 0 {
		return User{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.profiles[userID]
	if !ok || !now.Before(e.until) {
		return User{}, false
	}
	return e.user, true
}

func (c *authCache) rememberProfile(u User, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.profiles == nil || len(c.profiles) >= maxAuthCacheEntries {
		c.profiles = map[string]cachedProfile{}
	}
	c.profiles[u.ID] = cachedProfile{user: u, until: now.Add(c.ttl)}
}

// token is the subject of an access token verified before, while the token has not expired.
func (c *authCache) token(token string, now time.Time) (string, bool) {
	if c.ttl <= 0 {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.tokens[token]
	if !ok || !now.Before(e.expiry) {
		return "", false
	}
	return e.userID, true
}

func (c *authCache) rememberToken(token, userID string, expiry time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokens == nil || len(c.tokens) >= maxAuthCacheEntries {
		c.tokens = map[string]verifiedToken{}
	}
	c.tokens[token] = verifiedToken{userID: userID, expiry: expiry}
}

// forget drops everything: a write of this process may have changed a membership, a role or a user, and finding
// out which would cost more than reading them again.
func (c *authCache) forget() {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.users)
	clear(c.actors)
	clear(c.profiles)
}
