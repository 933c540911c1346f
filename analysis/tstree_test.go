package analysis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
)

// Sources in every language with what a flat tree must get right: comments (extras),
// fields, nested calls, errors, and characters of several bytes.
var treeSamples = map[string]string{
	"a.go":  "package a\n\nimport (\n\tfmt \"fmt\"\n)\n\n// F says hi, 👋.\nfunc F(a, b int, xs ...string) { fmt.Println(a, b /* 二 */, xs...); g(h()) }\n\nfunc (r *R[K]) M() { var x = 1; _ = x }\n\nfunc broken( {\n",
	"a.ts":  "import { f } from './b';\n// ☃\nexport function g(a: number, b = 2, ...rest: string[]): void { f(a, ...rest); x.y(); }\nclass C { m() { return f(1) } }\nconst h = (x) => x;\nlet = ;\n",
	"a.tsx": "export const App = () => <div onClick={() => go(1)}>{items.map((i) => <I key={i} />)}</div>;\n",
	"a.js":  "const { a, b: [c, ...d] } = require('./x');\nmodule.exports = function (e = 1) { return a(e, c) };\n",
	"a.py":  "import os.path as p\nfrom . import x\n\n\ndef f(a, b=1, *args, c, **kw):  # ✓\n    global g\n    with pytest.raises(E):\n        f(1, 2, c=3)\n    return [y for y in range(3)]\n\n\nclass K:\n    def m(self):\n        if (n := 1):\n            pass\n\ndef broken(:\n",
}

// bindingNode is a named node as the binding's node-by-node API sees it.
type bindingNode struct {
	kind, field    string
	parent         int
	start, end     uint32
	startAt, endAt sitter.Point
	extra          bool
}

func bindingNodes(root *sitter.Node) []bindingNode {
	var out []bindingNode
	var walk func(n *sitter.Node, field string, parent int)
	walk = func(n *sitter.Node, field string, parent int) {
		self := parent
		if n.IsNamed() {
			self = len(out)
			out = append(out, bindingNode{kind: n.Type(), field: field, parent: parent, start: n.StartByte(), end: n.EndByte(), startAt: n.StartPoint(), endAt: n.EndPoint(), extra: n.IsExtra()})
		}
		for i := range int(n.ChildCount()) {
			walk(n.Child(i), n.FieldNameForChild(i), self)
		}
	}
	walk(root, "", -1)
	return out
}

func flatNodes(t *flatTree) []bindingNode {
	var out []bindingNode
	for i := range int32(len(t.nodes)) {
		n := t.nodes[i]
		out = append(out, bindingNode{kind: t.kind(i), field: t.field(i), parent: int(t.parent(i)), start: uint32(n.start_byte), end: uint32(n.end_byte),
			startAt: sitter.Point{Row: uint32(n.start.row), Column: uint32(n.start.column)}, endAt: sitter.Point{Row: uint32(n.end.row), Column: uint32(n.end.column)}, extra: n.extra != 0})
	}
	return out
}

func diffNodes(want, got []bindingNode) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("node %d: want %+v, got %+v", i, want[i], got[i])
		}
	}
	if len(want) != len(got) {
		return fmt.Sprintf("want %d nodes, got %d", len(want), len(got))
	}
	return ""
}

func TestFlattenMatchesTheBinding(t *testing.T) {
	p := &parsers{}
	defer p.close()
	for name, src := range treeSamples {
		tree, err := p.parse(context.Background(), LanguageFor(name), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		flat, err := flattenInto(tree, []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := diffNodes(bindingNodes(tree.RootNode()), flatNodes(flat)); d != "" {
			t.Errorf("%s: %s", name, d)
		}
		// Sibling links: a node's children are the nodes that name it their parent.
		for i := range int32(len(flat.nodes)) {
			var byParent []int32
			for j := range int32(len(flat.nodes)) {
				if flat.parent(j) == i {
					byParent = append(byParent, j)
				}
			}
			var linked []int32
			for c := flat.firstChild(i); c >= 0; c = flat.nextSibling(c) {
				linked = append(linked, c)
			}
			if fmt.Sprint(byParent) != fmt.Sprint(linked) {
				t.Errorf("%s: children of node %d (%s): by parent %v, linked %v", name, i, flat.kind(i), byParent, linked)
			}
		}
		tree.Close()
	}
}

// A child that error recovery left out is -1, and every accessor answers nothing for it:
// the facts code looks fields up without checking each one.
func TestAbsentNodesReadAsNothing(t *testing.T) {
	p := &parsers{}
	defer p.close()
	src := []byte(treeSamples["a.py"])
	tree, err := p.parse(context.Background(), LanguageFor("a.py"), src)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	flat, err := flattenInto(tree, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	none := flat.child(0, "no such field")
	if none != -1 || flat.kind(none) != "" || flat.field(none) != "" || flat.text(none) != "" || flat.rangeOf(none) != (Range{}) ||
		flat.parent(none) != -1 || flat.firstChild(none) != -1 || flat.nextSibling(none) != -1 || flat.children(none) != nil ||
		flat.child(none, "name") != -1 || flat.parentKind(none) != "" {
		t.Error("an absent node reads as something")
	}
}

// An incremental parse (the old tree told about the edit, then reparsed) must give the
// tree a full parse gives, positions included: the binding's own Tree.Edit does not.
func TestIncrementalParseMatchesAFullParse(t *testing.T) {
	p := &parsers{}
	defer p.close()
	rng := rand.New(rand.NewPCG(1, 2))
	inserts := []string{"x", "\n", "(", "// note\n", "f(1, 2)\n", "é", "🙂", "\"", "\n\n    y = 1\n", "}", "\n    ", "\n  if x:\n      z()\n", "\t"}
	for name, sample := range treeSamples {
		lang := LanguageFor(name)
		src := []byte(sample)
		tree, err := p.parse(context.Background(), lang, src)
		if err != nil {
			t.Fatal(err)
		}
		for step := range 100 {
			s := []rune(string(src))
			at := rng.IntN(len(s) + 1)
			end := min(len(s), at+rng.IntN(4))
			next := []byte(string(s[:at]) + inserts[rng.IntN(len(inserts))] + string(s[end:]))
			if step%7 == 6 {
				next = []byte(strings.Repeat("\n", 3) + string(next)) // an edit that moves every line
			}
			incremental, err := p.reparse(context.Background(), lang, tree, src, next)
			if err != nil {
				t.Fatal(err)
			}
			tree.Close()
			full, err := p.parse(context.Background(), lang, next)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := flattenInto(full, next, nil)
			b, _ := flattenInto(incremental, next, nil)
			if d := diffNodes(flatNodes(a), flatNodes(b)); d != "" {
				t.Fatalf("%s, edit %d: %s\n%s", name, step, d, next)
			}
			full.Close()
			tree, src = incremental, next
		}
		tree.Close()
	}
}
