package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// noScriptTab opens a tab in its own browser context (its own cookies)
// with JavaScript switched off.
func noScriptTab(t *testing.T, parent context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable scripts: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// replyActions fills the reply form and sends it, then waits for the
// element the answer page should show.
func replyActions(name, email, text, waitFor string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("author"), name),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("comment"), text),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	}
}

// TestBrowserReplyThread follows a reply through moderation in browsers
// with JavaScript off: the reader sees their held reply, a stranger does
// not, the admin approves it, another reader answers it, and the thread
// shows both nested with working anchors.
func TestBrowserReplyThread(t *testing.T) {
	root := newChrome(t)
	s := newReplySite(t)
	postURL := s.URL + s.post.Path
	reader, stranger, admin := noScriptTab(t, root), noScriptTab(t, root), noScriptTab(t, root)

	do(t, reader, "load the post", chromedp.Navigate(postURL), chromedp.WaitVisible(chromedp.ID("commentform")))
	if js := text(t, reader, "#respond h2"); !strings.Contains(js, "Leave a Reply") {
		t.Errorf("form heading = %q", js)
	}
	s.clock.Add(10 * time.Second)
	do(t, reader, "post a reply", replyActions("Rosa Reader", "rosa@example.com", "Does this *really* hold up?", ".comment.pending .awaiting")...)
	if got := text(t, reader, ".comment.pending .comment-body"); !strings.Contains(got, "Does this really hold up?") {
		t.Errorf("held reply text = %q", got)
	}
	loc, _ := chromedp.Run(reader, chromedp.Location())
	if !strings.Contains(loc, "#comment-") {
		t.Errorf("after posting the browser is at %s, want the reply's anchor", loc)
	}

	do(t, stranger, "stranger loads the post", chromedp.Navigate(postURL), chromedp.WaitVisible(chromedp.ID("replies")))
	if got := text(t, stranger, "#replies"); strings.Contains(got, "really") || !strings.Contains(got, "No replies yet") {
		t.Errorf("a stranger sees %q", got)
	}

	do(t, admin, "admin signs in",
		chromedp.Navigate(s.URL+"/admin/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "analytical engine"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Admin"]`)),
		chromedp.Navigate(s.URL+"/admin/comments"),
		chromedp.WaitVisible(chromedp.CSS("table.comments")),
	)
	if badge := text(t, admin, ".admin-side .badge"); !strings.HasPrefix(badge, "1") {
		t.Errorf("menu badge = %q", badge)
	}
	do(t, admin, "approve", chromedp.Click(chromedp.CSS(`button[value^="approve:"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))

	s.clock.Add(time.Minute)
	do(t, stranger, "answer the reply without scripts",
		chromedp.Navigate(postURL),
		chromedp.WaitVisible(chromedp.CSS(".comment .reply-link")),
		chromedp.Click(chromedp.CSS(".comment .reply-link")),
		chromedp.WaitVisible(chromedp.ID("cancel-reply")),
	)
	if h := text(t, stranger, "#reply-title"); !strings.Contains(h, "Reply to Rosa Reader") {
		t.Errorf("reply heading = %q", h)
	}
	s.clock.Add(10 * time.Second)
	do(t, stranger, "send the answer", replyActions("Sam Second", "sam@example.com", "It holds, mostly.", ".children .comment")...)
	first := attr(t, stranger, "#replies .comment-list > li.comment", "id")
	nested := attr(t, stranger, "#"+first+" > ol.children > li.comment", "id")
	if !strings.HasPrefix(first, "comment-") || !strings.HasPrefix(nested, "comment-") || first == nested {
		t.Fatalf("thread ids: %q > %q", first, nested)
	}
	if got := text(t, stranger, "#"+nested+" .comment-body"); !strings.Contains(got, "It holds, mostly.") {
		t.Errorf("nested reply = %q", got)
	}
	if got := text(t, stranger, "#"+first+" > article .comment-body"); !strings.Contains(got, "Does this really hold up?") {
		t.Errorf("parent reply = %q", got)
	}
	loc, _ = chromedp.Run(stranger, chromedp.Location())
	if !strings.HasSuffix(loc, "#"+nested) {
		t.Errorf("after answering the browser is at %s, want #%s", loc, nested)
	}
	do(t, stranger, "follow a permalink", chromedp.Click(chromedp.CSS("#"+first+" > article .comment-permalink")))
	if loc, _ = chromedp.Run(stranger, chromedp.Location()); !strings.HasSuffix(loc, "#"+first) {
		t.Errorf("permalink led to %s, want #%s", loc, first)
	}
}
