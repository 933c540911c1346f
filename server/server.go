// Package server is the language server: it speaks LSP over a jsonrpc2 connection and
// translates between the protocol and the packages below it. Handlers stay thin; LSP types
// never leave this package.
package server

import (
	"context"
	"log/slog"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
)

// lifecycle is where the connection stands in the LSP handshake.
type lifecycle int

const (
	awaitingInitialize lifecycle = iota
	initializing                 // initialize answered, initialized not yet received
	running
	shutDown // shutdown received: only exit is left
)

// Server holds one client connection's state. Each LSP feature lives in its own file.
type Server struct {
	protocol.UnimplementedServer

	client    protocol.Client
	log       *slog.Logger
	clientLog *clientLogHandler
	docs      *documentStore

	// ctx bounds background work (the watcher); cancelled on shutdown or when the
	// connection ends.
	ctx    context.Context
	cancel context.CancelFunc
	exit   chan int // the exit notification's process exit code

	mu               sync.Mutex
	state            lifecycle
	encoding         protocol.PositionEncodingKind
	workDoneProgress bool   // the client shows $/progress
	root             string // workspace root directory; "" when the client opened no folder
	watcher          *workspace.Watcher
	checker          *checker // nil without a workspace root
}

func newServer(ctx context.Context, client protocol.Client, log *slog.Logger, clientLog *clientLogHandler) *Server {
	ctx, cancel := context.WithCancel(ctx)
	return &Server{
		client:    client,
		log:       log,
		clientLog: clientLog,
		docs:      newDocumentStore(),
		ctx:       ctx,
		cancel:    cancel,
		exit:      make(chan int, 1),
		encoding:  protocol.PositionEncodingKindUTF16,
	}
}

func (s *Server) lifecycle() lifecycle {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// stop ends background work; it is idempotent.
func (s *Server) stop() {
	s.cancel()
	s.mu.Lock()
	w := s.watcher
	s.watcher = nil
	s.mu.Unlock()
	if w != nil {
		_ = w.Close()
	}
}
