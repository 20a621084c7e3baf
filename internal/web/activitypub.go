package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"folio/internal/activitypub"
	"folio/internal/blog"
)

// inboxesAtOnce bounds the inbox requests handled at once, so a flood
// from the fediverse cannot take every worker; inboxWait is how long a
// request waits for a turn before it is told to come back.
const (
	inboxesAtOnce = 8
	inboxWait     = 2 * time.Second
)

// federating reports whether the site is on the fediverse.
func (s *Server) federating() bool {
	return s.federation != nil && s.fediverse != nil && s.federation.Enabled()
}

// activityRoutesOn adds the fediverse's routes.
func (s *Server) activityRoutesOn(mux *http.ServeMux) {
	mux.Handle("GET /.well-known/webfinger", s.handle(s.webfinger))
	mux.Handle("GET /.well-known/nodeinfo", s.handle(s.nodeinfoLinks))
	mux.Handle("GET /nodeinfo/2.1", s.handle(s.nodeinfo))
	mux.Handle("GET /ap/actors/{id}", s.handle(s.actorShow))
	mux.Handle("GET /ap/actors/{id}/outbox", s.handle(s.outboxShow))
	mux.Handle("GET /ap/actors/{id}/followers", s.handle(s.followersShow))
	mux.Handle("GET /ap/actors/{id}/following", s.handle(s.followingShow))
	mux.Handle("GET /ap/posts/{id}", s.handle(s.articleShow))
	mux.Handle("GET /avatars/{file}", s.asset(s.avatarShow))
	mux.Handle("POST /ap/actors/{id}/inbox", http.HandlerFunc(s.inbox))
	mux.Handle("POST /ap/inbox", http.HandlerFunc(s.inbox))
}

// writeActivity answers an ActivityStreams document.
func writeActivity(w http.ResponseWriter, body []byte, err error) error {
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", activitypub.ContentType+"; charset=utf-8")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(body)
	return nil
}

// writer returns the writer of an actor's path, with their key.
func (s *Server) writer(r *http.Request) (*blog.User, *blog.ActorKey, error) {
	if !s.federating() {
		return nil, nil, blog.ErrNotFound
	}
	id, err := pathID(r)
	if err != nil {
		return nil, nil, err
	}
	return s.federation.Writer(r.Context(), id)
}

// webfinger answers WebFinger (RFC 7033) for acct:SLUG@HOST, or for a
// writer's actor or author page.
func (s *Server) webfinger(w http.ResponseWriter, r *http.Request) error {
	if !s.federating() {
		return blog.ErrNotFound
	}
	res := r.URL.Query().Get("resource")
	host := s.federation.Host()
	st := s.site.Settings()
	var slug string
	switch {
	case strings.HasPrefix(res, "acct:"):
		user, h, ok := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(res, "acct:"), "@"), "@")
		if !ok || !strings.EqualFold(h, host) {
			return blog.ErrNotFound
		}
		slug = user
	case strings.HasPrefix(res, strings.TrimSuffix(st.BaseURL, "/")+"/author/"):
		slug = strings.Trim(strings.TrimPrefix(res, strings.TrimSuffix(st.BaseURL, "/")+"/author/"), "/")
	case strings.HasPrefix(res, strings.TrimSuffix(st.BaseURL, "/")+"/ap/actors/"):
		u, _, err := s.federation.Writer(r.Context(), s.actorUser(res))
		if err != nil {
			return err
		}
		slug = u.Slug
	default:
		http.Error(w, "Ask for a resource like acct:name@"+host+".", http.StatusBadRequest)
		return nil
	}
	u, err := s.federation.WriterBySlug(r.Context(), slug)
	if err != nil {
		return err
	}
	body, err := activitypub.WebFinger(st, u, host)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(body)
	return nil
}

func (s *Server) nodeinfoLinks(w http.ResponseWriter, r *http.Request) error {
	if !s.federating() {
		return blog.ErrNotFound
	}
	body, err := activitypub.NodeInfoLinks(s.site.Settings())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
	return nil
}

