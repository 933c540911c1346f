package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// watchTimeout bounds how long a test waits for an event that should come; it is never
// waited out on success.
const watchTimeout = 10 * time.Second

type watchRig struct {
	t       *testing.T
	root    string
	w       *Watcher
	batches int
}

func newWatchRig(t *testing.T, opts WatchOptions) *watchRig {
	t.Helper()
	root := t.TempDir()
	return startWatchRig(t, root, opts)
}

func startWatchRig(t *testing.T, root string, opts WatchOptions) *watchRig {
	t.Helper()
	if opts.Quiet == 0 {
		opts.Quiet = 30 * time.Millisecond
	}
	opts.OnError = func(err error) { t.Errorf("watcher error: %v", err) }
	w, err := Watch(root, NewIgnore(root), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return &watchRig{t: t, root: root, w: w}
}

func (r *watchRig) path(rel string) string { return filepath.Join(r.root, filepath.FromSlash(rel)) }

// await collects batches until every wanted change has been seen (the latest change per
// path counts) and returns everything seen on the way.
func (r *watchRig) await(want ...Change) map[string]Change {
	r.t.Helper()
	seen := map[string]Change{}
	deadline := time.After(watchTimeout)
	for {
		missing := 0
		for _, c := range want {
			if seen[c.Rel] != c {
				missing++
			}
		}
		if missing == 0 {
			return seen
		}
		select {
		case b, ok := <-r.w.Batches():
			if !ok {
				r.t.Fatal("batches closed")
			}
			r.batches++
			for _, c := range b.Changes {
				seen[c.Rel] = c
			}
		case <-deadline:
			r.t.Fatalf("waited %v for %v; saw %v", watchTimeout, want, seen)
		}
	}
}

func TestWatchFileLifecycle(t *testing.T) {
	r := newWatchRig(t, WatchOptions{})
	writeFile(t, r.path("a.txt"), "one")
	r.await(Change{Rel: "a.txt", Op: Created})

	writeFile(t, r.path("a.txt"), "two")
	r.await(Change{Rel: "a.txt", Op: Modified})

	if err := os.Rename(r.path("a.txt"), r.path("b.txt")); err != nil {
		t.Fatal(err)
	}
	r.await(Change{Rel: "a.txt", Op: Removed}, Change{Rel: "b.txt", Op: Created})

	if err := os.Remove(r.path("b.txt")); err != nil {
		t.Fatal(err)
	}
	r.await(Change{Rel: "b.txt", Op: Removed})
}

func TestWatchDirectoriesCreatedRenamedRemoved(t *testing.T) {
	r := newWatchRig(t, WatchOptions{})
	writeFile(t, r.path("d/x.go"), "package d")
	r.await(Change{Rel: "d", Op: Created, IsDir: true}, Change{Rel: "d/x.go", Op: Created})

	if err := os.Rename(r.path("d"), r.path("e")); err != nil {
		t.Fatal(err)
	}
	r.await(Change{Rel: "d", Op: Removed, IsDir: true}, Change{Rel: "e", Op: Created, IsDir: true},
		Change{Rel: "e/x.go", Op: Created})

	// The renamed directory is watched under its new name, and not under the old one.
	writeFile(t, r.path("e/x.go"), "package e")
	seen := r.await(Change{Rel: "e/x.go", Op: Modified})
	if _, stale := seen["d/x.go"]; stale {
		t.Errorf("a change was reported under the old directory name: %v", seen)
	}

	if err := os.RemoveAll(r.path("e")); err != nil {
		t.Fatal(err)
	}
	r.await(Change{Rel: "e", Op: Removed, IsDir: true})
}

func TestWatchNewTreeCreatedAtOnce(t *testing.T) {
	r := newWatchRig(t, WatchOptions{})
	var want []Change
	dir := ""
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		dir = filepath.Join(dir, name)
		for i := range 3 {
			rel := filepath.ToSlash(filepath.Join(dir, fmt.Sprintf("f%d.ts", i)))
			writeFile(t, r.path(rel), "export {}")
			want = append(want, Change{Rel: rel, Op: Created})
		}
		want = append(want, Change{Rel: filepath.ToSlash(dir), Op: Created, IsDir: true})
	}
	r.await(want...)

	// Every level is watched afterwards.
	writeFile(t, r.path("a/b/c/d/e/late.ts"), "")
	r.await(Change{Rel: "a/b/c/d/e/late.ts", Op: Created})
}

