package storetest

import (
	"testing"
	"time"

	"folio/internal/blog"
)

func testOutbox(t *testing.T, st blog.Store) {
	ctx := t.Context()
	a := &blog.Mail{To: "a@example.com", Subject: "A", Body: "first", NextAttemptAt: t0, CreatedAt: t0}
	b := &blog.Mail{To: "b@example.com", Subject: "B", Body: "later", NextAttemptAt: t0.Add(time.Hour), CreatedAt: t0}
	for _, m := range []*blog.Mail{a, b} {
		if err := st.EnqueueMail(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	due, err := st.DueMail(ctx, t0.Add(time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].To != "a@example.com" || due[0].Body != "first" {
		t.Fatalf("DueMail = %v, %v", due, err)
	}
	a.Attempts, a.LastError, a.NextAttemptAt = 1, "refused", t0.Add(2*time.Hour)
	if err := st.UpdateMail(ctx, a); err != nil {
		t.Fatal(err)
	}
	due, _ = st.DueMail(ctx, t0.Add(3*time.Hour), 10)
	if len(due) != 2 || due[0].To != "b@example.com" || due[1].Attempts != 1 || due[1].LastError != "refused" {
		t.Errorf("DueMail later = %+v", due)
	}
	if due, _ := st.DueMail(ctx, t0.Add(3*time.Hour), 1); len(due) != 1 {
		t.Errorf("DueMail ignores its limit: %d", len(due))
	}
	if err := st.DeleteMail(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := st.DueMail(ctx, t0.Add(3*time.Hour), 10); len(due) != 1 {
		t.Errorf("after DeleteMail %d due", len(due))
	}
}
