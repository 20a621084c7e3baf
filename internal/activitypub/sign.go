package activitypub

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// MaxClockSkew is how far a signed request's Date may be from now.
const MaxClockSkew = 5 * time.Minute

// ErrSignature refuses a request whose signature is missing or wrong.
var ErrSignature = errors.New("bad or missing HTTP signature")

// Sign signs r as keyID (draft-cavage HTTP Signatures, rsa-sha256, over
// the request target, host and date, and the digest of body when there
// is one), setting the Date, Host and Digest headers.
func Sign(r *http.Request, keyID, privatePEM string, body []byte) error {
	key, err := parsePrivate(privatePEM)
	if err != nil {
		return err
	}
	headers := []string{httpsig.RequestTarget, "host", "date"}
	if body != nil {
		headers = append(headers, "digest")
	}
	r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	r.Header.Set("Host", r.URL.Host)
	r.Host = r.URL.Host
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return err
	}
	return signer.SignRequest(key, keyID, r, body)
}

// parsePrivate reads a PEM-encoded RSA private key.
func parsePrivate(s string) (crypto.PrivateKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("no PEM private key")
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	return x509.ParsePKCS1PrivateKey(b.Bytes)
}

// parsePublic reads a PEM-encoded RSA public key.
func parsePublic(s string) (*rsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("no PEM public key")
	}
	var k any
	var err error
	if k, err = x509.ParsePKIXPublicKey(b.Bytes); err != nil {
		if k, err = x509.ParsePKCS1PublicKey(b.Bytes); err != nil {
			return nil, err
		}
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA public key")
	}
	return rk, nil
}

// signatureParams reads the Signature header's parameters.
func signatureParams(r *http.Request) (map[string]string, error) {
	h := r.Header.Get("Signature")
	if h == "" {
		return nil, fmt.Errorf("%w: no Signature header", ErrSignature)
	}
	out := map[string]string{}
	for h != "" {
		var part string
		// Values are quoted and may hold commas only inside quotes.
		k, rest, ok := strings.Cut(h, "=")
		if !ok {
			break
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated value", ErrSignature)
			}
			part, rest = rest[1:end+1], rest[end+2:]
		} else {
			part, rest, _ = strings.Cut(rest, ",")
		}
		out[strings.ToLower(strings.TrimSpace(k))] = part
		h = strings.TrimLeft(strings.TrimSpace(rest), ",")
	}
	return out, nil
}

// KeyID returns the key a request says it is signed with.
func KeyID(r *http.Request) (string, error) {
	p, err := signatureParams(r)
	if err != nil {
		return "", err
	}
	if p["keyid"] == "" {
		return "", fmt.Errorf("%w: no keyId", ErrSignature)
	}
	return p["keyid"], nil
}

// Verify checks a request's signature against publicPEM: the signature
// must cover the request target, host and date (and, with a body, the
// digest), the Date must be within MaxClockSkew of now, and the Digest
// must be the body's SHA-256.
func Verify(r *http.Request, body []byte, publicPEM string, now time.Time) error {
	p, err := signatureParams(r)
	if err != nil {
		return err
	}
	covered := strings.Fields(strings.ToLower(p["headers"]))
	need := []string{httpsig.RequestTarget, "host", "date"}
	if r.Method == http.MethodPost {
		need = append(need, "digest")
	}
	for _, h := range need {
		if !slices.Contains(covered, h) {
			return fmt.Errorf("%w: the signature does not cover %s", ErrSignature, h)
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return fmt.Errorf("%w: no usable Date", ErrSignature)
	}
	if d := now.Sub(date); d > MaxClockSkew || d < -MaxClockSkew {
		return fmt.Errorf("%w: Date is %s away from now", ErrSignature, d.Round(time.Second))
	}
	if r.Method == http.MethodPost {
		if err := checkDigest(r.Header.Values("Digest"), body); err != nil {
			return err
		}
	}
	key, err := parsePublic(publicPEM)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if err := v.Verify(key, httpsig.RSA_SHA256); err != nil {
		return fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return nil
}

// checkDigest checks the Digest header names the body's SHA-256.
func checkDigest(values []string, body []byte) error {
	sum := sha256.Sum256(body)
	want := base64.StdEncoding.EncodeToString(sum[:])
	for _, v := range values {
		for _, d := range strings.Split(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(d), "=")
			if ok && strings.EqualFold(alg, "SHA-256") {
				if val == want {
					return nil
				}
				return fmt.Errorf("%w: the Digest does not match the body", ErrSignature)
			}
		}
	}
	return fmt.Errorf("%w: no SHA-256 Digest", ErrSignature)
}
