package analysis

import (
	"context"
	"strings"
	"testing"
)

func checkSource(t *testing.T, name, src string) []Diagnostic {
	t.Helper()
	p := &parsers{}
	defer p.close()
	lang := LanguageFor(name)
	if lang == nil {
		t.Fatalf("no language for %s", name)
	}
	f, err := parseFile(context.Background(), p, name, []byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	return f.syntax
}

func TestSyntaxErrorsFound(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int // 0-based, bytes
		message   string
	}{
		{"a.go", "package p\n\nfunc f() { g(1, 2 }\n", 2, 17, "missing `)`"},
		{"a.go", "package p\n\nfunc f() {\n\tx := \n}\n", 3, 5, "missing identifier"},
		{"a.ts", "export function f(a: number {\n  return a;\n}\n", 0, 0, ""},
		{"a.tsx", "const x = <div>{</div>;\n", 0, 0, ""},
		{"a.js", "const s = \"é日\"; let y = (1 + ;\n", 0, 0, ""},
		{"a.mjs", "import { a from './a.mjs';\n", 0, 0, ""},
		{"a.py", "def f(:\n    pass\n", 0, 6, "missing `)`"},
		{"a.pyi", "class C(\n", 0, 0, ""},
	}
	for _, c := range cases {
		ds := checkSource(t, c.name, c.src)
		if len(ds) == 0 {
			t.Errorf("%s %q: no syntax error found", c.name, c.src)
			continue
		}
		for _, d := range ds {
			if d.Rule != RuleSyntaxError || d.Severity != SeverityError {
				t.Errorf("%s: %+v", c.name, d)
			}
		}
		if c.message != "" && (ds[0].Range.Start != Position{c.line, c.col} || !strings.Contains(ds[0].Message, c.message)) {
			t.Errorf("%s %q: first finding %+v, want %q at %d:%d", c.name, c.src, ds[0], c.message, c.line, c.col)
		}
	}
}

func TestValidCodeAndGrammarGapsAreSilent(t *testing.T) {
	cases := []struct{ name, src string }{
		{"a.go", "package p\n\nfunc Map[T, U any](xs []T, f func(T) U) []U { return nil }\n\nvar n = new(int)\n"},
		{"gap.go", "package p\n\nvar p = new(1 + 2)\nvar q = new(int64(3))\nvar r = new(new(5))\nvar s = new(T{A: 1})\nvar t = new(x + y)\nvar u = new(struct {\n\tA int\n})\n"}, // Go 1.26 new(expr)
		{"expr.go", "package p\n\nvar a = []any{new(x * 2), new(d * time.Second), new(s[0]), new(m[\"k\"] + 1), new(s[1:]), new(<-ch), new(v.(int)), new(-x), new(func() int { return 1 }())}\nvar b = []any{make(chan *int), make(chan<- int, 1), new(<-chan int), new(*int), new(func(*T) int), new(Box[*T]), make(map[string]*T), make(Slice, 2)}\n"}, // Go 1.26 new(expr), beside types
		{"literal.go", "package p\n\nvar a = new([]int{1, 2})\nvar b = new(map[string][]int{\"a\": nil})\nvar c = new(struct{}{})\nvar d = new([2]*T{})\nvar e = new(struct{ A int }{A: 1})\n"},
		{"a.ts", "import type { A } from './a';\nexport * as ns from './b';\nexport const f = <T,>(x: T): T => x;\n"},
		{"gap.ts", "export type * from \"./types\";\nexport type * as T from './t';\n"}, // TS 5.0
		{"gap2.ts", "const m = load<typeof import(\"./mod\")>();\n"},
		{"a.tsx", "export const C = () => <div className=\"x\">{[1].map(i => <b key={i}>{i}</b>)}</div>;\n"},
		{"a.jsx", "export default function A() { return <>{'é'}</>; }\n"},
		{"a.cjs", "const x = require(`./${name}`);\nmodule.exports = { x };\n"},
		{"a.py", "from . import x\n\ndef f(a, b=1, *args, c, **kw):\n    return f\"{a!r:>10}\"\n"},
		{"gap.py", "name = 'w'\ngreeting = t\"hello {name}\"\nraw = tr'\\d {name}'\n"}, // Python 3.14 t-strings
		{"fill.py", "title = 'x'\nprint(f\"{title:=^40}\", f'{title:=<9}', rf\"{title!r:=>9}\")\n"},
	}
	for _, c := range cases {
		if ds := checkSource(t, c.name, c.src); len(ds) != 0 {
			t.Errorf("%s: reported valid code: %+v", c.name, ds)
		}
	}
}

