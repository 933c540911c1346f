package analysis

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"
)

// grammarGap is valid code that a bundled grammar rejects. Reporting it would send a
// worker to "fix" correct code, so before syntax errors are reported each such construct
// is rewritten to one of the same length the grammar accepts and the file parsed again;
// positions do not move. The second parse's errors are reported, except on a rewritten
// line the first parse found no error on: there the rewrite itself caused it (new(T) is
// fine, nex(T) is not for a type literal T).
type grammarGap struct {
	pattern *regexp.Regexp
	rewrite func(match []byte) []byte // same length as match
}

var grammarGaps = map[string][]grammarGap{
	// The grammar parses new(...) and make(...) as the builtins, whose first argument
	// must be a type: Go 1.26 new(expr) (`new(x * 2)`, `new(s[0])`, `new(<-ch)`,
	// `new(v.(T))`), and a local function named make or new called with a value, are
	// rejected. As plain calls they parse, and so does a named type, so every call is
	// rewritten but one whose argument starts a type literal: nex([]int) would not parse.
	"go": {
		{regexp.MustCompile(`\b(?:new|make)\([ \t]*(?:<-[ \t]*)?(?:\w+|[^\s\w])`), func(m []byte) []byte {
			callee, rest, _ := bytes.Cut(m, []byte("("))
			arg := bytes.TrimLeft(rest, " \t<-")
			if bytes.HasPrefix(arg, []byte("[")) || goTypeKeywords[string(arg)] {
				return m
			}
			return append(append(bytes.Clone(callee[:len(callee)-1]), 'x', '('), rest...)
		}},
		// Go 1.26 new(expr) of a composite literal whose type is a literal too:
		// `new([]int{1, 2})`, `new(map[string]int{})`, `new(struct{}{})`, or of a function
		// literal's result, `new(func() int { ... }())`. The `{` after the type makes it a
		// value; as a plain call it parses.
		{regexp.MustCompile(`\bnew\((?:(?:\[[^\]\n]*\]|map\[[^\]\n]*\])[\w.*\[\]]*|struct[ \t]*\{[^{}\n]*\}|func\b[^{}\n]*)\{`), func(m []byte) []byte {
			out := bytes.Clone(m)
			out[len("ne")] = 'x'
			return out
		}},
		// Go 1.24 generic type aliases, `type A[P any] = T[P]`, alone or in a type group:
		// without the = it is a generic type definition, which the grammar knows.
		{regexp.MustCompile(`(?m)^[ \t]*(?:type[ \t]+)?[A-Za-z_]\w*\[[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]+[A-Za-z_~\[][^\n=]*\][ \t]*=`), func(m []byte) []byte {
			out := bytes.Clone(m)
			out[len(out)-1] = ' '
			return out
		}},
	},
	"python": {
		// Python 3.14 template strings t"..." parse like f-strings.
		{regexp.MustCompile(`(?i)\b(?:t|tr|rt)["']`), func(m []byte) []byte {
			return bytes.Map(func(r rune) rune {
				switch r {
				case 't':
					return 'f'
				case 'T':
					return 'F'
				}
				return r
			}, m)
		}},
		// An f-string format spec filled with "=", `f"{title:=^40}"`, which the grammar
		// takes for a walrus. No expression follows := with <, >, ^ or =, so the match is
		// a format spec wherever the code is valid.
		{regexp.MustCompile(`:=[<>^=]`), func(m []byte) []byte { return []byte{':', '_', m[2]} }},
		// Python 3.13 type parameter defaults, `class C[T = int]`, `def f[T: str = str]`:
		// the default as one more parameter parses.
		{regexp.MustCompile(`\b(?:class|def|type)[ \t]+\w+[ \t]*\[[^\]\n=]*=`), func(m []byte) []byte {
			out := bytes.Clone(m)
			out[len(out)-1] = ','
			return out
		}},
	},
	"typescript": typeScriptGaps(genericCallSignature),
	"tsx":        append(typeScriptGaps(tsxGenericCallSignature), jsxAmpersand, jsxTextAmpersand),
	"javascript": {nulCharacter, asiBeforeBracket, inPrefixedName, commentBeforeOperator, importAssertion, exportAttributes, usingDeclaration, autoAccessor, importDefer, exportDefaultFrom, jsxAmpersand, jsxTextAmpersand, jsxAmpersandLine, parenthesizedDecorator},
}

