// Package store is the workspace's `.opencode/` directory: the plan, the mission state,
// the ledger, the sync issues, the generated logs and the user's configuration. Every
// write is atomic, so a crash at any moment leaves either the old or the new file.
package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// DiskFull reports whether err is a write that failed for want of space: the disk (or
// the user's disk quota) is full, which no retry and no change to the files mends.
func DiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

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

// ReplaceIn is Replace for name (slash or OS separated) inside root. The name is
// resolved as each file operation runs: a symlink on the way that leads out of root
// fails the write, even one put there after the name was checked. Tools write the
// workspace this way.
func ReplaceIn(root *os.Root, name string, data []byte) error {
	return replaceIn(root, filepath.FromSlash(name), data, false)
}

func replace(path string, data []byte, sync bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := replaceIn(root, filepath.Base(path), data, sync); err != nil {
		if pathErr := (*fs.PathError)(nil); errors.As(err, &pathErr) {
			err = pathErr.Err // the temporary file's name would say path twice
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replaceIn writes a temporary file beside name, then renames it over name.
func replaceIn(root *os.Root, name string, data []byte, sync bool) error {
	if dir := filepath.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmpName, tmp, err := createTemp(root, name)
	if err != nil {
		return err
	}
	written := false
	defer func() {
		if !written {
			_ = tmp.Close()
			_ = root.Remove(tmpName)
		}
	}()
	perm := newFileMode(data)
	if info, err := root.Stat(name); err == nil {
		perm = info.Mode().Perm()
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := root.Rename(tmpName, name); err != nil {
		return err
	}
	written = true
	return nil
}

// newFileMode is a new file's permissions: a script (its first line a #! line) is made
// executable, as its author would with chmod +x, which no tool offers a model; a file
// that exists keeps its permissions.
func newFileMode(data []byte) os.FileMode {
	if bytes.HasPrefix(data, []byte("#!")) {
		return 0o755
	}
	return 0o644
}

// createTemp creates a new file ".<base>.<random>.tmp" beside name, as os.CreateTemp
// names them.
func createTemp(root *os.Root, name string) (string, *os.File, error) {
	dir, base := filepath.Split(name)
	for range 10000 {
		tmpName := filepath.Join(dir, "."+base+"."+strconv.FormatUint(uint64(rand.Uint32()), 10)+".tmp")
		f, err := root.OpenFile(tmpName, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			return tmpName, f, err
		}
	}
	return "", nil, fmt.Errorf("no free temporary name beside %s", name)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
