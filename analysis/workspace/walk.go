package workspace

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// WalkFunc has the contract of fs.WalkDirFunc with root-relative, slash-separated paths:
// an unreadable directory arrives a second time with a non-nil err, fs.SkipDir skips a
// directory (or, returned for a file, the rest of its directory) and fs.SkipAll ends the
// walk without an error.
type WalkFunc func(rel string, d fs.DirEntry, err error) error

// Walk visits the directory rel ("" for the root) and everything below it that is not
// ignored, depth first in lexical order, as filepath.WalkDir does. Symlinks are reported
// but never followed, so a symlink loop cannot trap it.
func (ig *Ignore) Walk(rel string, visit WalkFunc) error {
	d, err := ig.start(rel)
	if err != nil || d == nil {
		return skipped(visitError(visit, rel, err))
	}
	return skipped(ig.walkDir(rel, d, visit))
}

func (ig *Ignore) walkDir(rel string, d fs.DirEntry, visit WalkFunc) error {
	if err := visit(rel, d, nil); err != nil || !d.IsDir() {
		if errors.Is(err, fs.SkipDir) && d.IsDir() {
			return nil
		}
		return err
	}
	entries, err := ig.readDir(rel)
	if err != nil {
		if err := visit(rel, d, err); err != nil {
			if errors.Is(err, fs.SkipDir) {
				return nil
			}
			return err
		}
	}
	for _, e := range entries {
		if err := ig.walkDir(path.Join(rel, e.Name()), e, visit); err != nil {
			if errors.Is(err, fs.SkipDir) {
				break
			}
			return err
		}
	}
	return nil
}

// WalkParallel visits what Walk visits, breadth first: the directories of each depth
// are read on every core, then visited in order, from the calling goroutine only.
func (ig *Ignore) WalkParallel(rel string, visit WalkFunc) error {
	d, err := ig.start(rel)
	if err != nil || d == nil {
		return skipped(visitError(visit, rel, err))
	}
	if err := visit(rel, d, nil); err != nil || !d.IsDir() {
		return skipped(err)
	}
	type dir struct {
		rel     string
		d       fs.DirEntry
		entries []fs.DirEntry
		err     error
	}
	level := []dir{{rel: rel, d: d}}
	for len(level) > 0 {
		parallel(len(level), func(i int) { level[i].entries, level[i].err = ig.readDir(level[i].rel) })
		var next []dir
		for _, parent := range level {
			if parent.err != nil {
				if err := visit(parent.rel, parent.d, parent.err); err != nil {
					if errors.Is(err, fs.SkipDir) {
						continue
					}
					return skipped(err)
				}
			}
		entries:
			for _, e := range parent.entries {
				p := path.Join(parent.rel, e.Name())
				switch err := visit(p, e, nil); {
				case err == nil:
					if e.IsDir() {
						next = append(next, dir{rel: p, d: e})
					}
				case errors.Is(err, fs.SkipDir) && e.IsDir(): // not entered
				case errors.Is(err, fs.SkipDir):
					break entries // a file's SkipDir skips the rest of its directory
				default:
					return skipped(err)
				}
			}
		}
		level = next
	}
	return nil
}

// start is the entry of the walk's first path, or nil when that path is ignored.
func (ig *Ignore) start(rel string) (fs.DirEntry, error) {
	info, err := os.Lstat(ig.abs(rel))
	if err != nil {
		return nil, err
	}
	if rel != "" && ig.ignoredEntry(rel, info.IsDir()) {
		return nil, nil
	}
	return fs.FileInfoToDirEntry(info), nil
}

// readDir reads the directory rel, loads its .gitignore when it has one (drops its old
// rules when it has none: no failed open for every directory), and returns the entries
// that are not ignored, in lexical order. Entries read before an error are returned with
// it.
func (ig *Ignore) readDir(rel string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(ig.abs(rel))
	if rel != "" {
		if slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == ".gitignore" && !e.IsDir() }) {
			ig.LoadDir(rel)
		} else {
			ig.dropDir(rel)
		}
	}
	kept := entries[:0]
	for _, e := range entries {
		if !ig.ignoredEntry(path.Join(rel, e.Name()), e.IsDir()) {
			kept = append(kept, e)
		}
	}
	return kept, err
}

func (ig *Ignore) abs(rel string) string { return filepath.Join(ig.root, filepath.FromSlash(rel)) }

// visitError hands the walk's first path's error to visit; an ignored first path (no
// error) is not visited.
func visitError(visit WalkFunc, rel string, err error) error {
	if err == nil {
		return nil
	}
	return visit(rel, nil, err)
}

// skipped is a walk's result: fs.SkipDir and fs.SkipAll end it without an error.
func skipped(err error) error {
	if errors.Is(err, fs.SkipDir) || errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

// parallel calls work for 0..n-1 on every core.
func parallel(n int, work func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			work(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				work(i)
			}
		})
	}
	wg.Wait()
}
