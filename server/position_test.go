package server

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

const (
	utf8Enc  = protocol.PositionEncodingKindUTF8
	utf16Enc = protocol.PositionEncodingKindUTF16
)

func TestPositionConversionOnMultiByteText(t *testing.T) {
	// Line 0: "é" is 2 bytes, 1 UTF-16 unit. Line 1: CJK 3 bytes, 1 unit each, after a CRLF.
	// Line 2: an emoji is 4 bytes and 2 UTF-16 units (a surrogate pair). Line 3 follows a lone CR.
	text := "café = 1\r\n日本語x\n🎉y🎈\rlast"
	ix := newLineIndex(text)
	cases := []struct {
		name   string
		pos    protocol.Position
		enc    protocol.PositionEncodingKind
		offset int
	}{
		{"after é, utf-16", protocol.Position{Line: 0, Character: 4}, utf16Enc, 5},
		{"after é, utf-8", protocol.Position{Line: 0, Character: 5}, utf8Enc, 5},
		{"end of a CRLF line", protocol.Position{Line: 0, Character: 8}, utf16Enc, 9},
		{"past the end of a line clamps before CRLF", protocol.Position{Line: 0, Character: 99}, utf16Enc, 9},
		{"after two CJK characters", protocol.Position{Line: 1, Character: 2}, utf16Enc, 11 + 6},
		{"after two CJK characters, utf-8", protocol.Position{Line: 1, Character: 6}, utf8Enc, 11 + 6},
		{"inside a CJK character, utf-8, snaps back", protocol.Position{Line: 1, Character: 4}, utf8Enc, 11 + 3},
		{"after an emoji", protocol.Position{Line: 2, Character: 2}, utf16Enc, 22 + 4},
		{"inside a surrogate pair snaps back", protocol.Position{Line: 2, Character: 1}, utf16Enc, 22},
		{"after emoji, letter, emoji", protocol.Position{Line: 2, Character: 5}, utf16Enc, 22 + 9},
		{"after a lone CR", protocol.Position{Line: 3, Character: 0}, utf16Enc, 32},
		{"end of text", protocol.Position{Line: 3, Character: 4}, utf16Enc, len(text)},
		{"past the last line", protocol.Position{Line: 40, Character: 0}, utf16Enc, len(text)},
	}
	for _, c := range cases {
		if got := ix.offset(c.pos, c.enc); got != c.offset {
			t.Errorf("%s: offset(%v, %s) = %d, want %d", c.name, c.pos, c.enc, got, c.offset)
		}
	}
	if got := ix.position(22+4, utf16Enc); got != (protocol.Position{Line: 2, Character: 2}) {
		t.Errorf("position after the emoji = %v", got)
	}
	if got := ix.position(9, utf16Enc); got != (protocol.Position{Line: 0, Character: 8}) {
		t.Errorf("position of the CR of a CRLF = %v", got)
	}
	if got := ix.position(10, utf16Enc); got != (protocol.Position{Line: 0, Character: 8}) {
		t.Errorf("position between CR and LF = %v, want the end of the line", got)
	}
}

func TestPositionCountsInvalidUTF8AsOneUnit(t *testing.T) {
	text := "a\xffb"
	ix := newLineIndex(text)
	if got := ix.offset(protocol.Position{Character: 2}, utf16Enc); got != 2 {
		t.Errorf("offset after an invalid byte = %d, want 2", got)
	}
	if got := ix.position(3, utf16Enc); got.Character != 3 {
		t.Errorf("position at the end = %v, want character 3", got)
	}
}

// FuzzPositionRoundTrip checks, on any text, that every character boundary survives
// offset -> position -> offset in both encodings, and that UTF-16 columns agree with a
// count made by the standard library's UTF-16 encoder.
func FuzzPositionRoundTrip(f *testing.F) {
	for _, seed := range []string{"", "a\nb", "é\r\n日本\r🎉x", "\r\r\n\n", "a\xff\xfe🎈"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ix := newLineIndex(text)
		lineStart := 0
		for off := 0; off <= len(text); {
			for _, enc := range []protocol.PositionEncodingKind{utf8Enc, utf16Enc} {
				pos := ix.position(off, enc)
				if back := ix.offset(pos, enc); back != off && !insideLineBreak(text, off) {
					t.Fatalf("%q: offset %d -> %v (%s) -> %d", text, off, pos, enc, back)
				}
			}
			if off < len(text) && (text[off] == '\n' || text[off] == '\r') {
				if text[off] == '\r' && off+1 < len(text) && text[off+1] == '\n' {
					off++
				}
				off++
				lineStart = off
				continue
			}
			if pos := ix.position(off, utf16Enc); !insideLineBreak(text, off) {
				want := len(utf16.Encode([]rune(text[lineStart:off])))
				if int(pos.Character) != want {
					t.Fatalf("%q: offset %d has UTF-16 column %d, want %d", text, off, pos.Character, want)
				}
			}
			if off == len(text) {
				break
			}
			_, size := utf8.DecodeRuneInString(text[off:])
			off += size
		}
	})
}

func insideLineBreak(text string, off int) bool {
	return off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n'
}
