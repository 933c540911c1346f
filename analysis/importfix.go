package analysis

import (
	"path"
	"slices"
	"strings"
)

// ImportFix rewrites an import's module to the one workspace module that has every name
// the import asks for: the quick fix of an unresolved-import or missing-export finding.
type ImportFix struct {
	Range  Range  // of the module specifier in the importing file
	Spec   string // the specifier to write there
	Target string // the file it names
}

// SuggestImport returns the fix for an unresolved-import or missing-export finding of a
// TypeScript, JavaScript or Python import when exactly one workspace file exports all
// the names it imports. Go gets none: an import path and a package name go together, so
// a different path is rarely the fix.
func (ix *Index) SuggestImport(d Diagnostic) (ImportFix, bool) {
	if d.Rule != RuleUnresolvedImport && d.Rule != RuleMissingExport {
		return ImportFix{}, false
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f := ix.files[d.File]
	switch {
	case f == nil:
		return ImportFix{}, false
	case f.es != nil:
		return newEvaluation(ix).ecmascript().importFix(d, f)
	case f.py != nil:
		return newEvaluation(ix).python().importFix(d, f)
	}
	return ImportFix{}, false
}

// only returns the single candidate, false for none or several.
func (ix *Index) only(has func(rel string, f *fileFacts) bool) (string, bool) {
	found := ""
	for rel, f := range ix.files {
		if has(rel, f) {
			if found != "" {
				return "", false
			}
			found = rel
		}
	}
	return found, found != ""
}

func (v *esView) importFix(d Diagnostic, f *fileFacts) (ImportFix, bool) {
	i := slices.IndexFunc(f.es.imports, func(imp esImport) bool {
		return imp.specRange == d.Range || slices.ContainsFunc(imp.names, func(n importedName) bool { return n.rng == d.Range })
	})
	if i < 0 || len(f.es.imports[i].names) == 0 {
		return ImportFix{}, false
	}
	imp := f.es.imports[i]
	target, ok := v.ix.only(func(rel string, other *fileFacts) bool {
		if other.es == nil || rel == d.File || other.generated {
			return false
		}
		exports := v.exportsOf(rel)
		return !exports.open && !slices.ContainsFunc(imp.names, func(n importedName) bool { return !exports.names[n.name] })
	})
	if !ok {
		return ImportFix{}, false
	}
	// Spell it as the import did (with or without an extension), then any way that works.
	rel := relativeSpec(path.Dir(d.File), target)
	ext := path.Ext(target)
	bare := strings.TrimSuffix(rel, ext)
	spellings := []string{bare, strings.TrimSuffix(bare, "/index"), rel}
	if written := path.Ext(imp.spec); written != "" {
		spellings = []string{rel, bare}
		if js := tsToJS[ext]; js != "" && written == js {
			spellings = []string{bare + js, rel, bare}
		}
	}
	inner := imp.specRange // the string's contents: the quotes stay as written
	if inner.Start.Line == inner.End.Line && inner.End.Column-inner.Start.Column == len(imp.spec)+2 {
		inner.Start.Column++
		inner.End.Column--
	}
	for _, spec := range spellings {
		if got, r := v.resolve(spec, d.File); r == source && got == target {
			return ImportFix{Range: inner, Spec: spec, Target: target}, true
		}
	}
	return ImportFix{}, false
}

// tsToJS is the JavaScript extension a TypeScript source is imported by under ESM rules.
var tsToJS = map[string]string{".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs"}

// relativeSpec is the relative specifier from directory dir to file target.
func relativeSpec(dir, target string) string {
	up := ""
	for dir != "." && !strings.HasPrefix(target, dir+"/") {
		dir, up = path.Dir(dir), up+"../"
	}
	if dir != "." {
		target = strings.TrimPrefix(target, dir+"/")
	}
	if up == "" {
		return "./" + target
	}
	return up + target
}

func (v *pyView) importFix(d Diagnostic, f *fileFacts) (ImportFix, bool) {
	i := slices.IndexFunc(f.py.imports, func(imp pyImport) bool {
		return imp.rng == d.Range || slices.ContainsFunc(imp.names, func(n importedName) bool { return n.rng == d.Range })
	})
	if i < 0 || !f.py.imports[i].from || len(f.py.imports[i].names) == 0 {
		return ImportFix{}, false
	}
	imp := f.py.imports[i]
	target, ok := v.ix.only(func(rel string, other *fileFacts) bool {
		if other.py == nil || other.py.open || rel == d.File || other.generated {
			return false
		}
		return !slices.ContainsFunc(imp.names, func(n importedName) bool { return other.py.bound[n.name] == 0 })
	})
	if !ok {
		return ImportFix{}, false
	}
	module := strings.TrimSuffix(strings.TrimSuffix(target, path.Ext(target)), "/__init__")
	// A relative import stays relative; an absolute one may drop a source root (src/).
	if imp.level > 0 {
		rel := strings.TrimPrefix(relativeSpec(path.Dir(d.File), module), "./")
		level := 1 + strings.Count(rel, "../")
		dotted := strings.ReplaceAll(strings.TrimLeft(strings.ReplaceAll(rel, "../", ""), "/"), "/", ".")
		if v.resolve(dotted, level, d.File).file == target {
			return ImportFix{Range: imp.rng, Spec: strings.Repeat(".", level) + dotted, Target: target}, true
		}
	}
	parts := strings.Split(module, "/")
	for start := range parts {
		dotted := strings.Join(parts[start:], ".")
		if v.resolve(dotted, 0, d.File).file == target {
			return ImportFix{Range: imp.rng, Spec: dotted, Target: target}, true
		}
	}
	return ImportFix{}, false
}
