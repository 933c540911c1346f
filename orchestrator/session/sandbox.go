package session

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Sandbox keeps a session's tools inside the workspace: every path is resolved against
// the root after symlinks, and writes are limited further (never .git/ or .opencode/; a
// worker only to its item's files).
type Sandbox struct {
	root     string   // absolute, symlinks resolved
	writable []string // relative paths a writer may write; nil: none
	anyFile  bool     // may write any file outside the protected directories
	guard    WriteGuard
}

// WriteGuard runs a tool's write of the file rel; it must call write. The mission uses it
// to tell its workers' own writes from a command's (see orchestrator/commandwrites.go).
type WriteGuard func(rel string, write func() error) error

// protectedDirs are never written by tools.
var protectedDirs = []string{".git", ".opencode"}

// NewSandbox returns a read-only sandbox of root.
func NewSandbox(root string) (*Sandbox, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("workspace %s: %w", root, err)
	}
	return &Sandbox{root: real}, nil
}

// WithWritable returns a sandbox that may also write these files (a worker's item).
func (s *Sandbox) WithWritable(files []string) *Sandbox {
	c := *s
	for _, f := range files {
		c.writable = append(c.writable, filepath.ToSlash(filepath.Clean(f)))
	}
	return &c
}

// WithWriteAnywhere returns a sandbox that may write any workspace file outside .git/ and
// .opencode/ (a custom role with canWrite and no item).
func (s *Sandbox) WithWriteAnywhere() *Sandbox {
	c := *s
	c.anyFile = true
	return &c
}

// WithWriteGuard returns a sandbox whose writes, and those of the sandboxes made from
// it, go through guard.
func (s *Sandbox) WithWriteGuard(guard WriteGuard) *Sandbox {
	c := *s
	c.guard = guard
	return &c
}

// Root is the workspace root, symlinks resolved.
func (s *Sandbox) Root() string { return s.root }

// Resolve maps a path a model gave (relative to the root, or absolute inside it) to an
// absolute path and its slash-separated relative form. It fails for anything that is,
// or through a symlink leads, outside the root.
func (s *Sandbox) Resolve(p string) (abs, rel string, err error) {
	if strings.TrimSpace(p) == "" {
		return "", "", errors.New("path is empty")
	}
	if strings.ContainsRune(p, 0) {
		return "", "", errors.New("path contains a NUL byte")
	}
	joined := p
	if !filepath.IsAbs(p) {
		joined = filepath.Join(s.root, p)
	}
	joined = filepath.Clean(joined)
	real, err := resolveExisting(joined)
	if err != nil {
		return "", "", err
	}
	r, err := filepath.Rel(s.root, real)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", "", fmt.Errorf("%s is outside the workspace", p)
	}
	return real, filepath.ToSlash(r), nil
}

// resolveExisting resolves the symlinks of the longest existing prefix of p and appends
// the rest: a file about to be created resolves through its existing parent.
func resolveExisting(p string) (string, error) {
	var rest []string
	cur := p
	for {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		// A dangling symlink: where it points is decided by its target, which may be outside.
		if info, lerr := os.Lstat(cur); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(cur)
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(cur), target)
			}
			return resolveExisting(filepath.Join(append([]string{filepath.Clean(target)}, rest...)...))
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
}

