package model

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model/fakeapi"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

const secretKey = "sk-test-0123456789abcdef"

// providers returns an OpenAI and an Anthropic provider, each against a fake server
// (a test double of the remote API) that answers with answer.
func providers(t *testing.T, answer func(fakeapi.Request) fakeapi.Reply, opts Options) map[string]struct {
	p   Provider
	srv *fakeapi.Server
} {
	oa := fakeapi.OpenAI(t, answer)
	an := fakeapi.Anthropic(t, answer)
	env := map[string]string{"OPENAI_API_KEY": secretKey, "OPENAI_BASE_URL": oa.URL, "ANTHROPIC_API_KEY": secretKey, "ANTHROPIC_BASE_URL": strings.TrimSuffix(an.URL, "/v1")}
	opts.Getenv = func(k string) string { return env[k] }
	out := map[string]struct {
		p   Provider
		srv *fakeapi.Server
	}{}
	for spec, srv := range map[string]*fakeapi.Server{"openai/gpt-test": oa, "anthropic/claude-test": an} {
		p, err := New(spec, "", opts)
		if err != nil {
			t.Fatal(err)
		}
		out[spec] = struct {
			p   Provider
			srv *fakeapi.Server
		}{p, srv}
	}
	return out
}

var readTool = Tool{Name: "read_file", Description: "read a file",
	Parameters: json.RawMessage(`{"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}`)}

func TestStreamingTextAndToolCalls(t *testing.T) {
	answer := func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "tool_result") || strings.Contains(r.Text(), `"role":"tool"`) {
			return fakeapi.Reply{Text: "The file says hello.", InputTok: 30, OutputTok: 6, CachedTok: 25}
		}
		return fakeapi.Reply{Text: "Let me look.", Calls: []fakeapi.Call{{ID: "call_a", Name: "read_file", Args: `{"path": "main.go"}`}}, InputTok: 20, OutputTok: 9, WrittenTok: 15}
	}
	for spec, c := range providers(t, answer, Options{}) {
		t.Run(spec, func(t *testing.T) {
			req := Request{System: "You are a worker.", Messages: []Message{{Role: "user", Content: "Read main.go"}}, Tools: []Tool{readTool}}
			resp, err := c.p.Complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			calls := resp.Message.ToolCalls
			if resp.Message.Content != "Let me look." || len(calls) != 1 || calls[0].Name != "read_file" || calls[0].ID != "call_a" || calls[0].Arguments != `{"path": "main.go"}` {
				t.Fatalf("response %+v", resp.Message)
			}
			// Anthropic charges more for input written to its prompt cache; OpenAI does not
			// report such writes.
			usage := store.TokenUsage{Input: 20, Output: 9}
			if strings.HasPrefix(spec, "anthropic/") {
				usage.CacheWrite = 15
			}
			if resp.Usage != usage {
				t.Errorf("usage %+v, want %+v", resp.Usage, usage)
			}
			// The tool result goes back; the conversation as the server saw it has the system
			// prompt, the call and the result.
			req.Messages = append(req.Messages, resp.Message, Message{Role: "tool", ToolCallID: "call_a", Content: "hello"})
			resp, err = c.p.Complete(context.Background(), req)
			if err != nil || resp.Message.Content != "The file says hello." || len(resp.Message.ToolCalls) != 0 {
				t.Fatalf("second turn: %+v %v", resp.Message, err)
			}
			// Input read from the provider's prompt cache is counted apart: it costs less.
			if resp.Usage != (store.TokenUsage{Input: 30, Output: 6, Cached: 25}) {
				t.Errorf("usage with a cache read %+v", resp.Usage)
			}
			got := c.srv.Requests()
			last := got[len(got)-1]
			if !last.Stream || !strings.Contains(last.Auth, secretKey) || !strings.Contains(last.Text(), "call_a") || !strings.Contains(last.Text(), "hello") {
				t.Errorf("request as received: stream=%v %s", last.Stream, last.Text())
			}
			body := last.Body
			if !strings.Contains(string(body), "You are a worker.") || !strings.Contains(string(body), `"read_file"`) {
				t.Errorf("system prompt or tools missing: %s", body)
			}
			// The tool's schema, where each API expects it, as the tool defines it.
			var sent struct {
				Tools []struct {
					Function    struct{ Parameters json.RawMessage } `json:"function"`     // OpenAI
					InputSchema json.RawMessage                      `json:"input_schema"` // Anthropic
				} `json:"tools"`
			}
			if err := json.Unmarshal(body, &sent); err != nil || len(sent.Tools) != 1 {
				t.Fatalf("tools as sent: %s (%v)", body, err)
			}
			var want, schema bytes.Buffer
			_ = json.Compact(&want, readTool.Parameters)
			_ = json.Compact(&schema, append(sent.Tools[0].Function.Parameters, sent.Tools[0].InputSchema...))
			if schema.String() != want.String() {
				t.Errorf("schema as sent %s, want %s", schema.String(), want.String())
			}
			// Anthropic caches only up to marked blocks: the system prompt (with the tools
			// before it) and the end of the conversation, which the next turn repeats.
			if strings.HasPrefix(spec, "anthropic/") {
				type block struct {
					Type         string          `json:"type"`
					CacheControl json.RawMessage `json:"cache_control"`
				}
				var marked struct {
					System   []block `json:"system"`
					Messages []struct {
						Content []block `json:"content"`
					} `json:"messages"`
				}
				if err := json.Unmarshal(body, &marked); err != nil || len(marked.System) != 1 || len(marked.Messages) != 3 {
					t.Fatalf("the request as sent: %s (%v)", body, err)
				}
				ephemeral := `{"type":"ephemeral"}`
				final := marked.Messages[2].Content
				if string(marked.System[0].CacheControl) != ephemeral || final[len(final)-1].Type != "tool_result" || string(final[len(final)-1].CacheControl) != ephemeral {
					t.Errorf("cache marks as sent: %s", body)
				}
				if first := marked.Messages[0].Content; len(first[0].CacheControl) != 0 {
					t.Errorf("an earlier message is marked too: %s", body)
				}
			}
		})
	}
}

