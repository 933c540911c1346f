package analysis

import (
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// goModule is a module of the workspace: its path, the directory of its go.mod, the
// modules it requires, and where the workspace holds other modules its builds use.
type goModule struct {
	path     string
	dir      string // relative, "" for the root
	requires []string
	// local maps other modules' paths to their directories in the workspace, from which
	// its builds take them: its replace directives that name a directory, and the other
	// modules of the go.work that uses it (linkGoModules).
	local map[string]string
}

// readGoModule reads a go.mod.
func readGoModule(root, rel string) (goModule, bool) {
	src, err := ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return goModule{}, false
	}
	// Parse keeps the replace directives; ParseLax, which skips them, takes what Parse
	// refuses (a directive of a newer Go).
	f, err := modfile.Parse(rel, src, nil)
	if err != nil {
		f, err = modfile.ParseLax(rel, src, nil)
	}
	if err != nil || f.Module == nil {
		return goModule{}, false
	}
	m := goModule{path: f.Module.Mod.Path, dir: goDir(rel)}
	versions := map[string]string{}
	for _, r := range f.Require {
		m.requires = append(m.requires, r.Mod.Path)
		versions[r.Mod.Path] = r.Mod.Version
	}
	m.local = localReplacements(root, m.dir, f.Replace, versions)
	return m, true
}

// goWork is a go.work: its directory and the workspace directories of the modules it
// uses and of its replacements.
type goWork struct {
	dir     string
	uses    []string
	replace map[string]string
}

// readGoWork reads a go.work.
func readGoWork(root, rel string) (goWork, bool) {
	src, err := ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return goWork{}, false
	}
	f, err := modfile.ParseWork(rel, src, nil)
	if err != nil {
		return goWork{}, false
	}
	w := goWork{dir: goDir(rel), replace: localReplacements(root, goDir(rel), f.Replace, nil)}
	for _, u := range f.Use {
		if dir, ok := workspaceDir(root, w.dir, u.Path); ok {
			w.uses = append(w.uses, dir)
		}
	}
	return w, true
}

// goDir is the directory of a go.mod or go.work, "" for the root.
func goDir(rel string) string {
	if dir := path.Dir(rel); dir != "." {
		return dir
	}
	return ""
}

// localReplacements maps the modules that replace directives take from a directory
// inside the workspace to that directory. A directive for one version of a module
// applies when that is the version required (versions: the go.mod's requirements).
func localReplacements(root, dir string, replaces []*modfile.Replace, versions map[string]string) map[string]string {
	out := map[string]string{}
	for _, r := range replaces {
		if r.New.Version != "" || r.Old.Version != "" && versions[r.Old.Path] != r.Old.Version { // not a directory, or not this version
			continue
		}
		if target, ok := workspaceDir(root, dir, r.New.Path); ok {
			out[r.Old.Path] = target
		}
	}
	return out
}

// workspaceDir is a directory a go.mod or go.work in dir names, relative to the root
// ("" for the root); false when it lies outside.
func workspaceDir(root, dir, target string) (string, bool) {
	if filepath.IsAbs(target) {
		base, err := filepath.Abs(root) // `check .` names the workspace relatively
		if err != nil {
			return "", false
		}
		rel, err := filepath.Rel(base, target)
		if err != nil {
			return "", false
		}
		target = filepath.ToSlash(rel)
	} else {
		target = path.Join(dir, filepath.ToSlash(target))
	}
	switch target = path.Clean(target); {
	case target == ".":
		return "", true
	case target == ".." || strings.HasPrefix(target, "../"):
		return "", false
	}
	return target, true
}

// linkGoModules completes each module's local modules with those of the go.work nearest
// above it, when that go.work uses it (a build there runs in workspace mode). A directory
// that holds no such module resolves nothing (goView.resolve).
func linkGoModules(modules []goModule, works []goWork) {
	byDir := make(map[string]string, len(modules))
	for _, m := range modules {
		byDir[m.dir] = m.path
	}
	for _, m := range modules {
		var work *goWork
		for i, w := range works {
			if (w.dir == "" || underPath(m.dir, w.dir)) && (work == nil || len(w.dir) > len(work.dir)) {
				work = &works[i]
			}
		}
		if work != nil && slices.Contains(work.uses, m.dir) {
			for _, dir := range work.uses {
				if p, ok := byDir[dir]; ok {
					m.local[p] = dir
				}
			}
			maps.Copy(m.local, work.replace)
		}
	}
}

