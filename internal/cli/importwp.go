package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/wordpress"
)

func importWordPress(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	var dryRun bool
	var uploads string
	fs := newFlags("import wordpress", env)
	cfg.CommonFlags(fs)
	fs.BoolVar(&dryRun, "dry-run", false, "read the whole file and report what would change, changing nothing")
	fs.StringVar(&uploads, "uploads", "", "a copy of the old site's wp-content/uploads folder; linked files in it are copied and their links rewritten")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("name one WordPress export file: folio import wordpress export.xml")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	// The bar counts kilobytes so files of any size fit an int.
	bar := newProgress(env, "reading", int(st.Size()/1024)+1)
	rep, err := wordpress.Import(ctx, s.service.Moving, nil, f, wordpress.Options{DryRun: dryRun, Uploads: uploads, UploadsTarget: cfg.UploadsDir(),
		Progress: func(n int64) { bar.set(int(n / 1024)) }})
	bar.done()
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was imported", fs.Arg(0), err)
	}
	verb := "Imported"
	if dryRun {
		verb = "Dry run, nothing changed. Would import"
	}
	fmt.Fprintf(env.Stdout, "%s from %s:\n", verb, fs.Arg(0))
	for _, k := range rep.Kinds() {
		fmt.Fprintf(env.Stdout, "  %-10s %5d new, %5d updated\n", k, rep.Created[k], rep.Updated[k])
	}
	if len(rep.Notes) > 0 {
		fmt.Fprintf(env.Stdout, "Notes:\n  %s\n", strings.Join(blog.Say(rep.Notes, english(), commandLanguage), "\n  "))
	}
	return nil
}
