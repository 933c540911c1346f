package analysis

import (
	"cmp"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"
)

// resolution is what an import specifier leads to.
type resolution int

const (
	external resolution = iota // a package, an alias that cannot be followed: never a finding
	missing                    // a relative specifier that names nothing
	opaque                     // something exists whose exports are not known (CSS, JSON, a skipped file)
	source                     // an indexed TypeScript or JavaScript file
)

var (
	// The extensions an extensionless specifier may leave out, in the order its importer's
	// tools try them: tsc takes TypeScript first, Node and bundlers JavaScript (fp-ts
	// publishes `internal.js` beside an `internal.d.ts` that leaves out what it marks
	// @internal). Node's require and bundlers find JSON last (core-js-compat's
	// `require("./data")` reads data.json).
	extensionsFromTypeScript = []string{".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"}
	extensionsFromJavaScript = []string{".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".d.ts", ".mts", ".cts", ".json"}
	// Files a build makes modules of, which a specifier without extension may name: Vue
	// CLI's `./Foo` is Foo.vue, ember-cli's `../templates/components/x` is x.hbs (Consul's
	// block-slots addon), and `./x` may be a template-tag component, x.gjs or x.gts.
	builtModules = []string{".vue", ".hbs", ".gjs", ".gts"}
	// What TypeScript tries, in its order, in place of a specifier's own extension: "./a.js"
	// may name the a.ts it compiles from or the a.d.ts that describes it, and "./a.ts"
	// (allowImportingTsExtensions, and the declarations tsc emits for such imports) the
	// a.d.ts, or with allowJs the a.js. Checked against tsc 5.9 and 7.0.
	tsReplacements = map[string][]string{
		".js": {".ts", ".tsx", ".d.ts", ".js", ".jsx"}, ".ts": {".ts", ".tsx", ".d.ts", ".js", ".jsx"},
		".jsx": {".tsx", ".ts", ".d.ts", ".jsx", ".js"}, ".tsx": {".tsx", ".ts", ".d.ts", ".jsx", ".js"},
		".mjs": {".mts", ".d.mts", ".mjs"}, ".mts": {".mts", ".d.mts", ".mjs"},
		".cjs": {".cts", ".d.cts", ".cjs"}, ".cts": {".cts", ".d.cts", ".cjs"},
	}
)

// esView is the TypeScript/JavaScript part of the index for one evaluation of the rules.
type esView struct {
	*evaluation
	tsconfigs map[string]memo[*tsconfig]      // by directory; nil when none applies
	packages  map[string]memo[packageEntries] // by directory
	exports   map[string]memo[*moduleExports]
	computing map[string]bool // modules whose exports are being computed: a cycle
}

type moduleExports struct {
	names  map[string]bool
	open   bool         // some export cannot be known: no missing-export against this module
	broken []*fileFacts // modules in the chain whose parse had errors: they may export what they mention
}

// has reports whether the module may export name.
func (e *moduleExports) has(name string) bool {
	return e.names[name] || anyMentions(e.broken, name)
}

// defaultOnly reports whether the module's one export is its default.
func (e *moduleExports) defaultOnly() bool {
	return len(e.names) == 1 && e.names["default"]
}

func newESView(e *evaluation) *esView {
	return &esView{evaluation: e, tsconfigs: map[string]memo[*tsconfig]{}, packages: map[string]memo[packageEntries]{},
		exports: map[string]memo[*moduleExports]{}, computing: map[string]bool{}}
}

func isRelative(spec string) bool {
	return spec == "." || spec == ".." || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../")
}

// resolve follows a specifier written in file from.
func (v *esView) resolve(spec, from string) (string, resolution) {
	if spec == "" || strings.ContainsAny(spec, "?!*") || strings.Contains(spec, "${") {
		return "", external // loader syntax, globs, templates
	}
	fromTypeScript := isTypeScript(from)
	if isRelative(spec) {
		base := path.Join(path.Dir(from), spec)
		if base == ".." || strings.HasPrefix(base, "../") {
			return "", opaque // outside the workspace
		}
		if target, r := v.lookup(base, fromTypeScript); r != missing {
			return target, r
		}
		if !fromTypeScript {
			if target, r := v.throughEmberNames(spec, from); r != missing {
				return target, r
			}
		}
		if _, app := v.emberApp(path.Dir(from)); app && strings.HasSuffix(spec, "/config/environment") {
			return "", opaque
		}
		return "", missing
	}
	if cfg := v.tsconfigFor(path.Dir(from)); cfg != nil {
		if target, r := v.throughPaths(cfg, spec, fromTypeScript); r != missing {
			return target, r
		}
	}
	return "", external
}

// throughPaths resolves spec under the config's baseUrl and paths, missing when none of
// its candidates holds it. From JavaScript, a target holding only a declaration file
// describes a module the build finds elsewhere (Vault's `types/vault/*` before
// `app/*`): the next target may hold it, or nothing certain does.
func (v *esView) throughPaths(cfg *tsconfig, spec string, fromTypeScript bool) (string, resolution) {
	described := false
	for _, candidate := range cfg.candidates(spec) {
		target, r := v.lookup(candidate, fromTypeScript)
		switch {
		case r == missing:
		case !fromTypeScript && r == source && isDeclarationFile(target):
			described = true
		default:
			return target, r
		}
	}
	if described {
		return "", opaque
	}
	return "", missing
}

// throughEmberNames resolves a relative specifier of an Ember app's file that names
// nothing on disk as ember-cli's module names do: app/ is `<app>/`, tests/ is
// `<app>/tests/`, and `<app>/` also holds the app/ trees of the app's addons, those in the
// repository (package.json's `ember-addon.paths`: Vault's lib/core) and those installed.
// So a test's `../../env` is app/env.js, and app/helpers/test.js's `./can` may be
// ember-can's app/helpers/can.js. (tsc, which has no such names, does not: this is asked
// for JavaScript only.)
func (v *esView) throughEmberNames(spec, from string) (string, resolution) {
	root, app := v.emberApp(path.Dir(from))
	if !app {
		return "", missing
	}
	own := strings.TrimPrefix(from, root+"/")
	name, inApp := strings.CutPrefix(own, "app/")
	if !inApp && !strings.HasPrefix(own, "tests/") {
		return "", missing
	}
	name = path.Join(path.Dir(name), spec)
	if name == ".." || strings.HasPrefix(name, "../") {
		return "", missing // another package's
	}
	for dir := range v.emberNamespace(root) {
		// A file found, not a path ignored: node_modules is, as a whole.
		if target, r := v.lookup(path.Join(dir, name), false); r != missing && target != "" {
			return target, r
		}
	}
	return "", missing
}

// emberNamespace is the directories whose files ember-cli names `<app>/...` for the app
// at root: its app/, then its addons' app/ trees, in the repository and installed (found
// in node_modules as Node finds packages, up from the app).
func (v *esView) emberNamespace(root string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if !yield(path.Join(root, "app")) {
			return
		}
		data, err := v.readFile(path.Join(root, "package.json"))
		if err != nil {
			return
		}
		var manifest struct {
			Dependencies, DevDependencies map[string]string
			EmberAddon                    struct{ Paths []string } `json:"ember-addon"`
		}
		if json.Unmarshal(data, &manifest) != nil {
			return
		}
		for _, addon := range manifest.EmberAddon.Paths {
			if !yield(path.Join(root, addon, "app")) {
				return
			}
		}
		deps := slices.Concat(slices.Collect(maps.Keys(manifest.Dependencies)), slices.Collect(maps.Keys(manifest.DevDependencies)))
		slices.Sort(deps)
		for _, dep := range slices.Compact(deps) {
			for dir := root; ; dir = path.Dir(dir) {
				installed := path.Join(dir, "node_modules", dep, "app")
				if info, err := v.stat(installed); err == nil && info.IsDir() {
					if !yield(installed) {
						return
					}
					break
				}
				if dir == "." {
					break
				}
			}
		}
	}
}

