package session

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/analysis/workspace"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Tool names: a contract (DESIGN section 5); scripts and tests call them.
const (
	ToolReadFile    = "read_file"
	ToolListFiles   = "list_files"
	ToolGrep        = "grep"
	ToolWriteFile   = "write_file"
	ToolEditFile    = "edit_file"
	ToolRunCommand  = "run_command"
	ToolWritePlan   = "write_plan"
	ToolUpdateTodo  = "update_todo"
	ToolReportIssue = "report_issue"
	ToolFinish      = "finish"
)

// Hooks are what tools need from the mission: the plan, the issues and commands belong
// to the controller, which also decides about approvals.
type Hooks struct {
	WritePlan   func(ctx context.Context, markdown string) (string, error)
	UpdateTodo  func(ctx context.Context, id, status, note string) (string, error)
	ReportIssue func(ctx context.Context, issue store.Issue) (string, error)
	// RunCommand runs an approved command in the workspace and returns its output and
	// exit code; it returns an error when the command is refused.
	RunCommand func(ctx context.Context, command string, timeout time.Duration) (string, int, error)
}

type toolSpec struct {
	def model.Tool
	run func(ctx context.Context, s *Session, args map[string]any) (string, error)
}

// obj is an arguments schema, encoded once.
func obj(required []string, props map[string]any) json.RawMessage {
	schema := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		schema["required"] = required
	}
	raw, err := json.Marshal(schema)
	if err != nil {
		panic(err) // static strings and maps: cannot fail
	}
	return raw
}

func str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
func num(desc string) map[string]any { return map[string]any{"type": "integer", "description": desc} }

var tools = map[string]toolSpec{
	ToolReadFile: {model.Tool{Name: ToolReadFile, Description: "Read a workspace file, optionally a range of lines.",
		Parameters: obj([]string{"path"}, map[string]any{"path": str("relative to the workspace root"), "offset": num("first line, 1-based"), "limit": num("number of lines")})}, readFile},
	ToolListFiles: {model.Tool{Name: ToolListFiles, Description: "List workspace files (respects .gitignore).",
		Parameters: obj(nil, map[string]any{"path": str("directory, default the root"), "glob": str("e.g. *.go")})}, listFiles},
	ToolGrep: {model.Tool{Name: ToolGrep, Description: "Search files for a regular expression; returns path:line: text.",
		Parameters: obj([]string{"pattern"}, map[string]any{"pattern": str("RE2 regular expression"), "path": str("directory or file"), "glob": str("e.g. *.ts")})}, grep},
	ToolWriteFile: {model.Tool{Name: ToolWriteFile, Description: "Create or replace a file of your item.",
		Parameters: obj([]string{"path", "content"}, map[string]any{"path": str("one of your item's files"), "content": str("the whole file")})}, writeFile},
	ToolEditFile: {model.Tool{Name: ToolEditFile, Description: "Replace exactly one occurrence of old with new in a file of your item.",
		Parameters: obj([]string{"path", "old", "new"}, map[string]any{"path": str("one of your item's files"), "old": str("text that occurs once"), "new": str("replacement")})}, editFile},
	ToolRunCommand: {model.Tool{Name: ToolRunCommand, Description: "Run a shell command in the workspace; commands outside the allow list need approval.",
		Parameters: obj([]string{"command"}, map[string]any{"command": str("shell command"), "timeout_s": num("seconds, default 120")})}, runCommand},
	ToolWritePlan: {model.Tool{Name: ToolWritePlan, Description: "Validate and write the plan, .opencode/todo.md.",
		Parameters: obj([]string{"markdown"}, map[string]any{"markdown": str("checkbox items: - [ ] T1: title | file:path | depends:T0")})}, writePlan},
	ToolUpdateTodo: {model.Tool{Name: ToolUpdateTodo, Description: "Set a todo item's status.",
		Parameters: obj([]string{"id", "status"}, map[string]any{"id": str("item id"), "status": str("pending, in_progress, done, cancelled or blocked"), "note": str("why")})}, updateTodo},
	ToolReportIssue: {model.Tool{Name: ToolReportIssue, Description: "Report a problem between files for a fix round.",
		Parameters: obj([]string{"severity", "files", "problem", "fix"}, map[string]any{"severity": str("error or warning"), "files": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}, "problem": str("what is wrong"), "fix": str("how to fix it")})}, reportIssue},
	ToolFinish: {model.Tool{Name: ToolFinish, Description: "End your turn with a summary of what you did.",
		Parameters: obj([]string{"summary"}, map[string]any{"summary": str("what was done")})}, nil},
}

