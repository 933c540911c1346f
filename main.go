// Command orchestrator is a language server that hosts a multi-agent coding orchestrator.
// This file only dispatches subcommands; each lives in the package it belongs to.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/opencode-orchestrator/orchestrator/analysis"
	"github.com/opencode-orchestrator/orchestrator/orchestrator"
	"github.com/opencode-orchestrator/orchestrator/orchestrator/plan"
	"github.com/opencode-orchestrator/orchestrator/server"
)

type subcommand struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var subcommands []subcommand

func init() {
	// Set in init: help reads the table it is part of.
	subcommands = []subcommand{
		{"lsp", "run the language server on stdin/stdout (editors start this)", server.Main},
		{"task", "run a mission in the current directory, headless, with live progress", orchestrator.TaskCommand},
		{"check", "run the deterministic checks on a directory; no model needed", analysis.CheckCommand(analysis.CheckOptions{
			Version: orchestrator.Version, Sources: []func(string) ([]analysis.Diagnostic, error){plan.CheckWorkspace}, Commands: orchestrator.ProjectCommands,
		})},
		{"status", "print the mission state of a workspace", orchestrator.StatusCommand},
		{"version", "print the version", printVersion},
		{"help", "show this help, or a subcommand's: orchestrator help SUBCOMMAND", help},
	}
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] { // the flags people type from habit
	case "-h", "-help", "--help":
		return help(ctx, args[1:], stdin, stdout, stderr)
	case "-version", "--version":
		args[0] = "version"
	}
	for _, c := range subcommands {
		switch {
		case c.name != args[0]:
		case c.name == "lsp": // its stdout is the protocol's stream
			return c.run(ctx, args[1:], stdin, stdout, stderr)
		default:
			out := &outputWriter{w: stdout}
			return out.judged(c.name, c.run(ctx, args[1:], stdin, out, stderr), stderr)
		}
	}
	fmt.Fprintf(stderr, "orchestrator: unknown subcommand %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: orchestrator SUBCOMMAND [flags] [arguments]\n\nsubcommands:\n")
	for _, c := range subcommands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

// help prints the overview and every subcommand's own usage (each prints it for -h), or
// one subcommand's usage when named.
func help(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "usage: orchestrator help [SUBCOMMAND]")
		return 2
	}
	for _, c := range subcommands {
		if len(args) == 1 && c.name == args[0] {
			return c.run(ctx, []string{"-h"}, stdin, stdout, stdout)
		}
	}
	if len(args) == 1 {
		fmt.Fprintf(stderr, "orchestrator help: unknown subcommand %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	usage(stdout)
	for _, c := range subcommands {
		if c.name == "help" {
			continue
		}
		fmt.Fprintln(stdout)
		c.run(ctx, []string{"-h"}, stdin, stdout, stdout)
	}
	return 0
}

func printVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stderr, "usage: orchestrator version\n\nPrints the version.\n")
		return 0
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "orchestrator version: unexpected argument %q\nusage: orchestrator version\n", args[0])
		return 2
	}
	fmt.Fprintf(stdout, "orchestrator %s\n", orchestrator.Version)
	return 0
}

// outputWriter keeps the first error writing a subcommand's output: a report sent to a
// full disk or a closed pipe must not end as a success.
type outputWriter struct {
	w   io.Writer
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if o.err == nil {
		o.err = err
	}
	return n, err
}

// judged is a subcommand's exit code once its output is judged: an output it could not
// write is an I/O error (2), said on stderr unless the subcommand said it. A mission's
// code stays: it says how the mission ended, which a lost report does not change.
func (o *outputWriter) judged(name string, code int, stderr io.Writer) int {
	if o.err == nil || code == 2 {
		return code
	}
	fmt.Fprintf(stderr, "orchestrator %s: writing the output: %v\n", name, o.err)
	if name == "task" {
		return code
	}
	return 2
}
