package server

import (
	"fmt"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// document is an open editor buffer: the editor's text wins over the disk while open.
type document struct {
	URI        uri.URI
	LanguageID string
	Version    int32
	Text       string

	index *lineIndex // built on demand; nil after a change
}

func (d *document) lines() *lineIndex {
	if d.index == nil {
		d.index = newLineIndex(d.Text)
	}
	return d.index
}

// documentStore holds the open documents, keyed by URI. Notifications are applied in
// wire order by the connection, so the store only guards against concurrent readers.
type documentStore struct {
	mu   sync.RWMutex
	docs map[uri.URI]*document
}

func newDocumentStore() *documentStore {
	return &documentStore{docs: map[uri.URI]*document{}}
}

func (s *documentStore) open(item protocol.TextDocumentItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[item.URI] = &document{URI: item.URI, LanguageID: string(item.LanguageID), Version: item.Version, Text: item.Text}
}

// change applies content changes in order, each relative to the text the previous one
// produced, and returns the new text and the version it replaced. A version that does not
// increase is still applied: dropping an edit would leave the server's text wrong forever.
func (s *documentStore) change(u uri.URI, version int32, changes []protocol.TextDocumentContentChangeEvent, enc protocol.PositionEncodingKind) (text string, previous int32, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.docs[u]
	if !ok {
		return "", 0, fmt.Errorf("change to %s, which is not open", u)
	}
	text, ix := doc.Text, doc.lines()
	for _, change := range changes {
		switch c := change.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = c.Text
		case *protocol.TextDocumentContentChangePartial:
			start, end := ix.offset(c.Range.Start, enc), ix.offset(c.Range.End, enc)
			if end < start {
				start, end = end, start
			}
			text = text[:start] + c.Text + text[end:]
		}
		ix = newLineIndex(text)
	}
	previous = doc.Version
	doc.Text, doc.Version, doc.index = text, version, ix
	return text, previous, nil
}

func (s *documentStore) close(u uri.URI) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.docs[u]
	delete(s.docs, u)
	return ok
}

// get returns a snapshot of an open document.
func (s *documentStore) get(u uri.URI) (document, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	doc, ok := s.docs[u]
	if !ok {
		return document{}, false
	}
	return *doc, true
}

// all returns snapshots of every open document.
func (s *documentStore) all() []document {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]document, 0, len(s.docs))
	for _, doc := range s.docs {
		out = append(out, *doc)
	}
	return out
}
