// Package akismet asks an Akismet-compatible service whether a reply is
// spam (the comment-check call of the Akismet API, which other services
// such as Antispam Bee's and self-hosted ones also answer).
package akismet

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"folio/internal/blog"
)

// Client implements blog.SpamChecker.
type Client struct {
	HTTP *http.Client
}

var _ blog.SpamChecker = (*Client)(nil)

// New returns a client with a short timeout, so a slow service never
// holds a reader's reply for long.
func New() *Client { return &Client{HTTP: &http.Client{Timeout: 5 * time.Second}} }

// IsSpam calls {endpoint}/1.1/comment-check. The service answers "true"
// for spam and "false" otherwise; anything else is an error.
func (c *Client) IsSpam(ctx context.Context, d blog.DiscussionSettings, siteURL string, post *blog.Post, cm *blog.Comment) (bool, error) {
	form := url.Values{
		"api_key":              {d.AkismetKey},
		"blog":                 {siteURL},
		"user_ip":              {cm.IP},
		"user_agent":           {cm.UserAgent},
		"permalink":            {siteURL + post.Path},
		"comment_type":         {"comment"},
		"comment_author":       {cm.AuthorName},
		"comment_author_email": {cm.AuthorEmail},
		"comment_author_url":   {cm.AuthorURL},
		"comment_content":      {cm.Body},
		"blog_charset":         {"UTF-8"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(d.AkismetEndpoint, "/")+"/1.1/comment-check", strings.NewReader(form.Encode()))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "folio | Akismet-compatible/1.1")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return false, err
	}
	switch strings.TrimSpace(string(body)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("spam service answered %s: %q", resp.Status, body)
}
