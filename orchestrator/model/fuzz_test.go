package model

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzChunkAccumulator: whatever events a Chat Completions stream sends (one per line
// here), assembling them gives a reply within the bounds or an error, never a panic.
func FuzzChunkAccumulator(f *testing.F) {
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"content":"hi","tool_calls":[{"index":0,"id":"c1","function":{"name":"read_file","arguments":"{\"pa"}}]}}]}` + "\n" +
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"th\": \"a\"}"}}]}}],"usage":{"prompt_tokens":3,"completion_tokens":4}}`))
	f.Add([]byte(`{"error":{"message":"overloaded"}}`))
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","text":"a"},{"type":"reasoning.text","signature":"s"},{"type":"reasoning.encrypted","data":"x"}]}}]}` + "\n" +
		`{"error":{"message":"Provider returned error","metadata":{"raw":"{\"error\":{\"message\":\"x\"}}"}}}`))
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":99999999999}]}}]}`))
	f.Add([]byte("not json\n{}"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		var acc chunkAccumulator
		for _, event := range bytes.Split(stream, []byte("\n")) {
			if acc.add(event) != nil {
				return
			}
		}
		reply := acc.response()
		if len(reply.Message.ToolCalls) > maxToolCallsAReply || len(reply.Message.Content) > maxReplyBytes {
			t.Fatalf("a reply past the bounds: %d calls, %d bytes", len(reply.Message.ToolCalls), len(reply.Message.Content))
		}
	})
}

// FuzzTextToolCalls: whatever text a model writes, reading tool calls from it never
// panics, takes only calls of the tools offered, each with an object of arguments, and
// leaves any text it does not take as written.
func FuzzTextToolCalls(f *testing.F) {
	for _, seed := range []string{
		`{"name": "read_file", "arguments": {"path": "main.go"}}`,
		"```json\n{\"name\": \"finish\"}\n```",
		"<tool_call>\n{\"name\": \"read_file\", \"parameters\": \"{}\"}\n</tool_call>",
		`[TOOL_CALLS][{"name": "finish", "arguments": null}, []]`,
		`{"name": "rm", "arguments": {}} prose`,
		"<think>hmm</think>[TOOL_CALLS][{\"name\": \"finish\"}]",
		"{\"name\": \"finish\", \"arguments\": {\"summary\": \"a\n\\\"b\\\"\tc\"}}",
	} {
		f.Add(seed)
	}
	tools := []Tool{readTool, {Name: "finish"}}
	f.Fuzz(func(t *testing.T, text string) {
		reply := Response{Message: Message{Role: "assistant", Content: text}}
		reply.settleToolCalls(tools)
		if len(reply.Message.ToolCalls) == 0 {
			if reply.Message.Content != text {
				t.Fatalf("text not taken changed: %q", reply.Message.Content)
			}
			return
		}
		for _, c := range reply.Message.ToolCalls {
			if (c.Name != "read_file" && c.Name != "finish") || c.ID == "" || !strings.HasPrefix(strings.TrimSpace(c.Arguments), "{") || reply.Message.Content != "" {
				t.Fatalf("from %q: %+v", text, reply.Message)
			}
		}
	})
}
