// Package fakeapi is a TEST DOUBLE of the remote model APIs, and nothing else: local
// HTTP servers that speak the real OpenAI Chat Completions and Anthropic Messages wire
// formats (server-sent-event streams, tool calls, error statuses with retry-after,
// stalled streams), so the official SDKs run unmodified against them.
package fakeapi

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
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
	// FailMidStream, when set, is an error the server sends after the reply's text, and
	// ends the stream with: Anthropic's overloaded_error event, or, in Chat Completions,
	// an error chunk as OpenRouter sends when its provider fails mid-stream.
	FailMidStream string
	Truncated     bool // the reply stops at the output token limit (Text and Calls as cut)
	// StopReason, when set, is the reply's finish_reason (Chat Completions) or
	// stop_reason (Messages): "content_filter", "refusal".
	StopReason string
	// Reasoning is the model's thinking, sent before the reply: in Chat Completions, in
	// the delta field ReasoningField ("reasoning" as Ollama and Groq, or when empty
	// "reasoning_content" as DeepSeek and Kimi; "reasoning_details" as OpenRouter sends
	// Claude's thinking, OpenRouterDetails); in Messages, as a thinking block with a
	// signature. Every later request must bring it back with the reply's calls, as
	// DeepSeek (Chat Completions) and Claude thinking (Messages, the last assistant turn)
	// demand; the server refuses it otherwise.
	Reasoning      string
	ReasoningField string
	// ThoughtSignature goes with the first call in extra_content.google.thought_signature,
	// as Gemini's Chat Completions endpoint sends it, and must come back with that call.
	ThoughtSignature string
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
	withCalls   map[string]Reply // the replies that wanted their reasoning back, by their calls' ids
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
	return start(t, "/v1/chat/completions", answer, (*Server).invalidOpenAIConversation, writeOpenAI)
}

// Anthropic starts a fake Messages server. Its URL ends in "/v1" too; the Anthropic SDK's
// base URL is without it.
func Anthropic(t testing.TB, answer func(Request) Reply) *Server {
	return start(t, "/v1/messages", answer, (*Server).invalidAnthropicConversation, writeAnthropic)
}

// start serves path. A request whose conversation invalid finds wrong is refused with a
// 400 and that message, as the real API refuses it, without asking answer.
func start(t testing.TB, path string, answer func(Request) Reply, invalid func(*Server, Request) (Reply, bool), write func(http.ResponseWriter, *http.Request, Request, Reply)) *Server {
	s := &Server{withCalls: map[string]Reply{}}
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
		reply, refused := invalid(s, req)
		if !refused {
			reply = answer(req)
			s.remember(reply)
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

// OpenRouterDetails is the reasoning_details that OpenRouter streams for a reply's
// Reasoning from Claude, assembled: the thinking's text with its signature, then a
// redacted block. The text streams in parts, the signature comes in a part of its own,
// and the redacted block whole.
func (r Reply) OpenRouterDetails() []map[string]any {
	return []map[string]any{
		{"type": "reasoning.text", "text": r.Reasoning, "signature": signature(r.Reasoning), "format": "anthropic-claude-v1", "index": 0},
		{"type": "reasoning.encrypted", "data": "redacted " + signature(r.Reasoning), "format": "anthropic-claude-v1", "index": 1},
	}
}

// remember keeps a reply whose reasoning or signature must come back with its calls.
func (s *Server) remember(reply Reply) {
	if reply.Reasoning == "" && reply.ThoughtSignature == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range reply.Calls {
		s.withCalls[c.ID] = reply
	}
}

// gaveCall is the reply that gave the call of this id, if it must come back with more.
func (s *Server) gaveCall(id string) (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.withCalls[id]
	return r, ok
}

// invalidOpenAIConversation refuses, with Chat Completions' words, what it refuses: an
// assistant message with neither content nor tool calls, a tool result that does not
// answer a call of the assistant message before it by a non-empty id, and a call sent
// back without the reasoning (DeepSeek's words) or the thought signature (Gemini's) its
// reply came with.
func (s *Server) invalidOpenAIConversation(req Request) (Reply, bool) {
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
				ID           string `json:"id"`
				ExtraContent struct {
					Google struct {
						ThoughtSignature string `json:"thought_signature"`
					} `json:"google"`
				} `json:"extra_content"`
				Function struct {
					Name string `json:"name"`
				} `json:"function"`
			} `json:"tool_calls"`
		}
		_ = json.Unmarshal(raw, &m)
		switch m.Role {
		case "assistant":
			if (len(m.Content) == 0 || string(m.Content) == "null") && len(m.ToolCalls) == 0 {
				return refuse("Invalid value for 'content': expected a string, got null.", fmt.Sprintf("messages.[%d].content", i))
			}
			calls = calls[:0]
			for position, c := range m.ToolCalls {
				calls = append(calls, c.ID)
				gave, ok := s.gaveCall(c.ID)
				if !ok {
					continue
				}
				switch field := cmp.Or(gave.ReasoningField, "reasoning_content"); {
				case gave.Reasoning == "":
				case field == "reasoning_details":
					if !sameJSON(jsonField(raw, field), gave.OpenRouterDetails()) {
						return openRouterRefusal(fmt.Sprintf("messages.%d.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks).", i)), true
					}
				case stringField(raw, field) != gave.Reasoning:
					return refuse(fmt.Sprintf("Missing `%s` field in the assistant message at message index %d. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls", field, i), "")
				}
				if gave.ThoughtSignature != "" && c.ID == gave.Calls[0].ID && c.ExtraContent.Google.ThoughtSignature != gave.ThoughtSignature {
					return refuse(fmt.Sprintf("Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:%s` , position %d. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.", c.Function.Name, position+1), "")
				}
			}
		case "tool":
			if m.ToolCallID == "" || !slices.Contains(calls, m.ToolCallID) {
				return refuse("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", fmt.Sprintf("messages.[%d].role", i))
			}
		}
	}
	return Reply{}, false
}

