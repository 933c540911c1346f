package analysis

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
)

// maxFileBytes bounds what is parsed: larger sources are bundles or data, not code
// someone edits, and parsing them would cost more than it tells.
const maxFileBytes = 2 << 20

// Index holds the facts of every source file of a workspace, cached by content hash.
type Index struct {
	root   string
	ignore *workspace.Ignore

	mu        sync.RWMutex
	files     map[string]*fileFacts // by slash-separated relative path
	skipped   map[string]string     // relative path -> why it was not checked
	faults    map[string]string     // relative path -> the note of a panic of the checks on it (fault.go)
	goModules []goModule
	goModDirs goModuleDirs
	// goPackages are the Go packages by directory, shared by the evaluations; nil when a
	// Go file came, went, or changed its package clause or build status since.
	goPackages map[string]*goPackage
	// setOnModules are the attribute names some file sets on a module it imports
	// (fileFacts.setsOnModules), shared by the evaluations; nil when a file's
	// changed since.
	setOnModules map[string]bool

	// The rules' results, kept up to date incrementally (see evaluation).
	findings map[string][]Diagnostic // by file
	reads    map[string]readSet      // file -> what its last check read
	readers  map[string]readSet      // what was read -> the files whose check read it; nil until a change needs it
	stale    map[string]bool         // files to check again

	updateMu sync.Mutex // serializes Update, which owns updating and kept
	updating *parsers
	kept     map[string]*keptTree // the trees of the files Update parsed last
	updates  uint64
}

// keptTree is the syntax tree of a file as Update last parsed it: the next update of
// that file (an editor buffer, most often) reparses only what changed.
type keptTree struct {
	tree    *sitter.Tree
	src     []byte
	updated uint64
}

// keptTrees bounds the trees kept: the files being edited, not every file ever changed.
const keptTrees = 8

// NewIndex prepares an index of root; Scan fills it.
func NewIndex(root string) *Index {
	return &Index{
		root:     root,
		ignore:   workspace.NewIgnore(root),
		files:    map[string]*fileFacts{},
		skipped:  map[string]string{},
		faults:   map[string]string{},
		findings: map[string][]Diagnostic{},
		reads:    map[string]readSet{},
		stale:    map[string]bool{},
		updating: &parsers{},
		kept:     map[string]*keptTree{},
	}
}

// Root is the directory the index covers.
func (ix *Index) Root() string { return ix.root }

// ChangesResolution reports whether a change to the file rel changes how every file
// resolves (go.mod, go.work, tsconfig.json, jsconfig.json, .gitignore): after one, Scan
// the workspace again rather than Update the file.
func ChangesResolution(rel string) bool {
	switch path.Base(rel) {
	case "go.mod", "go.work", "tsconfig.json", "jsconfig.json", ".gitignore":
		return true
	}
	return false
}

// Checks reports whether a file is one the checks read: a source file of a known
// language that is not ignored.
func (ix *Index) Checks(rel string) bool {
	return LanguageFor(rel) != nil && !ix.ignore.Ignored(rel, false)
}

// Update replaces one file's facts with src, an editor's buffer or the file on disk. It
// keeps src, which the caller must not change afterwards.
func (ix *Index) Update(ctx context.Context, rel string, src []byte) error {
	if !ix.Checks(rel) {
		return nil
	}
	ix.updateMu.Lock()
	defer ix.updateMu.Unlock()
	skip := func(reason string) error {
		ix.forgetTree(rel)
		ix.mu.Lock()
		ix.setFile(rel, nil)
		ix.skipped[rel] = reason
		ix.changed(rel)
		ix.mu.Unlock()
		return nil
	}
	if reason := skipReason(rel, src); reason != "" {
		return skip(reason)
	}
	hash := sha256.Sum256(src)
	ix.mu.RLock()
	cached, module := ix.files[rel], goModuleFor(rel, ix.goModDirs)
	ix.mu.RUnlock()
	if cached != nil && cached.hash == hash && cached.goLocal == module {
		return nil
	}
	var f *fileFacts
	tree, err := ix.parseKept(ctx, rel, src)
	if err != nil {
		err = fmt.Errorf("parse %s: %w", rel, err)
	} else {
		f, err = factsOf(ctx, ix.updating, rel, src, tree, module)
	}
	if errors.Is(err, errParseBudget) { // the parse, or the parse of its grammar gaps' rewrite
		return skip(parseBudgetNote())
	}
	var fault *checksFault
	if err != nil && !errors.As(err, &fault) {
		return err
	}
	if f != nil {
		f.hash = hash
	}
	ix.mu.Lock()
	ix.setFile(rel, f)
	delete(ix.skipped, rel)
	delete(ix.faults, rel)
	if fault != nil {
		ix.faults[rel] = fault.note
	}
	ix.changed(rel)
	ix.mu.Unlock()
	return nil
}

