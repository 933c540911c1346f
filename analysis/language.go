package analysis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/golang"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"
)

// Language is one row of the language table: what files it covers and its grammar.
// Adding a language is adding a row (and its extractor).
type Language struct {
	ID         string
	Extensions []string
	grammar    *sitter.Language
	// extract turns a parsed file into facts; nil while the language has only the
	// syntax rule.
	extract func(rel string, t *flatTree, f *fileFacts)
}

var languages = []*Language{
	{ID: "go", Extensions: []string{".go"}, grammar: golang.GetLanguage(), extract: extractGo},
	{ID: "typescript", Extensions: []string{".ts", ".mts", ".cts"}, grammar: typescript.GetLanguage(), extract: extractES},
	{ID: "tsx", Extensions: []string{".tsx"}, grammar: tsx.GetLanguage(), extract: extractES},
	{ID: "javascript", Extensions: []string{".js", ".jsx", ".mjs", ".cjs"}, grammar: javascript.GetLanguage(), extract: extractES},
	{ID: "python", Extensions: []string{".py", ".pyi"}, grammar: python.GetLanguage(), extract: extractPython},
}

var languageByExtension = func() map[string]*Language {
	m := map[string]*Language{}
	for _, l := range languages {
		for _, ext := range l.Extensions {
			m[ext] = l
		}
	}
	return m
}()

// LanguageFor returns the language of a file by its name, or nil when it is not one the
// checks understand.
func LanguageFor(name string) *Language {
	return languageByExtension[strings.ToLower(path.Ext(name))]
}

// parsers keeps one goroutine's tree-sitter parser per language and the buffers its
// scan reads files and flattens trees into: parsers and trees are not safe for
// concurrent use.
type parsers struct {
	byLanguage map[*Language]*sitter.Parser
	nodes      []flatNode // reused by flatten: most of a scan's allocations otherwise
	source     []byte     // reused by Index.load for the file it reads
	collected  collected  // reused by the extractors, through the flat tree
}

// collected holds what an extractor gathers before it knows which to keep: the
// references and calls of a file, kept once its walk has seen every local
// name (goWalk, pyWalk, esWalk).
type collected struct {
	defs  []Definition
	refs  []Ref
	calls []Call
}

// parseBudget bounds one parse. Tree-sitter's recovery from some malformed input takes
// time growing with the square of its size (3,000 unclosed doc comments: a second; 600
// KB of them: minutes), where a valid file of the largest size checked parses in a
// fraction of a second. A file that needs longer is not checked, with errParseBudget's
// note. A variable for tests.
var parseBudget = 10 * time.Second

var errParseBudget = errors.New("parsing took too long")

// parseBudgetNote is the note of a file errParseBudget left unchecked.
func parseBudgetNote() string {
	return fmt.Sprintf("took longer than %v to parse: tree-sitter's recovery from its syntax errors", parseBudget)
}

func (p *parsers) get(l *Language) *sitter.Parser {
	parser := p.byLanguage[l]
	if parser == nil {
		parser = sitter.NewParser()
		parser.SetLanguage(l.grammar)
		parser.SetOperationLimit(int(parseBudget.Microseconds()))
		if p.byLanguage == nil {
			p.byLanguage = map[*Language]*sitter.Parser{}
		}
		p.byLanguage[l] = parser
	}
	return parser
}

// The buffers a parsers keeps are bounded (about 3 MB of nodes, 256 KB of source, 2 MB
// of references and calls): a rare huge file gets buffers of its own.
const (
	maxKeptNodes     = 1 << 16
	maxKeptSource    = 256 << 10
	maxKeptCollected = 1 << 14
)

// reuse empties a collected buffer for the next file, or drops it when a huge file made
// it larger than a worker keeps.
func reuse[T any](xs []T) []T {
	if cap(xs) > maxKeptCollected {
		return nil
	}
	return xs[:0]
}

// wordSet is the set of the space-separated words of words.
func wordSet(words string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(words) {
		out[w] = true
	}
	return out
}

// keep returns, in new memory of their size, the elements of xs that wanted accepts.
func keep[T any](xs []T, wanted func(T) bool) []T {
	n := 0
	for _, x := range xs {
		if wanted(x) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]T, 0, n)
	for _, x := range xs {
		if wanted(x) {
			out = append(out, x)
		}
	}
	return out
}

// flatten copies tree's named nodes into the parsers' buffer: the result is valid until
// the next flatten with the same parsers.
func (p *parsers) flatten(tree *sitter.Tree, src []byte) (*flatTree, error) {
	t, err := flattenInto(tree, src, p.nodes)
	if err != nil {
		return nil, err
	}
	if cap(t.nodes) <= maxKeptNodes {
		p.nodes = t.nodes[:0]
	}
	t.collected = &p.collected
	return t, nil
}

// parse parses src with the language's parser. Cancellation is checked before, not
// during, the parse: for a cancellable context smacker starts a goroutine per parse, which
// costs more than parsing a typical file, and no file is larger than maxFileBytes.
func (p *parsers) parse(ctx context.Context, lang *Language, src []byte) (*sitter.Tree, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return p.within(lang, nil, src)
}

// reparse parses src, the new text of a source old was parsed from, reusing the parts of
// old that the difference between the two did not touch. old is edited: it no longer
// describes oldSrc.
//
// The binding's Tree.Edit passes the old end point as the new one: the edited tree's
// own positions are wrong until the reparse, which never reuses the nodes the edit
// touched (TestIncrementalParseMatchesAFullParse); nothing reads them in between.
func (p *parsers) reparse(ctx context.Context, lang *Language, old *sitter.Tree, oldSrc, src []byte) (*sitter.Tree, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	old.Edit(difference(oldSrc, src))
	return p.within(lang, old, src)
}

// within parses src (from old, when given) within parseBudget. A parse stopped there is
// errParseBudget, and the parser starts afresh the next time rather than resume it.
func (p *parsers) within(lang *Language, old *sitter.Tree, src []byte) (*sitter.Tree, error) {
	parser := p.get(lang)
	tree, err := parser.ParseCtx(context.Background(), old, src)
	if errors.Is(err, sitter.ErrOperationLimit) {
		parser.Reset()
		return nil, errParseBudget
	}
	return tree, err
}

// difference is the one edit that turns a into b: what lies between their common prefix
// and their common suffix, cut at character boundaries.
func difference(a, b []byte) sitter.EditInput {
	start := 0
	for start < len(a) && start < len(b) && a[start] == b[start] {
		start++
	}
	for start > 0 && start < len(b) && !utf8.RuneStart(b[start]) {
		start--
	}
	suffix := 0
	for suffix < len(a)-start && suffix < len(b)-start && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	for suffix > 0 && !utf8.RuneStart(b[len(b)-suffix]) {
		suffix--
	}
	oldEnd, newEnd := len(a)-suffix, len(b)-suffix
	return sitter.EditInput{
		StartIndex: uint32(start), OldEndIndex: uint32(oldEnd), NewEndIndex: uint32(newEnd),
		StartPoint: pointAt(b, start), OldEndPoint: pointAt(a, oldEnd), NewEndPoint: pointAt(b, newEnd),
	}
}

// pointAt is tree-sitter's position of a byte offset: row, and column in bytes.
func pointAt(src []byte, offset int) sitter.Point {
	line := src[:offset]
	return sitter.Point{Row: uint32(bytes.Count(line, []byte{'\n'})), Column: uint32(offset - bytes.LastIndexByte(line, '\n') - 1)}
}

func (p *parsers) close() {
	for _, parser := range p.byLanguage {
		parser.Close()
	}
}
