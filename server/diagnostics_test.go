package server

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func writeWorkspace(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// initializeWithProgress is initialize for a client that shows work-done progress.
func (s *session) initializeWithProgress(root string, encodings ...protocol.PositionEncodingKind) {
	s.t.Helper()
	yes := true
	params := &protocol.InitializeParams{Capabilities: protocol.ClientCapabilities{
		General: &protocol.GeneralClientCapabilities{PositionEncodings: encodings},
		Window:  &protocol.WindowClientCapabilities{WorkDoneProgress: &yes},
	}}
	u := uri.File(root)
	params.RootURI = &u
	if _, err := s.server.Initialize(s.ctx(), params); err != nil {
		s.t.Fatal(err)
	}
	if err := s.server.Initialized(s.ctx(), &protocol.InitializedParams{}); err != nil {
		s.t.Fatal(err)
	}
}

func codes(ds []protocol.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Code.(protocol.String)))
	}
	return out
}

func TestDiagnosticsForFilesNotOpenAndAfterEditingTheOtherSide(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		"go.mod":       "module example.com/shop\n",
		"cart/cart.go": "package cart\n\nfunc Total(prices []int) int { return 0 }\n",
		"web/web.go":   "package web\n\nimport \"example.com/shop/cart\"\n\n// 日本語のコメント 🎉\nvar label, total = \"🎉 ½ 日本\", cart.Sum(nil)\n",
	})
	s := newSession(t, Options{}, nil)
	s.initializeWithProgress(root) // utf-16
	web := uri.File(filepath.Join(root, "web/web.go"))

	// The importer is not open; its finding is published, with the exporter related.
	ds := s.client.awaitDiagnostics(t, web, "missing-export", func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	d := ds[0]
	if codes(ds)[0] != "missing-export" || d.Source != protocol.NewOptional("orchestrator") || d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("diagnostic %+v", d)
	}
	prefix := "var label, total = \"🎉 ½ 日本\", cart."
	if want := uint32(len(utf16.Encode([]rune(prefix)))); d.Range.Start != (protocol.Position{Line: 5, Character: want}) || d.Range.End.Character != want+3 {
		t.Errorf("range %+v, want line 5 from UTF-16 column %d", d.Range, want)
	}
	if len(d.RelatedInformation) != 1 || d.RelatedInformation[0].Location.URI != uri.File(filepath.Join(root, "cart/cart.go")) {
		t.Errorf("related %+v", d.RelatedInformation)
	}
	s.client.await(t, "progress end", func() bool {
		return len(s.client.progress) > 0 && s.client.progress[len(s.client.progress)-1] == "end"
	})
	s.client.mu.Lock()
	p := slices.Clone(s.client.progress) // more progress may arrive: read it under the lock
	s.client.mu.Unlock()
	if p[0] != "begin" || !slices.Contains(p, "report 100") {
		t.Errorf("progress %v", p)
	}

	// Open the exporter and add the missing function: the importer's finding clears.
	cartURI := uri.File(filepath.Join(root, "cart/cart.go"))
	text := "package cart\n\nfunc Total(prices []int) int { return 0 }\n"
	if err := s.server.DidOpen(s.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: cartURI, LanguageID: "go", Version: 1, Text: text}}); err != nil {
		t.Fatal(err)
	}
	end := protocol.Position{Line: 3, Character: 0}
	if err := s.server.DidChange(s.ctx(), &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: cartURI}, Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: end, End: end}, Text: "\nfunc Sum(prices []int) int { return 0 }\n"}},
	}); err != nil {
		t.Fatal(err)
	}
	s.client.awaitDiagnostics(t, web, "the finding to clear", func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })

	// Closing the exporter without saving brings back the disk, and the finding.
	if err := s.server.DidClose(s.ctx(), &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: cartURI}}); err != nil {
		t.Fatal(err)
	}
	s.client.awaitDiagnostics(t, web, "the finding to return", func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
}