// parseKept parses src, incrementally when the file's previous tree was kept, and keeps
// the new tree in its place. ix.updateMu is held.
func (ix *Index) parseKept(ctx context.Context, rel string, src []byte) (*sitter.Tree, error) {
	lang := LanguageFor(rel)
	var tree *sitter.Tree
	var err error
	if k := ix.kept[rel]; k != nil {
		tree, err = ix.updating.reparse(ctx, lang, k.tree, k.src, src)
	} else {
		tree, err = ix.updating.parse(ctx, lang, src)
	}
	ix.forgetTree(rel) // edited or replaced: of no further use
	if err != nil {
		return nil, err
	}
	ix.updates++
	ix.kept[rel] = &keptTree{tree: tree, src: src, updated: ix.updates}
	if len(ix.kept) > keptTrees {
		oldest := rel
		for other, k := range ix.kept {
			if k.updated < ix.kept[oldest].updated {
				oldest = other
			}
		}
		ix.forgetTree(oldest)
	}
	return tree, nil
}

// forgetTree drops the kept tree of rel and of files below it. ix.updateMu is held.
func (ix *Index) forgetTree(rel string) {
	for file, k := range ix.kept {
		if file == rel || strings.HasPrefix(file, rel+"/") {
			k.tree.Close()
			delete(ix.kept, file)
		}
	}
}

// setFile records a file's facts, or forgets the file when f is nil. ix.mu is held.
func (ix *Index) setFile(rel string, f *fileFacts) {
	old := ix.files[rel]
	if f == nil {
		delete(ix.files, rel)
	} else {
		ix.files[rel] = f
	}
	if strings.HasSuffix(rel, ".go") && (old == nil || f == nil || old.pkg != f.pkg || old.neverBuilt != f.neverBuilt) {
		ix.goPackages = nil
	}
	if !slices.Equal(setsOnModules(old), setsOnModules(f)) {
		ix.setOnModules = nil
		ix.markReaders(setOnModulesKey)
	}
}

// setsOnModules is what a file sets on modules it imports.
func setsOnModules(f *fileFacts) []string {
	if f == nil {
		return nil
	}
	return f.setsOnModules
}

// setOnModulesKey is what a check reads when it asks setOnModules: no path is named
// so.
const setOnModulesKey = "\x00attributes set on modules"

func setOnModulesOf(files map[string]*fileFacts) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		for _, name := range setsOnModules(f) {
			out[name] = true
		}
	}
	return out
}

// Remove forgets a file, or a directory and everything below it.
func (ix *Index) Remove(rel string) {
	ix.updateMu.Lock()
	ix.forgetTree(rel)
	ix.updateMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.changed(rel)
	for file := range ix.files {
		if strings.HasPrefix(file, rel+"/") {
			ix.setFile(file, nil)
			ix.changed(file)
		}
	}
	ix.setFile(rel, nil)
	for _, notes := range []map[string]string{ix.skipped, ix.faults} {
		for file := range notes {
			if file == rel || strings.HasPrefix(file, rel+"/") {
				delete(notes, file)
			}
		}
	}
}

