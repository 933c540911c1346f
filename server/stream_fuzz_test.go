package server

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
)

// FuzzStream: whatever bytes arrive, reading them ends (every read takes a message or
// fails), and a well-formed frame after garbage that names no Content-Length is read.
func FuzzStream(f *testing.F) {
	for _, seed := range []string{"", "garbage\n", "Content-Length: 5\r\n\r\n{oops", "content-length: x\r\n\r\n",
		"Content-Length: 999\r\n\r\n{}", "\r\n\r\n", "{\"jsonrpc\":\"2.0\"}\n"} {
		f.Add([]byte(seed))
	}
	const frame = "Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}"
	f.Fuzz(func(t *testing.T, garbage []byte) {
		recoverable := bytes.HasSuffix(garbage, []byte("\n")) && !strings.Contains(strings.ToLower(string(garbage)), "content-length")
		input := append(bytes.Clone(garbage), frame...)
		s := newStream(struct {
			io.Reader
			io.Writer
			io.Closer
		}{bytes.NewReader(input), io.Discard, io.NopCloser(nil)}, func(string) {})
		found := false
		for reads := 0; ; reads++ {
			if reads > len(input) {
				t.Fatalf("%d reads of %d bytes and no end", reads, len(input))
			}
			msg, _, err := s.Read(context.Background())
			if err != nil {
				break
			}
			if n, ok := msg.(*jsonrpc2.Notification); ok && n.Method() == "initialized" {
				found = true
			}
		}
		if recoverable && !found {
			t.Fatalf("the frame after %q was lost", garbage)
		}
	})
}
