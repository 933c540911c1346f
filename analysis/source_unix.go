//go:build unix

package analysis

import (
	"io"
	"io/fs"

	"golang.org/x/sys/unix"
)

// openSource opens a file with the system calls alone: os.Open's registration with the
// poller and os.ReadFile's stat made reading a scan's small files cost twice as much.
// With O_NONBLOCK, a FIFO named like a source file cannot hang the scan.
func openSource(name string) (io.ReadCloser, error) {
	for {
		fd, err := unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return rawFile(fd), nil
	}
}

// rawFile is an open file descriptor read without the runtime's poller.
type rawFile int

func (f rawFile) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(f), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f rawFile) Close() error { return unix.Close(int(f)) }
