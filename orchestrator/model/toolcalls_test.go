package model

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model/fakeapi"
)

// TestToolCallsWrittenAsTextAreCalls: a model whose server does not recognise its tool
// call format (qwen2.5-coder on Ollama) answers with the call's JSON as text. Such a
// reply is taken as the calls it writes, in the formats models use, and the calls go
// back to the server as calls with their results; text that is anything more, or names
// a tool not offered, stays text.
func TestToolCallsWrittenAsTextAreCalls(t *testing.T) {
	finishTool := Tool{Name: "finish", Parameters: json.RawMessage(`{"type": "object"}`)}
	tools := []Tool{readTool, finishTool}
	const read = `{"name": "read_file", "arguments": {"path": "main.go"}}`
	const finish = `{"name": "finish", "arguments": {"summary": "done"}}`
	type call struct{ Name, Arguments string }
	readCall := call{"read_file", `{"path": "main.go"}`}
	finishCall := call{"finish", `{"summary": "done"}`}
	cases := []struct {
		name      string
		text      string
		truncated bool
		tools     []Tool
		want      []call // nil: the reply stays text
		notTaken  string // why, told to the model, when it was written as calls
	}{
		{name: "bare", text: read, want: []call{readCall}},
		{name: "Llama's parameters", text: `{"name": "read_file", "parameters": {"path": "main.go"}}`, want: []call{readCall}},
		{name: "arguments as a JSON string", text: `{"name": "read_file", "arguments": "{\"path\": \"main.go\"}"}`, want: []call{readCall}},
		{name: "no arguments", text: `{"name": "finish"}`, want: []call{{"finish", "{}"}}},
		{name: "fenced", text: "```json\n" + read + "\n```\n", want: []call{readCall}},
		{name: "two in tags", text: "<tool_call>\n" + read + "\n</tool_call>\n<tool_call>\n" + finish + "\n</tool_call>", want: []call{readCall, finishCall}},
		{name: "Mistral's list", text: "[TOOL_CALLS][" + read + ", " + finish + "]", want: []call{readCall, finishCall}},
		{name: "one after another", text: read + "\n" + finish, want: []call{readCall, finishCall}},
		{name: "after thoughts", text: "<think>\nI need main.go first.\n</think>\n\n<tool_call>\n" + read + "\n</tool_call>", want: []call{readCall}},
		{name: "lines raw in a string", text: "{\"name\": \"finish\", \"arguments\": {\"summary\": \"done,\n\ttested\"}}", want: []call{{"finish", `{"summary": "done,\u000a\u0009tested"}`}}},

		{name: "prose before", text: "I will read it: " + read},
		{name: "prose after", text: read + " and then I will edit it.", notTaken: "it is not valid JSON: invalid character 'a'"},
		{name: "a tool not offered", text: `{"name": "delete_everything", "arguments": {}}`, notTaken: `there is no tool "delete_everything" here (the tools: read_file, finish)`},
		{name: "a JSON answer", text: `{"summary": "done"}`, notTaken: `this is not one: json: unknown field "summary"`},
		{name: "arguments not an object", text: `{"name": "read_file", "arguments": ["main.go"]}`, notTaken: "the read_file call's arguments are not an object"},
		{name: "more than a call", text: `{"name": "read_file", "arguments": {"path": "main.go"}, "confidence": 0.9}`, notTaken: `unknown field "confidence"`},
		{name: "an unclosed fence", text: "```json\n" + read},
		{name: "unfinished thoughts", text: "<think>\nI need main.go first. " + read},
		{name: "prose", text: "The file says hello."},
		{name: "cut off", text: read, truncated: true},
		{name: "no tools offered", text: read, tools: []Tool{}},
	}
	for spec, c := range providers(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "Read it again") {
			return fakeapi.Reply{Text: "It says hello."}
		}
		for _, tc := range cases {
			if strings.Contains(r.Text(), tc.name+".") {
				return fakeapi.Reply{Text: tc.text, Truncated: tc.truncated}
			}
		}
		return fakeapi.Reply{Status: 400, Body: `{"error": {"message": "unknown case"}}`}
	}, Options{}) {
		for _, tc := range cases {
			t.Run(spec+"/"+tc.name, func(t *testing.T) {
				offered := tools
				if tc.tools != nil {
					offered = tc.tools
				}
				req := Request{Messages: []Message{{Role: "user", Content: tc.name + "."}}, Tools: offered}
				resp, err := c.p.Complete(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				var got []call
				for _, tc := range resp.Message.ToolCalls {
					got = append(got, call{tc.Name, tc.Arguments})
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("calls %q, want %q", got, tc.want)
				}
				if why := resp.TextCallsNotTaken; tc.notTaken == "" && why != "" || !strings.Contains(why, tc.notTaken) {
					t.Errorf("not taken because %q, want %q", why, tc.notTaken)
				}
				if tc.want == nil {
					if resp.Message.Content != tc.text {
						t.Errorf("text %q, want it as the model wrote it", resp.Message.Content)
					}
					return
				}
				if resp.Message.Content != "" {
					t.Errorf("the calls' text stays as content too: %q", resp.Message.Content)
				}
				// Each call has an id of its own, which its result names; the server gets them
				// back as calls.
				first := resp.Message.ToolCalls[0]
				if first.ID == "" || len(got) > 1 && resp.Message.ToolCalls[1].ID == first.ID {
					t.Fatalf("call ids %+v", resp.Message.ToolCalls)
				}
				req.Messages = append(req.Messages, resp.Message)
				for _, tc := range resp.Message.ToolCalls {
					req.Messages = append(req.Messages, Message{Role: "tool", ToolCallID: tc.ID, Content: "hello"})
				}
				req.Messages = append(req.Messages, Message{Role: "user", Content: "Read it again"})
				if resp, err = c.p.Complete(context.Background(), req); err != nil || resp.Message.Content != "It says hello." {
					t.Fatalf("next turn: %+v %v", resp.Message, err)
				}
				requests := c.srv.Requests()
				sent := requests[len(requests)-1].Text()
				quoted, _ := json.Marshal(tc.text)
				if strings.Count(sent, first.ID) != 2 || strings.Contains(sent, strings.Trim(string(quoted), `"`)) {
					t.Errorf("the calls as sent back: %s", sent)
				}
			})
		}
	}
}

