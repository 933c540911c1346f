package model

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"unicode/utf8"

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
	spec    string
	model   string
	secrets secrets
	client  openai.Client
	opts    Options
	// What the server refused once, and is left out of the provider's requests (adapt).
	noStreamOptions, bridgeToolResults atomic.Bool
}

func newOpenAI(spec, model, key, baseURL string, opts Options) *openAIProvider {
	reqOpts := []option.RequestOption{option.WithAPIKey(key), option.WithMaxRetries(opts.retries()), option.WithHTTPClient(httpClient),
		option.WithMiddleware(errorAnswers)}
	if baseURL != "" {
		reqOpts = append(reqOpts, option.WithBaseURL(baseURL))
	}
	return &openAIProvider{spec: spec, model: model, secrets: secretsOf(key, baseURL), client: openai.NewClient(reqOpts...), opts: opts}
}

func (p *openAIProvider) Name() string { return p.spec }

// errorAnswers reads an error answer before the SDK does, for two things. It gives the
// answer the shape the SDK takes its message from, {"error": {"message": …}}: compatible
// servers answer otherwise (vLLM's message at the top, LM Studio's "error" as a string,
// Gemini's array, a proxy's HTML page), and the SDK then told only the status, or, when
// it could not read the answer, lost the status too. And it keeps the SDK from retrying
// what waiting does not lift, a used-up quota or a request too large (for the key's
// tokens per minute, or for the model's context, which llama.cpp answers with a 500):
// each retry was one more request refused the same way.
func errorAnswers(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	res, err := next(req)
	if err != nil || res.StatusCode < http.StatusBadRequest {
		return res, err
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20)) // what could be read is the answer
	res.Body.Close()
	answer, readable := readableError(body)
	res.Body = io.NopCloser(bytes.NewReader(readable))
	res.ContentLength = int64(len(readable))
	if openAITooLarge(string(answer.Code), string(answer.Type), string(answer.Message)) ||
		res.StatusCode == http.StatusTooManyRequests && openAIQuota(string(answer.Code), string(answer.Type)) {
		res.Header.Set("x-should-retry", "false")
	}
	return res, nil
}

// errorAnswer is what an error answer says; a field that is not text is left empty
// (some servers send the code as a number).
type errorAnswer struct {
	Code    looseText `json:"code"`
	Type    looseText `json:"type"`
	Message looseText `json:"message"`
	Status  looseText `json:"status"` // Gemini's kind of error
}

// readableError is what an error answer's body says, and the body in the shape the SDK
// reads: as it is when it has that shape already.
func readableError(body []byte) (errorAnswer, []byte) {
	var answer errorAnswer
	trimmed := bytes.TrimSpace(body)
	switch {
	case bytes.HasPrefix(trimmed, []byte("[")):
		var list []struct{ Error errorAnswer }
		_ = json.Unmarshal(trimmed, &list)
		if len(list) > 0 {
			answer = list[0].Error
		}
	case bytes.HasPrefix(trimmed, []byte("{")):
		var top struct {
			errorAnswer
			Error  json.RawMessage `json:"error"`
			Detail looseText       `json:"detail"` // FastAPI's
		}
		if json.Unmarshal(trimmed, &top) != nil {
			break
		}
		if bytes.HasPrefix(top.Error, []byte("{")) && json.Unmarshal(top.Error, &answer) == nil {
			return upstreamSaid(answer, top.Error, body)
		}
		var text looseText
		_ = json.Unmarshal(top.Error, &text)
		answer = top.errorAnswer
		answer.Message = cmp.Or(text, answer.Message, top.Detail)
	}
	if answer.Message == "" {
		answer.Message = looseText(plainText(trimmed))
	}
	if answer.Message == "" {
		return answer, body
	}
	answer.Type = cmp.Or(answer.Type, answer.Status)
	readable, _ := json.Marshal(map[string]errorAnswer{"error": answer})
	return answer, readable
}