func TestRetriesHonourRetryAfterAndErrorsHideTheKey(t *testing.T) {
	var calls atomic.Int32
	answer := func(r fakeapi.Request) fakeapi.Reply {
		switch calls.Add(1) % 3 {
		case 1:
			return fakeapi.Reply{Status: http.StatusTooManyRequests, Header: map[string]string{"retry-after": "0"}, Body: `{"error": {"message": "slow down", "type": "rate_limit"}}`}
		case 2:
			return fakeapi.Reply{Status: http.StatusInternalServerError, Body: `{"error": {"message": "oops"}}`}
		}
		return fakeapi.Reply{Text: "ok"}
	}
	for spec, c := range providers(t, answer, Options{}) {
		t.Run(spec, func(t *testing.T) {
			calls.Store(0)
			resp, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
			if err != nil || resp.Message.Content != "ok" || calls.Load() != 3 {
				t.Fatalf("after a 429 and a 500: %+v %v (%d requests)", resp, err, calls.Load())
			}
		})
	}

	// A server that refuses the key and quotes it: the error names the status, not the key.
	refuse := func(r fakeapi.Request) fakeapi.Reply {
		return fakeapi.Reply{Status: http.StatusUnauthorized, Body: `{"error": {"message": "Incorrect API key provided: ` + secretKey + ` (sk-tes...cdef)", "type": "invalid_request_error"}}`}
	}
	for spec, c := range providers(t, refuse, Options{}) {
		t.Run(spec+" unauthorized", func(t *testing.T) {
			_, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
			if err == nil || !strings.Contains(err.Error(), "401") || !strings.HasPrefix(err.Error(), spec) {
				t.Fatalf("error %v", err)
			}
			if strings.Contains(err.Error(), secretKey) || strings.Contains(err.Error(), "cdef") {
				t.Errorf("the key leaked into the error: %v", err)
			}
			if !strings.Contains(err.Error(), "Incorrect API key provided") {
				t.Errorf("the error does not say what the server said: %v", err)
			}
			if !Refused(err) {
				t.Errorf("a refused key is not Refused: %v", err)
			}
		})
	}

	// A gateway whose base URL carries credentials (https://user:token@host/v1): an error
	// that quotes the request's URL (the Anthropic SDK's do), or the gateway's answer that
	// quotes the password, shows neither.
	gateway := func(r fakeapi.Request) fakeapi.Reply {
		return fakeapi.Reply{Status: http.StatusUnauthorized, Body: `{"error": {"message": "bad password gw-pass-5678", "type": "invalid_request_error"}}`}
	}
	oa, an := fakeapi.OpenAI(t, gateway), fakeapi.Anthropic(t, gateway)
	withCredentials := func(u string) string { return strings.Replace(u, "http://", "http://gateway-user:gw-pass-5678@", 1) }
	env := map[string]string{"OPENAI_API_KEY": secretKey, "OPENAI_BASE_URL": withCredentials(oa.URL),
		"ANTHROPIC_API_KEY": secretKey, "ANTHROPIC_BASE_URL": withCredentials(strings.TrimSuffix(an.URL, "/v1"))}
	for _, spec := range []string{"openai/gpt-test", "anthropic/claude-test"} {
		p, err := New(spec, "", Options{Getenv: func(k string) string { return env[k] }})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
		if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "gw-pass-5678") || strings.Contains(err.Error(), "gateway-user") {
			t.Errorf("%s behind a gateway with credentials: %v", spec, err)
		}
	}

	// A server that cannot give the model tools refuses every request of a mission.
	for server, body := range map[string]string{
		"Ollama":    `{"error":{"message":"registry.ollama.ai/library/gemma3:4b does not support tools","type":"api_error","param":null,"code":null}}`,
		"vLLM":      `{"object":"error","message":"\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set","type":"BadRequestError","param":null,"code":400}`,
		"llama.cpp": `{"error":{"code":400,"message":"tools param requires --jinja flag","type":"invalid_request_error"}}`,
	} {
		reply := func(r fakeapi.Request) fakeapi.Reply { return fakeapi.Reply{Status: http.StatusBadRequest, Body: body} }
		c := providers(t, reply, Options{})["openai/gpt-test"]
		if _, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}, Tools: []Tool{readTool}}); !Refused(err) {
			t.Errorf("%s, a model without tools: Refused(%v) = false", server, err)
		}
	}

	// What every request of the model would meet (an unknown model) is a refusal; a
	// request the server finds malformed is that request's problem.
	for status, refused := range map[int]bool{http.StatusNotFound: true, http.StatusBadRequest: false} {
		reply := func(r fakeapi.Request) fakeapi.Reply {
			return fakeapi.Reply{Status: status, Body: `{"error": {"message": "no such thing", "type": "invalid_request_error"}}`}
		}
		for spec, c := range providers(t, reply, Options{}) {
			_, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
			if err == nil || Refused(err) != refused {
				t.Errorf("%s, status %d: Refused(%v) = %v", spec, status, err, Refused(err))
			}
		}
	}
}

// TestErrorAnswersSayWhatTheServerSaid: compatible servers shape their error answers in
// their own ways. Whatever the shape, the error says what the server said, and keeps the
// status that tells a refusal from a server failing.
func TestErrorAnswersSayWhatTheServerSaid(t *testing.T) {
	for _, c := range []struct{ server, body, says string }{
		{"vLLM", `{"object":"error","message":"The model ` + "`x`" + ` does not exist.","type":"NotFoundError","param":null,"code":404}`, "The model `x` does not exist."},
		{"LM Studio", `{"error":"Model 'x' not found. Please load it first."}`, "Model 'x' not found. Please load it first."},
		{"Gemini", `[{"error":{"code":404,"message":"models/x is not found for API version v1beta","status":"NOT_FOUND"}}]`, "models/x is not found for API version v1beta"},
		{"FastAPI", `{"detail":"Not Found"}`, "Not Found"},
		{"Mistral", `{"object":"error","message":{"detail":[{"type":"missing","loc":["body","model"],"msg":"Field required"}]},"type":"invalid_request_error"}`, `"msg":"Field required"`},
		{"a proxy", "<html>\r\n<head><title>Gateway</title></head>\r\n<body><h1>upstream timed out</h1></body></html>", "upstream timed out"},
		{"OpenAI", `{"error":{"message":"The model x does not exist","type":"invalid_request_error","code":"model_not_found"}}`, "The model x does not exist"},
	} {
		for _, status := range []int{http.StatusNotFound, http.StatusBadGateway} {
			reply := func(r fakeapi.Request) fakeapi.Reply { return fakeapi.Reply{Status: status, Body: c.body} }
			for spec, p := range providers(t, reply, Options{MaxRetries: 1}) {
				_, err := p.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
				if err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), fmt.Sprint(status)) {
					t.Errorf("%s, %s's %d: %v, want it to say %q", spec, c.server, status, err, c.says)
				}
				if Refused(err) != (status == http.StatusNotFound) || ServerFailed(err) != (status == http.StatusBadGateway) {
					t.Errorf("%s, %s's %d: Refused %v, ServerFailed %v", spec, c.server, status, Refused(err), ServerFailed(err))
				}
			}
		}
	}
}

