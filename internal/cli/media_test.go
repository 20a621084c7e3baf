package cli_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/locale"
	"folio/internal/markdown"
	"folio/internal/password"
	"folio/internal/picture"
	"folio/internal/store/postgres"
	"folio/internal/store/postgres/pgtest"
	"folio/internal/testkit"
)

// uploadTo sends a picture to site's library as the Media screen's form
// does and returns where the server sent the writer.
func uploadTo(t *testing.T, c *http.Client, site, name string, data []byte) string {
	t.Helper()
	resp, err := c.Get(site + "/admin/media")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the Media screen (%d)", resp.StatusCode)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", string(m[1]))
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	resp, err = c.Post(site+"/admin/media", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload to %s: status %d", site, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// get fetches url and returns the status, the ETag and the body's sum.
func get(t *testing.T, url string) (int, string, [32]byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), sha256.Sum256(b)
}

// TestTwoInstancesServeOneUpload uploads a photo through one folio
// serve on PostgreSQL and reads it through another: the second serves
// the same bytes at the same address, its post shows the picture, and
// once the picture is deleted through the first, neither serves it.
func TestTwoInstancesServeOneUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two server processes")
	}
	dbURL := pgtest.Fresh(t)
	bin := buildFolio(t)
	ctx := t.Context()
	st, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := blog.New(ctx, st, blog.Options{Words: locale.MustLoad(), Renderer: markdown.NewPosts(), CommentRenderer: markdown.NewComments(),
		Hasher: password.New(), Pictures: picture.Maker{}})
	if err != nil {
		t.Fatal(err)
	}
	const email, pass = "ada@example.com", "0123456789"
	admin, err := svc.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada", Email: email, Password: pass})
	if err != nil {
		t.Fatal(err)
	}
	a := startServe(t, bin, "--database", dbURL, "--data", t.TempDir())
	b := startServe(t, bin, "--database", dbURL, "--data", t.TempDir())

	ca := signIn(t, a.site, email, pass)
	where, _, _ := strings.Cut(uploadTo(t, ca, a.site, "hedge.jpg", testkit.PhoneJPEG(2000, 1500, 6)), "?")
	if !strings.HasPrefix(where, "/admin/media/") {
		t.Fatalf("the upload led to %s", where)
	}
	items, _, err := svc.Library.List(ctx, admin, blog.MediaFilter{})
	if err != nil || len(items) != 1 {
		t.Fatalf("library: %d items, %v", len(items), err)
	}
	m := items[0]
	post, err := svc.Writing.SavePost(ctx, admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "The hedge",
		Body: fmt.Sprintf("![A hedge](%s)", m.URL()), Status: blog.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	// B asks first for a copy A may not have made yet, so one of them
	// makes it from the stored original; both then serve the same bytes.
	for _, w := range m.Widths() {
		sb, eb, sumB := get(t, b.site+m.SizeURL(w))
		sa, ea, sumA := get(t, a.site+m.SizeURL(w))
		if sa != http.StatusOK || sb != http.StatusOK || sumA != sumB || ea != eb {
			t.Errorf("copy %d: A %d %s %x, B %d %s %x; want the same bytes from both", w, sa, ea, sumA[:4], sb, eb, sumB[:4])
		}
	}
	for _, p := range []*process{a, b} {
		if page := fetch(t, p.site+"/"+post.PublishedAt.Format("2006/01/02")+"/the-hedge/"); !strings.Contains(page, `srcset="`+m.Srcset()+`"`) {
			t.Errorf("%s's post page lacks the picture's copies", p.site)
		}
	}
	// Deleted through A (with the post's permission asked for), gone
	// from both.
	resp := submit(t, ca, a.site, where, where+"/delete", url.Values{"force": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete through A: %d", resp.StatusCode)
	}
	for _, p := range []*process{a, b} {
		if _, ok := within(time.Second, func() bool { s, _, _ := get(t, p.site+m.URL()); return s == http.StatusNotFound }); !ok {
			t.Errorf("%s still serves the deleted picture after 1 s", p.site)
		}
	}
}

// TestKilledServerKeepsAcknowledgedUploads kills folio serve on SQLite
// while writers upload photos: every upload it acknowledged is there
// after a restart, and its copies, which the killed process may not have
// finished, are made when readers ask.
func TestKilledServerKeepsAcknowledgedUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server process")
	}
	dir := t.TempDir()
	bin := buildFolio(t)
	svc := openService(t, dir)
	const email, pass = "ada@example.com", "0123456789"
	admin, err := svc.Accounts.SetupAdmin(t.Context(), blog.UserInput{Name: "Ada", Email: email, Password: pass})
	if err != nil {
		t.Fatal(err)
	}
	p := startServe(t, bin, "--data", dir, "--log-level", "error")
	c := signIn(t, p.site, email, pass)
	var acked []string
	deadline := time.Now().Add(1500 * time.Millisecond)
	for i := 0; time.Now().Before(deadline); i++ {
		where, _, _ := strings.Cut(uploadTo(t, c, p.site, fmt.Sprintf("photo-%d.jpg", i), testkit.PhoneJPEG(1600+i, 1200, 6)), "?")
		acked = append(acked, where)
	}
	// The last upload's copies are being made now: kill it mid-way.
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()

	q := startServe(t, bin, "--data", dir, "--log-level", "error")
	items, total, err := svc.Library.List(t.Context(), admin, blog.MediaFilter{})
	if err != nil || total != len(acked) {
		t.Fatalf("after the kill the library holds %d items (%v); %d uploads were acknowledged", total, err, len(acked))
	}
	for _, m := range items {
		for _, w := range m.Widths() {
			if s, _, _ := get(t, q.site+m.SizeURL(w)); s != http.StatusOK {
				t.Errorf("%s copy %d after the restart: %d", m.FileName, w, s)
			}
		}
	}
	t.Logf("%d uploads acknowledged before the kill, all kept", len(acked))
}
