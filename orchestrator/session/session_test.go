package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/model/fakeapi"
)

func testWorkspace(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	outside := t.TempDir()
	for rel, content := range map[string]string{
		"main.go":       "package main\n",
		"pkg/a.go":      "package pkg\n",
		".git/config":   "[core]\n",
		"secret-in.txt": "inside\n",
	} {
		p := filepath.Join(root, rel)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"escape":      outside,
		"escape.txt":  filepath.Join(outside, "secret.txt"),
		"dangling.go": filepath.Join(outside, "new.go"),
		"inner":       filepath.Join(root, "pkg"),
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestSandboxRefusesEverythingOutsideItsItem(t *testing.T) {
	root := testWorkspace(t)
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pkg/gen.go"), []byte("package pkg\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(root, "locked")
	if err := os.Mkdir(locked, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(locked, "kept.go"), []byte("package locked\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locked, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(locked, 0o755) })
	worker := sb.WithWritable([]string{"pkg/a.go", "pkg/new/b.go", "dangling.go", "pkg/gen.go", "locked/kept.go", "locked/new.go", "locked/sub/deep.go"})
	reads := map[string]string{
		"main.go":                      "",
		"inner/a.go":                   "", // a symlink inside the workspace is fine
		"../x":                         "outside the workspace",
		"/etc/passwd":                  "outside the workspace",
		"escape/secret.txt":            "outside the workspace",
		"escape.txt":                   "outside the workspace",
		"pkg/../../x":                  "outside the workspace",
		filepath.Join(root, "main.go"): "",
	}
	for p, want := range reads {
		_, _, err := worker.Resolve(p)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("read %s: %v, want %q", p, err, want)
		}
	}
	writes := map[string]string{
		"pkg/a.go":     "",
		"pkg/new/b.go": "",
		"./pkg/a.go":   "",
		"inner/a.go":   "", // resolves to pkg/a.go
		"main.go":      "main.go is not a file of this item; it may write only: pkg/a.go, pkg/new/b.go, dangling.go, pkg/gen.go, locked/kept.go",
		"pkg/gen.go":   "pkg/gen.go is read-only (mode 0444), which tools do not change; make it writable (chmod u+w pkg/gen.go) if it should",
		// Replacing a file, or creating one or a directory, writes its directory.
		"locked/kept.go":     "locked/kept.go would be written in locked, a read-only directory (mode 0555), which tools do not change; make it writable (chmod u+w locked) if it should",
		"locked/new.go":      "locked/new.go would be written in locked, a read-only directory (mode 0555)",
		"locked/sub/deep.go": "locked/sub/deep.go would be written in locked, a read-only directory (mode 0555)",
		".git/config":        "inside .git/",
		".opencode/todo.md":  "inside .opencode/",
		"dangling.go":        "outside the workspace", // the link points out, the file does not exist yet
		"../pkg/a.go":        "outside the workspace",
	}
	for p, want := range writes {
		_, _, err := worker.ResolveWrite(p)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("write %s: %v, want %q", p, err, want)
		}
	}
	if _, _, err := sb.ResolveWrite("pkg/a.go"); err == nil || !strings.Contains(err.Error(), "may not write") {
		t.Errorf("a read-only session wrote: %v", err)
	}
}

// A path checked by ResolveWrite, whose directory is then swapped for a symlink to
// outside the workspace (another process racing the tool), is still not written
// outside: the write resolves the name again as it runs. Reads likewise.
func TestSandboxWritesStayInsideWhenADirectoryIsSwappedForASymlink(t *testing.T) {
	root := testWorkspace(t)
	outside := t.TempDir()
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	worker := sb.WithWritable([]string{"pkg/a.go"})
	_, rel, err := worker.ResolveWrite("pkg/a.go")
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.WriteFile(rel, []byte("package pkg // one\n")); err != nil {
		t.Fatalf("the checked write: %v", err)
	}
	if err := os.WriteFile(filepath.Join(outside, "a.go"), []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(root, "pkg")
	if err := os.RemoveAll(pkg); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, pkg); err != nil {
		t.Fatal(err)
	}
	if err := worker.WriteFile(rel, []byte("package pkg // two\n")); err == nil {
		t.Error("the write went through a symlink out of the workspace")
	}
	if data, err := worker.ReadFile(rel); err == nil {
		t.Errorf("the read went through a symlink out of the workspace: %q", data)
	}
	if data, _ := os.ReadFile(filepath.Join(outside, "a.go")); string(data) != "outside\n" {
		t.Errorf("the file outside was changed: %q", data)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Errorf("files were created outside: %v", entries)
	}
}

// recorder wraps a provider and keeps every request, to see what the model was told.
type recorder struct {
	model.Provider
	requests []model.Request
}

func (r *recorder) Complete(ctx context.Context, req model.Request) (model.Response, error) {
	req.Messages = slices.Clone(req.Messages) // as sent: the session may shorten its conversation later
	r.requests = append(r.requests, req)
	return r.Provider.Complete(ctx, req)
}

func call(tool string, args any) model.ScriptCall {
	raw, _ := json.Marshal(args)
	return model.ScriptCall{Tool: tool, Args: raw}
}

func workerSession(t *testing.T, root string, turns ...model.ScriptTurn) (*Session, *recorder) {
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Provider: model.NewScripted("scripted/test", model.Script{Turns: turns})}
	s := New(Config{Provider: rec, Role: "worker", Item: "T1", Sandbox: sb.WithWritable([]string{"pkg/a.go"}),
		Tools: []string{ToolReadFile, ToolListFiles, ToolGrep, ToolWriteFile, ToolEditFile, ToolFinish}, MaxToolOutput: 64})
	return s, rec
}

func lastToolResults(req model.Request) []string {
	var out []string
	for i := len(req.Messages) - 1; i >= 0 && req.Messages[i].Role == "tool"; i-- {
		out = append([]string{req.Messages[i].Content}, out...)
	}
	return out
}

func TestAWorkerWritesItsFileAndReadsItsErrors(t *testing.T) {
	root := testWorkspace(t)
	s, rec := workerSession(t, root,
		model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{
			call(ToolWriteFile, map[string]string{"path": "main.go", "content": "package main // mine now\n"}),
			call(ToolWriteFile, map[string]string{"path": "pkg/a.go", "content": "package pkg\n\nfunc A() {}\n"}),
			{Tool: ToolEditFile, Args: json.RawMessage(`{"path": "pkg/a.go", "old": `)},
			call("delete_everything", map[string]string{}),
		}},
		model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{
			call(ToolEditFile, map[string]string{"path": "pkg/a.go", "old": "func A() {}", "new": "func A() int { return 1 }"}),
			call(ToolReadFile, map[string]any{"path": "pkg/a.go", "offset": 3, "limit": 1}),
			call(ToolGrep, map[string]string{"pattern": "^package", "glob": "*.go"}),
			call(ToolReadFile, map[string]any{"path": "pkg/a.go", "offset": 4}),
		}},
		model.ScriptTurn{Role: "worker", Content: "All done.", Calls: []model.ScriptCall{call(ToolFinish, map[string]string{"summary": "A returns 1"})}},
	)
	res, err := s.Send(context.Background(), "- [ ] T1: add A | file:pkg/a.go")
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary != "A returns 1" || strings.Join(res.Wrote, ",") != "pkg/a.go" || res.Turns != 3 {
		t.Errorf("result %+v", res)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "main.go")); string(data) != "package main\n" {
		t.Errorf("another item's file was written: %q", data)
	}
	first := lastToolResults(rec.requests[1])
	wants := []string{"error: main.go is not a file of this item", "wrote pkg/a.go", "error: the arguments are not a JSON object", `error: there is no tool "delete_everything"`}
	for i, want := range wants {
		if i >= len(first) || !strings.HasPrefix(first[i], want) {
			t.Errorf("tool result %d: %q, want %q", i, first, want)
		}
	}
	second := lastToolResults(rec.requests[2])
	if second[0] != "edited pkg/a.go" || second[1] != "func A() int { return 1 }\n" || !strings.HasPrefix(second[2], "main.go:1: package main") ||
		second[3] != "error: pkg/a.go has 3 lines; offset 4 is past its end" {
		t.Errorf("second results %q", second)
	}
	// Tool output is bounded: the grep output over 64 bytes is cut with a note.
	if !strings.Contains(second[2], "[output cut at") && len(second[2]) > 64 {
		t.Errorf("unbounded output %q", second[2])
	}
}

