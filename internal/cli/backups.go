package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"folio/internal/store/archive"
)

// backupTo writes an archive of st to path, replacing it only once it is
// complete.
func backupTo(ctx context.Context, st store, path string) ([]archive.Sum, error) {
	var sums []archive.Sum
	err := writeFile(path, func(w io.Writer) error {
		var err error
		sums, err = archive.Write(ctx, st, time.Now(), w)
		return err
	})
	return sums, err
}

// Scheduled backups are named for when they were taken.
const (
	backupPrefix = "folio-"
	backupSuffix = ".folio.gz"
	backupStamp  = "20060102-150405"
)

// scheduledBackup takes the backup of the current interval when the
// settings ask for them and no process sharing the database has taken
// it yet, then deletes the oldest beyond the number to keep. It returns
// the new archive's path, or "" when none was due.
func (s *site) scheduledBackup(ctx context.Context, dir string, now time.Time) (string, error) {
	set := s.service.Site.Settings()
	if set.BackupHours == 0 {
		return "", nil
	}
	every := time.Duration(set.BackupHours) * time.Hour
	// The claim is counted under the interval's end, so sweeping old
	// counts keeps it until the interval is over.
	n, err := s.store.Hit(ctx, "backup", now.UTC().Truncate(every).Add(every))
	if err != nil || n != 1 {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	path := filepath.Join(dir, backupPrefix+now.UTC().Format(backupStamp)+backupSuffix)
	if _, err := backupTo(ctx, s.store, path); err != nil {
		return "", fmt.Errorf("scheduled backup: %w", err)
	}
	return path, pruneBackups(dir, set.BackupKeep)
}

// backupNames lists the scheduled backups in dir, oldest first.
func backupNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			names = append(names, n)
		}
	}
	sort.Strings(names) // the stamps sort by time
	return names, nil
}

// lastBackup returns when the newest scheduled backup in dir was taken,
// zero for none.
func lastBackup(dir string) time.Time {
	names, err := backupNames(dir)
	if err != nil || len(names) == 0 {
		return time.Time{}
	}
	stamp := strings.TrimSuffix(strings.TrimPrefix(names[len(names)-1], backupPrefix), backupSuffix)
	t, err := time.Parse(backupStamp, stamp)
	if err != nil {
		return time.Time{}
	}
	return t
}

// pruneBackups deletes all but the newest keep scheduled backups in dir.
func pruneBackups(dir string, keep int) error {
	names, err := backupNames(dir)
	if err != nil {
		return err
	}
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}
