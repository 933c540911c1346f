package model

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/openai/openai-go/v3/shared"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// openAIProvider speaks Chat Completions with streaming through the official SDK, to
// OpenAI or any compatible server (Ollama, vLLM, llama.cpp, LM Studio, OpenRouter).
type openAIProvider struct {
	spec   string
	model  string
	key    string
	client openai.Client
	opts   Options
}

func newOpenAI(spec, model, key, baseURL string, opts Options) *openAIProvider {
	reqOpts := []option.RequestOption{option.WithAPIKey(key), option.WithMaxRetries(opts.retries()), option.WithHTTPClient(httpClient),
		option.WithMiddleware(noRetryOfLastingLimits)}
	if baseURL != "" {
		reqOpts = append(reqOpts, option.WithBaseURL(baseURL))
	}
	return &openAIProvider{spec: spec, model: model, key: key, client: openai.NewClient(reqOpts...), opts: opts}
}

func (p *openAIProvider) Name() string { return p.spec }

// noRetryOfLastingLimits keeps the SDK from retrying a 429 that waiting does not lift,
// a used-up quota or a request larger than the key's tokens per minute: each retry was
// one more request refused the same way, after seconds of backoff.
func noRetryOfLastingLimits(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	res, err := next(req)
	if err != nil || res.StatusCode != http.StatusTooManyRequests {
		return res, err
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct {
		Error struct{ Code, Type, Message string }
	}
	if err == nil && json.Unmarshal(body, &answer) == nil &&
		(openAIQuota(answer.Error.Code, answer.Error.Type) || openAITooLarge(answer.Error.Code, answer.Error.Message)) {
		res.Header.Set("x-should-retry", "false")
	}
	return res, nil
}

func (p *openAIProvider) Complete(ctx context.Context, req Request) (Response, error) {
	params := openai.ChatCompletionNewParams{
		Model:         shared.ChatModel(p.model),
		Messages:      openAIMessages(req),
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	}
	if req.MaxTokens > 0 {
		params.MaxCompletionTokens = openai.Int(int64(req.MaxTokens))
	}
	for _, t := range req.Tools {
		// The schema goes as encoded: the SDK's FunctionParameters, a map, would be encoded
		// again at every turn (a fifth of a request's CPU with eight tools).
		params.Tools = append(params.Tools, openai.ChatCompletionFunctionTool(param.Override[shared.FunctionDefinitionParam](functionDefinition(t))))
	}

	ctx, dog, stop := p.opts.watchdog(ctx)
	defer stop()
	// The request goes through the SDK as NewStreaming sends it (auth, retries with
	// retry-after, error statuses); the events are decoded here, into only the fields the
	// reply needs. The SDK's ChatCompletionChunk decoder took about 30 µs a chunk, a third
	// of a turn's CPU: thousands of chunks a reply in real use.
	var raw *http.Response
	err := p.client.Post(ctx, "chat/completions", params, &raw, option.WithJSONSet("stream", true))
	if apiErr := (*openai.Error)(nil); errors.As(err, &apiErr) && apiErr.Message != "" {
		// The SDK's text is the status alone; the server's message says what to change
		// ("The model ... does not exist"). redact takes the key out of it.
		err = fmt.Errorf("%w: %s", err, apiErr.Message)
	}
	if err != nil {
		return Response{}, redact(p.spec, streamError(ctx, err), p.key)
	}
	events := ssestream.NewDecoder(raw)
	if events == nil {
		return Response{}, redact(p.spec, errors.New("the server answered without a body"), p.key)
	}
	defer events.Close()
	var acc chunkAccumulator
	for events.Next() {
		dog.alive()
		data := events.Event().Data
		if bytes.HasPrefix(data, []byte("[DONE]")) {
			break
		}
		if err := acc.add(data); err != nil {
			return Response{}, redact(p.spec, err, p.key)
		}
	}
	if err := events.Err(); err != nil {
		return Response{}, redact(p.spec, streamError(ctx, err), p.key)
	}
	resp := acc.response()
	resp.settleToolCalls(req.Tools)
	return resp, nil
}

// streamedChunk is the part of a Chat Completions chunk the reply is made of.
type streamedChunk struct {
	Error   json.RawMessage `json:"error"`
	Choices []struct {
		Index        int64  `json:"index"`
		FinishReason string `json:"finish_reason"`
		Delta        struct {
			Content   string `json:"content"`
			ToolCalls []struct {
				Index    int64  `json:"index"`
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
	} `json:"choices"`
	Usage struct {
		PromptTokens        int64 `json:"prompt_tokens"`
		CompletionTokens    int64 `json:"completion_tokens"`
		PromptTokensDetails struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
}

// functionDefinition is Chat Completions' function definition, with its schema encoded.
type functionDefinition struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters"`
}

// Bounds on one streamed reply: a server that never stops (or numbers its tool calls
// wildly) gets an error, not the process's memory.
const (
	maxReplyBytes      = 8 << 20
	maxToolCallsAReply = 128
)

// chunkAccumulator assembles a streamed reply's first choice: its text, its tool calls
// (by index and id: the id as sent, name and arguments appended) and the usage. The SDK's
// ChatCompletionAccumulator does the same with two 49 KB tables allocated for every
// chunk that names a tool call (openai-go v3.95.0): about 120 KB of garbage a turn,
// which slowed parallel workers measurably on two cores.
type chunkAccumulator struct {
	content   strings.Builder
	calls     []*streamedCall // pointers: a Builder must not be copied as the slice grows
	usage     store.TokenUsage
	size      int
	truncated bool // finish_reason "length"
}

type streamedCall struct {
	index           int64
	id              string
	name, arguments strings.Builder
}

// add takes one event's data: a chunk, or an error the server sends mid-stream.
func (a *chunkAccumulator) add(data []byte) error {
	var chunk streamedChunk
	if err := json.Unmarshal(data, &chunk); err != nil {
		return fmt.Errorf("the stream sent a chunk that is not JSON: %w", err)
	}
	if len(chunk.Error) > 0 && string(chunk.Error) != "null" {
		return fmt.Errorf("received error while streaming: %s", chunk.Error)
	}
	a.usage.Input += int(chunk.Usage.PromptTokens)
	a.usage.Output += int(chunk.Usage.CompletionTokens)
	a.usage.Cached += int(chunk.Usage.PromptTokensDetails.CachedTokens)
	for _, choice := range chunk.Choices {
		if choice.Index != 0 { // one choice is asked for
			continue
		}
		a.truncated = a.truncated || choice.FinishReason == "length"
		a.content.WriteString(choice.Delta.Content)
		a.size += len(choice.Delta.Content)
		for _, d := range choice.Delta.ToolCalls {
			c, err := a.continued(d.Index, d.ID)
			if err != nil {
				return err
			}
			if d.ID != "" {
				c.id = d.ID
			}
			if d.Function.Name != c.name.String() {
				// A name is sent once or in parts; some servers (MiniMax on NVIDIA NIM) send
				// the whole of it again with every part of the arguments.
				c.name.WriteString(d.Function.Name)
			}
			c.arguments.WriteString(d.Function.Arguments)
			a.size += len(d.Function.Name) + len(d.Function.Arguments)
		}
	}
	if a.size > maxReplyBytes {
		return fmt.Errorf("the reply is over %d MiB", maxReplyBytes>>20)
	}
	return nil
}

// continued is the call a tool call delta continues: the latest at its index, unless
// the delta names another id, which begins a new call. Some servers number every call
// of a reply 0 (Ollama's compatible endpoint did before it sent indexes), each with an
// id of its own; appended to one another, they were one broken call.
func (a *chunkAccumulator) continued(index int64, id string) (*streamedCall, error) {
	for i := len(a.calls) - 1; i >= 0; i-- {
		if c := a.calls[i]; c.index == index {
			if id == "" || c.id == "" || id == c.id {
				return c, nil
			}
			break
		}
	}
	if len(a.calls) == maxToolCallsAReply {
		return nil, fmt.Errorf("the reply has more than %d tool calls", maxToolCallsAReply)
	}
	c := &streamedCall{index: index}
	a.calls = append(a.calls, c)
	return c, nil
}

func (a *chunkAccumulator) response() Response {
	out := Response{Message: Message{Role: "assistant", Content: a.content.String()}, Usage: a.usage, Truncated: a.truncated}
	for _, c := range a.calls {
		out.Message.ToolCalls = append(out.Message.ToolCalls, ToolCall{ID: c.id, Name: c.name.String(), Arguments: argumentsOrEmptyObject(c.arguments.String())})
	}
	return out
}

func openAIMessages(req Request) []openai.ChatCompletionMessageParamUnion {
	var out []openai.ChatCompletionMessageParamUnion
	if req.System != "" {
		out = append(out, openai.SystemMessage(req.System))
	}
	for _, m := range req.Messages {
		switch m.Role {
		case "assistant":
			a := openai.ChatCompletionAssistantMessageParam{}
			if m.Content != "" {
				a.Content.OfString = openai.String(m.Content)
			}
			for _, tc := range m.ToolCalls {
				a.ToolCalls = append(a.ToolCalls, openai.ChatCompletionMessageToolCallUnionParam{
					OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
						ID:       tc.ID,
						Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: tc.Name, Arguments: tc.Arguments},
					},
				})
			}
			out = append(out, openai.ChatCompletionMessageParamUnion{OfAssistant: &a})
		case "tool":
			out = append(out, openai.ToolMessage(m.Content, m.ToolCallID))
		default:
			out = append(out, openai.UserMessage(m.Content))
		}
	}
	return out
}
