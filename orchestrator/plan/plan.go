// Package plan is the model of .opencode/todo.md: any markdown, whose checkbox list items,
// at every depth, are the plan's items. It parses, validates (the plan-* rules), computes
// the ready set and rewrites single items in place, so the user's formatting survives.
package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Status is an item's state, written as its checkbox marker.
type Status string

const (
	Pending    Status = "pending"     // [ ]
	InProgress Status = "in_progress" // [/]
	Done       Status = "done"        // [x]
	Cancelled  Status = "cancelled"   // [-]
)

var markers = map[Status]byte{Pending: ' ', InProgress: '/', Done: 'x', Cancelled: '-'}

// ParseStatus reads a status as the tools and commands write it.
func ParseStatus(s string) (Status, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pending", "todo", " ":
		return Pending, true
	case "in_progress", "in-progress", "running", "/":
		return InProgress, true
	case "done", "completed", "complete", "x":
		return Done, true
	case "cancelled", "canceled", "-":
		return Cancelled, true
	}
	return "", false
}

// Meta is one `| key:value` of an item, in the order written.
type Meta struct {
	Key, Value string
	Start      int // byte offset of the key in the file
}

// Item is one checkbox list item.
type Item struct {
	ID     string // "" when it has none yet
	Title  string // the text between the id and the metadata
	Status Status
	Meta   []Meta
	Depth  int // 0 for a top-level item
	Parent *Item
	Items  []*Item // children
	lists  *lists  // read from Meta once: the dispatcher asks at every turn

	Line        int // 0-based line number
	index       int // in the plan's Items
	Start, End  int // byte offsets of the line, without its line ending
	markerAt    int // byte offset of the character inside the brackets
	idStart     int // byte offset of the id, or where one would go
	indent      string
	bullet      string // "- ", "* ", "1. "
	contentFrom int    // byte offset after "[x] "
}

// Get returns the value of a metadata key, "" when absent.
func (it *Item) Get(key string) string {
	for _, m := range it.Meta {
		if m.Key == key {
			return m.Value
		}
	}
	return ""
}

// list gathers a list-valued metadata key's entries: comma-separated, and the key may
// be repeated (`file:a.go | file:b.go`).
func (it *Item) list(key string) []string {
	var out []string
	for _, m := range it.Meta {
		if m.Key == key {
			for _, e := range entries(m.Value) {
				out = append(out, e.text)
			}
		}
	}
	return out
}

// entry is one entry of a comma-separated metadata value, at its byte offset in it.
type entry struct {
	text   string
	offset int
}

func entries(value string) []entry {
	var out []entry
	offset := 0
	for part := range strings.SplitSeq(value, ",") {
		if text := strings.TrimSpace(part); text != "" {
			out = append(out, entry{text, offset + strings.Index(part, text)})
		}
		offset += len(part) + 1
	}
	return out
}

// lists are an item's list-valued metadata, split.
type lists struct{ files, depends []string }

// Files are the files the item's worker may write. The slice is the item's: not to be
// changed.
func (it *Item) Files() []string { return it.lists.files }

// Depends are the ids the item waits for. The slice is the item's: not to be changed.
func (it *Item) Depends() []string { return it.lists.depends }

// Blocked returns the reason of `status:blocked:<reason>`, and whether the item is blocked.
func (it *Item) Blocked() (string, bool) {
	s := it.Get("status")
	if s != "blocked" && !strings.HasPrefix(s, "blocked:") {
		return "", false
	}
	return strings.TrimPrefix(strings.TrimPrefix(s, "blocked"), ":"), true
}

// Finished reports whether the item needs no more work: done or cancelled, and for a
// parent, every child finished.
func (it *Item) Finished() bool {
	if len(it.Items) == 0 {
		return it.Status == Done || it.Status == Cancelled
	}
	if it.Status == Cancelled {
		return true
	}
	for _, c := range it.Items {
		if !c.Finished() {
			return false
		}
	}
	return true
}

// Plan is a parsed todo.md. It is never changed once parsed (edits return new content),
// so one plan may be read by several goroutines.
type Plan struct {
	Src   []byte
	Items []*Item // every item, in document order
	Roots []*Item // top-level items
	// byID, sharedIDs and inCycle depend on the items' ids, dependencies and nesting
	// only, which a status change keeps: Reparse shares them with the plan it copies.
	byID      map[string]int  // an id's first item, by index in Items
	sharedIDs map[string]bool // ids more than one item has
	inCycle   func() []bool   // by index in Items: the item is on a dependency cycle
}

// Version is the version of the plan's content: an update names the version it read.
// It is computed when asked: the mission makes a plan at every turn and updates few.
func (p *Plan) Version() string { return VersionOf(p.Src) }

// VersionOf is the version of a todo.md's content.
func VersionOf(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:8])
}

// Item returns the item with an id (the first, when the id is duplicated).
func (p *Plan) Item(id string) *Item {
	if i, ok := p.byID[id]; ok {
		return p.Items[i]
	}
	return nil
}

