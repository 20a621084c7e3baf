package activitypub

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"folio/internal/blog"
)

func keyPair(t testing.TB) (privatePEM, publicPEM string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := x509.MarshalPKCS8PrivateKey(k)
	pub, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
}

// TestSignAndVerify: a request signed by Sign verifies, as the server
// receives it; every way of spoiling it is refused.
func TestSignAndVerify(t *testing.T) {
	priv, pub := keyPair(t)
	_, otherPub := keyPair(t)
	body := []byte(`{"type":"Follow"}`)
	signed := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "https://blog.example/ap/inbox", bytes.NewReader(body))
		if err := Sign(r, "https://social.example/users/pia#main-key", priv, body); err != nil {
			t.Fatal(err)
		}
		// As a server sees it: Host moved out of the header map.
		r.Header.Del("Host")
		return r
	}
	now := time.Now()
	for _, tc := range []struct {
		name  string
		spoil func(r *http.Request) ([]byte, string, time.Time)
		ok    bool
	}{
		{"as signed", func(r *http.Request) ([]byte, string, time.Time) { return body, pub, now }, true},
		{"another key", func(r *http.Request) ([]byte, string, time.Time) { return body, otherPub, now }, false},
		{"another body", func(r *http.Request) ([]byte, string, time.Time) { return []byte(`{"type":"Delete"}`), pub, now }, false},
		{"another digest too", func(r *http.Request) ([]byte, string, time.Time) {
			r.Header.Set("Digest", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
			return []byte{}, pub, now
		}, false},
		{"no digest", func(r *http.Request) ([]byte, string, time.Time) { r.Header.Del("Digest"); return body, pub, now }, false},
		{"another path", func(r *http.Request) ([]byte, string, time.Time) {
			r.URL.Path = "/ap/actors/1/inbox"
			return body, pub, now
		}, false},
		{"another host", func(r *http.Request) ([]byte, string, time.Time) { r.Host = "evil.example"; return body, pub, now }, false},
		{"ten minutes late", func(r *http.Request) ([]byte, string, time.Time) { return body, pub, now.Add(10 * time.Minute) }, false},
		{"unsigned", func(r *http.Request) ([]byte, string, time.Time) { r.Header.Del("Signature"); return body, pub, now }, false},
		{"headers left out", func(r *http.Request) ([]byte, string, time.Time) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), `headers="(request-target) host date digest"`, `headers="date"`, 1))
			return body, pub, now
		}, false},
	} {
		r := signed()
		b, key, at := tc.spoil(r)
		err := Verify(r, b, key, at)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if id, err := KeyID(signed()); err != nil || id != "https://social.example/users/pia#main-key" {
		t.Errorf("KeyID: %q %v", id, err)
	}
}

