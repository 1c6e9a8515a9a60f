package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// passwordHasher holds argon2id parameters. The defaults are OWASP's recommendation
// (19 MiB of memory, two iterations, one lane).
type passwordHasher struct {
	memoryKiB uint32
	time      uint32
	threads   uint8
	keyLen    uint32
}

var defaultHasher = passwordHasher{memoryKiB: 19 * 1024, time: 2, threads: 1, keyLen: 32}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// maxPasswordLength bounds the work one request can ask of the hasher.
const maxPasswordLength = 1024

// hash returns the PHC string $argon2id$v=19$m=..,t=..,p=..$salt$key.
func (h passwordHasher) hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.time, h.memoryKiB, h.threads, h.keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.memoryKiB, h.time, h.threads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// SetPasswordCost replaces the argon2id cost of the hashes this store writes from now on (hashes already stored
// keep verifying with their own parameters), for tests: they register hundreds of accounts, and at OWASP's cost
// hashing was most of their CPU time. Servers keep the default.
func (s *Store) SetPasswordCost(memoryKiB, iterations uint32) {
	s.hasher.memoryKiB, s.hasher.time = memoryKiB, iterations
}

// HashPassword returns the stored form of password, for code under store/ that writes users in bulk (the seeds).
func (s *Store) HashPassword(password string) (string, error) { return s.hasher.hash(password) }

// verify checks password against a PHC string with the parameters stored in it, in constant time.
func verifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("password hash: unknown format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("password hash: unsupported version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("password hash: %w", err)
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("password hash: %w", err)
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("password hash: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when an email is unknown, so that answer takes as long as a wrong password.
var dummyHash, _ = defaultHasher.hash("not a real password")

func validatePassword(v *validator, field, password string) {
	switch {
	case password == "":
		v.add(field, field+" is required")
	case len([]rune(password)) < MinPasswordLength:
		v.add(field, fmt.Sprintf("%s must be at least %d characters", field, MinPasswordLength))
	case len(password) > maxPasswordLength:
		v.add(field, fmt.Sprintf("%s must be at most %d characters", field, maxPasswordLength))
	}
}
