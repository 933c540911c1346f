// Package model puts the model providers behind one interface, chosen by a model string
// `provider/model` as OpenCode writes them: openai/, ollama/ (the OpenAI client on
// Ollama's compatible endpoint), anthropic/, and scripted/ (a recorded script, for tests
// and the offline demo only).
package model

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go/v3"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Message is one message of a conversation.
type Message struct {
	Role       string // "user", "assistant" or "tool"
	Content    string
	ToolCalls  []ToolCall // the assistant's
	ToolCallID string     // a tool result answers this call
	IsError    bool       // a tool result that is an error
	// Reasoning is the model's thinking as the server sent it beside the reply, in the
	// provider's own encoding, to go back with the reply: DeepSeek and Kimi refuse a
	// conversation whose tool-call turns lack their reasoning_content, and a server that
	// thinks in Anthropic's format (Claude, MiniMax) wants the last turn's thinking
	// blocks. Only the provider that wrote it reads it.
	Reasoning json.RawMessage
}

// ToolCall is a call the model asks for. Arguments are as the model wrote them: they may
// not be valid JSON, which the session answers with a tool error.
type ToolCall struct {
	ID        string
	Name      string
	Arguments string
	// Extra is what the server sent with the call for it to come back, in the provider's
	// encoding: Gemini refuses a call without the thought signature it gave it.
	Extra json.RawMessage
}

// Tool is a tool offered to the model, its parameters a JSON Schema object.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage // the arguments' JSON schema, encoded once: every turn sends it
}

// Request is one turn: everything the model sees.
type Request struct {
	System    string
	Messages  []Message
	Tools     []Tool
	MaxTokens int
	// Who asks: the scripted provider picks its turn by them; others ignore them.
	Role string
	Item string
}

// Response is the model's turn.
type Response struct {
	Message Message // role "assistant"
	Usage   store.TokenUsage
	// Truncated: the reply stopped at the output token limit, so its text or its last
	// tool call's arguments are cut off.
	Truncated bool
	// Refused says, when the provider stopped the reply as a refusal (Anthropic's
	// stop_reason "refusal", Chat Completions' refusal text or its finish_reason
	// "content_filter"), what it said: asked again, it answers the same.
	Refused string
	// TextCallsNotTaken says why a reply written as tool calls in its text (see
	// takeTextToolCalls) could not be taken as them; empty for any other reply.
	TextCallsNotTaken string
}

// Provider answers requests. Every call honours its context's cancellation.
type Provider interface {
	Complete(ctx context.Context, req Request) (Response, error)
	// Name is the model string it serves, e.g. "openai/gpt-4.1".
	Name() string
}

// Options tune the network providers.
type Options struct {
	// Getenv reads the environment (keys, base URLs); os.Getenv when nil.
	Getenv func(string) string
	// MaxRetries on 429 and 5xx, honouring retry-after (default 3).
	MaxRetries int
	// FirstTokenTimeout ends a call that sends nothing for this long after the request
	// (default: the configuration's, 10 minutes): a reasoning model thinks in silence
	// before its first event, and a local model reads the whole prompt, or waits behind
	// other requests, first.
	FirstTokenTimeout time.Duration
	// StallTimeout ends a stream that sends nothing for this long after an event
	// (default 2 minutes).
	StallTimeout time.Duration
}

func (o Options) env(key string) string {
	if o.Getenv != nil {
		return o.Getenv(key)
	}
	return os.Getenv(key)
}

func (o Options) retries() int {
	if o.MaxRetries > 0 {
		return o.MaxRetries
	}
	return 3
}

func (o Options) watchdog(ctx context.Context) (context.Context, *watchdog, func()) {
	first := cmp.Or(o.FirstTokenTimeout, time.Duration(store.Defaults().Limits.FirstTokenSeconds)*time.Second)
	return newWatchdog(ctx, first, cmp.Or(o.StallTimeout, 2*time.Minute))
}

