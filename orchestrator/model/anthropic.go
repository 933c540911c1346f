package model

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
	"github.com/anthropics/anthropic-sdk-go/packages/param"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// defaultAnthropicMaxTokens: the Messages API requires max_tokens.
const defaultAnthropicMaxTokens = 8192

// minOutputRoom is the least max_tokens worth asking for: a request whose input leaves
// less room in the context window is too large, and the conversation must shrink.
const minOutputRoom = 2048

var (
	// namedOutputLimit is how servers name the most output tokens a model allows when a
	// request asks for more: Anthropic ("max_tokens: 8192 > 4096, which is the maximum
	// allowed number of output tokens for claude-3-haiku-20240307"), DeepSeek ("the valid
	// range of max_tokens is [1, 8192]"), Qwen's DashScope ("Range of max_tokens should be
	// [1, 8192]") and GLM.
	namedOutputLimit = regexp.MustCompile(`max_tokens: \d+ > (\d+)|max_tokens[^0-9\n]{0,40}\[ ?1 ?, ?(\d+) ?\]`)
	// contextRoom is Anthropic's refusal of a request whose input fits the context window
	// but not with max_tokens beside it.
	contextRoom = regexp.MustCompile("input length and `max_tokens` exceed context limit: (\\d+) \\+ \\d+ > (\\d+)")
)

// anthropicProvider speaks the Messages API with streaming through the official SDK.
type anthropicProvider struct {
	spec    string
	model   string
	secrets secrets
	client  anthropic.Client
	opts    Options
	// outputLimit is the model's output limit once a server named it; 0 until then.
	outputLimit atomic.Int64
}

// newAnthropic is a provider that sends key as x-api-key, or with bearer as a bearer token.
func newAnthropic(spec, model, key string, bearer bool, baseURL string, opts Options) *anthropicProvider {
	auth := option.WithAPIKey(key)
	if bearer {
		auth = option.WithAuthToken(key)
	}
	reqOpts := []option.RequestOption{auth, option.WithMaxRetries(opts.retries()), option.WithHTTPClient(httpClient)}
	if baseURL != "" {
		reqOpts = append(reqOpts, option.WithBaseURL(baseURL))
	}
	return &anthropicProvider{spec: spec, model: model, secrets: secretsOf(key, baseURL), client: anthropic.NewClient(reqOpts...), opts: opts}
}

func (p *anthropicProvider) Name() string { return p.spec }

func (p *anthropicProvider) Complete(ctx context.Context, req Request) (Response, error) {
	params := anthropic.MessageNewParams{
		Model:     anthropic.Model(p.model),
		MaxTokens: defaultAnthropicMaxTokens,
		Messages:  anthropicMessages(req.Messages),
	}
	// Anthropic caches a prompt's prefix only up to a block marked for it: the tools and
	// the system prompt (shared by every session of a role), and the conversation so far,
	// which the next turn repeats. A cached read costs a tenth of the input price.
	if n := len(params.Messages); n > 0 {
		if blocks := params.Messages[n-1].Content; len(blocks) > 0 {
			if c := blocks[len(blocks)-1].GetCacheControl(); c != nil {
				*c = anthropic.NewCacheControlEphemeralParam()
			}
		}
	}
	if req.MaxTokens > 0 {
		params.MaxTokens = int64(req.MaxTokens)
	}
	if limit := p.outputLimit.Load(); limit > 0 {
		params.MaxTokens = min(params.MaxTokens, limit)
	}
	if req.System != "" {
		params.System = []anthropic.TextBlockParam{{Text: req.System, CacheControl: anthropic.NewCacheControlEphemeralParam()}}
	}
	for _, t := range req.Tools {
		params.Tools = append(params.Tools, anthropic.ToolUnionParam{OfTool: &anthropic.ToolParam{
			Name: t.Name, Description: anthropic.String(t.Description), InputSchema: param.Override[anthropic.ToolInputSchemaParam](t.Parameters),
		}})
	}

	ctx, dog, stop := p.opts.watchdog(ctx)
	defer stop()
	msg, err := p.stream(ctx, dog, params)
	for err != nil {
		fewer := p.fewerMaxTokens(err)
		if fewer == 0 || fewer >= params.MaxTokens {
			return Response{}, err
		}
		params.MaxTokens = fewer
		msg, err = p.stream(ctx, dog, params)
	}
	out := Response{
		Message:   Message{Role: "assistant"},
		Truncated: msg.StopReason == anthropic.StopReasonMaxTokens,
		Usage: store.TokenUsage{
			Input:      int(msg.Usage.InputTokens + msg.Usage.CacheCreationInputTokens + msg.Usage.CacheReadInputTokens),
			Output:     int(msg.Usage.OutputTokens),
			Cached:     int(msg.Usage.CacheReadInputTokens),
			CacheWrite: int(msg.Usage.CacheCreationInputTokens),
		},
	}
	if msg.StopReason == anthropic.StopReasonRefusal {
		out.Refused = "the model declined to go on (stop_reason refusal)"
	}
	var thinking []thinkingBlock
	for _, block := range msg.Content {
		switch block.Type {
		case "text":
			out.Message.Content += block.Text
		case "tool_use":
			out.Message.ToolCalls = append(out.Message.ToolCalls, ToolCall{ID: block.ID, Name: block.Name, Arguments: argumentsOrEmptyObject(string(block.Input))})
		case "thinking", "redacted_thinking":
			thinking = append(thinking, thinkingBlock{Type: block.Type, Thinking: block.Thinking, Signature: block.Signature, Data: block.Data})
		}
	}
	if thinking != nil {
		out.Message.Reasoning, _ = json.Marshal(thinking)
	}
	out.settleToolCalls(req.Tools)
	return out, nil
}

