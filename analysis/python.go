package analysis

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// pyImport is `import a.b [as c]` or `from [.]a import x [as y]`.
type pyImport struct {
	module string // dotted, without the leading dots
	level  int    // leading dots of a relative import
	rng    Range  // of the module name
	from   bool
	names  []importedName // from-imports; for `import a.b as c`, one entry {a.b, c}
	star   bool           // from a import *: a's public names
	nested bool           // in a def body: binds none of the module's names
	// scope is where a nested import's names are bound: from the statement's end to its
	// def's. rebound lists those the def binds again there (its calls then are not the
	// import's).
	scope   Range
	rebound map[string]bool
	// guarded imports sit in a try, an if or a loop: fallbacks for other versions and
	// platforms that may never run. They bind names but are not judged.
	guarded bool
}

// pySignature is what a def accepts.
type pySignature struct {
	positional []pyParam // positional-only first, then positional-or-keyword
	posOnly    int
	varargs    bool
	kwOnly     []pyParam
	varkw      bool
}

// pyMethod is a static or class method: its signature and where it is defined.
type pyMethod struct {
	sig pySignature
	def Definition
}

type pyParam struct {
	name     string
	optional bool
}

// pyFacts are the module facts of a Python file.
type pyFacts struct {
	imports []pyImport
	bound   map[string]int         // module-level names and how many statements bind them
	sigs    map[string]pySignature // undecorated module-level defs
	// redefined pairs a def or class with an earlier one nothing used in between.
	redefined [][2]Definition
	open      bool // module __getattr__, globals(), sys.modules written: names unknowable
	// hooksImports: the import system is changed (sys.modules written, an import hook,
	// the module's class replaced), so what its submodules are is unknowable too. A lazy
	// module __getattr__ is not this: `import pkg.sub` finds pkg/sub.py all the same.
	hooksImports bool
	// methods are the static and class methods of module-level classes, by
	// "Class.method", with their signatures (a class method's without cls).
	methods map[string]pyMethod
	// listed are the names module-level statements put in __all__ as string literals:
	// what `from m import *` fails on when m does not define them.
	listed []pyListed
}

// pyListed is a name a string literal puts in __all__.
type pyListed struct {
	name string
	rng  Range // of the literal
}

// pyWritesModules matches a write to sys.modules: an entry set or added to, or an
// attribute set on a module found there (or its namespace reached).
var pyWritesModules = regexp.MustCompile(`sys\.modules\s*\[[^\]\n]*\]\s*=[^=]|sys\.modules\.(?:update|setdefault)\(|sys\.modules\s*\|=|setattr\(\s*sys\.modules|sys\.modules\s*\[[^\]\n]*\]\.__dict__|vars\(\s*sys\.modules`)

// extractPython reads a Python file: its module-level statements (into compound
// statements, never into def or class bodies) and a walk of the whole tree, both from the
// flat tree.
func extractPython(_ string, t *flatTree, f *fileFacts) {
	src := t.src
	py := &pyFacts{bound: map[string]int{}, sigs: map[string]pySignature{}}
	f.py = py
	// Names made at run time (enum members made module globals by global_enum and
	// _convert_), and import hooks or sys.modules entries that serve modules no file
	// holds. Reading sys.modules (sys.modules["__main__"]) makes nothing. What __all__
	// lists is not taken on trust: a renamed def often stays listed there.
	for _, dynamic := range []string{"globals()", "global_enum", "._convert_("} {
		py.open = py.open || bytes.Contains(src, []byte(dynamic))
	}
	py.hooksImports = bytes.Contains(src, []byte("sys.meta_path")) || bytes.Contains(src, []byte("sys.path_hooks")) ||
		bytes.Contains(src, []byte("sys.modules")) && pyWritesModules.Match(src)
	py.open = py.open || py.hooksImports
	pyStatements(t, 0, f, true)
	// At module level locals() and vars() are the module's namespace, and exec fills it:
	// names __all__ lists may come from there.
	for _, dynamic := range []string{"locals()", "vars()", "exec("} {
		if bytes.Contains(src, []byte(dynamic)) {
			py.listed = nil
		}
	}
	pyWalk(t, f)
	py.redefined = pyUnusedRedefinitions(f.defs, src)
}

