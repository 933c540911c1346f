package analysis

import (
	"bytes"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// extractGo reads a Go file's package, imports and top-level definitions (the root's
// children), and its qualified references, calls and the names declared inside
// functions (a walk of the whole tree). Both read the flat tree: Go has no facts query.
func extractGo(rel string, t *flatTree, f *fileFacts) {
	f.constrained = goConstrained(rel, t.src)
	// Only a constrained file can be never built, and the regular expression over the
	// first 4 KB is slow: it runs on those only.
	f.neverBuilt = f.constrained && goIgnoreConstraint.Match(t.src[:min(len(t.src), 4096)])
	// Definitions gather in the worker's buffer and are kept at their size: grown by
	// append, a large Go tree's took half again their size.
	f.defs = t.collected.defs[:0]
	goTopLevel(t, f)
	defs := f.defs
	f.defs = keep(defs, func(Definition) bool { return true })
	t.collected.defs = reuse(defs)
	goWalk(t, f)
}

var goCalls = &callShape{args: "argument_list", qualified: "selector_expression",
	object: "operand", property: "field", propertyKind: "field_identifier", spread: "variadic_argument"}

// goInFunction reports whether a var or const spec is declared in a function body (in a
// block or a case, alone or in a parenthesized list), not at the file's top level.
func goInFunction(t *flatTree, spec int32) bool {
	decl := t.parent(spec)
	if t.kind(decl) == "var_spec_list" {
		decl = t.parent(decl)
	}
	return t.parentKind(decl) != "source_file"
}

// goWalk reads pkg.Name (called or not, as a value or a type) and calls, leaving out
// those through a name declared inside a function: such a name is never a package, nor
// the package's function (it shadows them).
func goWalk(t *flatTree, f *fileFacts) {
	locals := map[string]bool{}
	refs, calls := t.collected.refs[:0], t.collected.calls[:0]
	for i := range int32(len(t.nodes)) {
		switch t.kind(i) {
		case "selector_expression":
			if ref, ok := refOf(t, i, goCalls); ok {
				refs = append(refs, ref)
			}
		case "qualified_type": // pkg.Type where a type is expected
			if pkg, name := t.child(i, "package"), t.child(i, "name"); pkg >= 0 && name >= 0 {
				refs = append(refs, Ref{Qualifier: t.text(pkg), Name: t.text(name), Range: t.rangeOf(name)})
			}
		case "call_expression":
			if call, args, ok := callOf(t, i, goCalls); ok {
				if len(args) == 1 && t.kind(args[0]) == "call_expression" {
					call.Uncountable = true // f(g()) passes all of g's results
				}
				calls = append(calls, call)
			}
		case "identifier":
			switch field, parent := t.field(i), t.parentKind(i); {
			case field == "name" && (parent == "parameter_declaration" || parent == "variadic_parameter_declaration"),
				parent == "expression_list" && t.field(t.parent(i)) == "left" && (t.grandparentKind(i) == "short_var_declaration" || t.grandparentKind(i) == "range_clause"),
				parent == "expression_list" && t.field(t.parent(i)) == "alias" && t.grandparentKind(i) == "type_switch_statement",
				field == "name" && (parent == "var_spec" || parent == "const_spec") && goInFunction(t, t.parent(i)):
				locals[t.text(i)] = true
			}
		case "label_name":
			if t.field(i) == "label" && t.parentKind(i) == "labeled_statement" {
				locals[t.text(i)] = true
			}
		}
	}
	// Most selectors are field reads and method calls on locals, and most of the rest go
	// through packages of other modules, which the rules never resolve: left out, they no
	// longer take most of a large Go workspace's memory. The rest are copied out of the
	// worker's buffers at their size.
	outside := goOutsideNames(f)
	f.refs = keep(refs, func(r Ref) bool { return !locals[r.Qualifier] && !outside[r.Qualifier] })
	f.calls = keep(calls, func(c Call) bool {
		return !locals[c.Qualifier] && !outside[c.Qualifier] && (c.Qualifier != "" || !locals[c.Name] && !goPredeclared[c.Name])
	})
	t.collected.refs, t.collected.calls = reuse(refs), reuse(calls)
}

// goPredeclared are the builtin functions and types a call names far more often than a
// package's own function: len(x), append(...), string(b). Left out of a file's calls,
// except min, max and clear, which code older than Go 1.21 often defines itself.
var goPredeclared = wordSet("append cap close complex copy delete imag len make new panic print println real recover" +
	" any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr")

// goOutsideNames are the names by which a file uses packages from outside its module.
// An unaliased import goes by its package's name, which only its files say: the last
// element of its path stands in for it (gopkg.in/yaml.v3 and example.com/x/v2 by yaml
// and x, go-cmp by cmp), and a name that may also be one of the module's own packages
// is not an outside one, so a wrong guess keeps uses rather than drops them.
func goOutsideNames(f *fileFacts) map[string]bool {
	if len(f.imports) == 0 {
		return nil
	}
	outside, inside := map[string]bool{}, map[string]bool{}
	for _, imp := range f.imports {
		name := imp.Name
		if name == "" {
			name = goImportName(imp.Spec)
		}
		if underAnyPath(imp.Spec, f.goLocal) {
			inside[name], inside[path.Base(imp.Spec)] = true, true
		} else {
			outside[name] = true
		}
	}
	for name := range inside {
		delete(outside, name)
	}
	delete(outside, "_")
	delete(outside, ".")
	return outside
}

// goImportName is the usual name of the package at an import path.
func goImportName(spec string) string {
	name := path.Base(spec)
	if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" && path.Dir(spec) != "." {
		name = path.Base(path.Dir(spec)) // a major version's suffix: example.com/x/v2
	}
	name, _, _ = strings.Cut(name, ".")
	return strings.TrimPrefix(name, "go-")
}

