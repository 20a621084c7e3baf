// Package password hashes and checks passwords with argon2id, encoded in
// the PHC string format so parameters can be raised later without
// breaking stored hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follows OWASP's recommendation for argon2id: 19 MiB, two
// passes, one lane.
func DefaultParams() Params { return Params{Memory: 19 * 1024, Time: 2, Threads: 1} }

const (
	saltLen = 16
	keyLen  = 32
)

// Hasher hashes with its Params and verifies hashes made with any
// parameters.
type Hasher struct {
	Params Params

	dummyOnce sync.Once
	dummy     string // a hash of nothing anyone types, for VerifyDummy
}

// New returns a Hasher with the default parameters.
func New() *Hasher { return &Hasher{Params: DefaultParams()} }

// Hash returns a PHC-encoded argon2id hash of pw with a random salt.
func (h *Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := h.Params
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches hash, in constant time for a given
// hash. A malformed hash never matches.
func (h *Hasher) Verify(hash, pw string) bool {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// VerifyDummy spends the work of one Verify against a hash made once
// with h's parameters, so a sign-in with an unknown address costs as
// much as one with a known address.
func (h *Hasher) VerifyDummy(pw string) {
	h.dummyOnce.Do(func() { h.dummy, _ = h.Hash("folio-timing-equaliser") })
	h.Verify(h.dummy, pw)
}

var errMalformed = errors.New("malformed argon2id hash")

func decode(hash string) (Params, []byte, []byte, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Params{}, nil, nil, errMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errMalformed
	}
	// Refuse parameters that would let a stored hash exhaust memory or
	// time on every sign-in attempt.
	if p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 10 || p.Threads == 0 {
		return Params{}, nil, nil, errMalformed
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, errMalformed
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return Params{}, nil, nil, errMalformed
	}
	return p, salt, key, nil
}
