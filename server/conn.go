package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// Options configure a language server connection.
type Options struct {
	LogLevel slog.Level
	LogFile  io.Writer // also receives the log when set
}

// Run serves one client over rwc until the client sends exit or the stream ends, and
// returns the process exit code the specification asks for: 0 after shutdown, 1 without.
func Run(ctx context.Context, rwc io.ReadWriteCloser, opts Options) int {
	s, conn := connect(ctx, rwc, opts)
	conn.Go(ctx, s.handler(s))
	return s.serve(conn, rwc)
}

// connect wires a Server to a connection over rwc; serving starts with conn.Go.
func connect(ctx context.Context, rwc io.ReadWriteCloser, opts Options) (*Server, jsonrpc2.Conn) {
	var log *slog.Logger
	st := newStream(rwc, func(msg string) { log.Warn(msg) })
	conn := jsonrpc2.NewConn(st, jsonrpc2.WithCodec(lspCodec{}))
	level := new(slog.LevelVar) // the editor's settings may change it
	level.Set(opts.LogLevel)
	clientLog := newClientLogHandler(protocol.ClientDispatcher(conn), level)
	var handler slog.Handler = clientLog
	if opts.LogFile != nil {
		handler = slog.NewMultiHandler(clientLog, slog.NewTextHandler(opts.LogFile, &slog.HandlerOptions{Level: level}))
	}
	log = slog.New(handler)
	// The connection runs on ctx, not on the server's background context: after shutdown
	// cancels that, the read loop must still receive exit.
	s := newServer(ctx, conn, log, clientLog)
	s.logLevel = level
	return s, conn
}

// serve waits for the end of the session and returns the exit code.
func (s *Server) serve(conn jsonrpc2.Conn, rwc io.Closer) int {
	defer s.stop()
	select {
	case code := <-s.exit:
		// The process ends right after; closing the transport unblocks nothing we wait for.
		_ = rwc.Close()
		return code
	case <-conn.Done():
		if err := conn.Err(); err != nil {
			s.log.Error("connection ended", "error", err)
		}
		if s.lifecycle() == shutDown {
			return 0
		}
		return 1
	}
}

// handler is the message chain. Notifications run inline on the read loop, so edits are
// applied in wire order; calls release the read loop (jsonrpc2.Async) so a slow request
// never blocks the next message, and each is cancellable through $/cancelRequest. Nothing
// a client sends may end the connection: panics are recovered and a failing notification
// is logged instead of returned (jsonrpc2 closes the connection on either).
//
// Handlers never see jsonrpc2's pooled per-request context: deriving a context from it
// (as jsonrpc2.CancelHandler does) leaves a stdlib goroutine that may call Done after the
// request went back to the pool, which panics. They get a plain context instead.
// Messages go to target, which is s itself except in tests that wrap it.
func (s *Server) handler(target protocol.Server) jsonrpc2.Handler {
	dispatch := protocol.ServerHandler(target, jsonrpc2.MethodNotFoundHandler)
	inFlight := newCancelRegistry()
	return func(reqCtx context.Context, req *jsonrpc2.Request) (result any, err error) {
		method := strings.Clone(req.Method())
		ctx := jsonrpc2.DetachContext(reqCtx)
		if !req.IsCall() {
			defer s.recoverPanic(method, nil)
			switch {
			case method == protocol.MethodCancelRequest:
				inFlight.cancel(req.Params())
			case clientMethods[method] != "notification":
				s.log.Debug("ignored a notification that is not one the client may send", "method", method)
			case s.admitNotification(method):
				if _, err := dispatch(ctx, req); err != nil {
					s.log.Warn("notification failed", "method", method, "error", err)
				}
			}
			return nil, nil
		}
		if err := s.admitCall(method); err != nil {
			return nil, err
		}
		switch clientMethods[method] {
		case "request":
		case "notification":
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s is a notification; it was sent with an id", method)
		default:
			return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", method)
		}
		// The handshake stays on the read loop so nothing overtakes it.
		if method != protocol.MethodInitialize && method != protocol.MethodShutdown {
			jsonrpc2.Async(reqCtx)
		}
		ctx, done := inFlight.add(ctx, req.ID())
		defer done()
		defer s.recoverPanic(method, &err)
		result, err = dispatch(ctx, req)
		switch {
		case err != nil && ctx.Err() != nil:
			err = protocol.ErrRequestCancelled // the handler stopped because $/cancelRequest asked it to
		case errors.Is(err, jsonrpc2.ErrParse):
			// The message parsed; its params did not fit the method.
			err = jsonrpc2.NewError(jsonrpc2.InvalidParams, strings.Replace(err.Error(), jsonrpc2.ErrParse.Message, "invalid params", 1))
		}
		return result, err
	}
}

