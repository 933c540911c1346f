package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
)

// callIDs numbers the tool calls that came without an id: the conversation sends each
// back with its result, and the API refuses a result that does not name its call.
var callIDs atomic.Int64

// settleToolCalls gives a reply's tool calls what a session needs of them: calls the
// model wrote as text are taken as calls, and a call without an id gets one. Gemini's
// and LM Studio's OpenAI-compatible endpoints, among others, send calls without ids.
func (r *Response) settleToolCalls(tools []Tool) {
	r.takeTextToolCalls(tools)
	for i, c := range r.Message.ToolCalls {
		if c.ID == "" {
			r.Message.ToolCalls[i].ID = fmt.Sprintf("call_%d", callIDs.Add(1))
		}
	}
}

// takeTextToolCalls turns a reply whose tool calls came as its text into those calls.
// Some models behind OpenAI- and Anthropic-compatible servers write a call's JSON as
// content when the server's chat template does not recognise their format
// (qwen2.5-coder on Ollama answers `{"name": "read_file", "arguments": {...}}`:
// ollama/ollama#12174); the session would hear prose, nudge, and fail the item after
// three such replies. It is conservative: the whole text must be calls (after a
// `<think>` block), bare or in a ```json fence, `<tool_call>` tags or after
// `[TOOL_CALLS]`, each naming a tool the request offered; anything else stays text.
func (r *Response) takeTextToolCalls(tools []Tool) {
	if len(r.Message.ToolCalls) > 0 || r.Truncated || len(tools) == 0 {
		return
	}
	if calls, err := parseTextToolCalls(r.Message.Content, tools); err == nil && len(calls) > 0 {
		r.Message.Content, r.Message.ToolCalls = "", calls
	}
}

// textToolCall is a call as models write it in text: Hermes and Qwen name the arguments
// "arguments", Llama 3.1 "parameters".
type textToolCall struct {
	Name       string          `json:"name"`
	Arguments  json.RawMessage `json:"arguments"`
	Parameters json.RawMessage `json:"parameters"`
}

var toolCallTags = strings.NewReplacer("<tool_call>", "\n", "</tool_call>", "\n")

func parseTextToolCalls(text string, tools []Tool) ([]ToolCall, error) {
	s := strings.TrimSpace(text)
	if thinking, ok := strings.CutPrefix(s, "<think>"); ok {
		// A reasoning model's thoughts, which a server without a reasoning parser leaves
		// in the text (qwen3, DeepSeek-R1 on llama.cpp or vLLM).
		if _, s, ok = strings.Cut(thinking, "</think>"); !ok {
			return nil, errors.New("unfinished thoughts")
		}
		s = strings.TrimSpace(s)
	}
	if fenced, ok := strings.CutPrefix(s, "```"); ok {
		_, body, _ := strings.Cut(fenced, "\n") // the fence's first line names a language
		if s, ok = strings.CutSuffix(strings.TrimSpace(body), "```"); !ok {
			return nil, errors.New("an unclosed fence")
		}
	}
	s = toolCallTags.Replace(strings.TrimPrefix(strings.TrimSpace(s), "[TOOL_CALLS]"))
	var calls []ToolCall
	values := json.NewDecoder(strings.NewReader(s))
	for {
		var value json.RawMessage
		if err := values.Decode(&value); err == io.EOF {
			return calls, nil
		} else if err != nil {
			return nil, err
		}
		var group []json.RawMessage
		if value[0] != '[' || json.Unmarshal(value, &group) != nil {
			group = []json.RawMessage{value}
		}
		for _, raw := range group {
			call, err := parseTextToolCall(raw, tools)
			if err != nil {
				return nil, err
			}
			calls = append(calls, call)
		}
	}
}

func parseTextToolCall(raw json.RawMessage, tools []Tool) (ToolCall, error) {
	var c textToolCall
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&c); err != nil {
		return ToolCall{}, err
	}
	if !slices.ContainsFunc(tools, func(t Tool) bool { return t.Name == c.Name }) {
		return ToolCall{}, fmt.Errorf("no tool %q was offered", c.Name)
	}
	args := c.Arguments
	if len(args) == 0 {
		args = c.Parameters
	}
	var encoded string // some write the arguments as a JSON string, as the wire format carries them
	if json.Unmarshal(args, &encoded) == nil {
		args = json.RawMessage(encoded)
	}
	arguments := argumentsOrEmptyObject(string(args))
	if !strings.HasPrefix(strings.TrimSpace(arguments), "{") {
		return ToolCall{}, errors.New("arguments that are not an object") // no call of ours takes them
	}
	return ToolCall{Name: c.Name, Arguments: arguments}, nil
}
