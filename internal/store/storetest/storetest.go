// Package storetest is the conformance suite every blog.Store
// implementation must pass. Store packages call Run from their tests with
// a function that opens a fresh, empty, migrated store.
package storetest

import (
	"testing"
	"time"

	"folio/internal/blog"
)

// Opener returns a new empty store for one subtest, and a function that
// opens the same database again, as another process would.
type Opener func(t *testing.T) (st blog.Store, again func() blog.Store)

// Run runs every conformance test against stores made by open, grouped
// by the store part each exercises (the transaction tests cover several).
func Run(t *testing.T, open Opener) {
	parts := []struct {
		part  string
		tests []test
	}{
		{"UserStore", []test{{"Users", testUsers}, {"Delete", testDeleteUser}}},
		{"SessionStore", []test{{"Sessions", testSessions}}},
		{"SecondFactorStore", []test{{"SecondFactors", testSecondFactors}}},
		{"TokenStore", []test{{"Tokens", testTokens}}},
		{"MentionStore", []test{{"Mentions", testMentions}}},
		{"PostStore", []test{{"CRUD", testPostCRUD}, {"SlugConflict", testPostSlugConflict},
			{"Filters", testPostFilters}, {"Adjacent", testAdjacentPost}, {"Save", testSavePost}}},
		{"RevisionStore", []test{{"Revisions", testRevisions}}},
		{"TermStore", []test{{"Terms", testTerms}}},
		{"SettingStore", []test{{"Settings", testSettings}}},
		{"AddressStore", []test{{"Addresses", testAddresses}}},
		{"CommentStore", []test{{"Comments", testComments}, {"Purge", testCommentPurge},
			{"ThreadPage", testThreadPage}}},
		{"MailStore", []test{{"Outbox", testOutbox}}},
		{"Searcher", []test{{"Search", testSearch}, {"SearchWindow", testSearchWindow}}},
		{"RateStore", []test{{"Hits", testRateHits}}},
		{"MediaStore", []test{{"Media", testMedia}}},
		{"Transactor", []test{{"Rollback", testAtomicRollback}, {"GroupCommit", testGroupCommit}, {"SlugRace", testSlugRace},
			{"ApproveDeleteRace", testApproveDeleteRace}}},
	}
	for _, p := range parts {
		t.Run(p.part, func(t *testing.T) {
			for _, tt := range p.tests {
				t.Run(tt.name, func(t *testing.T) {
					st, _ := open(t)
					tt.fn(t, st)
				})
			}
		})
	}
	t.Run("ChangeFeed", func(t *testing.T) {
		st, again := open(t)
		testChangeFeed(t, st, again)
	})
	t.Run("ChangeMarks", func(t *testing.T) {
		st, _ := open(t)
		testChangeMarks(t, st)
	})
	t.Run("ChangeFeedFromOpen", func(t *testing.T) {
		st, again := open(t)
		testFeedFromOpen(t, st, again)
	})
}

// test is one conformance test.
type test struct {
	name string
	fn   func(t *testing.T, st blog.Store)
}

var t0 = time.Date(2015, 11, 28, 9, 30, 0, 0, time.UTC)

func mustUser(t *testing.T, st blog.Store, email string) *blog.User {
	t.Helper()
	u := &blog.User{Name: "User " + email, Slug: blog.Slugify(email), Email: email, Role: blog.RoleAuthor, PasswordHash: "h", CreatedAt: t0}
	if err := st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func newPost(author *blog.User, slug string, at time.Time, status blog.Status) *blog.Post {
	return &blog.Post{
		Kind: blog.KindPost, Status: status, Title: "Title " + slug, Slug: slug,
		Body: "body of " + slug, BodyHTML: "<p>body of " + slug + "</p>", Summary: "body", AuthorID: author.ID,
		PublishedAt: at, CreatedAt: at, UpdatedAt: at, CommentsOpen: true,
	}
}

func mustPost(t *testing.T, st blog.Store, p *blog.Post) *blog.Post {
	t.Helper()
	if err := st.CreatePost(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	return p
}
