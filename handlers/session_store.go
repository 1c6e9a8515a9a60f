package handlers

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// maxQuietSessions bounds the sessions QuietSessionStore remembers; past it, it starts over (and writes each
// session once more).
const maxQuietSessions = 100_000

// QuietSessionStore wraps a session store so that a page view which changed nothing in its session does not write
// it. With an idle timeout, scs commits every session on every request to push its expiry forward: one write (and
// a WAL flush) per page view. This store passes that commit through only when the data differs from what the
// store holds as far as this process knows (read or written here), or when this process has not written the session
// for refresh: the idle timeout then counts from at most refresh before the last request. Data changes are always
// written.
func QuietSessionStore(inner scs.Store, refresh time.Duration) scs.Store {
	return &quietSessionStore{inner: inner, refresh: refresh, now: time.Now, seen: map[string]quietSession{}}
}

type quietSessionStore struct {
	inner   scs.Store
	refresh time.Duration
	now     func() time.Time
	mu      sync.Mutex
	seen    map[string]quietSession
}

type quietSession struct {
	sum     [sha256.Size]byte
	written time.Time // when this process last wrote it; zero when it only read it
}

func (q *quietSessionStore) Find(token string) ([]byte, bool, error) {
	b, found, err := q.inner.Find(token)
	q.mu.Lock()
	defer q.mu.Unlock()
	if err != nil || !found {
		delete(q.seen, token)
		return b, found, err
	}
	sum := sha256.Sum256(b)
	if e, ok := q.seen[token]; !ok || e.sum != sum {
		q.remember(token, quietSession{sum: sum})
	}
	return b, found, err
}

func (q *quietSessionStore) Commit(token string, b []byte, expiry time.Time) error {
	sum, now := sha256.Sum256(b), q.now()
	q.mu.Lock()
	e, ok := q.seen[token]
	q.mu.Unlock()
	if ok && e.sum == sum && !e.written.IsZero() && now.Sub(e.written) < q.refresh {
		return nil
	}
	if err := q.inner.Commit(token, b, expiry); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.remember(token, quietSession{sum: sum, written: now})
	return nil
}

func (q *quietSessionStore) Delete(token string) error {
	q.mu.Lock()
	delete(q.seen, token)
	q.mu.Unlock()
	return q.inner.Delete(token)
}

func (q *quietSessionStore) remember(token string, e quietSession) {
	if len(q.seen) >= maxQuietSessions {
		clear(q.seen)
	}
	q.seen[token] = e
}
