package plan

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Edits return the new content of the file; every byte outside the item concerned stays
// as it was. The caller writes it only if the file still has the version it parsed.

// ErrNoItem is returned for an id the plan does not have.
type ErrNoItem struct{ ID string }

func (e ErrNoItem) Error() string { return fmt.Sprintf("todo.md has no item %q", e.ID) }

// splice replaces the bytes [start, end) of the plan with text.
type splice struct {
	start, end int
	text       string
}

// apply makes edits that do not overlap.
func (p *Plan) apply(edits []splice) []byte {
	slices.SortFunc(edits, func(a, b splice) int { return a.start - b.start })
	var out bytes.Buffer
	last := 0
	for _, e := range edits {
		out.Write(p.Src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(p.Src[last:])
	return out.Bytes()
}

// SetStatus changes an item's marker. "blocked" is not a marker: SetBlocked writes it.
// Setting any status lifts a block.
func (p *Plan) SetStatus(id string, s Status) ([]byte, error) {
	return p.SetStatuses([]string{id}, s)
}

// SetStatuses sets the status of several items in one edit, each item's bytes changed
// as SetStatus changes them.
func (p *Plan) SetStatuses(ids []string, s Status) ([]byte, error) {
	changes := make(map[string]Status, len(ids))
	for _, id := range ids {
		changes[id] = s
	}
	return p.ChangeStatuses(changes)
}

// ChangeStatuses sets each item's status (id -> status) in one edit, each item's bytes
// changed as SetStatus changes them.
func (p *Plan) ChangeStatuses(changes map[string]Status) ([]byte, error) {
	edits := make([]splice, 0, len(changes))
	for _, id := range slices.Sorted(maps.Keys(changes)) { // the first unknown id is the error
		s := changes[id]
		marker, ok := markers[s]
		if !ok {
			return nil, fmt.Errorf("unknown status %q (pending, in_progress, done, cancelled)", s)
		}
		it := p.Item(id)
		if it == nil {
			return nil, ErrNoItem{id}
		}
		_, blocked := it.Blocked()
		if blocked || s != Cancelled && it.Get("status") == "cancelled" {
			edits = append(edits, splice{it.Start, it.End, p.lineWith(it, marker, without(it.Meta, "status"))})
		} else {
			edits = append(edits, splice{it.markerAt, it.markerAt + 1, string(marker)})
		}
	}
	return p.apply(edits), nil
}

// SetBlocked marks an item blocked with a reason (`status:blocked:<reason>`): it is not
// dispatched and does not count against progress until the block is lifted.
func (p *Plan) SetBlocked(id, reason string) ([]byte, error) {
	it := p.Item(id)
	if it == nil {
		return nil, ErrNoItem{id}
	}
	value := "blocked"
	if reason = oneLine(reason); reason != "" {
		value += ":" + reason
	}
	meta := append(without(it.Meta, "status"), Meta{Key: "status", Value: value})
	return p.apply([]splice{{it.Start, it.End, p.lineWith(it, markers[Pending], meta)}}), nil
}

// lineWith renders an item's line with a new marker and metadata; the indentation, bullet,
// id and title keep their bytes.
func (p *Plan) lineWith(it *Item, marker byte, meta []Meta) string {
	var b strings.Builder
	b.Write(p.Src[it.Start:it.markerAt])
	b.WriteByte(marker)
	head := string(p.Src[it.markerAt+1 : it.End])
	if len(it.Meta) > 0 {
		head = strings.TrimSuffix(strings.TrimRight(string(p.Src[it.markerAt+1:it.Meta[0].Start]), " \t"), "|")
	}
	if len(it.Meta) > 0 || len(meta) > 0 {
		head = strings.TrimRight(head, " \t")
	}
	b.WriteString(head)
	for _, m := range meta {
		fmt.Fprintf(&b, " | %s:%s", m.Key, m.Value)
	}
	return b.String()
}

func without(meta []Meta, key string) []Meta {
	var out []Meta
	for _, m := range meta {
		if m.Key != key {
			out = append(out, m)
		}
	}
	return out
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "|", "/")), " ")
}

