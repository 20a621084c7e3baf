package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"folio/internal/blog"
	"folio/internal/config"
)

// secretSettings are shown only as set or not.
var secretSettings = map[string]bool{"smtp_password": true, "akismet_key": true}

// settingsCmd lists the site settings, or with `set KEY=VALUE...` changes
// them: all are checked first, and nothing is stored when one is wrong.
func settingsCmd(ctx context.Context, args []string, env Env) error {
	set := len(args) > 0 && args[0] == "set"
	if set {
		args = args[1:]
	}
	var cfg config.Config
	fs := newFlags("settings", env)
	cfg.CommonFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if set != (fs.NArg() > 0) {
		return errors.New("try: folio settings, to list them, or folio settings set KEY=VALUE...")
	}
	in := blog.SettingsInput{}
	for _, a := range fs.Args() {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return fmt.Errorf("%q: write KEY=VALUE", a)
		}
		in[k] = v
	}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	known := s.service.Site.Settings().Values()
	for k := range in {
		if _, ok := known[k]; !ok {
			return fmt.Errorf("%q is not a setting; folio settings lists them", k)
		}
	}
	st := s.service.Site.Settings()
	if set {
		if st, err = s.service.Site.SaveSettings(ctx, nil, in); err != nil {
			return err
		}
	}
	// After a change, show what changed; else everything.
	vals := st.Values()
	shown := map[string]string(in)
	if !set {
		shown = vals
	}
	keys := make([]string, 0, len(shown))
	for k := range shown {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := vals[k]
		if secretSettings[k] && v != "" {
			v = "(set)"
		}
		fmt.Fprintf(env.Stdout, "%s=%s\n", k, strings.ReplaceAll(v, "\n", `\n`))
	}
	return nil
}