// ReadFile reads the file at rel (a Resolve result) through the root opened as an
// os.Root, and WriteFile replaces it atomically the same way: names are resolved again
// as the file operations run, so a symlink swapped in after Resolve checked the path
// cannot lead them out of the workspace. Only a regular file is read (see Open).
func (s *Sandbox) ReadFile(rel string) ([]byte, error) {
	f, _, err := s.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Open opens the file at rel for reading, as ReadFile reads it.
func (s *Sandbox) Open(rel string) (f *os.File, info fs.FileInfo, err error) {
	err = s.InRoot(func(root *os.Root) error {
		f, info, err = openRegular(root, rel)
		return err
	})
	return f, info, err
}

// errNotRegular is a FIFO, a socket or a device: opening a FIFO waits for a writer, and
// a device may never end.
var errNotRegular = errors.New("not a regular file (a FIFO, socket or device), which is not read")

// errDirectory says, to the model reading it, which tool reads a directory.
var errDirectory = errors.New("is a directory; list_files with it as path lists its files")

// openRegular opens rel under root for reading when it is a regular file.
func openRegular(root *os.Root, rel string) (*os.File, fs.FileInfo, error) {
	name := filepath.FromSlash(rel)
	info, err := root.Stat(name)
	switch {
	case err != nil:
		return nil, nil, err
	case info.IsDir():
		return nil, nil, &fs.PathError{Op: "read", Path: rel, Err: errDirectory}
	case !info.Mode().IsRegular():
		return nil, nil, &fs.PathError{Op: "open", Path: rel, Err: errNotRegular}
	}
	f, err := root.Open(name)
	return f, info, err
}

// WriteFile: see ReadFile. It goes through the sandbox's write guard, if any.
func (s *Sandbox) WriteFile(rel string, data []byte) error {
	write := func() error { return s.Replace(rel, data) }
	if s.guard != nil {
		return s.guard(rel, write)
	}
	return write()
}

// Replace is WriteFile without the write guard: for the guard's owner.
func (s *Sandbox) Replace(rel string, data []byte) error {
	return s.InRoot(func(root *os.Root) error { return store.ReplaceIn(root, rel, data) })
}

// Remove removes the file at rel, without the write guard: for the guard's owner.
func (s *Sandbox) Remove(rel string) error {
	return s.InRoot(func(root *os.Root) error { return root.Remove(filepath.FromSlash(rel)) })
}

// InRoot runs do with the workspace opened as an os.Root, for tools that read many
// files (grep) and would otherwise open it once per file.
func (s *Sandbox) InRoot(do func(*os.Root) error) error {
	root, err := os.OpenRoot(s.root)
	if err != nil {
		return err
	}
	defer root.Close()
	return do(root)
}

// ResolveWrite is Resolve for a write: the path must also be one this sandbox may write.
// The error says which files may be written, for the model to act on.
func (s *Sandbox) ResolveWrite(p string) (abs, rel string, err error) {
	abs, rel, err = s.Resolve(p)
	if err != nil {
		return "", "", err
	}
	first, _, _ := strings.Cut(rel, "/")
	if slices.Contains(protectedDirs, first) {
		return "", "", fmt.Errorf("%s is inside %s/, which tools may not write", rel, first)
	}
	if rel == "." {
		return "", "", errors.New("cannot write the workspace root")
	}
	// A file made read-only says "do not change this"; a replace by rename would, even
	// where the operating system refuses a write.
	if info, err := os.Stat(abs); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o222 == 0 {
		return "", "", fmt.Errorf("%s is read-only (mode %#o), which tools do not change; make it writable (chmod u+w %s) if it should", rel, info.Mode().Perm(), rel)
	}
	if err := s.replaceRefusal(abs, rel); err != nil {
		return "", "", err
	}
	if s.anyFile || slices.Contains(s.writable, rel) {
		return abs, rel, nil
	}
	if len(s.writable) == 0 {
		return "", "", fmt.Errorf("this session may not write files (%s)", rel)
	}
	return "", "", fmt.Errorf("%s is not a file of this item; it may write only: %s", rel, strings.Join(s.writable, ", "))
}

// replaceRefusal says why the atomic replace of abs would fail, before a model writes a
// whole file in vain: it creates a temporary file in the file's directory (or first the
// directories missing on the way, in the nearest one that exists) and renames it over
// the file. A directory made read-only is refused like a read-only file, even where the
// operating system would allow it (as root); the operating system's own refusal (a
// read-only file system, another user's directory or file) is told as it says it.
func (s *Sandbox) replaceRefusal(abs, rel string) error {
	dir := filepath.Dir(abs)
	info, err := os.Stat(dir)
	for err != nil && dir != s.root {
		dir = filepath.Dir(dir)
		info, err = os.Stat(dir)
	}
	dirRel, _ := filepath.Rel(s.root, dir)
	dirRel = filepath.ToSlash(dirRel)
	if err == nil && info.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("%s would be written in %s, a read-only directory (mode %#o), which tools do not change; make it writable (chmod u+w %s) if it should", rel, dirRel, info.Mode().Perm(), dirRel)
	}
	for _, p := range []struct{ abs, rel string }{{dir, dirRel}, {abs, rel}} {
		if err := unix.Access(p.abs, unix.W_OK); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s cannot be written here: %s: %v", rel, p.rel, err)
		}
	}
	return nil
}
