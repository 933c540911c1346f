package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
)

// Dir is the shared workspace directory, relative to the workspace root.
const Dir = ".opencode"

// The files of Dir (DESIGN section 4).
const (
	TodoFile    = "todo.md"
	IssuesFile  = "sync-issues.md"
	WorkLogFile = "work-log.md"
	StateFile   = "loop-state.json"
	LedgerFile  = "mission-ledger.jsonl"
	ContextFile = "context.md"
	ConfigFile  = "orchestrator.json"
	AgentsFile  = "agents.json"
	lockFile    = ".lock"
)

// Store is one workspace's `.opencode/`.
type Store struct {
	root string
	dir  string

	planMu sync.Mutex // serialises this process's plan updates; the version check covers others
	// parsed is the last plan read or written: a plan is read after every change and most
	// reads find the same bytes, which need not be parsed again.
	parsed atomic.Pointer[plan.Plan]
	lock   *os.File
}

// New returns the store of the workspace at root. Nothing is created until written.
func New(root string) *Store {
	return &Store{root: root, dir: filepath.Join(root, Dir)}
}

// Root is the workspace root.
func (s *Store) Root() string { return s.root }

// Path returns the path of a file of the store.
func (s *Store) Path(name string) string { return filepath.Join(s.dir, name) }

// ErrLocked says another process runs this workspace's missions: a running
// `orchestrator task`, or an editor's language server, which holds the lock from its
// first mission until it exits.
type ErrLocked struct{ PID int }

func (e ErrLocked) Error() string {
	who := "another orchestrator process"
	if e.PID > 0 {
		who = fmt.Sprintf("another orchestrator process (pid %d)", e.PID)
	}
	return who + " runs this workspace's missions (a running `orchestrator task`, or an editor's language server)"
}