// TestAReplyCutOffAtTheOutputLimitIsNotRun: the model's reply stops at its output token
// limit in the middle of a write_file. The complete call before it runs; the cut one is
// not (half a file would be written, or the broken JSON refused without a reason), and
// the model hears why and how to go on. A cut reply without calls is named in the nudge.
func TestAReplyCutOffAtTheOutputLimitIsNotRun(t *testing.T) {
	root := testWorkspace(t)
	s, rec := workerSession(t, root,
		model.ScriptTurn{Role: "worker", Truncated: true, Calls: []model.ScriptCall{
			call(ToolReadFile, map[string]any{"path": "pkg/a.go"}),
			{Tool: ToolWriteFile, Args: json.RawMessage(`{"path": "pkg/a.go", "content": "package pkg\n\nfunc A() {`)},
		}},
		model.ScriptTurn{Role: "worker", Truncated: true, Content: "I will now write the whole"},
		model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{
			call(ToolWriteFile, map[string]string{"path": "pkg/a.go", "content": "package pkg\n\nfunc A() {}\n"}),
			call(ToolFinish, map[string]string{"summary": "A"}),
		}},
	)
	if _, err := s.Send(context.Background(), "- [ ] T1: add A | file:pkg/a.go"); err != nil {
		t.Fatal(err)
	}
	first := lastToolResults(rec.requests[1]) // tool output is bounded at 64 bytes here
	if len(first) != 2 || first[0] != "package pkg\n" || !strings.HasPrefix(first[1], "error: your reply reached the output token limit and this write_") {
		t.Errorf("results of the cut reply: %q", first)
	}
	nudge := rec.requests[2].Messages[len(rec.requests[2].Messages)-1]
	if nudge.Role != "user" || !strings.HasPrefix(nudge.Content, "Your reply reached the output token limit and was cut off.") {
		t.Errorf("after a cut reply without calls: %+v", nudge)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "pkg/a.go")); string(data) != "package pkg\n\nfunc A() {}\n" {
		t.Errorf("pkg/a.go: %q", data)
	}
}

