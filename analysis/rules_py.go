package analysis

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// pyModule is what a Python import names: a module file, a package (its __init__ and
// its directory) or a namespace package (a directory alone).
type pyModule struct {
	kind resolution
	file string // the module's source, "" for a namespace package
	dir  string // the package directory, "" for a plain module
}

// pyView is the Python part of the index for one evaluation of the rules.
type pyView struct {
	*evaluation
	roots []string // import roots: the workspace and a src/ layout (see newPyView)
}

// A directory with an __init__.py is a package, not where absolute imports start: the
// workspace root when a package is checked on its own, or src/. A module named like one
// of the standard library's at the root is not known to shadow it (a module Python
// loads at start-up, types or abc, wins), so those names stay the library's.
func newPyView(e *evaluation) *pyView {
	v := &pyView{evaluation: e}
	if e.ix.files["__init__.py"] == nil {
		v.roots = append(v.roots, "")
	}
	if info, err := os.Stat(filepath.Join(e.ix.root, "src")); err == nil && info.IsDir() && e.ix.files["src/__init__.py"] == nil {
		v.roots = append(v.roots, "src")
	}
	return v
}

// pythonStandardLibrary are the public top-level modules of Python 3.11 to 3.14
// (sys.stdlib_module_names), those removed in later versions included.
var pythonStandardLibrary = wordSet(`
__future__ abc aifc annotationlib antigravity argparse array ast asynchat asyncio
asyncore atexit audioop base64 bdb binascii bisect builtins bz2 cProfile calendar cgi
cgitb chunk cmath cmd code codecs codeop collections colorsys compileall compression
concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses
dataclasses datetime dbm decimal difflib dis distutils doctest email encodings
ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib
functools gc genericpath getopt getpass gettext glob graphlib grp gzip hashlib heapq
hmac html http idlelib imaplib imghdr imp importlib inspect io ipaddress itertools
json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math
mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ntpath
nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle
pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile
pstats pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re
readline reprlib resource rlcompleter runpy sched secrets select selectors shelve
shlex shutil signal site smtpd smtplib sndhdr socket socketserver spwd sqlite3
sre_compile sre_constants sre_parse ssl stat statistics string stringprep struct
subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile
termios textwrap this threading time timeit tkinter token tokenize tomllib trace
traceback tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib
uu uuid venv warnings wave weakref webbrowser winreg winsound wsgiref xdrlib xml
xmlrpc zipapp zipfile zipimport zlib zoneinfo
`)

// resolve finds the module an import names from file from; external for modules that
// are not in the workspace.
func (v *pyView) resolve(module string, level int, from string) pyModule {
	parts := []string{}
	if module != "" {
		parts = strings.Split(module, ".")
	}
	if level > 0 {
		base := path.Dir(from)
		for range level - 1 {
			if base == "." {
				return pyModule{kind: opaque} // above the workspace
			}
			base = path.Dir(base)
		}
		if len(parts) == 0 {
			return v.lookup(base)
		}
		return v.lookupDotted(base, parts)
	}
	if len(parts) == 0 {
		return pyModule{kind: opaque} // `from  import x`, broken beyond reading
	}
	if pythonStandardLibrary[parts[0]] {
		return pyModule{kind: external}
	}
	v.read("__init__.py") // whether the root and src/ are import roots
	v.read("src")
	v.read("src/__init__.py")
	for _, root := range v.roots {
		if v.lookup(path.Join(root, parts[0])).kind == missing {
			continue
		}
		return v.lookupDotted(root, parts)
	}
	return pyModule{kind: external}
}

// lookupDotted follows a.b.c from a root. Below a plain module (not a package) only
// sys.modules can provide a submodule (os.path): nothing is certain there.
func (v *pyView) lookupDotted(base string, parts []string) pyModule {
	for i := range parts {
		m := v.lookup(path.Join(append([]string{base}, parts[:i+1]...)...))
		if i == len(parts)-1 || m.kind != source {
			return m
		}
		if m.dir == "" || v.file(m.file) != nil && v.file(m.file).py.hooksImports {
			return pyModule{kind: opaque} // only sys.modules or an import hook can serve below
		}
	}
	return pyModule{kind: missing}
}