// TestAnErrorMidStreamIsTheServers: a server that fails after its stream began sends an
// error event (Anthropic's overloaded_error; OpenRouter's error chunk when its provider
// drops the reply), with the stream's 200. That is the server failing, as a 5xx is: the
// error says what it said, and ServerFailed, so a worker's run is interrupted rather
// than failed; a context overflow told so is TooLarge instead.
func TestAnErrorMidStreamIsTheServers(t *testing.T) {
	for _, c := range []struct {
		said     string
		tooLarge bool
	}{
		{"Overloaded", false},
		{"prompt is too long: 210000 tokens, the maximum is 200000", true},
	} {
		for spec, p := range providers(t, func(fakeapi.Request) fakeapi.Reply {
			return fakeapi.Reply{Text: "Let me", FailMidStream: c.said}
		}, Options{}) {
			_, err := p.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
			if err == nil || !strings.Contains(err.Error(), c.said) || ServerFailed(err) == c.tooLarge || TooLarge(err) != c.tooLarge || Refused(err) {
				t.Errorf("%s, %q mid-stream: %v: ServerFailed %v, TooLarge %v, Refused %v", spec, c.said, err, ServerFailed(err), TooLarge(err), Refused(err))
			}
		}
	}
}

// TestARoutersErrorSaysWhatTheProviderSaid: OpenRouter answers a provider's refusal
// with "Provider returned error" and puts the provider's answer in metadata.raw, as
// its JSON in a string, as plain text, or as an object. The error says what the
// provider said, and what the provider said is acted on (Mistral behind the router).
func TestARoutersErrorSaysWhatTheProviderSaid(t *testing.T) {
	routed := func(raw string) string {
		return `{"error":{"message":"Provider returned error","code":400,"metadata":{"raw":` + raw + `,"provider_name":"Anthropic"}},"user_id":"user_1"}`
	}
	for raw, says := range map[string]string{
		`"{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}"`: "Provider returned error (Anthropic: prompt is too long: 210000 tokens > 200000 maximum)",
		`"the upstream is temporarily rate-limited; retry shortly"`:                                                                                "Provider returned error (Anthropic: the upstream is temporarily rate-limited; retry shortly)",
		`{"error":{"message":"tools: Input should be a valid list"}}`:                                                                              "Provider returned error (Anthropic: tools: Input should be a valid list)",
	} {
		c := providers(t, func(fakeapi.Request) fakeapi.Reply {
			return fakeapi.Reply{Status: http.StatusBadRequest, Body: routed(raw)}
		}, Options{})["openai/gpt-test"]
		_, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("metadata.raw %s: %v, want it to say %q", raw, err, says)
		}
	}

	var refused atomic.Int32
	c := providers(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(roles(r), "tool user") {
			refused.Add(1)
			return fakeapi.Reply{Status: http.StatusBadRequest, Body: routed(`"{\"object\":\"error\",\"message\":\"Unexpected role 'user' after role 'tool'\",\"type\":\"invalid_request_message_order\"}"`)}
		}
		return fakeapi.Reply{Text: "ok"}
	}, Options{})["openai/gpt-test"]
	resp, err := c.p.Complete(context.Background(), Request{Messages: []Message{
		{Role: "user", Content: "write a.go"},
		{Role: "assistant", ToolCalls: []ToolCall{{ID: "c1", Name: "finish", Arguments: "{}"}}},
		{Role: "tool", ToolCallID: "c1", Content: "finished"},
		{Role: "user", Content: "fix a.go"},
	}})
	if err != nil || resp.Message.Content != "ok" || refused.Load() != 1 {
		t.Errorf("Mistral behind the router: %+v %v, refused %d times", resp, err, refused.Load())
	}
}

// TestAServerThatRefusesStreamOptionsIsAskedWithout: Mistral's API refuses the
// stream_options that ask for the usage at a stream's end (a 422, its message an
// object). The request goes again without them, and later requests leave them out.
func TestAServerThatRefusesStreamOptionsIsAskedWithout(t *testing.T) {
	var refused atomic.Int32
	c := providers(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(string(r.Body), `"stream_options"`) {
			refused.Add(1)
			return fakeapi.Reply{Status: http.StatusUnprocessableEntity, Body: `{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted","input":true}]},"type":"invalid_request_error","param":null,"code":null}`}
		}
		return fakeapi.Reply{Text: "ok", InputTok: 10, OutputTok: 2}
	}, Options{})["openai/gpt-test"]
	for range 2 {
		resp, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
		if err != nil || resp.Message.Content != "ok" || resp.Usage.Input != 10 {
			t.Fatalf("%+v %v", resp, err)
		}
	}
	if refused.Load() != 1 {
		t.Errorf("stream_options were refused %d times, want once", refused.Load())
	}
}

