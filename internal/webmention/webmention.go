// Package webmention talks to other sites for Webmention: it fetches a
// mention's source and reads its microformats (through
// willnorris.com/go/microformats), discovers a page's endpoint, and
// sends mentions, through the peer package's guarded client (no
// private addresses or plain http unless allowed; bodies, times and
// redirects bounded).
package webmention

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"willnorris.com/go/microformats"

	"folio/internal/blog"
	"folio/internal/peer"
)

// Limits on what is fetched.
const (
	maxBody   = 1 << 20
	userAgent = "folio (Webmention)"
)

// AllowPrivateEnv names the variable that lets peers on private
// addresses and plain http be reached.
const AllowPrivateEnv = peer.AllowPrivateEnv

// Client is the peer client.
type Client struct {
	http *peer.Client
}

var _ blog.PeerClient = (*Client)(nil)

// New returns a client; private peers are allowed when the environment
// says so.
func New() *Client { return NewClient(peer.AllowPrivate()) }

// NewClient returns a client that reaches private peers only when
// allowPrivate is set.
func NewClient(allowPrivate bool) *Client { return &Client{http: peer.New(allowPrivate)} }

// get fetches u, and returns the response with its body read (bounded).
func (c *Client) get(ctx context.Context, raw string) (*http.Response, []byte, error) {
	u, err := c.http.CheckRaw(raw)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.1")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return resp, body, err
}

// Verify fetches source and says what it does with target.
func (c *Client) Verify(ctx context.Context, source, target string) (*blog.SourcePage, error) {
	resp, body, err := c.get(ctx, source)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return &blog.SourcePage{Gone: true}, nil
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("source answered %s", resp.Status)
	}
	return readSource(body, resp.Request.URL, target), nil
}

// readSource reads what a source page at base does with target: whether
// it links it, and from its first h-entry the kind of mention, the
// author, the text and the date.
func readSource(body []byte, base *url.URL, target string) *blog.SourcePage {
	data := microformats.Parse(bytes.NewReader(body), base)
	page := &blog.SourcePage{Kind: blog.MentionMention, Links: linksTo(body, base, target)}
	entry := findEntry(data.Items)
	if entry == nil {
		return page
	}
	for _, k := range []struct {
		prop string
		kind blog.MentionKind
	}{{"in-reply-to", blog.MentionReply}, {"like-of", blog.MentionLike}, {"repost-of", blog.MentionRepost}} {
		if names(entry, k.prop, target) {
			page.Kind, page.Links = k.kind, true
			break
		}
	}
	page.Content = text(entry, "content")
	if page.Content == "" {
		page.Content = text(entry, "summary")
	}
	if t, err := time.Parse(time.RFC3339, text(entry, "published")); err == nil {
		page.Published = t
	}
	if vals := entry.Properties["author"]; len(vals) > 0 {
		switch a := vals[0].(type) {
		case *microformats.Microformat:
			page.AuthorName, page.AuthorURL, page.AuthorPhoto = text(a, "name"), text(a, "url"), text(a, "photo")
			if page.AuthorName == "" {
				page.AuthorName = a.Value
			}
		case string:
			page.AuthorName = a
		}
	}
	return page
}

// findEntry returns the first h-entry, top-level or nested.
func findEntry(items []*microformats.Microformat) *microformats.Microformat {
	for _, it := range items {
		for _, t := range it.Type {
			if t == "h-entry" {
				return it
			}
		}
		if e := findEntry(it.Children); e != nil {
			return e
		}
	}
	return nil
}

// sameURL compares two addresses, a trailing slash aside.
func sameURL(a, b string) bool { return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/") }

// names reports whether property prop of e names target: as a URL, or
// as an embedded item's url.
func names(e *microformats.Microformat, prop, target string) bool {
	for _, v := range e.Properties[prop] {
		switch v := v.(type) {
		case string:
			if sameURL(v, target) {
				return true
			}
		case *microformats.Microformat:
			if sameURL(text(v, "url"), target) || sameURL(v.Value, target) {
				return true
			}
		}
	}
	return false
}

// text returns a property's first value as plain text.
func text(e *microformats.Microformat, prop string) string {
	vals := e.Properties[prop]
	if len(vals) == 0 {
		return ""
	}
	switch v := vals[0].(type) {
	case string:
		return v
	case map[string]string:
		return v["value"]
	case map[string]any:
		if s, ok := v["value"].(string); ok {
			return s
		}
	case *microformats.Microformat:
		return v.Value
	}
	return ""
}

// linksTo reports whether the page's href or src attributes name target.
func linksTo(body []byte, base *url.URL, target string) bool {
	for _, attr := range []string{`href="`, `href='`, `src="`} {
		rest := body
		for {
			i := bytes.Index(rest, []byte(attr))
			if i < 0 {
				break
			}
			rest = rest[i+len(attr):]
			end := bytes.IndexAny(rest, `"'`)
			if end < 0 {
				break
			}
			raw := strings.ReplaceAll(string(rest[:end]), "&amp;", "&")
			if u, err := base.Parse(raw); err == nil && sameURL(u.String(), target) {
				return true
			}
		}
	}
	return false
}

// Endpoint discovers target's Webmention endpoint: the first
// rel=webmention Link header, else the first <link> or <a> with it.
func (c *Client) Endpoint(ctx context.Context, target string) (string, error) {
	resp, body, err := c.get(ctx, target)
	if err != nil {
		return "", err
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("target answered %s", resp.Status)
	}
	base := resp.Request.URL
	for _, h := range resp.Header.Values("Link") {
		for _, link := range strings.Split(h, ",") {
			ref, params, ok := strings.Cut(link, ";")
			ref = strings.Trim(strings.TrimSpace(ref), "<>")
			if !ok || !relHas(params, "webmention") {
				continue
			}
			if u, err := base.Parse(ref); err == nil {
				return u.String(), nil
			}
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "html") {
		return "", nil
	}
	data := microformats.Parse(bytes.NewReader(body), base)
	if eps := data.Rels["webmention"]; len(eps) > 0 {
		return eps[0], nil
	}
	return "", nil
}

// relHas reports whether a Link header's parameters give rel name.
func relHas(params, name string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(k, "rel") {
			for _, r := range strings.Fields(strings.Trim(v, `"`)) {
				if strings.EqualFold(r, name) {
					return true
				}
			}
		}
	}
	return false
}

// Avatar fetches an author's picture and returns this site's small copy
// of it.
func (c *Client) Avatar(ctx context.Context, photo string) ([]byte, error) {
	return c.http.Picture(ctx, photo, userAgent)
}

// Send tells endpoint that source links target.
func (c *Client) Send(ctx context.Context, endpoint, source, target string) error {
	u, err := c.http.CheckRaw(endpoint)
	if err != nil {
		return err
	}
	form := url.Values{"source": {source}, "target": {target}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the endpoint answered %s", resp.Status)
	}
	return nil
}
