package analysis

import (
	"encoding/base64"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-sourcemap/sourcemap"

	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
)

// A test run of tsc's output (`node --test dist/`) fails in the compiled JavaScript,
// which the next build rewrites: a fix placed there is lost, and a worker allowed only
// that file cannot mend the TypeScript it came from. compiledSources places such a
// position in the source: exactly, by the file's source map when tsc wrote one; else in
// the file that a tsconfig whose outDir holds it compiles, at the line whose words the
// compiled line keeps (tsc drops types, and little else, from an ES module's lines; a
// CommonJS module's reach what they import through a name for each module).

// compiledSources finds where positions in compiled files of root came from, reading
// each compiled file once.
type compiledSources struct {
	root      string
	lines     lineCache                // the texts of the files positions are in
	files     map[string]*compiledFile // by workspace path; nil: not compiled from a source here
	inputDirs map[string]string        // by tsconfig: the common directory of its inputs
}

// compiledFile is a JavaScript file compiled from a workspace source.
type compiledFile struct {
	sourceMap *sourcemap.Consumer // nil: no map; lines are matched by their words
	mapDir    string              // the map's directory, which its sources are relative to
	source    string              // without a map: the source's workspace path
	lines     []string            // without a map: the compiled file's and the source's lines
	srcLines  []string
	modules   map[string]bool // without a map: the names CommonJS output gives the modules it requires
}

// sourcePosition is where a compiled position came from. When the source file is known
// and the line is not, it is the file's start, and compiled says where in the compiled
// file the position is.
type sourcePosition struct {
	rel       string
	line, col int // 1-based
	compiled  string
}

// position is the place as a finding's (0-based; an unknown column is the line's start).
func (at sourcePosition) position() Position { return Position{at.line - 1, max(at.col-1, 0)} }

// related points a finding at this place.
func (at sourcePosition) related(msg string) Related {
	pos := at.position()
	return Related{File: at.rel, Range: Range{Start: pos, End: pos}, Message: msg}
}

// place returns where rel:line:col (1-based, col counted in unit) was compiled from, or
// that position itself when rel is no compiled output of a workspace source; its column
// in bytes.
func (c *compiledSources) place(rel string, line, col int, unit columnUnit) sourcePosition {
	here := sourcePosition{rel: rel, line: line, col: c.lines.convert(rel, line, col, unit, byteColumns)}
	f := c.file(rel)
	switch {
	case f == nil:
		return here
	case f.sourceMap != nil: // its columns count in UTF-16, as JavaScript's strings do
		source, l, sc, ok := lookUp(f.sourceMap, line, max(c.lines.convert(rel, line, col, unit, utf16Columns)-1, 0))
		if !ok || l < 1 || sc < 0 { // a map of nothing there, or broken
			return here
		}
		if rel, ok := c.mapSource(f.mapDir, source); ok {
			return sourcePosition{rel: rel, line: l, col: c.lines.convert(rel, l, sc+1, utf16Columns, byteColumns)}
		}
		return here
	case line >= 1 && line <= len(f.lines):
		if l, sc := matchingLine(f.srcLines, compiledWords(f.lines[line-1], f.modules), line, here.col); l > 0 {
			return sourcePosition{rel: f.source, line: l, col: sc}
		}
	}
	return sourcePosition{rel: f.source, line: 1, col: 1, compiled: rel + ":" + strconv.Itoa(line)}
}

// lookUp asks a source map where a compiled position came from. The library trusts a
// map's source indexes (go-sourcemap/sourcemap#22): a broken map's index past its
// sources panics, and counts as no mapping.
func lookUp(m *sourcemap.Consumer, line, col int) (source string, srcLine, srcCol int, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	source, _, srcLine, srcCol, ok = m.Source(line, col)
	return source, srcLine, srcCol, ok
}

func (c *compiledSources) file(rel string) *compiledFile {
	if f, ok := c.files[rel]; ok {
		return f
	}
	if c.files == nil {
		c.files = map[string]*compiledFile{}
	}
	var f *compiledFile
	if compiledExtensions[path.Ext(rel)] != nil {
		f = c.read(rel)
	}
	c.files[rel] = f
	return f
}

// compiledExtensions maps what tsc writes to the sources it writes it from.
var compiledExtensions = map[string][]string{
	".js":  {".ts", ".tsx", ".js", ".jsx"},
	".jsx": {".tsx", ".jsx"},
	".mjs": {".mts", ".mjs"},
	".cjs": {".cts", ".cjs"},
}

