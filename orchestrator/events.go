package orchestrator

import (
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// EventKind names what happened. Every event also goes to the ledger, one JSON line.
type EventKind string

const (
	EventMissionStarted EventKind = "mission_started"
	EventMissionResumed EventKind = "mission_resumed"
	EventIteration      EventKind = "iteration"
	EventPlanWritten    EventKind = "plan_written"
	EventItemDispatched EventKind = "item_dispatched"
	EventItemFinished   EventKind = "item_finished"
	EventItemFailed     EventKind = "item_failed"
	EventToolCall       EventKind = "tool_call"
	EventLintGate       EventKind = "lint_gate"
	EventCommand        EventKind = "command"
	EventUnavailable    EventKind = "command_unavailable" // at the start: a build or test command cannot run here
	EventReview         EventKind = "review"
	EventModelReview    EventKind = "model_review"
	EventSyncIssues     EventKind = "sync_issues"
	EventReplan         EventKind = "replan"
	EventAPIRetry       EventKind = "api_retry" // the planner or the model reviewer asked again
	EventSealed         EventKind = "sealed"
	EventStopped        EventKind = "stopped"
)

// Event is one step of a mission, as the CLI and the language server render it and as
// the ledger records it.
type Event struct {
	Time    time.Time `json:"time"`
	Kind    EventKind `json:"kind"`
	Item    string    `json:"item,omitempty"`
	Role    string    `json:"role,omitempty"`
	Model   string    `json:"model,omitempty"` // of a dispatched item's session
	Message string    `json:"message,omitempty"`
	Files   []string  `json:"files,omitempty"`
	// Counts at the time of the event.
	Iteration  int              `json:"iteration,omitempty"`
	Done       int              `json:"done,omitempty"`
	Total      int              `json:"total,omitempty"`
	Running    int              `json:"running,omitempty"`
	OpenIssues int              `json:"openIssues,omitempty"`
	Tokens     store.TokenUsage `json:"tokens,omitzero"`
	Failed     bool             `json:"failed,omitempty"`
}

// synced are the state transitions resume depends on: the ledger is forced to disk at
// each of them. A dispatch is not among them: todo.md records it, and resume puts an
// unfinished item back to pending whatever the ledger says. Nor is an item's end: the
// write of todo.md that records it syncs the ledger (mission.write, writes.go). Nor are a
// review's results: the transition that always follows a review (the next iteration, a
// re-plan, sealed or stopped) syncs them a moment later. Nor is a mission's start: the
// first iteration's event follows it within a millisecond, and when a plan must be made
// first, the start is synced before the planner works (mission.run).
var synced = map[EventKind]bool{
	EventMissionResumed: true, EventIteration: true, EventPlanWritten: true,
	EventReplan: true, EventSealed: true, EventStopped: true,
}