// Touch says that something the index holds no facts of appeared, changed or went away
// at rel (a directory, a stylesheet, a compiled extension): files whose checks looked
// there are checked again.
func (ix *Index) Touch(rel string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.changed(rel)
}

// changed marks for a new check the file at rel and every file whose last check read
// rel, listed rel as a directory, or listed the directory rel is in. ix.mu is held.
func (ix *Index) changed(rel string) {
	ix.stale[rel] = true
	ix.markReaders(rel, listingKey(rel), listingKey(path.Dir(rel)))
}

// markReaders marks for a new check every file whose last check read one of keys.
// ix.mu is held.
func (ix *Index) markReaders(keys ...string) {
	readers := ix.reverseDependencies()
	for _, key := range keys {
		for file := range readers[key] {
			ix.stale[file] = true
		}
	}
}

// Scan reads every source file that is not ignored and parses the new or changed ones in
// parallel, one parser per core. progress, when set, is called as files complete.
func (ix *Index) Scan(ctx context.Context, progress func(done, total int)) error {
	var candidates []string
	var modules []goModule
	var works []goWork
	skipped := map[string]string{}
	err := ix.ignore.WalkParallel("", func(rel string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			if rel == "" {
				return err
			}
			skipped[rel] = fmt.Sprintf("unreadable: %v", unwrapPath(err))
		case d.Type()&fs.ModeSymlink != 0:
			if LanguageFor(rel) != nil {
				skipped[rel] = "a symbolic link"
			}
		case !d.IsDir() && !d.Type().IsRegular():
			if LanguageFor(rel) != nil {
				skipped[rel] = "not a regular file"
			}
		case !d.IsDir() && LanguageFor(rel) != nil:
			candidates = append(candidates, rel)
		case !d.IsDir() && path.Base(rel) == "go.mod":
			if m, ok := readGoModule(ix.root, rel); ok {
				modules = append(modules, m)
			}
		case !d.IsDir() && path.Base(rel) == "go.work":
			if w, ok := readGoWork(ix.root, rel); ok {
				works = append(works, w)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan %s: %w", ix.root, err)
	}

	linkGoModules(modules, works)
	var (
		mu      sync.Mutex
		done    int
		facts   = make(map[string]*fileFacts, len(candidates))
		faults  = map[string]string{}
		modDirs = goModuleDirsOf(modules)
	)
	err = eachParallel(ctx, len(candidates), func(ctx context.Context, p *parsers, i int) error {
		rel := candidates[i]
		f, reason, err := ix.load(ctx, p, rel, goModuleFor(rel, modDirs))
		mu.Lock()
		defer mu.Unlock()
		var fault *checksFault
		switch {
		case errors.As(err, &fault):
			faults[rel] = fault.note
		case err != nil:
			return err
		case reason != "":
			skipped[rel] = reason
		default:
			facts[rel] = f
		}
		done++
		if progress != nil {
			progress(done, len(candidates))
		}
		return nil
	})
	if err != nil {
		return err
	}

	ix.mu.Lock()
	ix.files, ix.skipped, ix.faults, ix.goModules, ix.goModDirs, ix.goPackages, ix.setOnModules = facts, skipped, faults, modules, modDirs, nil, nil
	ix.findings, ix.reads, ix.readers, ix.stale = map[string][]Diagnostic{}, map[string]readSet{}, nil, map[string]bool{}
	for rel := range facts {
		ix.stale[rel] = true
	}
	ix.mu.Unlock()
	return nil
}

// eachParallel calls work for 0..n-1 on every core, each goroutine with its own parsers,
// taking the next index from a shared counter. The first error cancels the rest and is
// returned.
func eachParallel(ctx context.Context, n int, work func(ctx context.Context, p *parsers, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			p := &parsers{}
			defer p.close()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := work(ctx, p, i); err != nil {
					cancel(err)
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// load returns a file's facts, reusing the cached ones when its content (and a Go file's
// module) is unchanged, or the reason it is not checked, or a *checksFault when the
// checks failed on it.
func (ix *Index) load(ctx context.Context, p *parsers, rel, module string) (*fileFacts, string, error) {
	src, err := readSource(filepath.Join(ix.root, filepath.FromSlash(rel)), p.source)
	if err != nil {
		return nil, fmt.Sprintf("unreadable: %v", unwrapPath(err)), nil
	}
	if cap(src) <= maxKeptSource {
		p.source = src // facts keep copies, never the source's bytes
	}
	if reason := skipReason(rel, src); reason != "" {
		return nil, reason, nil
	}
	hash := sha256.Sum256(src)
	ix.mu.RLock()
	cached := ix.files[rel]
	ix.mu.RUnlock()
	if cached != nil && cached.hash == hash && cached.goLocal == module {
		return cached, "", nil
	}
	f, err := parseFile(ctx, p, rel, src, module)
	if errors.Is(err, errParseBudget) {
		return nil, parseBudgetNote(), nil
	}
	if err != nil {
		return nil, "", err
	}
	if isTemplate(src, f.syntax) {
		return nil, "a template, with `<% %>` or `{% %}` tags", nil
	}
	f.hash = hash
	return f, "", nil
}

// goModuleFor is the paths of the modules a Go file's imports resolve to in the
// workspace, its own first (goModuleDirs; "" for other files, and for a Go file outside
// every module).
func goModuleFor(rel string, dirs goModuleDirs) string {
	if !strings.HasSuffix(rel, ".go") {
		return ""
	}
	return dirs.pathsFor(rel)
}

// parseFile extracts a file's facts and syntax errors; module is goModuleFor's.
func parseFile(ctx context.Context, p *parsers, rel string, src []byte, module string) (*fileFacts, error) {
	tree, err := p.parse(ctx, LanguageFor(rel), src)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", rel, err)
	}
	defer tree.Close()
	return factsOf(ctx, p, rel, src, tree, module)
}

// factsOf extracts the facts and syntax errors of a parsed file. A panic doing it is
// returned as a *checksFault.
func factsOf(ctx context.Context, p *parsers, rel string, src []byte, tree *sitter.Tree, module string) (_ *fileFacts, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = faultOf(r)
		}
	}()
	lang := LanguageFor(rel)
	f := &fileFacts{lang: lang, generated: isGenerated(src), goLocal: module, waived: waivedLines(lang, src)}
	if f.syntax, err = syntaxErrors(ctx, p, lang, src, tree); err != nil {
		return nil, fmt.Errorf("parse %s: %w", rel, err)
	}
	// Facts come from this parse, whose error recovery may have lost some, also where
	// every error was a grammar gap the rewrite made go away: the file is judged as a
	// broken one (facts.go).
	if hasError(tree) {
		f.text = string(src)
	}
	if lang.ID == "javascript" && len(f.syntax) > 0 && isFlow(rel, src) {
		f.syntax = nil // Flow's type annotations: valid where Flow's tools compile the file
	}
	if lang.extract != nil {
		flat, err := p.flatten(tree, src)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", rel, err)
		}
		lang.extract(rel, flat, f)
		f.setsOnModules = slices.Compact(slices.Sorted(slices.Values(f.setsOnModules))) // compared as is (setFile)
	}
	return f, nil
}

// skipReason says why a file is not worth parsing, or "".
func skipReason(rel string, src []byte) string {
	switch {
	case len(src) > maxFileBytes:
		return fmt.Sprintf("larger than %d MiB", maxFileBytes>>20)
	case bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0:
		return "binary"
	case strings.Contains(filepath.Base(rel), ".min."), isMinified(src):
		return "minified"
	}
	return ""
}

// isTemplate reports whether a file that did not parse is a template rather than code: a
// line with a syntax error holds a template tag, `<%= name %>` of EJS, ERB and lodash
// (ember-cli's blueprints) or `{% if %}` of Jinja and Liquid (cookiecutter's). Its
// imports name files where it is rendered, not where it lies.
func isTemplate(src []byte, syntax []Diagnostic) bool {
	tags := [][]byte{[]byte("<%"), []byte("{%")}
	if len(syntax) == 0 || !slices.ContainsFunc(tags, func(tag []byte) bool { return bytes.Contains(src, tag) }) {
		return false
	}
	lines := bytes.Split(src, []byte("\n"))
	return slices.ContainsFunc(syntax, func(d Diagnostic) bool {
		line := lines[min(d.Range.Start.Line, len(lines)-1)]
		return slices.ContainsFunc(tags, func(tag []byte) bool { return bytes.Contains(line, tag) })
	})
}

// isMinified spots bundles by their lines: code people write has short ones.
func isMinified(src []byte) bool {
	if len(src) < 4096 {
		return false
	}
	return len(src)/(bytes.Count(src, []byte("\n"))+1) > 300
}

// generatedMarker is Go's convention (and, with @generated, the JavaScript and Python
// tools'): a generated file says so near its top.
var generatedMarker = regexp.MustCompile(`(?m)^(?://|#) Code generated .* DO NOT EDIT\.$|@generated\b`)

func isGenerated(src []byte) bool {
	head := src[:min(len(src), 2048)]
	return bytes.Contains(head, []byte("enerated")) && generatedMarker.Match(head)
}

// unwrapPath drops the absolute path an fs error repeats: notes name files relatively.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Diagnostics returns every finding of the index, sorted by file and position. Only the
// files changed since the last call, and the files that read them, are checked again.
func (ix *Index) Diagnostics() []Diagnostic {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.evaluate()
	var out []Diagnostic
	for _, ds := range ix.findings {
		out = append(out, ds...)
	}
	SortDiagnostics(out)
	return out
}

// DiagnosticsOf returns the findings in the given files (workspace-relative, slash
// separated), sorted: what Diagnostics has of them, without collecting the rest.
func (ix *Index) DiagnosticsOf(files []string) []Diagnostic {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.evaluate()
	var out []Diagnostic
	for _, rel := range files {
		out = append(out, ix.findings[rel]...)
	}
	SortDiagnostics(out)
	return out
}

// evaluate checks the stale files again and records what each check read. ix.mu is held
// (for writing), so the checks read the index's facts without locks.
func (ix *Index) evaluate() {
	if len(ix.stale) == 0 {
		return
	}
	stale := slices.Sorted(maps.Keys(ix.stale))
	for _, rel := range stale {
		ix.forgetReads(rel)
		delete(ix.findings, rel)
	}
	if ix.goPackages == nil {
		ix.goPackages = goPackagesOf(ix.files)
	}
	if ix.setOnModules == nil {
		ix.setOnModules = setOnModulesOf(ix.files)
	}
	checked := ix.check(stale)
	for i, rel := range stale {
		if checked[i].reads == nil { // no facts: not checked
			continue
		}
		delete(ix.faults, rel)
		if checked[i].fault != "" {
			ix.faults[rel] = checked[i].fault
		}
		if len(checked[i].findings) > 0 {
			ix.findings[rel] = checked[i].findings
		}
		ix.reads[rel] = checked[i].reads
		if ix.readers != nil {
			ix.addReaders(rel)
		}
	}
	clear(ix.stale)
}

// reverseDependencies is ix.readers, built from ix.reads on the first change after a
// scan: a one-off check (the command line) never needs it, and building it was the
// scan's largest serial step. ix.mu is held.
func (ix *Index) reverseDependencies() map[string]readSet {
	if ix.readers == nil {
		ix.readers = map[string]readSet{}
		for rel := range ix.reads {
			ix.addReaders(rel)
		}
	}
	return ix.readers
}

// addReaders records rel as a reader of everything its last check read. ix.mu is held.
func (ix *Index) addReaders(rel string) {
	for key := range ix.reads[rel] {
		if ix.readers[key] == nil {
			ix.readers[key] = readSet{}
		}
		ix.readers[key][rel] = struct{}{}
	}
}

// forgetReads drops what rel's last check read. ix.mu is held.
func (ix *Index) forgetReads(rel string) {
	if ix.readers != nil {
		for key := range ix.reads[rel] {
			delete(ix.readers[key], rel)
			if len(ix.readers[key]) == 0 {
				delete(ix.readers, key)
			}
		}
	}
	delete(ix.reads, rel)
}

// checkBatch is how many files one evaluation checks at a time: an edit's few files stay
// on one goroutine, a scan's thousands are spread over the cores.
const checkBatch = 256

type checked struct {
	findings []Diagnostic
	reads    readSet
	fault    string // the note of a panic of the checks (fault.go)
}

// check applies the rules to files in batches on every core. Each goroutine has its own
// evaluation (the memoised results are not shared between them); the files are sorted,
// so a batch is mostly whole directories.
func (ix *Index) check(files []string) []checked {
	out := make([]checked, len(files))
	batches := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(files)+checkBatch-1)/checkBatch) {
		wg.Go(func() {
			e := newEvaluation(ix)
			for from := range batches {
				for i := from; i < min(from+checkBatch, len(files)); i++ {
					if f := ix.files[files[i]]; f != nil {
						out[i] = ix.checkOne(&e, files[i], f)
					}
				}
			}
		})
	}
	for from := 0; from < len(files); from += checkBatch {
		batches <- from
	}
	close(batches)
	wg.Wait()
	return out
}