// emberApp is the package holding dir (the nearest directory above it with a
// package.json) when it has config/environment.js, from which ember-cli builds the module
// `<name>/config/environment`: an Ember app or engine. An engine's addon/engine.js imports
// it as `./config/environment` (Vault's), a path only the build's module names resolve.
func (v *esView) emberApp(dir string) (string, bool) {
	for {
		if _, err := v.stat(path.Join(dir, "package.json")); err == nil {
			_, err := v.stat(path.Join(dir, "config/environment.js"))
			return dir, err == nil
		}
		if dir == "." {
			return "", false
		}
		dir = path.Dir(dir)
	}
}

// isTypeScript reports whether a file is TypeScript or TSX.
func isTypeScript(rel string) bool {
	id := LanguageFor(rel).ID
	return id == "typescript" || id == "tsx"
}

// lookup finds a module at base (relative to the root, no extension or any). Like the
// TypeScript compiler, an importer in TypeScript (declarations included) takes the
// TypeScript files a .js specifier stands for over the .js file beside them; JavaScript
// takes the file named. A directory is its package.json's entry, else its index. A
// module with files per platform is opaque where nothing else names it, and to
// JavaScript where only TypeScript does (React Native's Platform.d.ts describes
// Platform.ios.js and Platform.android.js).
func (v *esView) lookup(base string, fromTypeScript bool) (string, resolution) {
	if t, r := v.firstPresent(esCandidates(base, fromTypeScript, false)); r != missing {
		if r == source && !fromTypeScript && isTypeScript(t) && v.perPlatform(base) {
			return base, opaque
		}
		return t, r
	}
	// The compiler and Node take a package.json's entry before the index (fp-ts's
	// `es6/HKT/package.json` points at `../../HKT.d.ts`).
	if entry := v.packageEntries(base).of(fromTypeScript); entry != "" {
		if t, r := v.firstPresent(esCandidates(path.Join(base, entry), fromTypeScript, true)); r == source {
			return t, source
		}
		return base, opaque // not built, or outside what is indexed
	}
	tries := esCandidates(base, fromTypeScript, true)
	if t, r := v.firstPresent(tries); r != missing {
		return t, r
	}
	if v.perPlatform(base) {
		return base, opaque
	}
	for t := range tries {
		if _, err := v.stat(t); err == nil {
			return t, opaque // a directory with package.json, a stylesheet, a skipped file
		}
	}
	for _, ext := range builtModules {
		if _, err := v.stat(base + ext); err == nil {
			return base + ext, opaque
		}
	}
	for t := range tries {
		if v.ix.ignore.Ignored(t, false) {
			return "", opaque // a path the repository ignores: a build writes it
		}
	}
	return "", missing
}

