package web_test

import (
	"bytes"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"folio/internal/blog"
	"folio/internal/testkit"
)

// file is one file of an upload form.
type file struct {
	name string
	data []byte
}

// upload sends files to the library as the Media screen's form does;
// accept, when set, is the request's Accept header.
func (b *browser) upload(accept string, files ...file) response {
	b.tb.Helper()
	token := b.csrf("/admin/media")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", token)
	for _, f := range files {
		w, _ := mw.CreateFormFile("file", f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/admin/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return b.do(req)
}

// libraryCount returns how many items the library holds.
func (s *site) libraryCount(t *testing.T) int {
	t.Helper()
	_, n, err := s.svc.Library.List(t.Context(), s.admin, blog.MediaFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUploadRefusals sends what must not enter the library, on both
// stores: each is refused with a message that names the file and says
// why, the form is shown again, and nothing is stored.
func TestUploadRefusals(t *testing.T) {
	onBothStores(t, func(t *testing.T, s *site) {
		if _, err := s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"media_max_mb": "1"}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.login("ada@example.com", "analytical engine")
		phone := testkit.PhoneJPEG(400, 300, 6)
		for _, tt := range []struct {
			name   string
			f      file
			status int
			says   string
		}{
			{"truncated JPEG", file{"cut.jpg", phone[:len(phone)*2/3]}, http.StatusUnprocessableEntity, "damaged or incomplete"},
			{"HTML named .jpg", file{"page.jpg", []byte("<!doctype html><script>alert(document.cookie)</script>")}, http.StatusUnprocessableEntity, "not a picture"},
			{"SVG with a script", file{"logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`)}, http.StatusUnprocessableEntity, "SVG files can carry scripts"},
			{"pixel bomb", file{"bomb.png", testkit.PixelBomb(40000, 40000)}, http.StatusUnprocessableEntity, "40000 × 40000 pixels"},
			{"over the size limit", file{"huge.jpg", append(testkit.Photo(300, 200), make([]byte, 3<<19)...)}, http.StatusRequestEntityTooLarge, "larger than 1 MiB"},
			{"no file", file{}, http.StatusUnprocessableEntity, "Choose one or more pictures"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var r response
				if tt.f.name == "" {
					r = b.upload("")
				} else {
					r = b.upload("", tt.f)
				}
				if r.StatusCode != tt.status {
					t.Fatalf("status %d, want %d:\n%s", r.StatusCode, tt.status, r.Body)
				}
				mustContain(t, "the refusal", r.Body, tt.says, tt.f.name, `enctype="multipart/form-data"`)
				if n := s.libraryCount(t); n != 0 {
					t.Errorf("the library holds %d items after a refusal", n)
				}
			})
		}
		// The editor's script asks for JSON and gets the reason.
		r := b.upload("application/json", file{"page.jpg", []byte("<html>")})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"error":"This file is not a picture`) {
			t.Errorf("JSON refusal %d: %s", r.StatusCode, r.Body)
		}
	})
}

var srcsetRe = regexp.MustCompile(`srcset="([^"]+)"`)

// TestPictureFromUploadToReader uploads a phone photo, on both stores,
// publishes a post showing it, and reads it as a reader does: a figure with its sizes and
// caption, copies upright and without metadata, cached for a year with
// 304s; then it is deleted, refused first while the post shows it.
func TestPictureFromUploadToReader(t *testing.T) {
	onBothStores(t, func(t *testing.T, s *site) {
		b := s.browser(t)
		b.login("ada@example.com", "analytical engine")
		r := b.upload("", file{"IMG_2041.JPG", testkit.PhoneJPEG(1800, 1200, 6)}, file{"map.png", testkit.PNG(300, 200)})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/media?done=uploaded-several" {
			t.Fatalf("upload of two: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
		}
		items, _, err := s.svc.Library.List(t.Context(), s.admin, blog.MediaFilter{})
		if err != nil || len(items) != 2 {
			t.Fatalf("library: %d items, %v", len(items), err)
		}
		photo := items[1] // newest first: the PNG came second
		if photo.FileName != "IMG_2041.JPG" || photo.Width != 1200 || photo.Height != 1800 {
			t.Fatalf("the photo is %+v; want upright, 1200 × 1800", photo)
		}
		page := "/admin/media/" + strconv.FormatInt(photo.ID, 10)
		r = b.post(page, url.Values{"csrf_token": {b.csrf(page)}, "alt": {"A rose bush against a brick wall"}, "caption": {"The garden in June"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("describe: %d\n%s", r.StatusCode, r.Body)
		}
		item := b.get(page)
		md := `![A rose bush against a brick wall](` + photo.URL() + ` &#34;The garden in June&#34;)`
		mustContain(t, "the item page", item.Body, md, photo.SizeURL(480), "1200 × 1800", "/original")

		// A post with it, and with a picture from elsewhere.
		body := "Roses again.\n\n![A rose bush against a brick wall](" + photo.URL() + ` "The garden in June")` +
			"\n\nAnd one from elsewhere: ![a chart](https://example.org/chart.png)\n"
		post, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "June roses", Body: body,
			Status: blog.StatusPublished, FeaturedID: items[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		reader := s.browser(t)
		html := reader.get(post.Path).Body
		mustContain(t, "the post", html, `<figure><img src="`+photo.URL()+`"`, `width="1200" height="1800"`,
			`sizes="`+blog.PictureSizes+`"`, `decoding="async"`, `<figcaption>The garden in June</figcaption>`,
			`<img src="https://example.org/chart.png" alt="a chart">`)
		sets := srcsetRe.FindAllStringSubmatch(html, -1)
		var body2 string
		for _, m := range sets {
			if strings.Contains(m[1], photo.Key) {
				body2 = m[1]
			}
		}
		want := photo.SizeURL(480) + " 480w, " + photo.SizeURL(800) + " 800w, " + photo.URL() + " 1200w"
		if body2 != want {
			t.Errorf("srcset %q, want %q (never wider than the original)", body2, want)
		}
		// The featured PNG is first on the page: it loads at once; the
		// photo in the text was first in its text.
		mustContain(t, "the post", html, `<figure class="featured"><img class="u-photo" src="`+items[0].URL()+`"`, `fetchpriority="high"`,
			`<meta property="og:image" content="`+s.URL+items[0].URL()+`">`)

		// The copies.
		for _, w := range photo.Widths() {
			r := reader.get(photo.SizeURL(w))
			if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/jpeg" ||
				r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || r.Header.Get("ETag") == "" {
				t.Fatalf("copy %d: %d %v", w, r.StatusCode, r.Header)
			}
			for _, secret := range testkit.Secrets {
				if strings.Contains(r.Body, secret) {
					t.Errorf("copy %d carries %q", w, secret)
				}
			}
			img, err := jpeg.DecodeConfig(strings.NewReader(r.Body))
			if err != nil || img.Width != w || img.Height != photo.HeightAt(w) {
				t.Errorf("copy %d is %d × %d, %v; want %d × %d", w, img.Width, img.Height, err, w, photo.HeightAt(w))
			}
			req, _ := http.NewRequest(http.MethodGet, s.URL+photo.SizeURL(w), nil)
			req.Header.Set("If-None-Match", r.Header.Get("ETag"))
			if again := reader.do(req); again.StatusCode != http.StatusNotModified {
				t.Errorf("copy %d with its ETag: %d, want 304", w, again.StatusCode)
			}
		}
		base := "/media/" + photo.Key + "/"
		for _, bad := range []string{photo.URL() + "x", base + "other.jpg", base + "480/other.jpg", base + "480/" + photo.Name + ".png",
			base + "1600/" + photo.Name + ".jpg", base + "1200/" + photo.Name + ".jpg", base + "0480/" + photo.Name + ".jpg",
			base + "480/x/" + photo.Name + ".jpg", "/media/" + strings.Repeat("0", 20) + "/x.jpg"} {
			if r := reader.get(bad); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404 (one address per copy)", bad, r.StatusCode)
			}
		}

		// Used, so refused; then deleted anyway, and gone for readers.
		del := page + "/delete"
		r = b.post(del, url.Values{"csrf_token": {b.csrf(page)}})
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("delete while used: %d", r.StatusCode)
		}
		mustContain(t, "the refusal", r.Body, "June roses", "Delete it anyway")
		r = b.post(del, url.Values{"csrf_token": {b.csrf(page)}, "force": {"1"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("forced delete: %d\n%s", r.StatusCode, r.Body)
		}
		if r := reader.get(photo.SizeURL(480)); r.StatusCode != http.StatusNotFound {
			t.Errorf("a deleted picture's copy: %d, want 404", r.StatusCode)
		}
	})
}

// TestLibraryScreens lists, searches and filters the library, keeps an
// author to their own uploads, and hands the editor an upload's Markdown.
func TestLibraryScreens(t *testing.T) {
	s := newSiteWithAdmin(t)
	if _, err := s.svc.Accounts.CreateUser(t.Context(), s.admin, blog.UserInput{Name: "Bo", Email: "bo@example.com",
		Password: "an author's password", Role: blog.RoleAuthor}); err != nil {
		t.Fatal(err)
	}
	admin, author := s.browser(t), s.browser(t)
	admin.login("ada@example.com", "analytical engine")
	author.login("bo@example.com", "an author's password")
	r := author.upload("application/json", file{"tulips.gif", testkit.GIF(640, 480)})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("JSON upload: %d %s", r.StatusCode, r.Body)
	}
	mustContain(t, "the editor's answer", r.Body, `"markdown":"![](/media/`, `tulips.png)"`)
	if r := admin.upload("", file{"roses.png", testkit.PNG(500, 500)}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.StatusCode)
	}
	items, _, _ := s.svc.Library.List(t.Context(), s.admin, blog.MediaFilter{})
	roses, tulips := items[0], items[1]
	for _, tt := range []struct {
		who       *browser
		query     string
		shows     []string
		leavesOut []string
	}{
		{admin, "", []string{"roses.png", "tulips.gif"}, nil},
		{admin, "?q=TULIP", []string{"tulips.gif"}, []string{"roses.png"}},
		{admin, "?unused=1", []string{"roses.png", "tulips.gif"}, nil},
		{author, "", []string{"tulips.gif"}, []string{"roses.png"}},
	} {
		r := tt.who.get("/admin/media" + tt.query)
		mustContain(t, "/admin/media"+tt.query, r.Body, tt.shows...)
		for _, out := range tt.leavesOut {
			if strings.Contains(r.Body, out) {
				t.Errorf("/admin/media%s shows %s", tt.query, out)
			}
		}
	}
	if r := author.get("/admin/media/" + strconv.FormatInt(roses.ID, 10)); r.StatusCode != http.StatusNotFound {
		t.Errorf("an author opening another's upload: %d, want 404", r.StatusCode)
	}
	if r := author.get("/admin/media/" + strconv.FormatInt(roses.ID, 10) + "/original"); r.StatusCode != http.StatusNotFound {
		t.Errorf("an author fetching another's original: %d, want 404", r.StatusCode)
	}
	r = author.get("/admin/media/" + strconv.FormatInt(tulips.ID, 10) + "/original")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Body, "GIF89a") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("the original: %d %v", r.StatusCode, r.Header)
	}
	// Publishing a picture without alt text asks first.
	token := author.csrf("/admin/posts/new")
	form := url.Values{"csrf_token": {token}, "kind": {"post"}, "title": {"Tulips"}, "body": {tulips.Markdown()}, "action": {"publish"}}
	r = author.post("/admin/posts", form)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("publishing a picture without alt text: %d", r.StatusCode)
	}
	mustContain(t, "the editor", r.Body, "no alt text", `name="alt_ok"`, "Tulips")
	form.Set("alt_ok", "1")
	if r := author.post("/admin/posts", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("publishing anyway: %d\n%s", r.StatusCode, r.Body)
	}
	if r := admin.get("/admin/media?unused=1"); strings.Contains(r.Body, "tulips.gif") {
		t.Error("a picture a post shows is listed as unused")
	}
}

// TestFeaturedPictureInFeeds reads the feeds with gofeed: each carries
// the featured picture the way its format does.
func TestFeaturedPictureInFeeds(t *testing.T) {
	s := newSiteWithAdmin(t)
	m, err := s.svc.Library.Upload(t.Context(), s.admin, "cover.jpg", testkit.Photo(1600, 900))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Writing.SavePost(t.Context(), s.admin, 0, blog.PostInput{Kind: blog.KindPost, Title: "With a cover",
		Body: "Text.", Status: blog.StatusPublished, FeaturedID: m.ID}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	mustContain(t, "the home page", b.get("/").Body, `<figure class="featured"><img class="u-photo" src="`+m.URL()+`"`, `loading="lazy"`)
	for _, format := range []string{"rss", "atom", "json"} {
		path := "/feed/" + format + "/"
		if format == "rss" {
			path = "/feed/"
		}
		r := b.get(path)
		f, err := gofeed.NewParser().ParseString(r.Body)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		it := f.Items[0]
		got := ""
		switch {
		case it.Image != nil:
			got = it.Image.URL
		case len(it.Enclosures) > 0:
			got = it.Enclosures[0].URL
		case it.Extensions["media"]["content"] != nil:
			got = it.Extensions["media"]["content"][0].Attrs["url"]
		}
		if got != s.URL+m.URL() {
			t.Errorf("%s feed's picture %q, want %q", format, got, s.URL+m.URL())
		}
	}
}
