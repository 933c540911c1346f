// Package server is the language server: it speaks LSP over a jsonrpc2 connection and
// translates between the protocol and the packages below it. Handlers stay thin; LSP types
// never leave this package.
package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
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
	conn      jsonrpc2.Conn // for the notifications protocol.Client does not know
	log       *slog.Logger
	logLevel  *slog.LevelVar
	clientLog *clientLogHandler
	docs      *documentStore

	// ctx bounds background work (the watcher); cancelled on shutdown or when the
	// connection ends.
	ctx    context.Context
	cancel context.CancelFunc
	exit   chan int // the exit notification's process exit code

	todoMu   sync.Mutex
	lastTodo *todoDocument // the last todo.md parsed, shared read-only

	mu               sync.Mutex
	state            lifecycle
	encoding         protocol.PositionEncodingKind
	workDoneProgress bool   // the client shows $/progress
	codeLensRefresh  bool   // the client takes workspace/codeLens/refresh
	messageRequests  bool   // the client can ask the user (window/showMessageRequest)
	hierarchical     bool   // the client shows nested document symbols
	root             string // workspace root directory; "" when the client opened no folder
	settings         settings
	approvalTimeout  time.Duration
	watcher          *workspace.Watcher
	checker          *checker // nil without a workspace root
	host             *host    // nil without a workspace root

	cancellable map[protocol.ProgressToken]*progress // running progresses the client may cancel
}

func newServer(ctx context.Context, conn jsonrpc2.Conn, log *slog.Logger, clientLog *clientLogHandler) *Server {
	ctx, cancel := context.WithCancel(ctx)
	return &Server{
		client:    protocol.ClientDispatcher(conn),
		conn:      conn,
		log:       log,
		clientLog: clientLog,
		docs:      newDocumentStore(),
		ctx:       ctx,
		cancel:    cancel,
		exit:      make(chan int, 1),
		encoding:  protocol.PositionEncodingKindUTF16,

		cancellable: map[protocol.ProgressToken]*progress{},

		approvalTimeout: approvalTimeout,
	}
}

func (s *Server) lifecycle() lifecycle {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// stop ends background work: a running mission is interrupted and has saved its state
// when stop returns, and the workspace lock is released. It is idempotent.
func (s *Server) stop() {
	s.cancel()
	s.mu.Lock()
	w, h := s.watcher, s.host
	s.watcher = nil
	s.mu.Unlock()
	if w != nil {
		_ = w.Close()
	}
	if h != nil {
		if j := h.running(); j != nil {
			<-j.done
		}
		h.release()
	}
}