// lookup finds the module at p (relative to the workspace, no extension).
func (v *pyView) lookup(p string) pyModule {
	p = strings.TrimPrefix(path.Clean(p), "./")
	for _, c := range []string{p + ".py", p + ".pyi"} {
		if f := v.file(c); f != nil && f.py != nil {
			return pyModule{kind: source, file: c}
		}
	}
	for _, c := range []string{p + "/__init__.py", p + "/__init__.pyi"} {
		if f := v.file(c); f != nil && f.py != nil {
			return pyModule{kind: source, file: c, dir: p}
		}
	}
	if info, err := v.stat(p); err == nil && info.IsDir() {
		if _, err := v.stat(p + "/__init__.py"); err == nil {
			return pyModule{kind: opaque} // a package whose __init__ was not checked
		}
		return pyModule{kind: source, dir: p} // a namespace package
	}
	// A compiled extension, a skipped or ignored source, a module written at build time.
	if v.hasSiblingNamed(p) || v.ix.ignore.Ignored(p+".py", false) || v.ix.ignore.Ignored(p, true) || v.declaredByBuild(p) {
		return pyModule{kind: opaque}
	}
	return pyModule{kind: missing}
}

// buildFiles declare the modules a build makes: meson's py.extension_module('_x'),
// setuptools' Extension("pkg._x"), CMake's pybind11_add_module(_x ...), maturin's
// module-name = "pkg._x", setuptools-scm's and hatch-vcs' version file
// "src/pkg/_version.py".
var buildFiles = []string{"meson.build", "setup.py", "CMakeLists.txt", "pyproject.toml"}

// declaredByBuild reports whether a build file in p's directory or above names p's
// module, quoted or as a CMake target: the build makes that module (numpy's
// _multiarray_umath, scipy's _ufuncs), and a source tree does not hold it.
func (v *pyView) declaredByBuild(p string) bool {
	if !utf8.ValidString(p) {
		return false // no build names a module in bytes that are not text (nor could a pattern)
	}
	name := regexp.QuoteMeta(path.Base(p))
	declared := regexp.MustCompile(`["'](?:[\w./-]*[./])?` + name + `(?:\.py)?["']|\(\s*` + name + `[\s)]`)
	for dir := path.Dir(p); ; dir = path.Dir(dir) {
		for _, build := range buildFiles {
			if data, err := v.readFile(path.Join(dir, build)); err == nil && declared.Match(data) {
				return true
			}
		}
		if dir == "." {
			return false
		}
	}
}

// hasSiblingNamed reports whether p's directory holds p with any extension (p.so, p.pyd,
// p.py.in).
func (v *pyView) hasSiblingNamed(p string) bool {
	prefix := path.Base(p) + "."
	for _, e := range v.readDir(path.Dir(p)) {
		if strings.HasPrefix(e.Name(), prefix) {
			return true
		}
	}
	return false
}

// moduleAttributes exist in every module.
var moduleAttributes = map[string]bool{
	"__doc__": true, "__name__": true, "__file__": true, "__path__": true, "__spec__": true,
	"__loader__": true, "__package__": true, "__builtins__": true, "__dict__": true,
	"__annotations__": true, "__cached__": true,
}

// defines reports whether a module binds name (known is false when it cannot be told).
// A module with a star import is open: it is not said to lack a name, but what the star
// imports of the workspace's own modules bind, it has.
func (v *pyView) defines(m pyModule, name string) (known, has bool) {
	known, has = v.definesAlong(m, name, map[string]bool{})
	if !known || has {
		return known, has
	}
	for _, rel := range v.moduleFiles(m) {
		if rel != "" && slices.ContainsFunc(v.file(rel).py.imports, func(imp pyImport) bool { return imp.star }) {
			return false, false
		}
	}
	return true, false
}

// definesAlong is defines with star imports followed, and the modules whose star imports
// led here: a cycle of star imports tells nothing.
func (v *pyView) definesAlong(m pyModule, name string, along map[string]bool) (known, has bool) {
	if moduleAttributes[name] {
		return true, true
	}
	if m.dir != "" && v.lookup(m.dir+"/"+name).kind != missing {
		return true, true // a submodule
	}
	if m.file == "" {
		return true, false
	}
	if along[m.file] {
		return false, false
	}
	along[m.file] = true
	defer delete(along, m.file)
	known = true
	for _, rel := range v.moduleFiles(m) {
		if rel == "" {
			continue
		}
		f := v.file(rel)
		if f.py.open {
			return false, false
		}
		if f.py.bound[name] > 0 || f.mentions(name) { // a broken parse may have lost it
			return true, true
		}
		for _, imp := range f.py.imports {
			if !imp.star {
				continue
			}
			source, ok := v.starSource(imp, rel)
			if !ok {
				known = false
				continue
			}
			switch sourceKnown, sourceHas := v.definesAlong(source, name, along); {
			case sourceHas:
				return true, true
			case !sourceKnown:
				known = false
			}
		}
	}
	return known, false
}

