package orchestrator

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/opencode-orchestrator/orchestrator/orchestrator/store"
)

// Decision is the answer to a request to run a command.
type Decision int

const (
	Deny Decision = iota
	AllowOnce
	AllowAlways // for the rest of the mission
)

// Approver decides about commands that are not allow-listed: the CLI by its --approve
// flag, the language server by asking in the editor.
type Approver interface {
	Approve(ctx context.Context, command string) (Decision, error)
}

// FixedApprover answers every request the same way.
type FixedApprover Decision

func (f FixedApprover) Approve(context.Context, string) (Decision, error) { return Decision(f), nil }

// approvals applies the configuration: the build and test commands and the allow list
// run; in mode "all" everything runs; in mode "none" nothing else; otherwise the
// Approver is asked, and "always" is remembered for the mission.
type approvals struct {
	mode     string
	allowed  []string // exact commands and prefixes
	approver Approver

	mu     sync.Mutex
	always []string
}

func newApprovals(cfg store.Config, commands []string, approver Approver) *approvals {
	a := &approvals{mode: cfg.Approve.Mode, approver: approver}
	a.allow(append(commands, cfg.Approve.Allow...)...)
	return a
}

// allow adds commands to the allowed ones: the configuration's, and the project's build
// and test commands, also those found once a worker wrote the project's go.mod.
func (a *approvals) allow(commands ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range commands {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(a.allowed, c) {
			a.allowed = append(a.allowed, c)
		}
	}
}

// allowListed: the command is an allowed one, or starts with one followed by arguments.
// A command that chains others (;, &&, |, backquotes, $()) is never allow-listed.
func (a *approvals) allowListed(command string) bool {
	command = strings.TrimSpace(command)
	if strings.ContainsAny(command, ";&|`$<>\n") {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, allowed := range append(slices.Clone(a.allowed), a.always...) {
		if command == allowed || strings.HasPrefix(command, allowed+" ") {
			return true
		}
	}
	return false
}

// check returns the decision for a command and who made it, for the ledger. An approver
// that cannot answer (no editor support, no answer in time) denies.
func (a *approvals) check(ctx context.Context, command string) (Decision, string) {
	switch {
	case a.allowListed(command):
		return AllowOnce, "allow-listed"
	case a.mode == store.ApproveAll:
		return AllowOnce, "approve mode all"
	case a.mode == store.ApproveNone || a.approver == nil:
		return Deny, "approve mode none"
	}
	d, err := a.approver.Approve(ctx, command)
	if err != nil {
		return Deny, err.Error()
	}
	if d == AllowAlways {
		a.mu.Lock()
		a.always = append(a.always, strings.TrimSpace(command))
		a.mu.Unlock()
	}
	return d, "by the user"
}
