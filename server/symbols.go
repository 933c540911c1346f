package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
)

// DocumentSymbol gives todo.md's item tree, so editors show the plan as an outline.
func (s *Server) DocumentSymbol(_ context.Context, params *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	doc, ok := s.todo(params.TextDocument.URI)
	if !ok {
		return protocol.DocumentSymbolSlice{}, nil
	}
	s.mu.Lock()
	hierarchical := s.hierarchical
	s.mu.Unlock()
	if !hierarchical {
		flat := protocol.SymbolInformationSlice{}
		for _, it := range doc.plan.Items {
			info := protocol.SymbolInformation{Location: protocol.Location{URI: doc.uri, Range: doc.lineRange(it)}}
			info.Name, info.Kind = symbolName(it), protocol.SymbolKindEvent
			if it.Parent != nil {
				info.ContainerName = ptr(symbolName(it.Parent))
			}
			flat = append(flat, info)
		}
		return flat, nil
	}
	return doc.symbols(doc.plan.Roots), nil
}

func (d *todoDocument) symbols(items []*plan.Item) protocol.DocumentSymbolSlice {
	out := make(protocol.DocumentSymbolSlice, 0, len(items))
	for _, it := range items {
		line := d.lineRange(it)
		last := it
		for len(last.Items) > 0 {
			last = last.Items[len(last.Items)-1]
		}
		out = append(out, protocol.DocumentSymbol{
			Name:           symbolName(it),
			Detail:         ptr(string(it.Status)),
			Kind:           protocol.SymbolKindEvent,
			Range:          protocol.Range{Start: line.Start, End: d.lineRange(last).End},
			SelectionRange: line,
			Children:       d.symbols(it.Items),
		})
	}
	return out
}

// symbolName is never empty, as the protocol requires.
func symbolName(it *plan.Item) string {
	if t := title(it); t != "" {
		return t
	}
	return "(untitled item)"
}
