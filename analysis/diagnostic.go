// Package analysis is the reviewer's eye: tree-sitter facts per file, a workspace index
// and the cross-file rules that find where files written in parallel do not fit together,
// plus the build and test runners. It knows nothing of LSP or models. Positions are
// 0-based lines and byte columns; the language server converts them for the editor.
package analysis

// Rule ids: a contract. They are the diagnostic code in editors and appear in
// sync-issues.md, the JSON and the SARIF output.
const (
	RuleSyntaxError           = "syntax-error"
	RuleUnresolvedImport      = "unresolved-import"
	RuleMissingExport         = "missing-export"
	RuleArityMismatch         = "arity-mismatch"
	RuleDuplicateDefinition   = "duplicate-definition"
	RulePlanMissingFile       = "plan-missing-file"
	RulePlanUnknownDependency = "plan-unknown-dependency"
	RulePlanCycle             = "plan-cycle"
	RulePlanDuplicateID       = "plan-duplicate-id"
	RuleBuildError            = "build-error"
	RuleTestFailure           = "test-failure"
)

// Severity of a finding.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Position is a 0-based line and a 0-based column in bytes.
type Position struct {
	Line   int
	Column int
}

// Range is a half-open span of a file.
type Range struct {
	Start, End Position
}

// before reports whether p comes before q.
func before(p, q Position) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Column < q.Column
}

// within reports whether p lies in r.
func within(p Position, r Range) bool { return !before(p, r.Start) && before(p, r.End) }

// Related points at the other side of a cross-file finding.
type Related struct {
	File    string // slash-separated, relative to the workspace root
	Range   Range
	Message string
}

// Diagnostic is one finding.
type Diagnostic struct {
	File     string // slash-separated, relative to the workspace root
	Range    Range
	Severity Severity
	Rule     string
	Message  string
	Related  []Related
}

// WithoutEchoes drops command findings on a line where a static finding already is: the
// compiler reporting the same defect would make a second finding for one problem.
func WithoutEchoes(command, static []Diagnostic) []Diagnostic {
	type line struct {
		file string
		line int
	}
	seen := map[line]bool{}
	for _, d := range static {
		seen[line{d.File, d.Range.Start.Line}] = true
	}
	var out []Diagnostic
	for _, d := range command {
		if !seen[line{d.File, d.Range.Start.Line}] {
			out = append(out, d)
		}
	}
	return out
}
