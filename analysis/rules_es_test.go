package analysis

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const formatTS = `export function formatPrice(cents: number, currency = "EUR"): string { return ""; }
export function join(sep: string, ...parts: string[]): string { return parts.join(sep); }
export const double = (x: number) => x * 2;
export function over(a: number): void;
export function over(a: string, b: string): void;
export function over(a: any, b?: any) {}
export default function main(this: Window, a: number) {}
export interface Money { cents: number }
export type Currency = "EUR" | "USD";
export enum Kind { A }
const local = 1;
export { local as renamed };
`

func TestESCrossFileFindings(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/format.ts": formatTS,
		"src/index.ts":  "export * from './format';\nexport { double as twice } from './format';\n",
		"src/app.ts": `import main, { formatPrce, formatPrice, renamed } from "./format";
import { twice, join, missingThing } from "./index";
import * as fmt from "./format";
import { x } from "./nowhere";
import "./styles.css";

formatPrice(1, "EUR", true);
twice(1, 2);
fmt.formatPrice();
fmt.gone();
main(1);
export { nothing } from "./format";
`,
		"src/styles.css": "body {}",
		"src/dup.ts":     "export const a = 1;\nexport function f() {}\nexport const a = 2;\nfunction f() {}\n",
		// A function renamed while the export list keeps its old name.
		"src/list.js": "function renamedSum(a, b) { return a + b; }\nconst kept = 1;\nexport { kept, sum, product as times };\nconst api = { sum: sum, product, twice: (x) => sum(x, x) };\n",
		// A code generator's template: what $OUTPUT stands for declares $root. Its
		// syntax error is the one finding.
		"src/wrapper.js": "import $protobuf from $DEPENDENCY;\n\n$OUTPUT;\n\nexport { $root as default };\n",
	})
	expectFindings(t, root,
		"src/app.ts:1:16 missing-export",
		"src/app.ts:2:23 missing-export",
		"src/app.ts:4:19 unresolved-import",
		"src/app.ts:7:1 arity-mismatch",
		"src/app.ts:8:1 arity-mismatch",
		"src/app.ts:9:5 arity-mismatch",
		"src/app.ts:10:5 missing-export",
		"src/app.ts:12:10 missing-export",
		"src/dup.ts:3:14 duplicate-definition",
		"src/dup.ts:4:10 duplicate-definition",
		"src/list.js:3:16 missing-export",
		"src/list.js:3:21 missing-export",
		"src/wrapper.js:1:1 syntax-error",
	)
}

func TestESHardNegatives(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/format.ts": formatTS,
		"src/app.ts": `import React from "react";
import { useState } from "react";
import type { Money, Currency } from "./format";
import { Kind, over, join, renamed } from "./format.js";
import main from "./format";
import { helper } from "@/util/helper";
import { cjs } from "./legacy.cjs";
import { anything } from "./reexports-cjs";
import data from "./data.json";
import lazy from "./lazy?raw";
import { fromDir } from "./pkg";

over(1);
over("a", "b");
join(",", "a", "b", "c");
join(",", ...["a"]);
main(1);
const dyn = await import("./nowhere-dynamic");
const req = require("./" + name);
function shadow(join: (a: number) => void) { join(1); }
`,
		"src/util/helper.ts":   "export const helper = 1;\n",
		"tsconfig.json":        "{\n  // comments are allowed\n  \"compilerOptions\": {\n    \"baseUrl\": \".\",\n    \"paths\": { \"@/*\": [\"src/*\"], },\n  },\n}\n",
		"src/legacy.cjs":       "module.exports = { cjs: 1 };\n",
		"src/reexports-cjs.ts": "export * from './legacy.cjs';\n",
		"src/data.json":        "{}",
		"src/lazy":             "",
		"src/pkg/package.json": "{}",
		"lib/script.js":        "function f() {}\nfunction f() {}\nvar v = 1;\nvar v = 2;\n",
		"lib/merge.ts":         "export interface A { x: number }\nexport interface A { y: number }\nexport namespace N {}\nexport namespace N {}\nexport function g() {}\nexport namespace g {}\n",
		"lib/untyped.js":       "export function loose(a, b) { return arguments.length; }\n",
		"lib/caller.js":        "import { loose } from './untyped.js';\nloose(1, 2, 3, 4);\n",
		"lib/shadow.ts":        "import * as path from './paths';\nexport function f(path: { join(): void }) { path.join(); path.anything; }\n",
		"lib/paths.ts":         "export function resolve() {}\n",
		"lib/default-anon.ts":  "export default function () {}\n",
		"lib/uses-default.ts":  "import anon from './default-anon';\nanon();\n",
		"lib/cycle-a.ts":       "export * from './cycle-b';\nexport const a = 1;\n",
		"lib/cycle-b.ts":       "export * from './cycle-a';\nexport const b = 1;\n",
		"lib/uses-cycle.ts":    "import { a, b } from './cycle-a';\n",
		"lib/export-equals.ts": "const x = 1;\nexport = x;\n",
		"lib/uses-equals.ts":   "import { whatever } from './export-equals';\n",
		"lib/generated.ts":     "// @generated\nimport { nope } from './nothing-here';\n",
		"lib/component.tsx":    "import { Kind } from '../src/format';\nexport const C = () => <div>{Kind.A}</div>;\n",
		"lib/node-subpath.mjs": "import x from '#internal/x';\nimport fs from 'node:fs';\n",
		"lib/outside.ts":       "import { up } from '../../outside-the-workspace';\n",
		// Export lists of names bound in every way a module binds them.
		"lib/bindings.ts": `import { resolve } from "./paths";
import * as paths from "./paths";
import legacy = require("./legacy");
const { a, b: [c] } = { a: 1, b: [2] };
if (a) { var hoisted = 1; }
interface Shape {}
declare const declared: number;
function g() {}
export { resolve, paths, legacy, a, c, hoisted, g as default };
export type { Shape };
export { declared as "quoted name" };
export { resolve as again } from "./paths";
`,
		// Names read elsewhere but also declared, or mentioned in a comment or a string.
		"lib/mentioned.js": `const api = { run: run(), [stop]: 1, later: later };
function later() {}
{ var stop = 1; }
// run is provided by the bundler
export { run, stop, later };
`,
		"lib/legacy.ts": "export = 1;\n",
	})
	expectFindings(t, root)
}

