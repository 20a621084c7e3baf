package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"folio/internal/blog"
)

// webmentionPath is the Webmention endpoint.
const webmentionPath = "/webmention"

// publishedAt returns the resolver of a path of this site to the
// published post or page there.
func (s *Server) publishedAt(ctx context.Context) func(path string) (*blog.Post, error) {
	return func(path string) (*blog.Post, error) {
		if p, _, err := s.reading.PostAt(ctx, path); err == nil {
			return p, nil
		}
		if m := pagePathRe.FindStringSubmatch(path); m != nil {
			return s.reading.Page(ctx, m[1])
		}
		return nil, blog.ErrNotFound
	}
}

// webmentionReceive takes a Webmention: a target that is not a
// published page of this site is refused at once; otherwise it is
// accepted (202) and verified in the background.
func (s *Server) webmentionReceive(w http.ResponseWriter, r *http.Request) error {
	host := r.Host
	if base, err := url.Parse(s.site.Settings().BaseURL); err == nil && base.Host != "" {
		host = base.Host
	}
	err := s.mentions.Receive(r.Context(), r.PostFormValue("source"), r.PostFormValue("target"), host, s.publishedAt(r.Context()))
	var v *blog.ValidationError
	switch {
	case errors.As(err, &v):
		http.Error(w, v.Error(), http.StatusBadRequest)
	case errors.Is(err, blog.ErrNotOurs):
		http.Error(w, "The target is not a published page of this site.", http.StatusBadRequest)
	case errors.Is(err, blog.ErrTooManyMentions):
		http.Error(w, "Too many Webmentions from this host; try again in an hour.", http.StatusTooManyRequests)
	case err != nil:
		return err
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte("Accepted: the mention will be checked shortly.\n"))
	}
	return nil
}
