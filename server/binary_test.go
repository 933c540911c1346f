package server

// Out-of-process tests: the real binary, started the way an editor starts it.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/testkit"
)

var binary string // built once by TestMain

func TestMain(m *testing.M) { testkit.RunWithBinary(m, &binary) }

// process is `orchestrator lsp` running as a child, with a raw peer on its pipes.
type process struct {
	*rawPeer
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer
}

func startLSP(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"lsp"}, args...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &bytes.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return &process{rawPeer: newRawPeer(t, stdin, stdout), cmd: cmd, stdin: stdin, stderr: stderr}
}

// exitCode waits for the process, after checking that all of its output was protocol.
func (p *process) exitCode() int {
	p.t.Helper()
	p.drain()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			p.t.Fatal(err)
		}
		return 0
	case <-time.After(waitTimeout):
		p.t.Fatal("the server did not exit")
		return -1
	}
}

func TestBinaryServesAnEditorSession(t *testing.T) {
	root := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "server.log")
	p := startLSP(t, "--log-file", logFile, "--log-level", "debug")
	file := uri.File(filepath.Join(root, "main.go"))

	p.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"clientInfo":{"name":"raw"},` +
		`"rootUri":"` + string(uri.File(root)) + `","capabilities":{"general":{"positionEncodings":["utf-16"]}}}}`)
	init := p.response(float64(1))
	caps := init["result"].(map[string]any)["capabilities"].(map[string]any)
	if caps["positionEncoding"] != "utf-16" {
		t.Errorf("capabilities = %v", caps)
	}
	p.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	p.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + string(file) +
		`","languageId":"go","version":1,"text":"package main\n"}}}`)
	p.send(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"` + string(file) +
		`","version":2},"contentChanges":[{"range":{"start":{"line":1,"character":0},"end":{"line":1,"character":0}},"text":"func main() {}\n"}]}}`)
	p.send(`{"jsonrpc":"2.0","method":"textDocument/didSave","params":{"textDocument":{"uri":"` + string(file) + `"}}}`)
	p.send(`{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"` + string(file) + `"}}}`)
	p.send(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	if resp := p.response(float64(2)); resp["error"] != nil {
		t.Fatalf("shutdown: %v", resp)
	}
	p.send(`{"jsonrpc":"2.0","method":"exit"}`)
	if code := p.exitCode(); code != 0 {
		t.Errorf("exit after shutdown: code %d, want 0", code)
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"msg=initialize", "msg=opened", "msg=saved", "msg=shutdown"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the log file lacks %q:\n%s", want, log)
		}
	}
	if p.stderr.Len() > 0 {
		t.Errorf("unexpected stderr: %s", p.stderr)
	}
}

func TestBinaryExitCodes(t *testing.T) {
	t.Run("exit without shutdown", func(t *testing.T) {
		p := startLSP(t)
		p.initialize()
		p.send(`{"jsonrpc":"2.0","method":"exit"}`)
		if code := p.exitCode(); code != 1 {
			t.Errorf("code %d, want 1", code)
		}
	})
	t.Run("stdin closed without shutdown", func(t *testing.T) {
		p := startLSP(t)
		p.initialize()
		p.stdin.Close()
		if code := p.exitCode(); code != 1 {
			t.Errorf("code %d, want 1", code)
		}
	})
	t.Run("stdin closed after shutdown", func(t *testing.T) {
		p := startLSP(t)
		p.initialize()
		p.send(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
		p.response(float64(2))
		p.stdin.Close()
		if code := p.exitCode(); code != 0 {
			t.Errorf("code %d, want 0", code)
		}
	})
}

func TestBinarySurvivesAMalformedFrame(t *testing.T) {
	p := startLSP(t)
	p.initialize()
	p.sendRaw("Content-Length: 12\r\n\r\n{not json!!}")
	if code := responseErrorCode(p.response(nil)); code != -32700 {
		t.Errorf("malformed frame: code %d, want -32700", code)
	}
	p.send(`{"jsonrpc":"2.0","id":2,"method":"textDocument/didOpen","params":{}}`)
	if code := responseErrorCode(p.response(float64(2))); code != -32600 {
		t.Errorf("a notification sent as a request: code %d, want -32600", code)
	}
	p.send(`{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":7}}`)
	if code := responseErrorCode(p.response(float64(4))); code != -32602 {
		t.Errorf("a request with wrong params: code %d, want -32602", code)
	}
	p.send(`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`)
	p.response(float64(3))
	p.send(`{"jsonrpc":"2.0","method":"exit"}`)
	if code := p.exitCode(); code != 0 {
		t.Errorf("code %d, want 0", code)
	}
}

func TestCommandLine(t *testing.T) {
	cases := []struct {
		args       []string
		code       int
		stdout     string // a substring of stdout ("" for none expected)
		stderr     string
		emptyStdio bool // stdout must stay empty
	}{
		{args: []string{"version"}, code: 0, stdout: "orchestrator "},
		{args: []string{"--version"}, code: 0, stdout: "orchestrator "},
		{args: []string{"help"}, code: 0, stdout: "usage: orchestrator lsp"},
		{args: []string{"-h"}, code: 0, stdout: "usage: orchestrator version"},
		{args: []string{"help", "lsp"}, code: 0, stdout: "--log-file"},
		{args: nil, code: 2, stderr: "usage: orchestrator SUBCOMMAND", emptyStdio: true},
		{args: []string{"frobnicate"}, code: 2, stderr: `unknown subcommand "frobnicate"`, emptyStdio: true},
		{args: []string{"help", "frobnicate"}, code: 2, stderr: "unknown subcommand", emptyStdio: true},
		{args: []string{"lsp", "--no-such-flag"}, code: 2, stderr: "usage: orchestrator lsp", emptyStdio: true},
		{args: []string{"lsp", "extra"}, code: 2, stderr: `unexpected argument "extra"`, emptyStdio: true},
		{args: []string{"lsp", "--log-level", "loud"}, code: 2, stderr: "unknown log level", emptyStdio: true},
		{args: []string{"version", "extra"}, code: 2, stderr: "usage: orchestrator version", emptyStdio: true},
		{args: []string{"help", "check"}, code: 0, stdout: "--format"},
		{args: []string{"check", "--format", "xml"}, code: 2, stderr: `unknown format "xml"`, emptyStdio: true},
		{args: []string{"check", "testdata"}, code: 0, stdout: "no findings"},
		{args: []string{"check", "testdata/badplan"}, code: 1, stdout: ".opencode/todo.md:3:7: error: dependency cycle: T1 -> T2 -> T1 [plan-cycle]"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(binary, c.args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d", code, c.code)
			}
			if !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
			}
			if c.emptyStdio && stdout.Len() > 0 {
				t.Errorf("usage errors belong on stderr; stdout has %q", stdout.String())
			}
		})
	}
}
