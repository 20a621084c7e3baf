package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // remote pictures may be GIFs
	_ "image/jpeg" // or JPEGs
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"

	vocab "github.com/go-ap/activitypub"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // or WebP

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

// Limits on a remote author's picture: the file, its size in pixels
// (checked before decoding), and the side of the square copy kept.
const (
	maxAvatarBytes  = 1 << 20
	maxAvatarPixels = 4096 * 4096
	avatarSide      = 96
)

// FetchAvatar fetches the picture at iconURL and returns a square PNG
// copy, 96 pixels a side, cut from its middle: readers' browsers then
// ask this site, not the remote server, and what they get is an image
// folio wrote.
func (c *Client) FetchAvatar(ctx context.Context, iconURL string) ([]byte, error) {
	u, err := c.http.CheckRaw(iconURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif, image/webp")
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s answered %s", u.Host, resp.Status)
	}
	body, err := peer.ReadBody(resp, maxAvatarBytes)
	if err != nil {
		return nil, err
	}
	return squareCopy(body)
}

// squareCopy decodes a picture and returns the middle square of it,
// scaled to avatarSide, as PNG.
func squareCopy(b []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not a picture: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxAvatarPixels {
		return nil, fmt.Errorf("a %d×%d picture is too large", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	r := src.Bounds()
	side := min(r.Dx(), r.Dy())
	from := image.Rect(r.Min.X+(r.Dx()-side)/2, r.Min.Y+(r.Dy()-side)/2, 0, 0)
	from.Max = from.Min.Add(image.Pt(side, side))
	dst := image.NewRGBA(image.Rect(0, 0, avatarSide, avatarSide))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, from, draw.Src, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
