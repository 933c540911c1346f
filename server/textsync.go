package server

import (
	"context"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Text synchronisation: the editor's buffers, kept exactly as the editor has them.

func (s *Server) DidOpen(_ context.Context, params *protocol.DidOpenTextDocumentParams) error {
	s.docs.open(params.TextDocument)
	s.log.Debug("opened", "uri", params.TextDocument.URI, "version", params.TextDocument.Version)
	s.recheck(params.TextDocument.URI)
	return nil
}

func (s *Server) DidChange(_ context.Context, params *protocol.DidChangeTextDocumentParams) error {
	s.mu.Lock()
	encoding := s.encoding
	s.mu.Unlock()
	doc := params.TextDocument
	_, previous, err := s.docs.change(doc.URI, doc.Version, params.ContentChanges, encoding)
	if err != nil {
		return err
	}
	if doc.Version <= previous {
		s.log.Warn("document version did not increase", "uri", doc.URI, "version", doc.Version, "previous", previous)
	}
	s.log.Debug("changed", "uri", doc.URI, "version", doc.Version, "edits", len(params.ContentChanges))
	s.recheck(doc.URI)
	return nil
}

func (s *Server) DidSave(_ context.Context, params *protocol.DidSaveTextDocumentParams) error {
	s.log.Debug("saved", "uri", params.TextDocument.URI)
	return nil
}

func (s *Server) DidClose(_ context.Context, params *protocol.DidCloseTextDocumentParams) error {
	if !s.docs.close(params.TextDocument.URI) {
		s.log.Warn("close of a document that is not open", "uri", params.TextDocument.URI)
	}
	s.recheck(params.TextDocument.URI) // the disk's content counts again
	return nil
}

// recheck schedules the checks for an edited document.
func (s *Server) recheck(u uri.URI) {
	if c := s.workspaceChecker(); c != nil {
		c.editorChanged(u)
	}
}