// pyAssignedTo reports whether the attribute at i is written: assigned, augmented,
// deleted, or a loop's or a with's target.
func pyAssignedTo(t *flatTree, i int32) bool {
	n := i
	for {
		switch t.parentKind(n) {
		case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "parenthesized_expression", "list_splat_pattern", "expression_list":
			n = t.parent(n)
			continue
		case "assignment", "augmented_assignment", "for_statement", "for_in_clause":
			return t.field(n) == "left"
		case "delete_statement", "as_pattern_target":
			return true
		}
		return false
	}
}

var pyCalls = &callShape{args: "argument_list", qualified: "attribute",
	object: "object", property: "attribute", propertyKind: "identifier", dotted: true}

// pyLocalFields are the places, by parent kind and field, where an identifier binds a
// name that may shadow or rebind an imported or module-level function ("*": any field).
var pyLocalFields = map[string]string{
	"parameters":               "*",
	"default_parameter":        "name",
	"typed_parameter":          "*",
	"typed_default_parameter":  "name",
	"list_splat_pattern":       "*",
	"dictionary_splat_pattern": "*",
	"lambda_parameters":        "*",
	"assignment":               "left",
	"augmented_assignment":     "left",
	"pattern_list":             "*",
	"tuple_pattern":            "*",
	"list_pattern":             "*",
	"for_statement":            "left",
	"for_in_clause":            "left",
	"named_expression":         "name",
	"as_pattern_target":        "*",
}

