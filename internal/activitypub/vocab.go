// Package activitypub speaks ActivityPub for folio: it writes the
// documents and activities the fediverse reads (actors, Articles,
// Notes, collections, WebFinger and NodeInfo) over the ActivityStreams
// vocabulary of github.com/go-ap/activitypub, reads the activities that
// arrive, signs and verifies HTTP requests the way the fediverse does
// (draft-cavage HTTP Signatures, rsa-sha256, through
// github.com/go-fed/httpsig), and fetches remote actors and delivers
// activities through the peer package's guarded client. What the
// activities mean for the site is the blog package's business.
package activitypub

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	vocab "github.com/go-ap/activitypub"

	"folio/internal/blog"
)

// ContentType is the media type of ActivityStreams documents.
const ContentType = "application/activity+json"

// ldContentType is the other media type servers ask for.
const ldContentType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// ldContext is the JSON-LD context of every document: ActivityStreams,
// the security vocabulary of public keys, and the terms Mastodon adds.
var ldContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"Hashtag":                   "as:Hashtag",
		"sensitive":                 "as:sensitive",
		"toot":                      "http://joinmastodon.org/ns#",
		"discoverable":              "toot:discoverable",
	},
}

// Accepts reports whether an Accept header asks for ActivityStreams.
func Accepts(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		if mt == ContentType {
			return true
		}
		if mt == "application/ld+json" && strings.Contains(params, "activitystreams") {
			return true
		}
	}
	return false
}

// document marshals an item with the context and extra members, its
// words in lang (see object).
func document(it vocab.Item, lang string, extra map[string]any) ([]byte, error) {
	m, err := members(it, lang)
	if err != nil {
		return nil, err
	}
	m["@context"] = ldContext
	for k, v := range extra {
		m[k] = v
	}
	return json.Marshal(m)
}

// object marshals an item for a collection, its words in lang: when
// lang is not "", its content, name and summary, and those of the object
// an activity carries, are also given as contentMap, nameMap and
// summaryMap. go-ap writes a value of one language as a plain string,
// and servers such as Mastodon learn a post's language from the maps.
func object(it vocab.Item, lang string) (json.RawMessage, error) {
	m, err := members(it, lang)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

func members(it vocab.Item, lang string) (map[string]any, error) {
	raw, err := vocab.MarshalJSON(it)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	languageMaps(m, lang)
	return m, nil
}

// languageMaps adds the maps object describes to m and to its object.
func languageMaps(m map[string]any, lang string) {
	if lang == "" {
		return
	}
	for _, k := range []string{"content", "name", "summary"} {
		if v, ok := m[k].(string); ok {
			m[k+"Map"] = map[string]string{lang: v}
		}
	}
	if o, ok := m["object"].(map[string]any); ok {
		languageMaps(o, lang)
	}
}

// Vocabulary writes the documents and activities; it implements the
// writing half of blog.Fediverse.
type Vocabulary struct{}

func base(st blog.Settings) string { return strings.TrimSuffix(st.BaseURL, "/") }

func followersOf(st blog.Settings, userID int64) vocab.IRI {
	return vocab.IRI(st.ActorID(userID) + "/followers")
}

// Actor returns writer u's Person document.
func (Vocabulary) Actor(st blog.Settings, u *blog.User, k *blog.ActorKey) ([]byte, error) {
	id := st.ActorID(u.ID)
	p := vocab.PersonNew(vocab.IRI(id))
	p.PreferredUsername = vocab.DefaultNaturalLanguageValue(u.Slug)
	p.Name = vocab.DefaultNaturalLanguageValue(u.Name)
	if u.Bio != "" {
		p.Summary = vocab.DefaultNaturalLanguageValue(paragraphs(u.Bio))
	}
	p.URL = vocab.IRI(base(st) + "/author/" + u.Slug + "/")
	p.Inbox = vocab.IRI(id + "/inbox")
	p.Outbox = vocab.IRI(id + "/outbox")
	p.Followers = followersOf(st, u.ID)
	p.Following = vocab.IRI(id + "/following")
	p.Endpoints = &vocab.Endpoints{SharedInbox: vocab.IRI(base(st) + "/ap/inbox")}
	p.Published = u.CreatedAt.UTC()
	p.PublicKey = vocab.PublicKey{ID: vocab.ID(st.KeyID(u.ID)), Owner: vocab.IRI(id), PublicKeyPem: k.PublicPEM}
	return document(p, "", map[string]any{"manuallyApprovesFollowers": st.ApproveFollowers, "discoverable": true})
}

// paragraphs turns plain text into HTML paragraphs, escaped.
func paragraphs(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>" + strings.ReplaceAll(escape(para), "\n", "<br>") + "</p>")
		}
	}
	return b.String()
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func escape(s string) string { return escaper.Replace(s) }