// clientMethods are the methods the LSP specification lets a client send, with their
// kind: "request" or "notification".
var clientMethods = func() map[string]string {
	methods := map[string]string{}
	for _, m := range protocol.Methods {
		if m.Direction != protocol.DirectionServerToClient {
			methods[m.Method] = m.Kind
		}
	}
	return methods
}()

// cancelRegistry maps the ids of running calls to their cancel functions.
type cancelRegistry struct {
	mu      sync.Mutex
	cancels map[jsonrpc2.ID]context.CancelFunc
}

func newCancelRegistry() *cancelRegistry {
	return &cancelRegistry{cancels: map[jsonrpc2.ID]context.CancelFunc{}}
}

func (r *cancelRegistry) add(parent context.Context, id jsonrpc2.ID) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	r.mu.Lock()
	r.cancels[id] = cancel
	r.mu.Unlock()
	return ctx, func() {
		r.mu.Lock()
		delete(r.cancels, id)
		r.mu.Unlock()
		cancel()
	}
}

// cancel handles $/cancelRequest; ids may be numbers (VS Code, Neovim) or strings.
func (r *cancelRegistry) cancel(raw jsonrpc2.RawMessage) {
	var params protocol.CancelParams
	if protocol.Unmarshal(raw, &params) != nil {
		return
	}
	var id jsonrpc2.ID
	switch v := params.ID.(type) {
	case protocol.Integer:
		id = jsonrpc2.NewNumberID(int64(v))
	case protocol.String:
		id = jsonrpc2.NewStringID(string(v))
	default:
		return
	}
	r.mu.Lock()
	cancel := r.cancels[id]
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// admitCall enforces the lifecycle: nothing before initialize, nothing after shutdown.
func (s *Server) admitCall(method string) error {
	switch state := s.lifecycle(); {
	case method == protocol.MethodInitialize:
		if state != awaitingInitialize {
			return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize was already received")
		}
	case state == awaitingInitialize:
		return jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "the server is not initialized yet")
	case state == shutDown:
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the server is shut down; only exit is accepted")
	}
	return nil
}

// admitNotification drops notifications the lifecycle does not allow (exit always is).
func (s *Server) admitNotification(method string) bool {
	if method == protocol.MethodExit {
		return true
	}
	switch s.lifecycle() {
	case awaitingInitialize, shutDown:
		s.log.Debug("ignored notification outside the session", "method", method)
		return false
	}
	return true
}

// recoverPanic turns a handler panic into a logged error (and, for a call, an error
// reply) instead of a dead connection.
func (s *Server) recoverPanic(method string, errp *error) {
	r := recover()
	if r == nil {
		return
	}
	s.log.Error("internal error", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	if errp != nil {
		*errp = jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r)
	}
}

// lspCodec encodes payloads with the protocol package's union-aware codec and passes
// raw JSON through, as jsonrpc2's Codec contract requires.
type lspCodec struct{}

func (lspCodec) Marshal(v any) ([]byte, error) {
	if raw, ok := v.(jsonrpc2.RawMessage); ok {
		if raw == nil {
			return []byte("null"), nil
		}
		return raw, nil
	}
	return protocol.Marshal(v)
}

// Unmarshal decodes a copy: protocol.Unmarshal decodes union roots ([]CommandOrCodeAction,
// DocumentSymbolResult, ...) into strings that alias its input, and jsonrpc2 reuses the
// buffer the input lives in (seen: code action titles turning into later messages' bytes).
func (lspCodec) Unmarshal(data []byte, v any) error {
	if raw, ok := v.(*jsonrpc2.RawMessage); ok {
		*raw = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(bytes.Clone(data), v)
}