func TestESInjectedBreaksInARealisticTree(t *testing.T) {
	// A tree that is clean, then the three breaks a parallel worker makes most: a renamed
	// export, a moved file, a changed signature. Each is found at every site.
	files := map[string]string{"src/core/price.ts": "export function price(cents: number): string { return String(cents); }\n"}
	for _, name := range []string{"a", "b", "c", "d"} {
		files["src/views/"+name+".ts"] = "import { price } from '../core/price';\nexport const " + name + " = price(1);\n"
	}
	root := writeTree(t, files)
	expectFindings(t, root)

	write := func(rel, content string) {
		if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("src/core/price.ts", "export function formatPrice(cents: number): string { return String(cents); }\n")
	if got := findings(t, root); len(got) != 4 || !strings.HasSuffix(got[0], "1:10 missing-export") {
		t.Errorf("renamed export: %v", got)
	}
	write("src/core/price.ts", "export function price(cents: number, currency: string): string { return currency; }\n")
	if got := findings(t, root); len(got) != 4 || !strings.HasSuffix(got[0], "2:18 arity-mismatch") {
		t.Errorf("changed arity: %v", got)
	}
	if err := os.Rename(filepath.Join(root, "src/core/price.ts"), filepath.Join(root, "src/core/prices.ts")); err != nil {
		t.Fatal(err)
	}
	if got := findings(t, root); len(got) != 4 || !strings.HasSuffix(got[0], "1:23 unresolved-import") {
		t.Errorf("moved file: %v", got)
	}
}

// A published package's layout: compiled JavaScript with declarations beside it. From
// TypeScript, "./x.js" names x.d.ts (as the compiler resolves it); from JavaScript, x.js.
func TestESDeclarationsBesideJavaScript(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dist/credential.js":   "export function make(key) { return { key }; }\n",
		"dist/credential.d.ts": "export interface KeyCredential { key: string }\nexport declare function make(key: string): KeyCredential;\n",
		"dist/index.js":        "export { make } from './credential.js';\n",
		"dist/index.d.ts":      "export { KeyCredential, make } from './credential.js';\nexport { Gone } from './credential.js';\n",
		"dist/use.js":          "import { KeyCredential } from './credential.js';\n",
		"src/format.ts":        "type Formatter = (results: string[], options?: object) => string;\nexport const json: Formatter = (results) => results.join();\nexport const plain = (results: string[]) => results.join();\n",
		"src/index.ts":         "import { json, plain } from './format.js';\njson([], {});\nplain([], {});\n",
	})
	expectFindings(t, root,
		"dist/index.d.ts:2:10 missing-export", // credential.d.ts has no Gone
		"dist/use.js:1:10 missing-export",     // a type: credential.js has no such value
		"src/index.ts:3:1 arity-mismatch",     // plain's own parameters; json's are its annotated type's
	)
}

// Nothing loads a declaration file's import for its effect, and tsc does not resolve
// it: CKEditor's packages ship dist/index.d.ts importing the theme's CSS they leave
// out. Its imports of names, its re-exports, and a source file's side-effect imports
// are judged.
func TestESDeclarationFilesSideEffectImportsAreNotJudged(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dist/index.d.ts": "import './theme/index-editor.css';\nimport './augmentation';\nimport { Widget } from './widget';\nexport * from './gone';\nimport * as W from './w';\n",
		"src/index.ts":    "import './theme/index-editor.css';\n",
	})
	expectFindings(t, root,
		"dist/index.d.ts:3:24 unresolved-import",
		"dist/index.d.ts:4:15 unresolved-import",
		"dist/index.d.ts:5:20 unresolved-import",
		"src/index.ts:1:8 unresolved-import",
	)
}

// A declaration file the scan skipped (minified: SDKs generate type unions thousands of
// characters long on one line) still stands for its module in TypeScript, as the compiler
// reads it: the JavaScript beside it is not judged in its place (the Anthropic SDK's
// resources/beta/beta.d.mts). Once the file can be checked, it is judged again.
func TestESSkippedDeclarationsStandForTheirModule(t *testing.T) {
	union := "export type Beta = " + strings.Repeat("'x' | ", 1000) + "'y';\n"
	root := writeTree(t, map[string]string{
		"beta.mjs":     "export class Client {}\n",
		"beta.d.mts":   union + "export declare class Client {}\n",
		"client.d.mts": "import { Beta, Client } from './beta.mjs';\n",
		"use.mjs":      "import { Beta } from './beta.mjs';\n", // JavaScript: beta.mjs, which has no Beta
	})
	ix := NewIndex(root)
	if got, want := strings.Join(scanFindings(t, ix), ", "), "use.mjs:1:10 missing-export"; got != want {
		t.Errorf("findings %s, want %s (skipped: %v)", got, want, ix.Skipped())
	}
	if err := ix.Update(context.Background(), "beta.d.mts", []byte("export declare class Client {}\n")); err != nil {
		t.Fatal(err)
	}
	got := rendered(ix.Diagnostics())
	if want := "client.d.mts:1:10 missing-export, use.mjs:1:10 missing-export"; strings.Join(got, ", ") != want {
		t.Errorf("after beta.d.mts loses Beta: %v, want %s", got, want)
	}
}

// A declaration file with no export list, re-export or export assignment exports all
// it declares (type-fest's `type Jsonify<T>`), as tsc 5.9 and 7.0 resolve main.ts here.
func TestESDeclarationFilesExportWhatTheyDeclare(t *testing.T) {
	root := writeTree(t, map[string]string{
		"x.ts":           "export type X = 1;\n",
		"implicit.d.ts":  "import type { X } from './x';\ntype Jsonify<T> = T | X;\ninterface Shape {}\ndeclare function helper(): void;\ndeclare const version: string;\nexport declare function stated(): void;\nexport default class {}\n",
		"listed.d.ts":    "import type { X } from './x';\ntype Hidden<T> = T | X;\nexport {};\n",
		"reexports.d.ts": "type Hidden = 1;\nexport * from './x';\n",
		"assigns.d.ts":   "declare const hidden: number;\ndeclare const value: number;\nexport default value;\n",
		"source.ts":      "type Hidden = 1;\nexport const shown = 1;\n",
		"umd.d.ts":       "export as namespace AWSCDKAsyncCustomResource;\nexport type Handler = () => Response;\ninterface Response {}\n",
		"main.ts": `import { Jsonify, Shape, helper, version, stated } from "./implicit";
import { Handler, Response } from "./umd";
import { Hidden } from "./listed";
import { Hidden as H2, X } from "./reexports";
import { hidden } from "./assigns";
import { Hidden as H3, shown } from "./source";
`,
	})
	expectFindings(t, root,
		"main.ts:3:10 missing-export",
		"main.ts:4:10 missing-export",
		"main.ts:5:10 missing-export",
		"main.ts:6:10 missing-export",
	)
}