// upstreamSaid is an error answer that a router (OpenRouter) gives for the provider it
// sent the request to, with that provider's own answer in the message. The router's
// message alone is "Provider returned error"; what to change ("prompt is too long",
// "does not support tools") is in metadata.raw, as text or as the provider's JSON.
func upstreamSaid(answer errorAnswer, object json.RawMessage, body []byte) (errorAnswer, []byte) {
	var fields map[string]json.RawMessage
	var meta struct {
		Raw          json.RawMessage `json:"raw"`
		ProviderName looseText       `json:"provider_name"`
	}
	if json.Unmarshal(object, &fields) != nil || json.Unmarshal(fields["metadata"], &meta) != nil || len(meta.Raw) == 0 {
		return answer, body
	}
	raw := []byte(meta.Raw)
	var text string
	if json.Unmarshal(meta.Raw, &text) == nil {
		raw = []byte(text)
	}
	inner, _ := readableError(raw)
	said := string(inner.Message)
	if said == "" {
		return answer, body
	}
	if meta.ProviderName != "" {
		said = string(meta.ProviderName) + ": " + said
	}
	answer.Message = looseText(cmp.Or(string(answer.Message), "error") + " (" + said + ")")
	fields["message"], _ = json.Marshal(string(answer.Message))
	readable, _ := json.Marshal(map[string]map[string]json.RawMessage{"error": fields})
	return answer, readable
}

