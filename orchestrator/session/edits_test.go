package session

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestEditFileMeetsTheModelsCopyHalfWay: a model copies old text from read_file without
// a CRLF file's carriage returns (the edit is made, the file keeps its endings), or with
// the wrong indentation or a line it misremembers (the error says where, so the model
// can correct the copy instead of reading the file again).
func TestEditFileMeetsTheModelsCopyHalfWay(t *testing.T) {
	for _, c := range []struct {
		name, file, old, repl string
		wantFile, wantErr     string
	}{
		{name: "CRLF file, LF copy", file: "package pkg\r\n\r\nfunc A() {}\r\n", old: "\nfunc A() {}\n", repl: "\nfunc A() int {\n\treturn 1\n}\n",
			wantFile: "package pkg\r\n\r\nfunc A() int {\r\n\treturn 1\r\n}\r\n"},
		{name: "exact copy", file: "package pkg\n\nfunc A() {}\n", old: "func A() {}", repl: "func B() {}", wantFile: "package pkg\n\nfunc B() {}\n"},
		{name: "indentation", file: "package pkg\n\nfunc A() int {\n\treturn 1\n}\n", old: "func A() int {\n    return 1\n}", repl: "",
			wantErr: "old text not found in pkg/a.go: lines 3 to 5 match it only if spaces and tabs at the start and end of lines are ignored; copy the indentation exactly"},
		{name: "a misremembered line", file: "package pkg\n\nfunc A() int {\n\tx := 1\n\treturn x\n}\n", old: "\nfunc A() int {\n\tx := 2\n\treturn x\n", repl: "",
			wantErr: "old text not found in pkg/a.go: the file has old's first line at line 3, but line 4 reads `x := 1` where old has `x := 2`"},
		{name: "past the end", file: "package pkg\n\nvar a = 1\nvar b = 2\n", old: "var a = 1\nvar b = 2\nvar c = 3", repl: "",
			wantErr: "old text not found in pkg/a.go: the file ends with old's first 2 lines, from line 3; the rest is not there"},
		{name: "a misremembered first line", file: "package pkg\n\nfunc Total(prices []int) int {\n\treturn 0\n}\n", old: "func Totl(prices []int) int {\n\treturn 0\n}", repl: "",
			wantErr: "old text not found in pkg/a.go: no line of the file is old's first line; the nearest, line 3, reads `func Total(prices []int) int {`"},
		{name: "part of a line misremembered", file: "package pkg\n\nvar limits = map[string]int{\"workers\": 8, \"planners\": 1}\n", old: "\"worker\": 8", repl: "",
			wantErr: "old text not found in pkg/a.go: no line of the file is old's first line; the nearest, line 3, reads `var limits = map[string]int{\"workers\": 8, \"planners\": 1}`"},
		{name: "nothing alike", file: "package pkg\n", old: "func Z() {}", repl: "",
			wantErr: "old text not found in pkg/a.go; read the file and copy the text exactly"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, path := sessionWithItsFile(t, c.file)
			out, err := editFile(context.Background(), s, map[string]any{"path": "pkg/a.go", "old": c.old, "new": c.repl})
			data, _ := os.ReadFile(path)
			switch {
			case c.wantErr != "" && (err == nil || err.Error() != c.wantErr):
				t.Errorf("error %v, want %q", err, c.wantErr)
			case c.wantErr != "" && string(data) != c.file:
				t.Errorf("a failed edit changed the file to %q", data)
			case c.wantErr == "" && (err != nil || out != "edited pkg/a.go" || string(data) != c.wantFile):
				t.Errorf("edit: %q, %v; file %q, want %q", out, err, data, c.wantFile)
			}
		})
	}
}

// TestWriteFileKeepsAFilesCRLFLineEndings: a file written again with bare newlines keeps
// the CRLF endings it had; other files are written as given.
func TestWriteFileKeepsAFilesCRLFLineEndings(t *testing.T) {
	for _, c := range []struct{ name, before, content, want, says string }{
		{"CRLF file", "package pkg\r\n\r\nvar A = 1\r\n", "package pkg\n\nvar A = 2\n", "package pkg\r\n\r\nvar A = 2\r\n", "wrote pkg/a.go (26 bytes, its CRLF line endings kept)"},
		{"LF file", "package pkg\n", "package pkg\n\nvar A = 2\n", "package pkg\n\nvar A = 2\n", "wrote pkg/a.go (23 bytes)"},
		{"CRLF content", "package pkg\n", "package pkg\r\n", "package pkg\r\n", "wrote pkg/a.go (13 bytes)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, path := sessionWithItsFile(t, c.before)
			out, err := writeFile(context.Background(), s, map[string]any{"path": "pkg/a.go", "content": c.content})
			if data, _ := os.ReadFile(path); err != nil || out != c.says || string(data) != c.want {
				t.Errorf("write: %q, %v; file %q, want %q and %q", out, err, data, c.want, c.says)
			}
		})
	}
}

// sessionWithItsFile is a worker session whose item's file, pkg/a.go, holds content.
func sessionWithItsFile(t *testing.T, content string) (*Session, string) {
	root := testWorkspace(t)
	path := filepath.Join(root, "pkg", "a.go")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := workerSession(t, root)
	return s, path
}
