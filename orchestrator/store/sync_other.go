//go:build !linux

package store

import (
	"os"
	"path/filepath"
)

// fileSyncer makes files durable with an fsync each, then one of each directory.
type fileSyncer struct {
	dirs map[string]bool
}

func newFileSyncer() *fileSyncer { return &fileSyncer{dirs: map[string]bool{}} }

func (s *fileSyncer) sync(f *os.File) error {
	s.dirs[filepath.Dir(f.Name())] = true
	return f.Sync()
}

func (s *fileSyncer) finish() error {
	for dir := range s.dirs {
		if err := syncDir(dir); err != nil {
			return err
		}
	}
	return nil
}
