// Package theme holds folio's default templates and assets, embedded in
// the binary, and lets a designer override any of them by name from a
// folder on disk without rebuilding.
//
// Templates live in templates/: layout.html wraps every public page,
// admin/layout.html every admin page, partials/*.html are shared by both,
// and each other file is one page, named by its path without ".html"
// ("post", "admin/editor"). Assets in static/ are served under
// content-hashed names so they can be cached forever. A theme folder's
// locales/*.toml add to or override folio's message catalogs.
package theme

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"folio/internal/blog"
	"folio/internal/locale"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

//go:embed templates static
var embedded embed.FS

// Asset is a static file ready to serve.
type Asset struct {
	Name        string // e.g. "style.css"
	Path        string // e.g. "/static/style.1a2b3c4d5e.css"
	ContentType string
	Body        []byte
}

// Theme is a parsed set of page templates and assets. It is safe for
// concurrent use.
type Theme struct {
	pages  map[string]*template.Template
	assets map[string]*Asset // by Name
	byPath map[string]*Asset // by Path
	words  *locale.Book
}

// Load parses the embedded theme, with files in dir (if not "") taking
// the place of embedded files of the same path, e.g. dir/templates/post.html
// or dir/static/style.css. funcs are made available to every template.
func Load(dir string, funcs template.FuncMap) (*Theme, error) {
	fsys := fs.FS(embedded)
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("theme folder %s: not a readable folder", dir)
		}
		fsys = overlay{top: os.DirFS(dir), base: embedded}
	}
	words, err := locale.Load(dir)
	if err != nil {
		return nil, err
	}
	t := &Theme{pages: map[string]*template.Template{}, assets: map[string]*Asset{}, byPath: map[string]*Asset{}, words: words}
	if err := t.loadAssets(fsys); err != nil {
		return nil, err
	}
	all := template.FuncMap{
		"asset": t.AssetPath,
		"add":   func(a, b int) int { return a + b },
		"sub":   func(a, b int) int { return a - b },
		// pictureSizes is the sizes attribute of pictures in the column.
		"pictureSizes": func() string { return blog.PictureSizes },
	}
	for k, v := range funcs {
		all[k] = v
	}
	if err := t.loadPages(fsys, all); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Theme) loadAssets(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "static/*")
	if err != nil {
		return err
	}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		t.addAsset(path.Base(name), body)
	}
	if _, ok := t.assets["syntax.css"]; !ok {
		css, err := syntaxCSS()
		if err != nil {
			return err
		}
		t.addAsset("syntax.css", css)
	}
	if _, ok := t.assets["favicon.ico"]; !ok {
		t.addAsset("favicon.ico", drawnFavicon)
	}
	return nil
}

func (t *Theme) addAsset(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	a := &Asset{
		Name:        name,
		Path:        "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext,
		ContentType: mime.TypeByExtension(ext),
		Body:        body,
	}
	if a.ContentType == "" {
		a.ContentType = "application/octet-stream"
	}
	t.assets[name] = a
	t.byPath[a.Path] = a
}

// syntaxCSS returns the code highlighting classes for light and dark
// colour schemes, each under its own media query so no colour of one
// leaks into the other; paper gets the light one.
func syntaxCSS() ([]byte, error) {
	var buf bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true))
	for _, scheme := range []struct{ media, style string }{
		{"print, (prefers-color-scheme: light)", "github"},
		{"screen and (prefers-color-scheme: dark)", "github-dark"},
	} {
		buf.WriteString("@media " + scheme.media + " {\n")
		if err := f.WriteCSS(&buf, styles.Get(scheme.style)); err != nil {
			return nil, err
		}
		buf.WriteString("}\n")
	}
	return buf.Bytes(), nil
}

func (t *Theme) loadPages(fsys fs.FS, funcs template.FuncMap) error {
	partials, err := fs.Glob(fsys, "templates/partials/*.html")
	if err != nil {
		return err
	}
	for _, group := range []struct{ dir, prefix string }{{"templates", ""}, {"templates/admin", "admin/"}} {
		layout := group.dir + "/layout.html"
		base, err := template.New("").Funcs(funcs).ParseFS(fsys, append([]string{layout}, partials...)...)
		if err != nil {
			return fmt.Errorf("theme: %w", err)
		}
		files, err := fs.Glob(fsys, group.dir+"/*.html")
		if err != nil {
			return err
		}
		for _, f := range files {
			if f == layout {
				continue
			}
			tmpl, err := template.Must(base.Clone()).ParseFS(fsys, f)
			if err != nil {
				return fmt.Errorf("theme: %w", err)
			}
			t.pages[group.prefix+strings.TrimSuffix(path.Base(f), ".html")] = tmpl
		}
	}
	return nil
}

// ErrNoPage is returned by Render for a page the theme does not have.
var ErrNoPage = errors.New("theme: no such page")

// Render executes page (e.g. "post" or "admin/editor") with data into w.
func (t *Theme) Render(w io.Writer, page string, data any) error {
	tmpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoPage, page)
	}
	return tmpl.ExecuteTemplate(w, "layout", data)
}

// Fragment renders the template name of page's set (e.g. the "summary"
// partial of "list") with data, for a part of a page rendered once and
// shown on many.
func (t *Theme) Fragment(page, name string, data any) (template.HTML, error) {
	tmpl, ok := t.pages[page]
	if !ok {
		return "", fmt.Errorf("%w: %s", ErrNoPage, page)
	}
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// AssetPath returns the content-hashed URL path of the named asset, or ""
// when the theme has none by that name.
func (t *Theme) AssetPath(name string) string {
	if a, ok := t.assets[name]; ok {
		return a.Path
	}
	return ""
}

// Words returns the message catalogs, with the theme folder's.
func (t *Theme) Words() *locale.Book { return t.words }

// Favicon returns the icon served at /favicon.ico: the theme folder's
// static/favicon.ico, or one drawn like the default favicon.svg.
func (t *Theme) Favicon() *Asset { return t.assets["favicon.ico"] }

// AssetAt returns the asset served at the hashed URL path p.
func (t *Theme) AssetAt(p string) (*Asset, bool) {
	a, ok := t.byPath[p]
	return a, ok
}

// overlay reads a file from top when it exists there, else from base.
// Globs list the union of both.
type overlay struct {
	top, base fs.FS
}

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}

func (o overlay) Glob(pattern string) ([]string, error) {
	a, err := fs.Glob(o.base, pattern)
	if err != nil {
		return nil, err
	}
	b, err := fs.Glob(o.top, pattern)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range append(a, b...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}
