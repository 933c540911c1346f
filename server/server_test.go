package server

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/orchestrator"
)

var hoverParams = &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
	TextDocument: protocol.TextDocumentIdentifier{URI: uri.File("/nowhere/a.go")},
}}

func TestLifecycle(t *testing.T) {
	s := newSession(t, Options{}, nil)

	if code := s.call(protocol.MethodTextDocumentHover, hoverParams); code != int(jsonrpc2.ServerNotInitialized) {
		t.Errorf("a request before initialize got code %d, want %d", code, jsonrpc2.ServerNotInitialized)
	}

	res := s.initialize("", protocol.PositionEncodingKindUTF8, protocol.PositionEncodingKindUTF16)
	if res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF8 {
		t.Errorf("offered utf-8, negotiated %q", res.Capabilities.PositionEncoding)
	}
	if version, _ := res.ServerInfo.Version.Get(); res.ServerInfo.Name != "orchestrator" || version != orchestrator.Version {
		t.Errorf("serverInfo = %+v", res.ServerInfo)
	}
	sync, ok := res.Capabilities.TextDocumentSync.(*protocol.TextDocumentSyncOptions)
	if !ok || sync.Change == nil || *sync.Change != protocol.TextDocumentSyncKindIncremental {
		t.Errorf("text sync = %#v, want incremental", res.Capabilities.TextDocumentSync)
	}
	// Exactly what is implemented is advertised, with the commands of DESIGN section 8.
	caps := res.Capabilities
	if caps.CompletionProvider != nil || caps.DefinitionProvider != nil || caps.RenameProvider != nil {
		t.Errorf("advertises features it does not implement: %+v", caps)
	}
	if caps.HoverProvider == nil || caps.CodeLensProvider == nil || caps.CodeActionProvider == nil || caps.DocumentSymbolProvider == nil {
		t.Errorf("does not advertise hover, code lens, code actions and symbols: %+v", caps)
	}
	wantCommands := []string{"orchestrator.review", "orchestrator.sync.fix", "orchestrator.task.resume", "orchestrator.task.start",
		"orchestrator.task.status", "orchestrator.task.stop", "orchestrator.todo.run", "orchestrator.todo.setStatus"}
	if !slices.Equal(caps.ExecuteCommandProvider.Commands, wantCommands) {
		t.Errorf("commands %v, want %v", caps.ExecuteCommandProvider.Commands, wantCommands)
	}

	if code := s.call(protocol.MethodInitialize, &protocol.InitializeParams{}); code != int(jsonrpc2.InvalidRequest) {
		t.Errorf("a second initialize got code %d, want %d", code, jsonrpc2.InvalidRequest)
	}
	if code := s.call("orchestrator/noSuchMethod", nil); code != int(jsonrpc2.MethodNotFound) {
		t.Errorf("an unknown method got code %d, want %d", code, jsonrpc2.MethodNotFound)
	}
	if err := s.conn.Notify(s.ctx(), "orchestrator/noSuchNotification", nil); err != nil {
		t.Fatal(err)
	}

	if err := s.server.Shutdown(s.ctx()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if code := s.call(protocol.MethodTextDocumentHover, hoverParams); code != int(jsonrpc2.InvalidRequest) {
		t.Errorf("a request after shutdown got code %d, want %d", code, jsonrpc2.InvalidRequest)
	}
	if err := s.server.Exit(s.ctx()); err != nil {
		t.Fatal(err)
	}
	if code := s.awaitExit(); code != 0 {
		t.Errorf("exit after shutdown: code %d, want 0", code)
	}
}

func TestUTF16IsTheDefaultEncoding(t *testing.T) {
	s := newSession(t, Options{}, nil)
	if res := s.initialize(""); res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF16 {
		t.Errorf("negotiated %q for a client that offers nothing", res.Capabilities.PositionEncoding)
	}
}

func TestExitWithoutShutdownExitsWithOne(t *testing.T) {
	s := newSession(t, Options{}, nil)
	s.initialize("")
	if err := s.server.Exit(s.ctx()); err != nil {
		t.Fatal(err)
	}
	if code := s.awaitExit(); code != 1 {
		t.Errorf("exit without shutdown: code %d, want 1", code)
	}
}

// utf16Doc is the client's model of a document, kept the way VS Code keeps it: UTF-16
// code units, positions counted in them. It shares no code with the server's conversion.
type utf16Doc []uint16

func (d utf16Doc) position(offset int) protocol.Position {
	var pos protocol.Position
	for i := 0; i < offset; i++ {
		switch {
		case d[i] == '\r' && i+1 < len(d) && d[i+1] == '\n':
			if i+1 == offset {
				return pos // between \r and \n: still on this line
			}
		case d[i] == '\n' || d[i] == '\r':
			pos.Line++
			pos.Character = 0
			continue
		}
		pos.Character++
	}
	return pos
}

// boundary moves an offset off the second half of a surrogate pair and out of a CRLF.
func (d utf16Doc) boundary(offset int) int {
	if offset > 0 && offset < len(d) && utf16.IsSurrogate(rune(d[offset])) && d[offset] >= 0xDC00 {
		offset--
	}
	if offset > 0 && offset < len(d) && d[offset-1] == '\r' && d[offset] == '\n' {
		offset--
	}
	return offset
}

func TestIncrementalEditsApplyInOrder(t *testing.T) {
	for _, encoding := range []protocol.PositionEncodingKind{protocol.PositionEncodingKindUTF16, protocol.PositionEncodingKindUTF8} {
		t.Run(string(encoding), func(t *testing.T) {
			s := newSession(t, Options{}, nil)
			if res := s.initialize("", encoding); res.Capabilities.PositionEncoding != encoding {
				t.Fatalf("negotiated %q", res.Capabilities.PositionEncoding)
			}
			docURI := uri.File("/work/edits.ts")
			initial := "const café = 1;\r\n// 日本語のコメント\nlet x = \"🎉 party 🎈\";\rend\n"
			doc := utf16Doc(utf16.Encode([]rune(initial)))
			if err := s.server.DidOpen(s.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
				URI: docURI, LanguageID: "typescript", Version: 1, Text: initial,
			}}); err != nil {
				t.Fatal(err)
			}

			rng := rand.New(rand.NewPCG(1, uint64(len(encoding))))
			inserts := []string{"x", "é", "日本", "🎉", "\r\n", "\n", "abc def", "👍🏽", "", "\r"}
			for version := int32(2); version < 202; version++ {
				start := doc.boundary(rng.IntN(len(doc) + 1))
				end := doc.boundary(start + rng.IntN(min(8, len(doc)-start)+1))
				text := inserts[rng.IntN(len(inserts))]
				r := protocol.Range{Start: doc.position(start), End: doc.position(end)}
				if encoding == protocol.PositionEncodingKindUTF8 {
					r = protocol.Range{Start: utf8Position(doc, start), End: utf8Position(doc, end)}
				}
				next := append(append(append(utf16Doc{}, doc[:start]...), utf16.Encode([]rune(text))...), doc[end:]...)
				doc = next
				if err := s.server.DidChange(s.ctx(), &protocol.DidChangeTextDocumentParams{
					TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: docURI}, Version: version},
					ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: r, Text: text}},
				}); err != nil {
					t.Fatal(err)
				}
			}
			// Notifications are handled in wire order before any later message, so once
			// this request is answered every edit has been applied.
			s.call("orchestrator/noSuchMethod", nil)
			got, ok := s.srv.docs.get(docURI)
			if !ok {
				t.Fatal("the document is not open on the server")
			}
			for _, line := range s.client.logMessages() {
				if strings.Contains(line, "internal error") {
					t.Errorf("the server failed on an edit: %s", line)
				}
			}
			if want := string(utf16.Decode(doc)); got.Text != want || got.Version != 201 {
				t.Errorf("after 200 edits the server has version %d:\n%q\nthe client has version 201:\n%q", got.Version, got.Text, want)
			}
			if err := s.server.DidClose(s.ctx(), &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: docURI}}); err != nil {
				t.Fatal(err)
			}
			s.call("orchestrator/noSuchMethod", nil)
			if _, ok := s.srv.docs.get(docURI); ok {
				t.Error("the document is still open after didClose")
			}
		})
	}
}