var goIgnoreConstraint = regexp.MustCompile(`(?m)^//go:build ignore\s*$|^// \+build ignore\s*$`)

// goPlatforms are the GOOS and GOARCH values a file name's suffix can constrain it to.
var goPlatforms = wordSet("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos" +
	" 386 amd64 arm arm64 loong64 mips mips64 mips64le mipsle ppc64 ppc64le riscv64 s390x wasm")

// goToolIgnores reports a file that `go build ./...` and `go vet ./...` leave out: one
// under a directory named testdata (fixtures, often separate programs or broken on
// purpose), or with a path element starting with . or _. Its package can still be
// imported by its path, so it stays in the index; only findings in it are not reported.
func goToolIgnores(rel string) bool {
	for part := range strings.SplitSeq(rel, "/") {
		if part == "testdata" || strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return true
		}
	}
	return false
}

// goConstrained reports a build constraint: such files may define the same names as
// their siblings for another platform or tag.
func goConstrained(rel string, src []byte) bool {
	header := src[:min(len(src), 4096)]
	if bytes.Contains(header, []byte("//go:build ")) || bytes.Contains(header, []byte("// +build ")) {
		return true
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimSuffix(path.Base(rel), ".go"), "_test"), "_")
	for i := len(parts) - 1; i >= 1 && i >= len(parts)-2; i-- {
		if goPlatforms[parts[i]] {
			return true
		}
	}
	return false
}

