package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/orchestrator"
)

// Initialize negotiates the position encoding, takes the workspace root and advertises
// exactly the features this server implements.
func (s *Server) Initialize(_ context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	s.clientLog.ready.Store(true)
	root, others := workspaceRoot(params)
	encoding := protocol.PositionEncodingKindUTF16
	if params.Capabilities.General != nil && slices.Contains(params.Capabilities.General.PositionEncodings, protocol.PositionEncodingKindUTF8) {
		encoding = protocol.PositionEncodingKindUTF8
	}

	caps := params.Capabilities
	var opts settings
	if len(params.InitializationOptions) > 0 { // null leaves opts as they are
		if err := json.Unmarshal(params.InitializationOptions, &opts); err != nil {
			s.log.Warn("initializationOptions ignored", "error", err)
			opts = settings{}
		}
	}
	s.applySettings(opts)

	s.mu.Lock()
	s.state = initializing
	s.root = root
	s.encoding = encoding
	s.workDoneProgress = caps.Window != nil && isTrue(caps.Window.WorkDoneProgress)
	s.messageRequests = caps.Window != nil && caps.Window.ShowMessage != nil
	s.codeLensRefresh = caps.Workspace != nil && caps.Workspace.CodeLens != nil && isTrue(caps.Workspace.CodeLens.RefreshSupport)
	s.hierarchical = caps.TextDocument != nil && caps.TextDocument.DocumentSymbol != nil && isTrue(caps.TextDocument.DocumentSymbol.HierarchicalDocumentSymbolSupport)
	s.mu.Unlock()

	s.log.Info("initialize", "client", params.ClientInfo.Name, "root", root, "positionEncoding", string(encoding))
	if others > 0 {
		s.log.Warn("only the first workspace folder is served", "ignored", others)
	}

	incremental := protocol.TextDocumentSyncKindIncremental
	return &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			PositionEncoding: encoding,
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: ptr(true),
				Change:    &incremental,
				Save:      &protocol.SaveOptions{IncludeText: ptr(false)},
			},
			ExecuteCommandProvider: protocol.ExecuteCommandOptions{Commands: commandNames()},
			CodeLensProvider:       &protocol.CodeLensOptions{},
			HoverProvider:          protocol.Boolean(true),
			DocumentSymbolProvider: protocol.Boolean(true),
			CodeActionProvider:     &protocol.CodeActionOptions{CodeActionKinds: codeActionKinds},
		},
		ServerInfo: protocol.ServerInfo{Name: "orchestrator", Version: protocol.NewOptional(orchestrator.Version)},
	}, nil
}

// workspaceRoot picks the directory to serve: the first workspace folder, else rootUri,
// else the deprecated rootPath. It also counts the folders it leaves out.
func workspaceRoot(params *protocol.InitializeParams) (root string, others int) {
	if folders, ok := params.WorkspaceFolders.Get(); ok && len(folders) > 0 {
		return fsPath(folders[0].URI), len(folders) - 1
	}
	if params.RootURI != nil && !params.RootURI.IsZero() {
		return fsPath(*params.RootURI), 0
	}
	if path, ok := params.RootPath.Get(); ok && path != "" {
		return filepath.Clean(path), 0
	}
	return "", 0
}

func fsPath(u uri.URI) string {
	if !u.IsFile() {
		return ""
	}
	return filepath.Clean(u.FsPath())
}

func isTrue(b *bool) bool { return b != nil && *b }

// Initialized starts checking the workspace, following it on disk and hosting its
// missions.
func (s *Server) Initialized(context.Context, *protocol.InitializedParams) error {
	s.mu.Lock()
	s.state = running
	root := s.root
	s.mu.Unlock()
	if root == "" {
		return nil
	}
	c := newChecker(s, root)
	s.mu.Lock()
	s.checker = c
	s.mu.Unlock()
	h := newHost(s, root)
	s.mu.Lock()
	s.host = h
	s.mu.Unlock()
	// Walking and parsing a large tree must not hold up the read loop. The watcher is in
	// place before the first scan reads anything: a file written at any moment after is
	// seen by the scan or arrives as an event (started together, a file written just
	// after the scan read its directory could be missed until the next rescan).
	go func() {
		s.startWatcher(root)
		c.run(s.ctx)
	}()
	go h.run(s.ctx)
	return nil
}

// workspaceHost returns the mission host, or nil before initialized or without a root.
func (s *Server) workspaceHost() *host {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.host
}

// workspaceChecker returns the checker, or nil before initialized or without a root.
func (s *Server) workspaceChecker() *checker {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checker
}

// Shutdown stops background work; after it only exit is accepted.
func (s *Server) Shutdown(context.Context) error {
	s.mu.Lock()
	s.state = shutDown
	s.mu.Unlock()
	s.stop()
	s.log.Info("shutdown")
	return nil
}

// Exit ends the process: exit code 0 after shutdown, 1 without, as the specification says.
func (s *Server) Exit(context.Context) error {
	code := 1
	if s.lifecycle() == shutDown {
		code = 0
	}
	select {
	case s.exit <- code:
	default: // a second exit changes nothing
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
