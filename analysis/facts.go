package analysis

import "crypto/sha256"

// The facts a file contributes to the cross-file rules, extracted once per content hash.

// Definition is a top-level name a file defines.
type Definition struct {
	Name     string
	Kind     string // "function", "method", "type", "variable", "constant", "class"
	Exported bool
	Range    Range  // of the name
	Receiver string // Go methods: the receiver's type name
	// Arity is set for functions whose accepted argument counts are known.
	Arity *Arity
}

// Arity is the range of positional argument counts a function accepts.
type Arity struct {
	Min int
	Max int // -1: no upper bound (variadic)
}

func (a Arity) accepts(n int) bool { return n >= a.Min && (a.Max < 0 || n <= a.Max) }

// Import is one import statement or spec.
type Import struct {
	Spec  string // the path or module specifier as written, unquoted
	Range Range  // of the specifier
	Name  string // Go: the explicit package name ("" when none, "." or "_" when so)
}

// Ref is a use of Qualifier.Name where Qualifier may be an imported package or module.
type Ref struct {
	Qualifier string
	Name      string
	Range     Range // of Name
}

// Call is a call site with its argument count.
type Call struct {
	Qualifier string // "" for a plain call f(...)
	Name      string
	Args      int      // positional arguments
	Keywords  []string // Python keyword arguments
	// Uncountable is set when the count says nothing: a spread argument (xs...), or a
	// single call argument that may return several values (f(g())).
	Uncountable bool
	Range       Range // of the callee name
}

// fileFacts is what one file contributes to the checks.
type fileFacts struct {
	lang      *Language
	hash      [sha256.Size]byte
	generated bool // its facts count; findings in it are not reported
	syntax    []Diagnostic
	// mentioned is, when the parse had errors (reported or not: a Flow file's are not),
	// every identifier-like word of the text; nil when the parse was clean. Error
	// recovery may lose any definition, so a name the file mentions may be defined in
	// it: rules do not report it missing, nor check calls against its definitions.
	mentioned map[string]bool

	pkg         string // Go: the package clause
	constrained bool   // Go: a build constraint or GOOS/GOARCH file name limits where it compiles
	neverBuilt  bool   // Go: //go:build ignore, a program run by hand (go run x.go)
	defs        []Definition
	imports     []Import
	refs        []Ref
	calls       []Call
	locals      map[string]bool // names declared below the top level: they may shadow
	es          *esFacts        // TypeScript and JavaScript module facts
	py          *pyFacts        // Python module facts
}

// broken reports whether the file's parse had errors.
func (f *fileFacts) broken() bool { return f.mentioned != nil }

// words returns the identifier-like words of a text (bytes past ASCII count as letters,
// so non-ASCII identifiers are words too).
func words(src []byte) map[string]bool {
	out := map[string]bool{}
	isWord := func(c byte) bool {
		return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	for i := 0; i < len(src); {
		if !isWord(src[i]) {
			i++
			continue
		}
		start := i
		for i < len(src) && isWord(src[i]) {
			i++
		}
		if src[start] < '0' || src[start] > '9' {
			out[string(src[start:i])] = true
		}
	}
	return out
}
