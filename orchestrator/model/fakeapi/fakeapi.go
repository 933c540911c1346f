// Package fakeapi is a TEST DOUBLE of the remote model APIs, and nothing else: local
// HTTP servers that speak the real OpenAI Chat Completions and Anthropic Messages wire
// formats (server-sent-event streams, tool calls, error statuses with retry-after,
// stalled streams), so the official SDKs run unmodified against them.
package fakeapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Call is a tool call in a reply. Args is sent as written (it may be malformed JSON).
type Call struct {
	ID, Name, Args string
}

// Reply is what the fake model answers to one request.
type Reply struct {
	Status     int               // non-zero and not 200: an error reply with Body
	Header     map[string]string // e.g. retry-after
	Body       string
	Text       string
	Calls      []Call
	InputTok   int
	OutputTok  int
	CachedTok  int  // of InputTok, read from the prompt cache
	WrittenTok int  // of InputTok, written to the prompt cache (Anthropic's wire format only)
	StallAfter bool // send the first event, then nothing until the client hangs up
	Truncated  bool // the reply stops at the output token limit (Text and Calls as cut)
}

// Request is a request as the server received it.
type Request struct {
	Auth     string            `json:"-"` // the Authorization or x-api-key header
	Body     []byte            `json:"-"` // the JSON body as received
	Model    string            `json:"model"`
	Stream   bool              `json:"stream"`
	Messages []json.RawMessage `json:"messages"`
}

// Server is a running fake API.
type Server struct {
	URL string

	mu          sync.Mutex
	requests    []Request
	inFlight    int
	maxInFlight int
	connections int
}

// Requests returns what was received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// MaxInFlight is the most requests that were being answered at the same time.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// Connections is how many connections clients opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// OpenAI starts a fake Chat Completions server; answer is called for every request
// (concurrently when requests are). Its URL is the base URL ("…/v1").
func OpenAI(t testing.TB, answer func(Request) Reply) *Server {
	return start(t, "/v1/chat/completions", answer, invalidOpenAIConversation, writeOpenAI)
}

// Anthropic starts a fake Messages server. Its URL ends in "/v1" too; the Anthropic SDK's
// base URL is without it.
func Anthropic(t testing.TB, answer func(Request) Reply) *Server {
	return start(t, "/v1/messages", answer, invalidAnthropicConversation, writeAnthropic)
}

// start serves path. A request whose conversation invalid finds wrong is refused with a
// 400 and that message, as the real API refuses it, without asking answer.
func start(t testing.TB, path string, answer func(Request) Reply, invalid func(Request) (Reply, bool), write func(http.ResponseWriter, *http.Request, Request, Reply)) *Server {
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		req := Request{Auth: r.Header.Get("Authorization") + r.Header.Get("X-Api-Key"), Body: raw}
		if err := json.Unmarshal(raw, &req); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.inFlight++
		s.maxInFlight = max(s.maxInFlight, s.inFlight)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inFlight--
			s.mu.Unlock()
		}()
		reply, refused := invalid(req)
		if !refused {
			reply = answer(req)
		}
		for k, v := range reply.Header {
			w.Header().Set(k, v)
		}
		if reply.Status != 0 && reply.Status != http.StatusOK {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(reply.Status)
			_, _ = io.WriteString(w, reply.Body)
			return
		}
		write(w, r, req, reply)
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.mu.Lock()
			s.connections++
			s.mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v1"
	return s
}

// invalidOpenAIConversation refuses, with Chat Completions' words, what it refuses: an
// assistant message with neither content nor tool calls, and a tool result that does
// not answer a call of the assistant message before it by a non-empty id.
func invalidOpenAIConversation(req Request) (Reply, bool) {
	refuse := func(message, param string) (Reply, bool) {
		body, _ := json.Marshal(map[string]any{"error": map[string]any{"message": message, "type": "invalid_request_error", "param": param, "code": nil}})
		return Reply{Status: http.StatusBadRequest, Body: string(body)}, true
	}
	var calls []string
	for i, raw := range req.Messages {
		var m struct {
			Role       string          `json:"role"`
			Content    json.RawMessage `json:"content"`
			ToolCallID string          `json:"tool_call_id"`
			ToolCalls  []struct {
				ID string `json:"id"`
			} `json:"tool_calls"`
		}
		_ = json.Unmarshal(raw, &m)
		switch m.Role {
		case "assistant":
			if (len(m.Content) == 0 || string(m.Content) == "null") && len(m.ToolCalls) == 0 {
				return refuse("Invalid value for 'content': expected a string, got null.", fmt.Sprintf("messages.[%d].content", i))
			}
			calls = calls[:0]
			for _, c := range m.ToolCalls {
				calls = append(calls, c.ID)
			}
		case "tool":
			if m.ToolCallID == "" || !slices.Contains(calls, m.ToolCallID) {
				return refuse("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", fmt.Sprintf("messages.[%d].role", i))
			}
		}
	}
	return Reply{}, false
}

