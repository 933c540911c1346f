package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// SyncFiles forces files written with Replace, and their directories, to disk, the
// platform's way (fileSyncer). A file that no longer exists needs nothing.
func SyncFiles(paths []string) error {
	s := newFileSyncer()
	for _, p := range paths {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		err = s.sync(f)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", p, err)
		}
	}
	return s.finish()
}
