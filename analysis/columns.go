package analysis

import (
	"bytes"
	"path/filepath"
	"unicode/utf16"
	"unicode/utf8"
)

// Tools count the columns they print in different units, and a finding's are bytes: on a
// line with emoji or CJK text the three differ, and a column taken in the wrong unit
// points past the token it names.
type columnUnit int

const (
	byteColumns  columnUnit = iota // Go, esbuild, clang
	utf16Columns                   // JavaScript's: V8's stack frames, tsc, eslint, source maps
	runeColumns                    // rustc's, Biome's
)

// units is how many units of u the rune r, size bytes long, takes.
func (u columnUnit) units(r rune, size int) int {
	switch u {
	case utf16Columns:
		return utf16.RuneLen(r) // an invalid byte is U+FFFD: one unit
	case runeColumns:
		return 1
	}
	return size
}

// lineCache reads the lines of files, once each.
type lineCache struct {
	root  string
	files map[string][][]byte // by workspace path; nil: unreadable
}

// line returns a file's 0-based line n; nil when it has none or cannot be read.
func (c *lineCache) line(file string, n int) []byte {
	lines, ok := c.files[file]
	if !ok {
		if c.files == nil {
			c.files = map[string][][]byte{}
		}
		if src, err := ReadFile(filepath.Join(c.root, filepath.FromSlash(file))); err == nil {
			lines = bytes.Split(src, []byte("\n"))
		}
		c.files[file] = lines
	}
	if n < 0 || n >= len(lines) {
		return nil
	}
	return lines[n]
}

// convert converts a 1-based column (0: unknown) on a 1-based line of file from one unit
// to another. Past the line's end (or without the file) a unit counts one of each.
func (c *lineCache) convert(file string, line, col int, from, to columnUnit) int {
	if col < 1 || from == to {
		return col
	}
	text := c.line(file, line-1)
	off, counted := 0, 0 // bytes of text passed, and the units of from they took
	converted := 0
	for off < len(text) && counted < col-1 {
		r, size := utf8.DecodeRune(text[off:])
		off += size
		counted += from.units(r, size)
		converted += to.units(r, size)
	}
	return converted + max(col-1-counted, 0) + 1
}