// goTopLevel reads a Go file's package clause, imports and top-level definitions from
// the root's children in the flat tree.
func goTopLevel(t *flatTree, f *fileFacts) {
	for _, stmt := range t.children(0) {
		switch t.kind(stmt) {
		case "package_clause":
			for _, c := range t.children(stmt) {
				if t.kind(c) == "package_identifier" {
					f.pkg = t.text(c)
				}
			}
		case "import_declaration":
			for _, spec := range goSpecs(t, stmt, "import_spec") {
				goImport(t, spec, f)
			}
		case "function_declaration":
			name, params := t.childOfKind(stmt, "name", "identifier"), t.childOfKind(stmt, "parameters", "parameter_list")
			if name >= 0 && params >= 0 {
				f.defs = append(f.defs, goDefinition(t, name, "function", goArity(t, params)))
			}
		case "method_declaration":
			receiver, name := t.childOfKind(stmt, "receiver", "parameter_list"), t.childOfKind(stmt, "name", "field_identifier")
			if receiver >= 0 && name >= 0 {
				d := goDefinition(t, name, "method", nil)
				d.Receiver = goReceiverType(t, receiver)
				f.defs = append(f.defs, d)
			}
		case "type_declaration":
			for _, spec := range t.children(stmt) {
				if k := t.kind(spec); k == "type_spec" || k == "type_alias" {
					goNames(t, spec, "type_identifier", "type", f)
				}
			}
		case "var_declaration":
			for _, spec := range goSpecs(t, stmt, "var_spec") {
				goNames(t, spec, "identifier", "variable", f)
			}
		case "const_declaration":
			for _, spec := range goSpecs(t, stmt, "const_spec") {
				goNames(t, spec, "identifier", "constant", f)
			}
		}
	}
}

// goSpecs lists a declaration's specs of a kind: its children, or those of its
// parenthesized list (import_spec_list, var_spec_list).
func goSpecs(t *flatTree, decl int32, kind string) []int32 {
	var out []int32
	for _, c := range t.children(decl) {
		switch t.kind(c) {
		case kind:
			out = append(out, c)
		case kind + "_list":
			for _, spec := range t.children(c) {
				if t.kind(spec) == kind {
					out = append(out, spec)
				}
			}
		}
	}
	return out
}

func goImport(t *flatTree, spec int32, f *fileFacts) {
	p := t.childOfKind(spec, "path", "interpreted_string_literal")
	if p < 0 {
		return
	}
	path, err := strconv.Unquote(t.text(p))
	if err != nil {
		return
	}
	imp := Import{Spec: path, Range: t.rangeOf(p)}
	if n := t.child(spec, "name"); n >= 0 {
		imp.Name = t.text(n)
	}
	f.imports = append(f.imports, imp)
}

// goNames adds a definition for every name of a spec: var a, b int; const A, B = 1, 2.
func goNames(t *flatTree, spec int32, kind, defKind string, f *fileFacts) {
	for c := t.firstChild(spec); c >= 0; c = t.nextSibling(c) {
		if t.field(c) == "name" && t.kind(c) == kind {
			f.defs = append(f.defs, goDefinition(t, c, defKind, nil))
		}
	}
}

func goDefinition(t *flatTree, name int32, kind string, arity *Arity) Definition {
	n := t.text(name)
	r, _ := utf8.DecodeRuneInString(n)
	return Definition{Name: n, Kind: kind, Exported: unicode.IsUpper(r), Range: t.rangeOf(name), Arity: arity}
}

// goArity counts parameters: `a, b int` is two, an unnamed `int` one, `...T` unbounded.
func goArity(t *flatTree, params int32) *Arity {
	a := &Arity{}
	for _, p := range t.children(params) {
		switch t.kind(p) {
		case "variadic_parameter_declaration":
			a.Max = -1
		case "parameter_declaration":
			names := 0
			for c := t.firstChild(p); c >= 0; c = t.nextSibling(c) {
				if t.field(c) == "name" {
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
func goReceiverType(t *flatTree, receiver int32) string {
	for _, p := range t.children(receiver) {
		typ := t.child(p, "type")
		for typ >= 0 {
			switch t.kind(typ) {
			case "type_identifier":
				return t.text(typ)
			case "pointer_type":
				children := t.children(typ)
				if len(children) == 0 {
					return ""
				}
				typ = children[0]
			case "generic_type":
				typ = t.child(typ, "type")
			default:
				return ""
			}
		}
	}
	return ""
}