// TestAServerThatWantsTheAssistantAfterToolResultsGetsIt: Mistral's API refuses a user
// message right after tool results (the lint gate's feedback after a worker's finish).
// The request goes again with an assistant turn between, and later requests have it
// from the start.
func TestAServerThatWantsTheAssistantAfterToolResultsGetsIt(t *testing.T) {
	var refused atomic.Int32
	var sent atomic.Value
	c := providers(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(roles(r), "tool user") {
			refused.Add(1)
			return fakeapi.Reply{Status: http.StatusBadRequest, Body: `{"object":"error","message":"Unexpected role 'user' after role 'tool'","type":"invalid_request_message_order","param":null,"code":"3230"}`}
		}
		sent.Store(roles(r))
		return fakeapi.Reply{Text: "ok"}
	}, Options{})["openai/gpt-test"]
	conversation := []Message{
		{Role: "user", Content: "write a.go"},
		{Role: "assistant", ToolCalls: []ToolCall{{ID: "c1", Name: "finish", Arguments: `{"summary": "done"}`}}},
		{Role: "tool", ToolCallID: "c1", Content: "finished"},
		{Role: "user", Content: "a.go:3:1: syntax error; fix it"},
	}
	for range 2 {
		resp, err := c.p.Complete(context.Background(), Request{Messages: conversation})
		if err != nil || resp.Message.Content != "ok" {
			t.Fatalf("%+v %v", resp, err)
		}
	}
	if got := sent.Load(); refused.Load() != 1 || got != "user assistant tool assistant user" {
		t.Errorf("refused %d times, then sent %v", refused.Load(), got)
	}
}

// roles are the roles of a request's messages, in order.
func roles(r fakeapi.Request) string {
	var out []string
	for _, raw := range r.Messages {
		var m struct{ Role string }
		_ = json.Unmarshal(raw, &m)
		out = append(out, m.Role)
	}
	return strings.Join(out, " ")
}

// TestAReplyCutOffAtTheOutputLimitSaysSo: the server stops a reply at the output token
// limit in the middle of a tool call (Chat Completions' finish_reason "length",
// Messages' stop_reason "max_tokens"). The response says it is truncated, with the cut
// arguments as they came (the Anthropic SDK empties them to {}: without the flag the
// call would look complete); a reply that ends by itself does not.
func TestAReplyCutOffAtTheOutputLimitSaysSo(t *testing.T) {
	const cut = `{"path": "big.go", "content": "package big\n\nfunc`
	answer := func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "whole") {
			return fakeapi.Reply{Truncated: true, Calls: []fakeapi.Call{{ID: "call_w", Name: "write_file", Args: cut}}}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "call_w", Name: "write_file", Args: `{"path": "big.go", "content": "package big\n"}`}}}
	}
	for spec, c := range providers(t, answer, Options{}) {
		args := cut
		if strings.HasPrefix(spec, "anthropic/") {
			args = "{}"
		}
		resp, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "write the whole file"}}})
		if err != nil || !resp.Truncated || len(resp.Message.ToolCalls) != 1 || resp.Message.ToolCalls[0].Arguments != args {
			t.Errorf("%s: cut reply %+v, %v", spec, resp, err)
		}
		resp, err = c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "write a short file"}}})
		if err != nil || resp.Truncated {
			t.Errorf("%s: a reply that ended by itself %+v, %v", spec, resp, err)
		}
	}
}

// TestAUsedUpQuotaIsToldFromARateLimit: OpenAI answers an account without quota with a
// 429 "insufficient_quota", Anthropic an empty balance with a 400 or a billing_error.
// Each is QuotaExhausted, which waiting does not lift, and not RateLimited, and is not
// retried; a rate limit and a request the server finds malformed are not QuotaExhausted.
func TestAUsedUpQuotaIsToldFromARateLimit(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		quota  string // the provider whose answer this is ("": both)
	}{
		{http.StatusTooManyRequests, `{"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}`, "openai/"},
		{http.StatusBadRequest, `{"type": "error", "error": {"type": "invalid_request_error", "message": "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}`, "anthropic/"},
		{http.StatusPaymentRequired, `{"type": "error", "error": {"type": "billing_error", "message": "There is an issue with your billing."}}`, ""},
		{http.StatusTooManyRequests, `{"error": {"message": "Rate limit reached for requests", "type": "rate_limit_error", "code": "rate_limit_exceeded"}}`, "none"},
		{http.StatusBadRequest, `{"error": {"message": "context length exceeded", "type": "invalid_request_error"}}`, "none"},
	} {
		answer := func(r fakeapi.Request) fakeapi.Reply {
			return fakeapi.Reply{Status: c.status, Header: map[string]string{"retry-after": "0"}, Body: c.body}
		}
		for spec, p := range providers(t, answer, Options{MaxRetries: 1}) {
			_, err := p.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
			quota := strings.HasPrefix(spec, c.quota)
			if err == nil || QuotaExhausted(err) != quota {
				t.Errorf("%s, status %d, %s: QuotaExhausted(%v) = %v, want %v", spec, c.status, c.body, err, QuotaExhausted(err), quota)
			}
			limited := c.status == http.StatusTooManyRequests && !quota
			if RateLimited(err) != limited {
				t.Errorf("%s, status %d, %s: RateLimited(%v) = %v, want %v", spec, c.status, c.body, err, RateLimited(err), limited)
			}
			if n := len(p.srv.Requests()); n != retriedIf(limited) {
				t.Errorf("%s, status %d, %s: %d requests, want %d", spec, c.status, c.body, n, retriedIf(limited))
			}
		}
	}
}

// retriedIf is how many requests a call with one retry makes: two when its refusal is a
// rate limit that waiting may lift, one when it is not (a used-up quota, a request too
// large, any other refusal).
func retriedIf(rateLimited bool) int {
	if rateLimited {
		return 2
	}
	return 1
}