// invalidAnthropicConversation refuses, with the Messages API's words, what it refuses:
// a tool_result block without a tool_use block of the same id in the message before it,
// a message without content (but a final assistant one), an empty text block (also in
// a tool_result), and a message whose text is only whitespace.
func invalidAnthropicConversation(req Request) (Reply, bool) {
	refuse := func(message string) (Reply, bool) {
		body, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]string{"type": "invalid_request_error", "message": message}})
		return Reply{Status: http.StatusBadRequest, Body: string(body)}, true
	}
	type block struct {
		Type      string          `json:"type"`
		Text      string          `json:"text"`
		ID        string          `json:"id"`
		ToolUseID string          `json:"tool_use_id"`
		Content   json.RawMessage `json:"content"`
	}
	var previous []string
	for i, raw := range req.Messages {
		var m struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		}
		var blocks []block
		_ = json.Unmarshal(raw, &m)
		var text string
		if json.Unmarshal(m.Content, &text) == nil {
			blocks = []block{{Type: "text", Text: text}}
		} else {
			_ = json.Unmarshal(m.Content, &blocks)
		}
		if len(blocks) == 0 && (m.Role != "assistant" || i < len(req.Messages)-1) {
			return refuse(fmt.Sprintf("messages.%d: all messages must have non-empty content except for the optional final assistant message", i))
		}
		var uses []string
		texts, blank := 0, 0
		for _, b := range blocks {
			switch b.Type {
			case "text":
				texts++
				if b.Text == "" {
					return refuse("messages: text content blocks must be non-empty")
				}
				if strings.TrimSpace(b.Text) == "" {
					blank++
				}
			case "tool_use":
				uses = append(uses, b.ID)
			case "tool_result":
				if !slices.Contains(previous, b.ToolUseID) {
					return refuse(fmt.Sprintf("messages.%d.content: unexpected `tool_use_id` found in `tool_result` blocks: %s. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.", i, b.ToolUseID))
				}
				var inner []block
				_ = json.Unmarshal(b.Content, &inner)
				for _, c := range inner {
					if c.Type == "text" && c.Text == "" {
						return refuse("messages: text content blocks must be non-empty")
					}
				}
			}
		}
		if blank > 0 && blank == texts {
			return refuse("messages: text content blocks must contain non-whitespace text")
		}
		previous = uses
	}
	return Reply{}, false
}

// sse writes server-sent events. A reply's events are ready together (after the answer's
// simulated thinking time) and are not flushed one by one: a small reply leaves in one
// write when the handler returns. A real API streams them while the model thinks, so the
// client reads them over that time, not all at its end; and the double's write calls are
// CPU that a remote API does not take from this machine. A stalling stream sends its
// first event, then nothing until the client goes away.
type sse struct {
	w       http.ResponseWriter
	r       *http.Request
	stall   bool
	stalled bool
}

func (e *sse) event(name string, data any) {
	if e.stalled {
		return
	}
	payload, _ := json.Marshal(data)
	if name != "" {
		fmt.Fprintf(e.w, "event: %s\n", name)
	}
	fmt.Fprintf(e.w, "data: %s\n\n", payload)
	if e.stall {
		e.w.(http.Flusher).Flush()
		<-e.r.Context().Done()
		e.stalled = true
	}
}

// The Chat Completions stream's chunk, typed: the latency benchmarks send thousands, and
// the double's CPU is not what they measure (a real API costs this machine nothing).
type openAIChunk struct {
	ID      string         `json:"id"`
	Object  string         `json:"object"`
	Created int            `json:"created"`
	Model   string         `json:"model"`
	Choices []openAIChoice `json:"choices"`
	Usage   *openAIUsage   `json:"usage,omitempty"`
}

type openAIChoice struct {
	Index        int         `json:"index"`
	Delta        openAIDelta `json:"delta"`
	FinishReason *string     `json:"finish_reason"`
}

type openAIDelta struct {
	Role      string           `json:"role,omitempty"`
	Content   *string          `json:"content,omitempty"`
	ToolCalls []openAIToolCall `json:"tool_calls,omitempty"`
}