// The environment variables the providers read their API keys from. An Anthropic-format
// endpoint other than Anthropic's (OpenRouter's, Moonshot's, Z.ai's) may take its key
// as a bearer token, ANTHROPIC_AUTH_TOKEN, as Claude Code sends it.
const (
	openAIKey      = "OPENAI_API_KEY"
	anthropicKey   = "ANTHROPIC_API_KEY"
	anthropicToken = "ANTHROPIC_AUTH_TOKEN"
)

// WithoutKeys returns env, as os.Environ gives it, without the providers' API key
// variables, nor a base URL variable that carries credentials. Commands a mission runs
// execute code the models wrote, and what they print goes to the models, the sync issues
// and the ledger: a key must not be there to print.
func WithoutKeys(env []string) []string {
	return slices.DeleteFunc(env, func(kv string) bool {
		name, value, _ := strings.Cut(kv, "=")
		switch name {
		case openAIKey, anthropicKey, anthropicToken:
			return true
		case "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_BASE_URL":
			return secretsOf("", value).userinfo != ""
		}
		return false
	})
}

// New returns the provider of a model string. Scripted paths are relative to dir.
func New(spec, dir string, opts Options) (Provider, error) {
	provider, name, ok := strings.Cut(spec, "/")
	if !ok || name == "" {
		return nil, fmt.Errorf("model %q: want provider/model, e.g. openai/gpt-4.1, anthropic/claude-sonnet-4-5, ollama/qwen2.5-coder:14b, scripted/script.json", spec)
	}
	switch provider {
	case "openai":
		key := opts.env(openAIKey)
		if key == "" {
			return nil, fmt.Errorf("model %s: %s is not set", spec, openAIKey)
		}
		return newOpenAI(spec, name, key, opts.env("OPENAI_BASE_URL"), opts), nil
	case "ollama":
		base := opts.env("OLLAMA_BASE_URL")
		if base == "" {
			base = "http://localhost:11434/v1"
		}
		return newOpenAI(spec, name, "ollama", base, opts), nil
	case "anthropic":
		key, bearer := opts.env(anthropicKey), false
		if key == "" {
			key, bearer = opts.env(anthropicToken), true
		}
		if key == "" {
			return nil, fmt.Errorf("model %s: %s is not set (nor %s, for an endpoint that takes a bearer token)", spec, anthropicKey, anthropicToken)
		}
		return newAnthropic(spec, name, key, bearer, opts.env("ANTHROPIC_BASE_URL"), opts), nil
	case "scripted":
		return LoadScript(spec, dir)
	}
	return nil, fmt.Errorf("model %q: unknown provider %q (openai, anthropic, ollama, scripted)", spec, provider)
}

// httpClient is shared by the providers' SDK clients. Its transport keeps a connection
// alive for each concurrent session: the default keeps two per host, so with more
// workers than that, most turns paid a new TCP and TLS handshake with the API.
var httpClient = &http.Client{Transport: func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}()}

// redacted replaces a secret in an error's text: a provider's error may quote the key
// it was given (masked or not), and errors reach logs and the ledger.
type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }

// secrets are what a provider's errors must not show: its key, and the credentials its
// base URL may carry (https://user:token@gateway/v1), which the Anthropic SDK's errors
// quote with the request's URL.
type secrets struct {
	key      string
	userinfo string // as a URL writes it, before its @
	password string
}

func secretsOf(key, baseURL string) secrets {
	s := secrets{key: key}
	if u, err := url.Parse(baseURL); err == nil && u.User != nil {
		s.userinfo = u.User.String()
		s.password, _ = u.User.Password()
	}
	return s
}

func (s secrets) redact(spec string, err error) error {
	if err == nil {
		return nil
	}
	msg := spec + ": " + err.Error()
	if s.userinfo != "" {
		msg = strings.ReplaceAll(msg, s.userinfo+"@", "[redacted]@")
	}
	for _, secret := range []string{s.key, s.password} {
		if len(secret) >= 8 {
			msg = strings.ReplaceAll(msg, secret, "[redacted]")
		}
	}
	if len(s.key) >= 8 { // providers echo keys masked as prefix...suffix; neither half may leak
		msg = strings.ReplaceAll(msg, s.key[len(s.key)-4:], "[redacted]")
	}
	return redacted{msg: msg, err: err}
}