// plainText is a short text of a body whose message is not where error answers keep
// it: a proxy's HTML page as words, JSON as it is (Mistral's message is an object).
func plainText(body []byte) string {
	if !utf8.Valid(body) {
		return ""
	}
	var text string
	if compact := new(bytes.Buffer); json.Compact(compact, body) == nil {
		text = compact.String()
	} else {
		text = strings.Join(strings.Fields(htmlTag.ReplaceAllString(string(body), " ")), " ")
	}
	if len(text) > 300 {
		text = strings.ToValidUTF8(text[:300], "") + "…"
	}
	return text
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// send posts a request. The request goes through the SDK as NewStreaming sends it
// (auth, retries with retry-after, error statuses); the events are decoded by Complete,
// into only the fields the reply needs: the SDK's ChatCompletionChunk decoder took about
// 30 µs a chunk, a third of a turn's CPU, with thousands of chunks a reply in real use.
// A request refused for something the provider can do without is sent again without it.
func (p *openAIProvider) send(ctx context.Context, req Request) (*http.Response, error) {
	for {
		var raw *http.Response
		err := p.client.Post(ctx, "chat/completions", p.params(req), &raw, option.WithJSONSet("stream", true))
		if apiErr := (*openai.Error)(nil); errors.As(err, &apiErr) && p.adapt(apiErr) {
			continue
		}
		return raw, err
	}
}

func (p *openAIProvider) params(req Request) openai.ChatCompletionNewParams {
	params := openai.ChatCompletionNewParams{
		Model:    shared.ChatModel(p.model),
		Messages: openAIMessages(req, p.bridgeToolResults.Load()),
	}
	if !p.noStreamOptions.Load() {
		params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	}
	if req.MaxTokens > 0 {
		params.MaxCompletionTokens = openai.Int(int64(req.MaxTokens))
	}
	for _, t := range req.Tools {
		// The schema goes as encoded: the SDK's FunctionParameters, a map, would be encoded
		// again at every turn (a fifth of a request's CPU with eight tools).
		params.Tools = append(params.Tools, openai.ChatCompletionFunctionTool(param.Override[shared.FunctionDefinitionParam](functionDefinition(t))))
	}
	return params
}

// adapt reports whether a server refused a request for something this provider can do
// without, and leaves it out of the provider's requests from then on; once for each:
//   - stream_options, which ask for the usage at the stream's end: Mistral's API (422)
//     and Azure's model inference (400) refuse them, and send the usage anyway;
//   - a user message right after tool results (the lint gate's, after a worker's
//     finish): Mistral's API and Mistral models elsewhere want the assistant's turn
//     between, so one is put there.
func (p *openAIProvider) adapt(e *openai.Error) bool {
	if e.StatusCode != http.StatusBadRequest && e.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	switch {
	case strings.Contains(e.Message, "stream_options"):
		return !p.noStreamOptions.Swap(true)
	case strings.Contains(e.Message, "Unexpected role 'user' after role 'tool'"):
		return !p.bridgeToolResults.Swap(true)
	}
	return false
}

func (p *openAIProvider) Complete(ctx context.Context, req Request) (Response, error) {
	ctx, dog, stop := p.opts.watchdog(ctx)
	defer stop()
	raw, err := p.send(ctx, req)
	if apiErr := (*openai.Error)(nil); errors.As(err, &apiErr) && apiErr.Message != "" {
		// The SDK's text is the status alone; the server's message says what to change
		// ("The model ... does not exist"). redact takes the key out of it.
		err = fmt.Errorf("%w: %s", err, apiErr.Message)
	}
	if err != nil {
		return Response{}, p.secrets.redact(p.spec, streamError(ctx, err))
	}
	events := ssestream.NewDecoder(raw)
	if events == nil {
		return Response{}, p.secrets.redact(p.spec, errors.New("the server answered without a body"))
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
			return Response{}, p.secrets.redact(p.spec, err)
		}
	}
	if err := events.Err(); err != nil {
		return Response{}, p.secrets.redact(p.spec, streamError(ctx, err))
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
			Content string    `json:"content"`
			Refusal looseText `json:"refusal"`
			// The thinking, beside the reply: reasoning_content from DeepSeek, Kimi, vLLM and
			// llama.cpp; reasoning from Ollama, Groq and OpenRouter.
			ReasoningContent looseText `json:"reasoning_content"`
			Reasoning        looseText `json:"reasoning"`
			// OpenRouter's: the reasoning as the model's provider gave it (Claude's signed
			// thinking, Gemini's and OpenAI's encrypted reasoning), which must come back.
			ReasoningDetails looseList `json:"reasoning_details"`
			ToolCalls        []struct {
				Index    int64  `json:"index"`
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
				ExtraContent json.RawMessage `json:"extra_content"` // Gemini's thought signature
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

// looseText is a field that is text where the reply needs it, and is left empty when a
// server sends something else there: no server's extension should fail a reply.
type looseText string

func (t *looseText) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*t = looseText(s)
	}
	return nil
}

// looseList is a field that is a list where the reply needs one, and is left empty when
// a server sends something else there.
type looseList []json.RawMessage

func (l *looseList) UnmarshalJSON(data []byte) error {
	var list []json.RawMessage
	if json.Unmarshal(data, &list) == nil {
		*l = list
	}
	return nil
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
	reasoning map[string]*strings.Builder // by the field it came in, to go back in it
	details   []*reasoningDetail          // reasoning_details, merged as they stream
	calls     []*streamedCall             // pointers: a Builder must not be copied as the slice grows
	usage     store.TokenUsage
	size      int
	truncated bool // finish_reason "length"
	filtered  bool // finish_reason "content_filter"
	refusal   strings.Builder
}

// reasoningDetail is one of OpenRouter's reasoning_details, its fields as they came but
// a reasoning.text's text, which streams in parts.
type reasoningDetail struct {
	fields map[string]json.RawMessage
	text   *strings.Builder // a reasoning.text's
}

type streamedCall struct {
	index           int64
	id              string
	name, arguments strings.Builder
	extraContent    json.RawMessage
}

// add takes one event's data: a chunk, or an error the server sends mid-stream.
func (a *chunkAccumulator) add(data []byte) error {
	var chunk streamedChunk
	if err := json.Unmarshal(data, &chunk); err != nil {
		return fmt.Errorf("the stream sent a chunk that is not JSON: %w", err)
	}
	if len(chunk.Error) > 0 && string(chunk.Error) != "null" {
		answer, _ := readableError(data)
		return streamedError(cmp.Or(string(answer.Message), string(chunk.Error)))
	}
	a.usage.Input += int(chunk.Usage.PromptTokens)
	a.usage.Output += int(chunk.Usage.CompletionTokens)
	a.usage.Cached += int(chunk.Usage.PromptTokensDetails.CachedTokens)
	for _, choice := range chunk.Choices {
		if choice.Index != 0 { // one choice is asked for
			continue
		}
		a.truncated = a.truncated || choice.FinishReason == "length"
		a.filtered = a.filtered || choice.FinishReason == "content_filter"
		a.refusal.WriteString(string(choice.Delta.Refusal))
		a.content.WriteString(choice.Delta.Content)
		a.think("reasoning_content", string(choice.Delta.ReasoningContent))
		a.think("reasoning", string(choice.Delta.Reasoning))
		a.size += len(choice.Delta.Content) + len(choice.Delta.Refusal) + len(choice.Delta.ReasoningContent) + len(choice.Delta.Reasoning)
		for _, raw := range choice.Delta.ReasoningDetails {
			a.detail(raw)
			a.size += len(raw)
		}
		for _, d := range choice.Delta.ToolCalls {
			c, err := a.continued(d.Index, d.ID, d.Function.Name, d.Function.Arguments)
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
			if len(d.ExtraContent) > 0 && string(d.ExtraContent) != "null" {
				c.extraContent = d.ExtraContent
			}
			a.size += len(d.Function.Name) + len(d.Function.Arguments) + len(d.ExtraContent)
		}
	}
	if a.size > maxReplyBytes {
		return fmt.Errorf("the reply is over %d MiB", maxReplyBytes>>20)
	}
	return nil
}

// continued is the call a tool call delta continues: the latest at its index, unless the
// delta begins a new one. Some servers number every call of a reply 0, or send no index
// (Ollama's compatible endpoint did before it sent indexes), and appended to one another
// the calls were one broken call. A new call: the delta names another id; or, where ids
// do not tell, the call at its index is whole (its arguments complete JSON) and the delta
// names a tool and begins another object.
func (a *chunkAccumulator) continued(index int64, id, name, arguments string) (*streamedCall, error) {
	for i := len(a.calls) - 1; i >= 0; i-- {
		c := a.calls[i]
		if c.index != index {
			continue
		}
		if id != "" && c.id != "" {
			if id == c.id {
				return c, nil
			}
			break
		}
		// The cheap tests first: a server that sends the name with every part of the
		// arguments would otherwise have them validated at every part.
		sofar := c.arguments.String()
		if name == "" || !strings.HasPrefix(strings.TrimSpace(arguments), "{") || !strings.HasSuffix(strings.TrimSpace(sofar), "}") || !json.Valid([]byte(sofar)) {
			return c, nil
		}
		break
	}
	if len(a.calls) == maxToolCallsAReply {
		return nil, fmt.Errorf("the reply has more than %d tool calls", maxToolCallsAReply)
	}
	c := &streamedCall{index: index}
	a.calls = append(a.calls, c)
	return c, nil
}

// think appends a part of the reply's thinking that came in field.
func (a *chunkAccumulator) think(field, part string) {
	if part == "" {
		return
	}
	if a.reasoning == nil {
		a.reasoning = map[string]*strings.Builder{}
	}
	b := a.reasoning[field]
	if b == nil {
		b = &strings.Builder{}
		a.reasoning[field] = b
	}
	b.WriteString(part)
}

// detail takes a part of reasoning_details. A reasoning.text continues the text before it
// (its text appended, its signature and format taken when that has none) until a
// signature ends that text, as Claude's thinking blocks end; any other detail (encrypted,
// summary) comes whole. This is how OpenRouter's own AI SDK provider assembles them.
func (a *chunkAccumulator) detail(raw json.RawMessage) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields == nil {
		return
	}
	var text, kind string
	_ = json.Unmarshal(fields["type"], &kind)
	_ = json.Unmarshal(fields["text"], &text)
	if kind != "reasoning.text" {
		a.details = append(a.details, &reasoningDetail{fields: fields})
		return
	}
	if n := len(a.details); n > 0 && a.details[n-1].text != nil && !present(a.details[n-1].fields["signature"]) {
		last := a.details[n-1]
		last.text.WriteString(text)
		for _, name := range []string{"signature", "format"} {
			if present(fields[name]) && !present(last.fields[name]) {
				last.fields[name] = fields[name]
			}
		}
		return
	}
	d := &reasoningDetail{fields: fields, text: &strings.Builder{}}
	d.text.WriteString(text)
	a.details = append(a.details, d)
}

