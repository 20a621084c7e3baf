package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"folio/internal/blog"
	"folio/internal/config"
	"folio/internal/store/archive"
)

func TestScheduledBackups(t *testing.T) {
	ctx := t.Context()
	cfg := config.Config{DataDir: t.TempDir()}
	s, err := openSite(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := cfg.BackupsDir()
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if path, err := s.scheduledBackup(ctx, dir, start); path != "" || err != nil {
		t.Fatalf("backup taken while the setting is off: %q, %v", path, err)
	}
	admin, err := s.service.Accounts.SetupAdmin(ctx, blog.UserInput{Name: "Ada", Email: "ada@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.service.Site.SaveSettings(ctx, admin, blog.SettingsInput{"backup_hours": "1", "backup_keep": "2"}); err != nil {
		t.Fatal(err)
	}
	var taken []string
	for _, tt := range []struct {
		at   time.Duration
		want bool
	}{
		{0, true},
		{20 * time.Minute, false}, // the same hour: taken already
		{70 * time.Minute, true},
		{130 * time.Minute, true},
		{190 * time.Minute, true},
	} {
		path, err := s.scheduledBackup(ctx, dir, start.Add(tt.at))
		if err != nil {
			t.Fatal(err)
		}
		if (path != "") != tt.want {
			t.Fatalf("at +%s: backup %q, want one: %v", tt.at, path, tt.want)
		}
		if path != "" {
			taken = append(taken, path)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 2 || left[0] != taken[2] || left[1] != taken[3] {
		t.Fatalf("kept %v, want the newest two of %v", left, taken)
	}
	f, err := os.Open(left[1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dst, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "restored.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := archive.Read(ctx, f, dst, false); err != nil {
		t.Fatalf("a scheduled backup does not restore: %v", err)
	}
}