// TestARequestTooLargeForTheModelGoesAgainSmaller: the fake API (a test double of the
// remote model) refuses, as OpenAI does, a request longer than its model's context, here
// 40 KB, well under the session's bound. The worker reads three files of 15 KB; the
// request after the third read is refused, and goes again with the older reads left out
// (the model can read them again). The session keeps the smaller bound for its later calls.
func TestARequestTooLargeForTheModelGoesAgainSmaller(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(strings.Repeat(name[:1], 15<<10)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const contextBytes = 40 << 10
	var refused atomic.Int32
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		if len(r.Body) > contextBytes {
			refused.Add(1)
			return fakeapi.Reply{Status: http.StatusBadRequest, Body: `{"error": {"message": "This model's maximum context length is 10000 tokens. However, your messages resulted in 12000 tokens.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}`}
		}
		for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
			if id := "call-" + name; !strings.Contains(r.Text(), id) {
				return fakeapi.Reply{Calls: []fakeapi.Call{{ID: id, Name: ToolReadFile, Args: `{"path": "` + name + `"}`}}}
			}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "f", Name: ToolFinish, Args: `{"summary": "read them"}`}}}
	})
	env := map[string]string{"OPENAI_API_KEY": "sk-test-key-for-the-double", "OPENAI_BASE_URL": srv.URL}
	provider, err := model.New("openai/small-context", "", model.Options{Getenv: func(k string) string { return env[k] }, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Provider: provider, Role: "worker", Sandbox: sb, Tools: []string{ToolReadFile, ToolFinish}})
	res, err := s.Send(context.Background(), "read a.txt, b.txt and c.txt")
	if err != nil || res.Summary != "read them" {
		t.Fatalf("result %+v, %v", res, err)
	}
	if refused.Load() != 1 || s.cfg.MaxContext >= contextBytes {
		t.Errorf("%d requests refused for their size, bound now %d bytes", refused.Load(), s.cfg.MaxContext)
	}
}