// platforms are the suffixes React Native's bundler tries before a module's own name
// ("./Button" is Button.ios.tsx on iOS), as TypeScript's moduleSuffixes can.
var platforms = []string{".ios", ".android", ".native", ".web", ".windows", ".macos"}

// perPlatform reports whether base has a file for some platform: which one loads is the
// build's choice.
func (v *esView) perPlatform(base string) bool {
	_, r := v.firstPresent(func(yield func(string) bool) {
		for _, platform := range platforms {
			for candidate := range esCandidates(base+platform, false, false) {
				if !yield(candidate) {
					return
				}
			}
		}
	})
	return r != missing
}

// firstPresent is the first of paths that the index holds as a TypeScript or JavaScript
// file (source) or did not check (opaque): the compiler takes a minified or oversized
// declaration file that the scan skipped over the JavaScript beside it.
func (v *esView) firstPresent(paths iter.Seq[string]) (string, resolution) {
	for t := range paths {
		if f := v.file(t); f != nil && f.es != nil {
			return t, source
		}
		if v.unchecked(t) {
			return t, opaque
		}
	}
	return "", missing
}

// esCandidates are the paths lookup tries for base, in order, made as they are asked
// for (most imports resolve at the first or second): the files it may name and, with
// indexes, the index files of the directory it may name.
func esCandidates(base string, fromTypeScript, indexes bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		ext := path.Ext(base)
		replacements := tsReplacements[ext]
		extensions := extensionsFromJavaScript
		if fromTypeScript {
			extensions = extensionsFromTypeScript
		}
		// A JavaScript file's import is first the file it names (tried again in
		// TypeScript's turn among the replacements, the one place a lookup repeats).
		if (!fromTypeScript || replacements == nil) && !yield(base) {
			return
		}
		for _, r := range replacements {
			if !yield(strings.TrimSuffix(base, ext) + r) {
				return
			}
		}
		for _, e := range extensions {
			if !yield(base + e) {
				return
			}
		}
		if !indexes {
			return
		}
		for _, e := range extensions {
			if !yield(base + "/index" + e) {
				return
			}
		}
	}
}