// pyWalk reads calls with their arguments, the attributes read or written of names
// that module-level imports bind, global declarations, the names bound below the module
// level, and the relative imports in def bodies.
//
// It keeps the calls the rules can judge, and neither calls nor attribute reads where a
// wrong argument count or a missing attribute is the point: inside try (a test
// expecting TypeError, a fallback for AttributeError), in a `with ...raises(...)` block,
// in a test expected to fail, or deferred in a lambda.
func pyWalk(t *flatTree, f *fileFacts) {
	f.locals = map[string]bool{}
	calls, refs := t.collected.calls[:0], t.collected.refs[:0]
	var guards []Range
	var lateBindings map[string][]int // name -> the f.py.imports in def bodies that bind it
	imported := map[string]bool{}     // the names imports bind: at module level, then late ones as met
	for _, imp := range f.py.imports {
		for _, n := range imp.names {
			imported[n.local] = true
		}
	}
	for i := range int32(len(t.nodes)) {
		switch t.kind(i) {
		case "call":
			call, args, ok := callOf(t, i, pyCalls)
			if root, _, dotted := strings.Cut(call.Qualifier, "."); !ok || dotted && !imported[root] {
				continue // a.b.f() is kept for the modules imports bind
			}
			call.Args = 0
			for _, a := range args {
				switch t.kind(a) {
				case "keyword_argument":
					if name := t.child(a, "name"); name >= 0 {
						call.Keywords = append(call.Keywords, t.text(name))
					}
				case "list_splat", "dictionary_splat":
					call.Uncountable = true
				default:
					call.Args++
				}
			}
			calls = append(calls, call)
			if call.Qualifier != "" || len(args) < 2 || t.kind(args[1]) != "string" {
				continue
			}
			root := dottedRoot(t, args[0], pyCalls) // hasattr(m, "x") or hasattr(a.b, "x")
			if root < 0 {
				continue
			}
			attribute := func() string { return strings.Trim(t.text(args[1]), `"'`) }
			switch call.Name {
			case "hasattr", "getattr":
				f.probe(t.text(args[0]), attribute())
			case "setattr":
				if imported[string(t.source(root))] {
					f.setsOnModules = append(f.setsOnModules, attribute())
				}
			}
		case "global_statement":
			for _, name := range t.children(i) {
				if t.kind(name) == "identifier" {
					f.py.bound[t.text(name)]++
				}
			}
		case "attribute":
			if t.field(i) == "function" && t.parentKind(i) == "call" {
				continue // the call's
			}
			// Only a module's attributes are judged: self.x and the like are not kept.
			if qual, _, ok := qualifiedName(t, i, pyCalls); ok && imported[string(t.source(dottedRoot(t, qual, pyCalls)))] {
				ref, _ := refOf(t, i, pyCalls)
				ref.Written = pyAssignedTo(t, i)
				refs = append(refs, ref)
				if ref.Written {
					f.setsOnModules = append(f.setsOnModules, ref.Name)
				}
			}
		case "identifier":
			if pyBindsLocally(t, i) {
				name := t.text(i)
				f.locals[name] = true
				for _, k := range lateBindings[name] {
					if imp := &f.py.imports[k]; within(t.rangeOf(i).Start, imp.scope) {
						imp.rebound[name] = true
					}
				}
			}
		case "import_from_statement":
			if imp := pyFromImport(t, i); imp.level > 0 && !imp.star {
				if def := pyImportingDef(t, i); def >= 0 {
					imp.nested, imp.rebound = true, map[string]bool{}
					imp.scope = Range{Start: t.rangeOf(i).End, End: t.rangeOf(def).End}
					f.py.imports = append(f.py.imports, imp)
					if lateBindings == nil {
						lateBindings = map[string][]int{}
					}
					for _, n := range imp.names {
						imported[n.local] = true // a module's attributes read after it are judged
						lateBindings[n.local] = append(lateBindings[n.local], len(f.py.imports)-1)
					}
				}
			}
		case "lambda":
			guards = append(guards, t.rangeOf(i))
		case "try_statement":
			if body := t.childOfKind(i, "body", "block"); body >= 0 {
				guards = append(guards, t.rangeOf(body))
			}
		case "with_statement":
			if body := t.childOfKind(i, "body", "block"); body >= 0 && pyExpectsRaise(t, i) {
				guards = append(guards, t.rangeOf(body))
			}
		case "decorated_definition":
			if def := t.child(i, "definition"); def >= 0 && pyNotPassing(t, i) {
				guards = append(guards, t.rangeOf(def))
			}
		}
	}
	guarded := func(r Range) bool {
		return slices.ContainsFunc(guards, func(g Range) bool { return within(r.Start, g) })
	}
	// What pyView.checkFile can judge: a call through something an import binds, a
	// Class.method of a class bound once, or a plain call of a name no function binds.
	// The rest (self.x(), calls of parameters, builtins' methods) were most of a large
	// tree's memory.
	f.calls = keep(calls, func(c Call) bool {
		if c.Uncountable || guarded(c.Range) {
			return false
		}
		if c.Qualifier == "" {
			return imported[c.Name] || !f.locals[c.Name]
		}
		root, _, _ := strings.Cut(c.Qualifier, ".")
		return imported[root] || f.py.bound[c.Qualifier] == 1 && !f.locals[c.Qualifier]
	})
	f.refs = keep(refs, func(r Ref) bool { return r.Written || !guarded(r.Range) })
	t.collected.calls, t.collected.refs = reuse(calls), reuse(refs)
}

// pyImportingDef returns the function or method whose body holds an import statement
// (-1 for none): a package's module imported late, to break an import cycle or only when
// an option asks for it. One in a try or a with (contextlib.suppress) is a fallback; one
// in a test expected to fail, or skipped, may fail; one in an inner function may be code run
// elsewhere (a test's mock module): for those too it returns -1.
func pyImportingDef(t *flatTree, stmt int32) int32 {
	def := int32(-1)
	for p := t.parent(stmt); p >= 0; p = t.parent(p) {
		switch t.kind(p) {
		case "function_definition":
			if def >= 0 {
				return -1
			}
			def = p
			if d := t.parent(p); d >= 0 && t.kind(d) == "decorated_definition" && pyNotPassing(t, d) {
				return -1
			}
		case "class_definition", "try_statement", "with_statement":
			if def < 0 {
				return -1
			}
		}
	}
	return def
}