// TestParseActivity reads activities as Mastodon sends them.
func TestParseActivity(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       Activity
	}{
		{"a follow", `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://m.example/f/1","type":"Follow","actor":"https://m.example/users/a","object":"https://blog.example/ap/actors/1"}`,
			Activity{Type: "Follow", ID: "https://m.example/f/1", Actor: "https://m.example/users/a", Object: Object{ID: "https://blog.example/ap/actors/1"}}},
		{"an undone follow", `{"id":"https://m.example/u/1","type":"Undo","actor":"https://m.example/users/a","object":{"id":"https://m.example/f/1","type":"Follow","actor":"https://m.example/users/a","object":"https://blog.example/ap/actors/1"}}`,
			Activity{Type: "Undo", ID: "https://m.example/u/1", Actor: "https://m.example/users/a",
				Object: Object{ID: "https://m.example/f/1", Type: "Follow", Actor: "https://m.example/users/a", Target: "https://blog.example/ap/actors/1"}}},
		{"a reply", `{"id":"https://m.example/s/1/activity","type":"Create","actor":"https://m.example/users/a","object":{"id":"https://m.example/s/1","type":"Note","attributedTo":"https://m.example/users/a","inReplyTo":"https://blog.example/ap/posts/3","content":"<p>Hi</p>","url":"https://m.example/@a/1","published":"2026-12-01T10:00:00Z","tag":[{"type":"Mention","href":"https://blog.example/ap/actors/1","name":"@ada@blog.example"},{"type":"Hashtag","href":"https://m.example/tags/x","name":"#x"}]}}`,
			Activity{Type: "Create", ID: "https://m.example/s/1/activity", Actor: "https://m.example/users/a",
				Object: Object{ID: "https://m.example/s/1", Type: "Note", AttributedTo: "https://m.example/users/a", InReplyTo: "https://blog.example/ap/posts/3",
					URL: "https://m.example/@a/1", Content: "<p>Hi</p>", Published: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Mentions: []string{"https://blog.example/ap/actors/1"}}}},
		{"a deleted note", `{"id":"https://m.example/s/1#delete","type":"Delete","actor":"https://m.example/users/a","object":{"id":"https://m.example/s/1","type":"Tombstone"}}`,
			Activity{Type: "Delete", ID: "https://m.example/s/1#delete", Actor: "https://m.example/users/a", Object: Object{ID: "https://m.example/s/1", Type: "Tombstone"}}},
	} {
		got, err := ParseActivity([]byte(tc.body))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if g, w := got.Object, tc.want.Object; got.Type != tc.want.Type || got.ID != tc.want.ID || got.Actor != tc.want.Actor ||
			g.ID != w.ID || g.Type != w.Type || g.AttributedTo != w.AttributedTo || g.InReplyTo != w.InReplyTo || g.URL != w.URL ||
			g.Content != w.Content || !g.Published.Equal(w.Published) || strings.Join(g.Mentions, " ") != strings.Join(w.Mentions, " ") ||
			g.Actor != w.Actor || g.Target != w.Target {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	for _, bad := range []string{``, `[]`, `{"type":"Follow"}`, `not json`, `{"id":"x","type":"Note","content":"no actor"}`} {
		if _, err := ParseActivity([]byte(bad)); err == nil {
			t.Errorf("ParseActivity(%q) read it", bad)
		}
	}
}

// TestText turns notes' HTML into the plain text replies hold.
func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>Plain.</p>`, "Plain."},
		{`<p><span class="h-card"><a href="https://b.example/ap/actors/1" class="u-url mention">@<span>ada</span></a></span> Thanks!</p>`, "Thanks!"},
		{`<p>One</p><p>Two<br>lines</p>`, "One\n\nTwo\nlines"},
		{`<p>See <a href="https://x.example/">this page</a>.</p>`, "See this page."},
		{`<p>Hi <a class="mention" href="https://b.example/u/x">@x</a> there</p>`, "Hi @x there"},
		{`<script>alert(1)</script><p>Safe &amp; sound</p>`, "Safe & sound"},
		{`<img src=x onerror=alert(1)>`, ""},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReadActor refuses actors whose inbox or key is on another server.
func TestReadActor(t *testing.T) {
	_, pub := keyPair(t)
	doc := func(inbox, key string) []byte {
		return []byte(`{"id":"https://m.example/users/a","type":"Person","preferredUsername":"a","name":"A","inbox":"` + inbox +
			`","endpoints":{"sharedInbox":"https://m.example/inbox"},"publicKey":{"id":"` + key + `","owner":"https://m.example/users/a","publicKeyPem":` +
			strings.ReplaceAll(`"`+strings.ReplaceAll(pub, "\n", `\n`)+`"`, "\t", "") + `}}`)
	}
	a, err := readActor(doc("https://m.example/users/a/inbox", "https://m.example/users/a#main-key"))
	if err != nil || a.Host != "m.example" || a.SharedInbox != "https://m.example/inbox" || a.Handle != "a" || a.KeyID != "https://m.example/users/a#main-key" {
		t.Fatalf("readActor: %+v %v", a, err)
	}
	for _, bad := range [][]byte{
		doc("https://evil.example/inbox", "https://m.example/users/a#main-key"),
		doc("https://m.example/users/a/inbox", "https://evil.example/key"),
		[]byte(`{"id":"https://m.example/notes/1","type":"Note"}`),
	} {
		if a, err := readActor(bad); err == nil {
			t.Errorf("readActor took %+v", a)
		}
	}
}

func TestAccepts(t *testing.T) {
	for accept, want := range map[string]bool{
		"application/activity+json": true,
		`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`: true,
		"text/html,application/xhtml+xml":                                      false,
		"application/ld+json":                                                  false,
		"":                                                                     false,
	} {
		if Accepts(accept) != want {
			t.Errorf("Accepts(%q) != %v", accept, want)
		}
	}
}

// TestArticle writes a post as the fediverse reads it.
func TestArticle(t *testing.T) {
	st := blog.DefaultSettings()
	st.BaseURL = "https://blog.example"
	p := &blog.Post{ID: 7, Kind: blog.KindPost, Title: "On paper", BodyHTML: "<p>Paper keeps.</p>", Lede: "Why <paper>", Path: "/2026/12/01/on-paper/",
		PublishedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Tags: []blog.Term{{Name: "slow web", Slug: "slow-web"}}}
	u := &blog.User{ID: 1, Name: "Ada", Slug: "ada"}
	for verb, wants := range map[blog.Verb][]string{
		blog.VerbCreate: {`"type":"Create"`, `"type":"Article"`, `"id":"https://blog.example/ap/posts/7"`, `"summary":"Why \u0026lt;paper\u0026gt;"`,
			`"name":"#SlowWeb"`, `"href":"https://blog.example/tag/slow-web/"`, `"url":"https://blog.example/2026/12/01/on-paper/"`,
			`"cc":["https://blog.example/ap/actors/1/followers"]`, `"attributedTo":"https://blog.example/ap/actors/1"`,
			`"content":"\u003cp\u003ePaper keeps.\u003c/p\u003e"`, `"contentMap":{"en":"\u003cp\u003ePaper keeps.\u003c/p\u003e"}`,
			`"nameMap":{"en":"On paper"}`},
		blog.VerbDelete: {`"type":"Delete"`, `"type":"Tombstone"`, `"id":"https://blog.example/ap/posts/7"`},
	} {
		b, err := Vocabulary{}.PostActivity(st, verb, p, u)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !bytes.Contains(b, []byte(w)) {
				t.Errorf("%s lacks %s:\n%s", verb, w, b)
			}
		}
	}
	// A post in its own language says so in the maps.
	p.Language = "de"
	b, err := Vocabulary{}.Article(st, p, u)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"contentMap":{"de":`)) || !bytes.Contains(b, []byte(`"summaryMap":{"de":`)) {
		t.Errorf("a German post's Article lacks its language:\n%s", b)
	}
}
