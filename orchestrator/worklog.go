package orchestrator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// workLog is work-log.md in the making: the lines of the records the ledger held when the
// mission opened, rendered in the background (its first model calls leave the cores
// idle), then this run's, rendered as its events are emitted. A mission's end does not
// read the ledger again, which grows with every mission of the workspace.
type workLog struct {
	ready   chan struct{} // closed once earlier and err are set
	earlier []string
	err     error
	lines   []string // this run's, under the mission's eventMu
}

// startWorkLog renders, in the background, the lines of the records in the ledger's
// first end bytes.
func startWorkLog(st *store.Store, end int64) *workLog {
	w := &workLog{ready: make(chan struct{})}
	go func() {
		defer close(w.ready)
		w.err = st.ReadLedgerBefore(end, func(raw json.RawMessage) error {
			var e Event
			if workLogKinds[kindOf(raw)] && json.Unmarshal(raw, &e) == nil {
				w.earlier = append(w.earlier, workLogLine(e))
			}
			return nil
		})
	}()
	return w
}

// add takes an emitted event's line, when the work log shows the event.
func (w *workLog) add(e Event) {
	if workLogKinds[e.Kind] {
		w.lines = append(w.lines, workLogLine(e))
	}
}

// workLogKinds are the events the work log shows; the rest (tool calls, lint gates,
// commands: most of the ledger) are not decoded.
var workLogKinds = map[EventKind]bool{
	EventMissionStarted: true, EventMissionResumed: true, EventItemDispatched: true, EventItemFinished: true,
	EventItemFailed: true, EventReview: true, EventSealed: true, EventStopped: true, EventReplan: true,
}

// kindOf reads a ledger record's kind without decoding the record. Append writes Events,
// whose kinds need no escaping, and a quote inside a string value is escaped, so the
// first `"kind":"` is the field.
func kindOf(record []byte) EventKind {
	const key = `"kind":"`
	_, rest, found := bytes.Cut(record, []byte(key))
	kind, _, closed := bytes.Cut(rest, []byte(`"`))
	if !found || !closed {
		return ""
	}
	return EventKind(kind)
}

// workLogLine is an event's entry: who did what, with which files; a mission's start is
// a heading.
func workLogLine(e Event) string {
	if e.Kind == EventMissionStarted {
		return fmt.Sprintf("\n## Mission: %s\n\nStarted %s.\n", e.Message, e.Time.Format(time.RFC3339))
	}
	line := fmt.Sprintf("- %s iteration %d: %s", e.Time.Format("15:04:05"), e.Iteration, e.Kind)
	if e.Item != "" {
		line += " " + e.Item
	}
	if e.Message != "" {
		line += ": " + e.Message
	}
	if len(e.Files) > 0 {
		line += fmt.Sprintf(" (%s)", strings.Join(e.Files, ", "))
	}
	return line
}

// writeWorkLog writes work-log.md. It is written again at every end, so it is not waited
// on to reach the disk.
func (m *mission) writeWorkLog() error {
	<-m.workLog.ready
	if m.workLog.err != nil {
		return m.workLog.err
	}
	m.eventMu.Lock()
	lines := slices.Concat(m.workLog.earlier, m.workLog.lines)
	m.eventMu.Unlock()
	var content strings.Builder
	content.WriteString("# Work Log\n\nGenerated from mission-ledger.jsonl; edits are overwritten.\n")
	for _, l := range lines {
		content.WriteString(l + "\n")
	}
	return m.store.ReplaceFile(store.WorkLogFile, []byte(content.String()))
}