// present reports whether a JSON value is there: not missing, null or "".
func present(v json.RawMessage) bool {
	return len(v) > 0 && string(v) != "null" && string(v) != `""`
}

// response is the reply. Its thinking and its calls' extra content are kept as the
// fields they came in, to be sent back in them: a server that sent reasoning refuses
// reasoning_content (Groq), and one that sent nothing may refuse either.
func (a *chunkAccumulator) response() Response {
	out := Response{Message: Message{Role: "assistant", Content: a.content.String()}, Usage: a.usage, Truncated: a.truncated}
	switch {
	case a.refusal.Len() > 0:
		out.Refused = a.refusal.String()
	case a.filtered:
		out.Refused = "the provider's content filter stopped the reply (finish_reason content_filter)"
	}
	if len(a.reasoning) > 0 || len(a.details) > 0 {
		fields := map[string]any{}
		for field, b := range a.reasoning {
			fields[field] = b.String()
		}
		if len(a.details) > 0 {
			details := make([]map[string]json.RawMessage, len(a.details))
			for i, d := range a.details {
				if d.text != nil {
					d.fields["text"], _ = json.Marshal(d.text.String())
				}
				details[i] = d.fields
			}
			fields["reasoning_details"] = details
		}
		out.Message.Reasoning, _ = json.Marshal(fields)
	}
	for _, c := range a.calls {
		call := ToolCall{ID: c.id, Name: c.name.String(), Arguments: argumentsOrEmptyObject(c.arguments.String())}
		if c.extraContent != nil {
			call.Extra, _ = json.Marshal(map[string]json.RawMessage{"extra_content": c.extraContent})
		}
		out.Message.ToolCalls = append(out.Message.ToolCalls, call)
	}
	return out
}