// packageEntries are the entry points a directory's package.json declares.
type packageEntries struct{ types, main string }

// of is the entry an importer takes: TypeScript the declarations before main.
func (p packageEntries) of(fromTypeScript bool) string {
	if fromTypeScript && p.types != "" {
		return p.types
	}
	return p.main
}

// packageEntries reads dir/package.json, when there is one; its reading (or looking for
// it) is a read of the checks that use it.
func (v *esView) packageEntries(dir string) packageEntries {
	return remember(v.evaluation, v.packages, dir, func() packageEntries {
		data, err := v.readFile(path.Join(dir, "package.json"))
		if err != nil {
			return packageEntries{}
		}
		var fields struct{ Types, Typings, Main string }
		if json.Unmarshal(data, &fields) != nil {
			return packageEntries{}
		}
		return packageEntries{types: cmp.Or(fields.Types, fields.Typings), main: fields.Main}
	})
}

// exportsOf returns the names a module exports, following `export * from` chains.
func (v *esView) exportsOf(rel string) *moduleExports {
	if v.computing[rel] {
		return &moduleExports{open: true} // a cycle of `export *`: nothing certain
	}
	return remember(v.evaluation, v.exports, rel, func() *moduleExports {
		v.computing[rel] = true
		defer delete(v.computing, rel)
		return v.computeExports(rel)
	})
}

func (v *esView) computeExports(rel string) *moduleExports {
	e := &moduleExports{names: map[string]bool{}, open: true}
	f := v.file(rel)
	if f == nil || f.es == nil || f.es.open || !f.es.module || f.es.cjs != nil || strings.Contains(f.text, "module.exports") {
		// CommonJS, scripts, `export =`, and a module with export statements that also
		// assigns its CommonJS exports (Flow's `export type Props` beside `module.exports =
		// View`, which Babel's interop imports whole; in a broken parse, f.text, as its
		// text says): nothing certain.
		return e
	}
	for name := range f.es.exports {
		e.names[name] = true
	}
	if f.broken() {
		e.broken = append(e.broken, f)
	}
	for _, imp := range f.es.imports {
		if !imp.star {
			continue
		}
		target, r := v.resolve(imp.spec, rel)
		if r != source {
			return e
		}
		sub := v.exportsOf(target)
		if sub.open {
			return e
		}
		for name := range sub.names {
			if name != "default" {
				e.names[name] = true
			}
		}
		e.broken = append(e.broken, sub.broken...)
	}
	e.open = false
	return e
}

// definitionOf finds the definition behind an exported name, through re-exports and
// local import bindings, for arity checks.
func (v *esView) definitionOf(rel, name string, depth int) (located, bool) {
	f := v.file(rel)
	if depth > 16 || f == nil || f.es == nil {
		return located{}, false
	}
	if exp, ok := f.es.exports[name]; ok {
		if exp.fromSpec != "" {
			if target, r := v.resolve(exp.fromSpec, rel); r == source && exp.fromName != "*" {
				return v.definitionOf(target, exp.fromName, depth+1)
			}
			return located{}, false
		}
		return v.localDefinition(rel, exp.local, depth)
	}
	for _, imp := range f.es.imports {
		if imp.star {
			if target, r := v.resolve(imp.spec, rel); r == source {
				if d, ok := v.definitionOf(target, name, depth+1); ok {
					return d, true
				}
			}
		}
	}
	return located{}, false
}

// localDefinition resolves a name local to rel: a top-level function, or an import.
func (v *esView) localDefinition(rel, local string, depth int) (located, bool) {
	f := v.file(rel)
	var found []Definition
	for _, d := range f.defs {
		if d.Name == local {
			found = append(found, d)
		}
	}
	if len(found) == 1 {
		return located{rel, found[0]}, true
	}
	if len(found) > 1 {
		return located{}, false // overloads or merged declarations: no single arity
	}
	for _, imp := range f.es.imports {
		for _, n := range imp.names {
			if n.local == local && !imp.reexport {
				if target, r := v.resolve(imp.spec, rel); r == source {
					return v.definitionOf(target, n.name, depth+1)
				}
			}
		}
	}
	return located{}, false
}

