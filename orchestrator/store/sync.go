package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// SyncFiles forces files written with Replace, and their directories, to disk, the
// platform's way (fileSyncer). A file that no longer exists needs nothing. The opens do
// not block: a FIFO a command put in a file's place would wait for a writer.
func SyncFiles(paths []string) error {
	s := newFileSyncer()
	for _, p := range paths {
		f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
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