func (c *compiledSources) read(rel string) *compiledFile {
	src, err := readSource(filepath.Join(c.root, filepath.FromSlash(rel)), nil)
	if err != nil || len(src) > maxFileBytes {
		return nil
	}
	if m, dir := c.sourceMapOf(rel, src); m != nil {
		return &compiledFile{sourceMap: m, mapDir: dir}
	}
	source := c.configuredSource(rel)
	if source == "" {
		return nil
	}
	text, err := ReadFile(filepath.Join(c.root, filepath.FromSlash(source)))
	if err != nil {
		return nil
	}
	modules := map[string]bool{}
	for _, m := range commonJSRequire.FindAllSubmatch(src, -1) {
		modules[string(m[1])] = true
	}
	return &compiledFile{source: source, lines: strings.Split(string(src), "\n"), srcLines: strings.Split(string(text), "\n"), modules: modules}
}

// commonJSRequire is how tsc's CommonJS output names a module it requires:
// `const sum_js_1 = require("./sum.js");`, or through its import helpers, inline or
// from tslib (importHelpers: `tslib_1.__importStar(require("node:assert"))`).
var commonJSRequire = regexp.MustCompile(`(?m)^(?:const|var|let) ([\p{L}\p{N}_$]+_\d+) = (?:(?:[\p{L}\p{N}_$]+_\d+\.)?__import(?:Default|Star)\()?require\(`)

var sourceMappingURL = regexp.MustCompile(`(?m)^//[#@] sourceMappingURL=(\S+)\s*$`)

// sourceMapOf reads the map a compiled file names in its last sourceMappingURL comment:
// a file beside it (tsc's sourceMap), or inline (inlineSourceMap).
func (c *compiledSources) sourceMapOf(rel string, src []byte) (*sourcemap.Consumer, string) {
	all := sourceMappingURL.FindAllSubmatch(src, -1)
	if all == nil {
		return nil, ""
	}
	url, dir := string(all[len(all)-1][1]), path.Dir(rel)
	var data []byte
	if header, encoded, ok := strings.Cut(url, ","); strings.HasPrefix(url, "data:") && ok {
		if !strings.HasSuffix(header, ";base64") {
			return nil, ""
		}
		decoded, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			return nil, ""
		}
		data = decoded
	} else {
		if strings.Contains(url, ":") { // a URL: not a file here
			return nil, ""
		}
		mapRel, ok := inside(c.root, filepath.Join(c.root, filepath.FromSlash(dir), filepath.FromSlash(url)))
		if !ok {
			return nil, ""
		}
		if data, _ = ReadFile(filepath.Join(c.root, filepath.FromSlash(mapRel))); data == nil {
			return nil, ""
		}
		dir = path.Dir(mapRel)
	}
	m, err := sourcemap.Parse("", data)
	if err != nil {
		return nil, ""
	}
	return m, dir
}

// mapSource resolves a source a map names (relative to the map, absolute, or a file URL)
// to a workspace file; a bundler's own scheme (webpack://) names none.
func (c *compiledSources) mapSource(mapDir, source string) (string, bool) {
	if abs, ok := strings.CutPrefix(source, "file://"); ok {
		return inside(c.root, abs)
	}
	if !path.IsAbs(source) {
		source = filepath.Join(c.root, filepath.FromSlash(mapDir), filepath.FromSlash(source))
	}
	return inside(c.root, source)
}

// configuredSource finds the source of a compiled file without a map: a tsconfig*.json
// in its directory or above whose outDir holds it compiles it from the same path under
// its rootDir, or, as tsc does without one, under the common directory of its inputs.
func (c *compiledSources) configuredSource(rel string) string {
	read := func(rel string) ([]byte, error) {
		return ReadFile(filepath.Join(c.root, filepath.FromSlash(rel)))
	}
	for dir := path.Dir(rel); ; dir = path.Dir(dir) {
		configs, _ := filepath.Glob(filepath.Join(c.root, filepath.FromSlash(dir), "tsconfig*.json"))
		for _, name := range configs {
			config := path.Join(dir, filepath.Base(name))
			cfg := readTSConfig(read, config, 0)
			if cfg == nil || cfg.outDir == "" || !underPath(rel, cfg.outDir) {
				continue
			}
			rootDir := cfg.rootDir
			if rootDir == "" {
				if _, ok := c.inputDirs[config]; !ok {
					if c.inputDirs == nil {
						c.inputDirs = map[string]string{}
					}
					c.inputDirs[config] = c.commonInputDir(cfg, dir)
				}
				rootDir = c.inputDirs[config]
			}
			stem := strings.TrimSuffix(path.Join(rootDir, strings.TrimPrefix(rel, cfg.outDir+"/")), path.Ext(rel))
			for _, ext := range compiledExtensions[path.Ext(rel)] {
				if s, ok := inside(c.root, filepath.Join(c.root, filepath.FromSlash(stem+ext))); ok && s != rel {
					return s
				}
			}
		}
		if dir == "." {
			return ""
		}
	}
}