func (s *Server) nodeinfo(w http.ResponseWriter, r *http.Request) error {
	if !s.federating() {
		return blog.ErrNotFound
	}
	users, posts, err := s.federation.Usage(r.Context())
	if err != nil {
		return err
	}
	body, err := activitypub.NodeInfo(s.version, users, posts, false)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"; charset=utf-8`)
	w.Write(body)
	return nil
}

// avatarShow serves the copy of a remote author's picture.
func (s *Server) avatarShow(w http.ResponseWriter, r *http.Request) error {
	key, ok := strings.CutSuffix(r.PathValue("file"), ".png")
	if !ok || s.federation == nil {
		return blog.ErrNotFound
	}
	b, err := s.federation.Avatar(r.Context(), key)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
	return nil
}

// actorShow answers a writer's actor; a browser goes to their page.
func (s *Server) actorShow(w http.ResponseWriter, r *http.Request) error {
	u, k, err := s.writer(r)
	if err != nil {
		return err
	}
	if !activitypub.Accepts(r.Header.Get("Accept")) && !strings.Contains(r.Header.Get("Accept"), "json") {
		http.Redirect(w, r, "/author/"+u.Slug+"/", http.StatusSeeOther)
		return nil
	}
	body, err := s.fediverse.Actor(s.site.Settings(), u, k)
	return writeActivity(w, body, err)
}

// outboxLength is how many posts an outbox shows.
const outboxLength = 20

func (s *Server) outboxShow(w http.ResponseWriter, r *http.Request) error {
	u, _, err := s.writer(r)
	if err != nil {
		return err
	}
	posts, total, err := s.federation.Outbox(r.Context(), u.ID, outboxLength)
	if err != nil {
		return err
	}
	body, err := s.fediverse.Outbox(s.site.Settings(), u, posts, total)
	return writeActivity(w, body, err)
}

// followersShow tells how many follow a writer, not who.
func (s *Server) followersShow(w http.ResponseWriter, r *http.Request) error {
	u, _, err := s.writer(r)
	if err != nil {
		return err
	}
	n, err := s.federation.CountFollowers(r.Context(), u.ID)
	if err != nil {
		return err
	}
	body, err := activitypub.Collection(s.site.Settings().ActorID(u.ID)+"/followers", n, nil)
	return writeActivity(w, body, err)
}

func (s *Server) followingShow(w http.ResponseWriter, r *http.Request) error {
	u, _, err := s.writer(r)
	if err != nil {
		return err
	}
	body, err := activitypub.Collection(s.site.Settings().ActorID(u.ID)+"/following", 0, nil)
	return writeActivity(w, body, err)
}

// articleShow answers a post's Article; a browser goes to the post.
func (s *Server) articleShow(w http.ResponseWriter, r *http.Request) error {
	if !s.federating() {
		return blog.ErrNotFound
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, author, err := s.federation.Article(r.Context(), id)
	if err != nil {
		return err
	}
	if !activitypub.Accepts(r.Header.Get("Accept")) && !strings.Contains(r.Header.Get("Accept"), "json") {
		http.Redirect(w, r, p.Path, http.StatusSeeOther)
		return nil
	}
	body, err := s.fediverse.Article(s.site.Settings(), p, author)
	return writeActivity(w, body, err)
}

// negotiate answers a request for a post's address, or an author page,
// that asks for ActivityStreams with the post's Article or the writer's
// actor, before the page cache, which holds only the pages people read.
func (s *Server) negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.federating() {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept")
		if !activitypub.Accepts(r.Header.Get("Accept")) {
			next.ServeHTTP(w, r)
			return
		}
		body, err := s.activityAt(r)
		if errors.Is(err, blog.ErrNotFound) {
			next.ServeHTTP(w, r)
			return
		}
		if err = writeActivity(w, body, err); err != nil {
			s.fail(w, r, err)
		}
	})
}

