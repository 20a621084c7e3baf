package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	vocab "github.com/go-ap/activitypub"

	"folio/internal/blog"
	"folio/internal/peer"
)

const userAgent = "folio (ActivityPub)"

// Client reaches other servers: it fetches their actors and delivers
// activities, every request signed. With the Vocabulary it is the
// domain's blog.Fediverse.
type Client struct {
	Vocabulary
	http *peer.Client
}

var _ blog.Fediverse = (*Client)(nil)

// NewClient returns a client that reaches private peers only when
// allowPrivate is set.
func NewClient(allowPrivate bool) *Client { return &Client{http: peer.New(allowPrivate)} }

// ErrGone reports a remote object that no longer exists.
var ErrGone = errors.New("the remote object is gone")

// Deliver posts activity to inbox, signed as keyID.
func (c *Client) Deliver(ctx context.Context, keyID, privatePEM, inbox string, activity []byte) error {
	u, err := c.http.CheckRaw(inbox)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(activity))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("User-Agent", userAgent)
	if err := Sign(req, keyID, privatePEM, activity); err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, MaxActivity))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the inbox answered %s", resp.Status)
	}
	return nil
}

// get fetches an ActivityStreams document, signed as keyID (servers
// with authorized fetch insist), bounded in size and time.
func (c *Client) get(ctx context.Context, raw, keyID, privatePEM string) ([]byte, error) {
	u, err := c.http.CheckRaw(raw)
	if err != nil {
		return nil, err
	}
	u.Fragment = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", ContentType+", "+ldContentType)
	req.Header.Set("User-Agent", userAgent)
	if keyID != "" {
		if err := Sign(req, keyID, privatePEM, nil); err != nil {
			return nil, err
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusGone || resp.StatusCode == http.StatusNotFound {
		return nil, ErrGone
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s answered %s", u.Host, resp.Status)
	}
	return peer.ReadBody(resp, MaxActivity)
}

// FetchActor reads the actor at iri (or the actor owning the key iri
// names), signing the request as keyID.
func (c *Client) FetchActor(ctx context.Context, iri, keyID, privatePEM string) (*blog.RemoteActor, error) {
	body, err := c.get(ctx, iri, keyID, privatePEM)
	if err != nil {
		return nil, err
	}
	a, err := readActor(body)
	if err == nil {
		return a, nil
	}
	// Some servers' key ids name a key document, which names its owner.
	var key struct {
		Owner string `json:"owner"`
	}
	if json.Unmarshal(body, &key) != nil || key.Owner == "" || key.Owner == iri {
		return nil, err
	}
	if body, err = c.get(ctx, key.Owner, keyID, privatePEM); err != nil {
		return nil, err
	}
	return readActor(body)
}

// readActor reads an actor document; it must name its inbox and key,
// and live on the host of its id.
func readActor(body []byte) (*blog.RemoteActor, error) {
	it, err := vocab.UnmarshalJSON(body)
	if err != nil || it == nil {
		return nil, ErrUnreadable
	}
	var a *blog.RemoteActor
	err = vocab.OnActor(it, func(p *vocab.Actor) error {
		if !vocab.ActorTypes.Contains(p.Type) {
			return fmt.Errorf("a %s is not an actor", p.Type)
		}
		a = &blog.RemoteActor{IRI: string(p.ID), KeyID: string(p.PublicKey.ID), PublicKeyPEM: p.PublicKey.PublicKeyPem,
			Name: first(p.Name), Handle: first(p.PreferredUsername)}
		if p.Inbox != nil {
			a.Inbox = string(p.Inbox.GetLink())
		}
		if p.Endpoints != nil && p.Endpoints.SharedInbox != nil {
			a.SharedInbox = string(p.Endpoints.SharedInbox.GetLink())
		}
		if p.URL != nil {
			a.URL = string(p.URL.GetLink())
		}
		if p.Icon != nil {
			vocab.OnObject(p.Icon, func(o *vocab.Object) error {
				if o.URL != nil {
					a.Icon = string(o.URL.GetLink())
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if a == nil || a.IRI == "" || a.Inbox == "" || a.PublicKeyPEM == "" {
		return nil, errors.New("the actor lacks an id, an inbox or a public key")
	}
	id, err := url.Parse(a.IRI)
	if err != nil {
		return nil, err
	}
	a.Host = strings.ToLower(id.Host)
	for _, other := range []string{a.Inbox, a.SharedInbox, a.KeyID} {
		if other == "" {
			continue
		}
		if u, err := url.Parse(other); err != nil || !strings.EqualFold(u.Host, id.Host) {
			return nil, fmt.Errorf("the actor's inbox or key is on another server than %s", id.Host)
		}
	}
	if _, err := parsePublic(a.PublicKeyPEM); err != nil {
		return nil, err
	}
	return a, nil
}

// FetchAvatar fetches the picture at iconURL and returns a square PNG
// copy of it, 96 pixels a side (see peer.Client.Picture).
func (c *Client) FetchAvatar(ctx context.Context, iconURL string) ([]byte, error) {
	return c.http.Picture(ctx, iconURL, userAgent)
}