// TestBlankRepliesAndEmptyResultsKeepTheConversationValid: a worker reads an empty file
// (a Python package's __init__.py) after a reply whose text is a blank line, then the
// model ends a turn with nothing in it, as Claude at times does after tool results. The
// fake APIs (test doubles of the remote models) refuse what the real ones refuse: an
// assistant message without content, an empty or blank text block. Every request is
// accepted, and after the nudge the worker finishes.
func TestBlankRepliesAndEmptyResultsKeepTheConversationValid(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pkg", "__init__.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	for spec, serve := range map[string]func(testing.TB, func(fakeapi.Request) fakeapi.Reply) *fakeapi.Server{
		"openai/gpt-test": fakeapi.OpenAI, "anthropic/claude-test": fakeapi.Anthropic,
	} {
		var turns atomic.Int32
		srv := serve(t, func(r fakeapi.Request) fakeapi.Reply {
			switch turns.Add(1) {
			case 1:
				return fakeapi.Reply{Text: "\n\n", Calls: []fakeapi.Call{{ID: "r", Name: ToolReadFile, Args: `{"path": "pkg/__init__.py"}`}}}
			case 2:
				return fakeapi.Reply{} // nothing: no text, no call
			}
			return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "f", Name: ToolFinish, Args: `{"summary": "it is empty"}`}}}
		})
		env := map[string]string{"OPENAI_API_KEY": "sk-test-key-for-the-double", "OPENAI_BASE_URL": srv.URL,
			"ANTHROPIC_API_KEY": "sk-ant-test-key-for-the-double", "ANTHROPIC_BASE_URL": strings.TrimSuffix(srv.URL, "/v1")}
		provider, err := model.New(spec, "", model.Options{Getenv: func(k string) string { return env[k] }, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		s := New(Config{Provider: provider, Role: "worker", Sandbox: sb, Tools: []string{ToolReadFile, ToolFinish}})
		if res, err := s.Send(context.Background(), "read pkg/__init__.py"); err != nil || res.Summary != "it is empty" || turns.Load() != 3 {
			t.Errorf("%s: %+v, %v after %d requests", spec, res, err, turns.Load())
		}
	}
}

func TestThinkingGoesBackWithItsCalls(t *testing.T) {
	sb, err := NewSandbox(testWorkspace(t))
	if err != nil {
		t.Fatal(err)
	}
	read := func(id, path string) fakeapi.Call {
		return fakeapi.Call{ID: id, Name: ToolReadFile, Args: `{"path": "` + path + `"}`}
	}
	for _, c := range []struct {
		name, spec string
		serve      func(testing.TB, func(fakeapi.Request) fakeapi.Reply) *fakeapi.Server
		first      fakeapi.Reply // answered to the first two requests, with its calls' ids made unique
	}{
		{"DeepSeek's reasoning_content", "openai/deepseek-v4-flash", fakeapi.OpenAI,
			fakeapi.Reply{Reasoning: "The task names main.go; read it first, <then> \"answer\" & finish.", Calls: []fakeapi.Call{read("a", "main.go")}}},
		{"Ollama's and Groq's reasoning", "ollama/gpt-oss:20b", fakeapi.OpenAI,
			fakeapi.Reply{Reasoning: "Read main.go.", ReasoningField: "reasoning", Calls: []fakeapi.Call{read("a", "main.go")}}},
		{"Gemini's thought signature", "openai/gemini-3-flash", fakeapi.OpenAI,
			fakeapi.Reply{ThoughtSignature: "CsIBAR/Mhb", Calls: []fakeapi.Call{read("a", "main.go"), read("b", "pkg/a.go")}}},
		{"OpenRouter's reasoning_details", "openai/anthropic/claude-sonnet-4.5", fakeapi.OpenAI,
			fakeapi.Reply{Reasoning: "Read main.go, then <answer> & finish.", ReasoningField: "reasoning_details", Calls: []fakeapi.Call{read("a", "main.go")}}},
		{"Claude's thinking", "anthropic/claude-test", fakeapi.Anthropic,
			fakeapi.Reply{Reasoning: "Read main.go, then answer.", Text: "Reading.", Calls: []fakeapi.Call{read("a", "main.go")}}},
		{"no thinking", "openai/gpt-test", fakeapi.OpenAI,
			fakeapi.Reply{Calls: []fakeapi.Call{read("a", "main.go")}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var turns atomic.Int32
			srv := c.serve(t, func(r fakeapi.Request) fakeapi.Reply {
				turn := turns.Add(1)
				if turn > 2 {
					return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "f", Name: ToolFinish, Args: `{"summary": "read"}`}}}
				}
				reply := c.first
				reply.Calls = slices.Clone(reply.Calls)
				for i := range reply.Calls {
					reply.Calls[i].ID += fmt.Sprint(turn)
				}
				return reply
			})
			env := map[string]string{"OPENAI_API_KEY": "sk-test-key-for-the-double", "OPENAI_BASE_URL": srv.URL, "OLLAMA_BASE_URL": srv.URL,
				"ANTHROPIC_API_KEY": "sk-ant-test-key-for-the-double", "ANTHROPIC_BASE_URL": strings.TrimSuffix(srv.URL, "/v1")}
			provider, err := model.New(c.spec, "", model.Options{Getenv: func(k string) string { return env[k] }, MaxRetries: 1})
			if err != nil {
				t.Fatal(err)
			}
			s := New(Config{Provider: provider, Role: "worker", Sandbox: sb, Tools: []string{ToolReadFile, ToolFinish}})
			// The third request carries both earlier turns: each must come back as it was given.
			if res, err := s.Send(context.Background(), "read main.go"); err != nil || res.Summary != "read" || turns.Load() != 3 {
				t.Fatalf("%+v, %v after %d requests", res, err, turns.Load())
			}
			// A server that sent no thinking gets none: Groq refuses the field from a model
			// that does not reason.
			if last := srv.Requests()[2].Text(); c.first.Reasoning == "" && c.first.ThoughtSignature == "" && (strings.Contains(last, `"reasoning`) || strings.Contains(last, `"extra_content"`)) {
				t.Errorf("the request carries reasoning it was not given:\n%s", last)
			}
		})
	}
}

