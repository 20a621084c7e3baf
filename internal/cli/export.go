package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/export"
	"folio/internal/wordpress"
)

// exportCmd writes the whole site as a WordPress export or as Hugo
// Markdown.
func exportCmd(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || (args[0] != "wordpress" && args[0] != "markdown") {
		return errors.New("say what to write: folio export wordpress FILE.xml, or folio export markdown DIR")
	}
	format := args[0]
	var cfg config.Config
	fs := newFlags("export "+format, env)
	cfg.CommonFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("name where to write: folio export %s %s", format, map[string]string{"wordpress": "FILE.xml", "markdown": "DIR"}[format])
	}
	target := fs.Arg(0)
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	all, err := s.service.Moving.Export(ctx, nil)
	if err != nil {
		return err
	}
	st := s.service.Site.Settings()
	if format == "markdown" {
		stats, err := export.Markdown(target, all, st, func(m *blog.Media) ([]byte, error) {
			_, data, err := s.service.Library.Copy(ctx, m.Key, 0)
			return data, err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Wrote %d posts, %d pages, %d replies and %d pictures to %s.\n", stats.Posts, stats.Pages, stats.Replies, stats.Pictures, target)
		return nil
	}
	base := st.BaseURL
	if base == "" {
		base = "http://localhost"
	}
	if err := writeFile(target, func(w io.Writer) error { return wordpress.Export(w, all, st, base) }); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Wrote %d posts and pages and %d replies to %s.\n", len(all.Posts), len(all.Comments), target)
	return nil
}

// writeFile writes target through write: into a file beside it, synced
// and renamed (the folder synced too), so a failure or a kill never
// leaves half a file under the name asked for. What a killed run left
// beside it (".NAME.partial-*", untouched for partialAge) is removed
// first.
func writeFile(target string, write func(io.Writer) error) error {
	dir, name := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	removePartials(dir, name)
	tmp, err := os.CreateTemp(dir, "."+name+partialMark+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// partialMark names the files writeFile writes before renaming them;
// one untouched for partialAge belongs to a run that was killed, since a
// live one writes continuously.
const (
	partialMark = ".partial-"
	partialAge  = 10 * time.Minute
)

// removePartials deletes the leftovers of killed writes of name in dir.
func removePartials(dir, name string) {
	old, _ := filepath.Glob(filepath.Join(dir, "."+name+partialMark+"*"))
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > partialAge {
			os.Remove(p)
		}
	}
}