// stringField is the text of a JSON object's field, "" when it has none.
func stringField(object json.RawMessage, name string) string {
	var text string
	_ = json.Unmarshal(jsonField(object, name), &text)
	return text
}

// jsonField is a JSON object's field, nil when it has none.
func jsonField(object json.RawMessage, name string) json.RawMessage {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(object, &fields)
	return fields[name]
}

// sameJSON reports whether a JSON value is want's encoding, whatever the order of keys.
func sameJSON(got json.RawMessage, want any) bool {
	var a, b any
	encoded, _ := json.Marshal(want)
	return json.Unmarshal(got, &a) == nil && json.Unmarshal(encoded, &b) == nil && reflect.DeepEqual(a, b)
}

// openRouterRefusal is how OpenRouter passes on a provider's refusal (here Anthropic's):
// its own message, and the provider's answer in metadata.raw.
func openRouterRefusal(message string) Reply {
	raw, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]string{"type": "invalid_request_error", "message": message}})
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"message": "Provider returned error", "code": 400,
		"metadata": map[string]any{"raw": string(raw), "provider_name": "Anthropic"}}, "user_id": "user_fake"})
	return Reply{Status: http.StatusBadRequest, Body: string(body)}
}

// invalidAnthropicConversation refuses, with the Messages API's words, what it refuses:
// a tool_result block without a tool_use block of the same id in the message before it,
// a message without content (but a final assistant one), an empty text block (also in
// a tool_result), a message whose text is only whitespace, and a last assistant turn
// with calls of a reply that thought, which does not begin with that thinking.
func (s *Server) invalidAnthropicConversation(req Request) (Reply, bool) {
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
		Thinking  string          `json:"thinking"`
		Signature string          `json:"signature"`
	}
	var previous []string
	lastAssistant := -1
	for i, raw := range req.Messages {
		var m struct {
			Role string `json:"role"`
		}
		if json.Unmarshal(raw, &m) == nil && m.Role == "assistant" {
			lastAssistant = i
		}
	}
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
				if gave, ok := s.gaveCall(b.ID); ok && gave.Reasoning != "" && i == lastAssistant {
					if blocks[0].Type != "thinking" {
						return refuse(fmt.Sprintf("messages.%d.content.0.type: Expected `thinking` or `redacted_thinking`, but found `%s`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking", i, blocks[0].Type))
					}
					if blocks[0].Thinking != gave.Reasoning || blocks[0].Signature != signature(gave.Reasoning) {
						return refuse(fmt.Sprintf("messages.%d.content.0: Invalid `signature` in `thinking` block", i))
					}
				}
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
	Role             string           `json:"role,omitempty"`
	Content          *string          `json:"content,omitempty"`
	ReasoningContent *string          `json:"reasoning_content,omitempty"`
	Reasoning        *string          `json:"reasoning,omitempty"`
	ReasoningDetails []map[string]any `json:"reasoning_details,omitempty"`
	ToolCalls        []openAIToolCall `json:"tool_calls,omitempty"`
}