func TestGrammarGapsDoNotHideRealErrors(t *testing.T) {
	src := "package p\n\nvar p = new(1 + 2)\n\nfunc f() { g( }\n"
	ds := checkSource(t, "a.go", src)
	if len(ds) != 1 || ds[0].Range.Start.Line != 4 {
		t.Errorf("want exactly the error on line 5, got %+v", ds)
	}
	src = "package p\n\nvar p = new(s[0] +)\nvar q = new(x * 2)\n"
	if ds := checkSource(t, "b.go", src); len(ds) == 0 || ds[0].Range.Start.Line != 2 {
		t.Errorf("want the error in new(...) on line 3, got %+v", ds)
	}
}

func TestDeepNestingIsBounded(t *testing.T) {
	depth := 10000
	src := "x = " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n"
	_ = checkSource(t, "deep.py", src) // completes without exhausting a stack
	broken := "const x = " + strings.Repeat("(", depth) + "1" + strings.Repeat(")", depth-1) + ";\n"
	if ds := checkSource(t, "deep.js", broken); len(ds) == 0 {
		t.Error("an unbalanced 10,000-deep expression was not reported")
	}
}

func TestGrammarGapRewritesAddNoErrors(t *testing.T) {
	// new(struct{}) and new([]int) are valid and parse; rewritten to nex(...) they would not. With a
	// real error elsewhere in the file the rewrite runs, and must not report it.
	src := "package p\n\nvar a = new(1 + 2)\nvar b = new(struct{})\nvar c = new(struct {\n\tA int\n})\nvar d = make([]int, 3)\nvar e = new([]int)\nvar f = new(map[string]int)\n\nfunc f() { g( }\n"
	ds := checkSource(t, "a.go", src)
	if len(ds) != 1 || ds[0].Range.Start.Line != 11 {
		t.Errorf("want exactly the error on line 12, got %+v", ds)
	}
}

