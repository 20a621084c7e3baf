// Package peer holds the HTTP client folio reaches other sites with, for
// Webmention and ActivityPub alike. It refuses private, loopback and
// link-local addresses, checked when connecting so that a name which
// resolves elsewhere later cannot slip through, and plain http, unless
// private peers are allowed (FOLIO_ALLOW_PRIVATE_PEERS=1, for tests and
// private networks). Times, headers and redirects are bounded; callers
// bound the bodies they read with ReadBody.
package peer

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"time"
)

// AllowPrivateEnv names the variable that lets peers on private
// addresses and plain http be reached.
const AllowPrivateEnv = "FOLIO_ALLOW_PRIVATE_PEERS"

// Limits on every request.
const (
	maxRedirects = 5
	timeout      = 15 * time.Second
)

// ErrPrivate refuses an address on this machine or a private network.
var ErrPrivate = errors.New("refusing a private, loopback or link-local address")

// ErrTooLarge reports a body longer than the caller's limit.
var ErrTooLarge = errors.New("the response is too large")

// AllowPrivate reports whether the environment lets private peers be
// reached.
func AllowPrivate() bool { return os.Getenv(AllowPrivateEnv) == "1" }

// Client is an HTTP client that reaches only public peers, unless
// AllowPrivate is set.
type Client struct {
	AllowPrivate bool
	*http.Client
}

// New returns a client; private peers are reached only when
// allowPrivate is set.
func New(allowPrivate bool) *Client {
	c := &Client{AllowPrivate: allowPrivate}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || (!allowPrivate && !Public(ip)) {
			return fmt.Errorf("%w: %s", ErrPrivate, host)
		}
		return nil
	}}
	c.Client = &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second, MaxResponseHeaderBytes: 64 << 10, Proxy: nil,
			MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return errors.New("too many redirects")
			}
			return c.CheckURL(req.URL)
		},
	}
	return c
}

// Public reports whether ip is an address on the public internet.
func Public(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast())
}

// CheckURL refuses an address folio does not fetch: anything but https
// (or http, with private peers allowed), and addresses with credentials.
func (c *Client) CheckURL(u *url.URL) error {
	if u.Scheme != "https" && !(c.AllowPrivate && u.Scheme == "http") {
		return fmt.Errorf("refusing %s: only https addresses are fetched", u.Redacted())
	}
	if u.User != nil {
		return errors.New("refusing an address with credentials")
	}
	if u.Host == "" {
		return errors.New("refusing an address without a host")
	}
	return nil
}

// CheckRaw parses raw and checks it as CheckURL does.
func (c *Client) CheckRaw(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return u, c.CheckURL(u)
}

// ReadBody reads up to limit bytes of a response's body, and fails when
// there are more.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, ErrTooLarge
	}
	return body, nil
}