// activityAt returns the document of the post or writer at a page's
// address; ErrNotFound when the page is neither.
func (s *Server) activityAt(r *http.Request) ([]byte, error) {
	st := s.site.Settings()
	if slug := r.PathValue("slug"); slug != "" && r.PathValue("n") == "" {
		u, err := s.federation.WriterBySlug(r.Context(), slug)
		if err != nil {
			return nil, err
		}
		u, k, err := s.federation.Writer(r.Context(), u.ID)
		if err != nil {
			return nil, err
		}
		return s.fediverse.Actor(st, u, k)
	}
	post, _, err := s.reading.PostAt(r.Context(), r.URL.Path)
	if err != nil {
		return nil, err
	}
	p, author, err := s.federation.Article(r.Context(), post.ID)
	if err != nil {
		return nil, err
	}
	return s.fediverse.Article(st, p, author)
}

// inbox takes an activity from the fediverse. It must be signed by its
// actor (401 otherwise); the server it comes from must not be blocked
// (403) or over its hourly limit (429); a few are handled at once and
// the rest told to come back (503). What it means is the domain's
// business; anything understood is answered 202.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	if !s.federating() {
		http.NotFound(w, r)
		return
	}
	select {
	case s.inboxSlots <- struct{}{}:
		defer func() { <-s.inboxSlots }()
	case <-time.After(inboxWait):
		w.Header().Set("Retry-After", "30")
		http.Error(w, "Busy; try again shortly.", http.StatusServiceUnavailable)
		return
	}
	status, msg := s.takeActivity(r.Context(), w, r)
	if status >= 500 {
		s.log.Error("inbox", "err", msg, "from", r.Header.Get("Signature"))
		msg = "Something went wrong."
	} else if status >= 400 {
		s.log.Info("inbox refused", "status", status, "reason", msg)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}

// takeActivity reads, checks and applies one inbox request, and returns
// the status and message to answer.
func (s *Server) takeActivity(ctx context.Context, w http.ResponseWriter, r *http.Request) (int, string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, activitypub.MaxActivity))
	if err != nil {
		return http.StatusRequestEntityTooLarge, "The activity is too large."
	}
	keyID, err := activitypub.KeyID(r)
	if err != nil {
		return http.StatusUnauthorized, err.Error()
	}
	keyURL, err := url.Parse(keyID)
	if err != nil || keyURL.Host == "" {
		return http.StatusUnauthorized, "The signature's keyId is not an address."
	}
	switch err := s.federation.Admit(ctx, keyURL.Host); {
	case errors.Is(err, blog.ErrBlocked):
		return http.StatusForbidden, "This server is blocked here."
	case errors.Is(err, blog.ErrTooManyActivities):
		return http.StatusTooManyRequests, "Too many activities from this server; try again later."
	case err != nil:
		return http.StatusInternalServerError, err.Error()
	}
	act, err := activitypub.ParseActivity(body)
	if err != nil {
		return http.StatusBadRequest, err.Error()
	}
	actor, err := s.signer(ctx, r, body, keyID)
	if errors.Is(err, activitypub.ErrGone) && act.Type == "Delete" {
		return http.StatusAccepted, "Nothing is known of that actor."
	}
	if err != nil {
		return http.StatusUnauthorized, err.Error()
	}
	if act.Actor != actor.IRI {
		return http.StatusUnauthorized, "The activity's actor did not sign it."
	}
	if blocked, err := s.federation.Blocked(ctx, actor); err != nil || blocked {
		if err != nil {
			return http.StatusInternalServerError, err.Error()
		}
		return http.StatusForbidden, "This actor is blocked here."
	}
	err = s.apply(ctx, r, act, actor)
	var v *blog.ValidationError
	switch {
	case err == nil:
		return http.StatusAccepted, "Accepted."
	case errors.Is(err, blog.ErrNotFound):
		return http.StatusNotFound, "That is not here."
	case errors.Is(err, blog.ErrForbidden):
		return http.StatusForbidden, "Only its author may change that."
	case errors.Is(err, blog.ErrBlocked):
		return http.StatusForbidden, "This actor is blocked here."
	case errors.As(err, &v):
		return http.StatusBadRequest, v.Error()
	}
	return http.StatusInternalServerError, err.Error()
}

