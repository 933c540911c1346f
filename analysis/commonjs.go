package analysis

import "bytes"

// CommonJS: what a module assigns to its exports, when every write has a form that says
// which name it makes, and the names a requirer takes from it (destructured, read off
// the call, or read through a top-level binding). A module
// whose exports are written any other way (Object.assign, a computed key, a function
// assigned to module.exports, exports handed to a function or bound to another name) is
// open.

// cjsExports are the names a CommonJS module assigns: `exports.a = `,
// `module.exports.a = `, `module.exports = {a, b: c, d() {}}`.
type cjsExports struct {
	names map[string]bool
	open  bool
	// registry: `module.exports = {}` and no name written by the module itself, an
	// object other modules fill (core-js's `_iterators`, written as `Iterators[NAME] =`
	// where it is required): nothing certain about its names.
	registry bool
}

// known reports whether the names are all the module's exports.
func (c *cjsExports) known() bool { return !c.open && !(c.registry && len(c.names) == 0) }

func (c *cjsExports) add(name string) {
	if c.names == nil {
		c.names = map[string]bool{}
	}
	c.names[name] = true
}

// cjsUse reads identifier i when it is `exports` or `module`: a write of a name to the
// module's exports, a read (which makes nothing), or a use that makes the exports
// unknowable.
func cjsUse(t *flatTree, i int32, f *fileFacts) {
	word := t.source(i) // not copied: every identifier of the file comes here
	if string(word) != "exports" && string(word) != "module" {
		return
	}
	exports := i
	if string(word) == "module" {
		p := t.parent(i)
		if p < 0 || t.kind(p) != "member_expression" || t.field(i) != "object" {
			return // require.main === module
		}
		if property := t.child(p, "property"); property < 0 || t.text(property) != "exports" {
			return // module.id, module.hot
		}
		exports = p
		if assigned, right := assignedBy(t, p); assigned {
			// The object must be only the exports: `const T = module.exports = {...}`
			// lets the file add to it through T (sequelize's data types).
			if t.kind(right) == "object" && len(t.children(right)) == 0 {
				f.es.commonJS().registry = true
			}
			if t.grandparentKind(p) != "expression_statement" || !cjsObjectNames(t, right, f.es.commonJS()) {
				f.es.commonJS().open = true // a function, a class, another module's exports
			}
			return
		}
	}
	p := t.parent(exports)
	if p < 0 || t.kind(p) != "member_expression" || t.field(exports) != "object" {
		f.es.commonJS().open = true // handed to a function, assigned whole, indexed
		return
	}
	name := t.child(p, "property")
	if name < 0 || t.kind(name) != "property_identifier" {
		f.es.commonJS().open = true
		return
	}
	if assigned, _ := assignedBy(t, p); assigned {
		f.es.commonJS().add(t.text(name))
	}
}

// reexported reports whether member expression i, `m.name`, is what compiled CommonJS
// exports under the same name: `exports.name = m.name` (Babel's loose output of
// `export { name } from "./m"`) or the getter of `Object.defineProperty(exports,
// "name", { get: function () { return m.name; } })`. Babel compiles a re-exported type
// so, and reading a name the module lacks gives undefined, no error (gatsby's dist).
func reexported(t *flatTree, i int32, name string) bool {
	p := t.parent(i)
	if t.kind(p) == "assignment_expression" && t.field(i) == "right" {
		left := t.child(p, "left")
		return t.kind(left) == "member_expression" && isExportsObject(t, t.child(left, "object")) && t.text(t.child(left, "property")) == name
	}
	if t.kind(p) != "return_statement" {
		return false
	}
	call := t.parent(t.parent(t.parent(t.parent(t.parent(t.parent(p)))))) // the block, the getter, its pair, the descriptor, the arguments, the call
	args := t.children(t.child(call, "arguments"))
	return len(args) == 3 && isExportsObject(t, args[0]) && t.kind(args[1]) == "string" && stringContent(t, args[1]) == name
}

