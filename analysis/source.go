package analysis

import (
	"io"
	"slices"
)

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
		if len(buf) == cap(buf) {
			if len(buf) > maxFileBytes {
				return buf, nil
			}
			buf = slices.Grow(buf, max(len(buf), 16<<10))
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, err
		}
	}
}