// commonJSExports are the names a required JavaScript module assigns to its exports,
// when every write to them says which (known is false for an ES module, TypeScript, a
// module that never writes its exports, or one that writes them some other way).
func (v *esView) commonJSExports(target string, r resolution) (names map[string]bool, known bool) {
	if r != source || isTypeScript(target) {
		return nil, false
	}
	f := v.file(target)
	if f == nil || f.es == nil || f.es.module || f.es.cjs == nil || !f.es.cjs.known() || f.locals["exports"] || f.locals["module"] || f.broken() {
		return nil, false
	}
	return f.es.cjs.names, true
}

// syntheticDefault reports a default import of a declaration file without a default,
// which may describe CommonJS (Teleport's protobuf `_pb.d.ts`), that the importer's
// compiler makes up: Babel's interop and bundlers for JavaScript, tsc under the config's
// syntheticDefaults for TypeScript; naive-ui's published declarations, which no config
// governs, import `export =` modules so. Not of one that exports __esModule.
func (v *esView) syntheticDefault(name, target, rel string, exports *moduleExports) bool {
	if name != "default" || !isDeclarationFile(target) || exports.has("__esModule") {
		return false
	}
	if !isTypeScript(rel) {
		return true
	}
	if cfg := v.tsconfigFor(path.Dir(rel)); cfg != nil {
		return cfg.syntheticDefaults
	}
	// A published declaration file: the compiler that wrote it took the import.
	return isDeclarationFile(rel)
}

func unresolvedES(rel string, imp esImport) Diagnostic {
	return Diagnostic{File: rel, Range: imp.specRange, Severity: SeverityError, Rule: RuleUnresolvedImport,
		Message: fmt.Sprintf("cannot resolve import %q: no such file, with or without a JavaScript or TypeScript extension or /index", imp.spec)}
}

// builtByNode reports a required path a build makes: a native addon (`.node`, under
// build/Release) or a bundle in dist/.
func builtByNode(spec string) bool {
	return path.Ext(spec) == ".node" || slices.ContainsFunc(strings.Split(spec, "/"), func(part string) bool { return part == "build" || part == "dist" })
}

