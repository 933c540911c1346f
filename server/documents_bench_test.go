package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// BenchmarkDidChangeLargeDocument measures applying one keystroke to a 5,000-line
// document, the edit path every didChange takes.
func BenchmarkDidChangeLargeDocument(b *testing.B) {
	line := "\tresult := compute(ctx, \"héllo 日本\", 42) // 🎉 some comment text\n"
	text := strings.Repeat(line, 5000)
	store := newDocumentStore()
	u := uri.File("/bench/large.go")
	store.open(protocol.TextDocumentItem{URI: u, Version: 1, Text: text})
	at := protocol.Position{Line: 2500, Character: 10}
	change := []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{
		Range: protocol.Range{Start: at, End: at}, Text: "x",
	}}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := store.change(u, int32(i+2), change, protocol.PositionEncodingKindUTF16); err != nil {
			b.Fatal(err)
		}
	}
}
