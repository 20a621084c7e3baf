package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"folio/internal/blog"
	"folio/internal/config"
)

// tokenCommand makes, lists and revokes access tokens for apps and
// scripts.
func tokenCommand(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return fmt.Errorf("token needs a command: create, list or revoke")
	}
	var cfg config.Config
	var name, scope, email string
	fs := newFlags("token "+args[0], env)
	cfg.CommonFlags(fs)
	switch args[0] {
	case "create":
		fs.StringVar(&name, "name", "", "what the token is for, such as the app's name (required)")
		fs.StringVar(&scope, "scope", "", "scopes, separated by spaces: "+strings.Join(blog.Scopes, " ")+" (required)")
		fs.StringVar(&email, "email", "", "the writer it acts for (needed when the site has several)")
	case "list", "revoke":
	default:
		return fmt.Errorf("unknown token command %q; try create, list or revoke", args[0])
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	accounts := s.service.Accounts
	switch args[0] {
	case "create":
		scopes, err := blog.ParseScopes(scope)
		if err != nil {
			return err
		}
		u, err := tokenWriter(ctx, accounts, email)
		if err != nil {
			return err
		}
		t, secret, err := accounts.CreateToken(ctx, nil, u.ID, blog.TokenInput{Name: name, Scopes: scopes})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Token %d for %s, scopes %s. It is shown only now:\n", t.ID, u.Email, strings.Join(t.Scopes, " "))
		fmt.Fprintln(env.Stdout, secret)
	case "list":
		list, err := accounts.Tokens(ctx, nil)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tWRITER\tSCOPES\tCREATED\tLAST USED")
		for _, t := range list {
			used := "never"
			if !t.UsedAt.IsZero() {
				used = t.UsedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.UserName, strings.Join(t.Scopes, " "), t.CreatedAt.Format("2006-01-02 15:04"), used)
		}
		return w.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("token revoke takes the token's ID, as token list shows it")
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("token revoke: %q is not an ID", fs.Arg(0))
		}
		if err := accounts.RevokeToken(ctx, nil, id); err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		fmt.Fprintf(env.Stdout, "Token %d revoked.\n", id)
	}
	return nil
}

// tokenWriter is the writer a new token acts for: the one with email,
// or the site's only writer.
func tokenWriter(ctx context.Context, accounts *blog.Accounts, email string) (*blog.User, error) {
	users, err := accounts.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if email != "" && strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return u, nil
		}
	}
	if email != "" {
		return nil, fmt.Errorf("no user has the e-mail address %q", email)
	}
	if len(users) != 1 {
		return nil, fmt.Errorf("the site has %d users: name the token's writer with --email", len(users))
	}
	return users[0], nil
}
