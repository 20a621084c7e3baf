package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/frontmatter"
)

// markdownExts are the file endings an import reads.
var markdownExts = map[string]bool{".md": true, ".markdown": true, ".mdown": true}

func importMarkdown(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	var authorEmail string
	var dryRun bool
	fs := newFlags("import markdown", env)
	cfg.CommonFlags(fs)
	fs.StringVar(&authorEmail, "author", "", "e-mail of the user the posts belong to (default: the first administrator)")
	fs.BoolVar(&dryRun, "dry-run", false, "read and check every file, report what would be imported, and change nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("name at least one Markdown file or folder: folio import markdown content/posts")
	}
	files, err := markdownFiles(fs.Args())
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("no Markdown files (.md, .markdown) found in " + strings.Join(fs.Args(), ", "))
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	author, err := importAuthor(ctx, s, authorEmail)
	if err != nil {
		return err
	}

	// Every file is read and checked before anything is written, so a bad
	// file leaves the site as it was.
	loc := s.service.Site.Settings().Location()
	inputs := make([]blog.PostInput, 0, len(files))
	var problems []string
	bar := newProgress(env, "reading", len(files))
	for i, f := range files {
		data, err := frontmatter.ReadFile(f)
		if err == nil {
			var in blog.PostInput
			in, err = frontmatter.Parse(f, data, loc)
			inputs = append(inputs, in)
		}
		if err != nil {
			problems = append(problems, err.Error())
		}
		bar.set(i + 1)
	}
	bar.done()
	if len(problems) > 0 {
		return fmt.Errorf("nothing was imported; fix these files first:\n  %s", strings.Join(problems, "\n  "))
	}
	if dryRun {
		fmt.Fprintf(env.Stdout, "Dry run: %d files are ready to import; nothing was changed.\n", len(inputs))
		return nil
	}
	bar = newProgress(env, "importing", len(inputs))
	res, err := s.service.Moving.ImportPosts(ctx, author, inputs, bar.set)
	bar.done()
	var item *blog.ItemError
	if errors.As(err, &item) {
		return fmt.Errorf("nothing was imported; %s: %s", files[item.Index], describe(item.Err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Imported %d files: %d new, %d updated.\n", len(inputs), res.Created, res.Updated)
	return nil
}

// markdownFiles expands folders into the Markdown files inside them, in
// a stable order.
func markdownFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != p {
				return filepath.SkipDir
			}
			if !d.IsDir() && markdownExts[strings.ToLower(filepath.Ext(path))] {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// importAuthor finds the user named by email, or the first administrator.
func importAuthor(ctx context.Context, s *site, email string) (*blog.User, error) {
	users, err := s.service.Accounts.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if (email != "" && strings.EqualFold(u.Email, strings.TrimSpace(email))) || (email == "" && u.Role == blog.RoleAdmin) {
			return u, nil
		}
	}
	if email != "" {
		return nil, fmt.Errorf("--author %s: no user has this e-mail address", email)
	}
	return nil, errors.New("the site has no administrator to own the posts; create one first with folio user add --role admin, or pass --author")
}