// A directory with a package.json is its entry: TypeScript takes `types` or `typings`
// (fp-ts's es6/HKT/package.json points at ../../HKT.d.ts) before `main`, JavaScript
// `main`; without one, the directory's index.
func TestESDirectoriesResolveThroughTheirPackageJSON(t *testing.T) {
	root := writeTree(t, map[string]string{
		"HKT.d.ts":                 "export interface HKT<URI, A> { readonly _URI: URI; readonly _A: A }\n",
		"es6/HKT/package.json":     `{"typings": "../../HKT.d.ts"}`,
		"es6/HKT/index.js":         "export {};\n",
		"es6/Alt.d.ts":             "import { HKT } from './HKT';\nimport { Kind } from './HKT';\nexport declare const alt: HKT<1, 2>;\n",
		"es6/uses.js":              "import { HKT } from './HKT';\n",
		"lib/main/package.json":    `{"main": "./dist/entry.js"}`,
		"lib/main/dist/entry.js":   "export const entry = 1;\n",
		"lib/main/index.js":        "export const index = 1;\n",
		"lib/unbuilt/package.json": `{"main": "./dist/entry.js"}`,
		"lib/unbuilt/index.js":     "export const index = 1;\n",
		"lib/dirmain/package.json": `{"main": "./src"}`,
		"lib/dirmain/src/index.js": "export const fromSrc = 1;\n",
		"lib/uses.js":              "import { entry } from './main';\nimport { index } from './main';\nimport { anything } from './unbuilt';\nimport { fromSrc, nope } from './dirmain';\n",
	})
	expectFindings(t, root,
		"es6/Alt.d.ts:2:10 missing-export", // HKT.d.ts has no Kind
		"es6/uses.js:1:10 missing-export",  // JavaScript takes index.js
		"lib/uses.js:2:10 missing-export",  // main's entry is dist/entry.js
		"lib/uses.js:4:19 missing-export",  // main names a directory: its index
	)
}

// From JavaScript an extensionless specifier is first the .js file, as Node and
// bundlers resolve it (fp-ts's internal.d.ts leaves out what it marks @internal).
func TestESJavaScriptTakesTheJavaScriptFileFirst(t *testing.T) {
	root := writeTree(t, map[string]string{
		"internal.js":   "export const has = () => true;\nexport const shown = 1;\n",
		"internal.d.ts": "export declare const shown: number;\n",
		"Apply.js":      "import * as _ from './internal';\nimport { has } from './internal';\n_.has();\n",
		"Apply.ts":      "import { has } from './internal';\n",
	})
	expectFindings(t, root, "Apply.ts:1:10 missing-export")
}

// `export const { a, b: [c] } = ...` exports what the pattern binds, as effect's
// published `Data.taggedEnum()` constructors are; not its keys or its defaults' names.
func TestESExportedDestructuringBindsItsNames(t *testing.T) {
	root := writeTree(t, map[string]string{
		"events.js": "import * as Data from './data.js';\nimport { fallback } from './data.js';\nexport const {\n  /** Pattern matches on an event. */\n  $match: match,\n  // constructors\n  EntityRegistered,\n  SingletonRegistered\n} = Data.taggedEnum();\n" +
			"export let [first = fallback, , { second = 2, nested: { third } }, ...rest] = Data.list(), plain = 3;\nexport var { renamed: alias = 4 } = Data.options();\n",
		"data.js":  "export const taggedEnum = () => ({}), list = () => [], options = () => ({}), fallback = 0;\n",
		"use.js":   "import { match, EntityRegistered, SingletonRegistered, first, second, third, rest, plain, alias } from './events.js';\nimport { $match, nested, renamed, fallback } from './events.js';\n",
		"typed.ts": "export const { a, b: [c] }: { a: number; b: number[] } = { a: 1, b: [2] };\n",
		"use.ts":   "import { a, c } from './typed';\nimport { b } from './typed';\n",
	})
	expectFindings(t, root,
		"use.js:2:10 missing-export", // keys and defaults are not bound
		"use.js:2:18 missing-export",
		"use.js:2:26 missing-export",
		"use.js:2:35 missing-export",
		"use.ts:2:10 missing-export",
	)
}

// A specifier with a TypeScript extension names what tsc would take in its place (tsc 5.9
// and 7.0 resolve every import of main.ts here): the declarations tsc emits for such
// imports use them.
func TestESTypeScriptExtensionsNameWhatTscTakes(t *testing.T) {
	root := writeTree(t, map[string]string{
		"b.d.ts":  "export declare const b: number;\n",
		"c.d.mts": "export declare const c: number;\n",
		"d.d.cts": "export declare const d: number;\n",
		"e.js":    "export const e = 1;\n",
		"f.ts":    "export const f = 1;\n",
		"g.tsx":   "export const g = 1;\n",
		"h.ts":    "export const fromSource = 1;\n",
		"h.d.ts":  "export declare const fromDeclarations: number;\n",
		"main.ts": `import { b } from "./b.ts";
import { c, gone } from "./c.mts";
import { d } from "./d.cts";
import { e } from "./e.ts";
import { f } from "./f.tsx";
import { g } from "./g.ts";
import { fromSource, fromDeclarations } from "./h.ts";
import { nothing } from "./nowhere.ts";
`,
		"use.js": "import { f } from './f.tsx';\nimport { e } from './e.js';\n",
	})
	expectFindings(t, root,
		"main.ts:2:13 missing-export",    // c.d.mts has no gone
		"main.ts:7:22 missing-export",    // h.ts comes before h.d.ts
		"main.ts:8:25 unresolved-import", // nothing by any extension
	)
}