var (
	// TypeScript 5.0 `export type * from "./x"` (tree-sitter-typescript issue 348).
	exportTypeStar = grammarGap{regexp.MustCompile(`\bexport\s+type\s+\*`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("type"), []byte("    "), 1)
	}}
	// An exported import alias of a module, `export import ACM = require("./acm")` (the
	// aws-sdk's clients); the grammar knows it of a namespace, and without export.
	exportImportRequire = grammarGap{regexp.MustCompile(`\bexport[ \t]+import[ \t]+` + jsIdentifier + `[ \t]*=[ \t]*require[ \t]*\(`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("export"), []byte("      "), 1)
	}}
	// A function type whose first parameter destructures one name, optional,
	// `({ index }?: T) => R`, or with a line break before its `}` (MUI's declarations, as
	// tsc prints them), or renamed, `({ fatal: boolean }: O) => R` (@zxing/text-encoding's):
	// the grammar reads the start as a parenthesized object type with one member, inserts
	// a semicolon at the line break and fails at the `:`. As an array pattern (of the two
	// names) it parses.
	destructuredFirstParameter = grammarGap{regexp.MustCompile(`\(\{\s*` + jsIdentifier + `(?:\s*:\s*` + jsIdentifier + `)?\s*\}\s*\??\s*:`), func(m []byte) []byte {
		out := bytes.Clone(m)
		end := bytes.LastIndexByte(out, '}')
		out[1], out[end] = '[', ']'
		if colon := bytes.IndexByte(out[:end], ':'); colon >= 0 {
			out[colon] = ','
		}
		return out
	}}
	// A block comment over several lines before `=` or `,`, as Flow's comment types
	// write one (`let imports /*: Array<{...}> */ = [...]`, emotion's Babel plugin): the
	// grammar's scanner looks for the `=` or `,` right after the `*/` only, and otherwise
	// inserts a semicolon. Moved up to the `*/`, the operator is seen.
	commentBeforeOperator = grammarGap{regexp.MustCompile(`\*/[ \t]+[=,]`), func(m []byte) []byte {
		out := bytes.Clone(m)
		operator := out[len(out)-1]
		copy(out[3:], out[2:len(out)-1])
		out[2] = operator
		return out
	}}
	// Import types, `import("./x").Name<T>` and `typeof import("./x")`, where the grammar
	// wants a type. As a dynamic import expression the rewrite stays valid.
	importType = grammarGap{regexp.MustCompile(`\bimport\s*\(\s*(?:"[^"\n]*"|'[^'\n]*')\s*\)`), func(m []byte) []byte {
		return append([]byte("x"), bytes.Repeat([]byte(" "), len(m)-1)...)
	}}
	// A statement starting with [ or ( after a line that cannot go on into it: one ending
	// in } (a block-bodied arrow function, say), a declaration without a value (`let x`),
	// a private class field without one (`#x`). Automatic semicolon insertion ends the
	// statement there, the grammar does not. An indentation character becomes the
	// semicolon.
	asiBeforeBracket = grammarGap{regexp.MustCompile(`(?m)(?:\}|\b(?:let|var)[ \t]+` + jsIdentifiers + `|^[ \t]*#` + jsIdentifier + `)[ \t]*\r?\n(?:[ \t]*\r?\n)*[ \t]*[ \t][\[(]`), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[len(out)-2] = ';'
		return out
	}}
	// `global { ... }` inside `declare module "x" { ... }` (Node's declarations): as a
	// plain block it parses.
	globalBlock = grammarGap{regexp.MustCompile(`(?m)^[ \t]*global[ \t]*\{`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("global"), []byte("      "), 1)
	}}
	// A member named abstract (`abstract?: boolean`), which the grammar takes for the
	// modifier.
	abstractMember = grammarGap{regexp.MustCompile(`\babstract[ \t]*\??[ \t]*[:(]`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("abstract"), []byte("abstrac_"), 1)
	}}
	// An abstract property that overrides, `abstract override readonly handle: H;`
	// (luma.gl's): the grammar takes override after abstract only on methods. Without it
	// the property parses.
	abstractOverride = grammarGap{regexp.MustCompile(`\babstract[ \t]+override\b`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("override"), []byte("        "), 1)
	}}
	// A variable or parameter property named as, `let as: [string, string];` or
	// `constructor(private as: T)` (vega-lite's): the grammar reads the keyword there.
	asName = grammarGap{regexp.MustCompile(`\b(?:let|const|var|private|public|protected|readonly)[ \t]+as[ \t]*[:=?,;)]`), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[bytes.LastIndex(m, []byte("as"))+1] = '_'
		return out
	}}
	// A property named in starting its line (`in: "query" | "header"`, OpenAPI's
	// parameters in effect), which the grammar takes for the operator.
	inMember = grammarGap{regexp.MustCompile(`(?m)^[ \t]*in[ \t]*\??[ \t]*:`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("in"), []byte("i_"), 1)
	}}
	// A line starting with a name that begins with "in" and a digit, "_" or "$" (in58,
	// in_progress) after a line without a semicolon: the grammar's scanner takes any
	// "in" not followed by a letter for the operator and inserts no semicolon. Such a word
	// can only be a name, so a letter for its "n" changes nothing but that.
	inPrefixedName = grammarGap{regexp.MustCompile(`(?m)^[ \t]*in[\d_$]`), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[len(out)-2] = 'x'
		return out
	}}
	// A class member named accessor, a method `static accessor(h: H): R;` (axios's
	// AxiosHeaders) or a field `accessor: string;` (Vault's Ember models), which the
	// grammar takes for the auto-accessor modifier.
	accessorMember = grammarGap{regexp.MustCompile(`(?m)(?:^[ \t]*|\bstatic[ \t]+)accessor[ \t]*[(<:?]`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("accessor"), []byte("accesso_"), 1)
	}}
	// A type's name where a name is declared: the one parameter of a function type,
	// `(any) => void` (mobx's), or a tuple's label, `[promise: P, symbol: S]`
	// (seroval's). The grammar reads the predefined type.
	typeNamedParameter = grammarGap{regexp.MustCompile(`(?:\([ \t]*` + predefinedType.String() + `[ \t]*\)[ \t]*=>|[\[,]\s*` + predefinedType.String() + `\s*\??\s*:)`), func(m []byte) []byte {
		loc := predefinedType.FindIndex(m)
		out := bytes.Clone(m)
		for i := loc[0] + 1; i < loc[1]; i++ {
			out[i] = '_'
		}
		return out
	}}
	// `typeof undefined` in a type (lexical's `(typeof undefined | string)[]`): the
	// grammar wants a name after typeof, and undefined is its keyword there.
	typeofUndefined = grammarGap{regexp.MustCompile(`\btypeof[ \t]+undefined\b`), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[len(out)-1] = '_'
		return out
	}}
	// A name `type` in an import alias and an export list, `import type = T.LONG;
	// export { type };` (geotiff's declarations, as tsc emits a namespace), renamed there
	// after a comment or not (io-ts's `export { /** ... */ type as interface }`), or a
	// mapped type's key, `[type in keyof T]` (acorn-walk's): the grammar reads the keyword.
	typeAsName = grammarGap{regexp.MustCompile(`\bimport[ \t]+type[ \t]*=|[{,]\s*(?:` + jsComment + `\s*)*type(?:[ \t]*[,}]|[ \t]+as[ \t]+[A-Za-z_$])|\[[ \t]*type[ \t]+in\b`), func(m []byte) []byte {
		out := bytes.Clone(m) // the last "type": a comment before it may say the word
		out[bytes.LastIndex(m, []byte("type"))+len("typ")] = '_'
		return out
	}}
	// A qualified type name whose namespace has a type keyword's name, `string.submodule`
	// or `type.infer<T>` (arktype declares such namespaces): the grammar reads the
	// keyword. The name's last letter becomes an underscore.
	keywordNamespace = grammarGap{regexp.MustCompile(`(?:` + predefinedType.String() + `|\btype)\.[A-Za-z_$]`), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[len(out)-3] = '_'
		return out
	}}
	// predefinedType matches the type keywords that may also name a parameter or a label.
	predefinedType = regexp.MustCompile(`\b(?:any|unknown|never|string|number|boolean|symbol|object|bigint|undefined)\b`)
	// A NUL character in a string, a template or a comment (vue-router's bundled
	// `new RegExp(`^\0@...`)`): valid, but the grammars' scanners take it for the end of
	// the file.
	nulCharacter = grammarGap{regexp.MustCompile("\x00"), func([]byte) []byte { return []byte{' '} }}
	// `keyof readonly T[]`.
	keyofReadonly = grammarGap{regexp.MustCompile(`\bkeyof\s+readonly\b`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("readonly"), []byte("        "), 1)
	}}
	// TypeScript 4.7 variance annotations on type parameters: `interface Box<in out T>`,
	// or one parameter a line (effect's), after a comment or not (zod's), after `const`
	// too (elysia's `<const in out Code extends number>`). Nowhere else can `in` or `out`
	// follow "<" or "," and precede a name and then ",", ">" or "=".
	variance = grammarGap{regexp.MustCompile(`[<,]\s*(?:` + jsComment + `\s*)*(?:const[ \t]+)?` + varianceModifiers.String() + `[ \t]+` + jsIdentifier + `(?:\s*[,>=]|[ \t]+extends\b)`), func(m []byte) []byte {
		loc := varianceModifiers.FindIndex(m)
		return append(append(bytes.Clone(m[:loc[0]]), bytes.Repeat([]byte(" "), loc[1]-loc[0])...), m[loc[1]:]...)
	}}
	varianceModifiers = regexp.MustCompile(`\b(?:in[ \t]+out|in|out)\b`)
	// Import assertions, `from "./x.json" assert { type: "json" }`: the attributes'
	// older spelling, which TypeScript and Node still accept; the grammar knows `with`.
	importAssertion = grammarGap{regexp.MustCompile(`\bfrom[ \t]*(?:"[^"\n]*"|'[^'\n]*')[ \t]*assert[ \t]*\{`), func(m []byte) []byte {
		i := bytes.LastIndex(m, []byte("assert"))
		return append(append(bytes.Clone(m[:i]), "with  "...), m[i+len("assert"):]...)
	}}
	// Import attributes on a re-export, `export * from "./x.json" with { type: "json" }`,
	// over several lines too (Next.js's templates): without them the statement parses,
	// and what it re-exports stays the same. Their line breaks stay.
	exportAttributes = grammarGap{regexp.MustCompile(`(?m)^[ \t]*export\b[^;\n]*\bfrom[ \t]*(?:"[^"\n]*"|'[^'\n]*')[ \t]*(?:with|assert)[ \t]*\{[^}]*\}`), func(m []byte) []byte {
		q := bytes.LastIndexAny(m[:bytes.LastIndex(m, []byte("{"))], `"'`)
		out := bytes.Clone(m)
		for i := q + 1; i < len(out); i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
		return out
	}}
	// Explicit resource management, `using x = f()` and `await using` (which only the
	// TypeScript grammar knows) and `for (using x of xs)` (which neither knows): as a
	// const declaration it parses. No line break may follow `using` there, so `using`
	// alone on its line stays an identifier.
	usingDeclaration = grammarGap{regexp.MustCompile(`\b(?:await[ \t]+)?using[ \t]+` + jsIdentifier + `(?:[ \t]*=|[ \t]+of\b)`), func(m []byte) []byte {
		name := bytes.TrimLeft(m[bytes.Index(m, []byte("using"))+len("using"):], " \t")
		return append(append([]byte("const "), bytes.Repeat([]byte(" "), len(m)-len(name)-len("const "))...), name...)
	}}
	// Deferred module evaluation (TypeScript 5.9), `import defer * as ns from "./x"`:
	// without `defer` the import is the same namespace import.
	importDefer = grammarGap{regexp.MustCompile(`\bimport[ \t]+defer[ \t]+\*`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("defer"), []byte("     "), 1)
	}}
	// A generic call signature starting a line of a type literal or an interface,
	// `<P = Params>(path: Path): T` or `<const T>(...)`, after a member ending in a type
	// (a type literal's `}` too), with comments or blank lines between or not (vite's and
	// effect's overloads have their JSDoc), its type parameters on its line or below: the
	// grammar reads type arguments of the type before it. An indentation character
	// becomes the separator.
	genericCallSignature = callSignatureGap(`(?:const\s+)?` + jsIdentifier + `\s*(?:extends\b|=|,|>)`)
	// The same in TSX (react-redux's connect overloads), where a line may start with an
	// element, `<Item key={k}>` or `<Item extends />`, but never with `<T =` or `<T,`.
	tsxGenericCallSignature = callSignatureGap(jsIdentifier + `\s*[=,]`)
	// A generic function type as a call's type argument, `toBe<<Code extends number>(code:
	// Code) => R>()` (fastify's type tests): the grammar's scanner takes the `<<` for a
	// shift. The first `<` moves one to the left, over the callee's last letter.
	genericTypeArgument = grammarGap{regexp.MustCompile(`[\w$]{2}<<[ \t]*(?:const[ \t]+)?` + jsIdentifier + `(?:[ \t]+extends\b|[ \t]*[,=]|>[ \t]*\()`), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[1], out[2] = '<', ' '
		return out
	}}
	// A declaration's anonymous default function, `export default function (fork: Fork):
	// void;` (ast-types): named, it is a function signature the grammar knows.
	anonymousDefaultSignature = grammarGap{regexp.MustCompile(`\bdefault[ \t]+function[ \t]*[(<]`), func(m []byte) []byte {
		return append(append([]byte("function "), bytes.Repeat([]byte("_"), len(m)-len("function ")-1)...), m[len(m)-1])
	}}
	// A mapped type's optional modifier spaced from its colon, `{ [K in keyof T]? : V }`,
	// as rollup-plugin-dts prints it (vitest's declarations): the colon moves up.
	mappedModifierSpace = grammarGap{regexp.MustCompile(`\][ \t]*[-+]?\?[ \t]+:`), func(m []byte) []byte {
		q := bytes.LastIndexByte(m, '?')
		return append(append(bytes.Clone(m[:q+1]), ':'), bytes.Repeat([]byte(" "), len(m)-q-2)...)
	}}
	// An escape in a template literal type, `${infer L}\{${infer R}\}` (typebox) or
	// `Missing \`Self\`` (effect), on one line or over several (ag-grid's error texts):
	// the grammar takes none there. In a template each escape becomes two underscores,
	// the character escaped too (but a line break: a line continuation ends the match).
	// No character that could end or open anything is left behind, so a string, a regular
	// expression or a template the match covers stays whole even when a backtick in a
	// string or a comment paired it wrongly.
	templateTypeEscape = grammarGap{regexp.MustCompile(`\x60(?:[^\x60\\]|\\[^\r\n])*\\[^\r\n](?:[^\x60\\]|\\[^\r\n])*\x60`), func(m []byte) []byte {
		out := bytes.Clone(m)
		for i := 0; i < len(out)-1; i++ {
			if out[i] == '\\' {
				out[i], out[i+1] = '_', '_'
			}
		}
		return out
	}}
	// A parameter named await in a function type, `(this: This, await: AwaitYield) => R`,
	// or named using (Angular's `findProviders(using: any, ...)`, drizzle's `using(using:
	// string)`): its last letter becomes an underscore.
	awaitParameter = grammarGap{regexp.MustCompile(`[(,][ \t]*(?:await|using)[ \t]*\??[ \t]*:`), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[len(bytes.TrimRight(m, " \t?:"))-1] = '_'
		return out
	}}
	// A bare `&` in JSX text right after a tag or an expression, `<b>Runtime & Build</b>`,
	// `Status {'>'} Runtime & Build` (Alertmanager's), `<b>AT&T</b>`,
	// `<Icon />& more`, `<code>a && b</code>` (Teleport's), or on the line below it
	// (Prometheus's navigation bar), and in an attribute's string,
	// `href="/?a=1&b=2"` (Traefik's): valid, since only `{<>}` may not stand in JSX text,
	// but the grammars want a character reference there. It becomes `+`, which code the
	// patterns take for JSX (`a > b & c`, `s="a&b"`) reads as well; a type's intersection
	// (`Props<T> & P`, or `A & B,` below a line ending in `<`) is not taken.
	jsxAmpersand = grammarGap{regexp.MustCompile(`[>}][ \t]*(?:\r?\n[ \t]*)?[^<>{}()\n&|=;]*\w[ \t]*&[ \t\w]|/>[ \t]*&[ \t\w]|<(?:code|kbd|pre|samp)>[^<>{}\n]*&[^<{}\n]*</|\w=(?:"[^"\n]*&[^"\n]*"|'[^'\n]*&[^'\n]*')`), ampersandAsPlus}
	// A bare `&` between words of a JSX text line below a line of text (MinIO's login page,
	// `backup & recovery.`): a line starting with a letter, without `<>{}()=;:|`, below
	// one ending in a letter, a digit or a period. Where the pattern takes code for text
	// the `+` reads as well; a type's `A & B` goes on a line ending in `<`, `,` or `(`, or
	// on one with `=` or `:`.
	jsxTextAmpersand = grammarGap{regexp.MustCompile(`(?m)[\w.][ \t]*\r?\n[ \t]*[A-Za-z][^<>{}()=;:|&\n]*[ \t]&[ \t]`), ampersandAsPlus}
	// In JavaScript, a JSX text line starting with a bare `&` below a line of text (OPA's
	// site): as in jsxAmpersand it becomes `+`, which reads as well where the line goes on
	// an expression (`a\n  & b`). Not in TSX, where such lines go on intersection types.
	jsxAmpersandLine = grammarGap{regexp.MustCompile(`\w[ \t]*\r?\n[ \t]*&[ \t]`), ampersandAsPlus}
	// ampersandAsPlus is the JSX gaps' rewrite.
	ampersandAsPlus = func(m []byte) []byte { return bytes.ReplaceAll(m, []byte("&"), []byte("+")) }
	// A decorator's parenthesized expression, `@(task(function* () {...}).drop())`
	// (ember-concurrency's, in Vault's UI), which the grammars do not know: with the
	// indentation before it, `@_(` calls a decorator with the expression.
	parenthesizedDecorator = grammarGap{regexp.MustCompile(`[ \t]@\(`), func([]byte) []byte {
		return []byte("@_(")
	}}
	// Babel's export-default-from, `export default from './Confirm'` or `export Confirm
	// from './addons/Confirm'`, which React Native's Babel preset enables
	// (semantic-ui-react's sources): as `export *` it parses.
	exportDefaultFrom = grammarGap{regexp.MustCompile(`\bexport[ \t]+` + jsIdentifier + `[ \t]+from[ \t]*["']`), func(m []byte) []byte {
		rest := bytes.TrimLeft(m[len("export"):], " \t")
		start := len(m) - len(rest)
		end := start + bytes.IndexAny(rest, " \t")
		out := bytes.Clone(m)
		out[start] = '*'
		for i := start + 1; i < end; i++ {
			out[i] = ' '
		}
		return out
	}}
	// Decorators' auto-accessors in JavaScript classes, `accessor x = 1` (the TypeScript
	// grammar knows them): as a field it parses.
	autoAccessor = grammarGap{regexp.MustCompile(`\baccessor[ \t]+[#\[A-Za-z_$]`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("accessor"), []byte("        "), 1)
	}}
)