// Refused reports whether a provider refused a request for what all of a model's
// requests share: the key (401), the access (403), the model's name (404), or tool
// calling, which every request of a mission asks for (a 400 from Ollama for a model
// whose template has no tools, from vLLM started without --enable-auto-tool-choice,
// from llama.cpp started without --jinja). Another try, or another item, would be
// refused the same way.
func Refused(err error) bool {
	a := answerOf(err)
	switch a.status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusBadRequest:
		return a.openAI != nil && saysAny(a.openAI.Message, noToolCalling)
	}
	return false
}

// noToolCalling are what compatible servers say when a model, as they serve it, cannot
// be given tools.
var noToolCalling = []string{"does not support tools", "--enable-auto-tool-choice", "requires --jinja"}

// QuotaExhausted reports whether a provider refused a request because the account's
// quota or credit is used up: OpenAI's 429 "insufficient_quota", Anthropic's
// billing_error and its 400 "credit balance is too low", a 402. Unlike a rate limit,
// waiting does not lift it: every later request meets it too.
func QuotaExhausted(err error) bool {
	a := answerOf(err)
	switch {
	case a.status == http.StatusPaymentRequired:
		return true
	case a.openAI != nil:
		return openAIQuota(a.openAI.Code, a.openAI.Type)
	case a.anthropic != nil:
		// Anthropic answers an empty balance as an invalid request; only its text tells.
		return a.anthropic.Type() == "billing_error" || a.status == http.StatusBadRequest && strings.Contains(a.anthropic.RawJSON(), "credit balance is too low")
	}
	return false
}

// RateLimited reports whether a provider answered a request with a rate limit (429)
// that its retries, honouring retry-after, could not wait out; a used-up quota is not
// one, nor is a request larger than the limit itself.
func RateLimited(err error) bool {
	return answerOf(err).status == http.StatusTooManyRequests && !QuotaExhausted(err) && !TooLarge(err)
}

// TooLarge reports whether a provider refused a request for its size: longer than the
// model's context (OpenAI's context_length_exceeded, llama.cpp's
// exceed_context_size_error, or what other servers say, contextOverflow; also in an
// error sent mid-stream, as LM Studio does), larger than the key's tokens per minute
// (OpenAI's 429 "Request too large"), or a 413. A smaller request may pass.
func TooLarge(err error) bool {
	a := answerOf(err)
	switch {
	case a.status == http.StatusRequestEntityTooLarge:
		return true
	case a.openAI != nil:
		return openAITooLarge(a.openAI.Code, a.openAI.Type, a.openAI.Message)
	case a.anthropic != nil:
		return (a.status == http.StatusBadRequest || midStream(err)) && saysAny(a.anthropic.RawJSON(), contextOverflow)
	}
	var streamed streamedError
	return errors.As(err, &streamed) && saysAny(string(streamed), contextOverflow)
}

// midStream reports whether an error is one a server sent in a stream it had begun: our
// streamedError, or an Anthropic error event, which the SDK gives the stream's status.
func midStream(err error) bool {
	a := answerOf(err)
	return errors.As(err, new(streamedError)) || a.anthropic != nil && a.status < http.StatusBadRequest
}

// openAIQuota and openAITooLarge read an OpenAI error's code, type and message.
func openAIQuota(code, typ string) bool {
	return code == "insufficient_quota" || typ == "insufficient_quota"
}

func openAITooLarge(code, typ, message string) bool {
	return code == "context_length_exceeded" || typ == "exceed_context_size_error" ||
		strings.HasPrefix(message, "Request too large") || saysAny(message, contextOverflow)
}

// saysAny reports whether an error's text has any of the phrases in it.
func saysAny(text string, phrases []string) bool {
	return slices.ContainsFunc(phrases, func(p string) bool { return strings.Contains(text, p) })
}