// checkOne applies the rules to one file with e. A panic leaves the file with a fault
// and what it read unknown (it is checked again when it changes), and *e is replaced:
// its memoised results may be half made.
func (ix *Index) checkOne(e **evaluation, rel string, f *fileFacts) (c checked) {
	defer func() {
		if r := recover(); r != nil {
			c = checked{reads: readSet{}, fault: faultOf(r).note}
			*e = newEvaluation(ix)
		}
	}()
	c.findings, c.reads = (*e).check(rel, f)
	return c
}

// Files returns how many files the index checked: those it holds facts of, less those
// the rules failed on (known after Diagnostics).
func (ix *Index) Files() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := len(ix.files)
	for rel := range ix.faults {
		if ix.files[rel] != nil {
			n--
		}
	}
	return n
}

// Skipped returns the files that were not checked and why, by relative path.
func (ix *Index) Skipped() map[string]string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return maps.Clone(ix.skipped)
}

// Faults returns the files the checks failed on (a panic, recovered), by relative path,
// with a note saying what failed and where. It includes the failures of the rules, so it
// is complete after Diagnostics.
func (ix *Index) Faults() map[string]string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return maps.Clone(ix.faults)
}

// SortDiagnostics orders findings by file, position, rule and message.
func SortDiagnostics(ds []Diagnostic) {
	slices.SortFunc(ds, func(a, b Diagnostic) int {
		switch {
		case a.File != b.File:
			return strings.Compare(a.File, b.File)
		case a.Range.Start.Line != b.Range.Start.Line:
			return a.Range.Start.Line - b.Range.Start.Line
		case a.Range.Start.Column != b.Range.Start.Column:
			return a.Range.Start.Column - b.Range.Start.Column
		case a.Rule != b.Rule:
			return strings.Compare(a.Rule, b.Rule)
		}
		return strings.Compare(a.Message, b.Message)
	})
}

// Outline returns the top-level definitions of an indexed file, in source order.
func (ix *Index) Outline(rel string) []Definition {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if f := ix.files[rel]; f != nil {
		return slices.Clone(f.defs)
	}
	return nil
}

// Paths returns the indexed files, sorted.
func (ix *Index) Paths() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return slices.Sorted(maps.Keys(ix.files))
}

// PathsIn returns the checked files directly inside the directories dirs
// (workspace-relative, "." for the root), sorted. Only those are sorted: a worker's code
// map asks at every dispatch, and sorting a 10,000-file workspace's paths took 2 ms.
func (ix *Index) PathsIn(dirs ...string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []string
	for rel := range ix.files {
		if slices.Contains(dirs, path.Dir(rel)) {
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return out
}
