package server

import (
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
)

// todoDocument is the workspace's .opencode/todo.md as the client has it: the buffer
// when open, else the disk. The todo.md features (code lens, hover, symbols, actions)
// read it through here.
type todoDocument struct {
	uri      uri.URI
	text     string
	plan     *plan.Plan
	lines    *lineIndex
	encoding protocol.PositionEncodingKind
	byLine   map[uint32]*plan.Item
}

// todo returns the todo.md document when u is the workspace's todo.md.
func (s *Server) todo(u uri.URI) (*todoDocument, bool) {
	s.mu.Lock()
	root, enc := s.root, s.encoding
	s.mu.Unlock()
	if root == "" || !u.IsFile() || filepath.Clean(u.FsPath()) != filepath.Join(root, filepath.FromSlash(plan.File)) {
		return nil, false
	}
	return s.todoAt(root, enc), true
}

// todoAt reads and parses todo.md, or returns the last parse when the text is the same:
// lenses, hover and symbols ask for the same text again and again.
func (s *Server) todoAt(root string, enc protocol.PositionEncodingKind) *todoDocument {
	u := uri.File(filepath.Join(root, filepath.FromSlash(plan.File)))
	var text string
	if doc, open := s.docs.get(u); open {
		text = doc.Text
	} else if src, err := os.ReadFile(u.FsPath()); err == nil {
		text = string(src)
	}
	s.todoMu.Lock()
	defer s.todoMu.Unlock()
	if last := s.lastTodo; last != nil && last.text == text && last.encoding == enc {
		return last
	}
	doc := &todoDocument{uri: u, text: text, plan: plan.Parse([]byte(text)), lines: newLineIndex(text), encoding: enc, byLine: map[uint32]*plan.Item{}}
	for _, it := range doc.plan.Items {
		doc.byLine[uint32(doc.lines.position(it.Start, enc).Line)] = it
	}
	s.lastTodo = doc
	return doc
}

// lineRange is the range of an item's line.
func (d *todoDocument) lineRange(it *plan.Item) protocol.Range {
	return protocol.Range{Start: d.lines.position(it.Start, d.encoding), End: d.lines.position(it.End, d.encoding)}
}

// itemAt returns the item on a line, nil when there is none.
func (d *todoDocument) itemAt(line uint32) *plan.Item { return d.byLine[line] }

// edit turns a new version of the text into the one edit that makes it: the span
// between the common prefix and the common suffix.
func (d *todoDocument) edit(updated string) protocol.TextEdit {
	start := 0
	for start < len(d.text) && start < len(updated) && d.text[start] == updated[start] {
		start++
	}
	end, newEnd := len(d.text), len(updated)
	for end > start && newEnd > start && d.text[end-1] == updated[newEnd-1] {
		end--
		newEnd--
	}
	// Never split a UTF-8 sequence: back up to a character boundary.
	for start > 0 && start < len(d.text) && !startsRune(d.text[start]) {
		start--
	}
	for end < len(d.text) && !startsRune(d.text[end]) {
		end++
		newEnd++
	}
	return protocol.TextEdit{
		Range:   protocol.Range{Start: d.lines.position(start, d.encoding), End: d.lines.position(end, d.encoding)},
		NewText: updated[start:newEnd],
	}
}

func startsRune(b byte) bool { return b&0xC0 != 0x80 }

// title is how an item is named in the editor: "T3: Title".
func title(it *plan.Item) string {
	t := strings.TrimSpace(it.Title)
	switch {
	case it.ID == "":
		return t
	case t == "":
		return it.ID
	}
	return it.ID + ": " + t
}
