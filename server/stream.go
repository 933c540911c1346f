package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// maxFrameBytes bounds one message body; a larger declared length is treated as garbage.
const maxFrameBytes = 256 << 20

var contentLengthHeader = []byte("content-length:")

// stream is the LSP base protocol ("Content-Length" framing) made forgiving: jsonrpc2's
// own framer ends the connection on the first malformed frame, while an editor should
// keep its language server after one bad message. A body that is not JSON-RPC is
// answered with a JSON-RPC error; a wrong Content-Length is recovered from by
// resynchronising on the next header.
type stream struct {
	rwc      io.ReadWriteCloser
	in       *bufio.Reader
	pushback []byte // bytes read too far, consumed before in
	warn     func(msg string)

	writeMu sync.Mutex
	wbuf    []byte
}

func newStream(rwc io.ReadWriteCloser, warn func(string)) *stream {
	return &stream{rwc: rwc, in: bufio.NewReaderSize(rwc, 64<<10), warn: warn}
}

// Read returns the next well-formed message. Malformed ones are answered and skipped.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.readBody()
		if err != nil {
			return nil, 0, err
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		if err == nil {
			return msg, n, nil
		}
		s.reject(ctx, body, err)
	}
}

// reject answers a body that is not a valid JSON-RPC message. When the body is JSON
// with a usable id, the error goes to that id so the client's request is not left
// waiting; otherwise to a null id, as JSON-RPC prescribes.
func (s *stream) reject(ctx context.Context, body []byte, decodeErr error) {
	var wireErr *jsonrpc2.Error
	if !json.Valid(body) {
		wireErr = jsonrpc2.NewError(jsonrpc2.ParseError, "parse error: the message body is not valid JSON")
	} else if bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
		wireErr = jsonrpc2.NewError(jsonrpc2.InvalidRequest, "invalid request: JSON-RPC batches are not used by LSP")
	} else {
		wireErr = jsonrpc2.NewError(jsonrpc2.InvalidRequest, "invalid request: "+decodeErr.Error())
	}
	s.warn(fmt.Sprintf("rejected a malformed message (%s): %.200q", wireErr.Message, body))
	var envelope struct {
		ID     json.RawMessage `json:"id"`
		Method json.RawMessage `json:"method"`
	}
	id := jsonrpc2.ID{}
	if json.Unmarshal(body, &envelope) == nil {
		if n, err := strconv.ParseInt(string(envelope.ID), 10, 64); err == nil {
			id = jsonrpc2.NewNumberID(n)
		} else if str, err := strconv.Unquote(string(envelope.ID)); err == nil && envelope.ID[0] == '"' {
			id = jsonrpc2.NewStringID(str)
		} else if envelope.Method != nil && envelope.ID == nil {
			return // a broken notification gets no answer
		}
	}
	_, _ = s.Write(ctx, jsonrpc2.NewResponse(id, nil, wireErr))
}

// readBody reads one header block and its body, skipping anything that is not a header.
func (s *stream) readBody() ([]byte, int64, error) {
	length, read := -1, int64(0)
	skipped := 0
	for {
		line, err := s.readLine()
		read += int64(len(line))
		if err != nil {
			if errors.Is(err, io.EOF) && (length >= 0 || skipped > 0) {
				err = io.ErrUnexpectedEOF
			}
			return nil, read, err
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			if length > 0 {
				break
			}
			continue // a stray blank line, or a header block without a usable length
		}
		i := indexFold(trimmed, contentLengthHeader)
		switch {
		case i >= 0:
			skipped += i
			n, err := strconv.Atoi(string(bytes.TrimSpace(trimmed[i+len(contentLengthHeader):])))
			if err != nil || n <= 0 || n > maxFrameBytes {
				s.warn(fmt.Sprintf("ignoring a frame with an invalid Content-Length header %q", trimmed))
				length = -1
				continue
			}
			length = n
		case length >= 0 && bytes.IndexByte(trimmed, ':') > 0:
			// Another header of the same block (Content-Type): nothing to do.
		default:
			skipped += len(line)
			length = -1
		}
	}
	if skipped > 0 {
		s.warn(fmt.Sprintf("skipped %d bytes that were not part of any frame", skipped))
	}
	body, err := s.readN(length)
	read += int64(len(body))
	return body, read, err
}

// readN reads a body of the declared length. If the declared length is too large, the
// next frame's header shows up inside the body right after a complete JSON value: the
// body ends there and the rest is kept for the next read, rather than swallowing the
// following messages while waiting for bytes that never come.
func (s *stream) readN(length int) ([]byte, error) {
	body := make([]byte, 0, min(length, 64<<10))
	for len(body) < length {
		searchFrom := max(0, len(body)-len(contentLengthHeader))
		chunk, err := s.readSome(length - len(body))
		body = append(body, chunk...)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if len(body) == length {
			break
		}
		if i := indexFold(body[searchFrom:], contentLengthHeader); i >= 0 {
			end := searchFrom + i
			if json.Valid(body[:end]) {
				s.warn(fmt.Sprintf("a frame declared Content-Length %d but held %d bytes", length, end))
				s.pushback = append(bytes.Clone(body[end:]), s.pushback...)
				return body[:end], nil
			}
		}
	}
	return body, nil
}

func (s *stream) readLine() ([]byte, error) {
	if len(s.pushback) > 0 {
		if i := bytes.IndexByte(s.pushback, '\n'); i >= 0 {
			line := s.pushback[:i+1]
			s.pushback = s.pushback[i+1:]
			return line, nil
		}
		head := s.pushback
		s.pushback = nil
		rest, err := s.in.ReadBytes('\n')
		return append(head, rest...), err
	}
	return s.in.ReadBytes('\n')
}

// readSome returns at most n bytes, blocking only when nothing is buffered.
func (s *stream) readSome(n int) ([]byte, error) {
	if len(s.pushback) > 0 {
		k := min(n, len(s.pushback))
		chunk := s.pushback[:k]
		s.pushback = s.pushback[k:]
		return chunk, nil
	}
	buf := make([]byte, min(n, 64<<10))
	k, err := s.in.Read(buf)
	return buf[:k], err
}

// Write frames msg and writes it with a single Write call, so concurrent writers never
// interleave.
func (s *stream) Write(_ context.Context, msg jsonrpc2.Message) (int64, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	body := jsonrpc2.AppendMessage(nil, msg)
	s.wbuf = append(s.wbuf[:0], "Content-Length: "...)
	s.wbuf = strconv.AppendInt(s.wbuf, int64(len(body)), 10)
	s.wbuf = append(s.wbuf, "\r\n\r\n"...)
	s.wbuf = append(s.wbuf, body...)
	n, err := s.rwc.Write(s.wbuf)
	return int64(n), err
}

func (s *stream) Close() error { return s.rwc.Close() }

// indexFold is bytes.Index ignoring ASCII case; needle must be lower case.
func indexFold(haystack, needle []byte) int {
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if bytes.EqualFold(haystack[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}
