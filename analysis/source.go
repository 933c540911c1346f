package analysis

import (
	"io"
	"slices"
)

// ReadFile reads a workspace file as the scan reads the sources: a FIFO reads as empty
// instead of waiting for a writer that never comes, and a file past the size limit is
// not read whole (its first maxFileBytes+1 bytes say that it is past it; the index skips
// it as oversized). The checks read every other file they consult (project files, source
// maps, the file a finding is in) so; so do the editor's checker and the mission, which
// looks at an item's files before its worker runs.
func ReadFile(name string) ([]byte, error) {
	return readSource(name, nil)
}

// readSource reads a workspace file into buf's memory (grown as needed), and no more
// than maxFileBytes+1 bytes of it: a larger file is not read whole (skipReason says
// why).
func readSource(name string, buf []byte) ([]byte, error) {
	f, err := openSource(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) > maxFileBytes {
			return buf, nil
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(len(buf), 16<<10))
		}
		n, err := f.Read(buf[len(buf):min(cap(buf), maxFileBytes+1)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, err
		}
	}
}