type openAIToolCall struct {
	Index    int            `json:"index"`
	ID       string         `json:"id,omitempty"`
	Type     string         `json:"type,omitempty"`
	Function openAIFunction `json:"function"`
}

type openAIFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

type openAIUsage struct {
	Prompt        int `json:"prompt_tokens"`
	Completion    int `json:"completion_tokens"`
	Total         int `json:"total_tokens"`
	PromptDetails struct {
		Cached int `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
}

func writeOpenAI(w http.ResponseWriter, r *http.Request, req Request, reply Reply) {
	if !req.Stream {
		// The providers always stream; a plain request means a client this double does not
		// pretend to serve.
		http.Error(w, `{"error":{"message":"this fake API serves streaming requests only","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	e := &sse{w: w, r: r, stall: reply.StallAfter}
	chunk := func(delta openAIDelta, finish *string) openAIChunk {
		return openAIChunk{ID: "chatcmpl-fake", Object: "chat.completion.chunk", Created: 1, Model: req.Model,
			Choices: []openAIChoice{{Delta: delta, FinishReason: finish}}}
	}
	empty := ""
	e.event("", chunk(openAIDelta{Role: "assistant", Content: &empty}, nil))
	for _, part := range split(reply.Text) {
		e.event("", chunk(openAIDelta{Content: &part}, nil))
	}
	for i, c := range reply.Calls {
		e.event("", chunk(openAIDelta{ToolCalls: []openAIToolCall{{Index: i, ID: c.ID, Type: "function", Function: openAIFunction{Name: c.Name}}}}, nil))
		for _, part := range split(c.Args) {
			e.event("", chunk(openAIDelta{ToolCalls: []openAIToolCall{{Index: i, Function: openAIFunction{Arguments: part}}}}, nil))
		}
	}
	finish := "stop"
	switch {
	case reply.Truncated:
		finish = "length"
	case len(reply.Calls) > 0:
		finish = "tool_calls"
	}
	e.event("", chunk(openAIDelta{}, &finish))
	usage := &openAIUsage{Prompt: reply.InputTok, Completion: reply.OutputTok, Total: reply.InputTok + reply.OutputTok}
	usage.PromptDetails.Cached = reply.CachedTok
	e.event("", openAIChunk{ID: "chatcmpl-fake", Object: "chat.completion.chunk", Created: 1, Model: req.Model, Choices: []openAIChoice{},
		Usage: usage})
	if !e.stalled {
		_, _ = io.WriteString(w, "data: [DONE]\n\n")
	}
}

func writeAnthropic(w http.ResponseWriter, r *http.Request, req Request, reply Reply) {
	model := req.Model
	stop := "end_turn"
	switch {
	case reply.Truncated:
		stop = "max_tokens"
	case len(reply.Calls) > 0:
		stop = "tool_use"
	}
	w.Header().Set("Content-Type", "text/event-stream")
	e := &sse{w: w, r: r, stall: reply.StallAfter}
	e.event("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_fake", "type": "message", "role": "assistant", "content": []any{}, "model": model,
		"stop_reason": nil, "stop_sequence": nil, "usage": map[string]any{"input_tokens": reply.InputTok - reply.CachedTok - reply.WrittenTok,
			"cache_read_input_tokens": reply.CachedTok, "cache_creation_input_tokens": reply.WrittenTok, "output_tokens": 1}}})
	index := 0
	if reply.Text != "" {
		e.event("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": map[string]any{"type": "text", "text": ""}})
		for _, part := range split(reply.Text) {
			e.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]any{"type": "text_delta", "text": part}})
		}
		e.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	for _, c := range reply.Calls {
		e.event("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": map[string]any{"type": "tool_use", "id": c.ID, "name": c.Name, "input": map[string]any{}}})
		for _, part := range split(c.Args) {
			e.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]any{"type": "input_json_delta", "partial_json": part}})
		}
		e.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	e.event("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": map[string]any{"output_tokens": reply.OutputTok}})
	e.event("message_stop", map[string]any{"type": "message_stop"})
}

// split cuts text in pieces, as streams deliver it.
func split(s string) []string {
	var out []string
	for len(s) > 7 {
		out = append(out, s[:7])
		s = s[7:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// Text is a request's messages as they were sent (JSON, a line each), for answers that
// depend on what the model was told.
func (r Request) Text() string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.Write(m)
		b.WriteByte('\n')
	}
	return b.String()
}