func (v *esView) checkFile(rel string, f *fileFacts) []Diagnostic {
	var out []Diagnostic
	importedFrom := map[string]string{} // local name -> target module, for calls and refs
	importedName := map[string]string{} // local name -> the name the target exports
	namespaces := map[string]string{}   // namespace local -> target module
	for _, n := range f.es.unbound {
		out = append(out, Diagnostic{File: rel, Range: n.rng, Severity: SeverityError, Rule: RuleMissingExport,
			Message: fmt.Sprintf("`%s` is exported, but the module neither declares nor imports it", n.name)})
	}
	for _, imp := range f.es.imports {
		target, r := v.resolve(imp.spec, rel)
		switch r {
		case missing:
			// Nothing loads a declaration file's side-effect import, and tsc does not
			// resolve it (CKEditor's dist/index.d.ts imports the theme's CSS it leaves out).
			if !isDeclarationFile(rel) || !imp.sideEffect() {
				out = append(out, unresolvedES(rel, imp))
			}
			continue
		case source:
		default:
			continue
		}
		exports := v.exportsOf(target)
		for _, n := range imp.names {
			if !exports.open && !exports.has(n.name) && !v.syntheticDefault(n.name, target, rel, exports) {
				out = append(out, Diagnostic{File: rel, Range: n.rng, Severity: SeverityError, Rule: RuleMissingExport,
					Message: fmt.Sprintf("%q has no export `%s`", imp.spec, n.name),
					Related: []Related{{File: target, Message: fmt.Sprintf("%s is the module %q names", target, imp.spec)}}})
			}
			if !imp.reexport {
				importedFrom[n.local], importedName[n.local] = target, n.name
			}
		}
		// Babel's CommonJS interop (add-module-exports) makes `import * as m` of a module
		// whose one export is its default that default, and JavaScript built with it
		// reads the default's members through m (handlebars's precompiler).
		if imp.namespace != "" && (isTypeScript(rel) || !exports.defaultOnly()) {
			namespaces[imp.namespace] = target
		}
	}

	for _, req := range f.es.requires {
		if !isRelative(req.spec) || f.locals["require"] || builtByNode(req.spec) {
			continue // a package, a bundle's own require, a native addon
		}
		target, r := v.resolve(req.spec, rel)
		if r == missing {
			if !f.es.mayWrite(req.spec) {
				out = append(out, unresolvedES(rel, req))
			}
			continue
		}
		exports, known := v.commonJSExports(target, r)
		if !known {
			continue
		}
		lacks := func(name string, rng Range, qualified string) {
			out = append(out, Diagnostic{File: rel, Range: rng, Severity: SeverityError, Rule: RuleMissingExport,
				Message: fmt.Sprintf("%s%q does not export `%s`: the module assigns no such name to its exports", qualified, req.spec, name),
				Related: []Related{{File: target, Message: fmt.Sprintf("%s is the module %q names", target, req.spec)}}})
		}
		for _, n := range req.names {
			if !exports[n.name] && !v.setFromOutside(n.name) {
				lacks(n.name, n.rng, "")
			}
		}
		// u.name through `const u = require("./x")`, unless u is declared again or
		// assigned, or the file writes names onto the module (u.extra = ...), or tests
		// for the name before using it (esTests).
		ns := req.namespace
		if ns == "" || f.locals[ns] || slices.ContainsFunc(f.refs, func(ref Ref) bool { return ref.Qualifier == ns && ref.Written }) {
			continue
		}
		for _, ref := range f.refs {
			if ref.Qualifier == ns && !exports[ref.Name] && !objectMembers[ref.Name] && !f.probed[ns+"."+ref.Name] && !v.setFromOutside(ref.Name) {
				lacks(ref.Name, ref.Range, fmt.Sprintf("`%s.%s`: ", ns, ref.Name))
			}
		}
	}

	for _, ref := range f.refs {
		target, ok := namespaces[ref.Qualifier]
		if !ok || f.locals[ref.Qualifier] {
			continue
		}
		if exports := v.exportsOf(target); !exports.open && !exports.has(ref.Name) {
			out = append(out, Diagnostic{File: rel, Range: ref.Range, Severity: SeverityError, Rule: RuleMissingExport,
				Message: fmt.Sprintf("`%s.%s`: %s has no export `%s`", ref.Qualifier, ref.Name, target, ref.Name),
				Related: []Related{{File: target, Message: fmt.Sprintf("%s is the module `%s` names", target, ref.Qualifier)}}})
		}
	}

	var classes map[string]Definition // declared here once, with static methods
	for _, d := range f.defs {
		if _, twice := classes[d.Name]; twice {
			classes[d.Name] = Definition{}
		} else if d.Statics != nil {
			if classes == nil {
				classes = map[string]Definition{}
			}
			classes[d.Name] = d
		}
	}
	for _, call := range f.calls {
		if call.Uncountable {
			continue
		}
		var def located
		var ok bool
		switch {
		case call.Qualifier != "" && f.locals[call.Qualifier]:
		case call.Qualifier != "":
			if target, isNS := namespaces[call.Qualifier]; isNS {
				def, ok = v.definitionOf(target, call.Name, 0)
				break
			}
			// C.method(...): a static method of a class imported or declared here.
			class, found := located{rel, classes[call.Qualifier]}, true
			if from := importedFrom[call.Qualifier]; from != "" {
				class, found = v.definitionOf(from, importedName[call.Qualifier], 0)
			}
			if method, isStatic := class.def.Statics[call.Name]; found && isStatic {
				def, ok = located{class.file, method}, true
			}
		case f.locals[call.Name]:
		case importedFrom[call.Name] != "":
			def, ok = v.definitionOf(importedFrom[call.Name], importedName[call.Name], 0)
		default:
			def, ok = v.localDefinition(rel, call.Name, 0)
		}
		if !ok || def.def.Arity == nil || def.def.Arity.accepts(call.Args) || v.file(def.file).broken() {
			continue
		}
		// JavaScript accepts any number of arguments; TypeScript checks them.
		if lang := v.file(def.file).lang.ID; lang != "typescript" && lang != "tsx" {
			continue
		}
		name := call.Name
		if call.Qualifier != "" {
			name = call.Qualifier + "." + name
		}
		out = append(out, Diagnostic{File: rel, Range: call.Range, Severity: SeverityError, Rule: RuleArityMismatch,
			Message: fmt.Sprintf("`%s` takes %s; this call passes %d", name, describeArity(*def.def.Arity), call.Args),
			Related: []Related{{File: def.file, Range: def.def.Range, Message: fmt.Sprintf("`%s` is defined here", def.def.Name)}}})
	}
	return out
}