// The `default` and `=` of an export statement are tokens the flat tree leaves out; they
// are read from the source between the statement's parts, however it is spaced.
func TestESExportKeywordsWhateverTheSpacing(t *testing.T) {
	p := &parsers{}
	defer p.close()
	for src, want := range map[string]string{
		"export=foo\n":                        "open",
		"export /* note */ = foo;\n":          "open",
		"export default{a: 1}\n":              "default",
		"export  default   function f() {}\n": "default",
		"/* default */ export const x = 1;\n": "x",
		"export { x as default };\n":          "default",
	} {
		tree, err := p.parse(context.Background(), LanguageFor("m.ts"), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		f, err := factsOf(context.Background(), p, "m.ts", []byte(src), tree, "")
		tree.Close()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if f.es.open {
			got = append(got, "open")
		}
		for name := range f.es.exports {
			got = append(got, name)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%q: %v, want %s", src, got, want)
		}
	}
}

// An import of a path the repository ignores names a build's output (generated API
// clients, protobuf modules, a version file): absent from a clean tree, it is not a
// finding. A missing path nothing ignores still is.
func TestImportsOfIgnoredPathsAreBuildOutputs(t *testing.T) {
	root := writeTree(t, map[string]string{
		".gitignore":      "src/generated/\n*.gen.ts\ngen/\n",
		"go.mod":          "module example.com/m\n\ngo 1.22\n",
		"main.go":         "package main\n\nimport (\n\t\"example.com/m/gen/api\"\n\t\"example.com/m/lost\"\n)\n\nfunc main() { api.Call(); lost.Call() }\n",
		"src/a.ts":        "import { api } from \"./generated/api\";\nimport { v } from \"./version.gen\";\nimport { w } from \"./lost\";\n",
		"src/__init__.py": "",
		"src/b.py":        "from .generated import models\nfrom .lost import thing\n",
	})
	expectFindings(t, root,
		"main.go:5:2 unresolved-import",
		"src/a.ts:3:19 unresolved-import",
		"src/b.py:2:6 unresolved-import",
	)
}

// A monorepo declares its path aliases in a base config that each package's tsconfig
// extends (a string, or a list since TypeScript 5.0): imports through them resolve. A
// config extended from a package is not seen: its aliases stay unjudged.
func TestPathAliasesFromExtendedConfigs(t *testing.T) {
	root := writeTree(t, map[string]string{
		"tsconfig.base.json":       "{\n  // shared\n  \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@org/*\": [\"packages/*/src\"] } },\n}\n",
		"packages/a/tsconfig.json": "{ \"extends\": \"../../tsconfig.base\" }\n",
		"packages/a/src/index.ts":  "import { b, gone } from \"@org/b\";\nexport const a = b;\n",
		"packages/b/src/index.ts":  "export const b = 1;\n",
		"packages/c/tsconfig.json": "{ \"extends\": [\"@tsconfig/node20/tsconfig.json\", \"../../tsconfig.base.json\"] }\n",
		"packages/c/src/index.ts":  "import { b, lost } from \"@org/b\";\n",
		"packages/d/tsconfig.json": "{ \"extends\": \"@company/tsconfig\" }\n",
		"packages/d/src/index.ts":  "import { whatever } from \"@org/b\";\n",
	})
	expectFindings(t, root,
		"packages/a/src/index.ts:1:13 missing-export",
		"packages/c/src/index.ts:1:13 missing-export",
	)
}

// A trailing parameter whose type is void or a union with void may be left out (pdf-lib's
// `constructor(firstEntry: Entry | void)`); one followed by a required parameter, or
// whose type only mentions void, may not. tsc 5.9 reports exactly these.
func TestESTrailingVoidParametersMayBeLeftOut(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.ts": "export function f(a: number, b: string | void) {}\nexport function g(a: void, b: number) {}\nexport function h(cb: () => void) {}\nexport function k(p: Promise<void>) {}\nexport class S { constructor(first: Entry | void) {} }\n",
		"b.ts": "import { f, g, h, k, S } from \"./a\";\nf(1);\nf();\ng(1);\nh();\nk();\nnew S();\n",
	})
	expectFindings(t, root, "b.ts:3:1 arity-mismatch", "b.ts:4:1 arity-mismatch", "b.ts:5:1 arity-mismatch", "b.ts:6:1 arity-mismatch")
}

// An export list naming `type` beside a type-only export (arktype's index.d.ts) is
// misread by the grammar, whose recovery makes up an empty name: no name is missing.
func TestESExportListsNamingType(t *testing.T) {
	root := writeTree(t, map[string]string{
		"out/keywords.d.ts": "export declare const ark: 1, type: 2;\nexport type Ark = 3;\n",
		"out/index.d.ts":    "export { ark, type, type Ark } from \"./keywords.ts\";\n",
	})
	expectFindings(t, root)
}

// An Ember engine's addon/engine.js imports `./config/environment`, which ember-cli
// builds from the package's config/environment.js (Vault's engines): not missing there.
// Without that file, or elsewhere, the import is judged.
func TestESEmberEnginesConfigIsBuilt(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/kv/package.json":           "{ \"name\": \"kv\", \"keywords\": [\"ember-addon\", \"ember-engine\"] }\n",
		"lib/kv/config/environment.js":  "module.exports = function () { return {}; };\n",
		"lib/kv/addon/engine.js":        "import config from './config/environment';\n",
		"lib/pki/package.json":          "{ \"name\": \"pki\" }\n",
		"lib/pki/addon/engine.js":       "import config from './config/environment';\n",
		"lib/kv/addon/routes/secret.js": "import config from '../config/environment';\nimport gone from './gone';\n",
		"standalone/engine.js":          "import config from './config/environment';\n", // no package
	})
	expectFindings(t, root,
		"lib/kv/addon/routes/secret.js:2:18 unresolved-import",
		"lib/pki/addon/engine.js:1:20 unresolved-import",
		"standalone/engine.js:1:20 unresolved-import",
	)
}

// ember-cli names an app's modules `<app>/...` for app/, `<app>/tests/...` for tests/,
// and merges its addons' app/ trees into `<app>/`: in the repository (ember-addon.paths:
// Vault's lib/core) and installed (ember-can's app/helpers/can.js). From JavaScript, a
// relative import that names nothing on disk is looked up so before it is reported: a
// test's `../../../helpers/x` is `<app>/helpers/x`. TypeScript, whose compiler has no
// such names, and a package that is no Ember app are judged on disk.
func TestESRelativeImportsThroughEmberNames(t *testing.T) {
	root := writeTree(t, map[string]string{
		"package.json":                              `{"devDependencies": {"ember-can": "^4.2.0", "ember-source": "~5.4.0"}, "ember-addon": {"paths": ["lib/core"]}}`,
		"config/environment.js":                     "module.exports = function () { return {}; };\n",
		"node_modules/ember-can/app/helpers/can.js": "export { default } from 'ember-can/helpers/can';\n",
		"app/env.js":                                "export function env(name) {}\n",
		"app/helpers/add-to-array.js":               "export function addToArray(a, v) {}\n",
		"app/helpers/test.js":                       "import Helper from './can';\nimport Other from './cannot';\n",
		"lib/core/app/helpers/changelog-url.js":     "export function changelogUrl(v) {}\n",
		"tests/integration/helpers/add-test.js":     "import { addToArray } from '../../../helpers/add-to-array';\nimport { changelogUrl } from '../../../helpers/changelog-url';\nimport { gone } from '../../../helpers/gone';\nimport { env } from '../../../env';\n",
		"tests/integration/helpers/typed.ts":        "import { addToArray } from '../../../helpers/add-to-array';\n",
		"tests/dictionary.js":                       "import { env, missing } from '../env';\n",
		"other/package.json":                        "{}",
		"other/app/helpers/x.js":                    "export const x = 1;\n",
		"other/tests/a.js":                          "import { x } from '../helpers/x';\n",
		"admin/package.json":                        "{}",
		"admin/config/environment.js":               "module.exports = function () { return {}; };\n",
		"admin/build.js":                            "export const b = 1;\n",
		"admin/tests/a.js":                          "import { b } from '../../build';\n", // <admin>/../build: no module
	})
	expectFindings(t, root,
		"admin/tests/a.js:1:19 unresolved-import",
		"app/helpers/test.js:2:19 unresolved-import",
		"other/tests/a.js:1:19 unresolved-import",
		"tests/dictionary.js:1:15 missing-export",
		"tests/integration/helpers/add-test.js:3:22 unresolved-import",
		"tests/integration/helpers/typed.ts:1:28 unresolved-import",
	)
}