// contextOverflow are what servers say when a request is longer than the model's context.
var contextOverflow = []string{
	"maximum context length",                             // OpenAI, vLLM, DeepSeek, Mistral, OpenRouter
	"prompt is too long",                                 // Anthropic, also behind a router
	"input length and `max_tokens` exceed context limit", // Anthropic, with too little room left for a reply
	"exceeds the maximum number of tokens allowed",       // Gemini
	"exceeds the available context size",                 // llama.cpp
	"Context size has been exceeded",                     // llama.cpp, LM Studio's MLX engine
	"does not fit in context length",                     // LM Studio, mid-stream
	"when context the overflows",                         // LM Studio, older versions
	"Cannot truncate prompt with n_keep",                 // LM Studio, older llama.cpp
}

// streamedError is an error a server sent in the middle of a stream, in its words.
type streamedError string

func (e streamedError) Error() string { return "received error while streaming: " + string(e) }

// ServerFailed reports whether a provider's server failed a request: an error of its own
// (5xx, Anthropic's 529 "overloaded") after the retries, an error it sent in a stream it
// had begun (Anthropic's overloaded_error, OpenRouter's provider failing mid-reply) but
// a context overflow, or silence (Silent).
func ServerFailed(err error) bool {
	return answerOf(err).status >= 500 || Silent(err) || midStream(err) && !TooLarge(err)
}

// Silent reports whether a call ended because the server sent nothing for longer than its
// watchdog allows: before the first event, or between two.
func Silent(err error) bool { return errors.As(err, new(silence)) }

// silence is the watchdog's reason for ending a call.
type silence struct{ msg string }

func (s silence) Error() string { return s.msg }

// apiAnswer is a provider's error answer, as either SDK gives it; status 0 for any
// other error.
type apiAnswer struct {
	status    int
	openAI    *openai.Error
	anthropic *anthropic.Error
}

func answerOf(err error) apiAnswer {
	var a apiAnswer
	switch {
	case errors.As(err, &a.openAI):
		a.status = a.openAI.StatusCode
	case errors.As(err, &a.anthropic):
		a.status = a.anthropic.StatusCode
	}
	return a
}

// Unreachable reports whether a request never reached the model's server, after the
// retries: no connection could be made (refused, no such host, a certificate not
// trusted). Every other request would fail the same way until someone starts the server
// or mends the base URL. A cancelled request is not unreachable.
func Unreachable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var dns *net.DNSError
	var op *net.OpError
	var cert *tls.CertificateVerificationError
	return errors.As(err, &dns) || errors.As(err, &op) && op.Op == "dial" || errors.As(err, &cert)
}

// watchdog cancels a call that goes quiet: for first after the request, then for stall
// after each event.
type watchdog struct {
	timer   *time.Timer
	stall   time.Duration
	started atomic.Bool // an event came
}

func newWatchdog(ctx context.Context, first, stall time.Duration) (context.Context, *watchdog, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &watchdog{stall: stall}
	w.timer = time.AfterFunc(first, func() {
		if w.started.Load() {
			cancel(silence{fmt.Sprintf("the model's stream stalled: nothing for %v", stall)})
		} else {
			cancel(silence{fmt.Sprintf("the model sent nothing in the %v after the request (limits.firstTokenSeconds in %s/%s waits longer)", first, store.Dir, store.ConfigFile)})
		}
	})
	return ctx, w, func() { w.timer.Stop(); cancel(nil) }
}

func (w *watchdog) alive() {
	w.started.Store(true)
	w.timer.Reset(w.stall)
}

// streamError prefers the watchdog's reason to the transport's "context canceled".
func streamError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
		return cause
	}
	return err
}

// argumentsOrEmptyObject is "{}" for empty arguments (some servers send nothing for a call
// without parameters); anything else is passed through for the session to judge.
func argumentsOrEmptyObject(args string) string {
	if strings.TrimSpace(args) == "" {
		return "{}"
	}
	return args
}
