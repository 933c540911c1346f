package analysis

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// An evaluation applies the rules to some files of the index and records, for each file,
// every path its check looked at: the facts of other files, files and directories on disk,
// directory listings. The index keeps the reverse of those records, so a change re-checks
// exactly the files that read what changed (the file itself, its importers, the importers
// of modules that re-export it, files whose import named it while it did not exist).
type evaluation struct {
	ix     *Index
	frames []readSet // innermost last: what the computation in progress has read

	goView *goView
	esView *esView
	pyView *pyView
}

// readSet holds the keys a computation read: relative paths, and directory listings as
// listingKey(dir).
type readSet map[string]struct{}

// listingKey is the key of a directory's list of entries, distinct from the directory's
// own path (whose key says that it exists).
func listingKey(dir string) string { return dir + "/" }

func newEvaluation(ix *Index) *evaluation { return &evaluation{ix: ix} }

// setFromOutside reports whether some file of the workspace sets an attribute of that
// name on a module it imports: which module is not resolved, so a module lacking name is
// given the benefit of the doubt.
func (e *evaluation) setFromOutside(name string) bool {
	e.read(setOnModulesKey)
	return e.ix.setOnModules[name]
}

func (e *evaluation) read(key string) {
	if n := len(e.frames); n > 0 {
		e.frames[n-1][key] = struct{}{}
	}
}

func (e *evaluation) replay(keys readSet) {
	for k := range keys {
		e.read(k)
	}
}

func (e *evaluation) push() { e.frames = append(e.frames, readSet{}) }

// pop ends the innermost computation; what it read counts for the enclosing one too.
func (e *evaluation) pop() readSet {
	top := e.frames[len(e.frames)-1]
	e.frames = e.frames[:len(e.frames)-1]
	e.replay(top)
	return top
}

// file returns the facts of a file of the index, nil when it holds none.
func (e *evaluation) file(rel string) *fileFacts {
	e.read(rel)
	return e.ix.files[rel]
}

// unchecked reports whether the index left a file unchecked: skipped (minified,
// oversized, binary, too slow to parse) or faulted.
func (e *evaluation) unchecked(rel string) bool {
	e.read(rel)
	_, skipped := e.ix.skipped[rel]
	_, faulted := e.ix.faults[rel]
	return skipped || faulted
}

// stat looks at a path on disk.
func (e *evaluation) stat(rel string) (fs.FileInfo, error) {
	e.read(rel)
	return os.Stat(filepath.Join(e.ix.root, filepath.FromSlash(rel)))
}

// readFile reads a file on disk that the index does not hold (a build file).
func (e *evaluation) readFile(rel string) ([]byte, error) {
	e.read(rel)
	return ReadFile(filepath.Join(e.ix.root, filepath.FromSlash(rel)))
}

// readDir lists a directory on disk.
func (e *evaluation) readDir(dir string) []fs.DirEntry {
	e.read(listingKey(dir))
	entries, _ := os.ReadDir(filepath.Join(e.ix.root, filepath.FromSlash(dir)))
	return entries
}

// memo is a result computed once per evaluation, with what computing it read: every
// later use reads the same.
type memo[V any] struct {
	value V
	reads readSet
}

func remember[K comparable, V any](e *evaluation, cache map[K]memo[V], key K, compute func() V) V {
	if m, ok := cache[key]; ok {
		e.replay(m.reads)
		return m.value
	}
	e.push()
	v := compute()
	cache[key] = memo[V]{value: v, reads: e.pop()}
	return v
}

// check applies every rule to one file and returns its findings and what it read.
func (e *evaluation) check(rel string, f *fileFacts) ([]Diagnostic, readSet) {
	e.push()
	e.read(rel)
	var out []Diagnostic
	if !f.generated {
		for _, d := range f.syntax {
			d.File = rel
			out = append(out, d)
		}
	}
	syntax := len(out) // a waiver of type errors does not cover syntax errors
	switch {
	case f.lang.ID == "go":
		if f.neverBuilt || goToolIgnores(rel) {
			break
		}
		v := e.golang()
		if !f.generated {
			out = append(out, v.checkFile(rel, f)...)
		}
		for _, d := range v.duplicates(path.Dir(rel)) {
			if d.File == rel {
				out = append(out, d)
			}
		}
	case f.es != nil && !f.generated && !fixture(rel):
		out = append(out, e.ecmascript().checkFile(rel, f)...)
		if !f.broken() { // error recovery can make one definition look like two
			out = append(out, esDuplicates(rel, f)...)
		}
	case f.py != nil && !f.generated && !fixture(rel):
		out = append(out, e.python().checkFile(rel, f)...)
		if !f.broken() {
			out = append(out, pyDuplicates(rel, f)...)
		}
	}
	kept := slices.DeleteFunc(out[syntax:], f.waives)
	return out[:syntax+len(kept)], e.pop()
}

// fixture reports a file under a directory of test inputs (fixtures, __fixtures__,
// testdata, test-data): linters' and bundlers' tests keep imports of missing modules
// and wrong calls there on purpose. Its syntax errors are reported, nothing else; its
// facts still count for the files that import it. (Go's testdata is goToolIgnores'.)
func fixture(rel string) bool {
	for part := range strings.SplitSeq(path.Dir(rel), "/") {
		switch part {
		case "fixtures", "__fixtures__", "testdata", "test-data":
			return true
		}
	}
	return false
}

// The language views are built on first use: an evaluation of a TypeScript edit does not
// pay for the Go packages.

func (e *evaluation) golang() *goView {
	if e.goView == nil {
		e.goView = newGoView(e)
	}
	return e.goView
}

func (e *evaluation) ecmascript() *esView {
	if e.esView == nil {
		e.esView = newESView(e)
	}
	return e.esView
}

func (e *evaluation) python() *pyView {
	if e.pyView == nil {
		e.pyView = newPyView(e)
	}
	return e.pyView
}
