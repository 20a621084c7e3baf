package password

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := &Hasher{Params: Params{Memory: 1024, Time: 1, Threads: 1}}
	hash, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash = %q, want PHC argon2id", hash)
	}
	if !h.Verify(hash, "correct horse battery staple") {
		t.Error("Verify rejected the right password")
	}
	if h.Verify(hash, "correct horse battery stapler") {
		t.Error("Verify accepted a wrong password")
	}
	other, _ := h.Hash("correct horse battery staple")
	if other == hash {
		t.Error("two hashes of one password are equal; salt missing")
	}
	// A hash made with other parameters still verifies.
	if !New().Verify(hash, "correct horse battery staple") {
		t.Error("Verify with other default params rejected the hash")
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := New()
	for _, hash := range []string{
		"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$a2V5",
	} {
		if h.Verify(hash, "x") {
			t.Errorf("Verify(%q) = true", hash)
		}
	}
}
