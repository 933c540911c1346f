//go:build !unix

package analysis

import (
	"io"
	"os"
)

func openSource(name string) (io.ReadCloser, error) { return os.Open(name) }