// A build makes modules of Vue's single-file components and Ember's templates, which a
// specifier without extension may name (Vue CLI's `./App` is App.vue; an Ember addon's
// `../templates/components/x` is x.hbs): such a module is not missing, and its names are
// not judged.
func TestESBuiltModulesWithoutExtension(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/App.vue":                         "<template><div/></template>\n",
		"src/main.js":                         "import App, { helper } from './App';\nimport Gone from './Gone';\n",
		"addon/templates/components/slot.hbs": "{{yield}}\n",
		"addon/templates/components/card.gjs": "<template>{{yield}}</template>\n",
		"addon/components/slot.js":            "import layout from '../templates/components/slot';\nimport card from '../templates/components/card';\n",
	})
	expectFindings(t, root, "src/main.js:2:18 unresolved-import")
}

// Of the patterns of `paths` a specifier matches, the exact one or else the one with the
// longest prefix applies, and its targets are tried in their order, as the compiler does
// (Vault's Ember layout: declarations in types/ before the modules in app/). From
// JavaScript, a target holding only a declaration file is passed over: the module is
// the next target's, or nothing certain when none holds one.
func TestPathAliasesTakeTheirTargetsInOrder(t *testing.T) {
	root := writeTree(t, map[string]string{
		"tsconfig.json":                     "{ \"compilerOptions\": { \"allowJs\": true, \"baseUrl\": \".\", \"paths\": {\n  \"vault/tests/*\": [\"tests/*\"],\n  \"vault/*\": [\"types/*\", \"types/vault/*\", \"app/*\"]\n} } }\n",
		"types/vault/helpers/sync.d.ts":     "export type Destination = { name: string };\n",
		"app/helpers/sync.js":               "export function findDestination(name) {}\n",
		"types/vault/helpers/declared.d.ts": "export type Only = 1;\n",
		"tests/helpers/policy.js":           "export function adminPolicy() {}\n",
		"app/tests/helpers/policy.js":       "export const unrelated = 1;\n",
		"app/components/a.ts":               "import type { Destination } from 'vault/helpers/sync';\nimport { findDestination } from 'vault/helpers/sync';\n",
		"app/components/b.js":               "import { findDestination, gone } from 'vault/helpers/sync';\nimport { anything } from 'vault/helpers/declared';\nimport { adminPolicy } from 'vault/tests/helpers/policy';\n",
	})
	expectFindings(t, root,
		"app/components/a.ts:2:10 missing-export", // the declaration file is the module TypeScript reads
		"app/components/b.js:1:27 missing-export",
	)
}

// `new C(...)` is checked against the constructor of a TypeScript class without a base
// class (none: no arguments). A base class's constructor, overloaded constructors, a
// declared or abstract class and JavaScript classes are not judged.
func TestESNewMeetsTheConstructor(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/shapes.ts": `export class Point {
  constructor(public x: number, private y = 0) {}
}
export class Empty implements Shape {}
export class Derived extends Point {}
export class Overloaded {
  constructor(a: number);
  constructor(a: string, b: string);
  constructor(a: any, b?: any) {}
}
export abstract class Base {
  constructor(a: number) {}
}
export declare class Native {
  constructor(a: number);
}
`,
		"src/plain.js": "export class Loose {\n  constructor(a) {}\n}\n",
		"src/use.ts": `import { Point, Empty, Derived, Overloaded, Native } from "./shapes";
import { Loose } from "./plain";

new Point();
new Point(1, 2, 3);
new Point(1);
new Empty(1);
new Empty();
new Derived(1, 2, 3);
new Overloaded(1, 2, 3);
new Native(1, 2);
new Loose(1, 2);
new Point<number>(...args);
`,
	})
	expectFindings(t, root,
		"src/use.ts:4:5 arity-mismatch",
		"src/use.ts:5:5 arity-mismatch",
		"src/use.ts:7:5 arity-mismatch",
	)
}

// C.method(...) is checked against the static method a TypeScript class declares, the
// class imported or declared in the file. Overloaded statics, accessors, instance
// methods, a name the file binds again, and JavaScript classes are not judged.
func TestESStaticMethodCalls(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/dates.ts": `export class Dates {
  static parse(text: string, zone?: string): Date { return new Date(text); }
  static async fetch(url: string, ...rest: string[]) { return url; }
  private static pad(n: number) { return String(n); }
  static from(a: number): Dates;
  static from(a: string, b: string): Dates;
  static from(a: any, b?: any) { return new Dates(); }
  static get now() { return () => new Date(); }
  format(pattern: string) { return pattern; }
}
`,
		"src/plain.js": "export class Loose {\n  static make(a) {}\n}\n",
		"src/use.ts": `import { Dates } from "./dates";
import { Loose } from "./plain";

Dates.parse();
Dates.parse("x", "utc", 3);
Dates.parse("x");
Dates.fetch();
Dates.fetch("u", "a", "b");
Dates.from(1, 2, 3);
Dates.now();
new Dates().format();
Loose.make();