var idNumber = regexp.MustCompile(`^T(\d+)$`)

// NextNumber is the number after the highest top-level `T<n>` id in use.
func (p *Plan) NextNumber() int {
	next := 1
	for _, it := range p.Items {
		if m := idNumber.FindStringSubmatch(it.ID); m != nil {
			n, _ := strconv.Atoi(m[1])
			next = max(next, n+1)
		}
	}
	return next
}

// AssignIDs gives every item without an id one: `T<n>` at the top level (after the
// highest in use), `<parent>.<k>` below an item that has one.
func (p *Plan) AssignIDs() []byte {
	used := map[string]bool{}
	next := p.NextNumber()
	for _, it := range p.Items {
		used[it.ID] = true
	}
	ids := map[*Item]string{}
	idOf := func(it *Item) string {
		if it.ID != "" {
			return it.ID
		}
		return ids[it]
	}
	for _, it := range p.Items {
		if it.ID != "" {
			continue
		}
		var id string
		if it.Parent != nil && idOf(it.Parent) != "" {
			for k := 1; ; k++ {
				if id = fmt.Sprintf("%s.%d", idOf(it.Parent), k); !used[id] {
					break
				}
			}
		} else {
			for ; used[fmt.Sprintf("T%d", next)]; next++ {
			}
			id = fmt.Sprintf("T%d", next)
		}
		used[id] = true
		ids[it] = id
	}
	if len(ids) == 0 {
		return p.Src
	}
	var b strings.Builder
	last := 0
	for _, it := range p.Items { // document order: offsets increase
		if id, ok := ids[it]; ok {
			b.Write(p.Src[last:it.idStart])
			if p.Src[it.idStart-1] == ']' { // "- [ ]" and nothing after it
				b.WriteByte(' ')
			}
			b.WriteString(id + ": ")
			last = it.idStart
		}
	}
	b.Write(p.Src[last:])
	return []byte(b.String())
}

// NewItem describes an item to add.
type NewItem struct {
	ID    string
	Title string
	Meta  []Meta
}

// Add appends a pending item: after the last descendant of parentID, or, without a
// parent, after the last item of the plan (at the end of the file when it has none).
func (p *Plan) Add(parentID string, n NewItem) ([]byte, error) {
	if p.Item(n.ID) != nil {
		return nil, fmt.Errorf("todo.md already has an item %q", n.ID)
	}
	var b strings.Builder
	var at int
	atEnd := false
	switch parent := p.Item(parentID); {
	case parentID != "" && parent == nil:
		return nil, ErrNoItem{parentID}
	case parent != nil:
		last := parent
		for len(last.Items) > 0 {
			last = last.Items[len(last.Items)-1]
		}
		at = last.End
		indent := parent.indent + strings.Repeat(" ", len(parent.bullet))
		if len(parent.Items) > 0 {
			indent = parent.Items[0].indent
		}
		b.WriteString(p.newline() + indent)
	case len(p.Roots) > 0:
		last := p.Items[len(p.Items)-1]
		at = last.End
		b.WriteString(p.newline() + p.Roots[0].indent)
	default:
		at, atEnd = len(p.Src), true
		if at > 0 && p.Src[at-1] != '\n' {
			b.WriteString(p.newline())
		}
	}
	b.WriteString("- [ ] ")
	if n.ID != "" {
		b.WriteString(n.ID + ": ")
	}
	b.WriteString(oneLine(n.Title))
	for _, m := range n.Meta {
		fmt.Fprintf(&b, " | %s:%s", m.Key, oneLine(m.Value))
	}
	if atEnd {
		b.WriteString(p.newline())
	}
	return p.apply([]splice{{at, at, b.String()}}), nil
}

// newline is the file's line ending.
func (p *Plan) newline() string {
	if strings.Contains(string(p.Src), "\r\n") {
		return "\r\n"
	}
	return "\n"
}
