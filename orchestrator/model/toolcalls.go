package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// callIDs numbers the tool calls that came without an id: the conversation sends each
// back with its result, and the API refuses a result that does not name its call.
var callIDs atomic.Uint64

// newCallID is an id for a call that came without one: nine letters and digits, the
// only ids Mistral's chat templates take (vLLM, MLX and llama.cpp with a Mistral model
// refuse any other: "Tool call id was call_1 but must be a-z, A-Z, 0-9, with a length
// of 9"), and any other server takes them too.
func newCallID() string {
	n := strconv.FormatUint(callIDs.Add(1)%(36*36*36*36*36), 36)
	return "call" + strings.Repeat("0", 5-len(n)) + n
}

// settleToolCalls gives a reply's tool calls what a session needs of them: calls the
// model wrote as text are taken as calls, and a call without an id gets one. Gemini's
// and LM Studio's OpenAI-compatible endpoints, among others, send calls without ids.
func (r *Response) settleToolCalls(tools []Tool) {
	r.takeTextToolCalls(tools)
	for i, c := range r.Message.ToolCalls {
		if c.ID == "" {
			r.Message.ToolCalls[i].ID = newCallID()
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
	calls, err := parseTextToolCalls(r.Message.Content, tools)
	switch {
	case err == nil && len(calls) > 0:
		r.Message.Content, r.Message.ToolCalls = "", calls
	case errors.As(err, new(notTaken)):
		r.TextCallsNotTaken = err.Error()
	}
}

// notTaken is why a reply whose text is written as tool calls (JSON, after what may wrap
// it) could not be taken as them: the session tells the model, which can mend the call.
type notTaken struct{ err error }

func (n notTaken) Error() string { return n.err.Error() }

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
	s = strings.TrimSpace(toolCallTags.Replace(strings.TrimPrefix(strings.TrimSpace(s), "[TOOL_CALLS]")))
	if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[") {
		return nil, errors.New("not JSON")
	}
	var calls []ToolCall
	values := json.NewDecoder(strings.NewReader(escapeRawControls(s)))
	for {
		var value json.RawMessage
		if err := values.Decode(&value); err == io.EOF {
			return calls, nil
		} else if err != nil {
			return nil, notTaken{fmt.Errorf("it is not valid JSON: %w", err)}
		}
		var group []json.RawMessage
		if value[0] != '[' || json.Unmarshal(value, &group) != nil {
			group = []json.RawMessage{value}
		}
		for _, raw := range group {
			call, err := parseTextToolCall(raw, tools)
			if err != nil {
				return nil, notTaken{err}
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
		return ToolCall{}, fmt.Errorf(`a call is {"name": ..., "arguments": {...}}, and this is not one: %w`, err)
	}
	if !slices.ContainsFunc(tools, func(t Tool) bool { return t.Name == c.Name }) {
		var names []string
		for _, t := range tools {
			names = append(names, t.Name)
		}
		return ToolCall{}, fmt.Errorf("there is no tool %q here (the tools: %s)", c.Name, strings.Join(names, ", "))
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
		return ToolCall{}, fmt.Errorf("the %s call's arguments are not an object", c.Name) // no call of ours takes them
	}
	return ToolCall{Name: c.Name, Arguments: arguments}, nil
}

// escapeRawControls escapes the control characters, line breaks above all, that a model
// wrote raw inside a JSON string: a file's content written as a call in text is code
// with its lines, which JSON does not allow unescaped. Valid JSON has none there, so it
// reads the same.
func escapeRawControls(s string) string {
	var b strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString && c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
