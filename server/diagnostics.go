package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// editDebounce is how long typing must pause before the checks run on the buffer.
const editDebounce = 50 * time.Millisecond

// checker runs the deterministic checks on the workspace and publishes their findings
// for every file that has any, open in the editor or not. One goroutine does the work;
// notifications only record what changed.
type checker struct {
	s    *Server
	ix   *analysis.Index
	kick chan struct{}

	mu       sync.Mutex
	edited   map[string]bool // editor buffers changed (or closed) since the last check
	disk     []workspace.Change
	rescan   bool
	debounce *time.Timer

	published map[string]string // file -> fingerprint of what the client shows; owned by run
	faulted   map[string]string // file -> the checks' failure on it, as logged; owned by run

	issues   []orchestrator.StatusIssue // the mission's open sync issues
	commands []analysis.Diagnostic      // the build and test findings of the last review
}

// finding is a diagnostic as published: a live finding, or a sync issue of the mission
// (syncIssue set), or both when the issue is the finding still there.
type finding struct {
	analysis.Diagnostic
	syncIssue string
}

func newChecker(s *Server, root string) *checker {
	return &checker{s: s, ix: analysis.NewIndex(root), kick: make(chan struct{}, 1), edited: map[string]bool{}, published: map[string]string{}}
}

func (c *checker) signal() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// editorChanged records that an editor buffer changed, opened or closed; the check runs
// once typing pauses.
func (c *checker) editorChanged(u uri.URI) {
	rel, ok := c.relative(u)
	if _, config := configFiles[rel]; !ok || !c.ix.Checks(rel) && rel != plan.File && !config {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.edited[rel] = true
	if c.debounce == nil {
		c.debounce = time.AfterFunc(editDebounce, c.signal)
	} else {
		c.debounce.Reset(editDebounce)
	}
}

// syncIssuesChanged takes the mission's open sync issues, published with the findings.
func (c *checker) syncIssuesChanged(issues []orchestrator.StatusIssue) {
	c.mu.Lock()
	c.issues = issues
	c.mu.Unlock()
	c.signal()
}

// commandFindingsChanged takes the findings of the build and test commands.
func (c *checker) commandFindingsChanged(ds []analysis.Diagnostic) {
	c.mu.Lock()
	c.commands = ds
	c.mu.Unlock()
	c.signal()
}

// diskChanged records a watcher batch; it is already debounced.
func (c *checker) diskChanged(b workspace.Batch) {
	c.mu.Lock()
	c.disk = append(c.disk, b.Changes...)
	c.rescan = c.rescan || b.Rescan
	for _, ch := range b.Changes {
		c.rescan = c.rescan || analysis.ChangesResolution(ch.Rel)
	}
	c.mu.Unlock()
	c.signal()
}

func (c *checker) relative(u uri.URI) (string, bool) {
	if !u.IsFile() {
		return "", false
	}
	rel, err := filepath.Rel(c.ix.Root(), u.FsPath())
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

func (c *checker) uri(rel string) uri.URI {
	return uri.File(filepath.Join(c.ix.Root(), filepath.FromSlash(rel)))
}

// run indexes the workspace, then re-checks whenever something changed, until ctx ends.
func (c *checker) run(ctx context.Context) {
	if !c.scan(ctx) {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
		}
		c.mu.Lock()
		edited, disk, rescan := c.edited, c.disk, c.rescan
		c.edited, c.disk, c.rescan = map[string]bool{}, nil, false
		c.mu.Unlock()
		if rescan {
			if !c.scan(ctx) {
				return
			}
			continue
		}
		for _, ch := range disk {
			switch {
			case ch.Op == workspace.Removed:
				c.ix.Remove(ch.Rel)
			case ch.IsDir || !c.ix.Checks(ch.Rel):
				c.ix.Touch(ch.Rel) // a new directory or stylesheet may be what an import names
			default:
				edited[ch.Rel] = true
			}
		}
		for rel := range edited {
			c.load(ctx, rel)
		}
		c.publish(ctx)
	}
}

// scan (re)indexes the whole workspace with progress, then lays the editor's buffers
// over the disk and publishes.
func (c *checker) scan(ctx context.Context) bool {
	p := c.s.startProgress(ctx, "Checking the workspace", false, nil)
	err := c.ix.Scan(ctx, func(done, total int) {
		p.report(ctx, done, total, analysis.Count(total, "file"))
	})
	if err != nil {
		p.end(ctx, "stopped")
		if ctx.Err() == nil {
			c.s.log.Error("cannot check the workspace", "error", err)
		}
		return ctx.Err() == nil
	}
	for _, doc := range c.s.docs.all() {
		if rel, ok := c.relative(doc.URI); ok {
			c.load(ctx, rel)
		}
	}
	count := c.publish(ctx)
	p.end(ctx, fmt.Sprintf("%s checked, %d with findings", analysis.Count(c.ix.Files(), "file"), count))
	c.s.log.Info("workspace checked", "files", c.ix.Files(), "withFindings", count)
	if skipped := analysis.SkippedSummary(c.ix.Skipped()); skipped != "" {
		c.s.log.Info("files not checked", "files", skipped)
	}
	return true
}

// load brings one file up to date: the editor's buffer when open, else the disk.
func (c *checker) load(ctx context.Context, rel string) {
	if doc, open := c.s.docs.get(c.uri(rel)); open {
		_ = c.ix.Update(ctx, rel, []byte(doc.Text))
		return
	}
	src, err := analysis.ReadFile(filepath.Join(c.ix.Root(), filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		c.ix.Remove(rel)
		return
	}
	if err != nil {
		c.s.log.Warn("cannot read a changed file", "file", rel, "error", err)
		return
	}
	_ = c.ix.Update(ctx, rel, src)
}

// publish sends the findings of every file whose findings changed, including the empty
// list for files that no longer have any. It returns how many files have findings.
func (c *checker) publish(ctx context.Context) int {
	byFile := c.findings()
	for rel := range c.published {
		if _, still := byFile[rel]; !still {
			byFile[rel] = nil
		}
	}
	c.s.mu.Lock()
	encoding := c.s.encoding
	c.s.mu.Unlock()
	for rel, ds := range byFile {
		fingerprint := fmt.Sprint(ds)
		if c.published[rel] == fingerprint {
			continue
		}
		params := c.toProtocol(rel, ds, encoding)
		if err := c.s.client.PublishDiagnostics(ctx, params); err != nil {
			return len(c.published)
		}
		if len(ds) == 0 {
			delete(c.published, rel)
		} else {
			c.published[rel] = fingerprint
		}
	}
	c.logFaults()
	return len(c.published)
}

// logFaults logs, once each, the files the checks failed on (a bug of ours: the file is
// not checked, the rest are), for the user to see in the editor's log and report.
func (c *checker) logFaults() {
	faults := c.ix.Faults()
	for rel, note := range faults {
		if c.faulted[rel] != note {
			c.s.log.Error("a file is not checked", "file", rel, "cause", note)
		}
	}
	c.faulted = faults
}

// findings gathers what to publish, by file: the live findings, the build and test
// findings of the last review (but on a line the live findings already tell of), and the
// mission's sync issues, merged into the finding they are when it is still there.
func (c *checker) findings() map[string][]finding {
	c.mu.Lock()
	issues, commands := c.issues, c.commands
	c.mu.Unlock()
	byFile := map[string][]finding{}
	static := c.ix.Diagnostics()
	for _, d := range slices.Concat(static, c.planFindings(), c.configFindings(), analysis.WithoutEchoes(commands, static)) {
		byFile[d.File] = append(byFile[d.File], finding{Diagnostic: d})
	}
	for _, issue := range issues {
		if len(issue.Files) == 0 {
			continue
		}
		file, line := issueLocation(issue.Files[0])
		fs := byFile[file]
		if i := slices.IndexFunc(fs, func(f finding) bool {
			return f.Rule == issue.Rule && f.Range.Start.Line == line && f.syncIssue == ""
		}); i >= 0 {
			fs[i].syncIssue = issue.ID
			fs[i].Message += " [" + issue.ID + "]"
			continue
		}
		d := analysis.Diagnostic{File: file, Severity: analysis.SeverityError, Rule: issue.Rule, Message: issue.ID + ": " + issue.Problem,
			Range: analysis.Range{Start: analysis.Position{Line: line}, End: analysis.Position{Line: line, Column: c.lineLength(file, line)}}}
		if issue.Fix != "" {
			d.Message += " (fix: " + issue.Fix + ")"
		}
		for _, other := range issue.Files[1:] {
			f, l := issueLocation(other)
			d.Related = append(d.Related, analysis.Related{File: f, Range: analysis.Range{Start: analysis.Position{Line: l}, End: analysis.Position{Line: l}},
				Message: "the other side of " + issue.ID})
		}
		byFile[file] = append(byFile[file], finding{Diagnostic: d, syncIssue: issue.ID})
	}
	return byFile
}

// issueLocation splits a sync issue's "path:line" into the path and a 0-based line.
func issueLocation(file string) (string, int) {
	path, loc := store.SplitLocation(file)
	line, _ := strconv.Atoi(strings.Split(strings.TrimPrefix(loc, ":"), ":")[0])
	return path, max(line-1, 0)
}

// lineLength is the length in bytes of a line of a file as the client has it.
func (c *checker) lineLength(rel string, line int) int {
	lines := strings.Split(c.text(rel), "\n")
	if line >= len(lines) {
		return 0
	}
	return len(strings.TrimSuffix(lines[line], "\r"))
}

// text is a file as the client has it: the buffer when open, else the disk. Not a
// regular file (a FIFO a build's output names would wait for a writer), it is empty.
func (c *checker) text(rel string) string {
	if doc, open := c.s.docs.get(c.uri(rel)); open {
		return doc.Text
	}
	name := filepath.Join(c.ix.Root(), filepath.FromSlash(rel))
	if info, err := os.Stat(name); err != nil || !info.Mode().IsRegular() {
		return ""
	}
	src, _ := os.ReadFile(name)
	return string(src)
}

// planFindings applies the plan rules to todo.md as the editor has it, or as it is on disk.
func (c *checker) planFindings() []analysis.Diagnostic {
	var src []byte
	if doc, open := c.s.docs.get(c.uri(plan.File)); open {
		src = []byte(doc.Text)
	} else if disk, err := os.ReadFile(filepath.Join(c.ix.Root(), filepath.FromSlash(plan.File))); err == nil {
		src = disk
	} else {
		return nil
	}
	return plan.Parse(src).Validate(c.ix.Root(), plan.File)
}

// configRule is the code of a problem in a configuration file, which a mission would
// refuse to start on. It is the server's, not the checks': it never becomes a sync issue.
const configRule = "config-error"

// configFiles are the configuration files the server reads for problems, with their parsers.
var configFiles = map[string]func([]byte) error{
	store.Dir + "/" + store.ConfigFile: func(data []byte) error { _, err := store.ParseConfig(data); return err },
	store.Dir + "/" + store.AgentsFile: func(data []byte) error { _, err := store.ParseAgents(data); return err },
}

// configFindings are the problems of the configuration files as the editor has them, or
// as they are on disk, placed where they are: seen as they are written, not when a
// mission starts.
func (c *checker) configFindings() []analysis.Diagnostic {
	var out []analysis.Diagnostic
	for rel, parse := range configFiles {
		var p *store.ConfigProblem
		if !errors.As(parse([]byte(c.text(rel))), &p) {
			continue
		}
		line := max(p.Line-1, 0)
		out = append(out, analysis.Diagnostic{File: rel, Severity: analysis.SeverityError, Rule: configRule, Message: p.Message,
			Range: analysis.Range{Start: analysis.Position{Line: line, Column: max(p.Column-1, 0)}, End: analysis.Position{Line: line, Column: c.lineLength(rel, line)}}})
	}
	return out
}

// toProtocol converts findings to LSP: positions into the negotiated encoding, measured
// on the text the client has (the buffer when open, else the disk).
func (c *checker) toProtocol(rel string, ds []finding, enc protocol.PositionEncodingKind) *protocol.PublishDiagnosticsParams {
	params := &protocol.PublishDiagnosticsParams{URI: c.uri(rel), Diagnostics: []protocol.Diagnostic{}}
	texts := map[string]*textPositions{}
	positions := func(file string) *textPositions {
		if tp, ok := texts[file]; ok {
			return tp
		}
		if doc, open := c.s.docs.get(c.uri(file)); open && file == rel {
			params.Version = protocol.NewOptional(doc.Version)
		}
		tp := newTextPositions(c.text(file))
		texts[file] = tp
		return tp
	}
	for _, d := range ds {
		tp := positions(rel)
		r := d.Range
		if (d.Rule == analysis.RuleBuildError || d.Rule == analysis.RuleTestFailure) && r.Start == r.End && r.Start.Column == 0 {
			r = tp.lineText(r.Start.Line) // the tool said the line alone: mark its text, not its indentation
		}
		pd := protocol.Diagnostic{
			Range:    tp.toRange(r, enc),
			Severity: severity(d.Severity),
			Code:     protocol.String(d.Rule),
			Source:   protocol.NewOptional("orchestrator"),
			Message:  protocol.String(d.Message),
		}
		if d.syncIssue != "" {
			pd.Data, _ = json.Marshal(diagnosticData{SyncIssue: d.syncIssue})
		}
		for _, r := range d.Related {
			pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: c.uri(r.File), Range: positions(r.File).toRange(r.Range, enc)},
				Message:  r.Message,
			})
		}
		params.Diagnostics = append(params.Diagnostics, pd)
	}
	return params
}