// ToolsFor returns the tool definitions a session offers.
func ToolsFor(names []string) []model.Tool {
	var out []model.Tool
	for _, n := range names {
		if t, ok := tools[n]; ok {
			out = append(out, t.def)
		}
	}
	return out
}

// argument readers: a missing or mistyped argument is a tool error the model can fix.

func stringArg(args map[string]any, name string, required bool) (string, error) {
	v, ok := args[name]
	if !ok || v == nil {
		if required {
			return "", fmt.Errorf("missing argument %q", name)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("argument %q must be a string", name)
	}
	return s, nil
}

func intArg(args map[string]any, name string) (int, error) {
	v, ok := args[name]
	if !ok || v == nil {
		return 0, nil
	}
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) || f < 0 {
		return 0, fmt.Errorf("argument %q must be a non-negative integer", name)
	}
	return int(f), nil
}

// readFile answers read_file: the file, or its lines from offset on (limit of them),
// read a piece at a time, so that a file of any size costs no more memory than the
// answer the model sees.
func readFile(_ context.Context, s *Session, args map[string]any) (string, error) {
	p, err := stringArg(args, "path", true)
	if err != nil {
		return "", err
	}
	offset, err := intArg(args, "offset")
	if err != nil {
		return "", err
	}
	limit, err := intArg(args, "limit")
	if err != nil {
		return "", err
	}
	_, rel, err := s.cfg.Sandbox.Resolve(p)
	if err != nil {
		return "", err
	}
	f, info, err := s.cfg.Sandbox.Open(rel)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", rel, unwrapPath(err))
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	if head, _ := r.Peek(8000); bytes.IndexByte(head, 0) >= 0 {
		return "", fmt.Errorf("%s is a binary file", rel)
	}
	from := max(offset, 1)
	var shown []byte
	line, atLineStart := 0, true
	for {
		piece, err := r.ReadSlice('\n') // a line, or 64 KiB of a longer one
		if len(piece) > 0 {
			if atLineStart {
				line++
			}
			atLineStart = piece[len(piece)-1] == '\n'
			if limit > 0 && line >= from+limit {
				break
			}
			if line >= from {
				if len(shown)+len(piece) > s.cfg.MaxToolOutput {
					return stopShowing(string(append(shown, piece...)), from, info.Size(), s.cfg.MaxToolOutput), nil
				}
				shown = append(shown, piece...)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return "", fmt.Errorf("read %s: %w", rel, unwrapPath(err))
		}
	}
	if (offset > 0 || limit > 0) && from > line {
		return "", fmt.Errorf("%s has %s; offset %d is past its end", rel, analysis.Count(line, "line"), offset)
	}
	return string(shown), nil
}

// stopShowing cuts the lines read from line from on where the tool output bound allows,
// and says where to go on: the rest of the file is not read.
func stopShowing(read string, from int, size int64, bound int) string {
	note := func(at int) string {
		return fmt.Sprintf("\n[read_file stops in line %d, the file has %d bytes: go on with offset %d]", at, size, at)
	}
	cut := runeStart(read, max(bound-len(note(from+strings.Count(read, "\n"))), 0))
	return read[:cut] + note(from+strings.Count(read[:cut], "\n"))
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

const maxListed = 1000

// walk visits the non-ignored files under dir (a sandbox path), relative to the root.
func walk(s *Session, dir string, visit func(rel string) bool) error {
	abs, rel, err := s.cfg.Sandbox.Resolve(dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
		// Not "no files": a model takes that for an empty directory it may fill.
		return fmt.Errorf("%s does not exist; leave out path for the whole workspace", rel)
	}
	if rel == "." {
		rel = ""
	}
	ig := workspace.NewIgnore(s.cfg.Sandbox.Root())
	stop := errors.New("stop")
	err = ig.Walk(rel, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if !visit(p) {
			return stop
		}
		return nil
	})
	if errors.Is(err, stop) {
		return nil
	}
	return err
}

func matchesGlob(glob, rel string) bool {
	if glob == "" {
		return true
	}
	if ok, _ := path.Match(glob, rel); ok {
		return true
	}
	ok, _ := path.Match(glob, path.Base(rel))
	return ok
}

// scope reads the optional path (default: the root) and glob of list_files and grep.
func scope(args map[string]any) (dir, glob string, err error) {
	if dir, err = stringArg(args, "path", false); err != nil {
		return "", "", err
	}
	if glob, err = stringArg(args, "glob", false); err != nil {
		return "", "", err
	}
	if dir == "" {
		dir = "."
	}
	return dir, glob, nil
}

func listFiles(_ context.Context, s *Session, args map[string]any) (string, error) {
	dir, glob, err := scope(args)
	if err != nil {
		return "", err
	}
	var out []string
	more := false
	err = walk(s, dir, func(rel string) bool {
		if !matchesGlob(glob, rel) {
			return true
		}
		if len(out) == maxListed {
			more = true
			return false
		}
		out = append(out, rel)
		return true
	})
	if err != nil {
		return "", err
	}
	if more {
		out = append(out, fmt.Sprintf("(more than %d files; narrow with path or glob)", maxListed))
	}
	if len(out) == 0 {
		return "no files", nil
	}
	return strings.Join(out, "\n"), nil
}

const maxGrepMatches = 200

func grep(_ context.Context, s *Session, args map[string]any) (string, error) {
	pattern, err := stringArg(args, "pattern", true)
	if err != nil {
		return "", err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", fmt.Errorf("pattern: %v", err)
	}
	dir, glob, err := scope(args)
	if err != nil {
		return "", err
	}
	abs, rel, err := s.cfg.Sandbox.Resolve(dir)
	if err != nil {
		return "", err
	}
	var out []string
	err = s.cfg.Sandbox.InRoot(func(root *os.Root) error {
		search := func(rel string) bool {
			if !matchesGlob(glob, rel) {
				return true
			}
			f, info, err := openRegular(root, rel)
			if err != nil {
				return true
			}
			defer f.Close()
			if info.Size() > 1<<20 { // not read at all
				return true
			}
			data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
			if err != nil || len(data) > 1<<20 || bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
				return true
			}
			for n, line := range strings.Split(string(data), "\n") {
				if re.MatchString(line) {
					out = append(out, fmt.Sprintf("%s:%d: %s", rel, n+1, strings.TrimRight(line, "\r")))
					if len(out) == maxGrepMatches {
						return false
					}
				}
			}
			return true
		}
		if info, err := os.Stat(abs); err == nil && !info.IsDir() {
			search(rel)
			return nil
		}
		return walk(s, dir, search)
	})
	if err != nil {
		return "", err
	}
	if len(out) == 0 {
		return "no matches", nil
	}
	if len(out) == maxGrepMatches {
		out = append(out, fmt.Sprintf("(stopped at %d matches)", maxGrepMatches))
	}
	return strings.Join(out, "\n"), nil
}

