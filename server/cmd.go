package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Main is the `orchestrator lsp` subcommand: the language server on stdin/stdout.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lsp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	logFile := fs.String("log-file", "", "also append the server's log to this `file`")
	logLevel := fs.String("log-level", "info", "least important log `level` sent to the editor and the log file: debug, info, warn, error")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: orchestrator lsp [--log-file FILE] [--log-level LEVEL]

Runs the language server on stdin/stdout (LSP 3.18, Content-Length framing). Editors start
it; its log goes to the editor through window/logMessage and, with --log-file, to a file.

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "orchestrator lsp: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	level, err := parseLevel(*logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "orchestrator lsp: %v\n", err)
		return 2
	}
	opts := Options{LogLevel: level}
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "orchestrator lsp: cannot open the log file: %v\n", err)
			return 2
		}
		defer f.Close()
		opts.LogFile = f
	}
	if stdout == os.Stdout {
		// Stdout carries the protocol alone: a stray print anywhere would corrupt a frame.
		os.Stdout = os.Stderr
	}
	return Run(ctx, stdio{stdin, stdout}, opts)
}

// stdio joins the process's standard streams into the connection's transport.
type stdio struct {
	io.Reader
	io.Writer
}

func (s stdio) Close() error {
	var errs []error
	for _, c := range []any{s.Reader, s.Writer} {
		if closer, ok := c.(io.Closer); ok {
			errs = append(errs, closer.Close())
		}
	}
	return errors.Join(errs...)
}
