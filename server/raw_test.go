package server

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// rawSession is a server driven with hand-written frames over an in-memory pipe.
func rawSession(t *testing.T, wrap func(*Server) protocol.Server) *rawPeer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	serverEnd, clientEnd := net.Pipe()
	srv, conn := connect(ctx, serverEnd, Options{})
	var target protocol.Server = srv
	if wrap != nil {
		target = wrap(srv)
	}
	conn.Go(ctx, srv.handler(target))
	go srv.serve(conn, serverEnd)
	t.Cleanup(func() {
		cancel()
		clientEnd.Close()
		<-conn.Done()
	})
	p := newRawPeer(t, clientEnd, clientEnd)
	p.initialize()
	p.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	return p
}

// probe checks that the server still answers requests.
func probe(t *testing.T, p *rawPeer, id int) {
	t.Helper()
	p.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"orchestrator/probe"}`, id))
	if code := responseErrorCode(p.response(float64(id))); code != -32601 {
		t.Fatalf("probe %d: code %d, want -32601", id, code)
	}
}

func TestMalformedInputIsAnsweredAndSurvived(t *testing.T) {
	cases := []struct {
		name    string
		frames  func(p *rawPeer)
		replyID any // the id the error reply carries; nil for none expected
		code    int
	}{
		{"invalid JSON", func(p *rawPeer) { p.send(`{"jsonrpc":"2.0","id":5,"method":`) }, nil, -32700},
		{"not an object", func(p *rawPeer) { p.send(`[1,2,3]`) }, nil, -32600},
		{"method of the wrong type", func(p *rawPeer) { p.send(`{"jsonrpc":"2.0","id":6,"method":12}`) }, float64(6), -32600},
		{"string id of the wrong shape", func(p *rawPeer) { p.send(`{"jsonrpc":"1.0","id":"x7","method":"initialize"}`) }, "x7", -32600},
		{"Content-Length too short", func(p *rawPeer) {
			body := `{"jsonrpc":"2.0","id":8,"method":"orchestrator/probe"}`
			p.sendRaw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body)-10, body))
		}, nil, -32700},
		{"Content-Length too long", func(p *rawPeer) {
			body := `{"jsonrpc":"2.0","id":9,"method":"orchestrator/probe"}`
			p.sendRaw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body)+500, body))
			// The overlong frame is recovered when the next message arrives; it is served.
			p.send(`{"jsonrpc":"2.0","id":19,"method":"orchestrator/probe"}`)
		}, float64(9), -32601},
		{"Content-Length not a number", func(p *rawPeer) { p.sendRaw("Content-Length: many\r\n\r\n{}") }, nil, 0},
		{"no header at all", func(p *rawPeer) { p.sendRaw("hello there\r\n") }, nil, 0},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := rawSession(t, nil)
			c.frames(p)
			if c.code != 0 {
				if code := responseErrorCode(p.response(c.replyID)); code != c.code {
					t.Errorf("error code %d, want %d", code, c.code)
				}
			}
			probe(t, p, 100+i)
			probe(t, p, 200+i)
		})
	}
}

func TestBrokenNotificationsAndPanicsKeepTheConnection(t *testing.T) {
	p := rawSession(t, blocking)
	p.send(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"contentChanges":7}}`)
	p.send(`{"jsonrpc":"2.0","method":"textDocument/didSave","params":{"textDocument":{"uri":"file:///a"}}}`)
	p.send(`{"jsonrpc":"2.0","method":"$/unknownNotification","params":{}}`)
	p.send(`{"jsonrpc":"2.0","id":3,"method":"textDocument/definition","params":{"textDocument":{"uri":"file:///a"},"position":{"line":0,"character":0}}}`)
	if code := responseErrorCode(p.response(float64(3))); code != -32603 {
		t.Errorf("a panicking request got code %d, want -32603", code)
	}
	probe(t, p, 4)
}

func TestCancelRequestWithStringAndNumberIDs(t *testing.T) {
	for _, id := range []string{`"req-abc"`, `42`} {
		t.Run(id, func(t *testing.T) {
			var blocker *blockingServer
			p := rawSession(t, func(s *Server) protocol.Server {
				blocker = blocking(s).(*blockingServer)
				return blocker
			})
			p.send(`{"jsonrpc":"2.0","id":` + id + `,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a"},"position":{"line":0,"character":0}}}`)
			<-blocker.hoverStarted
			p.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":` + id + `}}`)
			var want any = float64(42)
			if strings.HasPrefix(id, `"`) {
				want = strings.Trim(id, `"`)
			}
			if code := responseErrorCode(p.response(want)); code != -32800 {
				t.Errorf("cancelled request got code %d, want -32800", code)
			}
			probe(t, p, 7)
		})
	}
}