// extraFields decodes fields kept from a reply (Message.Reasoning, ToolCall.Extra) for
// the SDK to send beside a message's or a call's own.
func extraFields(kept json.RawMessage) map[string]any {
	var fields map[string]json.RawMessage
	if len(kept) == 0 || json.Unmarshal(kept, &fields) != nil || len(fields) == 0 {
		return nil
	}
	out := make(map[string]any, len(fields))
	for name, value := range fields {
		out[name] = value
	}
	return out
}

// openAIMessages converts a conversation. With bridge, an assistant message stands
// between tool results and a user message that follows them.
func openAIMessages(req Request, bridge bool) []openai.ChatCompletionMessageParamUnion {
	var out []openai.ChatCompletionMessageParamUnion
	if req.System != "" {
		out = append(out, openai.SystemMessage(req.System))
	}
	for i, m := range req.Messages {
		if bridge && m.Role == "user" && i > 0 && req.Messages[i-1].Role == "tool" {
			out = append(out, openai.AssistantMessage("OK."))
		}
		switch m.Role {
		case "assistant":
			a := openai.ChatCompletionAssistantMessageParam{}
			if m.Content != "" {
				a.Content.OfString = openai.String(m.Content)
			}
			if fields := extraFields(m.Reasoning); fields != nil {
				a.SetExtraFields(fields)
			}
			for _, tc := range m.ToolCalls {
				call := &openai.ChatCompletionMessageFunctionToolCallParam{
					ID:       tc.ID,
					Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: tc.Name, Arguments: tc.Arguments},
				}
				if fields := extraFields(tc.Extra); fields != nil {
					call.SetExtraFields(fields)
				}
				a.ToolCalls = append(a.ToolCalls, openai.ChatCompletionMessageToolCallUnionParam{OfFunction: call})
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
