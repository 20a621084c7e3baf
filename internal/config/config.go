// Package config holds the process-level settings of a folio command:
// where the data lives, where to listen, which theme folder overrides the
// default. Each has a flag and an environment variable; the flag wins.
// Site settings that writers change (title, time zone, …) live in the
// database instead.
package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is built once in cli and passed down by value.
type Config struct {
	DataDir   string // --data, FOLIO_DATA; default ./folio-data
	Database  string // --database, FOLIO_DATABASE_URL; "" for the SQLite file in DataDir
	Addr      string // --addr, FOLIO_ADDR; default 127.0.0.1:8080
	ThemeDir  string // --theme, FOLIO_THEME; "" for the embedded theme
	LogLevel  string // --log-level, FOLIO_LOG_LEVEL: debug, info, warn, error
	LogFormat string // --log-format, FOLIO_LOG_FORMAT: text or json
	CacheMB   int64  // --cache-mb, FOLIO_CACHE_MB: page cache memory; negative turns it off
}

// Defaults.
const (
	DefaultDataDir = "./folio-data"
	DefaultAddr    = "127.0.0.1:8080"
)

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// CommonFlags registers the flags every command takes: --data,
// --log-level and --log-format.
func (c *Config) CommonFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", env("FOLIO_DATA", DefaultDataDir), "data folder holding the database (env FOLIO_DATA)")
	fs.StringVar(&c.Database, "database", env("FOLIO_DATABASE_URL", ""), "database: postgres://USER:PASS@HOST/DB, or sqlite:PATH; default the SQLite file in the data folder (env FOLIO_DATABASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", env("FOLIO_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env FOLIO_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("FOLIO_LOG_FORMAT", "text"), "log format: text or json (env FOLIO_LOG_FORMAT)")
}

// ServeFlags registers the flags of `folio serve` on fs.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.CommonFlags(fs)
	fs.StringVar(&c.Addr, "addr", env("FOLIO_ADDR", DefaultAddr), "address to listen on (env FOLIO_ADDR)")
	fs.StringVar(&c.ThemeDir, "theme", env("FOLIO_THEME", ""), "folder whose templates/ and static/ files override the default theme (env FOLIO_THEME)")
	cacheMB, _ := strconv.ParseInt(env("FOLIO_CACHE_MB", "64"), 10, 64)
	fs.Int64Var(&c.CacheMB, "cache-mb", cacheMB, "memory for the page cache in MiB; -1 turns it off (env FOLIO_CACHE_MB)")
}

// BackupsDir returns the folder of scheduled backups inside the data
// folder.
func (c Config) BackupsDir() string { return filepath.Join(c.DataDir, "backups") }

// UploadsDir returns the folder of imported files inside the data folder.
func (c Config) UploadsDir() string { return filepath.Join(c.DataDir, "uploads") }

// DatabasePath returns the SQLite file inside the data folder.
func (c Config) DatabasePath() string { return filepath.Join(c.DataDir, "folio.db") }

// DatabaseURL returns where the site's database is: the --database value,
// or sqlite: and the file in the data folder.
func (c Config) DatabaseURL() string {
	if c.Database != "" {
		return c.Database
	}
	return "sqlite:" + c.DatabasePath()
}

// Logger returns the logger the flags describe, writing to w.
func (c Config) Logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(c.LogFormat) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", c.LogFormat)
}
