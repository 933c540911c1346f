package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// waitTimeout bounds every wait for something the server should send; a passing test
// never waits it out.
const waitTimeout = 15 * time.Second

// testClient is the editor side of an in-process session: it records what the server
// sends so tests can await it.
type testClient struct {
	protocol.UnimplementedClient

	mu          sync.Mutex
	logs        []protocol.LogMessageParams
	diagnostics map[uri.URI][]protocol.Diagnostic // the latest publication per file
	everShown   map[uri.URI][]string              // every diagnostic message ever published per file
	publishes   int
	progress    []string // "begin", "report 40", "end", in order
	reports     map[string][]progressEvent
	messages    []protocol.ShowMessageParams
	asked       []protocol.ShowMessageRequestParams
	statuses    []hostStatus  // orchestrator/status notifications, in order
	refreshes   int           // workspace/codeLens/refresh requests
	changed     chan struct{} // closed and replaced on every new record

	// answer decides approval requests; nil answers nothing until the server gives up.
	answer func(protocol.ShowMessageRequestParams) *protocol.MessageActionItem
	// serverStacks, for a server in another process, ends it and returns its stderr,
	// which then holds its goroutines' stacks: the cause of a wait that ran out is there.
	serverStacks func() string
}

// progressEvent is one $/progress value of a token.
type progressEvent struct {
	Kind        string  `json:"kind"`
	Title       string  `json:"title"`
	Message     string  `json:"message"`
	Percentage  *uint32 `json:"percentage"`
	Cancellable bool    `json:"cancellable"`
}

func newTestClient() *testClient {
	return &testClient{changed: make(chan struct{}), diagnostics: map[uri.URI][]protocol.Diagnostic{},
		everShown: map[uri.URI][]string{}, reports: map[string][]progressEvent{}}
}

func (c *testClient) ShowMessage(_ context.Context, p *protocol.ShowMessageParams) error {
	c.record(func() { c.messages = append(c.messages, *p) })
	return nil
}

func (c *testClient) ShowMessageRequest(ctx context.Context, p *protocol.ShowMessageRequestParams) (*protocol.MessageActionItem, error) {
	c.record(func() { c.asked = append(c.asked, *p) })
	if c.answer == nil {
		<-ctx.Done() // the server gives up and sends $/cancelRequest
		return nil, ctx.Err()
	}
	return c.answer(*p), nil
}

func (c *testClient) CodeLensRefresh(context.Context) error {
	c.record(func() { c.refreshes++ })
	return nil
}

// awaitMessage waits for a window/showMessage containing text.
func (c *testClient) awaitMessage(t testing.TB, text string) protocol.ShowMessageParams {
	t.Helper()
	var found protocol.ShowMessageParams
	c.await(t, "a message containing "+strconv.Quote(text), func() bool {
		for _, m := range c.messages {
			if strings.Contains(m.Message, text) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// awaitStatus waits for an orchestrator/status notification that satisfies cond.
func (c *testClient) awaitStatus(t testing.TB, what string, cond func(hostStatus) bool) hostStatus {
	t.Helper()
	var found hostStatus
	c.await(t, "a status with "+what, func() bool {
		for _, st := range c.statuses {
			if cond(st) {
				found = st
				return true
			}
		}
		return false
	})
	return found
}

// record applies a change under the lock and wakes the waiters.
func (c *testClient) record(change func()) {
	c.mu.Lock()
	change()
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *testClient) LogMessage(_ context.Context, p *protocol.LogMessageParams) error {
	c.record(func() { c.logs = append(c.logs, *p) })
	return nil
}

func (c *testClient) PublishDiagnostics(_ context.Context, p *protocol.PublishDiagnosticsParams) error {
	c.record(func() {
		c.diagnostics[p.URI] = p.Diagnostics
		c.publishes++
		for _, d := range p.Diagnostics {
			if msg, ok := d.Message.(protocol.String); ok {
				c.everShown[p.URI] = append(c.everShown[p.URI], string(msg))
			}
		}
	})
	return nil
}

func (c *testClient) WorkDoneProgressCreate(context.Context, *protocol.WorkDoneProgressCreateParams) error {
	return nil
}

func (c *testClient) Progress(_ context.Context, p *protocol.ProgressParams) error {
	var v progressEvent
	if err := json.Unmarshal(p.Value, &v); err != nil {
		return err
	}
	entry := v.Kind
	if v.Kind == "report" && v.Percentage != nil {
		entry = fmt.Sprintf("report %d", *v.Percentage)
	}
	token := fmt.Sprint(p.Token)
	c.record(func() {
		c.progress = append(c.progress, entry)
		c.reports[token] = append(c.reports[token], v)
	})
	return nil
}

// await waits until cond, checked under the client's lock, holds.
func (c *testClient) await(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.mu.Lock()
		ok, changed := cond(), c.changed
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			c.hung(t, "waited %v for %s", waitTimeout, what)
		}
	}
}

// hung fails the test with every goroutine's stack: a wait that runs out is a hang whose
// cause lies in another goroutine, and a rare one may never show up again.
func hung(t testing.TB, format string, args ...any) {
	t.Helper()
	stacks := make([]byte, 1<<20)
	stacks = stacks[:runtime.Stack(stacks, true)]
	t.Fatalf(format+"\n\nThe goroutines:\n%s", append(args, stacks)...)
}

// hung adds the stacks of a server in another process to hung's.
func (c *testClient) hung(t testing.TB, format string, args ...any) {
	t.Helper()
	if c.serverStacks != nil {
		format += "\n\nThe server's stderr and goroutines:\n%s"
		args = append(args, c.serverStacks())
	}
	hung(t, format, args...)
}

// awaitDiagnostics waits until the file's latest diagnostics satisfy cond and returns them.
func (c *testClient) awaitDiagnostics(t testing.TB, u uri.URI, what string, cond func([]protocol.Diagnostic) bool) []protocol.Diagnostic {
	t.Helper()
	var got []protocol.Diagnostic
	c.await(t, what+" in "+string(u), func() bool {
		ds, published := c.diagnostics[u]
		got = ds
		return published && cond(ds)
	})
	return got
}

// awaitLog waits for a window/logMessage containing text and returns it.
func (c *testClient) awaitLog(t testing.TB, text string) protocol.LogMessageParams {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.mu.Lock()
		for _, l := range c.logs {
			if strings.Contains(l.Message, text) {
				c.mu.Unlock()
				return l
			}
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			c.hung(t, "no log message containing %q within %v; got %v", text, waitTimeout, c.logMessages())
		}
	}
}

func (c *testClient) logMessages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.logs {
		out = append(out, l.Message)
	}
	return out
}

