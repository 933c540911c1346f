// Package orchestrator runs missions: the plan in .opencode/todo.md, model sessions and
// their tools, scheduling, review and the .opencode/ journal. It knows nothing of LSP; the
// language server and the CLI render its events.
package orchestrator

// Version is the product version, stamped at build time by the Makefile
// (-ldflags "-X .../orchestrator.Version=...").
var Version = "0.1.0-dev"