// isFlow reports whether a JavaScript file is Flow-typed, as Flow itself decides: a
// library definition in a flow-typed directory (`declare module "x" { ... }`, which needs
// no pragma: mapbox-gl's), or `@flow` in the comments the file opens with (a shebang line
// may come first).
func isFlow(rel string, src []byte) bool {
	if strings.HasPrefix(rel, "flow-typed/") || strings.Contains(rel, "/flow-typed/") {
		return true
	}
	rest := src
	if bytes.HasPrefix(rest, []byte("#!")) {
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[i+1:]
		}
	}
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		var comment []byte
		switch {
		case bytes.HasPrefix(rest, []byte("//")):
			end := bytes.IndexByte(rest, '\n')
			if end < 0 {
				end = len(rest)
			}
			comment, rest = rest[:end], rest[end:]
		case bytes.HasPrefix(rest, []byte("/*")):
			end := bytes.Index(rest, []byte("*/"))
			if end < 0 {
				return false
			}
			comment, rest = rest[:end], rest[end+2:]
		default:
			return false
		}
		if flowPragma.Match(comment) {
			return true
		}
	}
}

var flowPragma = regexp.MustCompile(`@flow\b`)

// typeScriptGaps are the gaps of the TypeScript and TSX grammars, which differ in how
// they take a line starting with `<`.
func typeScriptGaps(callSignature grammarGap) []grammarGap {
	return []grammarGap{nulCharacter, exportTypeStar, importType, exportImportRequire, destructuredFirstParameter, accessorMember, typeNamedParameter, typeofUndefined, typeAsName, keywordNamespace, asiBeforeBracket, globalBlock, abstractMember, abstractOverride, asName, inMember, inPrefixedName, keyofReadonly, variance, importAssertion, exportAttributes, usingDeclaration, importDefer, callSignature, genericTypeArgument, anonymousDefaultSignature, awaitParameter, mappedModifierSpace, templateTypeEscape, parenthesizedDecorator}
}

