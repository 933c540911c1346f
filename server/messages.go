package server

import (
	"context"
	"encoding/json"
	"time"

	"go.lsp.dev/protocol"
)

// statusNotification carries the full mission state, for editors that draw their own
// UI and for clients without workspace/codeLens/refresh (Neovim 0.7), which refresh
// their lenses on it.
const statusNotification = "orchestrator/status"

// clientCallTimeout bounds a request to the client that nothing waits on the user for;
// a client that never answers must not stall the server.
const clientCallTimeout = 10 * time.Second

// showMessage tells the user something through window/showMessage.
func (s *Server) showMessage(kind protocol.MessageType, message string) {
	if err := s.client.ShowMessage(s.ctx, &protocol.ShowMessageParams{Type: kind, Message: message}); err != nil {
		s.log.Debug("showMessage failed", "error", err)
	}
}

// notifyStatus sends the state and asks the client to refresh its code lenses.
func (s *Server) notifyStatus(ctx context.Context, status json.RawMessage) {
	if err := s.conn.Notify(ctx, statusNotification, status); err != nil {
		s.log.Debug("status notification failed", "error", err)
	}
	s.mu.Lock()
	refresh := s.codeLensRefresh
	s.mu.Unlock()
	if refresh {
		ctx, cancel := context.WithTimeout(ctx, clientCallTimeout)
		defer cancel()
		if err := s.client.CodeLensRefresh(ctx); err != nil {
			s.log.Debug("codeLens refresh failed", "error", err)
		}
	}
}
