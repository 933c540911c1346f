// Package store is the workspace's `.opencode/` directory: the plan, the mission state,
// the ledger, the sync issues, the generated logs and the user's configuration. Every
// write is atomic, so a crash at any moment leaves either the old or the new file.
package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteAtomic replaces path with data durably: a temporary file in the same directory,
// synced, then renamed over path, then the directory synced so the rename itself
// survives a crash.
func WriteAtomic(path string, data []byte) error {
	if err := replace(path, data, true); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// Replace replaces path with data atomically, without waiting for the disk: a crash of
// the process leaves the old file or the new one, a crash of the machine may leave the
// old one (or, for a new file, an empty one) until SyncFiles has made it durable. Tools
// write the workspace this way; the mission syncs an item's files before it records
// the item done, many items' files at a time.
func Replace(path string, data []byte) error { return replace(path, data, false) }

func replace(path string, data []byte, sync bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	written := false
	defer func() {
		if !written {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	perm := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		perm = info.Mode().Perm()
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	written = true
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