// TestACallWrittenAsTextThatCannotBeTakenIsExplained: a model that writes its calls as
// text (see model.takeTextToolCalls) and gets one wrong hears what is wrong with it, not
// only "continue with the tools", and can mend it.
func TestACallWrittenAsTextThatCannotBeTakenIsExplained(t *testing.T) {
	sb, err := NewSandbox(testWorkspace(t))
	if err != nil {
		t.Fatal(err)
	}
	var told atomic.Value
	srv := fakeapi.OpenAI(t, func(r fakeapi.Request) fakeapi.Reply {
		if len(r.Messages) == 1 {
			return fakeapi.Reply{Text: `{"name": "read_files", "arguments": {"path": "main.go"}}`}
		}
		told.Store(string(r.Messages[len(r.Messages)-1]))
		return fakeapi.Reply{Text: `{"name": "finish", "arguments": {"summary": "mended"}}`}
	})
	env := map[string]string{"OLLAMA_BASE_URL": srv.URL}
	provider, err := model.New("ollama/qwen2.5-coder:14b", "", model.Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Provider: provider, Role: "worker", Sandbox: sb, Tools: []string{ToolReadFile, ToolFinish}})
	if res, err := s.Send(context.Background(), "read main.go"); err != nil || res.Summary != "mended" {
		t.Fatalf("%+v, %v", res, err)
	}
	if got, _ := told.Load().(string); !strings.Contains(got, `there is no tool \"read_files\" here (the tools: read_file, finish)`) {
		t.Errorf("the model was told %s", got)
	}
}

// TestARefusalEndsTheSession: a reply the provider stopped as a refusal (Claude's
// stop_reason "refusal", a content filter's finish_reason) ends the session at once,
// saying so, instead of three nudges that meet the same refusal and then "stopped
// calling tools".
func TestARefusalEndsTheSession(t *testing.T) {
	sb, err := NewSandbox(testWorkspace(t))
	if err != nil {
		t.Fatal(err)
	}
	for spec, c := range map[string]struct {
		serve func(testing.TB, func(fakeapi.Request) fakeapi.Reply) *fakeapi.Server
		stop  string
	}{
		"openai/gpt-test": {fakeapi.OpenAI, "content_filter"}, "anthropic/claude-test": {fakeapi.Anthropic, "refusal"},
	} {
		var turns atomic.Int32
		srv := c.serve(t, func(r fakeapi.Request) fakeapi.Reply {
			turns.Add(1)
			return fakeapi.Reply{Text: "I can't", StopReason: c.stop}
		})
		env := map[string]string{"OPENAI_API_KEY": "sk-test-key-for-the-double", "OPENAI_BASE_URL": srv.URL,
			"ANTHROPIC_API_KEY": "sk-ant-test-key-for-the-double", "ANTHROPIC_BASE_URL": strings.TrimSuffix(srv.URL, "/v1")}
		provider, err := model.New(spec, "", model.Options{Getenv: func(k string) string { return env[k] }})
		if err != nil {
			t.Fatal(err)
		}
		s := New(Config{Provider: provider, Role: "worker", Sandbox: sb, Tools: []string{ToolReadFile, ToolFinish}})
		_, err = s.Send(context.Background(), "read main.go")
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.stop) || turns.Load() != 1 {
			t.Errorf("%s: %v after %d requests", spec, err, turns.Load())
		}
	}
}

