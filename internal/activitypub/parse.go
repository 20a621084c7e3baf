package activitypub

import (
	"errors"
	"fmt"
	"strings"
	"time"

	vocab "github.com/go-ap/activitypub"
	"golang.org/x/net/html"

	"folio/internal/blog"
)

// MaxActivity bounds an activity posted to an inbox, and a document
// fetched.
const MaxActivity = 256 << 10

// Activity is what arrived at an inbox, as far as folio reads it.
type Activity struct {
	Type  string
	ID    string
	Actor string
	// Object is the activity's object: its id, and its members when it
	// is embedded.
	Object Object
}

// Object is an activity's object.
type Object struct {
	ID           string
	Type         string
	AttributedTo string
	InReplyTo    string
	URL          string
	Content      string // HTML, as sent
	Published    time.Time
	Mentions     []string // the actors its Mention tags name
	// Actor and Object are an embedded activity's (an Undo's Follow or
	// Like).
	Actor, Target string
}

// ErrUnreadable refuses a body that is not an activity.
var ErrUnreadable = errors.New("not an ActivityStreams activity")

// ParseActivity reads an inbox's body.
func ParseActivity(body []byte) (*Activity, error) {
	if len(body) > MaxActivity {
		return nil, fmt.Errorf("%w: too large", ErrUnreadable)
	}
	it, err := vocab.UnmarshalJSON(body)
	if err != nil || it == nil {
		return nil, ErrUnreadable
	}
	var out *Activity
	err = vocab.OnActivity(it, func(act *vocab.Activity) error {
		out = &Activity{Type: string(act.Type), ID: string(act.ID)}
		if act.Actor != nil {
			out.Actor = string(act.Actor.GetLink())
		}
		if act.Object != nil {
			out.Object = readObject(act.Object)
		}
		return nil
	})
	if err != nil || out == nil || out.Type == "" || out.Actor == "" {
		return nil, ErrUnreadable
	}
	return out, nil
}

// readObject reads an object, embedded or named by its id.
func readObject(it vocab.Item) Object {
	o := Object{ID: string(it.GetLink())}
	if it.IsLink() {
		return o
	}
	o.Type = string(it.GetType())
	if vocab.ActivityTypes.Contains(it.GetType()) || vocab.IntransitiveActivityTypes.Contains(it.GetType()) {
		vocab.OnActivity(it, func(act *vocab.Activity) error {
			if act.Actor != nil {
				o.Actor = string(act.Actor.GetLink())
			}
			if act.Object != nil {
				o.Target = string(act.Object.GetLink())
			}
			return nil
		})
		return o
	}
	vocab.OnObject(it, func(ob *vocab.Object) error {
		if ob.AttributedTo != nil {
			o.AttributedTo = string(ob.AttributedTo.GetLink())
		}
		if ob.InReplyTo != nil {
			o.InReplyTo = string(ob.InReplyTo.GetLink())
		}
		if ob.URL != nil {
			o.URL = string(ob.URL.GetLink())
		}
		o.Content = first(ob.Content)
		o.Published = ob.Published
		for _, t := range ob.Tag {
			if t.GetType() != vocab.MentionType {
				continue
			}
			vocab.OnLink(t, func(l *vocab.Link) error {
				o.Mentions = append(o.Mentions, string(l.Href))
				return nil
			})
		}
		return nil
	})
	return o
}

// Note returns the note an object is, written by actor, with its text
// as plain text.
func (o Object) Note(actor *blog.RemoteActor) *blog.RemoteNote {
	return &blog.RemoteNote{ID: o.ID, URL: o.URL, InReplyTo: o.InReplyTo, Actor: actor, Text: Text(o.Content),
		Published: o.Published, Mentions: o.Mentions}
}

// IsNote reports whether an object is a note-like object folio takes as
// a reply.
func (o Object) IsNote() bool {
	switch o.Type {
	case "Note", "Article", "Page", "Question":
		return true
	}
	return false
}

// Text turns a note's HTML into plain text: paragraphs and line breaks
// kept, links by their text, the mentions a reply opens with left out
// (the thread shows whom it answers), everything else dropped.
func Text(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	leading := true // still before any text but mentions
	inMention := 0
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(squeeze(b.String()))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			switch tag {
			case "br":
				b.WriteString("\n")
			case "p", "div", "blockquote", "li", "pre":
				if b.Len() > 0 {
					b.WriteString("\n\n")
				}
			case "script", "style":
				if tt == html.StartTagToken {
					skip++
				}
			case "a", "span":
				if leading && hasAttr && tt == html.StartTagToken && mentionTag(z) {
					inMention++
				} else if inMention > 0 && tt == html.StartTagToken {
					inMention++
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			case "a", "span":
				if inMention > 0 {
					inMention--
				}
			}
		case html.TextToken:
			if skip > 0 || inMention > 0 {
				continue
			}
			t := string(z.Text())
			if leading && strings.TrimSpace(t) == "" {
				continue
			}
			if leading {
				t = strings.TrimLeft(t, " \t\n")
			}
			leading = false
			b.WriteString(t)
		}
	}
}

// mentionTag reports whether the tag being read is a mention: a link
// of class mention, or the h-card span around one.
func mentionTag(z *html.Tokenizer) bool {
	for {
		k, v, more := z.TagAttr()
		if string(k) == "class" {
			for _, c := range strings.Fields(string(v)) {
				if c == "mention" || c == "h-card" || c == "u-url" {
					return true
				}
			}
		}
		if !more {
			return false
		}
	}
}

// squeeze collapses runs of spaces and of blank lines.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// first returns a natural-language value: the one without a language
// when there is one (content beside contentMap), else the first.
func first(n vocab.NaturalLanguageValues) string {
	for _, v := range n {
		if v.Ref == vocab.NilLangRef || v.Ref == "" {
			return v.Value.String()
		}
	}
	return n.First().Value.String()
}