// pyNotPassing reports whether a decorated definition is a test expected to fail
// (pytest.mark.xfail, sympy's XFAIL, unittest.expectedFailure) or always skipped
// (unittest.skip, pytest.mark.skip; not skipIf): its calls may be wrong, on purpose or
// left so (CPython's "broken, see BPO-..." channel tests).
func pyNotPassing(t *flatTree, def int32) bool {
	for c := t.firstChild(def); c >= 0; c = t.nextSibling(c) {
		if d := t.source(c); t.kind(c) == "decorator" && (bytes.Contains(bytes.ToLower(d), []byte("xfail")) || bytes.Contains(d, []byte("expectedFailure")) || skipDecorator.Match(d)) {
			return true
		}
	}
	return false
}

var skipDecorator = regexp.MustCompile(`^@(?:[\w.]*\.)?skip\b`) // not skipIf, skipUnless

// pyBindsLocally reports whether identifier i binds a name below the module level, or
// in a binding form that may rebind a module-level name.
func pyBindsLocally(t *flatTree, i int32) bool {
	parent := t.parent(i)
	if parent < 0 {
		return false
	}
	pk := t.kind(parent)
	if field, ok := pyLocalFields[pk]; ok && (field == "*" || field == t.field(i)) {
		return true
	}
	inBlock := func(stmt int32) bool { return stmt >= 0 && t.parentKind(stmt) == "block" }
	switch {
	case t.field(i) == "name" && (pk == "function_definition" || pk == "class_definition"):
		if inBlock(parent) {
			return true
		}
		// def f() under a decorator: the decorated definition is what sits in the block.
		return pk == "function_definition" && t.field(parent) == "definition" && t.parentKind(parent) == "decorated_definition" && inBlock(t.parent(parent))
	case pk == "aliased_import" && t.field(i) == "alias":
		stmt := t.parent(parent)
		return t.field(parent) == "name" && (t.kind(stmt) == "import_from_statement" || t.kind(stmt) == "import_statement") && inBlock(stmt)
	case pk == "dotted_name" && t.field(parent) == "name":
		stmt := t.parent(parent)
		switch {
		case t.kind(stmt) == "import_from_statement":
			return inBlock(stmt)
		case t.kind(stmt) == "import_statement":
			return t.children(parent)[0] == i && inBlock(stmt) // import a.b binds a
		}
	}
	return false
}

// pyExpectsRaise reports a with statement whose items call something named like raises
// (pytest.raises, self.assertRaises).
func pyExpectsRaise(t *flatTree, with int32) bool {
	for _, clause := range t.children(with) {
		if t.kind(clause) != "with_clause" {
			continue
		}
		for _, item := range t.children(clause) {
			call := t.childOfKind(item, "value", "call")
			if call < 0 {
				continue
			}
			fn := t.child(call, "function")
			if fn >= 0 && t.kind(fn) == "attribute" {
				fn = t.childOfKind(fn, "attribute", "identifier")
			}
			if fn >= 0 && t.kind(fn) == "identifier" && raisesName.MatchString(t.text(fn)) {
				return true
			}
		}
	}
	return false
}

var raisesName = regexp.MustCompile(`[Rr]aises`)