// esDuplicates finds top-level names declared twice where the language forbids it:
// functions (with a body), classes, let and const. `var`, overload signatures and
// declaration merging (interfaces, namespaces, enums) are legal; a script (no import or
// export) may repeat function declarations.
func esDuplicates(rel string, f *fileFacts) []Diagnostic {
	seen := map[string]Definition{}
	var out []Diagnostic
	for _, d := range f.defs {
		switch d.Kind {
		case "class", "lexical":
		case "function":
			if f.lang.ID == "javascript" && !f.es.module {
				continue
			}
		default:
			continue
		}
		first, dup := seen[d.Name]
		if !dup {
			seen[d.Name] = d
			continue
		}
		out = append(out, Diagnostic{File: rel, Range: d.Range, Severity: SeverityError, Rule: RuleDuplicateDefinition,
			Message: fmt.Sprintf("`%s` is defined twice in this module", d.Name),
			Related: []Related{{File: rel, Range: first.Range, Message: "first defined here"}}})
	}
	return out
}

// tsconfig holds the options that matter here: module resolution, and where compiled
// output goes (to find a compiled file's source). Paths are relative to the root.
type tsconfig struct {
	baseURL string              // relative to the root
	paths   map[string][]string // pattern -> targets, relative to the root
	outDir  string
	rootDir string
	inputs  []string // the directories include and files name, up to their first wildcard
	// syntheticDefaults: esModuleInterop, allowSyntheticDefaultImports or moduleResolution
	// bundler, which implies it, or a package's config that may set them.
	syntheticDefaults bool
}

// candidates lists where a bare specifier may live under baseUrl and paths.
// As the compiler does, it takes one pattern, the exact one or else the matching one with
// the longest prefix (the first in order of their text on a tie), with its targets in
// their order (Vault's `"vault/*": ["types/*", "types/vault/*", "app/*", ...]`), then
// baseUrl.
func (c *tsconfig) candidates(spec string) []string {
	chosen, best := "", -1 // best: the chosen pattern's prefix length, MaxInt when exact
	for pattern := range c.paths {
		prefix, suffix, wild := strings.Cut(pattern, "*")
		rank := math.MaxInt
		if wild {
			if !strings.HasPrefix(spec, prefix) || !strings.HasSuffix(spec, suffix) || len(spec) < len(prefix)+len(suffix) {
				continue
			}
			rank = len(prefix)
		} else if spec != pattern {
			continue
		}
		if rank > best || rank == best && pattern < chosen {
			chosen, best = pattern, rank
		}
	}
	var out []string
	if best >= 0 {
		prefix, suffix, _ := strings.Cut(chosen, "*")
		matched := spec[len(prefix) : len(spec)-len(suffix)]
		for _, t := range c.paths[chosen] {
			out = append(out, strings.Replace(t, "*", matched, 1))
		}
	}
	if c.baseURL != "" {
		out = append(out, path.Join(c.baseURL, spec))
	}
	return out
}

// tsconfigFor finds the tsconfig.json (or jsconfig.json) nearest above dir. The configs
// it reads, and those it looked for, are reads of the checks that use it: a config
// edited, created or removed re-checks them.
func (v *esView) tsconfigFor(dir string) *tsconfig {
	return remember(v.evaluation, v.tsconfigs, dir, func() *tsconfig {
		for _, name := range []string{"tsconfig.json", "jsconfig.json"} {
			if cfg := readTSConfig(v.readFile, path.Join(dir, name), 0); cfg != nil {
				return cfg
			}
		}
		if dir != "." && dir != "" {
			return v.tsconfigFor(path.Dir(dir))
		}
		return nil
	})
}

var (
	jsonComments       = regexp.MustCompile(`(?s)"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/`)
	jsonTrailingCommas = regexp.MustCompile(`,(\s*[}\]])`)
)