func TestMoreGrammarGapsAreSilent(t *testing.T) {
	cases := []struct{ name, src string }{
		{"types.d.ts", "export declare function f<T>(x: T): import(\"../Observable\").Observable<T>;\n"},
		{"asi.js", "const gen = (a) => {\n  return a\n}\n\n  [1, 2].forEach(gen)\n"},
		{"asi.ts", "function f() {\n}\n  (async () => {})()\n"},
		{"dyn.ts", "const m = await import('./mod');\nimport('./x').then(x => x);\n"},
		// Seen in released packages (@types/node, argparse, undici, typescript's lib).
		{"buffer.d.ts", "declare module \"buffer\" {\n    global {\n        interface BufferConstructor {}\n    }\n}\n"},
		{"members.ts", "interface I {\n    abstract?: boolean;\n    abstract(): void;\n}\nclass C {\n    abstract: boolean = false;\n}\ninterface Parameter {\n    name: string\n    in: \"query\" | \"header\"\n}\n"},
		{"keyof.d.ts", "type T = { [K in keyof readonly any[]]?: boolean };\n"},
		{"declared.js", "function f(args) {\n    let argv\n    [ args, argv ] = g(args)\n    var a, b\n\n    (a) = b\n}\n"},
		{"field.js", "class U {\n  #abort\n\n  [kResume] = null\n}\n"},
		// TypeScript 4.7 variance, import assertions, attributes on re-exports (effect,
		// older JSON imports), and JavaScript's `using` and auto-accessors.
		{"variance.ts", "interface Box<in out T> { v: T }\ntype Get<out T> = () => T;\nclass C<in T, out U extends T = T> {}\nfor (const k in o) {}\ninterface Z<\n  /** @ts-ignore Cast variance */\n  out T extends string = string,\n  // contravariant\n  in U\n> { a: T }\n"},
		{"assert.ts", "import data from \"./data.json\" assert { type: \"json\" };\nexport * from './d.json' with { type: 'json' };\n"},
		{"assert.mjs", "import data from './data.json' assert { type: 'json' };\nexport { default as d } from './data.json' with { type: 'json' };\n"},
		{"app-page.js", "export * from '../../server/entry-base' with {\r\n    'turbopack-transition': 'next-server-utility'\r\n};\nexport const handler = 1;\n"},
		{"using.mjs", "async function f() {\n  await using r = open();\n  using s = open();\n  using(s);\n  for (using t of ts) {}\n}\nclass K { accessor x = 1; static accessor #y; accessor() {} }\n"},
		{"using.ts", "for (await using t of ts) {}\nimport defer * as ns from \"./x\";\n"},
		// Declarations seen in router's and ast-types' types and quickjs-emscripten's:
		// generic call signatures a line apart, an anonymous default function, a parameter
		// named await in a function type.
		{"router.d.ts", "type RouterMethod<T> = {\n    <R extends string, P = Params>(path: R): T\n    <P = Params>(path: Path): T\n    <F, G>(path: F): T\n}\ninterface Ctor {\n    (o?: Options): Router\n    new (o?: Options): Router\n}\n"},
		{"babel.d.ts", "import { Fork } from \"../types\";\nexport default function (fork: Fork): void;\n"},
		{"shared.d.ts", "export default function <T>(fork: T): { geq: (than: any) => T };\n"},
		{"asyncify.d.ts", "export declare function maybeAsync<R, This>(that: This, start: (this: This, await: Yield) => R): R;\n"},
		{"view.d.ts", "declare class View {\n    using(using: string): this;\n    findProviders(el: any, using?: any): any[];\n}\n"},
		// vite's overloads, each after its JSDoc, one with its type parameters on lines of
		// their own; vitest's bundled mapped types; typebox's escapes in template types.
		{"importGlob.d.ts", "interface ImportGlob {\n  /**\n   * Overload 1\n   */\n  <Eager extends boolean>(glob: string): Eager extends true\n    ? Record<string, unknown>\n    : Record<string, () => Promise<unknown>>\n  // the module's type.\n  /**\n   * Overload 2\n   */\n  <M>(glob: string): Record<string, M>\n  <\n    T,\n  >(glob: string, eager: true): Record<string, T>\n}\n"},
		{"mapped.ts", "type M<T> = Record<string, T> & { [K in keyof T]? : T[K] };\ntype R<T> = { -readonly [K in keyof T] -? :T[K] };\nconst pick = (a: number[], i: number) => a[i] ? 1 : 2;\n"},
		{"syntax.d.ts", "type S<T extends string> = T extends `${infer L}$\\{${infer R}\\}` ? [L, R] : T extends `${infer A}\\\\${infer B}\\n` ? [A, B] : [];\n"},
		{"overloads.ts", "export declare const provide: {\n  <I>(key: I): {\n    (impl: I): <A>(self: A) => A\n  }\n  <I>(key: I, impl: I): I\n\n  <const L extends [I, ...Array<I>]>(layers: L): L\n}\n"},
		{"self.d.ts", "type Missing<U extends string> = `Missing \\`Self\\` generic - use \\`class Self extends ${U}<Self>\\``;\ntype Dollar = `\\${a}`;\n"},
		// react-redux's overloads in TSX, beside elements starting lines; fastify's type tests.
		{"connect.tsx", "interface Connect<DefaultState = unknown> {\n  (): Enhancer\n\n  /** mapState only */\n  <TStateProps = {}, no_dispatch = {}>(\n    m: M<TStateProps>,\n  ): Enhancer\n  <no_state = {}, D = {}>(m: null): Enhancer\n}\nconst List = () => (\n  <ul>\n    <Item extends />\n    <Item key={1}>{[1]}</Item>\n  </ul>\n)\n"},
		{"reply.tst.ts", "expect(reply.code).type.toBe<<Code extends number>(statusCode: Code) => Reply<Code>>()\ntoBe<<T,>(x: T) => T>();\ntoBe<<T>(x: T) => T>();\nconst c = a<<b, d = a << 2;\n"},
		{"reply.tst.tsx", "toBe<<const T extends string>(x: T) => T>();\n"},
		// lexical's `typeof undefined`; acorn-walk's mapped type keyed by `type`; geotiff's
		// namespaces, as tsc emits them, with a member named type.
		{"classNames.ts", "export function f(...c: (typeof undefined | boolean)[]): void {}\nlet u: typeof undefined = typeof undefined;\n"},
		{"walk.d.ts", "export type V<S> = {\n  [type in acorn.AnyNode[\"type\"]]?: (node: Extract<acorn.AnyNode, { type: type }>, state: S) => void\n} & {\n  [type in keyof AggregateType]?: (node: AggregateType[type], state: S) => void\n}\n"},
		// arktype's namespaces named like type keywords; io-ts's export of type renamed.
		{"keywords.d.ts", "export declare const number: number.module;\ninterface W {\n    string: string.submodule;\n    unknown: unknown.submodule;\n}\ntype M = { [i in keyof defs]: type.validate<defs[i], $> & (type.infer<defs[i], $> extends object ? unknown : E) };\n"},
		{"io-ts.d.ts", "export {\n  /**\n   * Use `type` instead.\n   */\n  type as interface\n}\n"},
		{"globals.d.ts", "export namespace tags {\n    namespace NewSubfileType {\n        export let tag: 254;\n        import type = fieldTypes.LONG;\n        export { type };\n        export { tag as id, type, };\n    }\n}\n"},
		// @zxing/text-encoding's renamed destructuring; elysia's const variant parameters.
		{"encoding-factory.d.ts", "declare type XCoderFactory<T = E> = ({ fatal: boolean }: {\n    fatal: any;\n}) => T;\n"},
		{"elysia.d.ts", "export default class Elysia<const in out BasePath extends string = '', const out S = {}> {}\n"},
		{"errorText.d.ts", "export type Texts = {\n    26: (p: { fnName: string }) => `Grid API function \\`${string}()\\` cannot be called.\n Either check \\`gridApi.isDestroyed()\\` or use the \\`gridPreDestroyed\\` event. See: ${string}`;\n};\n"}, // ag-grid's
		// Prometheus's navigation bar: a bare & in JSX text, inline and on a line of its own.
		{"Navbar.tsx", "export const A = () => <b>Runtime & Build</b>;\nexport const B = () => (\n  <b>\n    Runtime & Build Information\n  </b>\n);\ntype T = Array<A> & B;\nconst c = a & b, d = f(x & y) && z;\n"},
		{"Login.tsx", "export const P = () => (\n  <span>\n    MinIO is a cloud-native object store built to run on any\n    infrastructure - public, private or edge clouds. Primary use cases\n    include data lakes and fast\n    backup & recovery. MinIO is dual licensed.\n  </span>\n);\n"}, // MinIO's login page
		{"intersection.tsx", "interface Connect {\n  (): E\n  <S = {}, D = {}>(\n    m: M<S>,\n  ): E<\n    S & D,\n    O\n  >\n}\ntype U = [Foo<A>, B & C];\n"},                                                                                                                                    // not JSX text
		{"Navbar.jsx", "export const A = () => <b>Q & A &amp; more</b>;\nexport const B = () => <a>Terms, Privacy & Cookies at AT&T</a>;\nexport const C = () => (\n  <p>\n    OPA decouples policy. Security\n    & platform teams manage it.\n  </p>\n);\nconst d = a\n  & b;\n"},
		// Traefik's links; Vault's Ember UI: a parenthesized decorator, a field named accessor.
		{"HubDashboard.tsx", "export const L = () => <a href=\"https://x.io/?a=1&b=2\" data-x='p&q' title=\"Q & A\">x</a>;\nexport const M = () => <F><PlusIcon size={24} />& much more!</F>;\nexport const S = () => <B>\n  Status {'>'} Runtime & Build Information\n</B>;\nexport const N = () => <p><code>&&</code> and <code>labels[\"key\"] == \"v\" && search(\"foo\")</code></p>;\n"},
		{"Confirm/index.js", "export default from './Confirm'\nexport default from \"./Other\";\nexport Confirm from './addons/Confirm'\nexport  X\tfrom './x';\n"}, // semantic-ui-react's Babel proposal
		{"config.js", "class C {\n  @(task(function* () {\n    yield 1;\n  }).drop())\n  save;\n}\n"},
		{"config.ts", "class C {\n  @(task(function* () {\n    yield 1;\n  }).drop())\n  save: T;\n  accessor: string;\n  accessor?: number;\n}\n"},
		// luma.gl's abstract properties that override; vega-lite's variables named as.
		{"canvas.ts", "export abstract class C extends B {\n  abstract override readonly handle: unknown;\n  protected abstract  override device: D;\n}\n"},
		{"bin.ts", "function f() {\n  let as: [string, string];\n}\nfunction g() {\n  var as = 2;\n}\nclass G {\n  constructor(private fields: F, private as: [string, string]) {}\n}\nclass H {\n  constructor(readonly as?: string, public as2 = 1) {}\n}\n"},
		{"bin.tsx", "let as = 1;\nexport { as };\n"},
		{"template.tsx", "type S<T extends string> = T extends `${infer L}\\u{1F600}` ? L : never;\n"},
		// MUI's declarations: a function type's first parameter destructuring one name,
		// its `}` on a line of its own, or optional.
		{"Autocomplete.d.ts", "export type GetTagProps = ({\n  index\n}: {\n  index: number;\n}) => {\n  key: number;\n};\ntype F = ({ a }?: T) => void;\n"},
		{"grid.tsx", "export declare const styles: ({\n  ownerState\n}: Props) => {};\n"},
		// Flow comment types over several lines (emotion's Babel plugin).
		{"flow.js", "let imports /*: Array<{\n  source: string\n}> */ = [\n  1\n]\nlet a /*\n*/\t, b\n"},
		// axios's AxiosHeaders, mobx's devtools hook, seroval's tuples.
		{"headers.d.ts", "declare class H {\n  static accessor(header: string | string[]): H;\n  accessor(h: string): H;\n  static accessor<T>(h: T): H;\n}\n"},
		{"names.ts", "declare const hook: { inject: (any) => void, g: ( string )=> 1 };\ntype T = [promise: P, symbol: S];\ntype U = [\n  undefined?: 1,\n  bigint : 2\n];\n"},
		// vue-router's bundle: NUL characters in a template and a string.
		{"unplugin.mjs", "const ids = [\n\tnew RegExp(`^\x00@${PATH}$`),\n\t\"\x00virtual\",\n];\nexport { ids };\n"},
		{"nul.ts", "const s: string = `\x00${a}`; // \x00\n"},
		{"nul.tsx", "const s = '\x00';\n"},
		// The aws-sdk's clients/all.d.ts.
		{"all.d.ts", "export import ACM = require('./acm');\nexport  import\tAPIGateway=require(\"./apigateway\");\nnamespace N { export import B = M.b; }\n"},
		{"alias.tsx", "export import ACM = require('./acm');\n"},
		// @exodus/bytes's base58, without semicolons: a name starting "in" and a digit, "_"
		// or "$" on the line after an expression.
		{"base58.js", "while (y) {\n  const d = y / _58n\n  in58.push(Number(y - _58n * d))\n  y = d\n}\n"},
		{"progress.ts", "let in_progress = 0\nconst d = z\n  in_progress = 1\nconst e = z\nin$ = 2\n"},
		{"progress.tsx", "const d = z\nin_progress = 1\n"},
		// Python 3.13 type parameter defaults.
		{"defaults.py", "class C[T = int]:\n    pass\n\ndef f[T = int, U: str = str](x: T) -> T:\n    return x\n\ntype Alias[T = dict[str, int]] = list[T]\n"},
		// The go command takes a file without a final newline; the grammar did not.
		{"eof.go", "package p\n\ntype T struct{}"},
		{"eof2.go", "package p\n\nconst (\n\tA = 1\n)"},
		{"alias.go", "package p\n\ntype Set[K comparable] = map[K]struct{}\n\ntype (\n\tList[T any]       = []T\n\tPair[A, B any]    = struct{ a A; b B }\n\tNum[N ~int | ~float64] = N\n)\n\nfunc f(m map[string]int, k string) { m[k] = 1 }\n"},
	}
	for _, c := range cases {
		if ds := checkSource(t, c.name, c.src); len(ds) != 0 {
			t.Errorf("%s: reported valid code: %+v", c.name, ds)
		}
	}
	// A real error next to a rewrite is still found.
	if ds := checkSource(t, "real.js", "const g = () => {\n}\n  [1].map(g)\nlet y = (1 + ;\n"); len(ds) != 1 || ds[0].Range.Start.Line != 3 {
		t.Errorf("want the error on line 4, got %+v", ds)
	}
	if ds := checkSource(t, "real.ts", "interface Box<in out T> { v: T }\nlet y = (1 + ;\n"); len(ds) != 1 || ds[0].Range.Start.Line != 1 {
		t.Errorf("want the error on line 2, got %+v", ds)
	}
	if ds := checkSource(t, "real-attributes.mjs", "export * from './x' with {\n  type: 'json'\n};\nlet y = (1 + ;\n"); len(ds) != 1 || ds[0].Range.Start.Line != 3 {
		t.Errorf("want the error on line 4, got %+v", ds)
	}
	if ds := checkSource(t, "real.jsx", "const a = <b>Q & A</b>;\nlet y = (1 + ;\n"); len(ds) != 1 || ds[0].Range.Start.Line != 1 {
		t.Errorf("want the error on line 2, got %+v", ds)
	}
	if ds := checkSource(t, "real.mjs", "using s = open(;\n"); len(ds) != 1 {
		t.Errorf("want the error in the using declaration, got %+v", ds)
	}
	// A backtick in a string pairs a template's match wrongly: the escapes it then rewrites
	// in that string and a regular expression still end where they did, and a template
	// still ends at its own backtick.
	paired := "const q = \"`\\`\\{\", r = /\\/[\\]\\\\]/, t = `a\\nb`;\nlet y = (1 + ;\ntype S = `\\{`;\nconst u = `\\`\\{`, v = `\\{\\${`;\nconst z = `ok`;\n"
	if ds := checkSource(t, "paired.ts", paired); len(ds) != 1 || ds[0].Range.Start.Line != 1 {
		t.Errorf("want the error on line 2, got %+v", ds)
	}
}