var (
	fence   = regexp.MustCompile("^[ \t]{0,3}(```+|~~~+)")
	heading = regexp.MustCompile(`^[ \t]{0,3}#{1,6}([ \t]|$)`)
)

// fenceRun is the "```" or "~~~" run that opens or closes a code block on this line, or "".
func fenceRun(line string) string {
	if !mayOpenBlock(line) {
		return ""
	}
	if m := fence.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	return ""
}

func isHeading(line string) bool { return mayOpenBlock(line) && heading.MatchString(line) }

// mayOpenBlock is a cheap test before the fence and heading regexps, which every line
// of the plan meets at every update: only a line whose first non-blank character
// (within three) is "`", "~" or "#" can be either.
func mayOpenBlock(line string) bool {
	for i := 0; i < len(line) && i < 4; i++ {
		switch line[i] {
		case ' ', '\t':
			continue
		case '`', '~', '#':
			return true
		}
		return false
	}
	return false
}

// Parse reads a todo.md. Every input parses: lines that are not checkbox items (prose,
// headings, code blocks) are kept as they are and carry no meaning.
func Parse(src []byte) *Plan {
	p := &Plan{Src: src, byID: map[string]int{}}
	p.inCycle = sync.OnceValue(p.cycleMembers)
	text := string(src) // one copy: lines, ids, titles and metadata are slices of it
	type open struct {
		width int
		item  *Item
	}
	var stack []open
	inFence := ""
	offset := 0
	for lineNo := 0; offset <= len(src); lineNo++ {
		end := bytes.IndexByte(src[offset:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += offset
		}
		line := strings.TrimSuffix(text[offset:end], "\r")
		start := offset
		offset = end + 1

		if run := fenceRun(line); run != "" {
			switch {
			case inFence == "":
				inFence = run
			case strings.HasPrefix(run, inFence[:1]) && len(run) >= len(inFence):
				inFence = ""
			}
			continue
		}
		if inFence != "" {
			continue
		}
		if isHeading(line) {
			stack = stack[:0] // a heading ends every list
			continue
		}
		m := matchItemLine(line)
		if m == nil {
			continue
		}
		it := parseItem(line, start, m)
		it.Line = lineNo
		width := indentWidth(it.indent)
		for len(stack) > 0 && stack[len(stack)-1].width >= width {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			it.Parent = stack[len(stack)-1].item
			it.Depth = it.Parent.Depth + 1
			it.Parent.Items = append(it.Parent.Items, it)
		} else {
			p.Roots = append(p.Roots, it)
		}
		stack = append(stack, open{width, it})
		it.index = len(p.Items)
		p.Items = append(p.Items, it)
		if _, seen := p.byID[it.ID]; it.ID != "" && !seen {
			p.byID[it.ID] = it.index
		} else if seen {
			if p.sharedIDs == nil {
				p.sharedIDs = map[string]bool{}
			}
			p.sharedIDs[it.ID] = true
		}
	}
	return p
}

// Reparse is Parse(src) for src that is p's content after edits. When the edits changed
// only checkbox markers, as a status update does, the items are copied with their new
// statuses instead of parsed again: the mission applies its pending status changes to
// the plan at every turn, and parsing a plan of hundreds of items each time was most of
// what a turn allocated.
func (p *Plan) Reparse(src []byte) *Plan {
	if len(src) != len(p.Src) || len(p.Items) == 0 {
		return Parse(src)
	}
	last := 0
	for _, it := range p.Items { // markers are in document order
		if !bytes.Equal(src[last:it.markerAt], p.Src[last:it.markerAt]) || !strings.ContainsRune(" xX/-", rune(src[it.markerAt])) {
			return Parse(src)
		}
		last = it.markerAt + 1
	}
	if !bytes.Equal(src[last:], p.Src[last:]) {
		return Parse(src)
	}
	q := &Plan{Src: src, byID: p.byID, sharedIDs: p.sharedIDs, inCycle: p.inCycle}
	items := make([]Item, len(p.Items))
	q.Items = make([]*Item, len(p.Items))
	for i, it := range p.Items {
		items[i] = *it
		q.Items[i] = &items[i]
	}
	copied := func(its []*Item) []*Item {
		out := make([]*Item, len(its))
		for i, it := range its {
			out[i] = q.Items[it.index]
		}
		return out
	}
	for _, it := range q.Items {
		it.Status = markerStatus(src[it.markerAt])
		if it.Parent != nil {
			it.Parent = q.Items[it.Parent.index]
		}
		if it.Items != nil {
			it.Items = copied(it.Items)
		}
	}
	q.Roots = copied(p.Roots)
	return q
}

// matchItemLine recognises a list item with a checkbox (indentation, a bullet "-", "*",
// "+" or "1." / "1)", blanks, "[x]", then blanks or the end) and returns the offsets a
// regexp's FindStringSubmatchIndex would: whole match, indentation, bullet, marker. It is
// written out because plans are parsed on every update and a regexp costs ten times more.
func matchItemLine(line string) []int {
	i := 0
	for i < len(line) && isBlank(line[i]) {
		i++
	}
	indentEnd, bulletStart := i, i
	switch {
	case i < len(line) && (line[i] == '-' || line[i] == '*' || line[i] == '+'):
		i++
	default:
		for i < len(line) && line[i] >= '0' && line[i] <= '9' && i-bulletStart < 9 {
			i++
		}
		if i == bulletStart || i >= len(line) || line[i] != '.' && line[i] != ')' {
			return nil
		}
		i++
	}
	bulletEnd := i
	for i < len(line) && isBlank(line[i]) {
		i++
	}
	if i == bulletEnd || i+3 > len(line) || line[i] != '[' || line[i+2] != ']' || !strings.ContainsRune(" xX/-", rune(line[i+1])) {
		return nil
	}
	marker := i + 1
	i += 3
	if i < len(line) && !isBlank(line[i]) {
		return nil
	}
	for i < len(line) && isBlank(line[i]) {
		i++
	}
	return []int{0, i, 0, indentEnd, bulletStart, bulletEnd, marker, marker + 1}
}

// indentWidth counts a tab as four columns, as markdown does for list nesting.
func indentWidth(indent string) int {
	w := 0
	for _, r := range indent {
		if r == '\t' {
			w += 4 - w%4
		} else {
			w++
		}
	}
	return w
}

func parseItem(line string, start int, m []int) *Item {
	it := &Item{
		Start:       start,
		End:         start + len(line),
		indent:      line[m[2]:m[3]],
		bullet:      line[m[4]:m[5]],
		markerAt:    start + m[6],
		contentFrom: start + m[1],
	}
	it.Status = markerStatus(line[m[6]])
	rest := line[m[1]:]
	restAt := start + m[1]
	it.idStart = restAt
	if id, n := idPrefix(rest); id != "" {
		it.ID = id
		rest, restAt = rest[n:], restAt+n
	}
	// Metadata is the run of `| key:value` fields at the end of the line; the text before
	// the first "|" is the title's, whatever it looks like.
	titleEnd := len(rest)
	for {
		bar := strings.LastIndexByte(rest[:titleEnd], '|')
		if bar < 0 {
			break
		}
		m, ok := metaField(rest[bar+1 : titleEnd])
		if !ok {
			break
		}
		m.Start += restAt + bar + 1
		it.Meta = append(it.Meta, m)
		titleEnd = bar
	}
	slices.Reverse(it.Meta)
	it.Title = strings.TrimSpace(rest[:titleEnd])
	it.lists = &lists{files: it.list("file"), depends: it.list("depends")}
	return it
}

// markerStatus is the status a checkbox marker matchItemLine accepts (" xX/-") stands for.
func markerStatus(c byte) Status {
	switch c {
	case 'x', 'X':
		return Done
	case '/':
		return InProgress
	case '-':
		return Cancelled
	}
	return Pending
}

// The id and metadata matchers are written out for the reason matchItemLine is; their
// regexp equivalents are in the tests, which check the two agree.

// idPrefix reads the id at the start of an item's text: a letter, letters, "_" or "-",
// digits, dotted numbers, a colon, then blanks or the end. It returns the id and the
// length to the title, or "" when the text has no id. An id has a digit: "T1", "T1.2",
// "FIX-3"; "Note:" is a title.
func idPrefix(s string) (id string, n int) {
	if s == "" || !isLetter(s[0]) {
		return "", 0
	}
	i := 0
	for i < len(s) && (isLetter(s[i]) || s[i] == '_' || s[i] == '-') {
		i++
	}
	digits := func() bool {
		from := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > from
	}
	if !digits() {
		return "", 0
	}
	for i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return "", 0
		}
	}
	if i == len(s) || s[i] != ':' {
		return "", 0
	}
	id, i = s[:i], i+1
	if i < len(s) && !isBlank(s[i]) {
		return "", 0
	}
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return id, i
}

// metaField reads one `key:value` field (the text between two "|"): blanks, a
// lower-case key (letters and "-"), a colon, and a value that starts right after it with
// a non-space; trailing blanks are not part of the value. Start is the key's offset.
func metaField(f string) (Meta, bool) {
	i := 0
	for i < len(f) && isBlank(f[i]) {
		i++
	}
	keyAt := i
	if i == len(f) || f[i] < 'a' || f[i] > 'z' {
		return Meta{}, false
	}
	for i < len(f) && (f[i] >= 'a' && f[i] <= 'z' || f[i] == '-') {
		i++
	}
	if i == len(f) || f[i] != ':' {
		return Meta{}, false
	}
	value := strings.TrimRight(f[i+1:], " \t")
	if value == "" || strings.IndexByte(" \t\n\f\r", value[0]) >= 0 {
		return Meta{}, false
	}
	return Meta{Key: f[keyAt:i], Value: value, Start: keyAt}, true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