func writeFile(_ context.Context, s *Session, args map[string]any) (string, error) {
	p, err := stringArg(args, "path", true)
	if err != nil {
		return "", err
	}
	content, err := stringArg(args, "content", true)
	if err != nil {
		return "", err
	}
	_, rel, err := s.cfg.Sandbox.ResolveWrite(p)
	if err != nil {
		return "", err
	}
	kept := ""
	if before, err := s.cfg.Sandbox.ReadFile(rel); err == nil && endsLinesWithCRLF(string(before)) && !strings.Contains(content, "\r") {
		content, kept = withCRLF(content), ", its CRLF line endings kept"
	}
	if err := s.cfg.Sandbox.WriteFile(rel, []byte(content)); err != nil {
		return "", fmt.Errorf("write %s: %w", rel, unwrapPath(err))
	}
	s.wrote(rel)
	return fmt.Sprintf("wrote %s (%d bytes%s)", rel, len(content), kept), nil
}

func editFile(_ context.Context, s *Session, args map[string]any) (string, error) {
	p, err := stringArg(args, "path", true)
	if err != nil {
		return "", err
	}
	old, err := stringArg(args, "old", true)
	if err != nil {
		return "", err
	}
	repl, err := stringArg(args, "new", true)
	if err != nil {
		return "", err
	}
	_, rel, err := s.cfg.Sandbox.ResolveWrite(p)
	if err != nil {
		return "", err
	}
	data, err := s.cfg.Sandbox.ReadFile(rel)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", rel, unwrapPath(err))
	}
	text := string(data)
	n := strings.Count(text, old)
	if crlfOld, crlfRepl, ok := withLineEndingsOf(text, old, repl); n == 0 && ok {
		old, repl, n = crlfOld, crlfRepl, strings.Count(text, crlfOld)
	}
	switch {
	case old == "":
		return "", errors.New("old is empty; use write_file to create a file")
	case n == 0:
		if hint := whereOldDiffers(text, old); hint != "" {
			return "", fmt.Errorf("old text not found in %s: %s", rel, hint)
		}
		return "", fmt.Errorf("old text not found in %s; read the file and copy the text exactly", rel)
	case n > 1:
		return "", fmt.Errorf("old text occurs %d times in %s; include more surrounding lines so it occurs once", n, rel)
	}
	if err := s.cfg.Sandbox.WriteFile(rel, []byte(strings.Replace(text, old, repl, 1))); err != nil {
		return "", fmt.Errorf("write %s: %w", rel, unwrapPath(err))
	}
	s.wrote(rel)
	return "edited " + rel, nil
}

