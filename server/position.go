package server

import (
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// The packages below the server count in bytes of UTF-8; the client counts in the
// negotiated encoding. Everything that crosses the boundary goes through a lineIndex.

// lineIndex maps between byte offsets in a text and LSP positions. Lines end at "\n",
// "\r\n" or a lone "\r", as the LSP specification says.
type lineIndex struct {
	text   string
	starts []int // byte offset where each line begins
}

func newLineIndex(text string) *lineIndex {
	starts := make([]int, 1, 1+len(text)/40)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{text: text, starts: starts}
}

// lineContent is line l without its terminator.
func (ix *lineIndex) lineContent(l int) (start, end int) {
	start = ix.starts[l]
	end = len(ix.text)
	if l+1 < len(ix.starts) {
		end = ix.starts[l+1]
	}
	for end > start && (ix.text[end-1] == '\n' || ix.text[end-1] == '\r') {
		end--
	}
	return start, end
}

// offset converts a client position to a byte offset. Positions past the end of a line
// or of the text are clamped, as the specification asks; a position inside a character
// (inside a surrogate pair or a multi-byte sequence) moves to that character's start.
func (ix *lineIndex) offset(pos protocol.Position, enc protocol.PositionEncodingKind) int {
	line := int(pos.Line)
	if line >= len(ix.starts) {
		return len(ix.text)
	}
	start, end := ix.lineContent(line)
	want := int(pos.Character)
	units := 0
	for off := start; off < end; {
		r, size := utf8.DecodeRuneInString(ix.text[off:end])
		next := units + unitsOf(r, size, enc)
		if next > want {
			return off
		}
		units = next
		off += size
		if units == want {
			return off
		}
	}
	return end
}

// position converts a byte offset (clamped to the text) to a client position.
func (ix *lineIndex) position(offset int, enc protocol.PositionEncodingKind) protocol.Position {
	offset = max(0, min(offset, len(ix.text)))
	line := searchLine(ix.starts, offset)
	start, end := ix.lineContent(line)
	offset = min(offset, end)
	units := 0
	for off := start; off < offset; {
		r, size := utf8.DecodeRuneInString(ix.text[off:end])
		units += unitsOf(r, size, enc)
		off += size
	}
	return protocol.Position{Line: uint32(line), Character: uint32(units)}
}

// unitsOf counts a decoded rune of size bytes in the client's encoding. An invalid byte
// decodes as U+FFFD of size 1, one unit in every encoding, which is what an editor shows
// in its place.
func unitsOf(r rune, size int, enc protocol.PositionEncodingKind) int {
	switch {
	case enc == protocol.PositionEncodingKindUTF8:
		return size
	case enc == protocol.PositionEncodingKindUTF16 && r >= 0x10000:
		return 2
	}
	return 1
}

// searchLine returns the line containing offset: the last start <= offset.
func searchLine(starts []int, offset int) int {
	lo, hi := 0, len(starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if starts[mid] <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
