package web

import (
	"encoding/json"
	"testing"

	"folio/internal/blog"
)

// FuzzMicropubRequest reads arbitrary JSON as a Micropub request: an
// entry's properties and an update's replace, add and delete are read
// without failing, whatever shapes the values take.
func FuzzMicropubRequest(f *testing.F) {
	for _, seed := range []string{
		`{"type":["h-entry"],"properties":{"content":[{"html":"<b>x</b>"}],"photo":[{"value":"https://p.example/a.jpg","alt":"A"}],"category":["a","b"]}}`,
		`{"action":"update","url":"https://b.example/p/","replace":{"content":["x"],"published":["2026-12-01T10:00:00Z"]},"add":{"category":["c"]},"delete":["category"]}`,
		`{"action":"update","delete":{"category":["a"]}}`,
		`{"action":"update","replace":{"name":[1,{"value":2}],"post-status":[null]},"delete":7}`,
		`{"properties":{"content":[{}],"photo":[{"alt":3}]}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var req micropubRequest
		if json.Unmarshal([]byte(raw), &req) != nil {
			return
		}
		e := req.Properties
		_, _, _, _ = e.content(), e.photos(), e.strings("category"), e.first("name")
		p := &blog.Post{Kind: blog.KindPost, Status: blog.StatusPublished, Title: "T", Tags: []blog.Term{{Name: "a"}}}
		applyUpdate(p, req)
	})
}
