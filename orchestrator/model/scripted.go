package model

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Script is the file format of the scripted provider, a test double of a model: a list
// of recorded turns. A request takes the first unused turn of its role (and, when the
// turn names one, of its todo item). It calls no model; wherever it is used it says so.
//
//	{"turns": [
//	  {"role": "planner", "calls": [{"tool": "write_plan", "args": {"markdown": "..."}}]},
//	  {"role": "worker", "item": "T1", "content": "done", "calls": [{"tool": "finish", "args": {"summary": "..."}}]}
//	]}
type Script struct {
	Turns []ScriptTurn `json:"turns"`
}

// ScriptTurn is one recorded answer.
type ScriptTurn struct {
	Role    string       `json:"role"`
	Item    string       `json:"item,omitempty"`
	Content string       `json:"content,omitempty"`
	Calls   []ScriptCall `json:"calls,omitempty"`
	// Truncated records a reply that stopped at the output token limit.
	Truncated bool `json:"truncated,omitempty"`
}

// ScriptCall is a tool call of a recorded turn. Args is passed to the tool as written,
// so a script can also record a malformed call.
type ScriptCall struct {
	Tool string          `json:"tool"`
	Args json.RawMessage `json:"args"`
}

// Scripted replays a Script.
type Scripted struct {
	spec string
	mu   sync.Mutex
	todo []ScriptTurn
	used []bool
	n    int // tool call ids
}

// LoadScript reads scripted/<path>, relative to dir unless absolute.
func LoadScript(spec, dir string) (*Scripted, error) {
	path := strings.TrimPrefix(spec, "scripted/")
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", spec, err)
	}
	var s Script
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("model %s: %s is not a script: %w", spec, path, err)
	}
	return NewScripted(spec, s), nil
}

// NewScripted replays a script given in code.
func NewScripted(spec string, s Script) *Scripted {
	return &Scripted{spec: spec, todo: s.Turns, used: make([]bool, len(s.Turns))}
}

func (s *Scripted) Name() string { return s.spec }

func (s *Scripted) Complete(ctx context.Context, req Request) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, turn := range s.todo {
		if s.used[i] || turn.Role != req.Role || turn.Item != "" && turn.Item != req.Item {
			continue
		}
		s.used[i] = true
		msg := Message{Role: "assistant", Content: turn.Content}
		for _, c := range turn.Calls {
			s.n++
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: fmt.Sprintf("call_%d", s.n), Name: c.Tool, Arguments: argumentsOrEmptyObject(string(c.Args))})
		}
		return Response{Message: msg, Usage: estimateUsage(req, msg), Truncated: turn.Truncated}, nil
	}
	who := req.Role
	if req.Item != "" {
		who += " " + req.Item
	}
	return Response{}, fmt.Errorf("%s: the script has no turn left for the %s", s.spec, who)
}

// estimateUsage counts about four characters per token, so budgets and reports work
// offline too.
func estimateUsage(req Request, answer Message) store.TokenUsage {
	in := len(req.System)
	for _, m := range req.Messages {
		in += len(m.Content)
		for _, tc := range m.ToolCalls {
			in += len(tc.Arguments)
		}
	}
	for _, t := range req.Tools {
		in += len(t.Name) + len(t.Description) + len(t.Parameters)
	}
	out := len(answer.Content)
	for _, tc := range answer.ToolCalls {
		out += len(tc.Name) + len(tc.Arguments)
	}
	return store.TokenUsage{Input: (in + 3) / 4, Output: (out + 3) / 4}
}
