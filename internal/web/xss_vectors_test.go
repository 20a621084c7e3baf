package web_test

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// xssVectors returns the sweep's corpus: markup, URLs and text made to
// run script if anything on the way lets it through. In each, § stands
// for the vector's number, which the payload reports (alert(§)), so an
// execution names the vector that made it. They are grouped by the trick
// they try; the numbers follow the order here.
func xssVectors() []string {
	templates := []string{
		// Event handlers, plain and disguised.
		`<img src=x onerror=alert(§)>`,
		`<svg onload=alert(§)>`,
		`<body onload=alert(§)>`,
		`<details open ontoggle=alert(§)><summary>more</summary></details>`,
		`<input autofocus onfocus=alert(§)>`,
		`<video><source onerror=alert(§)></video>`,
		`<audio src=x onerror=alert(§)></audio>`,
		`<marquee onstart=alert(§)>moving</marquee>`,
		`<div onmouseover=alert(§)>hover me</div>`,
		`<a onclick=alert(§)>click me</a>`,
		`<iframe onload=alert(§)></iframe>`,
		`<object data=x onerror=alert(§)></object>`,
		`<select autofocus onfocus=alert(§)><option>one</option></select>`,
		`<textarea autofocus onfocus=alert(§)>words</textarea>`,
		`<img src=x oNeRrOr = "alert(§)">`,
		`<img/src=x/onerror=alert(§)>`,
		`<img src=x onerror=&#97;lert(§)>`,
		`<img src=x onerror="&#x61;&#x6c;&#x65;&#x72;&#x74;(§)">`,
		`<style>@keyframes k§{}</style><p style="animation-name:k§" onanimationstart=alert(§)>spin</p>`,
		`<p style="transition:color 1s" ontransitionend=alert(§)>fade</p>`,
		`<img src=x:alert(§) onerror=eval(src)>`,
		`<svg><animate onbegin=alert(§) attributeName=x dur=1s></svg>`,
		`<svg><set onbegin=alert(§) attributeName=x to=1></svg>`,
		`<span contenteditable onblur=alert(§)>edit me</span>`,
		`<img src onerror=alert(§)//`,
		"<img src=x onerror=alert`§`>",
		`<img src=x onerror=\u0061lert(§)>`,
		`<frameset onload=alert(§)>`,
		`<img src=x onerror="top['al'+'ert'](§)">`,
		`<img src=x onerror="[].constructor.constructor('alert(§)')()">`,

		// Script-bearing URLs, with entity and whitespace tricks.
		`<a href="javascript:alert(§)">link</a>`,
		`<a href="JaVaScRiPt:alert(§)">link</a>`,
		`<a href=" javascript:alert(§)">link</a>`,
		`<a href="java&#x09;script:alert(§)">link</a>`,
		`<a href="java&#10;script:alert(§)">link</a>`,
		`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(§)">link</a>`,
		`<a href="javascript&colon;alert(§)">link</a>`,
		`<a href="&#x6A;avascript:alert(§)">link</a>`,
		`<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(§)">link</a>`,
		`<a href="javascript://%0aalert(§)">link</a>`,
		`<a href="vbscript:msgbox(§)">link</a>`,
		`<a href="data:text/html,<script>alert(§)</script>">link</a>`,
		`<a href="data:text/html;base64,` + "\x00B64<script>alert(§)</script>\x00" + `">link</a>`,
		`<a href="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(§)'/>">svg</a>`,
		`<iframe src="javascript:alert(§)"></iframe>`,
		`<iframe srcdoc="<script>alert(§)</script>"></iframe>`,
		`<iframe srcdoc="&lt;img src=x onerror=parent.alert(§)&gt;"></iframe>`,
		`<embed src="javascript:alert(§)">`,
		`<object data="javascript:alert(§)"></object>`,
		`<object type="text/html" data="data:text/html,<script>alert(§)</script>"></object>`,
		`<form action="javascript:alert(§)"><input type=submit value=send></form>`,
		`<base href="javascript:alert(§)//"><a href=x>relative</a>`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(§)">`,
		`<link rel=stylesheet href="javascript:alert(§)">`,
		`<svg><a xlink:href="javascript:alert(§)"><text y=20>svg link</text></a></svg>`,
		`<svg><a href="&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(§)"><text y=20>x</text></a></svg>`,
		`<math href="javascript:alert(§)">maths</math>`,
		`<img src="javascript:alert(§)">`,
		`<img srcset="javascript:alert(§) 1x">`,
		`<video poster=javascript:alert(§)></video>`,
		`<a href="ja` + "\u200b" + `vascript:alert(§)">zero width</a>`,
		`<a href="javas` + "\x00" + `cript:alert(§)">nul</a>`,

		// Markdown's own ways to make links and images.
		`[link](javascript:alert(§))`,
		`[link](JAVASCRIPT:alert(§))`,
		`![image](javascript:alert(§))`,
		`<javascript:alert(§)>`,
		`[link](<javascript:alert(§)>)`,
		"[reference][r§]\n\n[r§]: javascript:alert(§)",
		`[titled](https://a.example "a\" onmouseover=\"alert(§)")`,
		`![x" onerror="alert(§)](https://a.example/x.png)`,
		`<https://a.example/"onmouseover="alert(§)>`,
		"A claim.[^n§]\n\n[^n§]: <img src=x onerror=alert(§)>",
		"| head |\n| --- |\n| <img src=x onerror=alert(§)> |",
		"> <script>alert(§)</script>",
		"`<img src=x onerror=alert(§)>`",
		"```html\n<script>alert(§)</script>\n```",

		// Namespace confusion and mutation shapes.
		`<svg><script>alert(§)</script></svg>`,
		`<svg><style><img src=x onerror=alert(§)></style></svg>`,
		`<math><style><img src=x onerror=alert(§)></style></math>`,
		`<svg></p><style><a id="</style><img src=1 onerror=alert(§)>">`,
		`<noscript><p title="</noscript><img src=x onerror=alert(§)>"></noscript>`,
		`<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(§)>`,
		`<math><mi><table><mi><svg><mtext><style><img src=x onerror=alert(§)>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(§)>`,
		`<svg><foreignObject><iframe srcdoc="<script>alert(§)</script>"></iframe></foreignObject></svg>`,
		`<template><img src=x onerror=alert(§)></template>`,
		`<xmp><img src=x onerror=alert(§)></xmp>`,
		`<noembed><img title="</noembed><img src=x onerror=alert(§)>"></noembed>`,
		`<title><img src=x onerror=alert(§)></title>`,
		`<!--<img src="--><img src=x onerror=alert(§)//">`,
		`<![CDATA[<img src=x onerror=alert(§)>]]>`,
		`<svg><![CDATA[><img src=x onerror=alert(§)>]]></svg>`,
		`<?xml-stylesheet href="javascript:alert(§)"?>`,
		`<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='x' onerror='alert(§)'/></svg>#x"/></svg>`,

		// Broken and nested tags; breaking out of the context around.
		`<scr<script>ipt>alert(§)</scr</script>ipt>`,
		`<<script>alert(§);//<</script>`,
		`<img src="x" onerror="alert(§)"`,
		`<a href="https://a.example/" title="<img src=x onerror=alert(§)>">titled</a>`,
		`<div <img src=x onerror=alert(§)>>`,
		`"><img src=x onerror=alert(§)>`,
		`'><img src=x onerror=alert(§)>`,
		`</textarea><img src=x onerror=alert(§)>`,
		`</title><img src=x onerror=alert(§)>`,
		`</style><img src=x onerror=alert(§)>`,
		`</script><script>alert(§)</script>`,
		`</noscript><img src=x onerror=alert(§)>`,
		`';alert(§);//`,
		`";alert(§);//`,
		"`-alert(§)-`",
		`{{constructor.constructor('alert(§)')()}}`,
		`${alert(§)}`,
		`<img src=x onerror=alert(§) <!--`,

		// Attribute injection, into fields that end up in attributes.
		`" onmouseover="alert(§)`,
		`' onfocus='alert(§)' autofocus='`,
		`" autofocus onfocus=alert(§) x="`,
		`x" style="animation-name:k" onanimationstart="alert(§)`,
		`javascript:alert(§)`,
		`https://x.example/" onmouseover="alert(§)`,
		`https://x.example/'><img src=x onerror=alert(§)>`,
		`data:text/html,<script>alert(§)</script>`,

		// CSS.
		`<div style="background:url(javascript:alert(§))">styled</div>`,
		`<div style="width:expression(alert(§))">styled</div>`,
		`<style>*{background:url("javascript:alert(§)")}</style>`,
		`<p style="background-image:url('data:image/svg+xml,<svg onload=alert(§)>')">styled</p>`,

		// srcdoc and formaction.
		`<form id=f§></form><button form=f§ formaction="javascript:alert(§)">send</button>`,
		`<input type=image src=x formaction=javascript:alert(§)>`,
		`<button formaction="javascript:alert(§)">send</button>`,
		`<isindex action=javascript:alert(§) type=image>`,

		// WordPress shortcodes, for imported text.
		`[caption id="c§" align="alignleft" width="300" caption="<img src=x onerror=alert(§)>"]<img src="x.jpg" alt="" onerror=alert(§)> caption[/caption]`,
		`[embed]javascript:alert(§)[/embed]`,
		`[gallery ids="1" link="javascript:alert(§)"]`,
		`[audio src="javascript:alert(§)"]`,
		`[video src="javascript:alert(§)"]`,
	}
	out := make([]string, len(templates))
	for i, t := range templates {
		v := strings.ReplaceAll(t, "§", strconv.Itoa(i+1))
		// A \x00B64…\x00 span is replaced by its base64 encoding.
		if a := strings.Index(v, "\x00B64"); a >= 0 {
			b := strings.Index(v[a+1:], "\x00") + a + 1
			v = v[:a] + base64.StdEncoding.EncodeToString([]byte(v[a+4:b])) + v[b+1:]
		}
		out[i] = v
	}
	return out
}
