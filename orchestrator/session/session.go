// Package session runs a role's conversation with a model: the model asks for tools, the
// session runs them inside the workspace sandbox and answers, until the model calls
// finish or a limit ends it. Limits are code, not requests to the model: turns, tokens,
// a circuit breaker for a call repeated without progress, a bound on tool output.
package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/model"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Config describes a session.
type Config struct {
	Provider model.Provider
	Role     string // planner, worker, reviewer, or a custom role
	Item     string // the todo item a worker works on
	System   string
	Tools    []string
	Sandbox  *Sandbox
	Hooks    Hooks

	MaxTurns      int // model calls per Send (default 40)
	MaxTokens     int // per session, 0: no limit
	MaxToolOutput int // bytes of one tool result the model sees (default 16 KiB)
	MaxContext    int // bytes of conversation a model call sends (default 256 KiB; see fitContext)

	// Proceed is asked before every model call; its error ends the session (a mission's
	// spent budget: without it each session under way could take its whole turn limit).
	Proceed func() error

	// OnUsage is told each call's token usage; OnToolCall each call's one-line summary.
	OnUsage    func(store.TokenUsage)
	OnToolCall func(name, summary string, failed bool)
}

// Result is what a session's turn produced.
type Result struct {
	Summary string
	Wrote   []string // files written, in order of first write
	Turns   int
}

// Errors that end a session.
var (
	ErrMaxTurns  = errors.New("the session reached its turn limit")
	ErrMaxTokens = errors.New("the session reached its token limit")
	ErrStuck     = errors.New("the session repeated the same tool call after being told to step back")
	ErrSilent    = errors.New("the model stopped calling tools without finishing")
	ErrRefused   = errors.New("the model's provider refused the reply")
)

// repeatLimit: the third identical call in a row is answered with a step-back message
// instead of being run; a fourth ends the session. Likewise the third time one call fails
// the same way, other calls between or not, and the fourth.
const repeatLimit = 3

// Session is one role's conversation.
type Session struct {
	cfg      Config
	messages []model.Message
	usage    store.TokenUsage
	written  []string
}

// New starts a session; nothing is sent until Send.
func New(cfg Config) *Session {
	if cfg.MaxTurns == 0 {
		cfg.MaxTurns = 40
	}
	if cfg.MaxToolOutput == 0 {
		cfg.MaxToolOutput = 16 << 10
	}
	if cfg.MaxContext == 0 {
		cfg.MaxContext = 256 << 10
	}
	return &Session{cfg: cfg}
}

// Usage is the tokens the session used so far.
func (s *Session) Usage() store.TokenUsage { return s.usage }

func (s *Session) wrote(rel string) {
	if !slices.Contains(s.written, rel) {
		s.written = append(s.written, rel)
	}
}