func TestWatchCoalescesABurstIntoFewBatches(t *testing.T) {
	r := newWatchRig(t, WatchOptions{Quiet: 100 * time.Millisecond, MaxLatency: 2 * time.Second})
	const files, writes = 20, 1000
	var want []Change
	for i := range files {
		want = append(want, Change{Rel: fmt.Sprintf("f%02d.txt", i), Op: Created})
	}
	for i := range writes {
		writeFile(t, r.path(fmt.Sprintf("f%02d.txt", i%files)), fmt.Sprint(i))
	}
	r.await(want...)
	if r.batches > 3 {
		t.Errorf("%d writes arrived in %d batches, want at most 3", writes, r.batches)
	}
	t.Logf("%d writes to %d files arrived in %d batch(es)", writes, files, r.batches)
}

func TestWatchSkipsIgnoredPaths(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, ".gitignore"), "*.log\nout/\n")
	if err := os.MkdirAll(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := startWatchRig(t, root, WatchOptions{})
	writeFile(t, r.path("server.log"), "noise")
	writeFile(t, r.path("out/bundle.js"), "noise")
	writeFile(t, r.path("node_modules/m/index.js"), "noise")
	writeFile(t, r.path(".git/index"), "noise")
	writeFile(t, r.path("vendor/x/y.go"), "noise")
	writeFile(t, r.path("kept.go"), "package kept")
	seen := r.await(Change{Rel: "kept.go", Op: Created})
	for rel := range seen {
		if rel != "kept.go" {
			t.Errorf("an ignored path was reported: %s", rel)
		}
	}
}

func TestWatchNetsOutShortLivedFiles(t *testing.T) {
	r := newWatchRig(t, WatchOptions{Quiet: 200 * time.Millisecond})
	writeFile(t, r.path("a.go.swp"), "temporary")
	if err := os.Remove(r.path("a.go.swp")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, r.path("a.go"), "package a")
	seen := r.await(Change{Rel: "a.go", Op: Created})
	if c, ok := seen["a.go.swp"]; ok {
		t.Errorf("a file created and removed within one batch was reported: %v", c)
	}
}

func TestWatchReportsGitignoreChangeAsRescan(t *testing.T) {
	r := newWatchRig(t, WatchOptions{})
	writeFile(t, r.path("gen/x.go"), "package gen")
	r.await(Change{Rel: "gen/x.go", Op: Created})
	writeFile(t, r.path(".gitignore"), "gen/\n")
	deadline := time.After(watchTimeout)
	for {
		select {
		case b := <-r.w.Batches():
			if b.Rescan {
				// The new rule holds from now on.
				writeFile(t, r.path("gen/y.go"), "package gen")
				writeFile(t, r.path("z.go"), "package z")
				seen := r.await(Change{Rel: "z.go", Op: Created})
				if _, ok := seen["gen/y.go"]; ok {
					t.Error("a newly ignored path was reported")
				}
				return
			}
		case <-deadline:
			t.Fatal("no rescan batch after .gitignore changed")
		}
	}
}

func TestWatchCloseEndsBatches(t *testing.T) {
	r := newWatchRig(t, WatchOptions{})
	if err := r.w.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-r.w.Batches():
		if ok {
			t.Fatal("a batch arrived after Close")
		}
	case <-time.After(watchTimeout):
		t.Fatal("Batches was not closed")
	}
}
