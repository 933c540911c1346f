package model

import (
	"context"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
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
	reqOpts := []option.RequestOption{option.WithAPIKey(key), option.WithMaxRetries(opts.retries()), option.WithHTTPClient(httpClient)}
	if baseURL != "" {
		reqOpts = append(reqOpts, option.WithBaseURL(baseURL))
	}
	return &openAIProvider{spec: spec, model: model, key: key, client: openai.NewClient(reqOpts...), opts: opts}
}

func (p *openAIProvider) Name() string { return p.spec }

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
		params.Tools = append(params.Tools, openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        t.Name,
			Description: openai.String(t.Description),
			Parameters:  shared.FunctionParameters(t.Parameters),
		}))
	}

	ctx, dog, stop := newWatchdog(ctx, p.opts.stall())
	defer stop()
	stream := p.client.Chat.Completions.NewStreaming(ctx, params)
	defer stream.Close()
	var acc openai.ChatCompletionAccumulator
	for stream.Next() {
		dog.alive()
		acc.AddChunk(stream.Current())
	}
	if err := stream.Err(); err != nil {
		return Response{}, redact(p.spec, streamError(ctx, err), p.key)
	}
	out := Response{
		Message: Message{Role: "assistant"},
		Usage:   store.TokenUsage{Input: int(acc.Usage.PromptTokens), Output: int(acc.Usage.CompletionTokens)},
	}
	if len(acc.Choices) > 0 {
		msg := acc.Choices[0].Message
		out.Message.Content = msg.Content
		for _, tc := range msg.ToolCalls {
			out.Message.ToolCalls = append(out.Message.ToolCalls, ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: argumentsOrEmptyObject(tc.Function.Arguments)})
		}
	}
	return out, nil
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
