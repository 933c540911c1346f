package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"

	"go.lsp.dev/protocol"
)

// clientLogHandler sends log records to the editor as window/logMessage, where users look
// for a language server's log. Records are dropped until the client has sent initialize:
// the specification allows no message before that.
type clientLogHandler struct {
	client protocol.Client
	level  slog.Leveler
	ready  *atomic.Bool
	prefix string // rendered attributes from WithAttrs
	group  string
}

func newClientLogHandler(client protocol.Client, level slog.Leveler) *clientLogHandler {
	return &clientLogHandler{client: client, level: level, ready: new(atomic.Bool)}
}

func (h *clientLogHandler) Enabled(_ context.Context, level slog.Level) bool {
	return h.ready.Load() && level >= h.level.Level()
}

func (h *clientLogHandler) Handle(ctx context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.group, a)
		return true
	})
	kind := protocol.MessageTypeLog
	switch {
	case r.Level >= slog.LevelError:
		kind = protocol.MessageTypeError
	case r.Level >= slog.LevelWarn:
		kind = protocol.MessageTypeWarning
	case r.Level >= slog.LevelInfo:
		kind = protocol.MessageTypeInfo
	}
	// Logging must never fail a request: a closed connection just drops the line.
	_ = h.client.LogMessage(context.WithoutCancel(ctx), &protocol.LogMessageParams{Type: kind, Message: b.String()})
	return nil
}

func (h *clientLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	next := *h
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range attrs {
		writeAttr(&b, h.group, a)
	}
	next.prefix = b.String()
	return &next
}

func (h *clientLogHandler) WithGroup(name string) slog.Handler {
	next := *h
	next.group = h.group + name + "."
	return &next
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	value := a.Value.Resolve()
	if value.Kind() == slog.KindGroup {
		for _, inner := range value.Group() {
			writeAttr(b, group+a.Key+".", inner)
		}
		return
	}
	text := value.String()
	if strings.ContainsAny(text, " \t\n\"") || text == "" {
		text = fmt.Sprintf("%q", text)
	}
	b.WriteString(" " + group + a.Key + "=" + text)
}

// parseLevel reads a --log-level value.
func parseLevel(s string) (slog.Level, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("unknown log level %q (want debug, info, warn or error)", s)
	}
	return level, nil
}
