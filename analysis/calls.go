package analysis

// callShape names the nodes of a language's calls and qualified names.
type callShape struct {
	args             string // the call's arguments node
	qualified        string // q.name: the node, its fields and the name's kind
	object, property string
	propertyKind     string
	spread           string // an argument that spreads a list (xs..., ...xs)
	// dotted qualifiers are chains of qualified names (a.b in a.b.f): Python's modules,
	// reached as `import a.b` binds them.
	dotted bool
}

// qualifiedName reads q.name (a selector or member expression whose object is an
// identifier, or a chain of them where the shape is dotted) at node i of a flat tree.
func qualifiedName(t *flatTree, i int32, shape *callShape) (qualifier, name int32, ok bool) {
	if t.kind(i) != shape.qualified {
		return -1, -1, false
	}
	qualifier, name = t.child(i, shape.object), t.childOfKind(i, shape.property, shape.propertyKind)
	if qualifier < 0 || name < 0 || t.kind(qualifier) != "identifier" && (!shape.dotted || dottedRoot(t, qualifier, shape) < 0) {
		return -1, -1, false
	}
	return qualifier, name, true
}

// dottedRoot is the identifier a chain of qualified names (a.b.c) starts from, or -1
// when the chain has other links (calls, subscripts).
func dottedRoot(t *flatTree, n int32, shape *callShape) int32 {
	for n >= 0 && t.kind(n) == shape.qualified && t.childOfKind(n, shape.property, shape.propertyKind) >= 0 {
		n = t.child(n, shape.object)
	}
	if n < 0 || t.kind(n) != "identifier" {
		return -1
	}
	return n
}

// callOf reads the call at node i of a flat tree: f(...) or q.f(...) (or new C(...) in
// JavaScript), with its argument count and arguments. It reports false for other
// callees. A spread argument makes the count meaningless.
func callOf(t *flatTree, i int32, shape *callShape) (Call, []int32, bool) {
	fn, argList := t.child(i, "function"), t.childOfKind(i, "arguments", shape.args)
	if fn < 0 {
		fn = t.child(i, "constructor")
	}
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
