package server

import (
	"fmt"
	"strings"

	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
)

// startWatcher follows the workspace on disk. Files open in the editor follow didChange,
// not the disk; everything else follows the watcher's batches into the checker.
func (s *Server) startWatcher(root string) {
	w, err := workspace.Watch(root, workspace.NewIgnore(root), workspace.WatchOptions{
		OnError: func(err error) { s.log.Warn("file watcher", "error", err) },
	})
	if err != nil {
		s.log.Error("cannot follow changes on disk", "root", root, "error", err)
		return
	}
	s.mu.Lock()
	if s.state == shutDown {
		s.mu.Unlock()
		_ = w.Close()
		return
	}
	s.watcher = w
	s.mu.Unlock()
	s.log.Info("following changes on disk", "root", root)
	go s.followDisk(w.Batches())
}

// followDisk hands watcher batches to the checker until the watcher is closed.
func (s *Server) followDisk(batches <-chan workspace.Batch) {
	for batch := range batches {
		s.log.Debug("files changed on disk", "changes", len(batch.Changes), "rescan", batch.Rescan, "paths", summarize(batch.Changes))
		if c := s.workspaceChecker(); c != nil {
			c.diskChanged(batch)
		}
	}
}

// summarize names the first few changes for a log line.
func summarize(changes []workspace.Change) string {
	const shown = 5
	var parts []string
	for _, c := range changes[:min(len(changes), shown)] {
		parts = append(parts, fmt.Sprintf("%s (%s)", c.Rel, c.Op))
	}
	if len(changes) > shown {
		parts = append(parts, fmt.Sprintf("and %d more", len(changes)-shown))
	}
	return strings.Join(parts, ", ")
}