// diagnosticData rides on a published diagnostic, for its code actions.
type diagnosticData struct {
	SyncIssue string `json:"syncIssue,omitempty"`
}

func severity(s analysis.Severity) protocol.DiagnosticSeverity {
	switch s {
	case analysis.SeverityError:
		return protocol.DiagnosticSeverityError
	case analysis.SeverityWarning:
		return protocol.DiagnosticSeverityWarning
	}
	return protocol.DiagnosticSeverityInformation
}

// textPositions converts analysis positions, whose lines end at "\n" only, to LSP
// positions, whose lines also end at a lone "\r", through byte offsets.
type textPositions struct {
	newlines []int // byte offset where each "\n"-line starts
	lines    *lineIndex
}

func newTextPositions(text string) *textPositions {
	tp := &textPositions{newlines: []int{0}, lines: newLineIndex(text)}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			tp.newlines = append(tp.newlines, i+1)
		}
	}
	return tp
}

// lineText is the span of a line from its first character that is not a space or a tab
// to its end; an empty range at the line's start when it is blank or not there.
func (tp *textPositions) lineText(line int) analysis.Range {
	empty := analysis.Range{Start: analysis.Position{Line: line}, End: analysis.Position{Line: line}}
	if line >= len(tp.newlines) {
		return empty
	}
	text := tp.lines.text[tp.newlines[line]:]
	if end := strings.IndexByte(text, '\n'); end >= 0 {
		text = text[:end]
	}
	text = strings.TrimRight(text, " \t\r")
	start := len(text) - len(strings.TrimLeft(text, " \t"))
	if start == len(text) {
		return empty
	}
	return analysis.Range{Start: analysis.Position{Line: line, Column: start}, End: analysis.Position{Line: line, Column: len(text)}}
}

func (tp *textPositions) toRange(r analysis.Range, enc protocol.PositionEncodingKind) protocol.Range {
	offset := func(p analysis.Position) int {
		if p.Line >= len(tp.newlines) {
			return len(tp.lines.text)
		}
		return tp.newlines[p.Line] + p.Column
	}
	return protocol.Range{Start: tp.lines.position(offset(r.Start), enc), End: tp.lines.position(offset(r.End), enc)}
}
