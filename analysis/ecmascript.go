package analysis

import (
	"bytes"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// esImport is an import statement, or an export statement with a `from` clause.
type esImport struct {
	spec      string
	specRange Range
	names     []importedName // named and default ("default") imports, or re-exported names
	namespace string         // local name of `import * as ns`
	reexport  bool           // export ... from
	star      bool           // export * from: every name of spec is re-exported
}

// sideEffect reports an import only for its effect, `import "./x.css"`.
func (imp esImport) sideEffect() bool {
	return len(imp.names) == 0 && imp.namespace == "" && !imp.reexport
}

// importedName is `name as local` in an import or export list.
type importedName struct {
	name  string // as the other module exports it
	local string // as this module knows it (the exported name, for a re-export)
	rng   Range
}

// esExport is one name a module exports: a local definition, a local name that may be
// an import, or a name re-exported from another module.
type esExport struct {
	local    string // the local name it stands for ("" when re-exported from elsewhere)
	fromSpec string // re-exported from this specifier
	fromName string // ...under this name ("*" for `export * as ns`)
	rng      Range
}

// esFacts are the module facts of a TypeScript or JavaScript file.
type esFacts struct {
	imports []esImport
	exports map[string]esExport
	// requires are CommonJS `require("./x")` calls with a literal path, unconditional
	// (see conditional), with the names taken from them.
	requires []esImport
	cjs      *cjsExports // what a CommonJS module assigns to its exports; nil: nothing
	open     bool        // `export =`: exports cannot be known statically
	module   bool        // an ES module (has import or export) rather than a script
	// unbound are the names `export { a }` (without from) exports that nothing in the
	// file declares or imports (see esUnboundExports).
	unbound []importedName
	// writes are the base names of the modules a file that writes files names in its
	// strings, other than its imports (`writeFileSync(join(__dirname, "gen.js"), code)`).
	writes []string
}

// mayWrite reports whether the file may itself write the module spec names before it
// requires it: a test of a code generator loads the code it wrote (fastify's). An import
// statement's module is loaded before any of the file runs.
func (es *esFacts) mayWrite(spec string) bool {
	base := path.Base(spec)
	return slices.ContainsFunc(es.writes, func(w string) bool {
		return w == base || strings.TrimSuffix(w, path.Ext(w)) == base
	})
}

func (es *esFacts) commonJS() *cjsExports {
	if es.cjs == nil {
		es.cjs = &cjsExports{}
	}
	return es.cjs
}

// extractES reads a TypeScript, TSX or JavaScript file: imports, exports and top-level
// definitions (the root's children), calls, member references and inner declarations (a
// walk of the whole tree), both from the flat tree.
func extractES(rel string, t *flatTree, f *fileFacts) {
	f.es = &esFacts{exports: map[string]esExport{}}
	if !esTopLevel(t, f) && isDeclarationFile(rel) {
		// TypeScript's rule: a declaration file with no export list, re-export or export
		// assignment exports every declaration, `export` or not (type-fest's).
		for i, d := range f.defs {
			f.defs[i].Exported = true
			if _, named := f.es.exports[d.Name]; !named {
				f.es.exports[d.Name] = esExport{local: d.Name, rng: d.Range}
			}
		}
	}
	if f.lang.ID == "javascript" {
		jsDocTypes(t.src, f)
	}
	if !f.broken() { // else error recovery may have lost what binds a name (a template's $OUTPUT)
		esUnboundExports(t, f)
	}
	esWalk(t, f)
}

var jsDocTypeTag = regexp.MustCompile(`@(?:typedef|callback)\b`)

// jsDocTypes exports the types a JavaScript module's JSDoc comments declare, as
// TypeScript does: `@typedef {Object} Params` or `@callback Handler` (svgo's plugins
// export their Params types so, and its types.ts imports them).
func jsDocTypes(src []byte, f *fileFacts) {
	skipSpace := func(i int) int { // and a comment's leading stars
		for i < len(src) && strings.IndexByte(" \t\r\n*", src[i]) >= 0 {
			i++
		}
		return i
	}
	line, lineStart, counted := 0, 0, 0
	position := func(at int) Position { // at grows from tag to tag: one pass over src
		for ; counted < at; counted++ {
			if src[counted] == '\n' {
				line, lineStart = line+1, counted+1
			}
		}
		return Position{line, at - lineStart}
	}
	tags := jsDocTypeTag.FindAllIndex(src, -1)
	for i, loc := range tags {
		end := len(src) // of the type: the next tag, so unclosed braces cost one pass
		if i+1 < len(tags) {
			end = tags[i+1][0]
		}
		at := skipSpace(loc[1])
		if at < end && src[at] == '{' { // the type, its braces nested
			for depth := 0; at < end; at++ {
				if src[at] == '{' {
					depth++
				} else if src[at] == '}' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			at = skipSpace(at + 1)
		}
		name := string(jsIdentifierAtStart.Find(src[min(at, len(src)):]))
		if _, declared := f.es.exports[name]; name == "" || declared {
			continue // an export of the same name tells where it is
		}
		start := position(at)
		f.es.exports[name] = esExport{local: name, rng: Range{Start: start, End: Position{start.Line, start.Column + len(name)}}}
	}
}

var jsIdentifierAtStart = regexp.MustCompile(`^` + jsIdentifier)

// esUnboundExports finds the names local export lists (`export { a, b as c }`) give that
// nothing in the file declares or imports: the module cannot load (a SyntaxError in
// JavaScript; TypeScript's "Cannot find name"). A renamed function whose old name stays
// in the list is the usual cause. Such a name is one the file outside the lists
// mentions, if at all, only as identifiers read where nothing can be declared
// (esReads) or as property names: any other mention, a comment or a string included,
// counts as a binding, which only keeps the rule quieter.
func esUnboundExports(t *flatTree, f *fileFacts) {
	var lists []int32
	var names []importedName
	for _, stmt := range t.children(0) {
		if t.kind(stmt) != "export_statement" || t.child(stmt, "source") >= 0 {
			continue
		}
		for _, c := range t.children(stmt) {
			if t.kind(c) == "export_clause" {
				lists = append(lists, stmt)
				names = append(names, specifiers(t, c)...)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	mentions := map[string]int{} // whole words outside the lists
	for _, n := range names {
		mentions[n.name] = 0
	}
	from := uint32(0)
	for _, stmt := range lists {
		countWords(t.src[from:t.nodes[stmt].start_byte], mentions)
		from = uint32(t.nodes[stmt].end_byte)
	}
	countWords(t.src[from:], mentions)
	reads := map[string]int{}
	for i := range int32(len(t.nodes)) {
		switch t.kind(i) {
		case "identifier":
			if !esReads(t, i) {
				continue
			}
		case "property_identifier", "shorthand_property_identifier": // o.x, {x: 1}, {x}, a method x()
		default:
			continue
		}
		if _, asked := mentions[string(t.source(i))]; asked {
			reads[string(t.source(i))]++
		}
	}
	for _, n := range names {
		if mentions[n.name] == reads[n.name] {
			f.es.unbound = append(f.es.unbound, n)
		}
	}
}

// esReadPlaces are where an identifier can only be read, by parent kind and field ("*":
// any field).
var esReadPlaces = map[string]string{
	"call_expression": "function", "new_expression": "constructor", "member_expression": "object",
	"arguments": "*", "array": "*", "spread_element": "*", "parenthesized_expression": "*",
	"await_expression": "*", "template_substitution": "*", "computed_property_name": "*",
	"return_statement": "*", "expression_statement": "*", "sequence_expression": "*",
	"binary_expression": "*", "unary_expression": "argument", "ternary_expression": "*",
	"subscript_expression": "*", "pair": "value", "variable_declarator": "value",
	"assignment_expression": "right", "augmented_assignment_expression": "right",
}

// esReads reports an identifier in one of esReadPlaces.
func esReads(t *flatTree, i int32) bool {
	field, ok := esReadPlaces[t.parentKind(i)]
	return ok && (field == "*" || field == t.field(i))
}

var esCalls = &callShape{args: "arguments", qualified: "member_expression",
	object: "object", property: "property", propertyKind: "property_identifier", spread: "spread_element"}

// esLocalFields are the places, by parent kind and field, where an identifier declares a
// name below the top level ("*": any field); such names may shadow an import.
var esLocalFields = map[string]string{
	"required_parameter":  "pattern",
	"optional_parameter":  "pattern",
	"rest_pattern":        "*",
	"arrow_function":      "parameter",
	"variable_declarator": "name",
	"catch_clause":        "parameter",
	"pair_pattern":        "value",
	"array_pattern":       "*",
	"formal_parameters":   "*",
	"assignment_pattern":  "left",
}

// esWalk reads calls, q.name references and the names declared anywhere in the file.
func esWalk(t *flatTree, f *fileFacts) {
	f.locals = map[string]bool{}
	calls, refs := t.collected.calls[:0], t.collected.refs[:0]
	writesFiles := bytes.Contains(t.src, []byte("writeFile")) || bytes.Contains(t.src, []byte("outputFile"))
	compiled := bytes.Contains(t.src, []byte("__esModule")) // TypeScript's or Babel's CommonJS output
	var expectedToThrow []Range                             // functions a test expects to throw: a wrong call there is the point
	for i := range int32(len(t.nodes)) {
		switch kind := t.kind(i); kind {
		case "string", "template_string":
			if writesFiles && !isSpecifier(t, i) {
				if name := path.Base(strings.Trim(t.text(i), "\"'`")); slices.Contains(extensionsFromJavaScript, path.Ext(name)) {
					f.es.writes = append(f.es.writes, name)
				}
			}
		case "call_expression", "new_expression":
			if call, args, ok := callOf(t, i, esCalls); ok {
				calls = append(calls, call)
				if fn := thrower(t, i, args); fn >= 0 {
					expectedToThrow = append(expectedToThrow, t.rangeOf(fn))
				}
				if call.Name == "require" && call.Qualifier == "" && len(args) == 1 && t.kind(args[0]) == "string" && !conditional(t, i) && !transpiledImport(t, i) {
					f.es.requires = append(f.es.requires, esImport{spec: stringContent(t, args[0]), specRange: t.rangeOf(args[0]),
						names: requiredNames(t, i), namespace: requireNamespace(t, i)})
				}
			}
		case "member_expression":
			if ref, ok := refOf(t, i, esCalls); ok {
				ref.Written, _ = assignedBy(t, i)
				refs = append(refs, ref)
				if esTests(t, i) || compiled && reexported(t, i, ref.Name) {
					f.probe(ref.Qualifier, ref.Name)
				}
			}
		case "shorthand_property_identifier_pattern":
			f.locals[t.text(i)] = true
		case "identifier", "type_identifier":
			if kind == "identifier" {
				cjsUse(t, i, f)
			}
			parent := t.parentKind(i)
			field, declares := esLocalFields[parent]
			switch {
			case kind == "identifier" && declares && (field == "*" || field == t.field(i)):
				if parent != "variable_declarator" || requireNamespace(t, t.child(t.parent(i), "value")) == "" {
					f.locals[t.text(i)] = true // a module bound by `const u = require(...)` is not a local
				}
			case kind == "identifier" && t.field(i) == "left" && parent == "assignment_expression":
				f.locals[t.text(i)] = true // rebound: no longer what its declaration says
			case t.field(i) == "name" && (parent == "function_declaration" || parent == "class_declaration") && t.grandparentKind(i) == "statement_block":
				f.locals[t.text(i)] = true
			}
		}
	}
	// Calls and references through a name the file declares below its top level or
	// binds again (a variable, a parameter, an inner function) never reach a module: the
	// rules skip them, so they are not kept, nor calls whose count says nothing.
	f.calls = keep(calls, func(c Call) bool {
		return !c.Uncountable && !f.locals[c.Qualifier] && (c.Qualifier != "" || !f.locals[c.Name]) &&
			!slices.ContainsFunc(expectedToThrow, func(fn Range) bool { return within(c.Range.Start, fn) })
	})
	f.refs = keep(refs, func(r Ref) bool { return !f.locals[r.Qualifier] })
	for _, r := range f.refs {
		if r.Written && slices.ContainsFunc(f.es.requires, func(req esImport) bool { return req.namespace == r.Qualifier }) {
			f.setsOnModules = append(f.setsOnModules, r.Name) // forge.tls = ... after forge = require("./forge")
		}
	}
	t.collected.calls, t.collected.refs = reuse(calls), reuse(refs)
}

// thrower returns the function a call with arguments args asserts to throw, or -1:
// `expect(fn)` (or any function's call on fn) followed by `.toThrow()`,
// `.toThrowError()`, `.rejects` (Jest, Vitest) or chai's `.to.throw()`, not negated;
// `assert.throws(fn)`, `assert.rejects(fn)`, `t.throws(fn)` (node, tap, ava). A test calls a function wrongly there on purpose (as
// Python's `with pytest.raises(TypeError)`, pyWalk).
func thrower(t *flatTree, call int32, args []int32) int32 {
	if len(args) == 0 {
		return -1
	}
	fn := args[0]
	if kind := t.kind(fn); kind != "arrow_function" && kind != "function_expression" && kind != "function" {
		return -1
	}
	callee := t.child(call, "function")
	switch t.kind(callee) {
	case "member_expression":
		if name := t.text(t.child(callee, "property")); name == "throws" || name == "rejects" {
			return fn
		}
	case "identifier":
		// Up the chain expect(fn).a.b: the first of these names that says decides.
		for n := call; ; {
			member := t.parent(n)
			if t.kind(member) != "member_expression" || t.child(member, "object") != n {
				return -1
			}
			switch t.text(t.child(member, "property")) {
			case "not":
				return -1
			case "toThrow", "toThrowError", "rejects", "throw", "throws":
				return fn
			}
			n = member
		}
	}
	return -1
}

// isSpecifier reports whether string i names a module to load: an import's or an
// export's, or a require's or a dynamic import's argument.
func isSpecifier(t *flatTree, i int32) bool {
	switch t.parentKind(i) {
	case "import_statement", "export_statement":
		return true
	case "arguments":
		callee := t.text(t.child(t.parent(t.parent(i)), "function"))
		return callee == "require" || callee == "import"
	}
	return false
}

// conditional reports whether node i sits in a try, an if, a switch or a conditional
// expression: code that may be for another environment (PhantomJS, Windows) or an
// optional dependency.
func conditional(t *flatTree, i int32) bool {
	for p := t.parent(i); p >= 0; p = t.parent(p) {
		switch t.kind(p) {
		case "try_statement", "if_statement", "switch_statement", "ternary_expression":
			return true
		}
	}
	return false
}

// esTests reports whether expression i is read as a test of whether it is there: a
// condition (if, loops, ?:), the operand of ! or typeof, compared with null or
// undefined, the left of &&, || or ?? (either side when the whole is a test), or called
// or read through optionally (i?.(), i?.x). Code written for modules that may lack a
// member reads it so: webidl2js's wrappers call `if (Impl.init) Impl.init(o)`.
func esTests(t *flatTree, i int32) bool {
	p := t.parent(i)
	for k := t.kind(p); k == "parenthesized_expression" || k == "expression_statement"; k = t.kind(p) {
		i, p = p, t.parent(p)
	}
	if t.field(i) == "condition" {
		return true
	}
	switch t.kind(p) {
	case "unary_expression":
		operator := string(bytes.TrimSpace(t.src[t.nodes[p].start_byte:t.nodes[i].start_byte]))
		return operator == "!" || operator == "typeof"
	case "binary_expression":
		left, right := t.child(p, "left"), t.child(p, "right")
		if left < 0 || right < 0 {
			return false
		}
		switch string(bytes.TrimSpace(t.src[t.nodes[left].end_byte:t.nodes[right].start_byte])) {
		case "&&", "||", "??":
			return i == left || esTests(t, p)
		case "==", "===", "!=", "!==":
			other := t.kind(left)
			if i == left {
				other = t.kind(right)
			}
			return other == "null" || other == "undefined"
		}
	case "call_expression", "member_expression":
		return (t.field(i) == "function" || t.field(i) == "object") && t.child(p, "optional_chain") >= 0
	}
	return false
}

// transpiledImport reports a require call in the callback TypeScript and Babel compile
// a dynamic `import("./x")` into for CommonJS, `Promise.resolve().then(() =>
// require("./x"))`: a dynamic import, which is not resolved (puppeteer's browser bundle
// keeps one of a file it leaves out).
func transpiledImport(t *flatTree, call int32) bool {
	for p := t.parent(call); p >= 0; p = t.parent(p) {
		switch t.kind(p) {
		case "arrow_function", "function_expression", "function": // the callback, an argument
			then := t.childOfKind(t.parent(t.parent(p)), "function", "member_expression")
			return t.text(t.child(then, "property")) == "then" && bytes.HasPrefix(t.source(t.child(then, "object")), []byte("Promise.resolve("))
		}
	}
	return false
}

// esTopLevel reads imports, exports and top-level definitions from the root's
// children in the flat tree. It reports whether an export statement is more than a
// declaration with `export` (esExportOf).
func esTopLevel(t *flatTree, f *fileFacts) (exportStatements bool) {
	for _, stmt := range t.children(0) {
		switch kind := t.kind(stmt); kind {
		case "import_statement":
			f.es.module = true
			f.es.imports = append(f.es.imports, esImportOf(t, stmt))
		case "export_statement":
			f.es.module = true
			exportStatements = esExportOf(t, stmt, f) || exportStatements
		case "function_declaration", "generator_function_declaration", "class_declaration", "lexical_declaration", "variable_declaration",
			// TypeScript's only:
			"function_signature", "abstract_class_declaration", "interface_declaration", "type_alias_declaration", "enum_declaration", "internal_module", "ambient_declaration":
			f.defs = append(f.defs, esDefinitions(t, stmt)...)
		}
	}
	return exportStatements
}

// isDeclarationFile reports a TypeScript declaration file: `x.d.ts`, `.d.mts`, `.d.cts`,
// or `x.d.css.ts` for an arbitrary extension.
func isDeclarationFile(name string) bool {
	switch path.Ext(name) {
	case ".ts", ".mts", ".cts":
		return strings.Contains(path.Base(name), ".d.")
	}
	return false
}

func stringContent(t *flatTree, n int32) string {
	s := t.text(n)
	if unquoted, err := strconv.Unquote(s); err == nil {
		return unquoted
	}
	return strings.Trim(s, `"'`)
}

func esImportOf(t *flatTree, n int32) esImport {
	imp := esImport{}
	if source := t.child(n, "source"); source >= 0 {
		imp.spec, imp.specRange = stringContent(t, source), t.rangeOf(source)
	}
	for _, child := range t.children(n) {
		switch t.kind(child) {
		case "import_clause":
			for _, part := range t.children(child) {
				switch t.kind(part) {
				case "identifier":
					imp.names = append(imp.names, importedName{name: "default", local: t.text(part), rng: t.rangeOf(part)})
				case "namespace_import":
					if ids := t.children(part); len(ids) > 0 {
						imp.namespace = t.text(ids[0])
					}
				case "named_imports":
					imp.names = append(imp.names, specifiers(t, part)...)
				}
			}
		case "import_require_clause": // import x = require("./y"): x is the module's namespace
			if source := t.child(child, "source"); source >= 0 {
				imp.spec, imp.specRange = stringContent(t, source), t.rangeOf(source)
			}
			if ids := t.children(child); len(ids) > 0 && t.kind(ids[0]) == "identifier" {
				imp.namespace = t.text(ids[0])
			}
		}
	}
	return imp
}

// specifiers reads `{ a, b as c }`; for exports the local name is the exported one.
func specifiers(t *flatTree, list int32) []importedName {
	var out []importedName
	for _, s := range t.children(list) {
		name := t.child(s, "name")
		if name < 0 || t.text(name) == "" {
			continue // none, or one error recovery made up (MISSING)
		}
		in := importedName{name: stringContent(t, name), rng: t.rangeOf(name)}
		in.local = in.name
		if alias := t.child(s, "alias"); alias >= 0 {
			in.local = stringContent(t, alias)
		}
		out = append(out, in)
	}
	return out
}

// exportKeywords reports the `default` and `=` of an export statement: tokens the flat
// tree leaves out, found in the source between the statement's named children (where
// only the statement's own tokens are: comments are children).
func exportKeywords(t *flatTree, n int32) (isDefault, assigns bool) {
	node := &t.nodes[n]
	from := uint32(node.start_byte)
	gap := func(to uint32) {
		text := string(t.src[from:to])
		assigns = assigns || strings.Contains(text, "=")
		for _, word := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			isDefault = isDefault || word == "default"
		}
	}
	for c := t.firstChild(n); c >= 0; c = t.nextSibling(c) {
		gap(uint32(t.nodes[c].start_byte))
		from = uint32(t.nodes[c].end_byte)
	}
	gap(uint32(node.end_byte))
	return isDefault, assigns
}

// esExportOf reads an export statement. It reports whether the statement is, in
// TypeScript's terms, an export declaration or assignment (`export { a }`, `export *
// from`, `export = x`, `export default x`) rather than a declaration with `export`.
func esExportOf(t *flatTree, n int32, f *fileFacts) bool {
	es := f.es
	source := t.child(n, "source")
	isDefault, assigns := exportKeywords(t, n)
	if assigns {
		es.open = true // export = x
		return true
	}
	decl := t.child(n, "declaration")
	if decl >= 0 {
		for _, d := range esDefinitions(t, decl) {
			d.Exported = true
			f.defs = append(f.defs, d)
			name := d.Name
			if isDefault {
				name = "default"
			}
			es.exports[name] = esExport{local: d.Name, rng: d.Range}
		}
	}
	if isDefault {
		if _, named := es.exports["default"]; !named {
			local := ""
			if value := t.child(n, "value"); value >= 0 && t.kind(value) == "identifier" {
				local = t.text(value) // export default foo
			}
			es.exports["default"] = esExport{local: local, rng: t.rangeOf(n)}
		}
		switch t.kind(t.child(n, "value")) {
		case "function_expression", "function", "generator_function", "class":
			return false // `export default class {}` declares, as `export default class C {}` does
		}
		return decl < 0
	}
	if decl >= 0 {
		return false
	}
	if source < 0 {
		list := false // else `export as namespace NS` (a UMD global), which exports nothing
		for _, child := range t.children(n) {
			if t.kind(child) == "export_clause" {
				list = true
				for _, s := range specifiers(t, child) {
					es.exports[s.local] = esExport{local: s.name, rng: s.rng}
				}
			}
		}
		return list
	}
	imp := esImport{spec: stringContent(t, source), specRange: t.rangeOf(source), reexport: true, star: true}
	for _, child := range t.children(n) {
		switch t.kind(child) {
		case "export_clause":
			imp.star = false
			imp.names = specifiers(t, child)
			for _, s := range imp.names {
				es.exports[s.local] = esExport{fromSpec: imp.spec, fromName: s.name, rng: s.rng}
			}
		case "namespace_export": // export * as ns from
			imp.star = false
			if ids := t.children(child); len(ids) > 0 {
				es.exports[stringContent(t, ids[0])] = esExport{fromSpec: imp.spec, fromName: "*", rng: t.rangeOf(ids[0])}
			}
		}
	}
	es.imports = append(es.imports, imp)
	return true
}

// esDefinitions reads the names a top-level declaration defines.
func esDefinitions(t *flatTree, n int32) []Definition {
	named := func(kind string, arity *Arity) []Definition {
		name := t.child(n, "name")
		if name < 0 {
			return nil
		}
		return []Definition{{Name: t.text(name), Kind: kind, Range: t.rangeOf(name), Arity: arity}}
	}
	switch kind := t.kind(n); kind {
	case "function_declaration", "generator_function_declaration":
		return named("function", esArity(t, t.child(n, "parameters")))
	case "function_signature":
		return named("overload", nil)
	case "class_declaration":
		d := named("class", esConstructorArity(t, n))
		if len(d) == 1 {
			d[0].Statics = esStatics(t, n)
		}
		return d
	case "abstract_class_declaration":
		return named("class", nil)
	case "interface_declaration", "type_alias_declaration", "enum_declaration", "internal_module", "module":
		return named("type", nil)
	case "ambient_declaration":
		var out []Definition
		for _, inner := range t.children(n) {
			for _, d := range esDefinitions(t, inner) {
				d.Kind, d.Arity = "declared", nil // a declared class's constructor may be overloaded
				out = append(out, d)
			}
		}
		return out
	case "lexical_declaration", "variable_declaration":
		defKind := "variable" // var may be redeclared; let and const may not
		if kind == "lexical_declaration" {
			defKind = "lexical"
		}
		var out []Definition
		for _, decl := range t.children(n) {
			name := t.child(decl, "name")
			if t.kind(decl) != "variable_declarator" || name < 0 {
				continue
			}
			if t.kind(name) != "identifier" { // `const { a, b: [c] } = ...`
				for _, bound := range patternBindings(t, name, nil) {
					out = append(out, Definition{Name: t.text(bound), Kind: defKind, Range: t.rangeOf(bound)})
				}
				continue
			}
			d := Definition{Name: t.text(name), Kind: defKind, Range: t.rangeOf(name)}
			// With a type annotation (`const f: Handler = (a) => ...`) callers see the
			// annotated type, whose parameters the file may not show.
			if value := t.child(decl, "value"); value >= 0 && t.child(decl, "type") < 0 {
				switch t.kind(value) {
				case "arrow_function", "function_expression", "function":
					if params := t.child(value, "parameters"); params >= 0 {
						d.Arity = esArity(t, params)
					} else if t.child(value, "parameter") >= 0 {
						d.Arity = &Arity{Min: 1, Max: 1} // x => ...
					}
				}
			}
			out = append(out, d)
		}
		return out
	}
	return nil
}

// patternBindings appends the names a destructuring pattern binds, nested ones included
// (not its property keys or its defaults).
func patternBindings(t *flatTree, n int32, out []int32) []int32 {
	switch t.kind(n) {
	case "identifier", "shorthand_property_identifier_pattern":
		return append(out, n)
	case "pair_pattern":
		return patternBindings(t, t.child(n, "value"), out)
	case "object_assignment_pattern", "assignment_pattern":
		return patternBindings(t, t.child(n, "left"), out)
	case "object_pattern", "array_pattern", "rest_pattern":
		for _, c := range t.children(n) {
			out = patternBindings(t, c, out)
		}
	}
	return out
}

// esConstructorArity is what `new C(...)` accepts of a class without a base class: its
// constructor's parameters, or none without one. A base class's constructor and
// overloaded constructors are not followed.
func esConstructorArity(t *flatTree, class int32) *Arity {
	body := t.child(class, "body")
	if body < 0 {
		return nil
	}
	for c := t.firstChild(class); c >= 0; c = t.nextSibling(c) {
		if t.kind(c) != "class_heritage" {
			continue
		}
		for _, h := range t.children(c) {
			if t.kind(h) != "implements_clause" {
				return nil // extends: TypeScript's extends_clause, JavaScript's expression
			}
		}
	}
	arity, found := &Arity{}, false
	for _, member := range t.children(body) {
		if name := t.child(member, "name"); name < 0 || t.text(name) != "constructor" {
			continue
		}
		if t.kind(member) != "method_definition" || found {
			return nil
		}
		arity, found = esArity(t, t.child(member, "parameters")), true
	}
	return arity
}

// esStatics reads the static methods a class declares, with their arity: none when the
// name is declared more than once (overloads). Accessors are not methods to call.
func esStatics(t *flatTree, class int32) map[string]Definition {
	body := t.child(class, "body")
	if body < 0 {
		return nil
	}
	var out map[string]Definition
	for _, member := range t.children(body) {
		kind := t.kind(member)
		name := t.child(member, "name")
		if kind != "method_definition" && kind != "method_signature" || name < 0 || t.kind(name) != "property_identifier" {
			continue
		}
		// static, get and set are keywords, which the flat tree leaves out: they are in
		// the text before the name.
		modifiers := strings.Fields(string(t.src[t.nodes[member].start_byte:t.nodes[name].start_byte]))
		if !slices.Contains(modifiers, "static") || slices.Contains(modifiers, "get") || slices.Contains(modifiers, "set") {
			continue
		}
		if out == nil {
			out = map[string]Definition{}
		}
		d := Definition{Name: t.text(name), Kind: "function", Range: t.rangeOf(name)}
		if _, twice := out[d.Name]; !twice && kind == "method_definition" {
			d.Arity = esArity(t, t.child(member, "parameters"))
		}
		out[d.Name] = d
	}
	return out
}

// esArity counts formal parameters in either grammar: required ones up to the last
// required, optional ones (`a?`, defaults) after, a rest parameter without bound, and
// TypeScript's `this` parameter not at all.
func esArity(t *flatTree, params int32) *Arity {
	if params < 0 {
		return nil
	}
	a := &Arity{}
	total := 0
	for _, p := range t.children(params) {
		required := true
		pattern := p
		switch t.kind(p) {
		case "required_parameter":
			pattern = t.child(p, "pattern")
			required = t.child(p, "value") < 0
		case "optional_parameter", "assignment_pattern":
			required = false
		}
		if pattern < 0 {
			continue
		}
		switch t.kind(pattern) {
		case "this":
			continue
		case "rest_pattern":
			a.Max = -1
			continue
		}
		total++
		if required && !acceptsVoid(t, p) {
			a.Min = total
		}
	}
	if a.Max == 0 {
		a.Max = total
	}
	return a
}

// acceptsVoid reports whether parameter p's type is void or a union with void, which
// TypeScript lets a call leave out when nothing required follows (pdf-lib's
// `constructor(firstEntry: Entry | void)`).
func acceptsVoid(t *flatTree, p int32) bool {
	annotation := t.source(t.child(p, "type"))
	if !bytes.Contains(annotation, []byte("void")) {
		return false // most parameters: no need to split
	}
	for member := range bytes.SplitSeq(bytes.TrimPrefix(bytes.TrimSpace(annotation), []byte(":")), []byte("|")) {
		if string(bytes.TrimSpace(member)) == "void" {
			return true
		}
	}
	return false
}