class Local {
  static make(a: number, b: number) {}
}
Local.make(1);
`,
		"src/shadow.ts": "import { Dates } from \"./dates\";\n\nfunction shadow(Dates: any) {\n  Dates.parse();\n}\n",
	})
	expectFindings(t, root,
		"src/use.ts:4:7 arity-mismatch",
		"src/use.ts:5:7 arity-mismatch",
		"src/use.ts:7:7 arity-mismatch",
		"src/use.ts:17:7 arity-mismatch",
	)
}

// A CommonJS require of a literal relative path is resolved like an import: a moved or
// renamed module is found. JSON is found without its extension, as Node and bundlers
// find it. An optional one (in a try), a package, a bundle's own require, a native
// addon, what a build writes to dist/ and a compiled dynamic import are left alone.
func TestESRequiresOfRelativePaths(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/util.js":   "exports.helper = function (a) {};\n",
		"lib/data.json": "{}\n",
		"lib/index.js":  "const util = require(\"./util\");\nconst data = require(\"./data.json\");\nconst gone = require(\"./utils\");\nconst same = require(\"./data\");\nconst express = require(\"express\");\n\nfunction later() {\n  return require(\"../lib/moved\");\n}\n\ntry {\n  require(\"./optional\");\n} catch (e) {}\n\nconst addon = require(\"../build/Release/addon.node\");\nconst bundled = require(\"./dist/bundle\");\n",
		"lib/config.ts": "import data from \"./data\";\n",
		// import("./x") compiled for CommonJS by TypeScript and by Babel, and a require
		// that only runs later.
		"lib/lazy.js":    "async function load(p) {\n  await Promise.resolve().then(() => __importStar(require(\"./ts-chunk\")));\n  await Promise.resolve().then(function () { return require(\"./babel-chunk\"); });\n  await p.then(() => require(\"./later\"));\n  await Promise.resolve().catch(() => require(\"./on-error\"));\n}\n",
		"lib/bundle.js":  "(function (require) {\n  require(\"./not-a-file-of-this-tree\");\n})(innerRequire);\n",
		"lib/loader.mjs": "import { createRequire } from \"node:module\";\nconst require = createRequire(import.meta.url);\nrequire(\"./cjs-only\");\n",
	})
	expectFindings(t, root,
		"lib/index.js:3:22 unresolved-import",
		"lib/index.js:8:18 unresolved-import",
		"lib/lazy.js:4:30 unresolved-import",
		"lib/lazy.js:5:47 unresolved-import",
	)
}

// A test of a code generator writes the module it then loads (fastify's ajv-compiler
// tests write ajv-generated.js beside themselves): a module that a file writing files
// names in a string is not reported missing there. Where the only mention is the import
// itself, or the file writes no files, it is.
func TestESModulesTheImporterWritesAreNotMissing(t *testing.T) {
	root := writeTree(t, map[string]string{
		"test/standalone.test.js": "const fs = require('fs');\nconst path = require('path');\nfs.writeFileSync(path.join(__dirname, '/ajv-generated.js'), code);\nconst validate = require('./ajv-generated');\nconst gone = require('./gone.js');\n",
		"test/generated.test.ts":  "import { outputFileSync } from 'fs-extra';\noutputFileSync(`${dir}/schema.cjs`, code);\nconst schema = require('./schema.cjs');\nimport { other } from './other.mjs';\n",
		"test/plain.test.js":      "const label = 'ajv-generated.js';\nconst validate = require('./ajv-generated');\n",
	})
	expectFindings(t, root,
		"test/generated.test.ts:4:23 unresolved-import",
		"test/plain.test.js:2:26 unresolved-import",
		"test/standalone.test.js:5:22 unresolved-import",
	)
}

// A name destructured from a require, read off it, or read through the name a top-level
// declaration binds it to, that the CommonJS module never assigns to its exports is a
// missing export, when every write to its exports names what it makes. A module that
// writes them another way is open; a binding declared again, assigned or written onto
// is not judged.
func TestESCommonJSExports(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/named.js":    "exports.helper = function (a) {};\nmodule.exports.VERSION = 1;\nexports.helper.inner = 2;\n",
		"lib/object.js":   "const a = 1;\nmodule.exports = { a, b: 2, c() {}, \"d\": 3 };\n",
		"lib/assign.js":   "Object.assign(module.exports, { x: 1 });\n",
		"lib/alias.js":    "const types = module.exports = { a: 1 };\nObject.assign(types, { postgres: 2 });\n",
		"lib/fn.js":       "module.exports = function main() {};\nmodule.exports.extra = 1;\n",
		"lib/spread.js":   "module.exports = { ...require(\"./named\") };\n",
		"lib/umd.js":      "(function (exports) {\n  exports.y = 1;\n})(typeof exports === \"undefined\" ? this.lib = {} : exports);\n",
		"lib/indexed.js":  "for (const k of keys) exports[k] = k;\n",
		"lib/esm.js":      "export const e = 1;\n",
		"lib/silent.js":   "console.log(\"no exports\");\n",
		"lib/registry.js": "module.exports = {};\n", // filled where it is required
		"lib/filled.js":   "module.exports = {};\nmodule.exports.parse = 1;\n",
		"lib/use.js": `const { helper, VERSION, gone } = require("./named");
const { a, b: renamed, c, d, e, f = 1, ...rest } = require("./object");
const { x } = require("./assign");
const { postgres } = require("./alias");
const { main } = require("./fn");
const { anything } = require("./spread");
const { z } = require("./umd");
const { k } = require("./indexed");
const { notThere } = require("./esm");
const { nothing } = require("./silent");
const lost = require("./named").lost;
require("./named").helper(1);
const { Array } = require("./registry");
const { parse, missing } = require("./filled");
`,
		"lib/namespace.js": `const named = require("./named");
var object = require("./object");
let rebound = require("./named");
const extended = require("./named");
const shadowed = require("./named");

named.helper(named.VERSION);
named.renamed();
object.a; object.gone; object.hasOwnProperty("a");
rebound = null;
rebound.anything;
extended.added = 1;
extended.added;
function f(shadowed) {
  return shadowed.other;
}
`,
	})
	expectFindings(t, root,
		"lib/namespace.js:8:7 missing-export",
		"lib/namespace.js:9:18 missing-export",
		"lib/use.js:1:26 missing-export",
		"lib/use.js:2:30 missing-export",
		"lib/use.js:11:33 missing-export",
		"lib/use.js:14:16 missing-export",
	)
}

// Code that tests whether a required module has a member before using it (webidl2js's
// generated `if (Impl.init) Impl.init(o)`, an optional call, typeof) expects some
// modules to lack it: the member is not reported there, nor elsewhere in that file. A
// member only read, or read where the test is of something else, still is.
func TestESCommonJSFeatureTestsAreSilent(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/impl.js": "exports.implementation = class {};\n",
		"lib/wrapper.js": `const Impl = require("./impl");
if (Impl.init) {
  Impl.init(1);
}
Impl.setup?.(2);
Impl.hooks?.before;
const later = typeof Impl.later === "function" ? Impl.later : null;
while (!Impl.ready) {}
for (; Impl.next; ) {}
const pending = Impl.pending != null || Impl.loaded === undefined;
const known = Impl.kind == null ? 0 : Impl.size !== undefined;
if (enabled && (Impl.extra || Impl.fallback)) Impl.fallback();
const value = Impl.value ?? 0;
Impl.gone(3);
const flag = enabled && Impl.renamed;
if (Impl.count > 0) {}
const strict = Impl.mode === "strict";
const negative = -Impl.offset;
`,
	})
	expectFindings(t, root,
		"lib/wrapper.js:14:6 missing-export",
		"lib/wrapper.js:15:30 missing-export",
		"lib/wrapper.js:16:10 missing-export",
		"lib/wrapper.js:17:21 missing-export",
		"lib/wrapper.js:18:24 missing-export",
	)
}

// Compiled CommonJS (a module marked `__esModule`) re-exports a name under itself,
// `exports.X = _m.X` (Babel's loose output of `export { X } from "./m"`) or through a
// getter `Object.defineProperty(exports, "X", { get: function () { return _m.X; } })`:
// Babel compiles re-exported types so, and a name the module lacks is undefined there,
// no error (gatsby's dist). Such a member is not reported, nor elsewhere in that file. A
// member read otherwise, re-exported under another name, or re-exported by a module not
// compiled is.
func TestESCompiledReexportsOfTypesAreSilent(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dist/types.js": "\"use strict\";\nexports.__esModule = true;\nexports.kind = 1;\n",
		"dist/loose.js": `"use strict";
