package wordpress

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"folio/internal/blog"
)

// wpStatus maps folio's statuses to WordPress's.
var wpStatus = map[blog.Status]string{
	blog.StatusPublished: "publish", blog.StatusScheduled: "future", blog.StatusDraft: "draft", blog.StatusPrivate: "private",
}

var wpApproved = map[blog.CommentStatus]string{
	blog.CommentApproved: "1", blog.CommentPending: "0", blog.CommentSpam: "spam", blog.CommentTrash: "trash",
}

// xw writes XML elements with a shared error.
type xw struct {
	w   *bufio.Writer
	err error
}

func (x *xw) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// el writes <name>text</name> with text escaped.
func (x *xw) el(name, text string) {
	x.raw("<" + name + ">")
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(text))
	}
	x.raw("</" + name + ">\n")
}

// cdata writes <name><![CDATA[text]]></name>, splitting any "]]>".
func (x *xw) cdata(name, text string) {
	x.raw("<" + name + "><![CDATA[")
	for {
		i := indexCDATAEnd(text)
		if i < 0 {
			break
		}
		x.raw(text[:i+2] + "]]><![CDATA[")
		text = text[i+2:]
	}
	x.raw(text + "]]></" + name + ">\n")
}

func indexCDATAEnd(s string) int {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == ']' && s[i+1] == ']' && s[i+2] == '>' {
			return i
		}
	}
	return -1
}

func wpDate(t time.Time, loc *time.Location) (local, gmt string) {
	if t.IsZero() {
		return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
	}
	return t.In(loc).Format("2006-01-02 15:04:05"), t.UTC().Format("2006-01-02 15:04:05")
}

// Export writes the whole site as a WXR 1.2 file that WordPress's
// importer reads: writers, categories with their hierarchy, tags, posts
// and pages with their terms, and every reply with its threading and
// status. siteURL is the site's address; texts are written as the HTML
// readers see.
func Export(w io.Writer, e *blog.Everything, st blog.Settings, siteURL string) error {
	x := &xw{w: bufio.NewWriter(w)}
	loc := st.Location()
	x.raw(xml.Header)
	x.raw(`<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"` +
		` xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">` + "\n<channel>\n")
	x.el("title", st.Title)
	x.el("link", siteURL)
	x.el("description", st.Tagline)
	x.el("language", st.Language)
	x.el("wp:wxr_version", "1.2")
	x.el("wp:base_site_url", siteURL)
	x.el("wp:base_blog_url", siteURL)
	logins := map[int64]string{}
	for _, u := range e.Users {
		logins[u.ID] = u.Slug
		x.raw("<wp:author>")
		x.el("wp:author_id", strconv.FormatInt(u.ID, 10))
		x.cdata("wp:author_login", u.Slug)
		x.cdata("wp:author_email", u.Email)
		x.cdata("wp:author_display_name", u.Name)
		x.raw("</wp:author>\n")
	}
	catSlug := map[int64]string{}
	for _, c := range e.Categories {
		catSlug[c.ID] = c.Slug
	}
	for _, c := range parentsFirst(e.Categories) {
		x.raw("<wp:category>")
		x.el("wp:term_id", strconv.FormatInt(c.ID, 10))
		x.cdata("wp:category_nicename", c.Slug)
		x.cdata("wp:category_parent", catSlug[c.ParentID])
		x.cdata("wp:cat_name", c.Name)
		x.cdata("wp:category_description", c.Description)
		x.raw("</wp:category>\n")
	}
	for _, t := range e.Tags {
		x.raw("<wp:tag>")
		x.el("wp:term_id", strconv.FormatInt(t.ID, 10))
		x.cdata("wp:tag_slug", t.Slug)
		x.cdata("wp:tag_name", t.Name)
		x.cdata("wp:tag_description", t.Description)
		x.raw("</wp:tag>\n")
	}
	replies := map[int64][]*blog.Comment{}
	for _, c := range e.Comments {
		replies[c.PostID] = append(replies[c.PostID], c)
	}
	for _, p := range e.Posts {
		local, gmt := wpDate(p.PublishedAt, loc)
		x.raw("<item>\n")
		x.el("title", p.Title)
		x.el("link", siteURL+p.Path)
		x.el("pubDate", p.PublishedAt.UTC().Format(time.RFC1123Z))
		x.cdata("dc:creator", logins[p.AuthorID])
		x.raw(`<guid isPermaLink="false">` + escape(siteURL+"/?p="+strconv.FormatInt(p.ID, 10)) + "</guid>\n")
		x.cdata("content:encoded", p.BodyHTML)
		x.cdata("excerpt:encoded", p.Lede)
		x.el("wp:post_id", strconv.FormatInt(p.ID, 10))
		x.el("wp:post_date", local)
		x.el("wp:post_date_gmt", gmt)
		open := "closed"
		if p.CommentsOpen {
			open = "open"
		}
		x.el("wp:comment_status", open)
		x.el("wp:post_name", p.Slug)
		x.el("wp:status", wpStatus[p.Status])
		x.el("wp:post_parent", strconv.FormatInt(p.ParentID, 10))
		x.el("wp:menu_order", strconv.Itoa(p.MenuOrder))
		x.el("wp:post_type", string(p.Kind))
		sticky := "0"
		if p.Sticky {
			sticky = "1"
		}
		x.el("wp:is_sticky", sticky)
		for _, c := range p.Categories {
			x.raw(`<category domain="category" nicename="` + escape(c.Slug) + `">` + escape(c.Name) + "</category>\n")
		}
		for _, t := range p.Tags {
			x.raw(`<category domain="post_tag" nicename="` + escape(t.Slug) + `">` + escape(t.Name) + "</category>\n")
		}
		for _, c := range replies[p.ID] {
			cl, cg := wpDate(c.CreatedAt, loc)
			x.raw("<wp:comment>\n")
			x.el("wp:comment_id", strconv.FormatInt(c.ID, 10))
			x.cdata("wp:comment_author", c.AuthorName)
			x.cdata("wp:comment_author_email", c.AuthorEmail)
			x.el("wp:comment_author_url", c.AuthorURL)
			x.el("wp:comment_author_IP", c.IP)
			x.el("wp:comment_date", cl)
			x.el("wp:comment_date_gmt", cg)
			// WordPress keeps and shows a reply as HTML.
			x.cdata("wp:comment_content", c.BodyHTML)
			x.el("wp:comment_approved", wpApproved[c.Status])
			typ := ""
			if c.Kind != blog.CommentKindComment {
				typ = string(c.Kind)
			}
			x.el("wp:comment_type", typ)
			x.el("wp:comment_parent", strconv.FormatInt(c.ParentID, 10))
			x.el("wp:comment_user_id", strconv.FormatInt(c.UserID, 10))
			x.raw("</wp:comment>\n")
		}
		x.raw("</item>\n")
	}
	x.raw("</channel>\n</rss>\n")
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// escape escapes text for XML content and attribute values.
func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// parentsFirst orders categories so each comes after its parent, as
// WordPress's importer expects.
func parentsFirst(cats []blog.Term) []blog.Term {
	byID := map[int64]blog.Term{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	done := map[int64]bool{}
	var out []blog.Term
	var visit func(c blog.Term, depth int)
	visit = func(c blog.Term, depth int) {
		if done[c.ID] || depth > len(cats) {
			return
		}
		if p, ok := byID[c.ParentID]; ok {
			visit(p, depth+1)
		}
		if !done[c.ID] {
			done[c.ID] = true
			out = append(out, c)
		}
	}
	for _, c := range cats {
		visit(c, 0)
	}
	return out
}