// session is a server and a typed client joined by an in-memory pipe, served through
// exactly the handler chain of Run.
type session struct {
	t      testing.TB
	srv    *Server
	client *testClient
	server protocol.Server // typed requests to the server
	conn   jsonrpc2.Conn   // the client's end, for untyped calls
	exit   chan int        // the server's exit code once it ends
}

// newSession starts a server; wrap, when set, replaces the dispatch target (to inject a
// misbehaving handler into the real chain).
func newSession(t testing.TB, opts Options, wrap func(*Server) protocol.Server) *session {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	serverEnd, clientEnd := net.Pipe()
	srv, conn := connect(ctx, serverEnd, opts)
	var target protocol.Server = srv
	if wrap != nil {
		target = wrap(srv)
	}
	conn.Go(ctx, srv.handler(target))
	exit := make(chan int, 1)
	go func() { exit <- srv.serve(conn, serverEnd) }()

	client := newTestClient()
	clientConn := jsonrpc2.NewConn(jsonrpc2.NewStream(clientEnd), jsonrpc2.WithCodec(lspCodec{}))
	clientConn.Go(ctx, protocol.CancelHandler(inOrder(protocol.ClientHandler(client, jsonrpc2.MethodNotFoundHandler))))
	server := protocol.ServerDispatcher(clientConn)
	t.Cleanup(func() {
		cancel()
		clientEnd.Close()
		serverEnd.Close()
		<-clientConn.Done()
		<-conn.Done()
	})
	return &session{t: t, srv: srv, client: client, server: server, conn: clientConn, exit: exit}
}

// inOrder handles notifications in the order they arrive, as an editor does (a progress
// report and the end that follows it must not swap), and calls concurrently: a
// window/showMessageRequest waits for the server's $/cancelRequest. protocol.NewClient's
// handler runs every message concurrently.
func inOrder(handler jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.IsCall() {
			jsonrpc2.Async(ctx)
		}
		return handler(ctx, req)
	}
}

func (s *session) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	s.t.Cleanup(cancel)
	return ctx
}

// initialize performs the handshake; encodings is the client's general.positionEncodings.
func (s *session) initialize(root string, encodings ...protocol.PositionEncodingKind) *protocol.InitializeResult {
	s.t.Helper()
	params := &protocol.InitializeParams{Capabilities: protocol.ClientCapabilities{
		General: &protocol.GeneralClientCapabilities{PositionEncodings: encodings},
	}}
	params.ClientInfo.Name = "test-client"
	if root != "" {
		u := uri.File(root)
		params.RootURI = &u
	}
	res, err := s.server.Initialize(s.ctx(), params)
	if err != nil {
		s.t.Fatalf("initialize: %v", err)
	}
	if err := s.server.Initialized(s.ctx(), &protocol.InitializedParams{}); err != nil {
		s.t.Fatalf("initialized: %v", err)
	}
	return res
}

