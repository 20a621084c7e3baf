package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"folio/internal/blog"
	"folio/internal/config"
)

func userAdd(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	var in blog.UserInput
	var role string
	fs := newFlags("user add", env)
	cfg.CommonFlags(fs)
	fs.StringVar(&in.Name, "name", "", "the user's name as readers see it (required)")
	fs.StringVar(&in.Email, "email", "", "e-mail address to sign in with (required)")
	fs.StringVar(&role, "role", "author", "admin, editor or author")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user add takes no arguments, got %q", fs.Args())
	}
	var err error
	if in.Role, err = blog.ParseRole(role); err != nil {
		return err
	}
	if in.Password, err = readPassword(env); err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.service.Accounts.CreateUser(ctx, nil, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Added %s <%s> as %s. Sign in at /admin/login.\n", u.Name, u.Email, u.Role)
	return nil
}

func userPassword(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	var email string
	fs := newFlags("user password", env)
	cfg.CommonFlags(fs)
	fs.StringVar(&email, "email", "", "e-mail address of the user (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.service.Accounts.SetPassword(ctx, nil, email, pw); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Password set for %s.\n", email)
	return nil
}

// userSecondFactorsOff turns off a user's two-factor sign-in, for one
// who lost their phone and recovery codes, and ends their sessions.
func userSecondFactorsOff(ctx context.Context, args []string, env Env) error {
	var cfg config.Config
	var email string
	fs := newFlags("user 2fa-off", env)
	cfg.CommonFlags(fs)
	fs.StringVar(&email, "email", "", "e-mail address of the user (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	users, err := s.service.Accounts.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			if err := s.service.Accounts.ResetSecondFactors(ctx, nil, u.ID); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "Two-factor sign-in is off for %s; they sign in with their password.\n", u.Email)
			return nil
		}
	}
	return fmt.Errorf("no user has the e-mail address %q", email)
}

// readPassword prompts twice on a terminal; otherwise it reads the first
// line of standard input, so scripts can pipe a password in.
func readPassword(env Env) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && env.IsTerminal != nil && env.IsTerminal(f) {
		fmt.Fprint(env.Stderr, "Password (at least 10 characters): ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(env.Stderr, "Same password again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input: pipe one in, e.g. printf '%s\\n' \"$PASSWORD\" | folio user add …")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
