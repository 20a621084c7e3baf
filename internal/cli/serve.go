package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/peer"
	"folio/internal/store/archive"
	"folio/internal/theme"
	"folio/internal/web"
)

// Server timeouts: slow clients cannot hold connections open for long.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
)

// HTTPServer is the server `folio serve` answers with, its timeouts set;
// errorLog may be nil. The benchmark's bare net/http anchor uses it too,
// so that both pay for the same deadlines.
func HTTPServer(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          errorLog,
	}
}

// How long serve waits for requests in flight when it stops, and how
// often its background work runs.
const (
	shutdownTimeout = 15 * time.Second
	// scheduleInterval is how often scheduled posts are checked.
	scheduleInterval = time.Second
	sweepInterval    = time.Hour
	mailInterval     = 10 * time.Second
	mentionInterval  = 5 * time.Second
	purgeInterval    = 24 * time.Hour
	// backupCheckInterval is how often a due scheduled backup is looked for.
	backupCheckInterval = time.Minute
	// pruneInterval is how often the change feed forgets old changes.
	pruneInterval = time.Minute
)

func serve(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	fs := newFlags("serve", env)
	cfg.ServeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	log, err := cfg.Logger(env.Stderr)
	if err != nil {
		return err
	}
	th, err := theme.Load(cfg.ThemeDir, web.Funcs())
	if err != nil {
		return err
	}
	var handler *web.Server
	s, err := openSiteWith(ctx, cfg, func(c blog.Change) {
		if handler != nil {
			handler.Invalidate(c)
		}
	}, false, th.Words(), false)
	if err != nil {
		return err
	}
	defer s.Close()

	var setupToken string
	needs, err := s.service.Accounts.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if needs {
		b := make([]byte, 24)
		rand.Read(b)
		setupToken = base64.RawURLEncoding.EncodeToString(b)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	wc := s.webConfig(th, log)
	wc.SetupToken, wc.UploadsDir, wc.CacheBytes = setupToken, cfg.UploadsDir(), cfg.CacheMB<<20
	wc.LastBackup = func() time.Time { return lastBackup(cfg.BackupsDir()) }
	wc.Backup = func(ctx context.Context, w io.Writer) error {
		_, err := archive.Write(ctx, s.store, time.Now(), w)
		return err
	}
	// Until the base URL is set, pages name the address listened on,
	// never the one a request's Host header claims.
	wc.Origin = siteURL("", ln.Addr().String())
	handler = web.New(wc)
	srv := HTTPServer(handler, slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	site := siteURL(s.service.Site.Settings().BaseURL, ln.Addr().String())
	db := redact(cfg.DatabaseURL())
	log.Info("folio is serving", "url", site, "database", db)
	if peer.AllowPrivate() {
		log.Warn("FOLIO_ALLOW_PRIVATE_PEERS=1: folio will fetch from and deliver to private and loopback addresses and plain http, " +
			"and federate on a plain http address; use this for tests and local development only")
	}
	fmt.Fprintf(env.Stdout, "folio is serving %s (database %s)\n", site, db)
	if setupToken != "" {
		fmt.Fprintf(env.Stdout, "\nThis site has no administrator yet. Open this one-time link to create one:\n\n  %s/admin/setup?token=%s\n\n", site, setupToken)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.background(ctx, log, cfg.BackupsDir())
	go s.deliver(ctx, log)
	// Writes of other processes and commands reach this one through the
	// store's change feed.
	go s.service.Site.Follow(ctx, func(err error) { log.Warn("change feed", "err", err) })

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, scancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// deliver sends the fediverse's deliveries as they fall due, apart from
// the other background work so a slow server delays nothing else.
func (s *site) deliver(ctx context.Context, log *slog.Logger) {
	tick := time.NewTicker(scheduleInterval)
	defer tick.Stop()
	for {
		if n, err := s.service.Federation.Deliver(ctx); err != nil && ctx.Err() == nil {
			log.Warn("deliver to the fediverse", "delivered", n, "err", err)
		} else if n > 0 {
			log.Info("delivered to the fediverse", "delivered", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// background publishes scheduled posts when their time comes (also those
// that fell due while the server was down), sends queued e-mail, sweeps
// expired sessions, purges old spam, trash and reply metadata, prunes the
// change feed, and takes scheduled backups into backups.
func (s *site) background(ctx context.Context, log *slog.Logger, backups string) {
	tick := time.NewTicker(scheduleInterval)
	defer tick.Stop()
	var lastSweep, lastMail, lastMentions, lastPurge, lastBackup, lastPrune time.Time
	every := func(last *time.Time, d time.Duration, job func()) {
		if time.Since(*last) >= d {
			job()
			*last = time.Now()
		}
	}
	for {
		if n, err := s.service.Writing.PublishDue(ctx); err != nil && ctx.Err() == nil {
			log.Error("publish scheduled posts", "err", err)
		} else if n > 0 {
			log.Info("published scheduled posts", "count", n)
		}
		if s.service.Outbox.MailWaiting() {
			lastMail = time.Time{} // someone waits for it: now
		}
		every(&lastMail, mailInterval, func() {
			n, err := s.service.Outbox.DeliverMail(ctx)
			if err != nil && ctx.Err() == nil {
				log.Error("deliver mail", "sent", n, "err", err)
			} else if n > 0 {
				log.Info("delivered mail", "sent", n)
			}
		})
		every(&lastMentions, mentionInterval, func() {
			if n, err := s.service.Mentions.Verify(ctx); err != nil && ctx.Err() == nil {
				log.Warn("verify webmentions", "settled", n, "err", err)
			} else if n > 0 {
				log.Info("verified webmentions", "settled", n)
			}
			if n, err := s.service.Mentions.Send(ctx); err != nil && ctx.Err() == nil {
				log.Warn("send webmentions", "sent", n, "err", err)
			} else if n > 0 {
				log.Info("sent webmentions", "sent", n)
			}
		})
		every(&lastSweep, sweepInterval, func() {
			if err := s.service.Accounts.SweepSessions(ctx); err != nil && ctx.Err() == nil {
				log.Error("sweep sessions", "err", err)
			}
			if err := s.service.Writing.SweepEditing(ctx); err != nil && ctx.Err() == nil {
				log.Error("sweep the editors' marks", "err", err)
			}
		})
		every(&lastPurge, purgeInterval, func() {
			deleted, cleared, err := s.service.Discussion.PurgeComments(ctx)
			if err != nil && ctx.Err() == nil {
				log.Error("purge replies", "err", err)
			} else if deleted+cleared > 0 {
				log.Info("purged replies", "deleted", deleted, "metadata_cleared", cleared)
			}
		})
		every(&lastPrune, pruneInterval, func() {
			if err := s.service.Site.PruneChanges(ctx); err != nil && ctx.Err() == nil {
				log.Error("prune the change feed", "err", err)
			}
		})
		every(&lastBackup, backupCheckInterval, func() {
			path, err := s.scheduledBackup(ctx, backups, time.Now())
			if err != nil && ctx.Err() == nil {
				log.Error("scheduled backup", "err", err)
			} else if path != "" {
				log.Info("backed up the database", "path", path)
			}
		})
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// siteURL is the address to print: the configured base URL, or the
// listener's.
func siteURL(base, addr string) string {
	if base != "" {
		return base
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port
}
