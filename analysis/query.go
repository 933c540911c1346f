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

// eachMatch runs q over root and calls fn with every match's captures. The facts
// queries describe top-level statements: matches start at the root, and the cursor does
// not descend further than their patterns reach. The map is reused from match to match:
// fn must not keep it.
func eachMatch(q *compiledQuery, root *sitter.Node, src []byte, fn func(captures)) {
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	limitStartDepth(qc, 0)
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

// callShape names the nodes of a language's calls and qualified names.
type callShape struct {
	args             string // the call's arguments node
	qualified        string // q.name: the node, its fields and the name's kind
	object, property string
	propertyKind     string
	spread           string // an argument that spreads a list (xs..., ...xs)
}

// qualifiedName reads q.name (a selector or member expression whose object is an
// identifier) at node i of a flat tree.
func qualifiedName(t *flatTree, i int32, shape *callShape) (qualifier, name int32, ok bool) {
	if t.kind(i) != shape.qualified {
		return -1, -1, false
	}
	qualifier, name = t.childOfKind(i, shape.object, "identifier"), t.childOfKind(i, shape.property, shape.propertyKind)
	return qualifier, name, qualifier >= 0 && name >= 0
}

// callOf reads the call at node i of a flat tree: f(...) or q.f(...), with its argument
// count and arguments. It reports false for other callees. A spread argument makes the
// count meaningless.
func callOf(t *flatTree, i int32, shape *callShape) (Call, []int32, bool) {
	fn, argList := t.child(i, "function"), t.childOfKind(i, "arguments", shape.args)
	if fn < 0 || argList < 0 {
		return Call{}, nil, false
	}
	var c Call
	if t.kind(fn) == "identifier" {
		c = Call{Name: t.text(fn), Range: t.rangeOf(fn)}
	} else if qual, name, ok := qualifiedName(t, fn, shape); ok {
		c = Call{Qualifier: t.text(qual), Name: t.text(name), Range: t.rangeOf(name)}
	} else {
		return Call{}, nil, false
	}
	args := t.children(argList)
	c.Args = len(args)
	for _, a := range args {
		if t.kind(a) == shape.spread {
			c.Uncountable = true
		}
	}
	return c, args, true
}

// refOf reads a use of q.name at node i of a flat tree.
func refOf(t *flatTree, i int32, shape *callShape) (Ref, bool) {
	qual, name, ok := qualifiedName(t, i, shape)
	if !ok {
		return Ref{}, false
	}
	return Ref{Qualifier: t.text(qual), Name: t.text(name), Range: t.rangeOf(name)}, true
}