// TestARequestTooLargeIsToldApart: a request longer than the model's context (OpenAI's
// context_length_exceeded, a compatible server's "maximum context length", Anthropic's
// "prompt is too long", also behind OpenRouter, Gemini's, llama.cpp's and LM Studio's
// words, LM Studio's also mid-stream) or than the key's tokens per minute (OpenAI's 429
// "Request too large") is TooLarge, which a smaller request may pass, and not a rate
// limit to wait out nor retried as one (llama.cpp answers with a 500).
func TestARequestTooLargeIsToldApart(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		large  string // the provider whose answer this is ("": both)
	}{
		{http.StatusBadRequest, `{"error": {"message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}`, ""},
		{http.StatusTooManyRequests, `{"error": {"message": "Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 45000.", "type": "tokens", "code": "rate_limit_exceeded"}}`, "openai/"},
		{http.StatusBadRequest, `{"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 210000 tokens > 200000 maximum"}}`, ""},
		{http.StatusRequestEntityTooLarge, `{"error": {"message": "request entity too large"}}`, ""},
		{http.StatusBadRequest, `{"error":{"message":"Provider returned error","code":400,"metadata":{"raw":"{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}","provider_name":"Anthropic"}}}`, ""},
		{http.StatusBadRequest, `[{"error":{"code":400,"message":"The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}]`, ""},
		{http.StatusInternalServerError, `{"error":{"code":500,"message":"the request exceeds the available context size. try increasing the context size or enable context shift","type":"exceed_context_size_error","n_prompt_tokens":1407,"n_ctx":256}}`, "openai/"},
		{http.StatusBadRequest, `{"error":"Trying to keep the first 10136 tokens when context the overflows. However, the model is loaded with context length of only 7866 tokens, which is not enough."}`, ""},
		{http.StatusTooManyRequests, `{"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}}`, "none"},
	} {
		answer := func(r fakeapi.Request) fakeapi.Reply {
			return fakeapi.Reply{Status: c.status, Header: map[string]string{"retry-after": "0"}, Body: c.body}
		}
		for spec, p := range providers(t, answer, Options{MaxRetries: 1}) {
			_, err := p.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
			large := strings.HasPrefix(spec, c.large)
			if err == nil || TooLarge(err) != large || large && RateLimited(err) {
				t.Errorf("%s, status %d, %s: TooLarge = %v, RateLimited = %v (%v)", spec, c.status, c.body, TooLarge(err), RateLimited(err), err)
			}
			if n, want := len(p.srv.Requests()), retriedIf((c.status == http.StatusTooManyRequests || c.status >= 500) && !large); n != want {
				t.Errorf("%s, status %d, %s: %d requests, want %d", spec, c.status, c.body, n, want)
			}
		}
	}
	for _, event := range []string{ // LM Studio's, with a 200, as `event: error`
		`{"error":{"message":"Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens."},"message":"Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens."}`,
		`{"error":{"message":"Context size has been exceeded."}}`,
	} {
		var lmStudio chunkAccumulator
		if err := secretsOf(secretKey, "").redact("openai/qwen", lmStudio.add([]byte(event))); !TooLarge(err) {
			t.Errorf("an overflow told mid-stream: TooLarge = false (%v)", err)
		}
	}
}

// TestAnAnthropicRequestAsksForNoMoreThanTheModelAllows: a server that refuses the
// request's max_tokens says what it allows. The model's output limit (Anthropic's
// words for Claude 3 Haiku, DeepSeek's, Qwen's DashScope's) is asked for at once and by
// every later request; the room an input leaves in the context window is asked for by
// that request only, and too little room is a request too large, which the session
// shrinks.
func TestAnAnthropicRequestAsksForNoMoreThanTheModelAllows(t *testing.T) {
	refusal := func(message string) string {
		return `{"type":"error","error":{"type":"invalid_request_error","message":"` + message + `"}}`
	}
	for _, c := range []struct {
		name    string
		allowed int
		said    string
		want    []int // max_tokens of the requests of two calls
		fails   bool  // the first call fails, TooLarge
	}{
		{"Anthropic's output limit", 4096, "max_tokens: 8192 > 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307", []int{8192, 4096, 4096}, false},
		{"through a proxy that escapes >", 4096, `max_tokens: 8192 \u003e 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307`, []int{8192, 4096, 4096}, false},
		{"DeepSeek's", 4000, "Invalid max_tokens value, the valid range of max_tokens is [1, 4000]", []int{8192, 4000, 4000}, false},
		{"DashScope's", 6000, "<400> InternalError.Algo.InvalidParameter: Range of max_tokens should be [1, 6000]", []int{8192, 6000, 6000}, false},
		{"the context window's room", 5000, "input length and `max_tokens` exceed context limit: 195000 + 8192 > 200000, decrease input length or `max_tokens` and try again", []int{8192, 5000, 8192, 5000}, false},
		{"too little room", 1000, "input length and `max_tokens` exceed context limit: 199000 + 8192 > 200000, decrease input length or `max_tokens` and try again", []int{8192, 8192}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.Anthropic(t, func(r fakeapi.Request) fakeapi.Reply {
				var asked struct {
					MaxTokens int `json:"max_tokens"`
				}
				if json.Unmarshal(r.Body, &asked) != nil || asked.MaxTokens > c.allowed {
					return fakeapi.Reply{Status: http.StatusBadRequest, Body: refusal(c.said)}
				}
				return fakeapi.Reply{Text: "ok"}
			})
			env := map[string]string{"ANTHROPIC_API_KEY": secretKey, "ANTHROPIC_BASE_URL": strings.TrimSuffix(srv.URL, "/v1")}
			p, err := New("anthropic/claude-test", "", Options{Getenv: func(k string) string { return env[k] }, MaxRetries: 1})
			if err != nil {
				t.Fatal(err)
			}
			for call := range 2 {
				resp, err := p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
				if c.fails {
					if err == nil || !TooLarge(err) {
						t.Errorf("call %d: %v, want a request too large", call, err)
					}
				} else if err != nil || resp.Message.Content != "ok" {
					t.Errorf("call %d: %+v %v", call, resp, err)
				}
			}
			var asked []int
			for _, r := range srv.Requests() {
				var body struct {
					MaxTokens int `json:"max_tokens"`
				}
				_ = json.Unmarshal(r.Body, &body)
				asked = append(asked, body.MaxTokens)
			}
			if !slices.Equal(asked, c.want) {
				t.Errorf("max_tokens asked: %v, want %v", asked, c.want)
			}
		})
	}
}