// callSignatureGap is genericCallSignature with typeParameters, the pattern of the text
// after its `<`.
func callSignatureGap(typeParameters string) grammarGap {
	return grammarGap{regexp.MustCompile(`[\w$\])>}][ \t]*\r?\n(?:[ \t]*` + jsComment + `?[ \t]*\r?\n)*[ \t]*[ \t]<\s*` + typeParameters), func(m []byte) []byte {
		out := bytes.Clone(m)
		out[bytes.LastIndexByte(m, '<')-1] = ';'
		return out
	}}
}

// goTypeKeywords start type literals, which the builtins take.
var goTypeKeywords = map[string]bool{"func": true, "struct": true, "interface": true, "map": true, "chan": true}

const (
	jsComment     = `(?:/\*(?s:.*?)\*/|//[^\n]*)`
	jsIdentifier  = `[A-Za-z_$][\w$]*`
	jsIdentifiers = jsIdentifier + `(?:[ \t]*,[ \t]*` + jsIdentifier + `)*`
)

// neutralize rewrites the language's known grammar gaps and returns the rewritten text
// (the same length, or one newline longer) and the lines it touched, or nil when none
// occur.
func neutralize(lang *Language, src []byte) ([]byte, map[int]bool) {
	var out []byte
	text := src // out once a rewrite made it
	lines := map[int]bool{}
	for _, gap := range grammarGaps[lang.ID] {
		// A rewrite can uncover a match it overlapped: new(new(5)).
		for changed := true; changed; {
			changed = false
			for _, loc := range gap.pattern.FindAllIndex(text, -1) {
				match := text[loc[0]:loc[1]]
				rewritten := gap.rewrite(match)
				if bytes.Equal(rewritten, match) {
					continue
				}
				if out == nil {
					out = bytes.Clone(src)
					text = out
				}
				copy(out[loc[0]:loc[1]], rewritten)
				changed = true
				first := bytes.Count(src[:loc[0]], []byte("\n"))
				for line := first; line <= first+bytes.Count(match, []byte("\n")); line++ {
					lines[line] = true
				}
			}
		}
	}
	// The Go grammar wants a newline after the last declaration (`type T struct{}` at
	// the end of a file without one); the go command does not. Appended, it moves no
	// position.
	if lang.ID == "go" && len(src) > 0 && src[len(src)-1] != '\n' {
		if out == nil {
			out = bytes.Clone(src)
		}
		out = append(out, '\n')
		lines[bytes.Count(src, []byte("\n"))] = true
	}
	return out, lines
}

