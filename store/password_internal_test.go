package store

import (
	"strings"
	"testing"
)

// Servers hash at OWASP's cost; tests may lower it for the hashes they write, and hashes of either cost verify
// with the parameters stored in them.
func TestSetPasswordCost_ChangesOnlyNewHashes(t *testing.T) {
	t.Parallel()
	s := New(nil, nil, Config{}, nil)
	strong, err := s.HashPassword("correct horse")
	if err != nil || !strings.Contains(strong, "$m=19456,t=2,p=1$") {
		t.Fatalf("default hash %q (%v), want OWASP's m=19456,t=2,p=1", strong, err)
	}
	s.SetPasswordCost(64, 1)
	cheap, err := s.HashPassword("correct horse")
	if err != nil || !strings.Contains(cheap, "$m=64,t=1,p=1$") {
		t.Fatalf("cheap hash %q (%v)", cheap, err)
	}
	for _, h := range []string{strong, cheap} {
		if ok, err := verifyPassword(h, "correct horse"); !ok || err != nil {
			t.Errorf("%s does not verify: %v", h, err)
		}
		if ok, _ := verifyPassword(h, "wrong horse"); ok {
			t.Errorf("%s verifies a wrong password", h)
		}
	}
}