// readTSConfig reads compilerOptions.baseUrl, paths, outDir and rootDir, include and
// files from the JSON-with-comments file rel and the configs it extends by a relative
// path (a list of them since TypeScript 5.0; later ones win, and the file's own options
// win over all): monorepos declare their path aliases in a base config. A config
// extended from a package is not seen, and what is not seen is not used.
func readTSConfig(read func(rel string) ([]byte, error), rel string, depth int) *tsconfig {
	if depth > 8 { // a cycle of extends
		return nil
	}
	src, err := read(rel)
	if err != nil {
		return nil
	}
	clean := jsonComments.ReplaceAllFunc(src, func(m []byte) []byte {
		if m[0] == '"' {
			return m
		}
		return nil
	})
	clean = jsonTrailingCommas.ReplaceAll(clean, []byte("$1"))
	var doc struct {
		Extends         json.RawMessage `json:"extends"`
		CompilerOptions struct {
			BaseURL                      string              `json:"baseUrl"`
			Paths                        map[string][]string `json:"paths"`
			OutDir                       string              `json:"outDir"`
			RootDir                      string              `json:"rootDir"`
			EsModuleInterop              bool                `json:"esModuleInterop"`
			AllowSyntheticDefaultImports bool                `json:"allowSyntheticDefaultImports"`
			ModuleResolution             string              `json:"moduleResolution"`
		} `json:"compilerOptions"`
		Include []string `json:"include"`
		Files   []string `json:"files"`
	}
	if json.Unmarshal(clean, &doc) != nil {
		return &tsconfig{} // unreadable options: follow nothing
	}
	dir := path.Dir(rel)
	cfg := &tsconfig{}
	var extends []string
	if json.Unmarshal(doc.Extends, &extends) != nil {
		var one string
		if json.Unmarshal(doc.Extends, &one) == nil {
			extends = []string{one}
		}
	}
	for _, e := range extends {
		if !isRelative(e) {
			cfg.syntheticDefaults = true // a package's config, not read: it may allow them
			continue
		}
		base := path.Join(dir, e)
		if !strings.HasSuffix(base, ".json") {
			base += ".json"
		}
		if inherited := readTSConfig(read, base, depth+1); inherited != nil {
			cfg.baseURL = cmp.Or(inherited.baseURL, cfg.baseURL)
			cfg.outDir = cmp.Or(inherited.outDir, cfg.outDir)
			cfg.rootDir = cmp.Or(inherited.rootDir, cfg.rootDir)
			if inherited.paths != nil {
				cfg.paths = inherited.paths
			}
			if inherited.inputs != nil {
				cfg.inputs = inherited.inputs
			}
			cfg.syntheticDefaults = cfg.syntheticDefaults || inherited.syntheticDefaults
		}
	}
	options := doc.CompilerOptions
	cfg.syntheticDefaults = cfg.syntheticDefaults || options.EsModuleInterop || options.AllowSyntheticDefaultImports ||
		strings.EqualFold(options.ModuleResolution, "bundler")
	if doc.CompilerOptions.OutDir != "" {
		cfg.outDir = path.Join(dir, doc.CompilerOptions.OutDir)
	}
	if doc.CompilerOptions.RootDir != "" {
		cfg.rootDir = path.Join(dir, doc.CompilerOptions.RootDir)
	}
	if doc.Include != nil || doc.Files != nil {
		cfg.inputs = nil
		for _, pattern := range doc.Include {
			base, _, _ := strings.Cut(pattern, "*")
			if strings.ContainsAny(path.Base(base), ".?") || strings.HasSuffix(base, "/") {
				base = path.Dir(base) // "src/**/*.ts", "src/main.ts"
			}
			cfg.inputs = append(cfg.inputs, path.Join(dir, base))
		}
		for _, file := range doc.Files {
			cfg.inputs = append(cfg.inputs, path.Join(dir, path.Dir(file)))
		}
	}
	pathsBase := dir // paths without a baseUrl are relative to the config that has them
	if doc.CompilerOptions.BaseURL != "" {
		cfg.baseURL = path.Join(dir, doc.CompilerOptions.BaseURL)
		pathsBase = cfg.baseURL
	}
	if len(doc.CompilerOptions.Paths) > 0 {
		cfg.paths = map[string][]string{}
		for pattern, targets := range doc.CompilerOptions.Paths {
			for _, t := range targets {
				cfg.paths[pattern] = append(cfg.paths[pattern], path.Join(pathsBase, t))
			}
		}
	}
	return cfg
}