// goModuleDirs maps each directory that holds a go.mod ("" for the root) to the paths of
// the modules its files' imports resolve to in the workspace: its own first, then its
// local ones, space-separated.
type goModuleDirs map[string]string

func goModuleDirsOf(modules []goModule) goModuleDirs {
	out := make(goModuleDirs, len(modules))
	for _, m := range modules {
		out[m.dir] = strings.Join(append([]string{m.path}, slices.Sorted(maps.Keys(m.local))...), " ")
	}
	return out
}

// pathsFor returns the module paths of the deepest go.mod above a file; "" when there is
// none.
func (d goModuleDirs) pathsFor(rel string) string {
	for dir := path.Dir(rel); ; dir = path.Dir(dir) {
		key := dir
		if dir == "." {
			key = ""
		}
		if p, ok := d[key]; ok {
			return p
		}
		if key == "" || dir == "/" {
			return ""
		}
	}
}

// underPath reports whether importPath is modulePath or one of its packages.
func underPath(importPath, modulePath string) bool {
	return importPath == modulePath || strings.HasPrefix(importPath, modulePath+"/")
}

// underAnyPath reports whether importPath is in one of the space-separated modules.
func underAnyPath(importPath, modules string) bool {
	for module := range strings.FieldsSeq(modules) {
		if underPath(importPath, module) {
			return true
		}
	}
	return false
}

// goPackage is a directory's Go package as the rules see it.
type goPackage struct {
	dir   string
	name  string
	files []string // non-test files, sorted
	tests []string // _test.go files, sorted
}

// goView is the Go part of the index, built for one evaluation of the rules.
type goView struct {
	*evaluation
	modules    []goModule
	packages   map[string]*goPackage // by directory: the index's, read only
	hidden     map[string]memo[bool] // directories with .go files the index does not hold
	names      map[nameTableKey]memo[nameTable]
	duplicated map[string]memo[[]Diagnostic] // by package directory
}

type nameTableKey struct {
	dir       string
	withTests bool // the package's own _test.go files of the same package name count
}

func newGoView(e *evaluation) *goView {
	return &goView{evaluation: e, modules: e.ix.goModules, packages: e.ix.goPackages,
		hidden: map[string]memo[bool]{}, names: map[nameTableKey]memo[nameTable]{},
		duplicated: map[string]memo[[]Diagnostic]{}}
}

// goPackagesOf groups by directory the Go files some build compiles (all but the
// //go:build ignore programs).
func goPackagesOf(files map[string]*fileFacts) map[string]*goPackage {
	packages := map[string]*goPackage{}
	for rel, f := range files {
		if f.lang.ID != "go" || f.neverBuilt {
			continue
		}
		dir := path.Dir(rel)
		p := packages[dir]
		if p == nil {
			p = &goPackage{dir: dir}
			packages[dir] = p
		}
		if strings.HasSuffix(rel, "_test.go") {
			p.tests = append(p.tests, rel)
		} else {
			p.files = append(p.files, rel)
			p.name = f.pkg
		}
	}
	for _, p := range packages {
		slices.Sort(p.files)
		slices.Sort(p.tests)
	}
	return packages
}

// pkg returns the package in dir, nil when there is none.
func (v *goView) pkg(dir string) *goPackage {
	v.read(listingKey(dir))
	return v.packages[dir]
}

// isHidden reports whether dir has Go source the index does not hold (ignored by git,
// skipped, unreadable): names may be defined there, so nothing is certain about it.
func (v *goView) isHidden(dir string) bool {
	return remember(v.evaluation, v.hidden, dir, func() bool {
		for _, e := range v.readDir(dir) {
			if strings.HasSuffix(e.Name(), ".go") && v.file(path.Join(dir, e.Name())) == nil {
				return true
			}
		}
		return false
	})
}

// moduleOf returns the module a directory belongs to: the deepest go.mod above it.
func (v *goView) moduleOf(dir string) *goModule {
	var best *goModule
	for i, m := range v.modules {
		if (m.dir == "" || dir == m.dir || strings.HasPrefix(dir, m.dir+"/")) && (best == nil || len(m.dir) > len(best.dir)) {
			best = &v.modules[i]
		}
	}
	return best
}

