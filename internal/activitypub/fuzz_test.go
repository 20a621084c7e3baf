package activitypub

import (
	"net/http"
	"testing"
)

// FuzzParseActivity: any body is read or refused, never a panic.
func FuzzParseActivity(f *testing.F) {
	f.Add([]byte(`{"id":"https://m.example/f/1","type":"Follow","actor":"https://m.example/users/a","object":"https://b.example/ap/actors/1"}`))
	f.Add([]byte(`{"type":"Create","actor":{"id":"x"},"object":{"type":"Note","tag":[{"type":"Mention"}],"content":["a","b"]}}`))
	f.Add([]byte(`{"type":"Undo","actor":"a","object":{"type":"Like","object":{"type":"Like"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if a, err := ParseActivity(body); err == nil && (a.Type == "" || a.Actor == "") {
			t.Fatalf("read an activity without a type or actor: %+v", a)
		}
	})
}

// FuzzText: notes' HTML becomes text without markup.
func FuzzText(f *testing.F) {
	f.Add(`<p><span class="h-card"><a class="u-url mention" href="x">@<span>a</span></a></span> hi</p>`)
	f.Add(`<script>x</script><p>a<br>b</p><a class=mention>`)
	f.Fuzz(func(t *testing.T, in string) {
		Text(in)
	})
}

// FuzzSignatureParams: any Signature header is read or refused.
func FuzzSignatureParams(f *testing.F) {
	f.Add(`keyId="https://m.example/users/a#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="abc=="`)
	f.Add(`keyId="a,b",headers=`)
	f.Add(`="`)
	f.Fuzz(func(t *testing.T, h string) {
		r, _ := http.NewRequest(http.MethodPost, "https://b.example/ap/inbox", nil)
		r.Header.Set("Signature", h)
		signatureParams(r)
	})
}