// article returns post p as an Article.
func article(st blog.Settings, p *blog.Post, author *blog.User) *vocab.Object {
	o := vocab.ObjectNew(vocab.ArticleType)
	o.ID = vocab.ID(base(st) + blog.ArticlePath(p.ID))
	o.AttributedTo = vocab.IRI(st.ActorID(author.ID))
	o.Name = vocab.DefaultNaturalLanguageValue(p.Title)
	if p.Lede != "" {
		o.Summary = vocab.DefaultNaturalLanguageValue(escape(p.Lede))
	} else if p.Summary != "" {
		o.Summary = vocab.DefaultNaturalLanguageValue(escape(p.Summary))
	}
	o.Content = vocab.DefaultNaturalLanguageValue(p.BodyHTML)
	o.MediaType = "text/html"
	o.URL = vocab.IRI(base(st) + p.Path)
	o.Published = p.PublishedAt.UTC()
	if p.UpdatedAt.After(p.PublishedAt.Add(time.Minute)) {
		o.Updated = p.UpdatedAt.UTC()
	}
	o.To = vocab.ItemCollection{vocab.PublicNS}
	o.CC = vocab.ItemCollection{followersOf(st, author.ID)}
	for _, t := range p.Tags {
		o.Tag = append(o.Tag, &vocab.Link{Type: "Hashtag", Href: vocab.IRI(base(st) + "/tag/" + t.Slug + "/"),
			Name: vocab.DefaultNaturalLanguageValue("#" + hashtag(t.Name))})
	}
	if m := p.Featured; m != nil {
		img := vocab.ObjectNew(vocab.ImageType)
		img.MediaType = vocab.MimeType(m.CopyType)
		img.URL = vocab.IRI(base(st) + m.URL())
		img.Name = vocab.DefaultNaturalLanguageValue(m.Alt)
		o.Attachment = vocab.ItemCollection{img}
	}
	o.Replies = nil
	return o
}

// hashtag writes a tag's name as one word: as it is, or with each word
// capitalized when it has several, as the fediverse writes them.
func hashtag(name string) string {
	words := strings.Fields(name)
	if len(words) == 1 {
		return words[0]
	}
	var b strings.Builder
	for _, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		b.WriteString(string(unicode.ToUpper(r)) + w[size:])
	}
	return b.String()
}

// Article returns post p's Article document.
func (Vocabulary) Article(st blog.Settings, p *blog.Post, author *blog.User) ([]byte, error) {
	return document(article(st, p, author), p.LanguageOr(st.Language), nil)
}

// PostActivity returns the Create, Update or Delete of a post.
func (Vocabulary) PostActivity(st blog.Settings, verb blog.Verb, p *blog.Post, author *blog.User) ([]byte, error) {
	actor := vocab.IRI(st.ActorID(author.ID))
	id := base(st) + blog.ArticlePath(p.ID)
	act := &vocab.Activity{Type: vocab.ActivityVocabularyType(verb), Actor: actor,
		To: vocab.ItemCollection{vocab.PublicNS}, CC: vocab.ItemCollection{followersOf(st, author.ID)}}
	now := time.Now().UTC()
	act.ID = vocab.ID(fmt.Sprintf("%s#%s-%d", id, strings.ToLower(string(verb)), now.UnixNano()))
	switch verb {
	case blog.VerbDelete:
		act.Object = &vocab.Object{ID: vocab.ID(id), Type: vocab.TombstoneType}
	default:
		art := article(st, p, author)
		if verb == blog.VerbUpdate {
			art.Updated = now.Truncate(time.Second)
		}
		act.Object = art
		act.Published = now.Truncate(time.Second)
	}
	return document(act, p.LanguageOr(st.Language), nil)
}

// created returns the Create of an Article as the outbox lists it.
func created(st blog.Settings, art *vocab.Object, author *blog.User) *vocab.Activity {
	return &vocab.Activity{ID: vocab.ID(string(art.ID) + "#create"), Type: vocab.CreateType, Actor: vocab.IRI(st.ActorID(author.ID)),
		Object: art, To: art.To, CC: art.CC, Published: art.Published}
}

// Accept returns the writer's Accept of a follower's Follow.
func (Vocabulary) Accept(st blog.Settings, writer *blog.User, f *blog.Follower) ([]byte, error) {
	actor := vocab.IRI(st.ActorID(writer.ID))
	follow := &vocab.Activity{Type: vocab.FollowType, Actor: vocab.IRI(f.Actor), Object: actor}
	if f.FollowID != "" {
		follow.ID = vocab.ID(f.FollowID)
	}
	act := &vocab.Activity{ID: vocab.ID(fmt.Sprintf("%s#accept-%d-%d", actor, f.ID, time.Now().UnixNano())),
		Type: vocab.AcceptType, Actor: actor, Object: follow, To: vocab.ItemCollection{vocab.IRI(f.Actor)}}
	return document(act, "", nil)
}