// resolve maps an import path, seen in a file of directory from, to a directory of the
// workspace. It answers only for imports of the importing file's own module and of the
// modules the workspace holds for it (goModule.local): another module's packages may
// come in another version from elsewhere, so nothing is certain about them.
func (v *goView) resolve(importPath, from string) (dir string, ok bool) {
	m := v.moduleOf(from)
	if m == nil {
		return "", false
	}
	provider, providerDir := "", ""
	if underPath(importPath, m.path) {
		provider, providerDir = m.path, m.dir
	}
	for p, d := range m.local {
		if len(p) > len(provider) && underPath(importPath, p) {
			provider, providerDir = p, d
		}
	}
	if provider == "" {
		return "", false
	}
	for _, r := range m.requires {
		// A required module with a longer path provides the package (the module of
		// the repository's subdirectory, which a published copy leaves out).
		if len(r) > len(provider) && underPath(importPath, r) {
			return "", false
		}
	}
	dir = path.Join(providerDir, strings.TrimPrefix(strings.TrimPrefix(importPath, provider), "/"))
	if dir == "" {
		dir = "."
	}
	if owner := v.moduleOf(dir); owner == nil || owner.dir != providerDir {
		return "", false
	}
	return dir, true
}

// nameTable is the package-level names code sees in a package.
type nameTable struct {
	defs   map[string][]located
	broken []*fileFacts // files with syntax errors: they may define what they mention
}

// definitions returns the package-level names (methods excluded) that code in the file
// `from` sees in package p: test files of the package itself (export_test.go) count for
// tests in the same directory. Tables are built once per package and visibility.
func (v *goView) definitions(p *goPackage, from string) nameTable {
	key := nameTableKey{dir: p.dir, withTests: strings.HasSuffix(from, "_test.go") && path.Dir(from) == p.dir}
	return remember(v.evaluation, v.names, key, func() nameTable {
		files := p.files
		if key.withTests {
			files = v.sameNameTests(p)
		}
		names := nameTable{defs: map[string][]located{}}
		for _, rel := range files {
			f := v.file(rel)
			if f.broken() {
				names.broken = append(names.broken, f)
			}
			for _, d := range f.defs {
				if d.Kind != "method" {
					names.defs[d.Name] = append(names.defs[d.Name], located{rel, d})
				}
			}
		}
		return names
	})
}

// sameNameTests returns the package's files and those of its test files that belong to
// the package itself rather than to an external _test package.
func (v *goView) sameNameTests(p *goPackage) []string {
	files := slices.Clone(p.files)
	for _, t := range p.tests {
		if v.file(t).pkg == p.name {
			files = append(files, t)
		}
	}
	return files
}

// located is a definition and its file.
type located struct {
	file string
	def  Definition
}