// pyUnusedRedefinitions pairs each unconditional def or class with an earlier one of the
// same name that nothing used in between: the first is dead code. A use in between
// (test_both(Finder); class Finder: ...) makes the redefinition deliberate.
func pyUnusedRedefinitions(defs []Definition, src []byte) [][2]Definition {
	lineStarts := []int{0}
	for i, b := range src {
		if b == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	offset := func(p Position) int { return lineStarts[min(p.Line, len(lineStarts)-1)] + p.Column }
	var out [][2]Definition
	last := map[string]Definition{}
	for _, d := range defs {
		if first, ok := last[d.Name]; ok {
			between := src[offset(first.Range.End):offset(d.Range.Start)]
			if !hasWord(string(between), d.Name) {
				out = append(out, [2]Definition{first, d})
			}
		}
		last[d.Name] = d
	}
	return out
}

// problem says why a call with the given positional count and keyword names cannot bind
// to sig, or "".
func (sig pySignature) problem(positional int, keywords []string) string {
	if positional > len(sig.positional) && !sig.varargs {
		return "takes " + describeArity(Arity{Min: sig.required(), Max: len(sig.positional)}) + " positionally; this call passes " + strconv.Itoa(positional)
	}
	bound := map[string]bool{}
	for i := 0; i < min(positional, len(sig.positional)); i++ {
		bound[sig.positional[i].name] = true
	}
	for _, k := range keywords {
		idx := -1
		for i, p := range sig.positional {
			if p.name == k {
				idx = i
			}
		}
		isKwOnly := false
		for _, p := range sig.kwOnly {
			isKwOnly = isKwOnly || p.name == k
		}
		switch {
		case idx >= 0 && idx < sig.posOnly:
			if !sig.varkw {
				return "takes `" + k + "` by position only; this call passes it by keyword"
			}
			continue // it goes into **kwargs and binds no parameter
		case bound[k]:
			return "gets `" + k + "` twice"
		case idx < 0 && !isKwOnly && !sig.varkw:
			return "has no parameter `" + k + "`"
		}
		bound[k] = true
	}
	for _, p := range append(append([]pyParam{}, sig.positional...), sig.kwOnly...) {
		if !p.optional && !bound[p.name] {
			return "is missing argument `" + p.name + "`"
		}
	}
	return ""
}

func (sig pySignature) required() int {
	n := 0
	for _, p := range sig.positional {
		if !p.optional {
			n++
		}
	}
	return n
}

// pyStatements walks statements at module level, into the blocks of compound
// statements (a conditional definition still defines) but never into def or class bodies.
func pyStatements(t *flatTree, block int32, f *fileFacts, unconditional bool) {
	py := f.py
	bind := func(n int32) {
		if n >= 0 && t.kind(n) == "identifier" {
			py.bound[t.text(n)]++
		}
	}
	for _, stmt := range t.children(block) {
		switch kind := t.kind(stmt); kind {
		case "function_definition", "class_definition":
			name := t.child(stmt, "name")
			if name < 0 {
				continue
			}
			bind(name)
			defKind := "class"
			if kind == "function_definition" {
				defKind = "function"
				if t.text(name) == "__getattr__" {
					py.open = true
				}
				if sig, ok := pySignatureOf(t, t.child(stmt, "parameters")); ok {
					py.sigs[t.text(name)] = sig
				}
			} else {
				if sig, ok := pyInitSignature(t, stmt); ok {
					py.sigs[t.text(name)] = sig
				}
				pyClassMethods(t, stmt, t.text(name), py)
			}
			if unconditional {
				f.defs = append(f.defs, Definition{Name: t.text(name), Kind: defKind, Range: t.rangeOf(name)})
			}
		case "decorated_definition":
			if def := t.child(stmt, "definition"); def >= 0 {
				bind(t.child(def, "name"))
			}
		case "import_statement", "import_from_statement":
			first := len(py.imports)
			py.imports = appendPyImports(py.imports, t, stmt)
			for k := first; k < len(py.imports); k++ {
				py.imports[k].guarded = !unconditional
				for _, n := range py.imports[k].names {
					py.bound[n.local]++
				}
			}
		case "expression_statement":
			for _, e := range t.children(stmt) {
				if pyHandsOverModule(t, e) {
					py.open, py.hooksImports = true, true
				}
				pyListsInAll(t, e, py)
				// a = b = value nests the second assignment in the first's right side.
				for e >= 0 && (t.kind(e) == "assignment" || t.kind(e) == "augmented_assignment") {
					left := t.child(e, "left")
					pyBindTargets(t, left, py)
					e = t.child(e, "right")
				}
			}
		case "type_alias_statement": // type Name[T] = ...
			if children := t.children(stmt); len(children) > 0 {
				name := t.children(children[0])
				if len(name) > 0 && t.kind(name[0]) == "generic_type" {
					name = t.children(name[0])
				}
				if len(name) > 0 {
					bind(name[0])
				}
			}
		case "for_statement":
			pyBindTargets(t, t.child(stmt, "left"), py)
			pyCompound(t, stmt, f)
		case "if_statement", "try_statement", "while_statement", "with_statement", "match_statement":
			pyCompound(t, stmt, f)
		}
	}
}

// pyCompound walks the blocks of a compound statement, whatever clause holds them.
func pyCompound(t *flatTree, stmt int32, f *fileFacts) {
	for _, child := range t.children(stmt) {
		switch t.kind(child) {
		case "block":
			pyStatements(t, child, f, false)
		case "with_clause":
			for _, item := range t.children(child) {
				if v := t.child(item, "value"); v >= 0 && t.kind(v) == "as_pattern" {
					for _, target := range t.children(v) {
						if t.kind(target) == "as_pattern_target" {
							if inner := t.children(target); len(inner) > 0 {
								pyBindTargets(t, inner[0], f.py)
							}
						}
					}
				}
			}
		case "elif_clause", "else_clause", "except_clause", "finally_clause", "except_group_clause", "case_clause":
			pyCompound(t, child, f)
		}
	}
}

// pyListsInAll reads the names an expression statement puts in __all__: `__all__ =`,
// `+=` a list or tuple (or lists joined by `+`), `__all__.extend([...])`,
// `__all__.append("x")`. Entries that are not plain string literals are not read.
func pyListsInAll(t *flatTree, e int32, py *pyFacts) {
	entries := int32(-1)
	switch t.kind(e) {
	case "assignment", "augmented_assignment":
		if left := t.child(e, "left"); left >= 0 && string(t.source(left)) == "__all__" {
			entries = t.child(e, "right")
		}
	case "call":
		fn, args := t.childOfKind(e, "function", "attribute"), t.childOfKind(e, "arguments", "argument_list")
		if string(t.source(t.child(fn, "object"))) != "__all__" {
			return
		}
		switch string(t.source(t.child(fn, "attribute"))) {
		case "append":
			entries = args
		case "extend":
			if list := t.children(args); len(list) == 1 {
				entries = list[0]
			}
		}
	}
	pyListedIn(t, entries, py)
}

// pyListedIn reads the string literals of a list, a tuple or call arguments, and of the
// lists joined by `+` (`["a"] + sub.__all__`).
func pyListedIn(t *flatTree, n int32, py *pyFacts) {
	switch t.kind(n) {
	case "binary_operator":
		pyListedIn(t, t.child(n, "left"), py)
		pyListedIn(t, t.child(n, "right"), py)
	case "list", "tuple", "argument_list":
		for _, entry := range t.children(n) {
			if name, ok := pyNameLiteral(t, entry); ok {
				py.listed = append(py.listed, pyListed{name, t.rangeOf(entry)})
			}
		}
	}
}

// pyNameLiteral reads a string literal that holds a plain identifier: "x", 'x', u"x";
// not an f-string, a bytes literal or one with escapes.
func pyNameLiteral(t *flatTree, n int32) (string, bool) {
	if t.kind(n) != "string" {
		return "", false
	}
	parts := t.children(n)
	if len(parts) != 3 || t.kind(parts[1]) != "string_content" {
		return "", false
	}
	quote := strings.TrimPrefix(strings.ToLower(string(t.source(parts[0]))), "u")
	name := string(t.source(parts[1]))
	if !slices.Contains([]string{`"`, `'`, `"""`, `'''`}, quote) || !pyIdentifier.MatchString(name) {
		return "", false
	}
	return name, true
}

var pyIdentifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// pyHandsOverModule reports a call, made for its effect, that is given the module's own
// name: a helper that may give the module attributes at run time, as trio's
// enable_attribute_deprecations(__name__) does by changing the module's class.
func pyHandsOverModule(t *flatTree, e int32) bool {
	if t.kind(e) != "call" {
		return false
	}
	args := t.childOfKind(e, "arguments", "argument_list")
	return args >= 0 && slices.ContainsFunc(t.children(args), func(a int32) bool {
		return t.kind(a) == "identifier" && string(t.source(a)) == "__name__"
	})
}

func pyBindTargets(t *flatTree, n int32, py *pyFacts) {
	if n < 0 {
		return
	}
	switch t.kind(n) {
	case "identifier":
		py.bound[t.text(n)]++
	case "pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern":
		for _, c := range t.children(n) {
			pyBindTargets(t, c, py)
		}
	}
}

// appendPyImports appends what an import statement imports: a from-import, or each
// module of `import a, b.c as d`.
func appendPyImports(out []pyImport, t *flatTree, stmt int32) []pyImport {
	if t.kind(stmt) == "import_from_statement" {
		return append(out, pyFromImport(t, stmt))
	}
	for _, n := range t.children(stmt) {
		target, local := pyAliased(t, n)
		if target < 0 || t.kind(target) != "dotted_name" {
			continue // an error's debris
		}
		imp := pyImport{module: t.text(target), rng: t.rangeOf(target)}
		if local == "" {
			local, _, _ = strings.Cut(imp.module, ".")
		}
		imp.names = []importedName{{name: imp.module, local: local, rng: imp.rng}}
		out = append(out, imp)
	}
	return out
}

func pyFromImport(t *flatTree, stmt int32) pyImport {
	imp := pyImport{from: true}
	if m := t.child(stmt, "module_name"); m >= 0 {
		imp.rng = t.rangeOf(m)
		if t.kind(m) == "relative_import" {
			for _, part := range t.children(m) {
				switch t.kind(part) {
				case "import_prefix":
					imp.level = strings.Count(t.text(part), ".")
				case "dotted_name":
					imp.module = t.text(part)
				}
			}
		} else {
			imp.module = t.text(m)
		}
	}
	for n := t.firstChild(stmt); n >= 0; n = t.nextSibling(n) {
		if t.field(n) != "name" {
			imp.star = imp.star || t.kind(n) == "wildcard_import"
			continue
		}
		target, local := pyAliased(t, n)
		if target < 0 {
			continue
		}
		in := importedName{name: t.text(target), rng: t.rangeOf(target)}
		in.local = in.name
		if local != "" {
			in.local = local
		}
		imp.names = append(imp.names, in)
	}
	return imp
}

// fromImportOf finds the unguarded from-import that binds local, and the name it
// imports under it.
func (py *pyFacts) fromImportOf(local string) (pyImport, importedName, bool) {
	for _, imp := range py.imports {
		if !imp.from || imp.guarded || imp.nested {
			continue
		}
		for _, n := range imp.names {
			if n.local == local {
				return imp, n, true
			}
		}
	}
	return pyImport{}, importedName{}, false
}

// pyAliased reads an imported name: `a.b`, or `a.b as c` with its alias ("" without).
func pyAliased(t *flatTree, n int32) (target int32, alias string) {
	if t.kind(n) != "aliased_import" {
		return n, ""
	}
	if a := t.child(n, "alias"); a >= 0 {
		alias = t.text(a)
	}
	return t.child(n, "name"), alias
}

// pyInitSignature is what calling a plain class accepts: its own __init__ without self.
// Only for a class without bases (object aside), metaclass or __new__: an Enum's call
// looks a member up, and a base or a metaclass may take the arguments first.
func pyInitSignature(t *flatTree, class int32) (pySignature, bool) {
	if supers := t.child(class, "superclasses"); supers >= 0 {
		for base := t.firstChild(supers); base >= 0; base = t.nextSibling(base) {
			if t.nodes[base].extra == 0 && string(t.source(base)) != "object" {
				return pySignature{}, false
			}
		}
	}
	body, init := t.child(class, "body"), int32(-1)
	if body < 0 {
		return pySignature{}, false
	}
	for stmt := t.firstChild(body); stmt >= 0; stmt = t.nextSibling(stmt) {
		switch t.kind(stmt) {
		case "function_definition":
			name := t.child(stmt, "name")
			if name < 0 {
				return pySignature{}, false
			}
			switch t.text(name) {
			case "__init__":
				if init >= 0 {
					return pySignature{}, false
				}
				init = stmt
			case "__new__":
				return pySignature{}, false
			}
		case "expression_statement", "decorated_definition", "if_statement", "try_statement":
			for _, special := range []string{"__init__", "__new__", "__metaclass__", "__signature__"} {
				if bytes.Contains(t.source(stmt), []byte(special)) {
					return pySignature{}, false // made another way, or a metaclass's
				}
			}
		}
	}
	if init < 0 {
		return pySignature{}, false
	}
	sig, ok := pySignatureOf(t, t.child(init, "parameters"))
	if !ok || len(sig.positional) == 0 {
		return pySignature{}, false
	}
	sig.positional, sig.posOnly = sig.positional[1:], max(sig.posOnly-1, 0)
	return sig, true
}

// pyClassMethods records the methods of a class body decorated with @staticmethod or
// @classmethod alone, and bound once there: what Class.method(...) calls, whatever the
// bases, unless a metaclass intervenes (then none).
func pyClassMethods(t *flatTree, class int32, className string, py *pyFacts) {
	body, src := t.child(class, "body"), t.source(class)
	if body < 0 || !bytes.Contains(src, []byte("staticmethod")) && !bytes.Contains(src, []byte("classmethod")) ||
		bytes.Contains(src[:t.nodes[body].start_byte-t.nodes[class].start_byte], []byte("metaclass")) {
		return
	}
	bound := map[string]int{}
	found := map[string]pyMethod{}
	for stmt := t.firstChild(body); stmt >= 0; stmt = t.nextSibling(stmt) {
		def, decorators := stmt, []string{}
		if t.kind(stmt) == "decorated_definition" {
			def = t.child(stmt, "definition")
			for c := t.firstChild(stmt); c >= 0; c = t.nextSibling(c) {
				if t.kind(c) == "decorator" {
					decorators = append(decorators, strings.TrimSpace(strings.TrimPrefix(t.text(c), "@")))
				}
			}
		}
		if def < 0 {
			continue
		}
		switch t.kind(def) {
		case "function_definition", "class_definition":
		case "expression_statement":
			for _, e := range t.children(def) { // method = staticmethod(f), and the like
				if t.kind(e) == "assignment" && t.kind(t.child(e, "left")) == "identifier" {
					bound[t.text(t.child(e, "left"))]++
				}
			}
			continue
		default:
			continue
		}
		name := t.child(def, "name")
		if name < 0 {
			continue
		}
		bound[t.text(name)]++
		if t.kind(def) != "function_definition" || len(decorators) != 1 || decorators[0] != "staticmethod" && decorators[0] != "classmethod" {
			continue
		}
		sig, ok := pySignatureOf(t, t.child(def, "parameters"))
		if decorators[0] == "classmethod" {
			if !ok || len(sig.positional) == 0 {
				continue
			}
			sig.positional, sig.posOnly = sig.positional[1:], max(sig.posOnly-1, 0)
		}
		if ok {
			found[t.text(name)] = pyMethod{sig, Definition{Name: t.text(name), Kind: "function", Range: t.rangeOf(name)}}
		}
	}
	for method, m := range found {
		if bound[method] == 1 {
			if py.methods == nil {
				py.methods = map[string]pyMethod{}
			}
			py.methods[className+"."+method] = m
		}
	}
}

// pySignatureOf reads a parameter list.
func pySignatureOf(t *flatTree, params int32) (pySignature, bool) {
	var sig pySignature
	if params < 0 {
		return sig, false
	}
	keywordOnly := false
	for _, p := range t.children(params) {
		if t.kind(p) == "typed_parameter" {
			inner := t.children(p) // `a: int`, `*args: int`: the annotation does not matter
			if len(inner) == 0 {
				return sig, false
			}
			p = inner[0]
		}
		var param pyParam
		switch t.kind(p) {
		case "identifier":
			param = pyParam{name: t.text(p)}
		case "default_parameter", "typed_default_parameter":
			name := t.child(p, "name")
			if name < 0 {
				return sig, false
			}
			param = pyParam{name: t.text(name), optional: true}
		case "list_splat_pattern":
			sig.varargs, keywordOnly = true, true
			continue
		case "dictionary_splat_pattern":
			sig.varkw = true
			continue
		case "keyword_separator":
			keywordOnly = true
			continue
		case "positional_separator":
			sig.posOnly = len(sig.positional)
			continue
		default:
			return sig, false // a form not understood: no arity claims
		}
		if keywordOnly {
			sig.kwOnly = append(sig.kwOnly, param)
		} else {
			sig.positional = append(sig.positional, param)
		}
	}
	return sig, true
}