// TestAServerNobodyCanReachIsUnreachable: nothing listens at the base URL, or its host
// does not exist: after the retries, each provider's error is Unreachable and says what
// the dial met. A request cancelled before it went out is not.
func TestAServerNobodyCanReachIsUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()
	for base, says := range map[string]string{down: "connection refused", "http://no-such-host.invalid": "lookup no-such-host.invalid"} {
		env := map[string]string{"OPENAI_API_KEY": secretKey, "OPENAI_BASE_URL": base + "/v1", "ANTHROPIC_API_KEY": secretKey, "ANTHROPIC_BASE_URL": base, "OLLAMA_BASE_URL": base + "/v1"}
		for _, spec := range []string{"openai/gpt-test", "anthropic/claude-test", "ollama/qwen-test"} {
			t.Run(spec+" at "+base, func(t *testing.T) {
				t.Parallel() // each waits out the SDK's backoff before its retry
				p, err := New(spec, "", Options{Getenv: func(k string) string { return env[k] }, MaxRetries: 1})
				if err != nil {
					t.Fatal(err)
				}
				req := Request{Messages: []Message{{Role: "user", Content: "hi"}}}
				if _, err := p.Complete(context.Background(), req); !Unreachable(err) || Refused(err) || !strings.Contains(err.Error(), says) {
					t.Errorf("Unreachable(%v) = %v", err, Unreachable(err))
				}
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				if _, err := p.Complete(ctx, req); err == nil || Unreachable(err) {
					t.Errorf("cancelled: Unreachable(%v) = %v", err, Unreachable(err))
				}
			})
		}
	}
}

func TestMalformedToolArgumentsAndStalledStreams(t *testing.T) {
	answer := func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "stall") {
			return fakeapi.Reply{Text: "I will now go quiet", StallAfter: true}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{{ID: "call_b", Name: "write_file", Args: `{"path": "a.go", "content": "unterminated`}}}
	}
	for spec, c := range providers(t, answer, Options{StallTimeout: 300 * time.Millisecond}) {
		t.Run(spec, func(t *testing.T) {
			// The call comes through for the session to answer with a tool error: OpenAI's
			// with the arguments as written, Anthropic's emptied to {} by its SDK.
			resp, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "write"}}})
			if err != nil || len(resp.Message.ToolCalls) != 1 {
				t.Fatalf("a malformed call: %+v %v", resp, err)
			}
			args := resp.Message.ToolCalls[0].Arguments
			if strings.HasPrefix(spec, "openai/") && json.Valid([]byte(args)) || strings.HasPrefix(spec, "anthropic/") && args != "{}" {
				t.Errorf("arguments %q", args)
			}
			_, err = c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "stall"}}})
			if err == nil || !strings.Contains(err.Error(), "stalled") || !Silent(err) || !ServerFailed(err) {
				t.Fatalf("stalled stream: %v", err)
			}
		})
	}
}

func TestAModelIsGivenLongerForItsFirstEventThanBetweenEvents(t *testing.T) {
	// Test double of a reasoning model (or a local one reading a long prompt): silent for
	// a while after the request, which is far longer than the stall allowed between events.
	const thinking = 400 * time.Millisecond
	answer := func(r fakeapi.Request) fakeapi.Reply {
		<-time.After(thinking)
		return fakeapi.Reply{Text: "thought it through"}
	}
	for spec, c := range providers(t, answer, Options{StallTimeout: thinking / 8}) {
		t.Run(spec, func(t *testing.T) {
			resp, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "think"}}})
			if err != nil || resp.Message.Content != "thought it through" {
				t.Fatalf("a model that thinks first: %+v %v", resp, err)
			}
		})
	}

	// One that never starts its answer is given up on, and the error says what waits longer.
	silent := make(chan struct{})
	never := func(r fakeapi.Request) fakeapi.Reply {
		<-silent
		return fakeapi.Reply{Text: "too late"}
	}
	servers := providers(t, never, Options{FirstTokenTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { close(silent) }) // before the servers close, which waits for their handlers
	for spec, c := range servers {
		t.Run(spec+"/silent", func(t *testing.T) {
			_, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "think"}}})
			if err == nil || !strings.Contains(err.Error(), "sent nothing in the 100ms after the request (limits.firstTokenSeconds in .opencode/orchestrator.json waits longer)") ||
				!Silent(err) || !ServerFailed(err) {
				t.Fatalf("a model that never answers: %v", err)
			}
		})
	}
}

func TestCancellationEndsACall(t *testing.T) {
	received := make(chan struct{}, 1)
	answer := func(r fakeapi.Request) fakeapi.Reply {
		received <- struct{}{}
		return fakeapi.Reply{Text: "slow", StallAfter: true}
	}
	for spec, c := range providers(t, answer, Options{}) {
		t.Run(spec, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := c.p.Complete(ctx, Request{Messages: []Message{{Role: "user", Content: "hi"}}})
				done <- err
			}()
			<-received // the request reached the server
			cancel()
			if err := <-done; err == nil || !strings.Contains(err.Error(), "context canceled") {
				t.Fatalf("cancelled call: %v", err)
			}
		})
	}
}

func TestNewExplainsBadModelStrings(t *testing.T) {
	none := Options{Getenv: func(string) string { return "" }}
	for spec, want := range map[string]string{
		"gpt-4":           "want provider/model",
		"openai/gpt-4.1":  "OPENAI_API_KEY is not set",
		"anthropic/x":     "ANTHROPIC_API_KEY is not set (nor ANTHROPIC_AUTH_TOKEN",
		"mistral/large":   `unknown provider "mistral"`,
		"scripted/nofile": "no such file",
	} {
		if _, err := New(spec, t.TempDir(), none); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", spec, err, want)
		}
	}
	if p, err := New("ollama/qwen2.5-coder:14b", "", none); err != nil || p.Name() != "ollama/qwen2.5-coder:14b" {
		t.Errorf("ollama needs no key: %v", err)
	}
}