// stream sends a request and gathers its streamed reply.
func (p *anthropicProvider) stream(ctx context.Context, dog *watchdog, params anthropic.MessageNewParams) (anthropic.Message, error) {
	stream := p.client.Messages.NewStreaming(ctx, params)
	defer stream.Close()
	var msg anthropic.Message
	for stream.Next() {
		dog.alive()
		if err := msg.Accumulate(stream.Current()); err != nil {
			return msg, p.secrets.redact(p.spec, err)
		}
	}
	if err := stream.Err(); err != nil {
		return msg, p.secrets.redact(p.spec, streamError(ctx, err))
	}
	return msg, nil
}

// fewerMaxTokens is the max_tokens to ask again with when a server refused a request
// for asking too many, 0 for any other error: the model's output limit the server named,
// which the provider's later requests keep to, or the room the request's input leaves in
// the context window, when that is at least minOutputRoom.
func (p *anthropicProvider) fewerMaxTokens(err error) int64 {
	a := answerOf(err)
	if a.anthropic == nil || a.status != http.StatusBadRequest {
		return 0
	}
	// The message, its escapes undone (a proxy may write > as \u003e), with a router's
	// provider's words in it.
	answer, _ := readableError([]byte(a.anthropic.RawJSON()))
	said := string(answer.Message)
	if m := namedOutputLimit.FindStringSubmatch(said); m != nil {
		limit, _ := strconv.ParseInt(m[1]+m[2], 10, 64)
		p.outputLimit.Store(limit)
		return limit
	}
	if m := contextRoom.FindStringSubmatch(said); m != nil {
		input, _ := strconv.ParseInt(m[1], 10, 64)
		window, _ := strconv.ParseInt(m[2], 10, 64)
		if room := window - input; room >= minOutputRoom {
			return room
		}
	}
	return 0
}

// thinkingBlock is a thinking block of a reply, kept whole (its signature covers it) to
// go back first in the reply's message: a server that thinks refuses a last assistant
// turn with tool calls that does not begin with its thinking.
type thinkingBlock struct {
	Type      string `json:"type"` // thinking or redacted_thinking
	Thinking  string `json:"thinking,omitempty"`
	Signature string `json:"signature,omitempty"`
	Data      string `json:"data,omitempty"` // redacted_thinking's
}

// thinkingBlocks are the blocks of a reply's kept thinking, none when it has none.
func thinkingBlocks(kept json.RawMessage) []anthropic.ContentBlockParamUnion {
	var thinking []thinkingBlock
	if len(kept) == 0 || json.Unmarshal(kept, &thinking) != nil {
		return nil
	}
	var blocks []anthropic.ContentBlockParamUnion
	for _, t := range thinking {
		if t.Type == "redacted_thinking" {
			blocks = append(blocks, anthropic.NewRedactedThinkingBlock(t.Data))
		} else {
			blocks = append(blocks, anthropic.NewThinkingBlock(t.Signature, t.Thinking))
		}
	}
	return blocks
}

// anthropicMessages converts a conversation: tool results travel in user messages, all
// the results of one assistant turn in a single message, as the API requires, followed
// by the user's text. The API refuses empty and whitespace-only text blocks: an empty
// tool result says so in words, and blank text is left out. (A reply with nothing in it
// never reaches here: the session does not keep it.)
func anthropicMessages(messages []Message) []anthropic.MessageParam {
	var out []anthropic.MessageParam
	var user []anthropic.ContentBlockParamUnion
	flush := func() {
		if len(user) > 0 {
			out = append(out, anthropic.NewUserMessage(user...))
			user = nil
		}
	}
	for _, m := range messages {
		switch m.Role {
		case "tool":
			content := m.Content
			if strings.TrimSpace(content) == "" {
				content = "(empty)"
			}
			user = append(user, anthropic.NewToolResultBlock(m.ToolCallID, content, m.IsError))
		case "assistant":
			blocks := thinkingBlocks(m.Reasoning)
			if strings.TrimSpace(m.Content) != "" {
				blocks = append(blocks, anthropic.NewTextBlock(m.Content))
			}
			for _, tc := range m.ToolCalls {
				input := json.RawMessage(tc.Arguments)
				if !json.Valid(input) {
					input = json.RawMessage("{}") // the API takes only objects; the error went back as a tool result
				}
				blocks = append(blocks, anthropic.NewToolUseBlock(tc.ID, input, tc.Name))
			}
			flush()
			out = append(out, anthropic.NewAssistantMessage(blocks...))
		default:
			user = append(user, anthropic.NewTextBlock(m.Content))
		}
	}
	flush()
	return out
}
