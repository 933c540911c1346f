package analysis

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"
)

// grammarGap is valid code that a bundled grammar rejects. Reporting it would send a
// worker to "fix" correct code, so before syntax errors are reported each such construct
// is rewritten to a valid one of the same length and the file parsed again: errors that
// remain are real, and byte positions do not move.
type grammarGap struct {
	pattern *regexp.Regexp
	rewrite func(match []byte) []byte // same length as match
}

var grammarGaps = map[string][]grammarGap{
	// Go 1.26 new(expr): the grammar accepts only a type. nex(...) parses as a call.
	"go": {{regexp.MustCompile(`\bnew\(`), func([]byte) []byte { return []byte("nex(") }}},
	// Python 3.14 template strings t"..." parse like f-strings.
	"python": {{regexp.MustCompile(`(?i)\b(?:t|tr|rt)["']`), func(m []byte) []byte {
		return bytes.Map(func(r rune) rune {
			switch r {
			case 't':
				return 'f'
			case 'T':
				return 'F'
			}
			return r
		}, m)
	}}},
	"typescript": typescriptGaps,
	"tsx":        typescriptGaps,
}

var typescriptGaps = []grammarGap{
	// TypeScript 5.0 `export type * from "./x"` (tree-sitter-typescript issue 348).
	{regexp.MustCompile(`\bexport\s+type\s+\*`), func(m []byte) []byte {
		return bytes.Replace(m, []byte("type"), []byte("    "), 1)
	}},
	// An import type query as a type argument: f<typeof import("x")>().
	{regexp.MustCompile(`\btypeof\s+import\s*\(\s*(?:"[^"\n]*"|'[^'\n]*')\s*\)`), func(m []byte) []byte {
		return append([]byte("x"), bytes.Repeat([]byte(" "), len(m)-1)...)
	}},
}

// neutralize rewrites the language's known grammar gaps, or returns nil when none occur.
func neutralize(lang *Language, src []byte) []byte {
	var out []byte
	for _, gap := range grammarGaps[lang.ID] {
		locs := gap.pattern.FindAllIndex(src, -1)
		if len(locs) == 0 {
			continue
		}
		if out == nil {
			out = bytes.Clone(src)
		}
		for _, loc := range locs {
			copy(out[loc[0]:loc[1]], gap.rewrite(src[loc[0]:loc[1]]))
		}
	}
	return out
}

// syntaxErrors parses src and returns its syntax errors: the innermost ERROR nodes and
// the MISSING nodes tree-sitter inserted to recover (an injected error is sometimes only
// a zero-width MISSING ")"). Known grammar gaps are not reported.
func syntaxErrors(ctx context.Context, p parsers, lang *Language, src []byte) ([]Diagnostic, error) {
	tree, err := p.get(lang).ParseCtx(ctx, nil, src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	if !tree.RootNode().HasError() {
		return nil, nil
	}
	if neutral := neutralize(lang, src); neutral != nil {
		clean, err := p.get(lang).ParseCtx(ctx, nil, neutral)
		if err != nil {
			return nil, err
		}
		defer clean.Close()
		return collectSyntaxErrors(clean.RootNode(), src), nil
	}
	return collectSyntaxErrors(tree.RootNode(), src), nil
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