// signer returns the actor whose key signed r, after checking the
// signature: with the key as last read, and once more with the key read
// afresh when that fails (the actor may have a new one).
func (s *Server) signer(ctx context.Context, r *http.Request, body []byte, keyID string) (*blog.RemoteActor, error) {
	known, err := s.federation.KnownActor(ctx, "", keyID)
	if err == nil && time.Since(known.FetchedAt) < blog.ActorFreshFor {
		if err := activitypub.Verify(r, body, known.PublicKeyPEM, time.Now()); err == nil {
			return known, nil
		}
	} else if err != nil && !errors.Is(err, blog.ErrNotFound) {
		return nil, err
	}
	fresh, err := s.fetchActor(ctx, keyID)
	if err != nil {
		return nil, fmt.Errorf("could not read the signing key %s: %w", keyID, err)
	}
	if fresh.KeyID != keyID && strings.SplitN(keyID, "#", 2)[0] != fresh.IRI {
		return nil, errors.New("the signing key does not belong to its actor")
	}
	if err := activitypub.Verify(r, body, fresh.PublicKeyPEM, time.Now()); err != nil {
		return nil, err
	}
	return fresh, nil
}

// fetchActor reads a remote actor afresh (signed, for servers with
// authorized fetch) and remembers it.
func (s *Server) fetchActor(ctx context.Context, iri string) (*blog.RemoteActor, error) {
	keyID, pem, err := s.federation.SigningKey(ctx, 0)
	if err != nil {
		return nil, err
	}
	a, err := s.fediverse.FetchActor(ctx, iri, keyID, pem)
	if err != nil {
		return nil, err
	}
	var avatar []byte
	if a.Icon != "" {
		// A picture that cannot be had leaves the reply its identicon.
		if avatar, err = s.fediverse.FetchAvatar(ctx, a.Icon); err != nil {
			s.log.Info("remote picture", "actor", a.IRI, "err", err)
		}
	}
	return a, s.federation.RememberActor(ctx, a, avatar)
}

// actorUser returns the writer an IRI of this site names, 0 for none.
func (s *Server) actorUser(iri string) int64 {
	prefix := strings.TrimSuffix(s.site.Settings().BaseURL, "/") + "/ap/actors/"
	id, err := strconv.ParseInt(strings.TrimPrefix(iri, prefix), 10, 64)
	if err != nil || !strings.HasPrefix(iri, prefix) {
		return 0
	}
	return id
}

// apply does what an activity asks.
func (s *Server) apply(ctx context.Context, r *http.Request, act *activitypub.Activity, actor *blog.RemoteActor) error {
	o := act.Object
	page := s.publishedAt(ctx)
	switch act.Type {
	case "Follow":
		id := s.actorUser(o.ID)
		if id == 0 {
			return blog.ErrNotFound
		}
		return s.federation.Follow(ctx, id, actor, act.ID)
	case "Undo":
		switch o.Type {
		case "Follow":
			if o.Actor != "" && o.Actor != actor.IRI {
				return blog.ErrForbidden
			}
			return s.federation.Unfollow(ctx, s.actorUser(o.Target), actor.IRI)
		default: // a Like or an Announce, embedded or by id
			return s.federation.Unreact(ctx, o.ID, actor.IRI)
		}
	case "Create", "Update":
		if o.Type == "Person" || o.Type == "Service" || o.Type == "Application" || o.Type == "Group" || o.Type == "Organization" {
			_, err := s.fetchActor(ctx, actor.IRI)
			return err
		}
		if !o.IsNote() {
			return nil
		}
		if o.AttributedTo != "" && o.AttributedTo != actor.IRI {
			return blog.ErrForbidden
		}
		return s.federation.ReceiveNote(ctx, o.Note(actor), page)
	case "Delete":
		return s.federation.Delete(ctx, o.ID, actor.IRI)
	case "Like":
		return s.federation.React(ctx, blog.MentionLike, act.ID, o.ID, actor, page)
	case "Announce":
		return s.federation.React(ctx, blog.MentionRepost, act.ID, o.ID, actor, page)
	}
	return nil // Accept, Reject, Add, Block, Move…: nothing to do here
}