func TestCircuitBreakerAndLimits(t *testing.T) {
	root := testWorkspace(t)
	same := call(ToolReadFile, map[string]string{"path": "main.go"})
	var turns []model.ScriptTurn
	for range 4 {
		turns = append(turns, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{same}})
	}
	s, rec := workerSession(t, root, turns...)
	_, err := s.Send(context.Background(), "go")
	if !errors.Is(err, ErrStuck) {
		t.Fatalf("four identical calls: %v", err)
	}
	if got := lastToolResults(rec.requests[3]); !strings.Contains(got[0], "exact read_file call 3 times in a row") {
		t.Errorf("the third identical call was answered with %q", got)
	}

	// The same failing edit with a read between each: the third failure says to step
	// back, the fourth ends the session rather than the turn limit.
	edit, read := call(ToolEditFile, map[string]string{"path": "pkg/a.go", "old": "func Missing()", "new": "func Found()"}), call(ToolReadFile, map[string]string{"path": "pkg/a.go"})
	turns = nil
	for range 4 {
		turns = append(turns, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{edit}}, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{read}})
	}
	s, rec = workerSession(t, root, turns...)
	s.cfg.MaxToolOutput = 1 << 10
	if res, err := s.Send(context.Background(), "go"); !errors.Is(err, ErrStuck) || res.Turns != 7 {
		t.Fatalf("an edit failing four times between reads: %v after %d turns", err, res.Turns)
	}
	if got := lastToolResults(rec.requests[5]); len(got) != 1 || !strings.Contains(got[0], "this exact edit_file call has now failed this way 3 times") || !strings.Contains(got[0], "old text not found") {
		t.Errorf("the third failure was answered with %q", got)
	}
	turns = turns[:0]
	for range 4 {
		turns = append(turns, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{same}})
	}

	s, _ = workerSession(t, root,
		model.ScriptTurn{Role: "worker", Content: "I think I am done."},
		model.ScriptTurn{Role: "worker", Content: "Really."},
		model.ScriptTurn{Role: "worker", Content: "Truly."})
	if _, err := s.Send(context.Background(), "go"); !errors.Is(err, ErrSilent) {
		t.Errorf("a model that stops calling tools: %v", err)
	}

	s, _ = workerSession(t, root, turns...)
	s.cfg.MaxTurns = 2
	if _, err := s.Send(context.Background(), "go"); !errors.Is(err, ErrMaxTurns) {
		t.Errorf("turn limit: %v", err)
	}
	s, _ = workerSession(t, root, turns...)
	s.cfg.MaxTokens = 1
	if _, err := s.Send(context.Background(), "go"); !errors.Is(err, ErrMaxTokens) {
		t.Errorf("token limit: %v", err)
	}

	// What the session's owner says about going on is asked before every model call.
	spent := errors.New("the budget was spent")
	s, rec = workerSession(t, root, turns...)
	calls := 0
	s.cfg.Proceed = func() error {
		if calls++; calls > 2 {
			return spent
		}
		return nil
	}
	if res, err := s.Send(context.Background(), "go"); !errors.Is(err, spent) || res.Turns != 2 || len(rec.requests) != 2 {
		t.Errorf("after two calls the owner said stop; the session made %d calls (%d turns) and ended with %v", len(rec.requests), res.Turns, err)
	}
}

// TestALongSessionKeepsItsConversationBounded: a worker reads ten 10 KB files, one a
// turn. Every call sends the whole conversation, so without a bound the tenth would send
// all ten; with a 40 KiB bound the oldest results are replaced by a note saying how to
// get them back, while the task, the model's calls and its latest result stay whole.
func TestALongSessionKeepsItsConversationBounded(t *testing.T) {
	root := testWorkspace(t)
	var turns []model.ScriptTurn
	for i := range 10 {
		name := fmt.Sprintf("notes/%d.txt", i)
		content := strings.Repeat(fmt.Sprintf("line of file %d\n", i), 10<<10/16)
		if err := os.MkdirAll(filepath.Join(root, "notes"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		turns = append(turns, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{call(ToolReadFile, map[string]string{"path": name})}})
	}
	turns = append(turns, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{call(ToolFinish, map[string]string{"summary": "read them"})}})
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Provider: model.NewScripted("scripted/test", model.Script{Turns: turns})}
	s := New(Config{Provider: rec, Role: "worker", Sandbox: sb, Tools: []string{ToolReadFile, ToolFinish}, MaxContext: 40 << 10})
	if _, err := s.Send(context.Background(), "read the notes"); err != nil {
		t.Fatal(err)
	}
	checkConversationBound(t, rec, 40<<10)
	last := rec.requests[len(rec.requests)-1].Messages
	if last[0].Content != "read the notes" || len(last) != 21 {
		t.Fatalf("the last call's conversation: %d messages, first %q", len(last), last[0].Content)
	}
	if got := last[20].Content; !strings.HasPrefix(got, "line of file 9\n") {
		t.Errorf("the latest result is not whole: %.60q", got)
	}
	if got := last[2].Content; !strings.HasPrefix(got, "[this result was left out to bound the conversation (9600 bytes)") || !strings.HasSuffix(got, "call the tool again if you need it]") {
		t.Errorf("the first result: %.120q", got)
	}
	for i := 1; i < 21; i += 2 {
		if last[i].Role != "assistant" || len(last[i].ToolCalls) != 1 {
			t.Errorf("message %d is not the model's call: %+v", i, last[i])
		}
	}
}