// TestAnAnthropicEndpointTakesABearerToken: an Anthropic-format endpoint set up as for
// Claude Code (OpenRouter's, Moonshot's) has its key in ANTHROPIC_AUTH_TOKEN, sent as a
// bearer token, not as x-api-key. The token is a key like the others: errors redact it
// and the commands a mission runs do not see it.
func TestAnAnthropicEndpointTakesABearerToken(t *testing.T) {
	t.Setenv("ANTHROPIC_API_KEY", "") // the SDK's own defaults would send one from the environment
	srv := fakeapi.Anthropic(t, func(fakeapi.Request) fakeapi.Reply {
		return fakeapi.Reply{Status: http.StatusUnauthorized, Body: `{"type":"error","error":{"type":"authentication_error","message":"invalid token ` + secretKey + `"}}`}
	})
	env := map[string]string{"ANTHROPIC_AUTH_TOKEN": secretKey, "ANTHROPIC_BASE_URL": strings.TrimSuffix(srv.URL, "/v1")}
	p, err := New("anthropic/kimi-k2", "", Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}})
	if auth := srv.Requests()[0].Auth; auth != "Bearer "+secretKey {
		t.Errorf("the request's credentials: %q, want the token as a bearer token alone", auth)
	}
	if err == nil || !Refused(err) || strings.Contains(err.Error(), secretKey[len(secretKey)-4:]) {
		t.Errorf("a refused token: %v", err)
	}
	kept := WithoutKeys([]string{"ANTHROPIC_AUTH_TOKEN=" + secretKey, "ANTHROPIC_API_KEY=k", "OPENAI_API_KEY=k", "ANTHROPIC_BASE_URL=http://x",
		"OPENAI_BASE_URL=https://gateway-user:gw-pass-5678@gateway/v1", "OLLAMA_BASE_URL=http://token-only@ollama:11434/v1", "PATH=/bin"})
	if !slices.Equal(kept, []string{"ANTHROPIC_BASE_URL=http://x", "PATH=/bin"}) {
		t.Errorf("the commands' environment: %q", kept)
	}
}

