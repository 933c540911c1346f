package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// Ledger is mission-ledger.jsonl: one JSON object per line, appended, never rewritten.
// A crash can cut the last line short; reading skips it and the next append starts a
// fresh line.
type Ledger struct {
	// mu guards f and unsynced. It is not held during an fsync, so appends (every event
	// of every worker) never wait for the disk.
	mu       sync.Mutex
	syncMu   sync.Mutex // one sync at a time; taken before mu
	f        *os.File
	path     string
	unsynced bool // appended to since the last sync
}

// OpenLedger opens the ledger for appending, creating it when needed.
func (s *Store) OpenLedger() (*Ledger, error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	path := s.Path(LedgerFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	// A line cut short by a crash: end it, so the next record is a line of its own.
	if info, err := f.Stat(); err == nil && info.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, info.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte("\n")); err != nil {
				_ = f.Close()
				return nil, err
			}
		}
	}
	return &Ledger{f: f, path: path}, nil
}

// Append writes one record; SyncWith forces what was appended to disk.
func (l *Ledger) Append(record any) error {
	line, err := json.Marshal(record)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return errors.New("the ledger is closed")
	}
	if _, err := l.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("append to %s: %w", l.path, err)
	}
	l.unsynced = true
	return nil
}

// SyncWith forces the appended records to disk together with files written with Replace
// (on Linux one syncfs for all: SyncFiles). The mission syncs at every state transition,
// so a crash of the machine loses at most the tool-call summaries since the last one.
func (l *Ledger) SyncWith(paths ...string) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.mu.Lock()
	closed := l.f == nil
	l.unsynced = false
	l.mu.Unlock()
	if closed {
		return errors.New("the ledger is closed")
	}
	if err := SyncFiles(append(paths, l.path)); err != nil {
		l.mu.Lock()
		l.unsynced = true
		l.mu.Unlock()
		return err
	}
	return nil
}

// Close syncs and closes the ledger.
func (l *Ledger) Close() error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	var err error
	if l.unsynced {
		err = l.f.Sync()
	}
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// ReadLedger calls fn with every complete record of the ledger, in order. Lines that are
// not JSON (a line cut short by a crash) are skipped and counted.
func (s *Store) ReadLedger(fn func(record json.RawMessage) error) (skipped int, err error) {
	_, skipped, err = s.ReadLedgerFrom(0, fn)
	return skipped, err
}

// LedgerSize is the ledger's size in bytes (0 when there is none).
func (s *Store) LedgerSize() (int64, error) {
	info, err := os.Stat(s.Path(LedgerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// ReadLedgerFrom reads the records that start at byte offset from, which must be 0 or an
// offset it returned, and returns where the next unread line starts. A line still being
// written (no newline yet) is left for the next read.
func (s *Store) ReadLedgerFrom(from int64, fn func(record json.RawMessage) error) (next int64, skipped int, err error) {
	return s.readLedger(from, -1, fn)
}

// ReadLedgerBefore reads the records in the ledger's first end bytes: those it held when
// its size was end, whatever has been appended since.
func (s *Store) ReadLedgerBefore(end int64, fn func(record json.RawMessage) error) error {
	_, _, err := s.readLedger(0, end, fn)
	return err
}

// readLedger reads the records between the offsets from and end (the end of the file
// when end is negative).
func (s *Store) readLedger(from, end int64, fn func(record json.RawMessage) error) (next int64, skipped int, err error) {
	f, err := os.Open(s.Path(LedgerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return from, 0, err
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return from, 0, err
	}
	next = from
	var src io.Reader = f
	if end >= 0 {
		src = io.LimitReader(f, end-from)
	}
	r := bufio.NewReader(src)
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			return next, skipped, nil
		}
		if err != nil {
			return next, skipped, err
		}
		next += int64(len(line))
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			if !json.Valid(trimmed) {
				skipped++
			} else if ferr := fn(trimmed); ferr != nil {
				return next, skipped, ferr
			}
		}
	}
}