exports.__esModule = true;
var _types = require("./types");
exports.IContext = _types.IContext;
module.exports.IOptions = _types.IOptions;
exports.Renamed = _types.IOther;
_types.used();
`,
		"dist/getter.js": `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var _types = require("./types");
Object.defineProperty(exports, "IContext", { enumerable: true, get: function () { return _types.IContext; } });
Object.defineProperty(exports, "Other", { enumerable: true, get: function () { return _types.IGone; } });
`,
		"dist/handwritten.js": "const types = require('./types');\nexports.IContext = types.IContext;\n",
	})
	expectFindings(t, root,
		"dist/getter.js:5:94 missing-export",
		"dist/handwritten.js:2:26 missing-export",
		"dist/loose.js:6:26 missing-export",
		"dist/loose.js:7:8 missing-export",
	)
}

// JavaScript compiled with Babel's CommonJS interop reads a default-only module's
// default through `import * as m` (handlebars's precompiler): its members are not
// judged there. TypeScript's namespace is the module's exports, and a module with named
// exports has no such reading.
func TestESNamespaceOfADefaultOnlyModule(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/handlebars.js": "function create() { return { Exception: Error, precompile() {} }; }\nexport default create();\n",
		"lib/named.js":      "export function compile() {}\nexport default compile;\n",
		"lib/single.js":     "export const only = 1;\n",
		"lib/precompiler.js": `import * as Handlebars from "./handlebars";
import * as Named from "./named";
import * as Single from "./single";
throw new Handlebars.Exception(Handlebars.precompile(1, 2));
Named.compile();
Named.precompile();
Single.other;
`,
		"lib/typed.ts": "import * as Handlebars from \"./handlebars\";\nHandlebars.precompile();\n",
	})
	expectFindings(t, root,
		"lib/precompiler.js:6:7 missing-export",
		"lib/precompiler.js:7:8 missing-export",
		"lib/typed.ts:2:12 missing-export",
	)
}

// A module with export statements that also assigns module.exports (React Native's
// Flow modules export their types with `export type` and their value so): Babel
// compiles it to CommonJS, and an import of it reads module.exports. Its exports are
// not known.
func TestESModulesAlsoWritingCommonJSExportsAreOpen(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/View.js": "export const kind = 1;\nconst View = 1;\nif (typeof module === \"object\") {\n  module.exports = View;\n}\n",
		"lib/Text.js": "export const kind = 1;\nexport const Text = 1;\n",
		"lib/use.js":  "import View from \"./View\";\nimport { Props, Other } from \"./View\";\nimport Text from \"./Text\";\n",
	})
	expectFindings(t, root, "lib/use.js:3:8 missing-export")
}

// A default import of a declaration file that has no default (one describing CommonJS,
// as protobuf's `_pb.d.ts` do: Teleport's) is made up by Babel and bundlers for
// JavaScript, and by tsc under esModuleInterop, allowSyntheticDefaultImports or
// moduleResolution bundler, or a package's config that may set them, and in a published
// declaration file no config governs (naive-ui's), which the compiler that wrote it took;
// not where the file exports __esModule, nor under a config without them or a source
// file without one (tsc 5.9: TS1192).
func TestESSyntheticDefaultsOfDeclarationFiles(t *testing.T) {
	imports := "import cluster from '../proto/cluster_pb';\nimport esm from '../proto/esm';\n"
	root := writeTree(t, map[string]string{
		"proto/cluster_pb.d.ts":  "export class Cluster {}\n",
		"proto/esm.d.ts":         "export const __esModule: true;\nexport class X {}\n",
		"interop/tsconfig.json":  "{ \"compilerOptions\": { \"esModuleInterop\": true } }\n",
		"interop/a.ts":           imports,
		"bundler/tsconfig.json":  "{ \"compilerOptions\": { \"moduleResolution\": \"Bundler\" } }\n",
		"bundler/a.ts":           imports,
		"package/tsconfig.json":  "{ \"extends\": \"@tsconfig/ember/tsconfig.json\" }\n",
		"package/a.ts":           imports,
		"inherits/base.json":     "{ \"compilerOptions\": { \"allowSyntheticDefaultImports\": true } }\n",
		"inherits/tsconfig.json": "{ \"extends\": \"./base.json\" }\n",
		"inherits/a.ts":          imports,
		"strict/tsconfig.json":   "{ \"compilerOptions\": { \"strict\": true } }\n",
		"strict/a.ts":            imports,
		"js/a.js":                imports,
		"published/index.d.ts":   imports, // no config: the one that wrote it took the import
		"unconfigured/a.ts":      imports,
	})
	expectFindings(t, root,
		"bundler/a.ts:2:8 missing-export",
		"inherits/a.ts:2:8 missing-export",
		"interop/a.ts:2:8 missing-export",
		"js/a.js:2:8 missing-export",
		"package/a.ts:2:8 missing-export",
		"published/index.d.ts:2:8 missing-export",
		"strict/a.ts:1:8 missing-export",
		"strict/a.ts:2:8 missing-export",
		"unconfigured/a.ts:1:8 missing-export",
		"unconfigured/a.ts:2:8 missing-export",
	)
}

// React Native builds a module per platform: "./Button" is Button.ios.tsx or
// Button.android.tsx, and a declaration file beside them describes them for TypeScript
// only. Such a module is never missing, and JavaScript's imports of it are not judged
// against the declarations; TypeScript's are, as tsc judges them. A plain JavaScript
// file beside them is what other platforms load: it is judged.
func TestESPlatformSpecificModules(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/Button.ios.tsx":     "export function Button() {}\n",
		"src/Button.android.tsx": "export function Button() {}\n",
		"src/Legacy.js.flow":     "declare export default function legacy(): void;\n",
		"src/Legacy.ios.js":      "export default function legacy() {}\n",
		"src/App.tsx":            "import { Button } from \"./Button\";\nimport legacy from \"./Legacy\";\nimport { gone } from \"./Nowhere\";\n",
		"lib/Platform.ios.js":    "const Platform = { OS: \"ios\" };\nexport default Platform;\n",
		"lib/Platform.d.ts":      "export declare const Platform: { OS: string };\n",
		"lib/View.d.ts":          "export declare const View: unknown;\n",
		"lib/Text.js":            "export const Text = 1;\n",
		"lib/Text.ios.js":        "export default 1;\n",
		"lib/use.js":             "import Platform from \"./Platform\";\nimport View from \"./View\";\nimport Text from \"./Text\";\n",
		"lib/typed.ts":           "import Platform from \"./Platform\";\n",
	})
	expectFindings(t, root,
		"lib/typed.ts:1:8 missing-export",
		"lib/use.js:3:8 missing-export",
		"src/App.tsx:3:22 unresolved-import",
	)
}

// node-forge's modules fill the object forge.js exports: tls.js sets forge.tls on its
// require of it. A name some file sets on a module it requires is not reported missing
// from any module; a name nothing sets still is.
func TestESCommonJSModulesFilledFromOutside(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/forge.js":  "module.exports = { options: {} };\n",
		"lib/tls.js":    "var forge = require(\"./forge\");\nmodule.exports = forge.tls = forge.tls || {};\n",
		"lib/config.js": "const util = require(\"./util\");\nglobal.cipher = util.cipher;\n",
		"lib/util.js":   "exports.cipher = 1;\n",
		"lib/use.js":    "const forge = require(\"./forge\");\nconst { tls } = require(\"./forge\");\nforge.tls.createConnection();\nforge.cipher.create();\n",
	})
	expectFindings(t, root, "lib/use.js:4:7 missing-export")
}

// A JavaScript module's JSDoc @typedef and @callback declare types TypeScript exports
// from it (svgo's plugins and its types.ts). In TypeScript such a comment declares
// nothing.
func TestESJSDocTypesAreExports(t *testing.T) {
	root := writeTree(t, map[string]string{
		"lib/plugin.js": `/**
 * @typedef {{
 *   attributes?: Record<string, { value: string }>
 * }} PluginParams
 */