func TestDiagnosticsFollowTheDiskAndUTF8Clients(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		"app/format.ts": "export function formatPrice(cents: number): string { return ''; }\n",
		"app/ok.ts":     "export const ok = 1;\n",
	})
	s := newSession(t, Options{}, nil)
	s.initializeWithProgress(root, protocol.PositionEncodingKindUTF8)
	s.client.await(t, "the first check", func() bool { return slices.Contains(s.client.progress, "end") })

	// A worker writes a file behind the editor's back: its mistakes show up.
	checkout := uri.File(filepath.Join(root, "app/checkout.ts"))
	src := "const s = '日本'; import { formatPrise } from './format';\n"
	if err := os.WriteFile(filepath.Join(root, "app/checkout.ts"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ds := s.client.awaitDiagnostics(t, checkout, "missing-export", func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if want := uint32(strings.Index(src, "formatPrise")); ds[0].Range.Start.Character != want {
		t.Errorf("UTF-8 column %d, want %d", ds[0].Range.Start.Character, want)
	}

	// Fixed on disk: cleared. Deleted: nothing left to show.
	if err := os.WriteFile(filepath.Join(root, "app/checkout.ts"), []byte("import { formatPrice } from './format';\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.client.awaitDiagnostics(t, checkout, "the finding to clear", func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })

	// A FIFO named like a source appears: read as empty, it holds nothing up.
	if err := syscall.Mkfifo(filepath.Join(root, "app/pipe.ts"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := uri.File(filepath.Join(root, "app/broken.ts"))
	if err := os.WriteFile(filepath.Join(root, "app/broken.ts"), []byte("let x = (1 + ;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.client.awaitDiagnostics(t, broken, "syntax-error", func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err := os.Remove(filepath.Join(root, "app/broken.ts")); err != nil {
		t.Fatal(err)
	}
	s.client.awaitDiagnostics(t, broken, "the finding of a deleted file to clear", func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })
}

func TestFilesNotCheckedAreNamedInTheLog(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		"app/ok.ts":     "export const ok = 1;\n",
		"app/blob.ts":   "\x00\x01binary",
		"vendor.min.js": "var a=1;\n",
	})
	s := newSession(t, Options{}, nil)
	s.initialize(root)
	l := s.client.awaitLog(t, "files not checked")
	if !strings.Contains(l.Message, "app/blob.ts (binary)") || !strings.Contains(l.Message, "vendor.min.js (minified)") {
		t.Errorf("log %q: want each file not checked and why", l.Message)
	}
}

func TestPlanDiagnosticsFollowTheEditorsBuffer(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		".opencode/todo.md": "# Mission\n\n- [ ] T1: first\n- [ ] T2: second | depends:T3\n",
	})
	s := newSession(t, Options{}, nil)
	s.initializeWithProgress(root)
	todo := uri.File(filepath.Join(root, ".opencode/todo.md"))
	ds := s.client.awaitDiagnostics(t, todo, "plan-unknown-dependency", func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if codes(ds)[0] != "plan-unknown-dependency" || ds[0].Range.Start != (protocol.Position{Line: 3, Character: 27}) {
		t.Errorf("diagnostic %+v", ds[0])
	}

	// The user types the missing item into the open buffer: the finding clears, then a
	// cycle the user writes next is reported.
	text := "# Mission\n\n- [ ] T1: first\n- [ ] T2: second | depends:T3\n"
	if err := s.server.DidOpen(s.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: todo, LanguageID: "markdown", Version: 1, Text: text}}); err != nil {
		t.Fatal(err)
	}
	change := func(version int32, text string) {
		if err := s.server.DidChange(s.ctx(), &protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: todo}, Version: version},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	change(2, text+"- [ ] T3: third\n")
	s.client.awaitDiagnostics(t, todo, "the finding to clear", func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })
	change(3, text+"- [ ] T3: third | depends:T2\n")
	s.client.awaitDiagnostics(t, todo, "plan-cycle", func(ds []protocol.Diagnostic) bool {
		return len(ds) == 1 && codes(ds)[0] == "plan-cycle" && len(ds[0].RelatedInformation) == 1
	})
}

// TestConfigurationProblemsShowWhereTheyAre: a mission refuses to start on a broken
// orchestrator.json or agents.json; the editor shows why at the key, as the file is
// written on disk or typed into its buffer, and clears it once mended.
func TestConfigurationProblemsShowWhereTheyAre(t *testing.T) {
	root := writeWorkspace(t, map[string]string{
		".opencode/orchestrator.json": "{\n  \"limits\": {\"wroker\": 2}\n}\n",
	})
	s := newSession(t, Options{}, nil)
	s.initializeWithProgress(root)
	config := uri.File(filepath.Join(root, ".opencode/orchestrator.json"))
	ds := s.client.awaitDiagnostics(t, config, configRule, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if codes(ds)[0] != configRule || ds[0].Range.Start != (protocol.Position{Line: 1, Character: 13}) || !strings.HasPrefix(string(ds[0].Message.(protocol.String)), `unknown key "limits.wroker"; limits can have: planner, worker,`) {
		t.Errorf("diagnostic %+v", ds[0])
	}

	if err := os.WriteFile(filepath.Join(root, ".opencode/orchestrator.json"), []byte("{\"limits\": {\"worker\": 2}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.client.awaitDiagnostics(t, config, "the problem to clear", func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })

	agents := uri.File(filepath.Join(root, ".opencode/agents.json"))
	if err := os.WriteFile(filepath.Join(root, ".opencode/agents.json"), []byte(`{"docs": {"description": "writes docs"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ds = s.client.awaitDiagnostics(t, agents, configRule, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if ds[0].Range.Start != (protocol.Position{Line: 0, Character: 1}) || ds[0].Message != protocol.String(`agent "docs" has no systemPrompt`) {
		t.Errorf("diagnostic %+v", ds[0])
	}

	// Typed into the buffer, before any save.
	text := "{\"limits\": {\"worker\": 2}}\n"
	if err := s.server.DidOpen(s.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: config, LanguageID: "json", Version: 1, Text: text}}); err != nil {
		t.Fatal(err)
	}
	if err := s.server.DidChange(s.ctx(), &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: config}, Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: strings.Replace(text, "2", "0", 1)}},
	}); err != nil {
		t.Fatal(err)
	}
	ds = s.client.awaitDiagnostics(t, config, "limits.worker", func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if ds[0].Range.Start != (protocol.Position{Line: 0, Character: 12}) || ds[0].Message != protocol.String("limits.worker must be at least 1, not 0") {
		t.Errorf("diagnostic %+v", ds[0])
	}
}