// TestALongSessionOfWritesKeepsItsConversationBounded: a worker writes ten 10 KB files,
// one a turn. The content it wrote is in its own old calls, and every call re-sends them;
// under a 40 KiB bound the oldest calls' content is replaced by a note, while the path
// of every write, the latest call and the files on disk stay whole.
func TestALongSessionOfWritesKeepsItsConversationBounded(t *testing.T) {
	root := testWorkspace(t)
	var turns []model.ScriptTurn
	var names []string
	content := func(i int) string { return strings.Repeat(fmt.Sprintf("// line of file %d\n", i), 10<<10/18) }
	for i := range 10 {
		name := fmt.Sprintf("gen/f%d.go", i)
		names = append(names, name)
		turns = append(turns, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{call(ToolWriteFile, map[string]string{"path": name, "content": content(i)})}})
	}
	turns = append(turns, model.ScriptTurn{Role: "worker", Calls: []model.ScriptCall{call(ToolFinish, map[string]string{"summary": "wrote them"})}})
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Provider: model.NewScripted("scripted/test", model.Script{Turns: turns})}
	s := New(Config{Provider: rec, Role: "worker", Sandbox: sb.WithWritable(names), Tools: []string{ToolWriteFile, ToolFinish}, MaxContext: 40 << 10})
	if _, err := s.Send(context.Background(), "write the files"); err != nil {
		t.Fatal(err)
	}
	checkConversationBound(t, rec, 40<<10)
	last := rec.requests[len(rec.requests)-1].Messages
	if len(last) != 21 {
		t.Fatalf("the last call's conversation has %d messages", len(last))
	}
	var first, latest map[string]string
	if err := json.Unmarshal([]byte(last[1].ToolCalls[0].Arguments), &first); err != nil {
		t.Fatalf("the first call's arguments are no longer JSON: %v", err)
	}
	if first["path"] != "gen/f0.go" || first["content"] != fmt.Sprintf("[%d bytes, left out to bound the conversation]", len(content(0))) {
		t.Errorf("the first call's arguments: %v", first)
	}
	if err := json.Unmarshal([]byte(last[19].ToolCalls[0].Arguments), &latest); err != nil || latest["content"] != content(9) {
		t.Errorf("the latest call is not whole (%v): %.60q", err, latest["content"])
	}
	for i, name := range names {
		if got, err := os.ReadFile(filepath.Join(root, name)); err != nil || string(got) != content(i) {
			t.Errorf("%s on disk (%v): %d bytes", name, err, len(got))
		}
	}
}

// checkConversationBound fails for each recorded call whose conversation was over bound.
func checkConversationBound(t *testing.T, rec *recorder, bound int) {
	t.Helper()
	for i, req := range rec.requests {
		size := 0
		for _, m := range req.Messages {
			size += len(m.Content)
			for _, c := range m.ToolCalls {
				size += len(c.Name) + len(c.Arguments)
			}
		}
		if size > bound {
			t.Errorf("call %d sent %d bytes of conversation, over the bound of %d", i+1, size, bound)
		}
	}
}

// TestElideArgumentsKeepsWhatItCannotRead: arguments that are not a JSON object, and
// long values that are not strings, are sent as the model wrote them.
func TestElideArgumentsKeepsWhatItCannotRead(t *testing.T) {
	long := strings.Repeat("x", 2<<10)
	for _, args := range []string{
		`{"path": "a.go", "content": "` + long, // cut off mid-string
		`["` + long + `"]`,
		`{"lines": ["` + long + `"]}`,
		`{"path": "a.go", "content": "short"}`,
	} {
		if got := elideArguments(args); got != args {
			t.Errorf("elideArguments(%.40q...) = %.80q", args, got)
		}
	}
	if got := elideArguments(`{"path": "a.go", "content": "` + long + `"}`); got != `{"content":"[2048 bytes, left out to bound the conversation]","path":"a.go"}` {
		t.Errorf("a long content: %s", got)
	}
}

