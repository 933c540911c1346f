package analysis

import (
	"strconv"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
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
	open    bool // exports cannot be known statically: `export =`, CommonJS assignments
	module  bool // an ES module (has import or export) rather than a script
}

// extractES reads a TypeScript, TSX or JavaScript file: imports, exports and top-level
// definitions (the facts query), calls, member references and inner declarations (a
// walk of the whole tree).
func extractES(_ string, root *sitter.Node, t *flatTree, q *compiledQuery, f *fileFacts) {
	src := t.src
	f.es = &esFacts{exports: map[string]esExport{}}
	eachMatch(q, root, src, func(c captures) {
		switch {
		case c["import"] != nil:
			f.es.module = true
			f.es.imports = append(f.es.imports, esImportOf(c["import"], src))
		case c["export"] != nil:
			f.es.module = true
			esExportOf(c["export"], src, f)
		case c["def"] != nil:
			f.defs = append(f.defs, esDefinitions(c["def"], src)...)
		case c["commonjs"] != nil:
			if name := text(c["commonjs"], src); name == "module" || name == "exports" {
				f.es.open = true
			}
		}
	})
	esWalk(t, f)
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
	for i := range int32(len(t.nodes)) {
		switch kind := t.kind(i); kind {
		case "call_expression":
			if call, _, ok := callOf(t, i, esCalls); ok {
				f.calls = append(f.calls, call)
			}
		case "member_expression":
			if ref, ok := refOf(t, i, esCalls); ok {
				f.refs = append(f.refs, ref)
			}
		case "shorthand_property_identifier_pattern":
			f.locals[t.text(i)] = true
		case "identifier", "type_identifier":
			parent := t.parentKind(i)
			field, declares := esLocalFields[parent]
			switch {
			case kind == "identifier" && declares && (field == "*" || field == t.field(i)):
				f.locals[t.text(i)] = true
			case t.field(i) == "name" && (parent == "function_declaration" || parent == "class_declaration") && t.grandparentKind(i) == "statement_block":
				f.locals[t.text(i)] = true
			}
		}
	}
}

func stringContent(n *sitter.Node, src []byte) string {
	s := text(n, src)
	if unquoted, err := strconv.Unquote(s); err == nil {
		return unquoted
	}
	return strings.Trim(s, `"'`)
}

func esImportOf(n *sitter.Node, src []byte) esImport {
	imp := esImport{}
	if source := n.ChildByFieldName("source"); source != nil {
		imp.spec, imp.specRange = stringContent(source, src), nodeRange(source)
	}
	for _, child := range namedChildren(n) {
		switch child.Type() {
		case "import_clause":
			for _, part := range namedChildren(child) {
				switch part.Type() {
				case "identifier":
					imp.names = append(imp.names, importedName{name: "default", local: text(part, src), rng: nodeRange(part)})
				case "namespace_import":
					if id := part.NamedChild(0); id != nil {
						imp.namespace = text(id, src)
					}
				case "named_imports":
					imp.names = append(imp.names, specifiers(part, src)...)
				}
			}
		case "import_require_clause": // import x = require("./y")
			if source := child.ChildByFieldName("source"); source != nil {
				imp.spec, imp.specRange = stringContent(source, src), nodeRange(source)
			}
		}
	}
	return imp
}

// specifiers reads `{ a, b as c }`; for exports the local name is the exported one.
func specifiers(list *sitter.Node, src []byte) []importedName {
	var out []importedName
	for _, s := range namedChildren(list) {
		name := s.ChildByFieldName("name")
		if name == nil {
			continue
		}
		in := importedName{name: stringContent(name, src), rng: nodeRange(name)}
		in.local = in.name
		if alias := s.ChildByFieldName("alias"); alias != nil {
			in.local = stringContent(alias, src)
		}
		out = append(out, in)
	}
	return out
}