// Send adds a user message (the task, or feedback on the last result) and runs the
// conversation until the model calls finish.
func (s *Session) Send(ctx context.Context, text string) (Result, error) {
	s.messages = append(s.messages, model.Message{Role: "user", Content: text})
	var lastCall string
	repeats, silent := 0, 0
	failed := map[string]int{} // a call and its error -> how often it failed so, in a row or not
	for turn := 1; ; turn++ {
		if turn > s.cfg.MaxTurns {
			return s.result("", turn-1), ErrMaxTurns
		}
		if s.cfg.MaxTokens > 0 && s.usage.Total() >= s.cfg.MaxTokens {
			return s.result("", turn-1), ErrMaxTokens
		}
		if s.cfg.Proceed != nil {
			if err := s.cfg.Proceed(); err != nil {
				return s.result("", turn-1), err
			}
		}
		resp, err := s.complete(ctx)
		if err != nil {
			return s.result("", turn), err
		}
		s.usage.Add(resp.Usage)
		if s.cfg.OnUsage != nil {
			s.cfg.OnUsage(resp.Usage)
		}
		if resp.Refused != "" {
			// Asked again, it refuses again: nudging would spend three turns to fail.
			return s.result("", turn), fmt.Errorf("%w: %s", ErrRefused, resp.Refused)
		}
		if len(resp.Message.ToolCalls) > 0 || strings.TrimSpace(resp.Message.Content) != "" {
			// A reply with nothing in it is no part of the conversation: the APIs refuse an
			// empty assistant message, and Claude at times ends a turn so after tool results.
			s.messages = append(s.messages, resp.Message)
		}

		if len(resp.Message.ToolCalls) == 0 {
			if silent++; silent == repeatLimit {
				return s.result("", turn), ErrSilent
			}
			nudge := "Continue with the tools. When the work is complete, call finish with a summary."
			switch {
			case resp.Truncated:
				nudge = "Your reply reached the output token limit and was cut off. " + nudge + " Keep each reply short."
			case resp.TextCallsNotTaken != "":
				nudge = "Your reply reads as tool calls written as text, but it could not be taken as them: " +
					resp.TextCallsNotTaken + ". Call the tools as tools (or write each call as " +
					`{"name": "<tool>", "arguments": {...}}` + ", and nothing else). " + nudge
			}
			s.messages = append(s.messages, model.Message{Role: "user", Content: nudge})
			continue
		}
		silent = 0

		finished, summary := false, ""
		for i, call := range resp.Message.ToolCalls {
			key := call.Name + "\x00" + call.Arguments
			if key == lastCall {
				repeats++
			} else {
				lastCall, repeats = key, 1
			}
			var out string
			var callErr error
			switch {
			case repeats > repeatLimit:
				return s.result("", turn), ErrStuck
			case repeats == repeatLimit:
				callErr = fmt.Errorf("you made this exact %s call %d times in a row; it will not change the outcome. Step back: re-read the task and the files, and try a different approach", call.Name, repeatLimit)
			case resp.Truncated && i == len(resp.Message.ToolCalls)-1:
				// Its arguments end where the reply was cut (the Anthropic SDK empties them
				// to {}): run, the call would fail without saying why, and be made again.
				callErr = fmt.Errorf("your reply reached the output token limit and this %s call was cut off before its arguments were complete, so it was not run. Send less in one call: write a long file in parts (write_file with the first part, then edit_file to extend it)", call.Name)
			case call.Name == ToolFinish:
				args, err := decodeArgs(call.Arguments)
				if err == nil {
					summary, err = stringArg(args, "summary", false)
				}
				out, callErr, finished = "finished", err, err == nil
			default:
				out, callErr = s.run(ctx, call)
				if store.DiskFull(callErr) {
					// No retry and no other approach mends a full disk: the model is not asked.
					return s.result("", turn), fmt.Errorf("%s: %w", call.Name, callErr)
				}
				if callErr != nil {
					// The same failure with other calls between (an edit whose text is not
					// there, a read, the same edit again) is a loop too.
					fail := key + "\x00" + callErr.Error()
					if failed[fail]++; failed[fail] > repeatLimit {
						return s.result("", turn), ErrStuck
					} else if failed[fail] == repeatLimit {
						callErr = fmt.Errorf("this exact %s call has now failed this way %d times; as it is, it will not succeed. Step back: re-read the task and the files, and try a different approach. The error: %w", call.Name, repeatLimit, callErr)
					}
				}
			}
			if ctx.Err() != nil {
				return s.result("", turn), ctx.Err()
			}
			s.answer(call, out, callErr)
		}
		if finished {
			return s.result(summary, turn), nil
		}
	}
}

// complete makes a turn's model call with the conversation fitted to MaxContext. A
// request the API refuses for its size (a model with a smaller context, a key with a low
// tokens-per-minute limit) goes again with the conversation fitted to half of what it
// was, and the session keeps that bound, while fitting leaves something more out.
func (s *Session) complete(ctx context.Context) (model.Response, error) {
	size := s.fitContext()
	for {
		resp, err := s.cfg.Provider.Complete(ctx, model.Request{
			System: s.cfg.System, Messages: s.messages, Tools: ToolsFor(s.cfg.Tools), Role: s.cfg.Role, Item: s.cfg.Item,
		})
		if err == nil || ctx.Err() != nil || !model.TooLarge(err) {
			return resp, err
		}
		s.cfg.MaxContext = size / 2
		smaller := s.fitContext()
		if smaller >= size {
			return resp, err // nothing more can be left out: the latest turn alone is too large
		}
		size = smaller
	}
}

func (s *Session) result(summary string, turns int) Result {
	return Result{Summary: summary, Wrote: slices.Clone(s.written), Turns: turns}
}

// run executes one tool call.
func (s *Session) run(ctx context.Context, call model.ToolCall) (string, error) {
	spec, ok := tools[call.Name]
	if !ok || spec.run == nil || !slices.Contains(s.cfg.Tools, call.Name) {
		return "", fmt.Errorf("there is no tool %q in this session; the tools are: %s", call.Name, strings.Join(s.cfg.Tools, ", "))
	}
	args, err := decodeArgs(call.Arguments)
	if err != nil {
		return "", err
	}
	return spec.run(ctx, s, args)
}

// elidedNote begins a tool result fitContext left out.
const elidedNote = "[this result was left out to bound the conversation"

// minElidedArgument is the shortest argument fitContext leaves out of an old call: a
// written file's content or an edit's text, not a path.
const minElidedArgument = 1 << 10

