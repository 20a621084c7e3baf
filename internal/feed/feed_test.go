package feed_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"folio/internal/feed"
)

func TestAbsoluteLinks(t *testing.T) {
	in := `<a href="/about/">a</a> <img src="/x.png"> <a href="//cdn.example/x">b</a> <a href="https://o.example/">c</a> <blockquote cite="/q/">q</blockquote> <a href="#fn:1">1</a>`
	want := `<a href="https://blog.example/about/">a</a> <img src="https://blog.example/x.png"> <a href="//cdn.example/x">b</a> <a href="https://o.example/">c</a> <blockquote cite="https://blog.example/q/">q</blockquote> <a href="#fn:1">1</a>`
	if got := feed.AbsoluteLinks(in, "https://blog.example"); got != want {
		t.Errorf("AbsoluteLinks =\n%s\nwant\n%s", got, want)
	}
}

func TestHostileText(t *testing.T) {
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	f := &feed.Feed{Title: "A & B <c> \x01bell", SiteURL: "https://blog.example/", FeedURL: "https://blog.example/feed/", ID: "tag:x,2000:1", Updated: at,
		Entries: []feed.Entry{{ID: "tag:x,2020:1", Title: "]]> \"q\" \x0b", URL: "https://blog.example/p/", Published: at, Updated: at,
			AuthorName: "Ann", ContentHTML: "<p>one ]]> two \x00</p>", Categories: []string{"x&y"}}}}
	for name, write := range map[string]func(*feed.Feed) ([]byte, error){"atom": feed.Atom, "rss": feed.RSS} {
		b, err := write(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var v struct {
			XMLName xml.Name
		}
		if err := xml.Unmarshal(b, &v); err != nil {
			t.Errorf("%s does not parse: %v\n%s", name, err, b)
		}
		if strings.ContainsAny(string(b), "\x00\x01\x0b") {
			t.Errorf("%s keeps control characters", name)
		}
		if !strings.Contains(string(b), "one ]]") {
			t.Errorf("%s lost content:\n%s", name, b)
		}
	}
	b, err := feed.JSON(f)
	if err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	if err := json.Unmarshal(b, &j); err != nil || j["version"] != "https://jsonfeed.org/version/1.1" {
		t.Errorf("JSON feed = %s, %v", b, err)
	}
}