// commonInputDir is the directory tsc writes outDir's tree from when no rootDir is set:
// the deepest one that holds every TypeScript input of the config (its include and files,
// else its directory), found by the walk the checks make (ignored files and installed
// packages aside).
func (c *compiledSources) commonInputDir(cfg *tsconfig, configDir string) string {
	bases := cfg.inputs
	if len(bases) == 0 {
		bases = []string{configDir}
	}
	ignore := workspace.NewIgnore(c.root)
	common := ""
	for _, base := range bases {
		if base == ".." || strings.HasPrefix(base, "../") { // outside the workspace
			continue
		}
		if base == "." {
			base = "" // the root, as the walk names it
		}
		ignore.Walk(base, func(rel string, d fs.DirEntry, err error) error {
			switch {
			case err != nil || d.IsDir() || !isTypeScriptInput(d.Name()):
			case common == "":
				common = path.Dir(rel)
			default:
				for !underPath(rel, common) && common != "." {
					common = path.Dir(common)
				}
			}
			return nil
		})
	}
	if common == "" {
		return configDir
	}
	return common
}

func isTypeScriptInput(name string) bool {
	switch path.Ext(name) {
	case ".ts", ".tsx", ".mts", ".cts":
		return !isDeclarationFile(name)
	}
	return false
}

var sourceWord = regexp.MustCompile(`[\p{L}\p{N}_$]+`)

// compiledWord is a word of a compiled line that its source line has: text at
// [start, end), or any one word when text is "". A column in [end, callEnd) stands for
// the word's start.
type compiledWord struct {
	start, end, callEnd int
	text                string
}

// compiledWords are the words of a compiled line that its source line has too. tsc's
// CommonJS output reaches an import through its module's name: `(0, sum_js_1.sum)(1, 2)`
// is the source's `sum(1, 2)` (V8 places that call at its last parenthesis, the source's
// at `sum`), `node_assert_1.default` is a default import under a name only the source
// has, and `exports.total` an exported variable's `total`.
func compiledWords(line string, modules map[string]bool) []compiledWord {
	spans := sourceWord.FindAllStringIndex(line, -1)
	text := func(i int) string { return line[spans[i][0]:spans[i][1]] }
	words := make([]compiledWord, 0, len(spans))
	for i, w := range spans {
		word := compiledWord{start: w[0], end: w[1], callEnd: w[1], text: text(i)}
		throughModule := i > 0 && modules[text(i-1)] && line[spans[i-1][1]:w[0]] == "."
		switch {
		case strings.HasPrefix(line[w[1]:], ".") && (modules[word.text] || word.text == "exports"):
			continue
		case word.text == "0" && i+1 < len(spans) && modules[text(i+1)] && strings.HasSuffix(line[:w[0]], "(") && strings.TrimSpace(line[w[1]:spans[i+1][0]]) == ",":
			continue
		case throughModule && word.text == "default":
			word.text = ""
		case throughModule && strings.HasPrefix(line[w[1]:], ")(") && i >= 2 && text(i-2) == "0" && strings.HasSuffix(line[:spans[i-2][0]], "("):
			word.callEnd = w[1] + 2 // through `)(`
		}
		words = append(words, word)
	}
	return words
}

// matchingLine finds the source line a compiled line (its words) came from, and the
// compiled column's place in it: as tsc drops types, a line that has the compiled
// line's words in order, the nearest to the compiled line's number when several do. 0
// when none does, or the compiled line has no word (a brace closing one of many blocks).
func matchingLine(source []string, words []compiledWord, line, col int) (int, int) {
	if len(words) == 0 {
		return 0, 0
	}
	best, bestCol := 0, 0
	for i, s := range source {
		if n := i + 1; best == 0 || abs(n-line) < abs(best-line) {
			if at := wordsInOrder(words, s); at != nil {
				best, bestCol = n, columnBy(words, at, col)
			}
		}
	}
	return best, bestCol
}

// wordsInOrder returns where in s each of the compiled line's words is found, in order;
// nil when one is missing.
func wordsInOrder(words []compiledWord, s string) []int {
	inSource := sourceWord.FindAllStringIndex(s, -1)
	at := make([]int, 0, len(words))
	j := 0
	for _, w := range words {
		for j < len(inSource) && w.text != "" && s[inSource[j][0]:inSource[j][1]] != w.text {
			j++
		}
		if j == len(inSource) {
			return nil
		}
		at = append(at, inSource[j][0])
		j++
	}
	return at
}

// columnBy moves a compiled column (1-based) with the word it is in or after.
func columnBy(words []compiledWord, at []int, col int) int {
	k := -1
	for i, w := range words {
		if w.start <= col-1 {
			k = i
		}
	}
	if k < 0 {
		return at[0] + 1
	}
	w := words[k]
	offset := min(col-1-w.start, w.end-w.start)
	if col-1 >= w.end && col-1 < w.callEnd {
		offset = 0
	}
	return at[k] + offset + 1
}

func abs(n int) int { return max(n, -n) }