// Answer returns the Create of a writer's reply to a remote note.
func (Vocabulary) Answer(st blog.Settings, writer *blog.User, c *blog.Comment, post *blog.Post, inReplyTo string, to *blog.RemoteActor) ([]byte, error) {
	actor := vocab.IRI(st.ActorID(writer.ID))
	n := vocab.ObjectNew(vocab.NoteType)
	n.ID = vocab.ID(base(st) + blog.AnswerPath(c.ID))
	n.AttributedTo = actor
	n.InReplyTo = vocab.IRI(inReplyTo)
	mention := fmt.Sprintf(`<span class="h-card"><a href="%s" class="u-url mention">@%s</a></span> `, escape(to.Profile()), escape(to.Handle))
	body := c.BodyHTML
	if rest, ok := strings.CutPrefix(body, "<p>"); ok {
		body = "<p>" + mention + rest
	} else {
		body = "<p>" + strings.TrimSpace(mention) + "</p>" + body
	}
	n.Content = vocab.DefaultNaturalLanguageValue(body)
	n.URL = vocab.IRI(base(st) + post.Path + "#comment-" + strconv.FormatInt(c.ID, 10))
	n.Published = c.CreatedAt.UTC()
	n.To = vocab.ItemCollection{vocab.IRI(to.IRI), vocab.PublicNS}
	n.CC = vocab.ItemCollection{followersOf(st, writer.ID)}
	n.Tag = vocab.ItemCollection{&vocab.Link{Type: vocab.MentionType, Href: vocab.IRI(to.IRI),
		Name: vocab.DefaultNaturalLanguageValue(to.Account())}}
	act := &vocab.Activity{ID: vocab.ID(string(n.ID) + "#create"), Type: vocab.CreateType, Actor: actor, Object: n,
		To: n.To, CC: n.CC, Published: n.Published}
	return document(act, post.LanguageOr(st.Language), nil)
}

// Collection returns an OrderedCollection of total items holding items
// (nil for a collection that shows only its size).
func Collection(id string, total int, items []json.RawMessage) ([]byte, error) {
	m := map[string]any{"@context": ldContext, "id": id, "type": "OrderedCollection", "totalItems": total}
	if items != nil {
		m["orderedItems"] = items
	}
	return json.Marshal(m)
}

// Outbox returns a writer's outbox: the Creates of their latest posts.
func (v Vocabulary) Outbox(st blog.Settings, author *blog.User, posts []*blog.Post, total int) ([]byte, error) {
	items := make([]json.RawMessage, 0, len(posts))
	for _, p := range posts {
		raw, err := object(created(st, article(st, p, author), author), p.LanguageOr(st.Language))
		if err != nil {
			return nil, err
		}
		items = append(items, raw)
	}
	return Collection(st.ActorID(author.ID)+"/outbox", total, items)
}

// Link is one link of a WebFinger answer.
type Link struct {
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
	Href string `json:"href"`
}

// WebFinger returns the JRD (RFC 7033) that finds a writer's actor.
func WebFinger(st blog.Settings, u *blog.User, host string) ([]byte, error) {
	return json.Marshal(map[string]any{
		"subject": "acct:" + u.Slug + "@" + host,
		"aliases": []string{st.ActorID(u.ID), base(st) + "/author/" + u.Slug + "/"},
		"links": []Link{
			{Rel: "self", Type: ContentType, Href: st.ActorID(u.ID)},
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: base(st) + "/author/" + u.Slug + "/"},
		},
	})
}

// NodeInfoLinks returns the /.well-known/nodeinfo document.
func NodeInfoLinks(st blog.Settings) ([]byte, error) {
	return json.Marshal(map[string]any{"links": []Link{{Rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", Href: base(st) + "/nodeinfo/2.1"}}})
}

// NodeInfo returns the NodeInfo 2.1 document: the software, the
// protocol, and how many writers and posts there are.
func NodeInfo(version string, users, posts int, openRegistrations bool) ([]byte, error) {
	return json.Marshal(map[string]any{
		"version":           "2.1",
		"software":          map[string]any{"name": "folio", "version": version},
		"protocols":         []string{"activitypub"},
		"services":          map[string]any{"inbound": []string{}, "outbound": []string{"atom1.0", "rss2.0"}},
		"openRegistrations": openRegistrations,
		"usage":             map[string]any{"users": map[string]int{"total": users}, "localPosts": posts},
		"metadata":          map[string]any{},
	})
}
