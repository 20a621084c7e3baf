package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"folio/internal/blog"
	"folio/internal/config"
)

// commentCmd lists and moderates replies from the command line, through
// the same rules as the admin.
func commentCmd(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return errors.New("say what to do: folio comment list, or folio comment approve|unapprove|spam|trash|restore|delete ID…")
	}
	verb, rest := args[0], args[1:]
	var cfg config.Config
	fs := newFlags("comment "+verb, env)
	cfg.CommonFlags(fs)
	var status string
	var postID int64
	if verb == "list" {
		fs.StringVar(&status, "status", "pending", "pending, approved, spam or trash")
		fs.Int64Var(&postID, "post", 0, "only replies to the post with this ID")
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	var action blog.CommentAction
	var ids []int64
	if verb != "list" {
		var err error
		if action, err = blog.ParseCommentAction(verb); err != nil {
			return fmt.Errorf("unknown comment command %q: use list, approve, unapprove, spam, trash, restore or delete", verb)
		}
		if fs.NArg() == 0 {
			return fmt.Errorf("name the replies to %s by ID: folio comment %s 12 13", verb, verb)
		}
		for _, a := range fs.Args() {
			id, err := strconv.ParseInt(a, 10, 64)
			if err != nil || id <= 0 {
				return fmt.Errorf("%q is not a reply ID", a)
			}
			ids = append(ids, id)
		}
	} else if !blog.CommentStatus(status).Valid() {
		return fmt.Errorf("--status %q: use pending, approved, spam or trash", status)
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if verb == "list" {
		list, total, err := s.service.Discussion.ModerationQueue(ctx, nil, blog.CommentFilter{PostID: postID, Statuses: []blog.CommentStatus{blog.CommentStatus(status)}})
		if err != nil {
			return err
		}
		loc := s.service.Site.Settings().Location()
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "ID\tSTATUS\tPOST\tWRITER\tE-MAIL\tDATE (%s)\tTEXT\n", loc)
		for _, c := range list {
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%s\n", c.ID, c.Status, c.PostID, c.AuthorName, c.AuthorEmail,
				c.CreatedAt.In(loc).Format("2006-01-02 15:04"), excerpt(c.Body, 60))
		}
		tw.Flush()
		fmt.Fprintln(env.Stdout, blog.Plural(total, status+" reply", status+" replies"))
		return nil
	}
	for _, id := range ids {
		if err := s.service.Discussion.ModerateComment(ctx, nil, id, action); err != nil {
			if errors.Is(err, blog.ErrNotFound) {
				return fmt.Errorf("reply %d: no such reply", id)
			}
			return fmt.Errorf("reply %d: %s", id, describe(err))
		}
		fmt.Fprintf(env.Stdout, "reply %d: %s done\n", id, action)
	}
	return nil
}

// excerpt returns the start of text on one line.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	return string(r[:n-1]) + "…"
}
