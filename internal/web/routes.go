package web

import (
	"net/http"

	"folio/internal/blog"
)

// editorMaxBody bounds the editor's forms: the text may be 1 MiB, which
// a form encodes in up to three times as many bytes, so a text over the
// limit still arrives whole and the editor can say what is wrong with
// everything kept.
const editorMaxBody = 8 << 20

// bodyLimits are the routes whose requests may be larger than the
// default limit.
var bodyLimits = map[string]int64{
	"POST /admin/posts":               editorMaxBody,
	"POST /admin/posts/{id}":          editorMaxBody,
	"POST /admin/preview":             editorMaxBody,
	"POST /admin/posts/autosave":      editorMaxBody,
	"POST /admin/posts/{id}/autosave": editorMaxBody,
	"POST /admin/import":              maxImportBytes,
	"POST /admin/media":               maxMediaBody,
	"POST " + micropubPath:            maxMediaBody,
	"POST " + mediaPath:               maxMediaBody,
	"POST /api/media":                 maxMediaBody,
}

// routes is the one table of every URL folio answers. s.page marks the
// public pages kept in the page cache, s.asset the files kept there, and
// s.admin the pages for signed-in writers; s.handle and s.form answer
// every request afresh.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()

	// Public site.
	mux.Handle("GET /{$}", s.page(s.home))
	mux.Handle("GET /page/{n}/{$}", s.page(s.home))
	mux.Handle("GET /tag/{slug}/{$}", s.page(s.tagShow))
	mux.Handle("GET /tag/{slug}/page/{n}/{$}", s.page(s.tagShow))
	mux.Handle("GET /category/{slug}/{$}", s.page(s.categoryShow))
	mux.Handle("GET /category/{slug}/page/{n}/{$}", s.page(s.categoryShow))
	mux.Handle("GET /author/{slug}/{$}", s.negotiate(s.page(s.authorShow)))
	mux.Handle("GET /author/{slug}/page/{n}/{$}", s.page(s.authorShow))
	mux.Handle("GET /feed/{$}", s.page(s.siteFeed))
	mux.Handle("GET /feed/{format}/{$}", s.page(s.siteFeed))
	mux.Handle("GET /tag/{slug}/feed/{$}", s.page(s.termFeed(blog.TermTag)))
	mux.Handle("GET /tag/{slug}/feed/{format}/{$}", s.page(s.termFeed(blog.TermTag)))
	mux.Handle("GET /category/{slug}/feed/{$}", s.page(s.termFeed(blog.TermCategory)))
	mux.Handle("GET /category/{slug}/feed/{format}/{$}", s.page(s.termFeed(blog.TermCategory)))
	mux.Handle("GET /author/{slug}/feed/{$}", s.page(s.authorFeed))
	mux.Handle("GET /author/{slug}/feed/{format}/{$}", s.page(s.authorFeed))
	mux.Handle("GET /comments/feed/{$}", s.page(s.repliesFeed))
	mux.Handle("GET /comments/feed/{format}/{$}", s.page(s.repliesFeed))
	mux.Handle("GET /static/{file}", s.asset(s.assetShow))
	mux.Handle("GET /favicon.ico", s.asset(s.faviconShow))
	mux.Handle("GET /uploads/{path...}", s.asset(s.uploadShow))
	mux.Handle("GET /media/{key}/{file}", s.asset(s.pictureShow))
	mux.Handle("GET /media/{key}/{width}/{file}", s.asset(s.pictureShow))
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /search", s.page(s.searchShow))
	mux.Handle("GET /sitemap.xml", s.page(s.sitemapShow))
	mux.Handle("GET /robots.txt", s.page(s.robotsShow))
	mux.Handle("GET /identicon/{key}", s.asset(s.identiconShow))
	mux.Handle("POST /comments", s.handle(s.commentCreate))
	mux.Handle("GET /comments/unsubscribe", s.handle(s.commentUnsubscribe))
	mux.Handle("POST /comments/unsubscribe", s.handle(s.commentUnsubscribe))
	s.activityRoutesOn(mux)
	// Posts (by the permalink setting), date archives and pages; a
	// post's address also answers the fediverse with its Article.
	mux.Handle("GET /", s.negotiate(s.page(s.resolve)))

	// Signing in.
	mux.Handle("GET /admin/setup", s.form(s.setupShow))
	mux.Handle("POST /admin/setup", s.form(s.setupCreate))
	mux.Handle("GET "+micropubPath, http.HandlerFunc(s.micropubQuery))
	mux.Handle("POST "+micropubPath, http.HandlerFunc(s.micropubPost))
	mux.Handle("POST "+mediaPath, http.HandlerFunc(s.micropubMedia))
	s.apiRoutesOn(mux)
	mux.Handle("POST "+webmentionPath, s.handle(s.webmentionReceive))
	mux.Handle("GET "+metadataPath, s.handle(s.indieAuthMetadata))
	mux.Handle("GET "+authPath, s.admin(s.authorizeShow))
	mux.Handle("POST "+approvePath, s.admin(s.authorizeDecide))
	mux.Handle("POST "+authPath, s.handle(s.authorizeRedeem))
	mux.Handle("GET "+tokenPath, s.handle(s.tokenEndpoint))
	mux.Handle("POST "+tokenPath, s.handle(s.tokenEndpoint))
	mux.Handle("POST "+introspectPath, s.handle(s.introspectEndpoint))
	mux.Handle("POST "+revokePath, s.handle(s.revokeEndpoint))
	mux.Handle("GET /admin/tokens", s.admin(s.adminTokens))
	mux.Handle("POST /admin/tokens", s.admin(s.adminTokenCreate))
	mux.Handle("POST /admin/tokens/{id}/revoke", s.admin(s.adminTokenRevoke))
	mux.Handle("GET /admin/fediverse", s.admin(s.adminFediverse))
	mux.Handle("POST /admin/fediverse/followers/{id}/approve", s.admin(s.adminFollowerApprove))
	mux.Handle("POST /admin/fediverse/followers/{id}/remove", s.admin(s.adminFollowerRemove))
	mux.Handle("POST /admin/fediverse/blocks", s.admin(s.adminBlock))
	mux.Handle("POST /admin/fediverse/blocks/delete", s.admin(s.adminUnblock))
	mux.Handle("GET /admin/login", s.form(s.loginShow))
	mux.Handle("POST /admin/login", s.form(s.loginCreate))
	mux.Handle("POST /admin/logout", s.admin(s.logout))
	mux.Handle("GET /admin/login/verify", s.form(s.verifyShow))
	mux.Handle("POST /admin/login/verify", s.form(s.verifyCode))
	mux.Handle("POST /admin/login/verify/passkey", s.form(s.verifyPasskey))
	mux.Handle("POST /admin/login/passkey", s.form(s.loginPasskey))
	mux.Handle("POST /admin/login/passkey/finish", s.form(s.loginPasskeyFinish))
	mux.Handle("GET /admin/forgot", s.form(s.forgotShow))
	mux.Handle("POST /admin/forgot", s.form(s.forgotCreate))
	mux.Handle("GET /admin/reset", s.form(s.resetShow))
	mux.Handle("POST /admin/reset", s.form(s.resetCreate))

	// Admin.
	mux.Handle("GET /admin/{$}", s.admin(s.adminHome))
	mux.Handle("GET /admin/posts", s.admin(s.adminPostList))
	mux.Handle("GET /admin/posts/new", s.admin(s.adminPostNew))
	mux.Handle("POST /admin/posts", s.admin(s.adminPostCreate))
	mux.Handle("GET /admin/posts/{id}", s.admin(s.adminPostEdit))
	mux.Handle("POST /admin/posts/{id}", s.admin(s.adminPostUpdate))
	mux.Handle("GET /admin/posts/{id}/preview", s.admin(s.adminPostPreview))
	mux.Handle("GET /admin/posts/{id}/revisions/{rev}", s.admin(s.adminRevisionShow))
	mux.Handle("POST /admin/posts/{id}/revisions/{rev}/restore", s.admin(s.adminRevisionRestore))
	mux.Handle("POST /admin/posts/bulk", s.admin(s.adminPostBulk))
	mux.Handle("POST /admin/posts/autosave", s.admin(s.adminAutosave))
	mux.Handle("POST /admin/posts/{id}/autosave", s.admin(s.adminAutosave))
	mux.Handle("POST /admin/posts/{id}/editing", s.admin(s.adminEditing))
	mux.Handle("POST /admin/posts/{id}/trash", s.admin(s.adminPostTrash))
	mux.Handle("POST /admin/posts/{id}/restore", s.admin(s.adminPostRestore))
	mux.Handle("POST /admin/posts/{id}/delete", s.admin(s.adminPostDelete))
	mux.Handle("POST /admin/trash/empty", s.admin(s.adminTrashEmpty))
	mux.Handle("POST /admin/preview", s.admin(s.adminPreview))
	mux.Handle("GET /admin/comments", s.admin(s.adminCommentList))
	mux.Handle("POST /admin/comments", s.admin(s.adminCommentModerate))
	mux.Handle("GET /admin/comments/{id}", s.admin(s.adminCommentShow))
	mux.Handle("POST /admin/comments/{id}", s.admin(s.adminCommentUpdate))
	mux.Handle("POST /admin/comments/{id}/reply", s.admin(s.adminCommentReply))
	mux.Handle("GET /admin/settings", s.admin(s.adminSettingsShow))
	mux.Handle("GET /admin/settings/{part}", s.admin(s.adminSettingsShow))
	mux.Handle("POST /admin/settings", s.admin(s.adminSettingsUpdate))
	mux.Handle("GET /admin/categories", s.admin(s.adminCategoryList))
	mux.Handle("POST /admin/categories", s.admin(s.adminCategoryCreate))
	mux.Handle("GET /admin/tags", s.admin(s.adminTagList))
	mux.Handle("GET /admin/terms/{kind}/{slug}", s.admin(s.adminTermShow))
	mux.Handle("POST /admin/terms/{kind}/{slug}", s.admin(s.adminTermUpdate))
	mux.Handle("POST /admin/terms/{kind}/{slug}/merge", s.admin(s.adminTermMerge))
	mux.Handle("POST /admin/terms/{kind}/{slug}/delete", s.admin(s.adminTermDelete))
	mux.Handle("GET /admin/media", s.admin(s.adminMediaList))
	mux.Handle("POST /admin/media", s.adminUpload(s.adminMediaUpload))
	mux.Handle("GET /admin/media/{id}", s.admin(s.adminMediaShow))
	mux.Handle("POST /admin/media/{id}", s.admin(s.adminMediaUpdate))
	mux.Handle("POST /admin/media/{id}/delete", s.admin(s.adminMediaDelete))
	mux.Handle("GET /admin/media/{id}/original", s.admin(s.adminMediaOriginal))
	mux.Handle("GET /admin/export", s.admin(s.adminExportShow))
	mux.Handle("GET /admin/export/wordpress", s.admin(s.adminExportWordPress))
	mux.Handle("GET /admin/export/markdown", s.admin(s.adminExportMarkdown))
	mux.Handle("POST /admin/backup", s.admin(s.adminBackupCreate))
	mux.Handle("GET /admin/import", s.admin(s.adminImportShow))
	mux.Handle("POST /admin/import", s.adminUpload(s.adminImportRun))
	mux.Handle("GET /admin/menu", s.admin(s.adminMenuShow))
	mux.Handle("POST /admin/menu", s.admin(s.adminMenuSave))
	mux.Handle("POST /admin/menu/reset", s.admin(s.adminMenuReset))
	mux.Handle("GET /admin/redirects", s.admin(s.adminRedirectList))
	mux.Handle("POST /admin/redirects", s.admin(s.adminRedirectSave))
	mux.Handle("GET /admin/profile", s.admin(s.adminProfileShow))
	mux.Handle("POST /admin/profile", s.admin(s.adminProfileUpdate))
	mux.Handle("POST /admin/profile/password", s.admin(s.adminProfilePassword))
	mux.Handle("POST /admin/profile/sessions", s.admin(s.adminProfileSessions))
	mux.Handle("POST /admin/profile/totp", s.admin(s.adminTOTPOffer))
	mux.Handle("GET /admin/profile/totp", s.admin(s.adminTOTPShow))
	mux.Handle("POST /admin/profile/totp/confirm", s.admin(s.adminTOTPConfirm))
	mux.Handle("POST /admin/profile/totp/off", s.admin(s.adminTOTPOff))
	mux.Handle("POST /admin/profile/recovery", s.admin(s.adminRecoveryRenew))
	mux.Handle("POST /admin/profile/passkeys/new", s.admin(s.adminPasskeyBegin))
	mux.Handle("POST /admin/profile/passkeys", s.admin(s.adminPasskeyAdd))
	mux.Handle("POST /admin/profile/passkeys/{id}/delete", s.admin(s.adminPasskeyDelete))
	mux.Handle("GET /admin/users", s.admin(s.adminUserList))
	mux.Handle("POST /admin/users", s.admin(s.adminUserCreate))
	mux.Handle("GET /admin/users/{id}", s.admin(s.adminUserShow))
	mux.Handle("POST /admin/users/{id}", s.admin(s.adminUserUpdate))
	mux.Handle("POST /admin/users/{id}/active", s.admin(s.adminUserActive))
	mux.Handle("POST /admin/users/{id}/reset", s.admin(s.adminUserReset))
	mux.Handle("POST /admin/users/{id}/delete", s.admin(s.adminUserDelete))
	mux.Handle("POST /admin/users/{id}/second-factors", s.admin(s.adminUserSecondFactors))
	return mux
}
