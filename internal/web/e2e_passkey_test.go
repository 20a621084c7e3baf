package web_test

import (
	"net/url"
	"strings"
	"testing"

	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"folio/internal/blog"
)

// TestBrowserPasskeys registers a passkey from the profile with a
// virtual authenticator (the DevTools WebAuthn domain), then signs in
// with it instead of the password, and as the second step after the
// password. Passkeys belong to a host name, so the site is reached as
// localhost, which browsers treat as secure.
func TestBrowserPasskeys(t *testing.T) {
	ctx := newChrome(t)
	axeJS := loadAxe(t)
	s := newSiteWithAdmin(t)
	u, _ := url.Parse(s.URL)
	base := "http://localhost:" + u.Port()
	if _, err := s.svc.Site.SaveSettings(t.Context(), s.admin, blog.SettingsInput{"base_url": base}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdpwebauthn.Enable, cdpwebauthn.EnableParams{}); err != nil {
		t.Fatalf("enable WebAuthn: %v", err)
	}
	auth, err := chromedp.Call(ctx, cdpwebauthn.AddVirtualAuthenticator, cdpwebauthn.AddVirtualAuthenticatorParams{Options: &cdpwebauthn.VirtualAuthenticatorOptions{
		Protocol: cdpwebauthn.AuthenticatorProtocolCtap2, Ctap2version: cdpwebauthn.Ctap2versionCtap21, Transport: cdpwebauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
	}})
	if err != nil {
		t.Fatalf("add a virtual authenticator: %v", err)
	}
	signedIn := chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Admin"]`))
	password := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/admin/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "analytical engine"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button`)),
	}
	signOut := chromedp.Click(chromedp.CSS(`.signout button`))

	do(t, ctx, "sign in with the password", append(password, signedIn)...)
	do(t, ctx, "add a passkey",
		chromedp.Navigate(base+"/admin/profile"),
		chromedp.SendKeys(chromedp.ID("passkey_name"), "Test laptop"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/profile/passkeys/new"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey-start]`)),
	)
	checkBothWidths(t, ctx, "adding a passkey", axeJS)
	do(t, ctx, "create the passkey",
		chromedp.Click(chromedp.CSS(`[data-passkey-start]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.codes`)),
	)
	checkBothWidths(t, ctx, "the recovery codes", axeJS)
	if codes := text(t, ctx, "ol.codes"); strings.Count(codes, "-") != 2*blog.RecoveryCodeCount {
		t.Errorf("recovery codes after the first passkey: %q", codes)
	}
	creds, err := chromedp.Call(ctx, cdpwebauthn.GetCredentials, cdpwebauthn.GetCredentialsParams{AuthenticatorID: auth.AuthenticatorID})
	if err != nil || len(creds.Credentials) != 1 || !creds.Credentials[0].IsResidentCredential {
		t.Fatalf("the authenticator holds %+v (%v), want one discoverable passkey", creds, err)
	}
	st, err := s.svc.Accounts.SecondFactors(t.Context(), s.admin.ID)
	if err != nil || len(st.Passkeys) != 1 || st.Passkeys[0].Name != "Test laptop" {
		t.Fatalf("passkeys stored: %+v (%v)", st, err)
	}

	do(t, ctx, "open the profile", chromedp.Navigate(base+"/admin/profile"), chromedp.WaitVisible(chromedp.ID("two-factor")))
	checkBothWidths(t, ctx, "the profile with a passkey", axeJS)
	do(t, ctx, "sign out", signOut, chromedp.WaitVisible(chromedp.ID("email")))
	checkBothWidths(t, ctx, "the sign-in page offering passkeys", axeJS)
	do(t, ctx, "sign in with the passkey alone",
		chromedp.Click(chromedp.CSS(`form[action="/admin/login/passkey"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey-start]`)),
		chromedp.Click(chromedp.CSS(`[data-passkey-start]`)),
		signedIn,
	)
	do(t, ctx, "sign in with the password", append([]chromedp.Action[chromedp.Void]{signOut, chromedp.WaitVisible(chromedp.ID("email"))}, password...)...)
	do(t, ctx, "the second step", chromedp.WaitVisible(chromedp.ID("code")))
	checkBothWidths(t, ctx, "the second step", axeJS)
	do(t, ctx, "the passkey as the second step", chromedp.Click(chromedp.CSS(`[data-passkey-start]`)), signedIn)
	if st, _ := s.svc.Accounts.SecondFactors(t.Context(), s.admin.ID); st.Passkeys[0].UsedAt.IsZero() {
		t.Error("the passkey's use was not recorded")
	}
}