// A syntax error is one finding: definitions its recovery lost are not reported missing
// where they are used, nor calls checked against them. A name the broken file does not
// mention at all is still missing.
func TestSyntaxErrorsDoNotCascade(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":          "module example.com/c\n\ngo 1.22\n",
		"b/b.go":          "package b\n\nfunc First() {}\n\nvar x = []int{1, 2\n\nfunc Second(a int) {}\n",
		"main.go":         "package main\n\nimport \"example.com/c/b\"\n\nfunc main() { b.First(); b.Second(); b.Gone() }\n",
		"pkg/mod.py":      "def first(): pass\n\nx = [1, 2\n\ndef second(a): pass\n",
		"use.py":          "from pkg.mod import first, second, gone\nsecond()\n",
		"x.ts":            "export function first() {}\nexport function broken( { }\nexport function second(a: number) {}\n",
		"y.ts":            "import { first, second, gone } from \"./x\";\nsecond();\n",
		"pkg/__init__.py": "",
		// A half-written copy of a function beside it: the syntax error, not a duplicate.
		"dup/a.go": "package dup\n\nfunc F( {\n}\n\nfunc F() {}\n",
		"dup.py":   "def f(:\n    pass\n\ndef f():\n    pass\n",
	})
	expectFindings(t, root,
		"b/b.go:7:1 syntax-error",
		"b/b.go:7:13 syntax-error",
		"b/b.go:7:20 syntax-error",
		"dup.py:1:7 syntax-error",
		"dup/a.go:3:8 syntax-error",
		"main.go:5:40 missing-export",
		"pkg/mod.py:5:1 syntax-error",
		"use.py:1:36 missing-export",
		"x.ts:2:25 syntax-error",
		"y.ts:1:25 missing-export",
	)
}

