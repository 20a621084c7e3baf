// Package cli is folio's command line: it parses subcommands and flags,
// builds the Config, opens the store, wires the services, and reports
// errors on stderr with a non-zero exit code. Only cli knows which store
// runs.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"folio/internal/activitypub"
	"folio/internal/akismet"
	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/locale"
	"folio/internal/mail"
	"folio/internal/markdown"
	"folio/internal/password"
	"folio/internal/peer"
	"folio/internal/picture"
	"folio/internal/theme"
	"folio/internal/twofactor"
	"folio/internal/web"
	"folio/internal/webmention"
)

// Env is what a command reads and writes besides its arguments, so tests
// can run commands in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// IsTerminal reports whether f is an interactive terminal; commands
	// show progress bars and prompts only then.
	IsTerminal func(f any) bool
}

// usage is printed for `folio help` and unknown commands.
const usage = `folio — a blog publishing engine

Usage:
  folio serve [--data DIR] [--addr HOST:PORT] [--theme DIR]
  folio user add --name NAME --email EMAIL [--role admin|editor|author]
  folio user password --email EMAIL
  folio user 2fa-off --email EMAIL
  folio token create --name NAME --scope "SCOPES" [--email EMAIL]
  folio token list
  folio token revoke ID
  folio import markdown [--author EMAIL] [--dry-run] PATH...
  folio import wordpress [--dry-run] [--uploads DIR] FILE.xml
  folio export wordpress FILE.xml
  folio export markdown DIR
  folio build --out DIR [--comments-endpoint URL] [--full]
  folio dev seed [--posts N] [--replies N] [--seed N]
  folio comment list [--status pending|approved|spam|trash] [--post ID]
  folio comment approve|unapprove|spam|trash|restore|delete ID...
  folio settings [set KEY=VALUE...]
  folio migrate
  folio db copy --from sqlite:PATH --to postgres://USER:PASS@HOST/DB [--replace]
  folio backup FILE.folio.gz
  folio restore [--replace] FILE.folio.gz
  folio version

Every command takes --data DIR (env FOLIO_DATA, default ./folio-data) and
--database URL (env FOLIO_DATABASE_URL): postgres://USER:PASS@HOST/DB runs
the site on PostgreSQL; by default it lives in a SQLite file in the data
folder.
Run "folio COMMAND -h" for a command's flags.
`

// version is folio's version, set at build time with
// -ldflags "-X folio/internal/cli.version=…".
var version = "dev"

// Main runs folio with args (without the program name) and returns the
// process exit code.
func Main(args []string, env Env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, env)
}

