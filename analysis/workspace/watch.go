package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Op is what happened to a path during one batch, after coalescing.
type Op uint8

const (
	Created Op = iota + 1
	Modified
	Removed
)

func (op Op) String() string {
	switch op {
	case Created:
		return "created"
	case Modified:
		return "modified"
	case Removed:
		return "removed"
	}
	return fmt.Sprintf("Op(%d)", uint8(op))
}

// Change is the net effect of a batch's events on one path. A removed directory stands
// for everything below it.
type Change struct {
	Rel   string // slash-separated, relative to the workspace root
	Op    Op
	IsDir bool
}

// Batch is a set of changes delivered together after the workspace went quiet.
type Batch struct {
	Changes []Change // one per path, sorted by Rel
	// Rescan says events may have been lost (kernel queue overflow) or the ignore rules
	// changed: a consumer that keeps state about the tree should walk it again.
	Rescan bool
}

// WatchOptions tune batching. Zero values take the defaults.
type WatchOptions struct {
	// Quiet is how long the workspace must be quiet before a batch is delivered
	// (default 150 ms): a save that writes several times arrives as one change.
	Quiet time.Duration
	// MaxLatency caps how long a change waits while events keep coming (default 1 s).
	MaxLatency time.Duration
	// OnError receives problems worth a log line (an unwatchable directory, a full
	// inotify watch table). The watcher goes on after each.
	OnError func(error)
}

// Watcher follows a workspace tree through fsnotify: every directory that is not ignored
// is watched (fsnotify is not recursive), new directories are added and scanned as they
// appear, Chmod is ignored, and events are coalesced into Batches.
type Watcher struct {
	root    string
	ignore  *Ignore
	opts    WatchOptions
	fsw     *fsnotify.Watcher
	batches chan Batch
	done    chan struct{}
	stopped chan struct{}

	// Owned by the run goroutine after Watch returns.
	dirs    map[string]bool // watched directories, relative
	pending map[string]*pendingChange
	rescan  bool
	warned  bool // the watch-limit warning is given once
}

// pendingChange tracks a path through a batch so that, say, create+write+delete of a
// temporary file nets out to nothing and delete+create to a modification.
type pendingChange struct {
	existedBefore bool
	exists        bool
	isDir         bool
}

// Watch starts watching root. Directories are registered before Watch returns, so any
// change made after it is reported.
func Watch(root string, ignore *Ignore, opts WatchOptions) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = 150 * time.Millisecond
	}
	if opts.MaxLatency <= 0 {
		opts.MaxLatency = time.Second
	}
	if opts.OnError == nil {
		opts.OnError = func(error) {}
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", root, err)
	}
	w := &Watcher{
		root:    root,
		ignore:  ignore,
		opts:    opts,
		fsw:     fsw,
		batches: make(chan Batch),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
		dirs:    map[string]bool{},
		pending: map[string]*pendingChange{},
	}
	if err := w.addTree("", false); err != nil {
		fsw.Close()
		return nil, fmt.Errorf("watch %s: %w", root, err)
	}
	go w.run()
	return w, nil
}

// Batches delivers coalesced changes. It is closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Close stops watching and closes Batches.
func (w *Watcher) Close() error {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
	<-w.stopped
	return w.fsw.Close()
}

func (w *Watcher) run() {
	defer close(w.stopped)
	defer close(w.batches)

	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	latest := time.NewTimer(time.Hour)
	latest.Stop()
	timing := false // a batch is open and the timers run
	due := false    // the open batch is ready to deliver
	var ready *Batch

	for {
		var out chan Batch
		var batch Batch
		if due && ready == nil {
			ready = w.takeBatch()
			if len(ready.Changes) == 0 && !ready.Rescan {
				ready, due = nil, false // everything netted out: nothing to say
			}
		}
		if due {
			out, batch = w.batches, *ready
		}
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if !w.handle(ev) {
				continue
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				w.opts.OnError(err)
				continue
			}
			w.rescanTree()
		case <-quiet.C:
			due, timing = true, false
			latest.Stop()
			continue
		case <-latest.C:
			due, timing = true, false
			quiet.Stop()
			continue
		case out <- batch:
			due, ready = false, nil
			continue
		}
		// Something changed: an undelivered batch absorbs it and waits for quiet again.
		if ready != nil {
			w.restore(ready)
			ready, due = nil, false
		}
		quiet.Reset(w.opts.Quiet)
		if !timing {
			timing = true
			latest.Reset(w.opts.MaxLatency)
		}
	}
}

