package analysis

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
)

// ruleDescriptions document the rules in SARIF output.
var ruleDescriptions = map[string]string{
	RuleSyntaxError:           "The parser found an ERROR or MISSING node.",
	RuleUnresolvedImport:      "A relative or in-repository import resolves to no file or package.",
	RuleMissingExport:         "An imported name is not defined or exported by the in-repository target.",
	RuleArityMismatch:         "A call passes a number of arguments the in-repository function cannot accept.",
	RuleDuplicateDefinition:   "The same top-level name is defined twice in one module or package.",
	RulePlanMissingFile:       "A done todo item names a file that does not exist.",
	RulePlanUnknownDependency: "A todo item depends on an id that no item has.",
	RulePlanCycle:             "Todo items depend on each other in a cycle.",
	RulePlanDuplicateID:       "Two todo items share an id.",
	RuleBuildError:            "The build command reported an error.",
	RuleTestFailure:           "The test command reported a failure.",
}

// WriteText prints findings the way compilers do, `path:line:col: severity: message
// [rule]`, then a one-line summary.
func WriteText(w io.Writer, ds []Diagnostic, checked int) error {
	files := map[string]bool{}
	for _, d := range ds {
		files[d.File] = true
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", d.File, d.Range.Start.Line+1, d.Range.Start.Column+1, d.Severity, d.Message, d.Rule); err != nil {
			return err
		}
		for _, r := range d.Related {
			fmt.Fprintf(w, "\t%s:%d:%d: %s\n", r.File, r.Range.Start.Line+1, r.Range.Start.Column+1, r.Message)
		}
	}
	var err error
	if len(ds) == 0 {
		_, err = fmt.Fprintf(w, "no findings in %s\n", Count(checked, "file"))
	} else {
		where := fmt.Sprintf("%d of %s", len(files), Count(checked, "file"))
		if len(files) > checked { // build and test findings may lie in files the checks do not read
			where = fmt.Sprintf("%s, %s checked", Count(len(files), "file"), Count(checked, "file"))
		}
		_, err = fmt.Fprintf(w, "%s in %s\n", Count(len(ds), "finding"), where)
	}
	return err
}

// Count writes n of a noun with a regular plural: "1 file", "2 files".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

type jsonLocation struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
}

type jsonDiagnostic struct {
	jsonLocation
	Severity Severity      `json:"severity"`
	Rule     string        `json:"rule"`
	Message  string        `json:"message"`
	Related  []jsonRelated `json:"related"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// WriteJSON prints {"diagnostics":[...]} with 1-based lines and byte columns; the end
// column is exclusive.
func WriteJSON(w io.Writer, ds []Diagnostic) error {
	out := struct {
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
	}{Diagnostics: []jsonDiagnostic{}}
	for _, d := range ds {
		jd := jsonDiagnostic{
			jsonLocation: jsonLocation{
				File: d.File, Line: d.Range.Start.Line + 1, Column: d.Range.Start.Column + 1,
				EndLine: d.Range.End.Line + 1, EndColumn: d.Range.End.Column + 1,
			},
			Severity: d.Severity, Rule: d.Rule, Message: d.Message, Related: []jsonRelated{},
		}
		for _, r := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{File: r.File, Line: r.Range.Start.Line + 1, Column: r.Range.Start.Column + 1, Message: r.Message})
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteSARIF prints SARIF 2.1.0: one run, the rules by id, locations relative to root.
// SARIF counts columns in UTF-16 code units by default, so byte columns are converted
// with the file's text.
func WriteSARIF(w io.Writer, ds []Diagnostic, root, version string) error {
	type message struct {
		Text string `json:"text"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	type artifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	type physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           region   `json:"region"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
		Message          *message `json:"message,omitempty"`
	}
	type result struct {
		RuleID           string     `json:"ruleId"`
		RuleIndex        int        `json:"ruleIndex"`
		Level            string     `json:"level"`
		Message          message    `json:"message"`
		Locations        []location `json:"locations"`
		RelatedLocations []location `json:"relatedLocations,omitempty"`
	}
	type rule struct {
		ID               string  `json:"id"`
		ShortDescription message `json:"shortDescription"`
	}

	lines := &lineCache{root: root}
	var rules []rule
	ruleIndex := map[string]int{}
	results := []result{}
	for _, d := range ds {
		idx, ok := ruleIndex[d.Rule]
		if !ok {
			idx = len(rules)
			ruleIndex[d.Rule] = idx
			rules = append(rules, rule{ID: d.Rule, ShortDescription: message{ruleDescriptions[d.Rule]}})
		}
		res := result{
			RuleID: d.Rule, RuleIndex: idx, Level: sarifLevel(d.Severity), Message: message{d.Message},
			Locations: []location{{PhysicalLocation: physical{
				ArtifactLocation: artifact{URI: d.File, URIBaseID: "SRCROOT"},
				Region: region{
					StartLine: d.Range.Start.Line + 1, StartColumn: lines.sarifColumn(d.File, d.Range.Start),
					EndLine: d.Range.End.Line + 1, EndColumn: lines.sarifColumn(d.File, d.Range.End),
				},
			}}},
		}
		for _, r := range d.Related {
			res.RelatedLocations = append(res.RelatedLocations, location{
				PhysicalLocation: physical{
					ArtifactLocation: artifact{URI: r.File, URIBaseID: "SRCROOT"},
					Region:           region{StartLine: r.Range.Start.Line + 1, StartColumn: lines.sarifColumn(r.File, r.Range.Start)},
				},
				Message: &message{r.Message},
			})
		}
		results = append(results, res)
	}

	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "orchestrator", "version": version, "rules": rules,
			}},
			"originalUriBaseIds": map[string]any{"SRCROOT": map[string]string{
				"uri": (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}).String(),
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// sarifColumn is p's 1-based column in UTF-16 code units, SARIF's default unit.
func (c *lineCache) sarifColumn(file string, p Position) int {
	return c.convert(file, p.Line+1, p.Column+1, byteColumns, utf16Columns)
}

func sarifLevel(s Severity) string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "note"
}