// Run is Main with the caller's context: cancelling ctx stops a running
// server gracefully.
func Run(ctx context.Context, args []string, env Env) int {
	err := run(ctx, args, env)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	fmt.Fprintln(env.Stderr, "folio:", describe(err))
	return 1
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, env)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return userAdd(ctx, rest[1:], env)
		}
		if len(rest) > 0 && rest[0] == "password" {
			return userPassword(ctx, rest[1:], env)
		}
		if len(rest) > 0 && rest[0] == "2fa-off" {
			return userSecondFactorsOff(ctx, rest[1:], env)
		}
		return fmt.Errorf("unknown user command; try: folio user add --name N --email E --role admin, folio user password --email E, or folio user 2fa-off --email E")
	case "token":
		return tokenCommand(ctx, rest, env)
	case "import":
		if len(rest) > 0 && rest[0] == "markdown" {
			return importMarkdown(ctx, rest[1:], env)
		}
		if len(rest) > 0 && rest[0] == "wordpress" {
			return importWordPress(ctx, rest[1:], env)
		}
		return fmt.Errorf("unknown import source; try: folio import markdown PATH, or folio import wordpress FILE.xml")
	case "comment":
		return commentCmd(ctx, rest, env)
	case "export":
		return exportCmd(ctx, rest, env)
	case "build":
		return buildCmd(ctx, rest, env)
	case "dev":
		return devCmd(ctx, rest, env)
	case "migrate":
		return migrateCmd(ctx, rest, env)
	case "db":
		return dbCmd(ctx, rest, env)
	case "settings":
		return settingsCmd(ctx, rest, env)
	case "backup":
		return backupCmd(ctx, rest, env)
	case "restore":
		return restoreCmd(ctx, rest, env)
	case "version":
		fmt.Fprintln(env.Stdout, "folio", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

// english holds the embedded catalogs, for the messages commands print
// in commandLanguage.
var english = sync.OnceValue(locale.MustLoad)

// commandLanguage is the language commands speak.
const commandLanguage = "en"

// describe turns an error into a message for people: validation errors
// list each field.
func describe(err error) string {
	var item *blog.ItemError
	if errors.As(err, &item) && item.Name != "" {
		return item.Name + ": " + describe(item.Err) + "\nNothing was imported."
	}
	var v *blog.ValidationError
	if errors.As(err, &v) {
		var b strings.Builder
		b.WriteString("invalid input:")
		for field, msg := range v.In(english(), commandLanguage) {
			fmt.Fprintf(&b, "\n  --%s: %s", strings.ReplaceAll(field, "_", "-"), msg)
		}
		return b.String()
	}
	return err.Error()
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("folio "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// site is an open store with its services.
type site struct {
	store     store
	service   *blog.Services
	fediverse *activitypub.Client
}

func (s *site) Close() error { return s.store.Close() }

// webConfig hands the web layer the services its handlers call.
func (s *site) webConfig(th *theme.Theme, log *slog.Logger) web.Config {
	svc := s.service
	return web.Config{Site: svc.Site, Accounts: svc.Accounts, Writing: svc.Writing, Reading: svc.Reading,
		Discussion: svc.Discussion, Moving: svc.Moving, Library: svc.Library, Mentions: svc.Mentions,
		Federation: svc.Federation, Fediverse: s.fediverse, Version: version, Theme: th, Log: log}
}

// openSite opens (creating and migrating) the configured database and
// wires the services. onChange may be nil.
func openSite(ctx context.Context, cfg config.Config, onChange func(blog.Change)) (*site, error) {
	return openSiteWith(ctx, cfg, onChange, true, nil, false)
}

// openSiteWith is openSite; without upgrade, a PostgreSQL database whose
// schema is older than this folio is refused instead of migrated, since
// older folio processes may still be serving from it. words are the
// catalogs a command already loaded with its theme; nil loads them.
// frozen reads the site as of one moment, for a build (blog.Options).
func openSiteWith(ctx context.Context, cfg config.Config, onChange func(blog.Change), upgrade bool, words *locale.Book, frozen bool) (*site, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	st, err := openStore(ctx, cfg.DatabaseURL(), upgrade)
	if err != nil {
		return nil, err
	}
	if words == nil {
		if words, err = locale.Load(cfg.ThemeDir); err != nil {
			st.Close()
			return nil, err
		}
	}
	fed := activitypub.NewClient(peer.AllowPrivate())
	svc, err := blog.New(ctx, st, blog.Options{
		Words:           words,
		Frozen:          frozen,
		Renderer:        markdown.NewPosts(),
		CommentRenderer: markdown.NewComments(),
		Mailer:          &mail.SMTP{},
		SpamChecker:     akismet.New(),
		Hasher:          password.New(),
		Pictures:        picture.Maker{},
		Codes:           twofactor.Codes{},
		Passkeys:        twofactor.Passkeys{},
		Peer:            webmention.New(),
		Fediverse:       fed,
		// Plain http federates only where private peers are allowed.
		FederateOverHTTP: peer.AllowPrivate(),
		OnChange:         onChange,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &site{store: st, service: svc, fediverse: fed}, nil
}

func migrateCmd(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	fs := newFlags("migrate", env)
	cfg.CommonFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(env.Stdout, "The database at", redact(cfg.DatabaseURL()), "is up to date.")
	return nil
}
