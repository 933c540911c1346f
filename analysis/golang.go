package analysis

import (
	"bytes"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"
)

// extractGo reads a Go file's package, imports and top-level definitions (the facts
// query), and its qualified references, calls and the names declared inside functions
// (a walk of the whole tree).
func extractGo(rel string, root *sitter.Node, t *flatTree, q *compiledQuery, f *fileFacts) {
	src := t.src
	f.constrained = goConstrained(rel, src)
	f.neverBuilt = goIgnoreConstraint.Match(src[:min(len(src), 4096)])
	eachMatch(q, root, src, func(c captures) {
		switch {
		case c["package"] != nil:
			f.pkg = text(c["package"], src)
		case c["import.path"] != nil:
			spec, err := strconv.Unquote(text(c["import.path"], src))
			if err != nil {
				return
			}
			imp := Import{Spec: spec, Range: nodeRange(c["import.path"])}
			if n := c["import.name"]; n != nil {
				imp.Name = text(n, src)
			}
			f.imports = append(f.imports, imp)
		case c["def.func"] != nil:
			f.defs = append(f.defs, goDefinition(c["def.func"], "function", src, goArity(c["def.params"])))
		case c["def.method"] != nil:
			d := goDefinition(c["def.method"], "method", src, nil)
			d.Receiver = goReceiverType(c["def.receiver"], src)
			f.defs = append(f.defs, d)
		case c["def.type"] != nil:
			f.defs = append(f.defs, goDefinition(c["def.type"], "type", src, nil))
		case c["def.var"] != nil:
			f.defs = append(f.defs, goDefinition(c["def.var"], "variable", src, nil))
		case c["def.const"] != nil:
			f.defs = append(f.defs, goDefinition(c["def.const"], "constant", src, nil))
		}
	})
	goWalk(t, f)
}

var goCalls = &callShape{args: "argument_list", qualified: "selector_expression",
	object: "operand", property: "field", propertyKind: "field_identifier", spread: "variadic_argument"}

// goWalk reads pkg.Name (called or not), calls, and the names declared inside functions,
// which may shadow a package or a function.
func goWalk(t *flatTree, f *fileFacts) {
	f.locals = map[string]bool{}
	for i := range int32(len(t.nodes)) {
		switch t.kind(i) {
		case "selector_expression":
			if ref, ok := refOf(t, i, goCalls); ok {
				f.refs = append(f.refs, ref)
			}
		case "call_expression":
			if call, args, ok := callOf(t, i, goCalls); ok {
				if len(args) == 1 && t.kind(args[0]) == "call_expression" {
					call.Uncountable = true // f(g()) passes all of g's results
				}
				f.calls = append(f.calls, call)
			}
		case "identifier":
			switch field, parent := t.field(i), t.parentKind(i); {
			case field == "name" && (parent == "parameter_declaration" || parent == "variadic_parameter_declaration"),
				parent == "expression_list" && t.field(t.parent(i)) == "left" && (t.grandparentKind(i) == "short_var_declaration" || t.grandparentKind(i) == "range_clause"),
				parent == "expression_list" && t.field(t.parent(i)) == "alias" && t.grandparentKind(i) == "type_switch_statement",
				field == "name" && (parent == "var_spec" && t.grandparentKind(i) == "var_declaration" || parent == "const_spec" && t.grandparentKind(i) == "const_declaration") &&
					t.parentKind(t.parent(t.parent(i))) == "block":
				f.locals[t.text(i)] = true
			}
		case "label_name":
			if t.field(i) == "label" && t.parentKind(i) == "labeled_statement" {
				f.locals[t.text(i)] = true
			}
		}
	}
}

func goDefinition(name *sitter.Node, kind string, src []byte, arity *Arity) Definition {
	n := text(name, src)
	r, _ := utf8.DecodeRuneInString(n)
	return Definition{Name: n, Kind: kind, Exported: unicode.IsUpper(r), Range: nodeRange(name), Arity: arity}
}

// goArity counts parameters: `a, b int` is two, an unnamed `int` one, `...T` unbounded.
func goArity(params *sitter.Node) *Arity {
	a := &Arity{}
	for _, p := range namedChildren(params) {
		switch p.Type() {
		case "variadic_parameter_declaration":
			a.Max = -1
		case "parameter_declaration":
			names := 0
			for i := range int(p.ChildCount()) { // field names index all children
				if p.FieldNameForChild(i) == "name" {
					names++
				}
			}
			a.Min += max(names, 1)
		}
	}
	if a.Max == 0 {
		a.Max = a.Min
	}
	return a
}

// goReceiverType is the type name of a method's receiver: T in (t *T), (T), (t T[K]).
func goReceiverType(receiver *sitter.Node, src []byte) string {
	for _, p := range namedChildren(receiver) {
		t := p.ChildByFieldName("type")
		for t != nil {
			switch t.Type() {
			case "type_identifier":
				return text(t, src)
			case "pointer_type":
				t = t.NamedChild(0)
			case "generic_type":
				t = t.ChildByFieldName("type")
			default:
				return ""
			}
		}
	}
	return ""
}

var goIgnoreConstraint = regexp.MustCompile(`(?m)^//go:build ignore\s*$|^// \+build ignore\s*$`)

var (
	goosList   = strings.Fields("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos")
	goarchList = strings.Fields("386 amd64 arm arm64 loong64 mips mips64 mips64le mipsle ppc64 ppc64le riscv64 s390x wasm")
)

// goConstrained reports a build constraint: such files may define the same names as
// their siblings for another platform or tag.
func goConstrained(rel string, src []byte) bool {
	header := src[:min(len(src), 4096)]
	if bytes.Contains(header, []byte("//go:build ")) || bytes.Contains(header, []byte("// +build ")) {
		return true
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimSuffix(path.Base(rel), ".go"), "_test"), "_")
	for i := len(parts) - 1; i >= 1 && i >= len(parts)-2; i-- {
		for _, known := range append(goosList, goarchList...) {
			if parts[i] == known {
				return true
			}
		}
	}
	return false
}