// syntaxErrors returns the syntax errors of src, parsed as tree: the innermost ERROR
// nodes and the MISSING nodes tree-sitter inserted to recover (an injected error is
// sometimes only a zero-width MISSING ")"). Known grammar gaps are not reported.
func syntaxErrors(ctx context.Context, p *parsers, lang *Language, src []byte, tree *sitter.Tree) ([]Diagnostic, error) {
	if !hasError(tree) {
		return nil, nil
	}
	found := collectSyntaxErrors(tree.RootNode(), src)
	neutral, rewritten := neutralize(lang, src)
	if neutral == nil {
		return found, nil
	}
	clean, err := p.parse(ctx, lang, neutral)
	if err != nil {
		return nil, err
	}
	defer clean.Close()
	if !hasError(clean) {
		return nil, nil
	}
	hadError := map[int]bool{}
	for _, d := range found {
		for line := d.Range.Start.Line; line <= d.Range.End.Line; line++ {
			hadError[line] = true
		}
	}
	// Messages quote the original text: the rewrite keeps every byte offset (and may add
	// a newline at the end, which no range may reach).
	original := append(src[:len(src):len(src)], neutral[len(src):]...)
	end := pointAt(src, len(src))
	last := Position{Line: int(end.Row), Column: int(end.Column)}
	out := slices.DeleteFunc(collectSyntaxErrors(clean.RootNode(), original), func(d Diagnostic) bool {
		return rewritten[d.Range.Start.Line] && !hadError[d.Range.Start.Line]
	})
	for i := range out {
		for _, p := range []*Position{&out[i].Range.Start, &out[i].Range.End} {
			if before(last, *p) {
				*p = last
			}
		}
	}
	return out, nil
}