// A file whose only errors are grammar gaps reports none, but its facts come from the
// parse that had them, whose recovery may have lost some (here ast-types' anonymous
// default function): it is judged like a broken file.
func TestGrammarGapFilesAreJudgedLikeBrokenOnes(t *testing.T) {
	root := writeTree(t, map[string]string{
		"babel.d.ts": "import { Fork } from \"./types\";\nexport default function (fork: Fork): void;\nexport function helper(a: number): void;\n",
		"types.ts":   "export interface Fork {}\n",
		"use.ts":     "import babel, { helper } from \"./babel\";\n",
	})
	expectFindings(t, root)
}

// A Flow-typed JavaScript file (`@flow` in its opening comment) is not reported for the
// annotations the JavaScript grammar rejects, and what it exports is not reported
// missing; without the pragma the same file's errors are reported. One whose text
// assigns module.exports exports that object, which the parse may have lost: nothing
// is reported missing from it.
func TestFlowFilesAreNotSyntaxErrors(t *testing.T) {
	flow := "export type Props = {| +name: string |};\nexport function helper(name: string, x: mixed): string { return name; }\nexport const VALUE: number = 1;\n"
	root := writeTree(t, map[string]string{
		"a.js": "#!/usr/bin/env node\n/**\n * Copyright.\n *\n * @flow strict\n */\n" + flow,
		// An object the parse leaves open swallows module.exports, as the recovery from
		// React Native's Flow casts in LayoutAnimation.js does.
		"View.js":  "// @flow\nimport Platform from 'platform';\n\nconst Presets = {\n  spring: {\n    update: {\n\nmodule.exports = Presets;\n",
		"c.js":     "import {helper, VALUE, gone} from './a';\nhelper('x', VALUE);\nimport View from './View';\n",
		"plain.js": "// no pragma\n" + flow,
		// A library definition needs no pragma in a flow-typed directory (mapbox-gl's).
		"flow-typed/unitbezier.js":    "declare module \"@mapbox/unitbezier\" {\n  declare class UnitBezier { constructor(p1x: number): UnitBezier; }\n  declare module.exports: typeof UnitBezier;\n}\n",
		"lib/flow-typed/npm/point.js": "declare module \"point\" {\n  declare type Point = {| x: number |};\n}\n",
	})
	got := findings(t, root)
	if len(got) < 2 || got[0] != "c.js:1:24 missing-export" || !strings.HasPrefix(got[1], "plain.js:") {
		t.Errorf("findings: %v; want gone missing, then plain.js's syntax errors", got)
	}
	for _, g := range got {
		if strings.HasPrefix(g, "a.js:") || strings.Contains(g, "flow-typed/") {
			t.Errorf("reported in a Flow file: %s", g)
		}
	}
}

func TestMentionsWholeWordsOnly(t *testing.T) {
	f := &fileFacts{text: "x = gonext(1) // π, gone_ and $gone\ndef last"}
	for name, want := range map[string]bool{"gonext": true, "gone": false, "π": true, "last": true, "las": false, "x": true, "": false} {
		if got := f.mentions(name); got != want {
			t.Errorf("mentions(%q) = %v, want %v", name, got, want)
		}
	}
	if (&fileFacts{}).mentions("x") {
		t.Error("a clean file mentions nothing")
	}
}