// moduleFiles are the Python files of a module: its source and a stub beside it, or
// its stub and the source beside it ("" where there is none).
func (v *pyView) moduleFiles(m pyModule) [2]string {
	if m.file == "" {
		return [2]string{}
	}
	sibling := m.file + "i"
	if strings.HasSuffix(m.file, ".pyi") {
		sibling = strings.TrimSuffix(m.file, "i")
	}
	files := [2]string{m.file, sibling}
	for i, rel := range files {
		if f := v.file(rel); f == nil || f.py == nil {
			files[i] = ""
		}
	}
	return files
}

// starSource is the module a star import reads, when it is one of the workspace's.
func (v *pyView) starSource(imp pyImport, from string) (pyModule, bool) {
	m := v.resolve(imp.module, imp.level, from)
	return m, m.kind == source
}

// signature finds the signature of a function a module defines once, undecorated, or
// takes through exactly one of its star imports; or, for "Class.method", of a static or
// class method of a class it so defines.
func (v *pyView) signature(m pyModule, name string) (pySignature, located, bool) {
	return v.signatureAlong(m, name, map[string]bool{})
}

func (v *pyView) signatureAlong(m pyModule, name string, along map[string]bool) (pySignature, located, bool) {
	if m.file == "" {
		return pySignature{}, located{}, false
	}
	f := v.file(m.file)
	if f == nil || f.py == nil || f.broken() || along[m.file] {
		return pySignature{}, located{}, false
	}
	along[m.file] = true
	binding, member, isMember := strings.Cut(name, ".") // the module's name for the function or class
	if f.py.bound[binding] == 0 {
		return v.starSignature(m.file, f, name, along)
	}
	if f.py.bound[binding] > 1 {
		return pySignature{}, located{}, false
	}
	if method, ok := f.py.methods[name]; ok && isMember {
		return method.sig, located{m.file, method.def}, true
	}
	if sig, ok := f.py.sigs[name]; ok && !isMember {
		for _, d := range f.defs {
			if d.Name == name {
				return sig, located{m.file, d}, true
			}
		}
		return pySignature{}, located{}, false
	}
	// A re-export, `from .core import run` in a package's __init__: run's own def.
	if imp, imported, ok := f.py.fromImportOf(binding); ok {
		if from := v.resolve(imp.module, imp.level, m.file); from.kind == source {
			if isMember {
				return v.signatureAlong(from, imported.name+"."+member, along)
			}
			return v.signatureAlong(from, imported.name, along)
		}
	}
	return pySignature{}, located{}, false
}

// starSignature is the signature of name in the one star-imported module of file that
// defines it, when the others surely do not. along holds the modules already followed.
func (v *pyView) starSignature(file string, f *fileFacts, name string, along map[string]bool) (pySignature, located, bool) {
	var from pyModule
	binding, _, _ := strings.Cut(name, ".")
	for _, imp := range f.py.imports {
		if !imp.star {
			continue
		}
		m, ok := v.starSource(imp, file)
		if !ok {
			return pySignature{}, located{}, false
		}
		known, has := v.definesAlong(m, binding, along)
		if !known || has && from.file != "" {
			return pySignature{}, located{}, false
		}
		if has {
			from = m
		}
	}
	if from.file == "" {
		return pySignature{}, located{}, false
	}
	return v.signatureAlong(from, name, along)
}

// submodule is the submodule of package m that `from m import name` binds. What the
// package's __init__ binds to that name comes first: `from .run import run` there makes
// run the function, not the module.
func (v *pyView) submodule(m pyModule, name string) (pyModule, bool) {
	if m.dir == "" {
		return pyModule{}, false
	}
	sub := v.lookup(m.dir + "/" + name)
	if sub.kind != source {
		return pyModule{}, false
	}
	if f := v.file(m.file); f != nil && f.py != nil && f.py.bound[name] > 0 {
		// Unless it is `from . import run` (or `from pkg import run`): the module itself.
		imp, imported, ok := f.py.fromImportOf(name)
		if f.py.bound[name] > 1 || !ok || imported.name != name || v.resolve(imp.module, imp.level, m.file).file != m.file {
			return pyModule{}, false
		}
	}
	return sub, true
}