// isExportsObject reports whether node n is `exports` or `module.exports`.
func isExportsObject(t *flatTree, n int32) bool {
	return t.kind(n) == "identifier" && t.text(n) == "exports" || t.kind(n) == "member_expression" && t.text(n) == "module.exports"
}

// assignedBy reports whether node n is the left side of an assignment, and its right.
func assignedBy(t *flatTree, n int32) (bool, int32) {
	p := t.parent(n)
	if p < 0 || t.kind(p) != "assignment_expression" || t.field(n) != "left" {
		return false, -1
	}
	return true, t.child(p, "right")
}

// cjsObjectNames adds the keys of an object literal; false when one cannot be read.
func cjsObjectNames(t *flatTree, object int32, c *cjsExports) bool {
	if object < 0 || t.kind(object) != "object" {
		return false
	}
	for _, member := range t.children(object) {
		key := member
		switch t.kind(member) {
		case "pair", "method_definition":
			key = t.child(member, "key")
			if key < 0 {
				key = t.child(member, "name")
			}
		case "shorthand_property_identifier":
		default:
			return false // a spread
		}
		switch t.kind(key) {
		case "property_identifier", "shorthand_property_identifier":
			c.add(t.text(key))
		case "string":
			c.add(stringContent(t, key))
		default:
			return false // a computed key
		}
	}
	return true
}

// requiredNames are the names a require call's result is destructured into, or read
// from: `const {a, b: c} = require("./x")`, `require("./x").a`. A name with a default
// may be missing on purpose, and a rest pattern takes whatever there is.
func requiredNames(t *flatTree, call int32) []importedName {
	p := t.parent(call)
	if p < 0 {
		return nil
	}
	switch t.kind(p) {
	case "member_expression":
		if name := t.child(p, "property"); t.field(call) == "object" && name >= 0 && t.kind(name) == "property_identifier" {
			return []importedName{{name: t.text(name), rng: t.rangeOf(name)}}
		}
	case "variable_declarator":
		pattern := t.child(p, "name")
		if pattern < 0 || t.kind(pattern) != "object_pattern" {
			return nil
		}
		var names []importedName
		for _, c := range t.children(pattern) {
			key := c
			switch t.kind(c) {
			case "pair_pattern":
				key = t.child(c, "key")
			case "shorthand_property_identifier_pattern":
			default:
				continue // a default or a rest
			}
			if key >= 0 && (t.kind(key) == "property_identifier" || t.kind(key) == "shorthand_property_identifier_pattern") {
				names = append(names, importedName{name: t.text(key), rng: t.rangeOf(key)})
			}
		}
		return names
	}
	return nil
}

// requireNamespace is the name a top-level `const u = require("./x")` (or var, or let)
// binds the module to, or "" for a require call in any other place.
func requireNamespace(t *flatTree, call int32) string {
	if call < 0 || t.kind(call) != "call_expression" || t.field(call) != "value" {
		return ""
	}
	decl := t.parent(call)
	stmt := t.parent(decl)
	name := t.child(decl, "name")
	if t.kind(decl) != "variable_declarator" || name < 0 || t.kind(name) != "identifier" || stmt < 0 || t.parent(stmt) != 0 {
		return ""
	}
	if k := t.kind(stmt); k != "lexical_declaration" && k != "variable_declaration" {
		return ""
	}
	if fn := t.child(call, "function"); fn < 0 || !bytes.Equal(t.source(fn), []byte("require")) {
		return ""
	}
	return t.text(name)
}

// objectMembers are what every object has: reading them off a module's exports is fine.
var objectMembers = map[string]bool{
	"constructor": true, "hasOwnProperty": true, "isPrototypeOf": true, "propertyIsEnumerable": true,
	"toLocaleString": true, "toString": true, "valueOf": true, "__proto__": true,
	"__defineGetter__": true, "__defineSetter__": true, "__lookupGetter__": true, "__lookupSetter__": true,
}
