package session

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
)

// FuzzSandbox: whatever path a model names, what the sandbox resolves lies inside the
// workspace after symlinks, and what it lets a tool write is outside .git/ and
// .opencode/, in a workspace with symlinks out of it, into .git/, dangling and looping.
func FuzzSandbox(f *testing.F) {
	for _, p := range []string{"a.go", "../x", "/etc/passwd", "out/x", "gitlink/config", "dangle/y", "loop/z",
		".git/config", "sub/../.opencode/todo.md", "sub/./../a.go", "./", ".", "sub//b", "\x00"} {
		f.Add(p)
	}
	root := f.TempDir()
	outside := f.TempDir()
	for _, d := range []string{".git", ".opencode", "sub"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			f.Fatal(err)
		}
	}
	for link, target := range map[string]string{"out": outside, "gitlink": ".git", "dangle": "../../nowhere", "loop": "loop", "sub/up": "../.."} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			f.Fatal(err)
		}
	}
	sandbox, err := NewSandbox(root)
	if err != nil {
		f.Fatal(err)
	}
	writer := sandbox.WithWriteAnywhere()
	f.Fuzz(func(t *testing.T, p string) {
		abs, rel, err := sandbox.Resolve(p)
		if err == nil && (rel == ".." || strings.HasPrefix(rel, "../") || filepath.Join(sandbox.Root(), filepath.FromSlash(rel)) != abs) {
			t.Fatalf("%q resolved outside the workspace: %s (%s)", p, abs, rel)
		}
		if _, rel, err := writer.ResolveWrite(p); err == nil {
			first, _, _ := strings.Cut(rel, "/")
			if first == ".git" || first == ".opencode" || first == ".." || rel == "." {
				t.Fatalf("%q may be written: %s", p, rel)
			}
		}
	})
}

// FuzzToolCalls: whatever tool call a model sends (any name, any arguments), the file
// tools answer or fail with an error the model reads, and nothing but the item's own
// file changes in the workspace.
func FuzzToolCalls(f *testing.F) {
	f.Add(ToolWriteFile, `{"path": "a.txt", "content": "x"}`)
	f.Add(ToolEditFile, `{"path": "a.txt", "old": "x", "new": "y"}`)
	f.Add(ToolWriteFile, `{"path": "../b.txt", "content": "x"}`)
	f.Add(ToolReadFile, `{"path": "keep.txt", "offset": -3, "limit": 1e99}`)
	f.Add(ToolGrep, `{"pattern": "(", "path": "."}`)
	f.Add(ToolListFiles, `{"path": "/", "glob": "[" }`)
	f.Add(ToolEditFile, `{"path": ".git/config", "old": "", "new": "z"}`)
	f.Add("nope", `not json`)
	root := f.TempDir()
	fixture := map[string]string{"keep.txt": "line 1\nline 2\n", ".git/config": "[core]\n", "sub/other.go": "package sub\n"}
	for rel, content := range fixture {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	sandbox, err := NewSandbox(root)
	if err != nil {
		f.Fatal(err)
	}
	s := New(Config{Role: "worker", Sandbox: sandbox.WithWritable([]string{"a.txt"}),
		Tools: []string{ToolReadFile, ToolListFiles, ToolGrep, ToolWriteFile, ToolEditFile}})
	f.Fuzz(func(t *testing.T, name, arguments string) {
		call := model.ToolCall{ID: "1", Name: name, Arguments: arguments}
		out, err := s.run(context.Background(), call)
		s.answer(call, out, err)
		s.messages = nil
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			want, known := fixture[filepath.ToSlash(rel)]
			if rel == "a.txt" {
				return nil
			}
			if got, _ := os.ReadFile(p); !known || string(got) != want {
				t.Fatalf("%s %s changed %s", name, arguments, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
