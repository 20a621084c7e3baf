package theme_test

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/blog"
	"folio/internal/theme"
)

var funcs = template.FuncMap{"html": func(s string) template.HTML { return template.HTML(s) }, "quote": blog.Quote}

func TestLoadEmbedded(t *testing.T) {
	th, err := theme.Load("", funcs)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"style.css", "syntax.css", "admin.css", "admin.js", "favicon.svg"} {
		p := th.AssetPath(name)
		if !strings.HasPrefix(p, "/static/") || p == "/static/"+name {
			t.Errorf("AssetPath(%s) = %q, want a hashed path", name, p)
		}
		a, ok := th.AssetAt(p)
		if !ok || a.Name != name || len(a.Body) == 0 {
			t.Errorf("AssetAt(%q) = %v, %v", p, a, ok)
		}
	}
	if css, _ := th.AssetAt(th.AssetPath("syntax.css")); !bytes.Contains(css.Body, []byte(".chroma")) || !bytes.Contains(css.Body, []byte("prefers-color-scheme: dark")) {
		t.Error("syntax.css lacks chroma classes for both colour schemes")
	}
	if err := th.Render(&bytes.Buffer{}, "no-such-page", nil); err == nil {
		t.Error("Render of a missing page succeeded")
	}
}

func TestOverrideAsset(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "static", "style.css"), []byte("body{color:red}"), 0o644); err != nil {
		t.Fatal(err)
	}
	def, _ := theme.Load("", funcs)
	th, err := theme.Load(dir, funcs)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := th.AssetAt(th.AssetPath("style.css"))
	if string(a.Body) != "body{color:red}" || th.AssetPath("style.css") == def.AssetPath("style.css") {
		t.Errorf("overridden style.css = %q at %s", a.Body, th.AssetPath("style.css"))
	}
	if th.AssetPath("admin.css") != def.AssetPath("admin.css") {
		t.Error("an asset the folder lacks did not come from the default theme")
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := theme.Load("/no/such/folder", funcs); err == nil {
		t.Error("Load of a missing folder succeeded")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "templates", "post.html"), []byte(`{{define "content"}}{{.Broken`), 0o644)
	if _, err := theme.Load(dir, funcs); err == nil || !strings.Contains(err.Error(), "post.html") {
		t.Errorf("Load with a broken template err = %v, want one naming post.html", err)
	}
}
