package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"folio/internal/testkit"
)

// TestBrowserDropPictureAndPublish drags a phone photo from the disk
// onto the editor's text, as a writer does, and pastes a screenshot: the
// editor uploads each and puts its Markdown at the cursor; the writer
// describes them and publishes, and the reader's page shows them, the
// photo upright from its copies.
func TestBrowserDropPictureAndPublish(t *testing.T) {
	ctx := newChrome(t)
	s := newSiteWithAdmin(t)
	photo := filepath.Join(t.TempDir(), "IMG_0007.jpg")
	if err := os.WriteFile(photo, testkit.PhoneJPEG(1600, 1000, 6), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "sign in",
		chromedp.Navigate(s.URL+"/admin/login"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "analytical engine"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Admin"]`)),
		chromedp.Navigate(s.URL+"/admin/posts/new?kind=post"),
		chromedp.WaitVisible(chromedp.ID("picture-tools")),
		chromedp.SendKeys(chromedp.ID("title"), "The hedge in May"),
		chromedp.SendKeys(chromedp.ID("body"), "Before the storm:\n\n"),
	)
	// Drop the file where the text area is.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const el = document.getElementById('body');
		el.scrollIntoView({block: 'center'});
		const r = el.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{photo}, DragOperationsMask: 1}
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
			p := input.DispatchDragEventParams{Type: typ, X: box[0], Y: box[1], Data: data}
			if _, err := cdp.Call(ctx, tg, input.DispatchDragEvent, p); err != nil {
				return err
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatalf("drop the photo: %v", err)
	}
	var body string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		body, _ = chromedp.Run(ctx, chromedp.Value(chromedp.ID("body")))
		if strings.Contains(body, "](/media/") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body, "![](/media/") || !strings.HasPrefix(body, "Before the storm:\n\n") || strings.Contains(body, "Uploading") {
		t.Fatalf("the text after the drop:\n%s\nstatus: %s", body, text(t, ctx, "#picture-status"))
	}
	// A screenshot pasted from the clipboard goes the same way.
	paste := fmt.Sprintf(`(() => {
		const bytes = Uint8Array.from(atob(%q), c => c.charCodeAt(0));
		const data = new DataTransfer();
		data.items.add(new File([bytes], "screenshot.png", {type: "image/png"}));
		const text = document.getElementById('body');
		text.focus();
		text.setSelectionRange(text.value.length, text.value.length);
		text.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
		return true;
	})()`, base64.StdEncoding.EncodeToString(testkit.PNG(640, 400)))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](paste)); err != nil {
		t.Fatalf("paste: %v", err)
	}
	deadline = time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		body, _ = chromedp.Run(ctx, chromedp.Value(chromedp.ID("body")))
		if strings.Contains(body, "/screenshot.png)") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body, "/screenshot.png)") || strings.Count(body, "](/media/") != 2 {
		t.Fatalf("the text after the paste:\n%s", body)
	}
	// The paste came last: describe it.
	i := strings.LastIndex(body, "![](")
	body = body[:i] + "![A chart of the wind](" + body[i+len("![]("):]

	// The writer describes it, and publishes.
	do(t, ctx, "describe and publish",
		chromedp.SetValue(chromedp.ID("body"), strings.Replace(body, "![](", "![A hedge bent by the wind](", 1)),
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.Navigate(s.URL+"/2015/11/28/the-hedge-in-may/"),
		chromedp.WaitVisible(chromedp.CSS(".post-body figure img")),
	)
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(async () => {
		const img = document.querySelector('.post-body figure img');
		if (!img.complete) await new Promise(r => img.addEventListener('load', r));
		return [img.naturalWidth, img.naturalHeight, img.srcset.split(',').length, document.querySelectorAll('.post-body figure img').length];
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if size[0] == 0 || size[0] >= size[1] || size[2] != 3 || size[3] != 2 {
		t.Errorf("the reader's picture is %d × %d with %d sizes, among %d; want upright (taller than wide) from 3 copies, and the pasted one beside it",
			size[0], size[1], size[2], size[3])
	}
	if alt := attr(t, ctx, ".post-body figure img", "alt"); alt != "A hedge bent by the wind" {
		t.Errorf("alt = %q", alt)
	}
}
