package orchestrator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
)

// commandGuard keeps a worker's command from changing the files other running workers
// are writing. File ownership binds the tools, but an approved command (`gofmt -w .`, a
// code generator, a linter's --fix) writes wherever it likes, under a worker in the
// middle of its item. Whatever the file's owner does that may change it counts: each
// tool write, and each of its own commands. A change to another worker's file during a
// command that none of those explains is the command's, and is put back.
type commandGuard struct {
	mu      sync.Mutex
	changes map[string]int // file -> tool writes and ended commands that may have changed it
	running map[string]int // item -> its commands under way
}

func newCommandGuard() *commandGuard {
	return &commandGuard{changes: map[string]int{}, running: map[string]int{}}
}

// write is the workers' sandboxes' write guard.
func (g *commandGuard) write(rel string, write func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.changes[rel]++ // a failed write may have changed the file too
	return write()
}

// fileBefore is another worker's file as it was when a command started.
type fileBefore struct {
	rel, owner string
	data       []byte
	exists     bool
	changes    int
}

// commandStarts records that a command of item starts, and what the files other running
// items own hold.
func (m *mission) commandStarts(item string) []fileBefore {
	var before []fileBefore
	m.eventMu.Lock()
	for rel, owner := range m.writing {
		if owner != item {
			before = append(before, fileBefore{rel: rel, owner: owner})
		}
	}
	m.eventMu.Unlock()
	g := m.commandGuard
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running[item]++
	kept := before[:0]
	for _, b := range before {
		var err error
		if b.data, b.exists, err = m.readIfThere(b.rel); err == nil { // an unreadable file is left alone
			b.changes = g.changes[b.rel]
			kept = append(kept, b)
		}
	}
	return kept
}

// commandEnds records that a command of item ended and puts back what it changed in
// before's files, returning them as "file (owner)".
func (m *mission) commandEnds(item string, before []fileBefore) (putBack []string) {
	m.eventMu.Lock()
	var own []string
	for rel, owner := range m.writing {
		if owner == item {
			own = append(own, rel)
		}
	}
	m.eventMu.Unlock()
	g := m.commandGuard
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running[item]--
	for _, rel := range own {
		g.changes[rel]++ // for other commands under way: this one may have changed them
	}
	for _, b := range before {
		if g.changes[b.rel] != b.changes || g.running[b.owner] > 0 {
			continue // its owner may have changed it
		}
		data, exists, err := m.readIfThere(b.rel)
		if err != nil || exists == b.exists && bytes.Equal(data, b.data) {
			continue
		}
		if b.exists {
			err = m.sandbox.Replace(b.rel, b.data)
		} else {
			err = m.sandbox.Remove(b.rel)
		}
		if err == nil {
			putBack = append(putBack, fmt.Sprintf("%s (%s)", b.rel, b.owner))
		}
	}
	slices.Sort(putBack)
	return putBack
}

// readIfThere reads a workspace file; a file that is not there is no error.
func (m *mission) readIfThere(rel string) (data []byte, exists bool, err error) {
	data, err = m.sandbox.ReadFile(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return data, err == nil, err
}
