package server

// An editor's side of real sessions: a typed LSP client on the stdio of the real
// `orchestrator lsp` binary, with the capabilities VS Code and Neovim announce.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

type editor struct {
	*testClient
	t      *testing.T
	root   string
	server protocol.Server
	conn   jsonrpc2.Conn
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	exited chan error
	pid    int
}

type editorOptions struct {
	env               []string
	settings          map[string]any // initializationOptions
	noMessageRequests bool           // a client that cannot ask the user
	noProgress        bool           // a client without work-done progress
	answer            func(protocol.ShowMessageRequestParams) *protocol.MessageActionItem
}

// startEditor starts the server on root and completes the handshake.
func startEditor(t *testing.T, root string, o editorOptions) *editor {
	t.Helper()
	cmd := exec.Command(binary, "lsp", "--log-level", "debug")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), o.env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	e := &editor{testClient: newTestClient(), t: t, root: root, cmd: cmd, stderr: &bytes.Buffer{}, exited: make(chan error, 1)}
	e.answer = o.answer
	cmd.Stderr = e.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e.pid = cmd.Process.Pid
	go func() { e.exited <- cmd.Wait() }()
	e.serverStacks = func() string {
		_ = cmd.Process.Signal(syscall.SIGQUIT) // Go's runtime prints every goroutine's stack and exits
		select {
		case err := <-e.exited:
			e.exited <- err // for the cleanup
			return e.stderr.String()
		case <-time.After(waitTimeout):
			return "(the server did not end on SIGQUIT)"
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		_ = cmd.Process.Kill()
		<-e.exited
	})

	e.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(stdio{stdout, stdin}), jsonrpc2.WithCodec(lspCodec{}))
	dispatch := protocol.ClientHandler(e.testClient, jsonrpc2.MethodNotFoundHandler)
	e.conn.Go(ctx, func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() == statusNotification {
			var st hostStatus
			if err := json.Unmarshal(req.Params(), &st); err != nil {
				t.Errorf("orchestrator/status: %v", err)
			}
			e.record(func() { e.statuses = append(e.statuses, st) })
			return nil, nil
		}
		if req.IsCall() {
			jsonrpc2.Async(ctx) // an approval may wait; nothing else must
		}
		return dispatch(ctx, req)
	})
	e.server = protocol.ServerDispatcher(e.conn)

	yes := true
	params := &protocol.InitializeParams{Capabilities: protocol.ClientCapabilities{
		Window:       &protocol.WindowClientCapabilities{WorkDoneProgress: &yes, ShowMessage: &protocol.ShowMessageRequestClientCapabilities{}},
		Workspace:    &protocol.WorkspaceClientCapabilities{CodeLens: &protocol.CodeLensWorkspaceClientCapabilities{RefreshSupport: &yes}},
		TextDocument: &protocol.TextDocumentClientCapabilities{DocumentSymbol: &protocol.DocumentSymbolClientCapabilities{HierarchicalDocumentSymbolSupport: &yes}},
	}}
	if o.noMessageRequests {
		params.Capabilities.Window.ShowMessage = nil
	}
	if o.noProgress {
		params.Capabilities.Window.WorkDoneProgress = nil
	}
	if o.settings != nil {
		params.InitializationOptions, _ = json.Marshal(o.settings)
	}
	params.ClientInfo.Name = "test-editor"
	u := uri.File(root)
	params.RootURI = &u
	if _, err := e.server.Initialize(e.ctx(), params); err != nil {
		t.Fatalf("initialize: %v\n%s", err, e.stderr)
	}
	if err := e.server.Initialized(e.ctx(), &protocol.InitializedParams{}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *editor) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	e.t.Cleanup(cancel)
	return ctx
}

// execute runs a command and returns its result; a refusal comes back as an error.
func (e *editor) execute(command string, args ...any) (json.RawMessage, error) {
	params := &protocol.ExecuteCommandParams{Command: command}
	for _, a := range args {
		raw, _ := json.Marshal(a)
		params.Arguments = append(params.Arguments, raw)
	}
	var result json.RawMessage
	_, err := e.conn.Call(e.ctx(), protocol.MethodWorkspaceExecuteCommand, params, &result)
	return result, err
}

func (e *editor) mustExecute(command string, args ...any) json.RawMessage {
	e.t.Helper()
	result, err := e.execute(command, args...)
	if err != nil {
		e.t.Fatalf("%s: %v", command, err)
	}
	return result
}

func (e *editor) todoURI() uri.URI { return uri.File(filepath.Join(e.root, ".opencode", "todo.md")) }

// lenses returns the titles of todo.md's code lenses, by line.
func (e *editor) lenses() map[uint32][]string {
	e.t.Helper()
	lenses, err := e.server.CodeLens(e.ctx(), &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: e.todoURI()}})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[uint32][]string{}
	for _, l := range lenses {
		out[l.Range.Start.Line] = append(out[l.Range.Start.Line], l.Command.Title)
	}
	return out
}

// lensOn returns the lens titles of the line that holds text in todo.md.
func (e *editor) lensOn(text string) string {
	e.t.Helper()
	todo, _ := os.ReadFile(e.todoURI().FsPath())
	for i, line := range strings.Split(string(todo), "\n") {
		if strings.Contains(line, text) {
			return strings.Join(e.lenses()[uint32(i)], " | ")
		}
	}
	e.t.Fatalf("todo.md has no line with %q:\n%s", text, todo)
	return ""
}

// changeSettings sends the editor's "orchestrator" settings as they now are, as VS Code's
// client does on a change.
func (e *editor) changeSettings(settings map[string]any) {
	e.t.Helper()
	params := &protocol.DidChangeConfigurationParams{}
	params.Settings, _ = json.Marshal(map[string]any{"orchestrator": settings})
	if err := e.server.DidChangeConfiguration(e.ctx(), params); err != nil {
		e.t.Fatal(err)
	}
}

// shutdown ends the session the way an editor does.
func (e *editor) shutdown() {
	e.t.Helper()
	if err := e.server.Shutdown(e.ctx()); err != nil {
		e.t.Fatalf("shutdown: %v", err)
	}
	_ = e.server.Exit(e.ctx())
	if err := <-e.exited; err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 0 {
			e.t.Fatalf("the server exited with %v\n%s", err, e.stderr)
		}
	}
	e.exited <- nil // for the cleanup
}
