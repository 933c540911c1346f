package workspace

import (
	"io/fs"
	"path/filepath"
)

// Walk visits the directory rel (slash-separated, relative to the root; "" for the root)
// and everything below it that is not ignored, loading each directory's .gitignore before
// its entries are judged. Symlinks are reported but never followed, so a symlink loop
// cannot trap it. visit has the contract of fs.WalkDirFunc with root-relative paths: an
// unreadable directory arrives as a non-nil err, and fs.SkipDir skips a directory.
func (ig *Ignore) Walk(rel string, visit func(rel string, d fs.DirEntry, err error) error) error {
	start := filepath.Join(ig.root, filepath.FromSlash(rel))
	return filepath.WalkDir(start, func(abs string, d fs.DirEntry, err error) error {
		relPath, relErr := filepath.Rel(ig.root, abs)
		if relErr != nil {
			return relErr
		}
		relPath = filepath.ToSlash(relPath)
		if relPath == "." {
			relPath = ""
		}
		if err != nil {
			return visit(relPath, d, err)
		}
		isDir := d.IsDir()
		// The walk never enters an ignored directory, so only the entry itself needs judging.
		if relPath != "" && ig.ignoredEntry(relPath, isDir) {
			if isDir {
				return fs.SkipDir
			}
			return nil
		}
		if isDir && relPath != "" {
			ig.LoadDir(relPath)
		}
		return visit(relPath, d, nil)
	})
}