// utf8Position is the client's position in bytes, for clients that negotiated utf-8.
func utf8Position(d utf16Doc, offset int) protocol.Position {
	pos := d.position(offset)
	lineStart := offset - int(pos.Character)
	pos.Character = uint32(len(string(utf16.Decode(d[lineStart:offset]))))
	return pos
}

// blockingServer answers hover only when its request is cancelled, and panics on demand.
type blockingServer struct {
	*Server
	hoverStarted chan struct{}
}

func (b *blockingServer) Hover(ctx context.Context, _ *protocol.HoverParams) (*protocol.Hover, error) {
	b.hoverStarted <- struct{}{}
	<-ctx.Done()
	return nil, ctx.Err()
}

func (b *blockingServer) Definition(context.Context, *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	panic("definition exploded")
}

func (b *blockingServer) DidSave(context.Context, *protocol.DidSaveTextDocumentParams) error {
	panic("didSave exploded")
}

func blocking(s *Server) protocol.Server {
	return &blockingServer{Server: s, hoverStarted: make(chan struct{}, 1)}
}

func TestSlowRequestDoesNotBlockOthersAndIsCancellable(t *testing.T) {
	s := newSession(t, Options{}, blocking)
	s.initialize("")
	ctx, cancel := context.WithCancel(context.Background())
	hoverDone := make(chan error, 1)
	go func() {
		var result json.RawMessage
		// protocol.Call sends $/cancelRequest with the call's numeric id on cancel.
		hoverDone <- protocol.Call(ctx, s.conn, protocol.MethodTextDocumentHover, hoverParams, &result)
	}()
	// While hover blocks, other requests are still answered.
	if code := s.call("orchestrator/noSuchMethod", nil); code != int(jsonrpc2.MethodNotFound) {
		t.Fatalf("a request behind a slow one got code %d", code)
	}
	cancel()
	select {
	case err := <-hoverDone:
		if err == nil || !strings.Contains(err.Error(), "context canceled") {
			t.Fatalf("cancelled hover: %v", err)
		}
	case <-s.ctx().Done():
		t.Fatal("the cancelled call did not return")
	}
	// The server answered the cancelled request with RequestCancelled; the raw-frame test
	// checks the reply itself. Here: the connection is intact.
	if code := s.call("orchestrator/noSuchMethod", nil); code != int(jsonrpc2.MethodNotFound) {
		t.Fatalf("after a cancel, a request got code %d", code)
	}
}

