package session

import (
	"fmt"
	"strings"
)

// Models write and copy text with bare newlines, whatever the file had: a file whose
// lines end in CRLF keeps them through write_file and edit_file.

// endsLinesWithCRLF says whether most of a file's lines end in CRLF.
func endsLinesWithCRLF(data string) bool {
	return strings.Count(data, "\r\n") > strings.Count(data, "\n")/2
}

func withCRLF(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// withLineEndingsOf writes old and new with CRLF line endings when the file has them and
// old has none.
func withLineEndingsOf(data, old, repl string) (string, string, bool) {
	if !endsLinesWithCRLF(data) || strings.Contains(old, "\r") || !strings.Contains(old, "\n") {
		return old, repl, false
	}
	return withCRLF(old), withCRLF(repl), true
}

// whereOldDiffers says where old text that occurs nowhere in a file comes closest to it,
// so the model can correct its copy instead of reading the whole file again: the place
// whose lines match old's longest run from its first non-blank line, compared without
// their leading and trailing spaces, or, when no line is old's first, the line nearest
// to it (closestLine). It returns "" when no line is near.
func whereOldDiffers(data, old string) string {
	file := strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n")
	if file[len(file)-1] == "" {
		file = file[:len(file)-1] // what follows the final newline is no line
	}
	want := strings.Split(strings.ReplaceAll(old, "\r\n", "\n"), "\n")
	for len(want) > 0 && strings.TrimSpace(want[0]) == "" {
		want = want[1:]
	}
	for len(want) > 0 && strings.TrimSpace(want[len(want)-1]) == "" {
		want = want[:len(want)-1]
	}
	if len(want) == 0 {
		return ""
	}
	bestAt, bestRun := -1, 0
	for i := range file {
		run := 0
		for i+run < len(file) && run < len(want) && strings.TrimSpace(file[i+run]) == strings.TrimSpace(want[run]) {
			run++
		}
		if run > bestRun {
			bestAt, bestRun = i, run
		}
		if run == len(want) {
			break
		}
	}
	switch {
	case bestRun == 0:
		if at := closestLine(file, want[0]); at >= 0 {
			return fmt.Sprintf("no line of the file is old's first line; the nearest, line %d, reads %s", at+1, quoteLine(file[at]))
		}
		return ""
	case bestRun == len(want):
		return fmt.Sprintf("lines %d to %d match it only if spaces and tabs at the start and end of lines are ignored; copy the indentation exactly", bestAt+1, bestAt+bestRun)
	case bestAt+bestRun == len(file):
		return fmt.Sprintf("the file ends with old's first %s, from line %d; the rest is not there", countLines(bestRun), bestAt+1)
	}
	return fmt.Sprintf("the file has old's first %s at line %d, but line %d reads %s where old has %s", countLines(bestRun), bestAt+1, bestAt+bestRun+1,
		quoteLine(file[bestAt+bestRun]), quoteLine(want[bestRun]))
}

// closestLine returns the line of file that holds the text nearest to line (a misspelt
// name, a changed argument: at most a quarter of its characters edited), or -1. The
// distance is the edit distance of line to the best-matching part of a file line, so a
// copy of part of a line counts as near.
func closestLine(file []string, line string) int {
	const longest, mostCells = 200, 20_000_000 // bounds on the work for a huge file or line
	pattern := []rune(strings.TrimSpace(line))
	if len(pattern) < 4 {
		return -1 // too short to be told from chance
	}
	pattern = pattern[:min(len(pattern), longest)]
	best, bestAt, cells := len(pattern)/4+1, -1, 0
	prev, cur := make([]int, len(pattern)+1), make([]int, len(pattern)+1)
	for i, text := range file {
		if cells > mostCells || best == 0 {
			break
		}
		// Sellers' algorithm: cur[k] is the distance of pattern[:k] to the best part of
		// text ending here; a part may start anywhere, so row 0 stays 0.
		for k := range prev {
			prev[k] = k
		}
		nearest := prev[len(pattern)]
		for n, r := range []rune(strings.TrimSpace(text)) {
			if n == 2*longest {
				break
			}
			cur[0] = 0
			for k, p := range pattern {
				cost := 1
				if p == r {
					cost = 0
				}
				cur[k+1] = min(prev[k]+cost, prev[k+1]+1, cur[k]+1)
			}
			nearest = min(nearest, cur[len(pattern)])
			prev, cur = cur, prev
			cells += len(pattern)
		}
		if nearest < best {
			best, bestAt = nearest, i
		}
	}
	return bestAt
}

func countLines(n int) string {
	if n == 1 {
		return "line"
	}
	return fmt.Sprintf("%d lines", n)
}

// quoteLine quotes a line, cut to a length a model reads at a glance.
func quoteLine(s string) string {
	const most = 160
	s = strings.TrimSpace(s)
	if len(s) > most {
		s = strings.ToValidUTF8(s[:most], "") + "…"
	}
	return "`" + s + "`"
}