func runCommand(ctx context.Context, s *Session, args map[string]any) (string, error) {
	command, err := stringArg(args, "command", true)
	if err != nil {
		return "", err
	}
	seconds, err := intArg(args, "timeout_s")
	if err != nil {
		return "", err
	}
	if seconds == 0 {
		seconds = 120
	}
	if s.cfg.Hooks.RunCommand == nil {
		return "", errors.New("this session cannot run commands")
	}
	out, code, err := s.cfg.Hooks.RunCommand(ctx, command, time.Duration(seconds)*time.Second)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("exit code %d\n%s", code, out), nil
}

func writePlan(ctx context.Context, s *Session, args map[string]any) (string, error) {
	markdown, err := stringArg(args, "markdown", true)
	if err != nil {
		return "", err
	}
	if s.cfg.Hooks.WritePlan == nil {
		return "", errors.New("this session cannot write the plan")
	}
	return s.cfg.Hooks.WritePlan(ctx, markdown)
}

func updateTodo(ctx context.Context, s *Session, args map[string]any) (string, error) {
	id, err := stringArg(args, "id", true)
	if err != nil {
		return "", err
	}
	status, err := stringArg(args, "status", true)
	if err != nil {
		return "", err
	}
	note, err := stringArg(args, "note", false)
	if err != nil {
		return "", err
	}
	if s.cfg.Hooks.UpdateTodo == nil {
		return "", errors.New("this session cannot update the plan")
	}
	return s.cfg.Hooks.UpdateTodo(ctx, id, status, note)
}

func reportIssue(ctx context.Context, s *Session, args map[string]any) (string, error) {
	var issue store.Issue
	var err error
	if issue.Severity, err = stringArg(args, "severity", true); err != nil {
		return "", err
	}
	if issue.Problem, err = stringArg(args, "problem", true); err != nil {
		return "", err
	}
	if issue.Fix, err = stringArg(args, "fix", true); err != nil {
		return "", err
	}
	files, ok := args["files"].([]any)
	if !ok || len(files) == 0 {
		return "", errors.New(`argument "files" must be a non-empty list of paths`)
	}
	for _, f := range files {
		name, ok := f.(string)
		if !ok {
			return "", errors.New(`argument "files" must be a list of strings`)
		}
		file, location := store.SplitLocation(name)
		_, rel, err := s.cfg.Sandbox.Resolve(file)
		if err != nil {
			return "", err
		}
		issue.Files = append(issue.Files, rel+location)
	}
	issue.Rule = "model-review"
	if s.cfg.Hooks.ReportIssue == nil {
		return "", errors.New("this session cannot report issues")
	}
	return s.cfg.Hooks.ReportIssue(ctx, issue)
}

// decodeArgs parses a call's arguments; malformed JSON is a tool error.
func decodeArgs(raw string) (map[string]any, error) {
	var args map[string]any
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		return nil, fmt.Errorf("the arguments are not a JSON object (%v); send valid JSON", err)
	}
	return args, nil
}