// handle folds one fsnotify event into the pending batch and reports whether it changed it.
func (w *Watcher) handle(ev fsnotify.Event) bool {
	rel, ok := w.relative(ev.Name)
	if !ok {
		return false
	}
	switch {
	case ev.Has(fsnotify.Create):
		info, err := os.Lstat(ev.Name)
		isDir := err == nil && info.IsDir()
		if w.ignore.Ignored(rel, isDir) {
			return false
		}
		if err != nil {
			// Already gone again: its removal event follows and nets the two out.
			w.record(rel, Created, false)
			return true
		}
		if isDir {
			if err := w.addTree(rel, true); err != nil {
				w.opts.OnError(err)
			}
			return true
		}
		w.record(rel, Created, false)
	case ev.Has(fsnotify.Write):
		if w.ignore.Ignored(rel, false) {
			return false
		}
		w.record(rel, Modified, false)
	case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
		isDir := w.dirs[rel]
		if isDir {
			w.unwatch(rel)
		}
		if w.ignore.Ignored(rel, isDir) {
			return false
		}
		w.record(rel, Removed, isDir)
	default:
		return false // Chmod: permissions and timestamps are not content
	}
	if path.Base(rel) == ".gitignore" {
		w.ignore.LoadDir(path.Dir(strings.TrimPrefix(rel, "./")))
		w.rescanTree()
	}
	return true
}

func (w *Watcher) relative(abs string) (string, bool) {
	rel, err := filepath.Rel(w.root, abs)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// addTree watches the directory rel and every directory below it; with report, every
// entry found is recorded as created, since files written into a new directory before its
// watch existed produce no events of their own.
func (w *Watcher) addTree(rel string, report bool) error {
	return w.ignore.Walk(rel, func(entry string, d fs.DirEntry, err error) error {
		if err != nil {
			if entry == rel {
				return err
			}
			w.opts.OnError(fmt.Errorf("watch: skipping %s: %w", entry, err))
			return nil
		}
		if d.IsDir() {
			w.watchDir(entry)
		}
		if report {
			w.record(entry, Created, d.IsDir())
		}
		return nil
	})
}

func (w *Watcher) watchDir(rel string) {
	if w.dirs[rel] {
		return
	}
	err := w.fsw.Add(filepath.Join(w.root, filepath.FromSlash(rel)))
	switch {
	case err == nil:
		w.dirs[rel] = true
	case errors.Is(err, syscall.ENOSPC):
		if !w.warned {
			w.warned = true
			w.opts.OnError(fmt.Errorf("watch: the inotify watch limit is reached at %s; changes below it are "+
				"not followed (raise fs.inotify.max_user_watches)", rel))
		}
	default:
		w.opts.OnError(fmt.Errorf("watch: %s: %w", rel, err))
	}
}

// unwatch forgets rel and every directory below it: after a rename their kernel watches
// would report stale paths.
func (w *Watcher) unwatch(rel string) {
	for dir := range w.dirs {
		if dir == rel || strings.HasPrefix(dir, rel+"/") {
			_ = w.fsw.Remove(filepath.Join(w.root, filepath.FromSlash(dir)))
			delete(w.dirs, dir)
		}
	}
}

// rescanTree re-registers every directory after lost events or new ignore rules and tells
// consumers to rescan.
func (w *Watcher) rescanTree() {
	w.rescan = true
	if err := w.addTree("", false); err != nil {
		w.opts.OnError(err)
	}
}

func (w *Watcher) record(rel string, op Op, isDir bool) {
	p := w.pending[rel]
	if p == nil {
		p = &pendingChange{existedBefore: op != Created}
		w.pending[rel] = p
	}
	p.exists = op != Removed
	p.isDir = isDir
}

// takeBatch turns the pending changes into a Batch and starts a new one.
func (w *Watcher) takeBatch() *Batch {
	b := &Batch{Rescan: w.rescan}
	for rel, p := range w.pending {
		var op Op
		switch {
		case p.existedBefore && p.exists:
			op = Modified
		case p.exists:
			op = Created
		case p.existedBefore:
			op = Removed
		default:
			continue // appeared and vanished within the batch
		}
		b.Changes = append(b.Changes, Change{Rel: rel, Op: op, IsDir: p.isDir})
	}
	slices.SortFunc(b.Changes, func(a, b Change) int { return strings.Compare(a.Rel, b.Rel) })
	w.pending = map[string]*pendingChange{}
	w.rescan = false
	return b
}

// restore puts an undelivered batch back so that later events coalesce with it.
func (w *Watcher) restore(b *Batch) {
	later := w.pending
	w.pending = make(map[string]*pendingChange, len(b.Changes)+len(later))
	for _, c := range b.Changes {
		w.pending[c.Rel] = &pendingChange{existedBefore: c.Op != Created, exists: c.Op != Removed, isDir: c.IsDir}
	}
	for rel, p := range later {
		if before, ok := w.pending[rel]; ok {
			p.existedBefore = before.existedBefore
		}
		w.pending[rel] = p
	}
	w.rescan = w.rescan || b.Rescan
}
