package analysis

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