type openAIToolCall struct {
	Index        int            `json:"index"`
	ID           string         `json:"id,omitempty"`
	Type         string         `json:"type,omitempty"`
	Function     openAIFunction `json:"function"`
	ExtraContent any            `json:"extra_content,omitempty"`
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

// stopReason is why the reply ends, in a wire format's words for a reply that ended by
// itself, was cut at the output limit, or called tools; StopReason when set.
func (r Reply) stopReason(ended, cut, calls string) string {
	switch {
	case r.StopReason != "":
		return r.StopReason
	case r.Truncated:
		return cut
	case len(r.Calls) > 0:
		return calls
	}
	return ended
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
	for _, part := range split(reply.Reasoning) {
		switch reply.ReasoningField {
		case "reasoning":
			e.event("", chunk(openAIDelta{Reasoning: &part}, nil))
		case "reasoning_details": // OpenRouter: the text in both fields
			e.event("", chunk(openAIDelta{Reasoning: &part, ReasoningDetails: []map[string]any{
				{"type": "reasoning.text", "text": part, "format": "anthropic-claude-v1", "index": 0}}}, nil))
		default:
			e.event("", chunk(openAIDelta{ReasoningContent: &part}, nil))
		}
	}
	if reply.Reasoning != "" && reply.ReasoningField == "reasoning_details" {
		details := reply.OpenRouterDetails()
		e.event("", chunk(openAIDelta{ReasoningDetails: []map[string]any{
			{"type": "reasoning.text", "text": "", "signature": details[0]["signature"], "format": "anthropic-claude-v1", "index": 0}}}, nil))
		e.event("", chunk(openAIDelta{ReasoningDetails: details[1:]}, nil))
	}
	for _, part := range split(reply.Text) {
		e.event("", chunk(openAIDelta{Content: &part}, nil))
	}
	if reply.FailMidStream != "" {
		e.event("", map[string]any{"error": map[string]any{"message": reply.FailMidStream, "code": 502},
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": ""}, "finish_reason": "error"}}})
		return
	}
	for i, c := range reply.Calls {
		call := openAIToolCall{Index: i, ID: c.ID, Type: "function", Function: openAIFunction{Name: c.Name}}
		if i == 0 && reply.ThoughtSignature != "" {
			call.ExtraContent = map[string]any{"google": map[string]string{"thought_signature": reply.ThoughtSignature}}
		}
		e.event("", chunk(openAIDelta{ToolCalls: []openAIToolCall{call}}, nil))
		for _, part := range split(c.Args) {
			e.event("", chunk(openAIDelta{ToolCalls: []openAIToolCall{{Index: i, Function: openAIFunction{Arguments: part}}}}, nil))
		}
	}
	finish := reply.stopReason("stop", "length", "tool_calls")
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
	stop := reply.stopReason("end_turn", "max_tokens", "tool_use")
	w.Header().Set("Content-Type", "text/event-stream")
	e := &sse{w: w, r: r, stall: reply.StallAfter}
	e.event("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_fake", "type": "message", "role": "assistant", "content": []any{}, "model": model,
		"stop_reason": nil, "stop_sequence": nil, "usage": map[string]any{"input_tokens": reply.InputTok - reply.CachedTok - reply.WrittenTok,
			"cache_read_input_tokens": reply.CachedTok, "cache_creation_input_tokens": reply.WrittenTok, "output_tokens": 1}}})
	index := 0
	if reply.Reasoning != "" {
		e.event("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": map[string]any{"type": "thinking", "thinking": "", "signature": ""}})
		for _, part := range split(reply.Reasoning) {
			e.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]any{"type": "thinking_delta", "thinking": part}})
		}
		e.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]any{"type": "signature_delta", "signature": signature(reply.Reasoning)}})
		e.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	if reply.Text != "" {
		e.event("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": map[string]any{"type": "text", "text": ""}})
		for _, part := range split(reply.Text) {
			e.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": map[string]any{"type": "text_delta", "text": part}})
		}
		e.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	if reply.FailMidStream != "" {
		e.event("error", map[string]any{"type": "error", "error": map[string]any{"type": "overloaded_error", "message": reply.FailMidStream}})
		return
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

// signature is the double's signature of a thinking block's text.
func signature(thinking string) string {
	sum := sha256.Sum256([]byte(thinking))
	return hex.EncodeToString(sum[:])
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
