package analysis

import (
	"embed"
	"fmt"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
)

//go:embed queries/*.scm
var queryFiles embed.FS

// compiledQuery is a language's facts query, compiled once: a query is immutable and
// shared; each use takes its own cursor. Capture names and which patterns carry
// predicates are read once too: asking the binding per match costs C calls and
// allocations on every call site of a file.
type compiledQuery struct {
	once       sync.Once
	query      *sitter.Query
	names      []string // by capture id
	predicated []bool   // by pattern index
	err        error
}

var queries sync.Map // language id -> *compiledQuery (TS and TSX share a file, not a grammar)

func factsQuery(lang *Language) (*compiledQuery, error) {
	v, _ := queries.LoadOrStore(lang.ID, &compiledQuery{})
	cq := v.(*compiledQuery)
	cq.once.Do(func() {
		src, err := queryFiles.ReadFile("queries/" + lang.queryName + ".scm")
		if err != nil {
			cq.err = err
			return
		}
		cq.query, cq.err = sitter.NewQuery(src, lang.grammar)
		if cq.err != nil {
			cq.err = fmt.Errorf("queries/%s.scm: %w", lang.queryName, cq.err)
			return
		}
		for id := range cq.query.CaptureCount() {
			cq.names = append(cq.names, cq.query.CaptureNameForId(id))
		}
		for i := range cq.query.PatternCount() {
			cq.predicated = append(cq.predicated, len(cq.query.PredicatesForPattern(i)) > 0)
		}
	})
	return cq, cq.err
}

// captures is one query match by capture name.
type captures map[string]*sitter.Node

// eachMatch runs q over root and calls fn with every match's captures. The map is
// reused from match to match: fn must not keep it.
func eachMatch(q *compiledQuery, root *sitter.Node, src []byte, fn func(captures)) {
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	qc.Exec(q.query, root)
	caps := captures{}
	for {
		m, ok := qc.NextMatch()
		if !ok {
			return
		}
		if q.predicated[m.PatternIndex] {
			m = qc.FilterPredicates(m, src)
		}
		clear(caps)
		for _, c := range m.Captures {
			caps[q.names[c.Index]] = c.Node
		}
		fn(caps)
	}
}

func nodeRange(n *sitter.Node) Range {
	s, e := n.StartPoint(), n.EndPoint()
	return Range{Start: Position{int(s.Row), int(s.Column)}, End: Position{int(e.Row), int(e.Column)}}
}

func text(n *sitter.Node, src []byte) string { return string(src[n.StartByte():n.EndByte()]) }

// namedChildren lists a node's named children, extras (comments, Python's line
// continuations) left out.
func namedChildren(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for i := range int(n.NamedChildCount()) {
		if c := n.NamedChild(i); !c.IsExtra() {
			out = append(out, c)
		}
	}
	return out
}

// callOf reads a captured call site: callee, qualifier and argument count. An argument of
// the language's spread kind (xs..., ...xs) makes the count meaningless.
func callOf(c captures, src []byte, spread string) Call {
	call := Call{Name: text(c["call.name"], src), Range: nodeRange(c["call.name"])}
	if qual := c["call.qualifier"]; qual != nil {
		call.Qualifier = text(qual, src)
	}
	args := namedChildren(c["call.args"])
	call.Args = len(args)
	for _, a := range args {
		if a.Type() == spread {
			call.Uncountable = true
		}
	}
	return call
}