func (v *pyView) checkFile(rel string, f *fileFacts) []Diagnostic {
	var out []Diagnostic
	type importedFunction struct { // where to find a local name's signature
		module pyModule
		name   string
	}
	functions := map[string]importedFunction{}
	type lateImport struct {
		importedFunction       // a module, with no name, when submodule is set
		scope            Range // where the import binds its name (pyImport.scope)
		submodule        bool
	}
	late := map[string][]lateImport{} // by local name
	modules := map[string]pyModule{}  // local name (or a.b) -> module, for qualified calls
	plainImports := map[string]int{}  // local name -> the `import a...` statements binding it
	for _, imp := range f.py.imports {
		if !imp.from && !imp.nested {
			for _, n := range imp.names {
				plainImports[n.local]++
			}
		}
	}
	stub := strings.HasSuffix(rel, ".pyi")
	for _, imp := range f.py.imports {
		if imp.guarded || stub && imp.level == 0 {
			continue // a stub's absolute imports name its own stub tree
		}
		m := v.resolve(imp.module, imp.level, rel)
		written := strings.Repeat(".", imp.level) + imp.module
		if m.kind == missing {
			out = append(out, Diagnostic{File: rel, Range: imp.rng, Severity: SeverityError, Rule: RuleUnresolvedImport,
				Message: fmt.Sprintf("cannot resolve import `%s`: no such module or package in the workspace", written)})
			continue
		}
		if m.kind != source {
			continue
		}
		if !imp.from {
			// import a.b as c binds a.b to c, and import a binds a; import a.b binds only a,
			// through which a.b names the submodule (unless a's __init__ binds b).
			dot := strings.LastIndexByte(imp.module, '.')
			switch {
			case len(imp.names) != 1:
			case dot < 0 || imp.names[0].local != strings.Split(imp.module, ".")[0]:
				modules[imp.names[0].local] = m
			default:
				if sub, ok := v.submodule(v.resolve(imp.module[:dot], 0, rel), imp.module[dot+1:]); ok {
					modules[imp.module] = sub
				}
			}
			continue
		}
		for _, n := range imp.names {
			known, has := v.defines(m, n.name)
			if known && !has {
				related := []Related{}
				if m.file != "" {
					related = append(related, Related{File: m.file, Message: fmt.Sprintf("module `%s` is here", written)})
				}
				out = append(out, Diagnostic{File: rel, Range: n.rng, Severity: SeverityError, Rule: RuleMissingExport,
					Message: fmt.Sprintf("`%s` does not define `%s`", written, n.name), Related: related})
				continue
			}
			sub, isModule := v.submodule(m, n.name)
			switch {
			case imp.nested && imp.rebound[n.local]:
			case imp.nested && isModule:
				late[n.local] = append(late[n.local], lateImport{importedFunction{sub, ""}, imp.scope, true})
			case imp.nested:
				late[n.local] = append(late[n.local], lateImport{importedFunction{m, n.name}, imp.scope, false})
			case isModule:
				modules[n.local] = sub
			default:
				functions[n.local] = importedFunction{m, n.name}
			}
		}
	}

	if len(f.py.listed) > 0 {
		own := pyModule{kind: source, file: rel}
		if base := path.Base(rel); base == "__init__.py" || base == "__init__.pyi" {
			own.dir = path.Dir(rel) // a package: its submodules may be listed
		}
		for _, l := range f.py.listed {
			if known, has := v.defines(own, l.name); known && !has && !v.setFromOutside(l.name) {
				out = append(out, Diagnostic{File: rel, Range: l.rng, Severity: SeverityError, Rule: RuleMissingExport,
					Message: fmt.Sprintf("`__all__` lists `%s`, which the module does not define", l.name)})
			}
		}
	}

	// lateAt is the late import that binds local at a place.
	lateAt := func(local string, at Position, submodule bool) (lateImport, bool) {
		for _, l := range late[local] {
			if l.submodule == submodule && within(at, l.scope) {
				return l, true
			}
		}
		return lateImport{}, false
	}
	// module returns the module a qualifier names at a place in this file, when it surely
	// does.
	module := func(qualifier string, at Position) (pyModule, bool) {
		if l, ok := lateAt(qualifier, at, true); ok {
			return l.module, true
		}
		m, isModule := modules[qualifier]
		if root, _, dotted := strings.Cut(qualifier, "."); dotted {
			// a.b: a bound by plain imports only (import a.b, import a.c), nowhere local.
			return m, isModule && !f.locals[root] && f.py.bound[root] == plainImports[root]
		}
		return m, isModule && !f.locals[qualifier] && f.py.bound[qualifier] <= 1 // not a parameter, not bound twice
	}
	// lacks reports m.name when the module does not define name.
	lacks := func(qualifier, name string, rng Range) bool {
		m, ok := module(qualifier, rng.Start)
		if !ok || f.probed[qualifier+"."+name] {
			return false
		}
		if known, has := v.defines(m, name); !known || has || v.setFromOutside(name) {
			return false
		}
		related := []Related{}
		if m.file != "" {
			related = append(related, Related{File: m.file, Message: fmt.Sprintf("`%s` is this module", qualifier)})
		}
		out = append(out, Diagnostic{File: rel, Range: rng, Severity: SeverityError, Rule: RuleMissingExport,
			Message: fmt.Sprintf("`%s.%s`: the module does not define `%s`", qualifier, name, name), Related: related})
		return true
	}
	for _, ref := range f.refs {
		if !ref.Written {
			lacks(ref.Qualifier, ref.Name, ref.Range)
		}
	}

	self := pyModule{kind: source, file: rel}
	for _, call := range f.calls {
		if call.Uncountable {
			continue
		}
		var sig pySignature
		var def located
		var ok bool
		var lateFunction lateImport // a late import of the function this call follows in its def
		isLate := false
		if call.Qualifier == "" {
			lateFunction, isLate = lateAt(call.Name, call.Range.Start, false)
		}
		switch {
		case call.Qualifier != "":
			if lacks(call.Qualifier, call.Name, call.Range) {
				continue
			}
			if m, isModule := module(call.Qualifier, call.Range.Start); isModule {
				sig, def, ok = v.signature(m, call.Name)
			} else if f.py.bound[call.Qualifier] == 1 && !f.locals[call.Qualifier] {
				// Class.method(...): a static or class method of a class imported or defined here.
				if fn, imported := functions[call.Qualifier]; imported {
					sig, def, ok = v.signature(fn.module, fn.name+"."+call.Name)
				} else {
					sig, def, ok = v.signature(self, call.Qualifier+"."+call.Name)
				}
			}
		case isLate:
			sig, def, ok = v.signature(lateFunction.module, lateFunction.name)
		case f.locals[call.Name]:
		default:
			if fn, imported := functions[call.Name]; imported {
				sig, def, ok = v.signature(fn.module, fn.name)
			} else {
				sig, def, ok = v.signature(self, call.Name)
			}
		}
		if !ok {
			continue
		}
		if problem := sig.problem(call.Args, call.Keywords); problem != "" {
			name := call.Name
			if call.Qualifier != "" {
				name = call.Qualifier + "." + name
			}
			out = append(out, Diagnostic{File: rel, Range: call.Range, Severity: SeverityError, Rule: RuleArityMismatch,
				Message: fmt.Sprintf("`%s` %s", name, problem),
				Related: []Related{{File: def.file, Range: def.def.Range, Message: fmt.Sprintf("`%s` is defined here", def.def.Name)}}})
		}
	}
	return out
}

// pyDuplicates reports a def or class defined twice, unconditionally and undecorated, at
// module level with no use of the first in between: the first is dead. Conditional and
// decorated definitions (overloads, registrations) are left alone.
func pyDuplicates(rel string, f *fileFacts) []Diagnostic {
	var out []Diagnostic
	for _, pair := range f.py.redefined {
		first, d := pair[0], pair[1]
		out = append(out, Diagnostic{File: rel, Range: d.Range, Severity: SeverityError, Rule: RuleDuplicateDefinition,
			Message: fmt.Sprintf("`%s` is defined twice in this module; the first definition is never used", d.Name),
			Related: []Related{{File: rel, Range: first.Range, Message: "first defined here"}}})
	}
	return out
}