func TestPanicsAreAnsweredAndLogged(t *testing.T) {
	s := newSession(t, Options{}, blocking)
	s.initialize("")
	if code := s.call(protocol.MethodTextDocumentDefinition, hoverParams); code != int(jsonrpc2.InternalError) {
		t.Errorf("a panicking request got code %d, want %d", code, jsonrpc2.InternalError)
	}
	s.client.awaitLog(t, "definition exploded")

	if err := s.server.DidSave(s.ctx(), &protocol.DidSaveTextDocumentParams{TextDocument: hoverParams.TextDocument}); err != nil {
		t.Fatal(err)
	}
	s.client.awaitLog(t, "didSave exploded")
	if code := s.call("orchestrator/noSuchMethod", nil); code != int(jsonrpc2.MethodNotFound) {
		t.Errorf("after panics, a request got code %d", code)
	}
}

func TestWrongParams(t *testing.T) {
	s := newSession(t, Options{}, nil)
	s.initialize("")
	if code := s.call(protocol.MethodTextDocumentHover, map[string]any{"textDocument": 5}); code != int(jsonrpc2.InvalidParams) {
		t.Errorf("a request with wrong params got code %d, want %d", code, jsonrpc2.InvalidParams)
	}
	// A notification with wrong params is logged and dropped; the connection lives on.
	if err := s.conn.Notify(s.ctx(), protocol.MethodTextDocumentDidChange, map[string]any{"contentChanges": "no"}); err != nil {
		t.Fatal(err)
	}
	s.client.awaitLog(t, "textDocument/didChange")
	// A change to a document that is not open is reported, not applied.
	if err := s.server.DidChange(s.ctx(), &protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File("/nowhere/closed.go")}, Version: 2},
	}); err != nil {
		t.Fatal(err)
	}
	s.client.awaitLog(t, "which is not open")
	if code := s.call("orchestrator/noSuchMethod", nil); code != int(jsonrpc2.MethodNotFound) {
		t.Errorf("after bad notifications, a request got code %d", code)
	}
}

func TestServerFollowsTheWorkspaceOnDisk(t *testing.T) {
	root := t.TempDir()
	s := newSession(t, debugLogs, nil)
	s.initialize(root)
	s.client.awaitLog(t, "following changes on disk")
	if err := os.WriteFile(filepath.Join(root, "new.go"), []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.client.awaitLog(t, "files changed on disk changes=1")
}