// TestConcurrentSessionsKeepTheirConnections: eight sessions, all in flight together,
// make three calls each through one provider: every call after the first of each reuses
// its connection (the fake API, a test double, counts them), for both APIs.
func TestConcurrentSessionsKeepTheirConnections(t *testing.T) {
	const sessions, calls = 8, 3
	var arrived atomic.Int32
	var rounds []chan struct{}
	answer := func(fakeapi.Request) fakeapi.Reply {
		n := int(arrived.Add(1))
		round := (n - 1) / sessions
		if n%sessions == 0 {
			close(rounds[round]) // every session's call of this round is in flight
		}
		<-rounds[round]
		return fakeapi.Reply{Text: "ok"}
	}
	for spec, c := range providers(t, answer, Options{}) {
		arrived.Store(0)
		rounds = make([]chan struct{}, calls)
		for i := range rounds {
			rounds[i] = make(chan struct{})
		}
		errs := make(chan error, sessions)
		for range sessions {
			go func() {
				for range calls {
					if _, err := c.p.Complete(context.Background(), Request{Messages: []Message{{Role: "user", Content: "hi"}}}); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range sessions {
			if err := <-errs; err != nil {
				t.Fatalf("%s: %v", spec, err)
			}
		}
		if got := c.srv.Connections(); got > sessions {
			t.Errorf("%s: %d calls opened %d connections, want at most %d", spec, sessions*calls, got, sessions)
		}
	}
}

func TestScriptedReplaysByRoleAndItem(t *testing.T) {
	dir := t.TempDir()
	script := `{"turns": [
		{"role": "worker", "item": "T2", "content": "T2 first"},
		{"role": "planner", "calls": [{"tool": "write_plan", "args": {"markdown": "- [ ] T1: x"}}]},
		{"role": "worker", "content": "any worker"},
		{"role": "worker", "item": "T2", "calls": [{"tool": "finish", "args": {"summary": "done"}}]}
	]}`
	if err := os.WriteFile(filepath.Join(dir, "script.json"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := New("scripted/script.json", dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ask := func(role, item string) (Response, error) {
		return p.Complete(context.Background(), Request{Role: role, Item: item, Messages: []Message{{Role: "user", Content: "go"}}})
	}
	steps := []struct{ role, item, want string }{
		{"worker", "T1", "any worker"},
		{"worker", "T2", "T2 first"},
		{"planner", "", "write_plan"},
		{"worker", "T2", "finish"},
	}
	for _, s := range steps {
		resp, err := ask(s.role, s.item)
		if err != nil {
			t.Fatal(err)
		}
		got := resp.Message.Content
		if len(resp.Message.ToolCalls) > 0 {
			got = resp.Message.ToolCalls[0].Name
		}
		if got != s.want || resp.Usage.Input == 0 {
			t.Errorf("%s %s: %q (usage %+v), want %q", s.role, s.item, got, resp.Usage, s.want)
		}
	}
	if _, err := ask("worker", "T3"); err == nil || !strings.Contains(err.Error(), "no turn left for the worker T3") {
		t.Errorf("an exhausted script: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"turns": [{"role": "worker", "reply": "x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New("scripted/bad.json", dir, Options{}); err == nil || !strings.Contains(err.Error(), `unknown field "reply"`) {
		t.Errorf("a script with a typo: %v", err)
	}
}

// Chunks as OpenAI-compatible servers stream them: a reply's parallel tool calls may
// arrive interleaved, a name in pieces, the usage in a last chunk without choices.
func TestStreamedChunksAssembleByToolCallIndex(t *testing.T) {
	var acc chunkAccumulator
	for _, raw := range []string{
		`{"choices":[{"index":0,"delta":{"role":"assistant","content":"Writing "}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"both.","tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"write_","arguments":""}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"finish","arguments":"{\"summ"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"file","arguments":"{\"path\":\"a.go\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"ary\":\"ok\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{"choices":[],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150}}`,
	} {
		if err := acc.add([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	got := acc.response()
	want := Response{Message: Message{Role: "assistant", Content: "Writing both.", ToolCalls: []ToolCall{
		{ID: "call_a", Name: "write_file", Arguments: `{"path":"a.go"}`},
		{ID: "call_b", Name: "finish", Arguments: `{"summary":"ok"}`},
	}}, Usage: store.TokenUsage{Input: 120, Output: 30}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("assembled\n%+v\nwant\n%+v", got, want)
	}

	// A server that numbers every call 0, each with its own id, sends separate calls; one
	// that sends the name again with every part of the arguments, one name.
	var zeros chunkAccumulator
	for _, raw := range []string{
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","function":{"name":"read_file","arguments":"{\"path\":\"a.go\"}"}},{"index":0,"id":"call_b","function":{"name":"read_file","arguments":"{\"path\":\"b.go\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_c","function":{"name":"finish","arguments":"{\"summ"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"finish","arguments":"ary\":\"ok\"}"}}]}}]}`,
	} {
		if err := zeros.add([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := zeros.response().Message.ToolCalls, []ToolCall{
		{ID: "call_a", Name: "read_file", Arguments: `{"path":"a.go"}`},
		{ID: "call_b", Name: "read_file", Arguments: `{"path":"b.go"}`},
		{ID: "call_c", Name: "finish", Arguments: `{"summary":"ok"}`},
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls all numbered 0, a name sent twice:\n%+v\nwant\n%+v", got, want)
	}

	// Without ids or indexes, a call whose arguments are whole ends where a delta names a
	// tool and begins another object, in the same chunk or the next; a part of the
	// arguments that begins with a brace, the name sent again with it, continues its call,
	// and so does the name sent again with nothing.
	var bare chunkAccumulator
	for _, raw := range []string{
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"read_file","arguments":"{\"path\":\"a.go\"}"}},{"function":{"name":"read_file","arguments":"{\"path\":\"b.go\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"write_file","arguments":"{\"path\":\"c.go\",\"content\":\"func f() "}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"write_file","arguments":"{}\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"finish","arguments":" {\"summary\":\"ok\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"finish","arguments":""}}]},"finish_reason":"tool_calls"}]}`,
	} {
		if err := bare.add([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := bare.response().Message.ToolCalls, []ToolCall{
		{Name: "read_file", Arguments: `{"path":"a.go"}`},
		{Name: "read_file", Arguments: `{"path":"b.go"}`},
		{Name: "write_file", Arguments: `{"path":"c.go","content":"func f() {}"}`},
		{Name: "finish", Arguments: ` {"summary":"ok"}`},
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls without ids or indexes:\n%+v\nwant\n%+v", got, want)
	}

	// Thinking is kept in the field it came in; a server's reasoning that is not text (an
	// extension this reader does not know) fails nothing.
	var thinking chunkAccumulator
	for _, raw := range []string{
		`{"choices":[{"index":0,"delta":{"reasoning_content":"Read a.go ","reasoning":null}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_content":"first.","reasoning":{"summary":[]}}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","function":{"name":"read_file","arguments":"{}"},"extra_content":{"google":{"thought_signature":"sig"}}}]}}]}`,
	} {
		if err := thinking.add([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	// OpenRouter's reasoning_details: a text in parts up to its signature (Claude's
	// interleaved thinking has two blocks, each signed), other details whole, and a
	// details field that is not a list left alone.
	var details chunkAccumulator
	for _, raw := range []string{
		`{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","text":"Read ","format":"anthropic-claude-v1","index":0}]}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","text":"a.go.","index":0}]}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","text":"","signature":"s1","index":0}]}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","text":"Then b.go.","signature":null,"index":1}]}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","signature":"s2","format":"anthropic-claude-v1","index":1}]}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.encrypted","data":"x","index":2}]}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_details":{"type":"reasoning.text"}}}]}`,
	} {
		if err := details.add([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	var kept struct {
		ReasoningDetails []map[string]any `json:"reasoning_details"`
	}
	if err := json.Unmarshal(details.response().Message.Reasoning, &kept); err != nil {
		t.Fatal(err)
	}
	if want := []map[string]any{
		{"type": "reasoning.text", "text": "Read a.go.", "signature": "s1", "format": "anthropic-claude-v1", "index": 0.0},
		{"type": "reasoning.text", "text": "Then b.go.", "signature": "s2", "format": "anthropic-claude-v1", "index": 1.0},
		{"type": "reasoning.encrypted", "data": "x", "index": 2.0},
	}; !reflect.DeepEqual(kept.ReasoningDetails, want) {
		t.Errorf("reasoning_details kept as %v, want %v", kept.ReasoningDetails, want)
	}
	var refusal chunkAccumulator
	for _, raw := range []string{
		`{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":"I'm sorry, "}}]}`,
		`{"choices":[{"index":0,"delta":{"refusal":"I can't help with that."},"finish_reason":"stop"}]}`,
	} {
		if err := refusal.add([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	if got := refusal.response().Refused; got != "I'm sorry, I can't help with that." {
		t.Errorf("a refusal's text: %q", got)
	}
	if got := thinking.response().Message; string(got.Reasoning) != `{"reasoning_content":"Read a.go first."}` ||
		string(got.ToolCalls[0].Extra) != `{"extra_content":{"google":{"thought_signature":"sig"}}}` {
		t.Errorf("thinking kept as %s, the call's extra content as %s", got.Reasoning, got.ToolCalls[0].Extra)
	}

	var tooMany []string
	for i := range maxToolCallsAReply + 1 {
		tooMany = append(tooMany, fmt.Sprintf(`{"index":%d,"id":"c%d","function":{"name":"f"}}`, i*1000000, i))
	}
	for raw, want := range map[string]string{
		`{"choices":[{"index":0,"delta":{"tool_calls":[` + strings.Join(tooMany, ",") + `]}}]}`: "more than 128 tool calls",
		`{"error":{"message":"overloaded","type":"server_error"}}`:                              "received error while streaming: overloaded",
		`{"error":{"message":"Provider returned error","code":502,"metadata":{"raw":"Overloaded","provider_name":"Anthropic"}},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}`: "received error while streaming: Provider returned error (Anthropic: Overloaded)",
		`<html>502 Bad Gateway</html>`: "not JSON",
	} {
		if err := (&chunkAccumulator{}).add([]byte(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("chunk %s: %v, want %q", raw, err, want)
		}
	}
	endless := []byte(`{"choices":[{"index":0,"delta":{"content":"` + strings.Repeat("x", maxReplyBytes/4+1) + `"}}]}`)
	var long chunkAccumulator
	var err error
	for i := 0; i < 4 && err == nil; i++ {
		err = long.add(endless)
	}
	if err == nil || !strings.Contains(err.Error(), "over 8 MiB") {
		t.Fatalf("a reply over the bound: %v", err)
	}
}