// TestReadingTheWorkspaceNeverWaitsNorLoadsAWholeLargeFile: read_file reads a large log a
// piece at a time, however far in the lines asked for are, and says where it stopped;
// a FIFO (reading it would wait for a writer) is refused, and grep passes it by.
func TestReadingTheWorkspaceNeverWaitsNorLoadsAWholeLargeFile(t *testing.T) {
	root := testWorkspace(t)
	var log strings.Builder
	for n := 1; n <= 2_000_000; n++ {
		fmt.Fprintf(&log, "line %d\n", n)
	}
	if err := os.MkdirAll(filepath.Join(root, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "logs/big.log"), []byte(log.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "logs/pipe.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	sb, err := NewSandbox(root)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Provider: model.NewScripted("scripted/test", model.Script{}), Role: "worker", Sandbox: sb, MaxToolOutput: 256})
	ctx := context.Background()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	head, err := readFile(ctx, s, map[string]any{"path": "logs/big.log"})
	runtime.ReadMemStats(&after)
	if err != nil || !strings.HasPrefix(head, "line 1\nline 2\n") || len(head) > 256 ||
		!strings.HasSuffix(head, fmt.Sprintf("\n[read_file stops in line 24, the file has %d bytes: go on with offset 24]", log.Len())) {
		t.Errorf("the head of a large file: %q, %v", head, err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 {
		t.Errorf("reading its head allocated %d bytes", allocated)
	}
	if deep, err := readFile(ctx, s, map[string]any{"path": "logs/big.log", "offset": 1_999_999.0, "limit": 5.0}); deep != "line 1999999\nline 2000000\n" || err != nil {
		t.Errorf("its last lines: %q, %v", deep, err)
	}
	if middle, err := readFile(ctx, s, map[string]any{"path": "logs/big.log", "offset": 1_000_000.0, "limit": 2.0}); middle != "line 1000000\nline 1000001\n" || err != nil {
		t.Errorf("two lines of its middle: %q, %v", middle, err)
	}
	for _, text := range []string{"a" + strings.Repeat("é", 300), "ab" + strings.Repeat("é", 300)} { // a cut falls inside a character in one
		if err := os.WriteFile(filepath.Join(root, "logs/accents.txt"), []byte(text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if head, err := readFile(ctx, s, map[string]any{"path": "logs/accents.txt"}); err != nil || !utf8.ValidString(head) || !strings.Contains(head, "[read_file stops in line 1,") {
			t.Errorf("a long line of accents: %q, %v", head, err)
		}
	}
	if _, err := readFile(ctx, s, map[string]any{"path": "logs/pipe.log"}); err == nil || err.Error() != "read logs/pipe.log: not a regular file (a FIFO, socket or device), which is not read" {
		t.Errorf("a FIFO: %v", err)
	}
	runtime.ReadMemStats(&before)
	found, err := grep(ctx, s, map[string]any{"pattern": "^package", "path": "."})
	runtime.ReadMemStats(&after)
	if err != nil || found != "main.go:1: package main\npkg/a.go:1: package pkg" {
		t.Errorf("grep beside a FIFO and a large file: %q, %v", found, err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 { // grep does not read a file over 1 MiB
		t.Errorf("grep allocated %d bytes", allocated)
	}
}

// TestToolErrorsSayWhatToDoInstead: a model that reads a directory or lists one that does
// not exist hears what to do, rather than a bare system error or "no files", which it
// would take for an empty directory it may fill.
func TestToolErrorsSayWhatToDoInstead(t *testing.T) {
	sb, err := NewSandbox(testWorkspace(t))
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Provider: model.NewScripted("scripted/test", model.Script{}), Role: "worker", Sandbox: sb})
	ctx := context.Background()
	cases := []struct {
		tool func(context.Context, *Session, map[string]any) (string, error)
		args map[string]any
		want string
	}{
		{readFile, map[string]any{"path": "pkg"}, "read pkg: is a directory; list_files with it as path lists its files"},
		{listFiles, map[string]any{"path": "nope"}, "nope does not exist; leave out path for the whole workspace"},
		{grep, map[string]any{"pattern": "x", "path": "nope/deeper"}, "nope/deeper does not exist; leave out path for the whole workspace"},
	}
	for _, c := range cases {
		if out, err := c.tool(ctx, s, c.args); err == nil || err.Error() != c.want {
			t.Errorf("%v: %q, %v; want the error %q", c.args, out, err, c.want)
		}
	}
	if out, err := listFiles(ctx, s, map[string]any{"path": "pkg"}); err != nil || out != "pkg/a.go" {
		t.Errorf("list_files pkg: %q, %v", out, err)
	}
}