// call sends an untyped request and returns the JSON-RPC error code (0 on success).
func (s *session) call(method string, params any) int {
	s.t.Helper()
	var result json.RawMessage
	_, err := s.conn.Call(s.ctx(), method, params, &result)
	return errorCode(s.t, err)
}

func errorCode(t testing.TB, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var wire *jsonrpc2.Error
	if !errors.As(err, &wire) {
		t.Fatalf("not a JSON-RPC error reply: %v", err)
	}
	return int(wire.Code)
}

func (s *session) awaitExit() int {
	s.t.Helper()
	select {
	case code := <-s.exit:
		return code
	case <-time.After(waitTimeout):
		hung(s.t, "the server did not end within %v", waitTimeout)
		return -1
	}
}

var debugLogs = Options{LogLevel: slog.LevelDebug}

// rawPeer speaks the base protocol by hand, for frames no well-behaved client would
// send, and parses everything the server writes strictly: any byte on the server's
// output that is not part of a well-formed frame fails the test.
type rawPeer struct {
	t        *testing.T
	w        io.Writer
	messages chan map[string]any
	readErr  chan error
}

func newRawPeer(t *testing.T, w io.Writer, r io.Reader) *rawPeer {
	p := &rawPeer{t: t, w: w, messages: make(chan map[string]any, 1024), readErr: make(chan error, 1)}
	go p.readLoop(bufio.NewReader(r))
	return p
}

func (p *rawPeer) readLoop(r *bufio.Reader) {
	defer close(p.messages)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if !(errors.Is(err, io.EOF) && line == "" && length < 0) {
					p.readErr <- fmt.Errorf("reading a header: %q: %w", line, err)
				}
				return
			}
			if line == "\r\n" {
				break
			}
			name, value, ok := strings.Cut(strings.TrimSuffix(line, "\r\n"), ": ")
			if !ok || !strings.HasSuffix(line, "\r\n") {
				p.readErr <- fmt.Errorf("malformed header line %q", line)
				return
			}
			if strings.EqualFold(name, "Content-Length") {
				length, err = strconv.Atoi(value)
				if err != nil {
					p.readErr <- fmt.Errorf("bad Content-Length %q", value)
					return
				}
			}
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			p.readErr <- fmt.Errorf("reading a body of %d bytes: %w", length, err)
			return
		}
		var msg map[string]any
		if err := json.Unmarshal(body, &msg); err != nil || msg["jsonrpc"] != "2.0" {
			p.readErr <- fmt.Errorf("not a JSON-RPC message: %q", body)
			return
		}
		p.messages <- msg
	}
}

func (p *rawPeer) sendRaw(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.w, s); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

func (p *rawPeer) send(body string) {
	p.t.Helper()
	p.sendRaw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

// response waits for the response with the given id (a float64 or a string, as JSON
// decodes them), skipping the notifications in between.
func (p *rawPeer) response(id any) map[string]any {
	p.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case msg, ok := <-p.messages:
			if !ok {
				p.t.Fatalf("the server's output ended before the response to %v", id)
			}
			if _, isCall := msg["method"]; !isCall && msg["id"] == id {
				return msg
			}
		case err := <-p.readErr:
			p.t.Fatalf("the server wrote something that is not protocol: %v", err)
		case <-deadline:
			hung(p.t, "no response to %v within %v", id, waitTimeout)
		}
	}
}

// drain waits for the server's output to end and checks that all of it was protocol.
func (p *rawPeer) drain() {
	p.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case _, ok := <-p.messages:
			if !ok {
				select {
				case err := <-p.readErr:
					p.t.Fatalf("the server wrote something that is not protocol: %v", err)
				default:
				}
				return
			}
		case <-deadline:
			hung(p.t, "the server's output did not end within %v", waitTimeout)
		}
	}
}

// initialize sends the initialize request and waits for its answer.
func (p *rawPeer) initialize() {
	p.t.Helper()
	p.send(initializeRequest)
	if resp := p.response(float64(1)); resp["error"] != nil {
		p.t.Fatalf("initialize: %v", resp)
	}
}

func responseErrorCode(msg map[string]any) int {
	e, ok := msg["error"].(map[string]any)
	if !ok {
		return 0
	}
	return int(e["code"].(float64))
}

const initializeRequest = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`
