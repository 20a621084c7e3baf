package akismet_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"folio/internal/akismet"
	"folio/internal/blog"
)

func TestIsSpam(t *testing.T) {
	var got map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/1.1/comment-check" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		r.ParseForm()
		got = map[string]string{}
		for k := range r.PostForm {
			got[k] = r.PostForm.Get(k)
		}
		switch r.PostForm.Get("comment_content") {
		case "buy pills":
			w.Write([]byte("true"))
		case "broken":
			w.Write([]byte("Invalid API key."))
		default:
			w.Write([]byte("false"))
		}
	}))
	defer srv.Close()
	d := blog.DiscussionSettings{AkismetEndpoint: srv.URL, AkismetKey: "k123"}
	post := &blog.Post{Path: "/2026/01/01/x/"}
	c := akismet.New()
	tests := []struct {
		body    string
		spam    bool
		wantErr bool
	}{
		{"buy pills", true, false}, {"nice post", false, false}, {"broken", false, true},
	}
	for _, tt := range tests {
		spam, err := c.IsSpam(t.Context(), d, "https://blog.example", post, &blog.Comment{AuthorName: "A", AuthorEmail: "a@example.com", IP: "192.0.2.4", Body: tt.body})
		if spam != tt.spam || (err != nil) != tt.wantErr {
			t.Errorf("IsSpam(%q) = %v, %v", tt.body, spam, err)
		}
	}
	if got["api_key"] != "k123" || got["permalink"] != "https://blog.example/2026/01/01/x/" || got["user_ip"] != "192.0.2.4" || got["comment_type"] != "comment" {
		t.Errorf("request fields = %v", got)
	}
}
