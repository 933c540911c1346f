package analysis

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
)

// A bug in the checks must not take the process down with it: the language server and
// a mission check between keystrokes and between workers. A panic while reading one
// file's facts, or while checking one file, leaves that file unchecked with a note
// saying what failed and where, and every other file is still checked.

// checksFault is a recovered panic of the checks on one file.
type checksFault struct{ note string }

func (e *checksFault) Error() string { return e.note }

// faultOf turns a recovered panic into the note of the file the checks failed on. It is
// called in the deferred function that recovered.
func faultOf(recovered any) *checksFault {
	return &checksFault{note: fmt.Sprintf("the checks failed on it (%v, at %s): a bug, please report it with this file", recovered, panicSite())}
}

// thisPackage prefixes the functions of this package in a stack trace.
var thisPackage = reflect.TypeFor[Index]().PkgPath() + "."

// panicSite is where in this package the panic being recovered happened: the first of
// its frames below the runtime's panic machinery, as file:line.
func panicSite() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	panicking := false
	for {
		frame, more := frames.Next()
		switch {
		case frame.Function == "runtime.gopanic":
			panicking = true
		case panicking && strings.HasPrefix(frame.Function, thisPackage):
			return fmt.Sprintf("%s:%d", filepath.Base(frame.File), frame.Line)
		}
		if !more {
			return "an unknown place"
		}
	}
}