// fitContext keeps the conversation a model call sends within MaxContext. Every call
// sends the whole conversation, so a long session's reads and writes would otherwise
// cost more each turn and end in the model's context limit. Past the bound the oldest
// tool results and the long arguments of the oldest calls, the bulk of it, are replaced
// by notes (as SWE-agent elides old observations); the task, the model's messages, which
// file each call named, and the latest turn and its results stay. It cuts to three
// quarters of the bound at once: each cut changes the conversation's prefix, which
// providers cache. It returns the conversation's size.
func (s *Session) fitContext() int {
	size := len(s.cfg.System)
	latest := 0 // the model's latest turn: it and its results stay
	for i, m := range s.messages {
		size += len(m.Content) + len(m.Reasoning)
		for _, c := range m.ToolCalls {
			size += len(c.Name) + len(c.Arguments) + len(c.Extra)
		}
		if m.Role == "assistant" {
			latest = i
		}
	}
	if size <= s.cfg.MaxContext {
		return size
	}
	for i := range s.messages[:latest] {
		m := &s.messages[i]
		if m.Role == "tool" && !strings.HasPrefix(m.Content, elidedNote) {
			note := fmt.Sprintf("%s (%d bytes); call the tool again if you need it]", elidedNote, len(m.Content))
			if len(note) < len(m.Content) {
				size -= len(m.Content) - len(note)
				m.Content = note
			}
		}
		var calls []model.ToolCall // a copy: the provider's response may share the slice
		for j, c := range m.ToolCalls {
			args := elideArguments(c.Arguments)
			if len(args) == len(c.Arguments) {
				continue
			}
			if calls == nil {
				calls = slices.Clone(m.ToolCalls)
			}
			calls[j].Arguments = args
			size -= len(c.Arguments) - len(args)
		}
		if calls != nil {
			m.ToolCalls = calls
		}
		if size <= s.cfg.MaxContext*3/4 {
			return size
		}
	}
	return size
}

// elideArguments replaces the long string values of a call's JSON arguments by a note
// saying how long they were, keeping the call's other arguments: the model still sees
// which file it wrote, and can read it. Arguments that are not a JSON object stay whole.
func elideArguments(args string) string {
	if len(args) < minElidedArgument {
		return args
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(args), &fields) != nil {
		return args
	}
	elided := false
	for name, value := range fields {
		var text string
		if len(value) < minElidedArgument || json.Unmarshal(value, &text) != nil {
			continue
		}
		fields[name], _ = json.Marshal(fmt.Sprintf("[%d bytes, left out to bound the conversation]", len(text)))
		elided = true
	}
	if !elided {
		return args
	}
	out, err := json.Marshal(fields)
	if err != nil {
		return args
	}
	return string(out)
}

// answer adds a tool result, bounded, and reports the call.
func (s *Session) answer(call model.ToolCall, out string, err error) {
	msg := model.Message{Role: "tool", ToolCallID: call.ID, Content: out}
	if err != nil {
		msg.Content, msg.IsError = "error: "+err.Error(), true
	}
	if len(msg.Content) > s.cfg.MaxToolOutput {
		cut := runeStart(msg.Content, s.cfg.MaxToolOutput)
		msg.Content = msg.Content[:cut] + fmt.Sprintf("\n[output cut at %d of %d bytes; ask for less (offset/limit, a narrower path or pattern)]", cut, len(msg.Content))
	}
	s.messages = append(s.messages, msg)
	if s.cfg.OnToolCall != nil {
		s.cfg.OnToolCall(call.Name, summarize(call, msg), msg.IsError)
	}
}

// runeStart moves a cut at n in s back to the start of the UTF-8 sequence it falls in.
func runeStart(s string, n int) int {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// summarize is a call in one line for the ledger: the tool, its path or command, and an
// error's first line, with the next one when the first only introduces a list ("the plan
// was not written:"). Contents are left out.
func summarize(call model.ToolCall, result model.Message) string {
	args, _ := decodeArgs(call.Arguments)
	target := ""
	for _, key := range []string{"path", "command", "id", "pattern"} {
		if v, ok := args[key].(string); ok {
			target = v
			break
		}
	}
	line := call.Name
	if target != "" {
		line += " " + target
	}
	if result.IsError {
		first, rest, _ := strings.Cut(strings.TrimSpace(result.Content), "\n")
		if strings.HasSuffix(first, ":") && rest != "" {
			next, _, _ := strings.Cut(rest, "\n")
			first += " " + strings.TrimSpace(next)
		}
		line += " -> " + first
	}
	return line
}
