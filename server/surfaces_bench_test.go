package server

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// benchTodo is a plan of 500 items in 50 groups, with dependencies and metadata.
func benchTodo() string {
	var b strings.Builder
	b.WriteString("# Mission: a large plan\n\n## Tasks\n")
	for g := range 50 {
		fmt.Fprintf(&b, "- [ ] T%d: group %d\n", g*10+1, g)
		for i := 2; i <= 10; i++ {
			n := g*10 + i
			status := []string{" ", "x", "/", "-"}[n%4]
			fmt.Fprintf(&b, "  - [%s] T%d: CREATE `pkg%d/file%d.go` with its tests | file:pkg%d/file%d.go | depends:T%d\n", status, n, g, i, g, i, n-1)
		}
	}
	return b.String()
}

// medianOf times op b.N times over a real connection and reports the median.
func medianOf(b *testing.B, op func()) {
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		op()
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "median-ms")
}

// todoSession is a server on a workspace whose todo.md has 500 items, open in the editor.
func todoSession(b *testing.B) (*session, protocol.TextDocumentIdentifier) {
	root := writeWorkspace(b, map[string]string{".opencode/todo.md": benchTodo()})
	s := newSession(b, Options{}, nil)
	s.initialize(root)
	u := uri.File(root + "/.opencode/todo.md")
	if err := s.server.DidOpen(s.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "markdown", Version: 1, Text: benchTodo()}}); err != nil {
		b.Fatal(err)
	}
	return s, protocol.TextDocumentIdentifier{URI: u}
}

// BenchmarkCodeLens500Items: the code lenses of a 500-item todo.md, request to answer.
func BenchmarkCodeLens500Items(b *testing.B) {
	s, doc := todoSession(b)
	medianOf(b, func() {
		if lenses, err := s.server.CodeLens(s.ctx(), &protocol.CodeLensParams{TextDocument: doc}); err != nil || len(lenses) != 502 {
			b.Fatalf("%d lenses, %v", len(lenses), err)
		}
	})
}

// BenchmarkHover500Items: hover on the last item of a 500-item todo.md.
func BenchmarkHover500Items(b *testing.B) {
	s, doc := todoSession(b)
	last := uint32(strings.Count(benchTodo(), "\n") - 1)
	medianOf(b, func() {
		if h, err := s.server.Hover(s.ctx(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: doc, Position: protocol.Position{Line: last}}}); err != nil || h == nil {
			b.Fatalf("hover %v %v", h, err)
		}
	})
}

// BenchmarkDocumentSymbols500Items: the outline of a 500-item todo.md.
func BenchmarkDocumentSymbols500Items(b *testing.B) {
	s, doc := todoSession(b)
	medianOf(b, func() {
		if _, err := s.server.DocumentSymbol(s.ctx(), &protocol.DocumentSymbolParams{TextDocument: doc}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkDidChangeToDiagnostics: from a didChange in a 5,000-line Go file (functions
// of ten lines, a call to another package on each) to the publishDiagnostics that
// follows it, debounce included. Each edit breaks or repairs a call, so every round
// publishes. BenchmarkDidChangeInOneLongFunction is the same file as one function of
// 5,000 statements, where tree-sitter's incremental parse reuses nothing.
func BenchmarkDidChangeToDiagnostics(b *testing.B) { benchmarkDidChange(b, 10) }

func BenchmarkDidChangeInOneLongFunction(b *testing.B) { benchmarkDidChange(b, 5000) }

func benchmarkDidChange(b *testing.B, linesPerFunction int) {
	var body strings.Builder
	body.WriteString("package app\n\nimport \"example.com/m/cart\"\n")
	line := 3
	for i := 0; line < 5000; i++ {
		fmt.Fprintf(&body, "\nfunc use%d() {\n", i)
		line += 2
		for j := 0; j < linesPerFunction && line < 4999; j++ {
			fmt.Fprintf(&body, "\t_ = %d + cart.Total(nil)\n", line)
			line++
		}
		body.WriteString("}\n")
		line++
	}
	text := body.String()
	root := writeWorkspace(b, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "cart/cart.go": "package cart\n\nfunc Total(xs []int) int { return 0 }\n", "app/app.go": text})
	s := newSession(b, Options{}, nil)
	s.initializeWithProgress(root)
	s.client.await(b, "the first check", func() bool { return slices.Contains(s.client.progress, "end") })
	u := uri.File(root + "/app/app.go")
	if err := s.server.DidOpen(s.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "go", Version: 1, Text: text}}); err != nil {
		b.Fatal(err)
	}
	middle := strings.Split(text, "\n")[2500:]
	row := 2500 + slices.IndexFunc(middle, func(l string) bool { return strings.Contains(l, "cart.Total(nil)") })
	at := protocol.Position{Line: uint32(row), Character: uint32(strings.Index(strings.Split(text, "\n")[row], "(nil") + len("(nil"))}
	version := int32(1)
	medianOf(b, func() {
		version++
		broken := version%2 == 0
		edit := &protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: at, End: at}, Text: ", 2"}
		if !broken {
			edit = &protocol.TextDocumentContentChangePartial{Range: protocol.Range{Start: at, End: protocol.Position{Line: at.Line, Character: at.Character + 3}}, Text: ""}
		}
		if err := s.server.DidChange(s.ctx(), &protocol.DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: version},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{edit}}); err != nil {
			b.Fatal(err)
		}
		s.client.awaitDiagnostics(b, u, "the diagnostics of the edit", func(ds []protocol.Diagnostic) bool { return (len(ds) == 1) == broken })
	})
}
