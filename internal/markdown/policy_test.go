package markdown

import (
	"slices"
	"strings"
	"testing"
)

// allHTMLElements is every element of HTML's living standard, with the
// obsolete ones browsers still parse.
var allHTMLElements = strings.Fields(`a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink
	blockquote body br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt
	em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
	image img input ins isindex kbd keygen label legend li link listing main map mark marquee math menu menuitem meta meter
	multicol nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture plaintext portal pre
	progress q rb rp rt rtc ruby s samp script search section select slot small source spacer span strike strong style sub
	summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp`)

// TestPostAllowList renders every element in a post and checks that
// exactly the allow-listed ones survive: no form control, script, frame
// or object gets through, whatever the writer's role.
func TestPostAllowList(t *testing.T) {
	r := NewPosts()
	// Table parts exist only inside tables.
	within := map[string][2]string{"td": {"<table><tr>", "</tr></table>"}, "th": {"<table><tr>", "</tr></table>"},
		"tr": {"<table>", "</table>"}, "tbody": {"<table>", "</table>"}, "thead": {"<table>", "</table>"},
		"tfoot": {"<table>", "</table>"}, "caption": {"<table>", "</table>"}, "colgroup": {"<table>", "</table>"},
		"col": {"<table><colgroup>", "</colgroup></table>"}}
	for _, el := range allHTMLElements {
		w := within[el]
		out, err := r.Render("<div>"+w[0]+"<"+el+` title="x">inside `+el+"</"+el+">"+w[1]+"</div>", nil)
		if err != nil {
			t.Fatal(err)
		}
		kept := strings.Contains(out.HTML, "<"+el+" ") || strings.Contains(out.HTML, "<"+el+">")
		if want := slices.Contains(postElements, el) && el != "input"; kept != want {
			t.Errorf("<%s>: kept %v, want %v: %s", el, kept, want, out.HTML)
		}
	}
}

// TestPostAttributes keeps the attributes posts need and drops script,
// styles and dangerous addresses, and keeps only disabled checkboxes.
func TestPostAttributes(t *testing.T) {
	tests := []struct{ in, want, not string }{
		{`<a href="https://example.org/a" onclick="x()">a</a>`, `href="https://example.org/a"`, "onclick"},
		{`<a href="javascript:alert(1)">a</a>`, "a", "javascript"},
		{`<a href=" jav&#x09;ascript:alert(1)">a</a>`, "a", "ascript"},
		{`<a href="data:text/html,<script>alert(1)</script>">a</a>`, "a", "data:"},
		{`<img src="/uploads/a.png" alt="A" width="300" onerror="x()" style="position:fixed">`, `alt="A"`, "onerror"},
		{`<img src="data:image/svg+xml,<svg onload=alert(1)>">`, "", "data:"},
		{`<p style="color:red">x</p>`, "<p>x</p>", "style"},
		{`<table><tr><td style="text-align: center" colspan="2">x</td></tr></table>`, `text-align: center`, "<td>"},
		{`<input type="checkbox">`, "", "<input"},
		{`<input type="checkbox" disabled checked>`, `<input type="checkbox" disabled="" checked="">`, ""},
		{`<button formaction="https://evil.example">Sign in</button>`, "Sign in", "formaction"},
		{`<form action="https://evil.example"><input name="password"></form>`, "", "evil"},
		{`<iframe srcdoc="<script>alert(1)</script>"></iframe>`, "", "srcdoc"},
		{`<svg><script>alert(1)</script></svg>`, "", "script"},
		{`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, "", "onerror"},
		// Obsolete elements become their modern equivalents.
		{`<p><acronym title="HyperText Markup Language">HTML</acronym></p>`, `<abbr title="HyperText Markup Language">HTML</abbr>`, "acronym"},
		{`<p><tt>mono</tt> <strike>gone</strike> <big>loud</big></p>`, `<code>mono</code> <s>gone</s> <strong>loud</strong>`, "tt>"},
		{`<center>middle</center>`, `<div>middle</div>`, "center"},
		{`<p><FONT color="red" face="Comic Sans" onmouseover="x()">red</FONT></p>`, `<span>red</span>`, "color"},
		// Character references to controls HTML forbids become nothing.
		{`a&#x9f;b&#x85;c&#127;d`, `<p>abcd</p>`, "\u009f"},
		// Audio and video, which play when asked, from web addresses.
		{`<audio controls autoplay src="/uploads/a.mp3"></audio>`, `<audio controls="" src="/uploads/a.mp3">`, "autoplay"},
		{`<video controls src="javascript:alert(1)"></video>`, `<video controls="">`, "javascript"},
		{`<video controls poster="javascript:alert(1)"><source src="/uploads/v.mp4" type="video/mp4"></video>`, `<source src="/uploads/v.mp4" type="video/mp4">`, "javascript"},
	}
	r := NewPosts()
	for _, tt := range tests {
		out, err := r.Render(tt.in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.HTML, tt.want) || (tt.not != "" && strings.Contains(out.HTML, tt.not)) {
			t.Errorf("%s\n  => %s\n  want %q, not %q", tt.in, out.HTML, tt.want, tt.not)
		}
	}
}

// TestPostHTMLIsBalanced closes what a post opens, so an unclosed link or
// table cannot swallow the page after it.
func TestPostHTMLIsBalanced(t *testing.T) {
	r := NewPosts()
	for _, in := range []string{`<a href="/x">open link`, `<table><tr><td>open table`, `<div><div><blockquote>deep`, `<ul><li>one<li>two`, `</div></div>extra closers`} {
		out, err := r.Render(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range []string{"a", "table", "div", "blockquote", "ul", "li", "p"} {
			if opens, closes := strings.Count(out.HTML, "<"+tag+">")+strings.Count(out.HTML, "<"+tag+" "), strings.Count(out.HTML, "</"+tag+">"); opens != closes {
				t.Errorf("%q => %q: %d <%s> and %d </%s>", in, out.HTML, opens, tag, closes, tag)
			}
		}
	}
}