// TestToolCallsWithoutIDsGetThem: some compatible servers (Gemini's, LM Studio) send
// tool calls without ids. Each gets one of its own, so their results can name them and
// the next turn is not refused, in the shape every server takes (Mistral's templates
// take nine letters and digits only).
func TestToolCallsWithoutIDsGetThem(t *testing.T) {
	for spec, c := range providers(t, func(r fakeapi.Request) fakeapi.Reply {
		if strings.Contains(r.Text(), "hello") {
			return fakeapi.Reply{Text: "Both say hello."}
		}
		return fakeapi.Reply{Calls: []fakeapi.Call{{Name: "read_file", Args: `{"path": "a.go"}`}, {Name: "read_file", Args: `{"path": "b.go"}`}}}
	}, Options{}) {
		req := Request{Messages: []Message{{Role: "user", Content: "Read a.go and b.go"}}, Tools: []Tool{readTool}}
		resp, err := c.p.Complete(context.Background(), req)
		if err != nil || len(resp.Message.ToolCalls) != 2 {
			t.Fatalf("%s: %+v %v", spec, resp.Message, err)
		}
		a, b := resp.Message.ToolCalls[0], resp.Message.ToolCalls[1]
		if !mistralCallID.MatchString(a.ID) || !mistralCallID.MatchString(b.ID) || a.ID == b.ID {
			t.Fatalf("%s: call ids %q and %q", spec, a.ID, b.ID)
		}
		req.Messages = append(req.Messages, resp.Message, Message{Role: "tool", ToolCallID: a.ID, Content: "hello"}, Message{Role: "tool", ToolCallID: b.ID, Content: "hello"})
		if resp, err = c.p.Complete(context.Background(), req); err != nil || resp.Message.Content != "Both say hello." {
			t.Errorf("%s: the next turn: %+v %v", spec, resp.Message, err)
		}
	}
}

var mistralCallID = regexp.MustCompile(`^[a-zA-Z0-9]{9}$`)
