package analysis

import (
	"bytes"
	"crypto/sha256"
	"regexp"
	"slices"
	"strings"
)

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
	// Statics are a TypeScript or JavaScript class's static methods, by name.
	Statics map[string]Definition
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
	Written   bool  // assigned to: q.name = ... (JavaScript, Python)
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
	// text is the source of a file whose parse had errors (reported or not: a Flow
	// file's are not, nor grammar gaps), "" when the parse was clean. Error recovery may lose any
	// definition, so a name the text mentions may be defined in it: rules do not report
	// it missing, nor check calls against the file's definitions. Kept as the text, not
	// a set of its words: a word set took five times the file's size.
	text string

	pkg         string // Go: the package clause
	goLocal     string // Go: goModuleFor's module paths, which decide what of it is kept (goWalk)
	constrained bool   // Go: a build constraint or GOOS/GOARCH file name limits where it compiles
	neverBuilt  bool   // Go: //go:build ignore, a program run by hand (go run x.go)
	defs        []Definition
	imports     []Import
	refs        []Ref
	calls       []Call
	locals      map[string]bool // names declared below the top level: they may shadow
	// probed are the module members the file tests for before use, "m.x": Python's
	// hasattr(m, "x") or getattr(m, "x", d), JavaScript's `if (m.x)` or m.x?.().
	// It expects some modules to lack them.
	probed map[string]bool
	// setsOnModules are the attribute names the file sets on a module it imports or
	// requires (Python's m.x = ... or setattr(m, "x", ...), JavaScript's m.x = ...): a
	// module's namespace filled from outside, as Django's test set-up gives
	// django.core.mail an outbox and node-forge's modules fill forge.tls. Sorted, unique.
	setsOnModules []string
	// waived are the lines (0-based, sorted) where the file waives the type checker's
	// errors: after TypeScript's `// @ts-expect-error` or `// @ts-ignore`, on a line with
	// Python's `# type: ignore`. A test calls a function wrongly on purpose there, to see
	// it throw; the compiler does not report it, nor do the rules.
	waived []int
	es     *esFacts // TypeScript and JavaScript module facts
	py     *pyFacts // Python module facts
}

// waives reports whether a finding is on a line the file waives (see waived).
func (f *fileFacts) waives(d Diagnostic) bool {
	_, found := slices.BinarySearch(f.waived, d.Range.Start.Line)
	return found
}

var (
	tsWaiver = regexp.MustCompile(`(?m)^[ \t]*(?://|/\*|\{/\*)[ \t]*@ts-(?:expect-error|ignore)\b`)
	pyWaiver = regexp.MustCompile(`#[ \t]*(?:type|pyright):[ \t]*ignore\b`)
)

// waivedLines finds the lines a file of the language waives (fileFacts.waived).
func waivedLines(lang *Language, src []byte) []int {
	pattern, after := tsWaiver, 1
	switch {
	case lang.ID == "go":
		return nil
	case lang.ID == "python":
		pattern, after = pyWaiver, 0
		if !bytes.Contains(src, []byte("ignore")) {
			return nil
		}
	case !bytes.Contains(src, []byte("@ts-")):
		return nil
	}
	var lines []int
	line, counted := 0, 0
	for _, loc := range pattern.FindAllIndex(src, -1) {
		line += bytes.Count(src[counted:loc[0]], []byte("\n"))
		counted = loc[0]
		if n := line + after; len(lines) == 0 || lines[len(lines)-1] != n {
			lines = append(lines, n)
		}
	}
	return lines
}

func (f *fileFacts) probe(qualifier, name string) {
	if f.probed == nil {
		f.probed = map[string]bool{}
	}
	f.probed[qualifier+"."+name] = true
}

// broken reports whether the file's parse had errors.
func (f *fileFacts) broken() bool { return f.text != "" }

// anyMentions reports whether one of the broken files mentions name.
func anyMentions(broken []*fileFacts, name string) bool {
	return slices.ContainsFunc(broken, func(f *fileFacts) bool { return f.mentions(name) })
}

// mentions reports whether a broken file's text has name as a whole word.
func (f *fileFacts) mentions(name string) bool { return hasWord(f.text, name) }

// isWordByte is a byte of an identifier: bytes past ASCII count as letters, so
// non-ASCII identifiers are words too.
func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// hasWord reports whether text has name as a whole word.
func hasWord(text, name string) bool {
	for from := 0; name != ""; {
		i := strings.Index(text[from:], name)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(name)
		if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		from = start + 1
	}
	return false
}

// countWords adds to counts, for each of its words, how often text has it as a whole
// word: one pass, however many words are asked.
func countWords(text []byte, counts map[string]int) {
	for i := 0; i < len(text); {
		if !isWordByte(text[i]) {
			i++
			continue
		}
		start := i
		for i < len(text) && isWordByte(text[i]) {
			i++
		}
		if _, asked := counts[string(text[start:i])]; asked {
			counts[string(text[start:i])]++
		}
	}
}
