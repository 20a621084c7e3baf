package blog

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultPermalink puts posts at /YYYY/MM/DD/slug/.
const DefaultPermalink = "/%year%/%monthnum%/%day%/%postname%/"

// permalinkTags maps each WordPress permalink tag to the pattern its value
// matches.
var permalinkTags = map[string]string{
	"%year%":     `[0-9]{4}`,
	"%monthnum%": `[0-9]{2}`,
	"%day%":      `[0-9]{2}`,
	"%hour%":     `[0-9]{2}`,
	"%minute%":   `[0-9]{2}`,
	"%second%":   `[0-9]{2}`,
	"%postname%": `[^/]+`,
	"%post_id%":  `[0-9]+`,
	"%category%": `[^/]+`,
	"%author%":   `[^/]+`,
}

var permalinkTagRe = regexp.MustCompile(`%[a-z_]+%`)

// Permalink is a parsed permalink pattern written with WordPress's tags
// (%year%, %monthnum%, %day%, %hour%, %minute%, %second%, %postname%,
// %post_id%, %category%, %author%).
type Permalink struct {
	pattern string
	re      *regexp.Regexp
	tags    []string
}

// ParsePermalink checks a pattern: it must start and end with "/", name
// the post by %postname% or %post_id%, and use only known tags. A
// pattern it refuses gets the message saying why.
func ParsePermalink(pattern string) (*Permalink, *Message) {
	if !strings.HasPrefix(pattern, "/") || !strings.HasSuffix(pattern, "/") || len(pattern) < 3 {
		return nil, &Message{ID: "permalink_slashes"}
	}
	if !strings.Contains(pattern, "%postname%") && !strings.Contains(pattern, "%post_id%") {
		return nil, &Message{ID: "permalink_name_post"}
	}
	p := &Permalink{pattern: pattern}
	var re strings.Builder
	re.WriteString("^")
	last := 0
	for _, loc := range permalinkTagRe.FindAllStringIndex(pattern, -1) {
		tag := pattern[loc[0]:loc[1]]
		sub, ok := permalinkTags[tag]
		if !ok {
			return nil, &Message{ID: "permalink_unknown_tag", Pairs: []any{"Tag", tag}}
		}
		re.WriteString(regexp.QuoteMeta(pattern[last:loc[0]]))
		re.WriteString("(" + sub + ")")
		p.tags = append(p.tags, tag)
		last = loc[1]
	}
	rest := pattern[last:]
	if strings.Contains(rest, "%") {
		return nil, &Message{ID: "permalink_unfinished"}
	}
	re.WriteString(regexp.QuoteMeta(rest))
	re.WriteString("$")
	p.re = regexp.MustCompile(re.String())
	if p.re.MatchString("/tag/x/") || p.re.MatchString("/category/x/") || p.re.MatchString("/author/x/") || p.re.MatchString("/page/2/") {
		return nil, &Message{ID: "permalink_hides"}
	}
	return p, nil
}

// String returns the pattern as written.
func (p *Permalink) String() string { return p.pattern }

// Build returns the path of post p, with dates in loc.
func (p *Permalink) Build(post *Post, loc *time.Location) string {
	t := post.PublishedAt
	if t.IsZero() {
		t = post.CreatedAt
	}
	t = t.In(loc)
	return permalinkTagRe.ReplaceAllStringFunc(p.pattern, func(tag string) string {
		switch tag {
		case "%year%":
			return strconv.Itoa(t.Year())
		case "%monthnum%":
			return t.Format("01")
		case "%day%":
			return t.Format("02")
		case "%hour%":
			return t.Format("15")
		case "%minute%":
			return t.Format("04")
		case "%second%":
			return t.Format("05")
		case "%postname%":
			return post.Slug
		case "%post_id%":
			return strconv.FormatInt(post.ID, 10)
		case "%category%":
			if len(post.Categories) > 0 {
				return post.Categories[0].Slug
			}
			return "uncategorized"
		case "%author%":
			if post.Author != nil {
				return post.Author.Slug
			}
		}
		return ""
	})
}

// PermalinkMatch is what a request path says about the post it names.
type PermalinkMatch struct {
	Slug string
	ID   int64
}

// Match reports whether path has the pattern's shape and, if so, which
// post it names. The caller still checks that the post's own permalink
// equals path, and redirects when it does not.
func (p *Permalink) Match(path string) (PermalinkMatch, bool) {
	m := p.re.FindStringSubmatch(path)
	if m == nil {
		return PermalinkMatch{}, false
	}
	var pm PermalinkMatch
	for i, tag := range p.tags {
		switch tag {
		case "%postname%":
			pm.Slug = m[i+1]
		case "%post_id%":
			pm.ID, _ = strconv.ParseInt(m[i+1], 10, 64)
		}
	}
	return pm, true
}