/** @typedef Options
 * @property {number} x
 */
/**
 * @callback
 * Handler
 */
export const name = "plugin";
`,
		"lib/typed.ts": "/** @typedef {number} Count */\nexport const a = 1;\n",
		"lib/types.ts": "import { PluginParams, name } from \"./plugin.js\";\nimport type { Options, Handler, Missing } from \"./plugin.js\";\nimport type { Count } from \"./typed\";\n",
	})
	expectFindings(t, root,
		"lib/types.ts:2:33 missing-export",
		"lib/types.ts:3:15 missing-export",
	)
}

// `import x = require("./y")` binds the module's namespace: a member it does not export,
// or a call with the wrong count, is found as through `import * as x`.
func TestESImportEqualsRequire(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/a.ts":  "export function f(a: number) {}\n",
		"src/eq.ts": "const x = 1;\nexport = x;\n",
		"src/m.ts":  "import a = require(\"./a\");\nimport eq = require(\"./eq\");\nimport gone = require(\"./gone\");\na.f(1);\na.f();\na.g();\neq.anything;\n",
	})
	expectFindings(t, root,
		"src/m.ts:3:23 unresolved-import",
		"src/m.ts:5:3 arity-mismatch",
		"src/m.ts:6:3 missing-export",
	)
}

// Test inputs (fixtures, __fixtures__, testdata) hold broken imports and wrong calls on
// purpose: only their syntax errors are reported. What they define still counts for the
// files that import them.
func TestFixturesReportOnlySyntaxErrors(t *testing.T) {
	root := writeTree(t, map[string]string{
		"tests/fixtures/import-missing.js": "import foo from './does-not-exist';\nconst { x } = require('./nowhere');\n",
		"tests/__fixtures__/broken.ts":     "export function f(a: number) {}\nf();\nlet y = (1 + ;\n",
		"tests/testdata/unresolved.py":     "from .missing import thing\n",
		"tests/fixtures/lib.ts":            "export function g(a: number) {}\n",
		"tests/uses-fixture.ts":            "import { g, h } from './fixtures/lib';\ng();\n",
	})
	expectFindings(t, root,
		"tests/__fixtures__/broken.ts:3:7 syntax-error",
		"tests/uses-fixture.ts:1:13 missing-export",
		"tests/uses-fixture.ts:2:1 arity-mismatch",
	)
}

// A test that calls a function wrongly on purpose, to see it throw, waives the type
// checker's error there: the line after `// @ts-expect-error` or `// @ts-ignore` (in
// JavaScript too, which tsc checks with checkJs), a line with Python's `# type: ignore`.
// The rules waive it as the compiler does; a syntax error there is still reported.
func TestTypeCheckerWaiversCoverTheirLine(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/search.ts": "export function loadJSON(json: string, options: object) {}\nexport const version = 1;\n",
		"src/search.test.ts": "import { loadJSON } from './search';\n" +
			"// @ts-expect-error: options are required\n" +
			"expect(() => loadJSON('{}')).toThrow();\n" +
			"/* @ts-ignore */\n" +
			"import { gone } from './search';\n" +
			"loadJSON('{}');\n" +
			"// @ts-expect-error\n" +
			"let broken = (1 + ;\n",
		"src/search.test.js": "const { loadJSON } = require('./search');\n// @ts-ignore\nloadJSON();\n",
		"pkg/__init__.py":    "",
		"pkg/core.py":        "def load(json, options):\n    pass\n",
		"pkg/test_core.py":   "from pkg import core\n\ncore.load('{}')  # type: ignore[call-arg]\ncore.load('{}')\ncore.gone()  # pyright: ignore\n",
	})
	expectFindings(t, root,
		"pkg/test_core.py:4:6 arity-mismatch",
		"src/search.test.ts:6:1 arity-mismatch",
		"src/search.test.ts:8:12 syntax-error",
	)
}

// A test asserting that a wrong call throws makes it on purpose (minisearch's tests of
// its own argument checks): calls in a function given to `expect(...).toThrow()`,
// `.rejects`, chai's `.to.throw()`, or `assert.throws` are not judged. One expected not
// to throw, or merely run, is.
func TestCallsExpectedToThrowAreNotJudged(t *testing.T) {
	root := writeTree(t, map[string]string{
		"src/search.ts": "export function loadJSON(json: string, options: object) {}\n",
		"test/search.test.js": `import { loadJSON } from '../src/search';
expect(() => loadJSON('{}')).toThrow('options');
expect(() => { loadJSON() }).toThrowError();
expect(async () => loadJSON()).rejects.toThrow();
expect(function () { loadJSON() }).to.throw();
assert.throws(() => loadJSON('{}'));
t.rejects(async () => loadJSON());
expect(() => loadJSON('{}')).not.toThrow();
expect(loadJSON('{}')).toBe(undefined);
run(() => loadJSON('{}'));
expect(async () => loadJSON()).rejects.toBeInstanceOf(TypeError);
expect(() => loadJSON()).to.throws(TypeError);
`,
	})
	expectFindings(t, root,
		"test/search.test.js:8:14 arity-mismatch",
		"test/search.test.js:9:8 arity-mismatch",
		"test/search.test.js:10:11 arity-mismatch",
	)
}