func esExportOf(n *sitter.Node, src []byte, f *fileFacts) {
	es := f.es
	source := n.ChildByFieldName("source")
	isDefault := false
	for i := range int(n.ChildCount()) {
		switch n.Child(i).Type() {
		case "default":
			isDefault = true
		case "=":
			es.open = true // export = x
			return
		}
	}
	if decl := n.ChildByFieldName("declaration"); decl != nil {
		for _, d := range esDefinitions(decl, src) {
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
			if value := n.ChildByFieldName("value"); value != nil && value.Type() == "identifier" {
				local = text(value, src) // export default foo
			}
			es.exports["default"] = esExport{local: local, rng: nodeRange(n)}
		}
		return
	}
	if n.ChildByFieldName("declaration") != nil {
		return
	}
	if source == nil {
		for _, child := range namedChildren(n) {
			if child.Type() == "export_clause" {
				for _, s := range specifiers(child, src) {
					es.exports[s.local] = esExport{local: s.name, rng: s.rng}
				}
			}
		}
		return
	}
	imp := esImport{spec: stringContent(source, src), specRange: nodeRange(source), reexport: true, star: true}
	for _, child := range namedChildren(n) {
		switch child.Type() {
		case "export_clause":
			imp.star = false
			imp.names = specifiers(child, src)
			for _, s := range imp.names {
				es.exports[s.local] = esExport{fromSpec: imp.spec, fromName: s.name, rng: s.rng}
			}
		case "namespace_export": // export * as ns from
			imp.star = false
			if id := child.NamedChild(0); id != nil {
				es.exports[stringContent(id, src)] = esExport{fromSpec: imp.spec, fromName: "*", rng: nodeRange(id)}
			}
		}
	}
	es.imports = append(es.imports, imp)
}

// esDefinitions reads the names a top-level declaration defines.
func esDefinitions(n *sitter.Node, src []byte) []Definition {
	named := func(kind string, arity *Arity) []Definition {
		name := n.ChildByFieldName("name")
		if name == nil {
			return nil
		}
		return []Definition{{Name: text(name, src), Kind: kind, Range: nodeRange(name), Arity: arity}}
	}
	switch n.Type() {
	case "function_declaration", "generator_function_declaration":
		return named("function", esArity(n.ChildByFieldName("parameters")))
	case "function_signature":
		return named("overload", nil)
	case "class_declaration", "abstract_class_declaration":
		return named("class", nil)
	case "interface_declaration", "type_alias_declaration", "enum_declaration", "internal_module", "module":
		return named("type", nil)
	case "ambient_declaration":
		var out []Definition
		for _, inner := range namedChildren(n) {
			for _, d := range esDefinitions(inner, src) {
				d.Kind = "declared"
				out = append(out, d)
			}
		}
		return out
	case "lexical_declaration", "variable_declaration":
		kind := "variable" // var may be redeclared; let and const may not
		if n.Type() == "lexical_declaration" {
			kind = "lexical"
		}
		var out []Definition
		for _, decl := range namedChildren(n) {
			name := decl.ChildByFieldName("name")
			if decl.Type() != "variable_declarator" || name == nil || name.Type() != "identifier" {
				continue
			}
			d := Definition{Name: text(name, src), Kind: kind, Range: nodeRange(name)}
			if value := decl.ChildByFieldName("value"); value != nil {
				switch value.Type() {
				case "arrow_function", "function_expression", "function":
					if params := value.ChildByFieldName("parameters"); params != nil {
						d.Arity = esArity(params)
					} else if value.ChildByFieldName("parameter") != nil {
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

// esArity counts formal parameters in either grammar: required ones up to the last
// required, optional ones (`a?`, defaults) after, a rest parameter without bound, and
// TypeScript's `this` parameter not at all.
func esArity(params *sitter.Node) *Arity {
	if params == nil {
		return nil
	}
	a := &Arity{}
	total := 0
	for _, p := range namedChildren(params) {
		required := true
		pattern := p
		switch p.Type() {
		case "required_parameter":
			pattern = p.ChildByFieldName("pattern")
			required = p.ChildByFieldName("value") == nil
		case "optional_parameter", "assignment_pattern":
			required = false
		}
		if pattern == nil {
			continue
		}
		switch pattern.Type() {
		case "this":
			continue
		case "rest_pattern":
			a.Max = -1
			continue
		}
		total++
		if required {
			a.Min = total
		}
	}
	if a.Max == 0 {
		a.Max = total
	}
	return a
}