// Lock takes the workspace's mission lock, an OS file lock the kernel releases when the
// process dies, so a crash never leaves the workspace locked.
func (s *Store) Lock() error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(s.Path(lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return ErrLocked{PID: s.lockPID()}
		}
		return fmt.Errorf("lock %s: %w", s.Path(lockFile), err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	s.lock = f
	return nil
}

// lockPID is the process the lock file names: the one that took the lock last, unless
// it released it (0).
func (s *Store) lockPID() int {
	raw, _ := os.ReadFile(s.Path(lockFile))
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	return pid
}

// LockOwner is the process that holds the workspace's mission lock, 0 when none does. It
// takes no lock itself, so it never keeps a mission from starting: the process the lock
// file names holds it while it lives (one killed or crashed left its number behind).
func (s *Store) LockOwner() int {
	pid := s.lockPID()
	if pid <= 0 {
		return 0
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return 0
	}
	return pid
}

// Unlock releases the lock taken by Lock.
func (s *Store) Unlock() {
	if s.lock != nil {
		_ = s.lock.Truncate(0)
		_ = s.lock.Close() // closing releases the flock
		s.lock = nil
	}
}

// ReadFile returns a file of the store; a missing file is empty.
func (s *Store) ReadFile(name string) ([]byte, error) {
	data, err := os.ReadFile(s.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// WriteFile replaces a file of the store atomically and durably.
func (s *Store) WriteFile(name string, data []byte) error {
	return WriteAtomic(s.Path(name), data)
}

// ReplaceFile replaces a file of the store atomically, without waiting for the disk: for
// a rendering, or a record the caller makes durable later (SyncFiles, Ledger.SyncWith).
func (s *Store) ReplaceFile(name string, data []byte) error {
	return Replace(s.Path(name), data)
}

// Plan reads and parses todo.md.
func (s *Store) Plan() (*plan.Plan, error) {
	src, err := s.ReadFile(TodoFile)
	if err != nil {
		return nil, fmt.Errorf("read the plan: %w", err)
	}
	return s.parse(src), nil
}

// parse parses todo.md's content, or returns the plan parsed from the same bytes last
// (or a copy of it, when only statuses changed since).
func (s *Store) parse(src []byte) *plan.Plan {
	last := s.parsed.Load()
	if last != nil && bytes.Equal(last.Src, src) {
		return last
	}
	var p *plan.Plan
	if last != nil {
		p = last.Reparse(src)
	} else {
		p = plan.Parse(src)
	}
	s.parsed.Store(p)
	return p
}

// ErrConflict says todo.md changed between reading it and writing it.
var ErrConflict = errors.New("todo.md changed since it was read")

// WritePlan writes todo.md if it still has the version the new content was made from.
func (s *Store) WritePlan(version string, src []byte) error {
	s.planMu.Lock()
	defer s.planMu.Unlock()
	return s.writePlan(version, src, WriteAtomic)
}

// writePlan checks the version and writes. A save of the user's can land between the
// two: an editor or a tool that writes in place changes the file this replaces, and
// the save would be lost. Read through a descriptor kept open across the write, the
// replaced file shows it; it is then put back, and the caller's retry applies its edit to
// it. (A save by rename in the same instant is not seen: its file is the one replaced.)
func (s *Store) writePlan(version string, src []byte, write func(path string, data []byte) error) error {
	path := s.Path(TodoFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if version != plan.VersionOf(nil) {
			return ErrConflict
		}
		return write(path, src)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	current, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if plan.VersionOf(current) != version {
		return ErrConflict
	}
	if err := write(path, src); err != nil {
		return err
	}
	replaced, err := io.ReadAll(io.NewSectionReader(f, 0, math.MaxInt64))
	if err != nil || bytes.Equal(replaced, current) {
		return err
	}
	if err := write(path, replaced); err != nil {
		return err
	}
	return ErrConflict
}

// UpdatePlan applies an edit to the current todo.md, writes it durably and returns the
// plan as written; when the file changes underneath (the user saved it), it re-reads and
// applies the edit again, a few times.
func (s *Store) UpdatePlan(edit func(*plan.Plan) ([]byte, error)) (*plan.Plan, error) {
	return s.updatePlan(edit, WriteAtomic)
}

// UpdatePlanUnsynced is UpdatePlan without waiting for the disk: the caller makes todo.md
// durable (SyncFiles, Ledger.SyncWith) when what it recorded must survive a crash of the
// machine.
func (s *Store) UpdatePlanUnsynced(edit func(*plan.Plan) ([]byte, error)) (*plan.Plan, error) {
	return s.updatePlan(edit, Replace)
}

func (s *Store) updatePlan(edit func(*plan.Plan) ([]byte, error), write func(path string, data []byte) error) (*plan.Plan, error) {
	s.planMu.Lock()
	defer s.planMu.Unlock()
	for attempt := 0; ; attempt++ {
		p, err := s.Plan()
		if err != nil {
			return nil, err
		}
		out, err := edit(p)
		if err != nil {
			return nil, err
		}
		if string(out) == string(p.Src) {
			return p, nil
		}
		err = s.writePlan(p.Version(), out, write)
		switch {
		case err == nil:
			return s.parse(out), nil
		case !errors.Is(err, ErrConflict) || attempt == 4:
			return nil, err
		}
	}
}

// TokenUsage counts a model's tokens.
type TokenUsage struct {
	Input      int `json:"input"` // every input token, from the provider's prompt cache or not
	Output     int `json:"output"`
	Cached     int `json:"cached,omitempty"`      // of Input, those read from the prompt cache
	CacheWrite int `json:"cache_write,omitempty"` // of Input, those written to it (Anthropic charges more)
}

// Add sums usage.
func (u *TokenUsage) Add(v TokenUsage) {
	u.Input += v.Input
	u.Output += v.Output
	u.Cached += v.Cached
	u.CacheWrite += v.CacheWrite
}

// Total is input plus output.
func (u TokenUsage) Total() int { return u.Input + u.Output }

// Mission states in loop-state.json.
const (
	StatePlanning  = "planning"
	StateRunning   = "running"
	StateReviewing = "reviewing"
	StateSealed    = "sealed"
	StateStopped   = "stopped"
)

// LoopState is loop-state.json: the mission as of its last transition.
type LoopState struct {
	Objective  string     `json:"objective"`
	Model      string     `json:"model,omitempty"`
	State      string     `json:"state"`
	Iteration  int        `json:"iteration"`
	StartedAt  time.Time  `json:"startedAt"`
	UpdatedAt  time.Time  `json:"updatedAt"`
	StopReason string     `json:"stopReason,omitempty"`
	Tokens     TokenUsage `json:"tokens"`
	CostUSD    float64    `json:"costUSD,omitzero"` // at the models' prices
	// Stagnation: iterations in a row without progress, whether the one re-plan was used,
	// and the progress mark they are measured against.
	Stagnant   int  `json:"stagnant"`
	Replanned  bool `json:"replanned"`
	BestDone   int  `json:"bestDone"`
	BestIssues int  `json:"bestIssues"`
	// IssuesIssued is the highest SYNC number given: ids are never reused.
	IssuesIssued int `json:"issuesIssued"`
	// ModelReviews counts the optional model reviewer's sessions.
	ModelReviews int `json:"modelReviews,omitzero"`
}

// Finished reports whether the mission ended (sealed or stopped).
func (st *LoopState) Finished() bool { return st.State == StateSealed || st.State == StateStopped }

// State reads loop-state.json; nil when there is no mission.
func (s *Store) State() (*LoopState, error) {
	data, err := s.ReadFile(StateFile)
	if err != nil || data == nil {
		return nil, err
	}
	var st LoopState
	if err := json.Unmarshal(data, &st); err != nil {
		// Written atomically, so damage came from outside: say how to go on.
		if p := located(data, err); p != nil {
			err = p
		}
		return nil, fmt.Errorf("%s is damaged (%w): restore it, or remove it to start a new mission (todo.md, the sync issues and the ledger stay)", s.Path(StateFile), err)
	}
	return &st, nil
}

// SaveState writes loop-state.json atomically, without waiting for the disk: the mission
// makes it durable with the ledger record of the state transition that follows
// (Ledger.SyncWith).
func (s *Store) SaveState(st *LoopState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return s.ReplaceFile(StateFile, append(data, '\n'))
}
