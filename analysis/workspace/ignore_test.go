package workspace

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIgnoreFollowsGitignoreRules(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, ".gitignore"), `
# comment
*.log
!keep.log
/dist
build/
docs/**/*.tmp
a?c.txt
[xy].bin
\#hash
trailing   
`)
	writeFile(t, filepath.Join(root, "sub", ".gitignore"), "local.txt\n!important.log\n")
	ig := NewIgnore(root)
	ig.LoadDir("sub")

	cases := []struct {
		rel     string
		isDir   bool
		ignored bool
	}{
		{"main.go", false, false},
		{"debug.log", false, true},
		{"deep/dir/debug.log", false, true},
		{"keep.log", false, false},
		{"dist", true, true},
		{"dist/app.js", false, true},
		{"src/dist", true, false}, // anchored to the root
		{"build", true, true},
		{"src/build", true, true}, // dir-only, any depth
		{"build", false, false},   // a file named build is not a directory
		{"docs/a/b/x.tmp", false, true},
		{"docs/x.tmp", false, true},
		{"other/x.tmp", false, false},
		{"abc.txt", false, true},
		{"abbc.txt", false, false},
		{"x.bin", false, true},
		{"z.bin", false, false},
		{"#hash", false, true},
		{"trailing", false, true},
		{"sub/local.txt", false, true},
		{"local.txt", false, false}, // the nested rule applies below sub only
		{"sub/important.log", false, false},
		{"node_modules", true, true},
		{"pkg/node_modules/x/index.js", false, true},
		{".git", true, true},
		{".git/config", false, true},
		{"vendor/github.com/x/y.go", false, true},
		{"src/pip/_vendor/distlib/index.py", false, true},
		{"third_party/dotenv/__init__.py", false, true},
		{"vendors.go", false, false},
	}
	for _, c := range cases {
		if got := ig.Ignored(c.rel, c.isDir); got != c.ignored {
			t.Errorf("Ignored(%q, dir=%v) = %v, want %v", c.rel, c.isDir, got, c.ignored)
		}
	}
}

func TestWalkSkipsIgnoredAndDoesNotFollowSymlinks(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, ".gitignore"), "gen/\n")
	writeFile(t, filepath.Join(root, "a.go"), "package a")
	writeFile(t, filepath.Join(root, "gen", "x.go"), "package gen")
	writeFile(t, filepath.Join(root, "node_modules", "m", "index.js"), "")
	writeFile(t, filepath.Join(root, "lib", ".gitignore"), "*.out\n")
	writeFile(t, filepath.Join(root, "lib", "b.go"), "package lib")
	writeFile(t, filepath.Join(root, "lib", "b.out"), "")
	writeFile(t, filepath.Join(root, "lib", "deep", "c.go"), "package deep")
	writeFile(t, filepath.Join(root, "lib", "deep", "c.out"), "") // ignored by lib/.gitignore
	writeFile(t, filepath.Join(root, "z.go"), "package a")
	// A symlink loop: following it would never end.
	if err := os.Symlink(root, filepath.Join(root, "lib", "loop")); err != nil {
		t.Fatal(err)
	}

	walks := map[string]struct {
		walk func(*Ignore, string, WalkFunc) error
		want []string
	}{
		"depth first":                {(*Ignore).Walk, []string{"", ".gitignore", "a.go", "lib", "lib/.gitignore", "lib/b.go", "lib/deep", "lib/deep/c.go", "lib/loop", "z.go"}},
		"breadth first, in parallel": {(*Ignore).WalkParallel, []string{"", ".gitignore", "a.go", "lib", "z.go", "lib/.gitignore", "lib/b.go", "lib/deep", "lib/loop", "lib/deep/c.go"}},
	}
	for name, w := range walks {
		var seen []string
		err := w.walk(NewIgnore(root), "", func(rel string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			seen = append(seen, rel)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seen, w.want) {
			t.Errorf("%s: the walk saw %q, want %q", name, seen, w.want)
		}
	}
}

// A walk judges a directory's entries with the .gitignore it holds now: one removed since
// the last walk no longer applies, one added does.
func TestWalkFollowsGitignoreChanges(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "lib", ".gitignore"), "*.out\n")
	writeFile(t, filepath.Join(root, "lib", "b.out"), "")
	files := func(ig *Ignore, walk func(*Ignore, string, WalkFunc) error) []string {
		var out []string
		if err := walk(ig, "", func(rel string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, rel)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, walk := range []func(*Ignore, string, WalkFunc) error{(*Ignore).Walk, (*Ignore).WalkParallel} {
		writeFile(t, filepath.Join(root, "lib", ".gitignore"), "*.out\n")
		ig := NewIgnore(root)
		if got := files(ig, walk); !slices.Equal(got, []string{"lib/.gitignore"}) {
			t.Fatalf("with lib/.gitignore: %q", got)
		}
		if err := os.Remove(filepath.Join(root, "lib", ".gitignore")); err != nil {
			t.Fatal(err)
		}
		if got := files(ig, walk); !slices.Equal(got, []string{"lib/b.out"}) {
			t.Errorf("after removing lib/.gitignore: %q", got)
		}
	}
}

func TestWalkReportsUnreadableDirectoryAndGoesOn(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory; permissions cannot make one unreadable")
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "locked", "x.go"), "")
	writeFile(t, filepath.Join(root, "open.go"), "")
	if err := os.Chmod(filepath.Join(root, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "locked"), 0o755) })
	for _, walk := range []func(*Ignore, string, WalkFunc) error{(*Ignore).Walk, (*Ignore).WalkParallel} {
		var failed, files []string
		err := walk(NewIgnore(root), "", func(rel string, d fs.DirEntry, err error) error {
			if err != nil {
				failed = append(failed, rel)
				return nil
			}
			if !d.IsDir() {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(failed, []string{"locked"}) || !slices.Equal(files, []string{"open.go"}) {
			t.Errorf("failed %q, files %q", failed, files)
		}
	}
}
