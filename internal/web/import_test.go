package web_test

import (
	"bufio"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSlowImportUpload sends an export over a slow line to a server with
// a short read timeout: the import page reads the upload as a stream
// under its own deadline and checks the CSRF token from the form's first
// part, so the import happens instead of "this form has expired".
func TestSlowImportUpload(t *testing.T) {
	s := newSiteWithAdmin(t)
	slow := httptest.NewUnstartedServer(s.web)
	slow.Config.ReadTimeout = 300 * time.Millisecond
	slow.Start()
	defer slow.Close()
	b := s.browser(t)
	b.base = slow.URL
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/import")

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("csrf_token", token)
		f, _ := mw.CreateFormFile("file", "export.xml")
		// The export arrives in pieces over more than the read timeout.
		for i, piece := range strings.SplitAfter(importedThread, "<item>") {
			if i > 0 {
				time.Sleep(time.Second)
			}
			io.WriteString(f, piece)
		}
		mw.Close()
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, slow.URL+"/admin/import", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := b.do(req)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Imported") {
		_, msg, _ := strings.Cut(r.Body, `class="error"`)
		_, msg, _ = strings.Cut(msg, ">")
		t.Fatalf("slow upload: %d %.200s", r.StatusCode, msg)
	}
	if _, _, err := s.svc.Reading.PostAt(t.Context(), "/2012/06/01/swifts/"); err != nil {
		t.Errorf("the imported post: %v", err)
	}
}

// TestImportFormRefusals sends broken import forms: a missing token, a
// missing boundary, thousands of parts. Each gets a clear answer fast
// and imports nothing.
func TestImportFormRefusals(t *testing.T) {
	s := newSiteWithAdmin(t)
	b := s.browser(t)
	b.login("ada@example.com", "analytical engine")
	token := b.csrf("/admin/import")
	send := func(ctype, body string) response {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/import", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		return b.do(req)
	}
	form := func(fields ...string) (string, string) {
		var sb strings.Builder
		mw := multipart.NewWriter(&sb)
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i] == "file" {
				f, _ := mw.CreateFormFile("file", "export.xml")
				io.WriteString(f, fields[i+1])
			} else {
				mw.WriteField(fields[i], fields[i+1])
			}
		}
		mw.Close()
		return mw.FormDataContentType(), sb.String()
	}
	many := []string{}
	for range 5000 {
		many = append(many, "x", "y")
	}
	ctype, body := form("file", importedThread)
	manyType, manyBody := form(many...)
	tests := []struct {
		name, ctype, body string
		status            int
		says              string
	}{
		{"no token", ctype, body, http.StatusForbidden, "expired"},
		{"no boundary", "multipart/form-data", body, http.StatusUnprocessableEntity, "did not arrive as a file form"},
		{"thousands of parts", manyType, manyBody, http.StatusUnprocessableEntity, "Choose the export file"},
	}
	notXMLType, notXML := form("csrf_token", token, "file", "hello")
	tests = append(tests, struct {
		name, ctype, body string
		status            int
		says              string
	}{"not XML", notXMLType, notXML, http.StatusUnprocessableEntity, "Nothing was imported"})
	for _, tt := range tests {
		start := time.Now()
		r := send(tt.ctype, tt.body)
		if r.StatusCode != tt.status || !strings.Contains(r.Body, tt.says) || time.Since(start) > 5*time.Second {
			t.Errorf("%s: %d after %s, want %d saying %q", tt.name, r.StatusCode, time.Since(start), tt.status, tt.says)
		}
	}
	if _, _, err := s.svc.Reading.PostAt(t.Context(), "/2012/06/01/swifts/"); err == nil {
		t.Error("a refused form imported the post")
	}
}

// TestClaimedSizeRefusedUnread sends requests that claim a gigabyte and
// deliver a kilobyte: each is refused from its headers, without the
// server waiting for the rest.
func TestClaimedSizeRefusedUnread(t *testing.T) {
	s := newSiteWithAdmin(t)
	for _, path := range []string{"/admin/import", "/comments", "/admin/login"} {
		t.Run(path, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n%s",
				path, strings.TrimPrefix(s.URL, "http://"), 1<<30, strings.Repeat("x", 1024))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer before the body: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "larger than this site accepts") {
				t.Errorf("%d %.200s", resp.StatusCode, body)
			}
		})
	}
}
