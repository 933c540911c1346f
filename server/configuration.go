package server

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.lsp.dev/protocol"
)

// settings are the editor's: its initializationOptions, and the "orchestrator" section of
// workspace/didChangeConfiguration.
type settings struct {
	Model                  string  `json:"model"` // of missions started without one
	ApprovalTimeoutSeconds float64 `json:"approvalTimeoutSeconds"`
	LogLevel               string  `json:"logLevel"` // "": as the command line set it
}

// DidChangeConfiguration takes the editor's settings as they are now, so that changing
// one does not mean restarting the server, and with it the mission under way: the log
// level applies at once, the model and the approval timeout to missions started from
// now on. Settings of other sections are not this server's.
func (s *Server) DidChangeConfiguration(_ context.Context, params *protocol.DidChangeConfigurationParams) error {
	var sections struct {
		Orchestrator *settings `json:"orchestrator"`
	}
	if len(params.Settings) > 0 { // null leaves sections as they are
		if err := json.Unmarshal(params.Settings, &sections); err != nil {
			return fmt.Errorf("settings not applied: %w", err)
		}
	}
	if sections.Orchestrator == nil {
		return nil
	}
	s.applySettings(*sections.Orchestrator)
	s.log.Info("settings changed", "model", sections.Orchestrator.Model, "approvalTimeoutSeconds", sections.Orchestrator.ApprovalTimeoutSeconds,
		"logLevel", sections.Orchestrator.LogLevel)
	return nil
}

// applySettings makes opts the editor's settings; a value left out is the default.
func (s *Server) applySettings(opts settings) {
	if opts.LogLevel != "" {
		if level, err := parseLevel(opts.LogLevel); err != nil {
			s.log.Warn("logLevel ignored", "error", err)
		} else {
			s.logLevel.Set(level)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = opts
	s.approvalTimeout = approvalTimeout
	if opts.ApprovalTimeoutSeconds > 0 {
		s.approvalTimeout = time.Duration(opts.ApprovalTimeoutSeconds * float64(time.Second))
	}
}
