package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"folio/internal/blog"
)

// contentSecurityPolicy allows the site's own scripts and styles only;
// inline style attributes are allowed for table alignment in posts.
const contentSecurityPolicy = "default-src 'self'; img-src * data:; media-src *; script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders go on every response. The slices are shared, never
// changed: net/http only reads them.
var securityHeaders = http.Header{
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"strict-origin-when-cross-origin"},
	"Content-Security-Policy": {contentSecurityPolicy},
	"X-Frame-Options":         {"DENY"},
	// Apps find where to post from any page of the site. One header line
	// holds every link (RFC 8288 allows the list): each line costs a
	// cached page's answer about as much as its bytes.
	"Link": {`</micropub>; rel="micropub", </.well-known/oauth-authorization-server>; rel="indieauth-metadata", ` +
		`</indieauth/auth>; rel="authorization_endpoint", </indieauth/token>; rel="token_endpoint", </webmention>; rel="webmention"`},
}

// middleware wraps every request to the routes of mux: recovery,
// logging, security headers, a body limit (the route's, from bodyLimits,
// or the default) and cross-origin protection for unsafe methods.
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	var next http.Handler = mux
	cop := http.NewCrossOriginProtection()
	// Replies may come from a static copy of the site on another host.
	// The session cookie is SameSite=Lax, so a cross-site reply is always
	// anonymous and gets the reader's checks.
	cop.AddInsecureBypassPattern("POST /comments")
	// Apps authenticate with a bearer token, never a cookie, so a
	// request from another origin can act only as its own token.
	// IndieAuth's code, token, introspection and revocation requests
	// come from apps' servers and carry no cookie either.
	for _, p := range []string{micropubPath, mediaPath, authPath, tokenPath, introspectPath, revokePath, webmentionPath} {
		cop.AddInsecureBypassPattern("POST " + p)
	}
	cop.AddInsecureBypassPattern("/api/")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errBadForm)
	}))
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				if !rec.wrote {
					http.Error(rec, "Internal Server Error", http.StatusInternalServerError)
				}
			}
			s.logRequest(r, rec.status, rec.bytes, start)
		}()
		h := rec.Header()
		for k, v := range securityHeaders {
			h[k] = v[:len(v):len(v)] // a handler's Add copies, never writes into v
		}
		if r.Body != nil && r.Body != http.NoBody {
			limit := s.maxBody
			if _, pattern := mux.Handler(r); bodyLimits[pattern] > 0 {
				limit = bodyLimits[pattern]
			}
			if r.ContentLength > limit {
				// Refused before a byte is read: a claimed gigabyte
				// costs nothing, and the client hears it at once.
				rec.Header().Set("Connection", "close")
				s.fail(rec, r, &http.MaxBytesError{Limit: limit})
				return
			}
			r.Body = http.MaxBytesReader(rec, r.Body, limit)
		}
		protected.ServeHTTP(rec, r)
	})
}

// logRequest writes the access log line of a request, when the level
// shows it; checked first, so a quieter level skips building the record.
func (s *Server) logRequest(r *http.Request, status, bytes int, start time.Time) {
	if s.log.Enabled(r.Context(), slog.LevelInfo) {
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", status,
			"bytes", bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the writer underneath, so a
// handler can move its deadlines (the import does).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// RecordShows passes on what a page shows to the writer underneath.
func (r *statusRecorder) RecordShows(sh Shows) { showsTo(r.ResponseWriter, sh) }

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Cookie names.
const (
	sessionCookie = "folio_session"
	csrfCookie    = "folio_csrf"
)

// errBadForm is returned when a form's CSRF token is missing or wrong.
var errBadForm = errors.New("csrf token mismatch")

type ctxKey int

const (
	userKey ctxKey = iota
	csrfKey
)

// currentUser returns the signed-in user, or nil.
func currentUser(r *http.Request) *blog.User {
	u, _ := r.Context().Value(userKey).(*blog.User)
	return u
}

// csrfToken returns the token forms on this page must carry.
func csrfToken(r *http.Request) string {
	t, _ := r.Context().Value(csrfKey).(string)
	return t
}

// form wraps handlers of pages that anyone may load, such as sign-in: it
// issues the CSRF cookie and checks the token on POST.
func (s *Server) form(h handlerFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		r, err := s.withCSRF(w, r, true)
		if err != nil {
			return err
		}
		return h(w, r)
	})
}

// admin wraps handlers that need a signed-in user. A visitor without one
// is sent to the sign-in page (or, on a site without users, told to use
// the setup link).
func (s *Server) admin(h handlerFunc) http.Handler {
	return s.handle(s.signedIn(h, true))
}

// adminUpload wraps the handler of an admin upload, which streams its
// body: the body is not read before the handler, which checks the CSRF
// token itself (checkCSRF) from the form's first part.
func (s *Server) adminUpload(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.signedIn(h, false)(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// signedIn runs h for a signed-in user, and checks the CSRF token of an
// unsafe request when check is set.
func (s *Server) signedIn(h handlerFunc, check bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		u, err := s.sessionUser(r)
		if err != nil {
			return err
		}
		if u == nil {
			if r.Method != http.MethodGet {
				return blog.ErrForbidden
			}
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		r = r.WithContext(context.WithValue(r.Context(), userKey, u))
		r, err = s.withCSRF(w, r, check)
		if err != nil {
			return err
		}
		return h(w, r)
	}
}

func (s *Server) sessionUser(r *http.Request) (*blog.User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	u, err := s.accounts.SessionUser(r.Context(), c.Value)
	if errors.Is(err, blog.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// withCSRF makes sure the browser holds a CSRF cookie, puts the matching
// form token in the request context, and on unsafe methods checks the
// submitted token. The token is an HMAC of the cookie under the site's
// secret, so it cannot be forged without reading the cookie.
func (s *Server) withCSRF(w http.ResponseWriter, r *http.Request, check bool) (*http.Request, error) {
	seed := csrfSeed(r)
	unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead
	if unsafe && check {
		if err := s.checkCSRF(r, r.PostFormValue("csrf_token")); err != nil {
			return r, err
		}
	}
	if seed == "" {
		b := make([]byte, 32)
		rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, s.cookie(r, csrfCookie, seed, 0))
	}
	return r.WithContext(context.WithValue(r.Context(), csrfKey, s.csrfFor(seed))), nil
}

// csrfSeed returns the browser's CSRF cookie, or "".
func csrfSeed(r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	return ""
}

// checkCSRF returns errBadForm unless token is the one the browser's
// cookie was given.
func (s *Server) checkCSRF(r *http.Request, token string) error {
	seed := csrfSeed(r)
	if seed == "" || !hmac.Equal([]byte(token), []byte(s.csrfFor(seed))) {
		return errBadForm
	}
	return nil
}

func (s *Server) csrfFor(seed string) string {
	m := hmac.New(sha256.New, s.site.Secret())
	m.Write([]byte("csrf\x00" + seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// cookie returns an HttpOnly, SameSite=Lax cookie for the whole site,
// Secure when the site is served over HTTPS. maxAge 0 makes a browser
// session cookie; negative deletes it.
func (s *Server) cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   s.site.Settings().Secure() || r.TLS != nil,
	}
	switch {
	case maxAge > 0:
		c.MaxAge = int(maxAge.Seconds())
	case maxAge < 0:
		c.MaxAge = -1
	}
	return c
}

// clientIP returns the address of the connection's far end.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
