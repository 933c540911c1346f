package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// SyncFiles forces files written with Replace, and their directories, to disk: on Linux
// with one syncfs per file system they are on. An fsync each would cost a journal commit
// each, and a mission finishing many items at once has many files to make durable. A
// file that no longer exists needs nothing.
func SyncFiles(paths []string) error {
	synced := map[uint64]bool{} // device numbers
	for _, p := range paths {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		err = syncFileSystemOf(f, synced)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", p, err)
		}
	}
	return nil
}

func syncFileSystemOf(f *os.File, synced map[uint64]bool) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if synced[st.Dev] {
		return nil
	}
	synced[st.Dev] = true
	return unix.Syncfs(int(f.Fd()))
}