// checkFile applies the import, export and arity rules to one file. A finding about an
// imported package is reported only when the index holds all its Go files (isHidden,
// asked only then: it lists the directory).
func (v *goView) checkFile(rel string, f *fileFacts) []Diagnostic {
	var out []Diagnostic
	imported := map[string]*goPackage{} // local name -> package
	for _, imp := range f.imports {
		dir, ok := v.resolve(imp.Spec, path.Dir(rel))
		if !ok || imp.Name == "_" || imp.Name == "." {
			continue
		}
		p := v.pkg(dir)
		if p == nil || len(p.files) == 0 {
			if !v.isHidden(dir) && !v.ix.ignore.Ignored(dir, true) { // an ignored directory: a build writes it
				out = append(out, Diagnostic{File: rel, Range: imp.Range, Severity: SeverityError, Rule: RuleUnresolvedImport,
					Message: fmt.Sprintf("cannot resolve import %q: no Go package in %s/", imp.Spec, dir)})
			}
			continue
		}
		local := imp.Name
		if local == "" {
			local = p.name
		}
		imported[local] = p
	}

	for _, ref := range f.refs {
		p := imported[ref.Qualifier]
		if p == nil {
			continue
		}
		names := v.definitions(p, rel)
		defs := names.defs[ref.Name]
		if (len(defs) == 0 || !defs[0].def.Exported) && v.isHidden(p.dir) || len(defs) == 0 && anyMentions(names.broken, ref.Name) {
			continue
		}
		if len(defs) == 0 {
			out = append(out, Diagnostic{File: rel, Range: ref.Range, Severity: SeverityError, Rule: RuleMissingExport,
				Message: fmt.Sprintf("`%s.%s` is not defined in package %s (%s/)", ref.Qualifier, ref.Name, p.name, p.dir),
				Related: []Related{{File: p.files[0], Message: fmt.Sprintf("package %s is here", p.name)}}})
			continue
		}
		if !defs[0].def.Exported {
			out = append(out, Diagnostic{File: rel, Range: ref.Range, Severity: SeverityError, Rule: RuleMissingExport,
				Message: fmt.Sprintf("`%s.%s` is not exported by package %s", ref.Qualifier, ref.Name, p.name),
				Related: []Related{{File: defs[0].file, Range: defs[0].def.Range, Message: fmt.Sprintf("`%s` is defined here", ref.Name)}}})
		}
	}

	own := v.pkg(path.Dir(rel))
	for _, call := range f.calls {
		if call.Uncountable {
			continue
		}
		var defs []located
		var from *goPackage // an imported package
		switch {
		case call.Qualifier != "":
			from = imported[call.Qualifier]
			if from == nil {
				continue
			}
			defs = v.definitions(from, rel).defs[call.Name]
		case own != nil && f.pkg == own.name:
			defs = v.definitions(own, rel).defs[call.Name]
		}
		if d, ok := arityViolation(defs, call.Args); ok && !v.file(d.file).broken() && (from == nil || !v.isHidden(from.dir)) {
			name := call.Name
			if call.Qualifier != "" {
				name = call.Qualifier + "." + name
			}
			out = append(out, Diagnostic{File: rel, Range: call.Range, Severity: SeverityError, Rule: RuleArityMismatch,
				Message: fmt.Sprintf("`%s` takes %s; this call passes %d", name, describeArity(*d.def.Arity), call.Args),
				Related: []Related{{File: d.file, Range: d.def.Range, Message: fmt.Sprintf("`%s` is defined here", call.Name)}}})
		}
	}
	return out
}

// arityViolation reports a call no definition of a function accepts. Anything that is
// not plainly a function with a known arity (a type conversion, a variable of func type,
// a name defined twice with different arities) is accepted.
func arityViolation(defs []located, args int) (located, bool) {
	if len(defs) == 0 {
		return located{}, false
	}
	for _, d := range defs {
		if d.def.Kind != "function" || d.def.Arity == nil || d.def.Arity.accepts(args) {
			return located{}, false
		}
	}
	return defs[0], true
}

func describeArity(a Arity) string {
	switch {
	case a.Max < 0:
		return "at least " + Count(a.Min, "argument")
	case a.Min == a.Max:
		return Count(a.Min, "argument")
	}
	return fmt.Sprintf("%d to %d arguments", a.Min, a.Max)
}

// duplicates finds package-level names (and methods of one type) defined twice in the
// package of dir. Files limited by build constraints are left out: they are meant to
// define the same names for different platforms or tags.
func (v *goView) duplicates(dir string) []Diagnostic {
	p := v.pkg(dir)
	if p == nil {
		return nil
	}
	return remember(v.evaluation, v.duplicated, dir, func() []Diagnostic { return v.packageDuplicates(p) })
}

func (v *goView) packageDuplicates(p *goPackage) []Diagnostic {
	seen := map[string]located{}
	var out []Diagnostic
	for _, rel := range v.sameNameTests(p) {
		f := v.file(rel)
		if f.constrained || f.broken() { // error recovery can make one definition look like two
			continue
		}
		for _, d := range f.defs {
			if d.Name == "_" || d.Name == "init" && d.Kind == "function" {
				continue
			}
			key := d.Name
			if d.Kind == "method" {
				key = d.Receiver + "." + d.Name
			}
			first, dup := seen[key]
			if !dup {
				seen[key] = located{rel, d}
				continue
			}
			if f.generated {
				continue
			}
			out = append(out, Diagnostic{File: rel, Range: d.Range, Severity: SeverityError, Rule: RuleDuplicateDefinition,
				Message: fmt.Sprintf("`%s` is defined twice in package %s", key, p.name),
				Related: []Related{{File: first.file, Range: first.def.Range, Message: "first defined here"}}})
		}
	}
	return out
}