// collectSyntaxErrors walks only the subtrees that contain errors, iteratively (a file
// nested 10,000 deep must not exhaust a stack), reporting each defect once.
func collectSyntaxErrors(root *sitter.Node, src []byte) []Diagnostic {
	var found []Diagnostic
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	for {
		n := c.CurrentNode()
		descend := false
		switch {
		case n.IsMissing():
			found = append(found, syntaxDiagnostic(n, fmt.Sprintf("syntax error: missing %s", quoteToken(n.Type()))))
		case n.IsError():
			if errorInside(n) {
				descend = true // report the precise inner defects instead of the whole region
			} else {
				found = append(found, syntaxDiagnostic(n, "syntax error: unexpected "+snippet(src[n.StartByte():n.EndByte()])))
			}
		case n.HasError():
			descend = true
		}
		if descend && c.GoToFirstChild() {
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return found
			}
		}
	}
}

func errorInside(n *sitter.Node) bool {
	for i := range int(n.ChildCount()) {
		child := n.Child(i)
		if child.IsError() || child.IsMissing() || child.HasError() {
			return true
		}
	}
	return false
}

func syntaxDiagnostic(n *sitter.Node, message string) Diagnostic {
	start, end := n.StartPoint(), n.EndPoint()
	return Diagnostic{
		Range:    Range{Start: Position{int(start.Row), int(start.Column)}, End: Position{int(end.Row), int(end.Column)}},
		Severity: SeverityError,
		Rule:     RuleSyntaxError,
		Message:  message,
	}
}

func quoteToken(t string) string {
	switch t {
	case "\n":
		return "newline"
	case "":
		return "token"
	}
	if strings.IndexFunc(t, func(r rune) bool { return r == '_' || r >= 'a' && r <= 'z' }) == 0 && len(t) > 1 {
		return t // a node kind such as identifier
	}
	return "`" + t + "`"
}

// snippet shows the start of the unexpected text on one line.
func snippet(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	if s == "" {
		return "end of input"
	}
	return "`" + s + "`"
}
