package orchestrator

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Status is the JSON of `orchestrator status --format json` and of the language
// server's status command and notification.
type Status struct {
	Objective  string           `json:"objective,omitempty"`
	State      string           `json:"state"`
	StopReason string           `json:"stopReason,omitempty"`
	Iteration  int              `json:"iteration"`
	Done       int              `json:"done"`
	Total      int              `json:"total"`
	InProgress int              `json:"inProgress"`
	OpenIssues int              `json:"openIssues"`
	Tokens     store.TokenUsage `json:"tokens"`
	CostUSD    float64          `json:"costUSD,omitzero"`
	StartedAt  *time.Time       `json:"startedAt,omitempty"`
	UpdatedAt  *time.Time       `json:"updatedAt,omitempty"`
	Items      []StatusItem     `json:"items"`
	Issues     []StatusIssue    `json:"issues"`
}

// Unfinished reports whether the workspace has a mission that can be resumed.
func (s Status) Unfinished() bool {
	return s.State != "none" && s.State != store.StateSealed
}

// StatusItem is one todo item in a Status.
type StatusItem struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Status  string   `json:"status"`
	Depth   int      `json:"depth"`
	Files   []string `json:"files,omitempty"`
	Depends []string `json:"depends,omitempty"`
	Blocked string   `json:"blocked,omitempty"`
	// From the ledger: who works on it since when, how long its last run took, and its
	// latest events.
	Worker  string     `json:"worker,omitempty"`
	Since   *time.Time `json:"since,omitempty"`
	Seconds float64    `json:"seconds,omitempty"`
	Log     []string   `json:"log,omitempty"`
	Failure string     `json:"failure,omitempty"` // why its latest run failed, while it is pending again
}

// StatusIssue is one open sync issue in a Status.
type StatusIssue struct {
	ID      string   `json:"id"`
	Rule    string   `json:"rule"`
	Files   []string `json:"files"`
	Problem string   `json:"problem"`
	Fix     string   `json:"fix,omitempty"`
}

// ReadStatus reads a workspace's mission state from .opencode/.
func ReadStatus(root string) (Status, error) {
	return NewMonitor(root).Read()
}

// logLines is how many of an item's latest ledger events a Status carries.
const logLines = 3

// Monitor reads a workspace's mission state again and again, as the language server
// does after every change: the small files whole, the ledger only from where it stopped.
type Monitor struct {
	store  *store.Store
	offset int64 // of the next unread ledger line
	items  map[string]*activity
}

// activity is what the ledger says about one item.
type activity struct {
	worker  string
	since   time.Time
	running bool
	took    time.Duration
	log     []string
	failure string // of the latest run; "" when it did not fail or was interrupted
}

// NewMonitor follows the mission of the workspace at root.
func NewMonitor(root string) *Monitor {
	return &Monitor{store: store.New(root), items: map[string]*activity{}}
}

// Read returns the mission state now.
func (m *Monitor) Read() (Status, error) {
	out := Status{State: "none", Items: []StatusItem{}, Issues: []StatusIssue{}}
	st, err := m.store.State()
	if err != nil {
		return out, err
	}
	if st != nil {
		out.Objective, out.State, out.StopReason, out.Iteration, out.Tokens, out.CostUSD = st.Objective, st.State, st.StopReason, st.Iteration, st.Tokens, st.CostUSD
		out.StartedAt, out.UpdatedAt = &st.StartedAt, &st.UpdatedAt
	}
	if err := m.follow(); err != nil {
		return out, err
	}
	p, err := m.store.Plan()
	if err != nil {
		return out, err
	}
	c := p.Count()
	out.Done, out.Total, out.InProgress = c.Done, c.Total, c.InProgress
	for _, it := range p.Items {
		status := string(it.Status)
		if it.Finished() && it.Status != plan.Cancelled {
			status = string(plan.Done)
		}
		reason, _ := it.Blocked()
		item := StatusItem{ID: it.ID, Title: it.Title, Status: status, Depth: it.Depth, Files: it.Files(), Depends: it.Depends(), Blocked: reason}
		if a := m.items[it.ID]; a != nil && it.ID != "" {
			item.Worker, item.Seconds, item.Log = a.worker, a.took.Seconds(), a.log
			if it.Status == plan.Pending {
				item.Failure = a.failure
			}
			if a.running && it.Status == plan.InProgress {
				since := a.since
				item.Since = &since
			}
		}
		out.Items = append(out.Items, item)
	}
	issues, err := m.store.Issues()
	if err != nil {
		return out, err
	}
	for _, i := range issues {
		out.Issues = append(out.Issues, StatusIssue{ID: i.ID, Rule: i.Rule, Files: i.Files, Problem: i.Problem, Fix: i.Fix})
	}
	out.OpenIssues = len(issues)
	return out, nil
}

// follow reads the ledger lines appended since the last read; a ledger that shrank was
// replaced and is read again from the start.
func (m *Monitor) follow() error {
	if size, err := m.store.LedgerSize(); err == nil && size < m.offset {
		m.offset, m.items = 0, map[string]*activity{}
	}
	next, _, err := m.store.ReadLedgerFrom(m.offset, func(raw json.RawMessage) error {
		var e Event
		if json.Unmarshal(raw, &e) == nil {
			m.record(e)
		}
		return nil
	})
	m.offset = next
	return err
}

func (m *Monitor) record(e Event) {
	if e.Kind == EventMissionStarted {
		clear(m.items)
	}
	if e.Item == "" {
		return
	}
	a := m.items[e.Item]
	if a == nil {
		a = &activity{}
		m.items[e.Item] = a
	}
	switch e.Kind {
	case EventItemDispatched:
		a.worker, a.since, a.running, a.failure = e.Role, e.Time, true, ""
		if e.Model != "" {
			a.worker = fmt.Sprintf("%s (%s)", e.Role, e.Model)
		}
	case EventItemFinished, EventItemFailed:
		a.running, a.took = false, e.Time.Sub(a.since)
		if e.Kind == EventItemFailed && !strings.HasPrefix(e.Message, interruptedPrefix) {
			a.failure = e.Message
		}
	}
	line := fmt.Sprintf("%s %s", e.Time.Local().Format("15:04:05"), e.Kind)
	if e.Message != "" {
		line += ": " + e.Message
	}
	a.log = append(a.log, line)
	if len(a.log) > logLines {
		a.log = a.log[len(a.log)-logLines:]
	}
}
