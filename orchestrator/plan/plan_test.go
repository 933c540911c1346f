package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// designExample is the todo.md of DESIGN section 4.
const designExample = "# Mission: REST API with JWT auth\n" +
	"\n" +
	"## Tasks\n" +
	"- [ ] T1: Auth module | parallel-group:1\n" +
	"  - [x] T1.1: CREATE `src/types/auth.ts` | agent:worker | file:src/types/auth.ts | size:S\n" +
	"  - [/] T1.2: CREATE `src/auth/login.ts` | file:src/auth/login.ts | depends:T1.1\n" +
	"  - [ ] T1.3: FIX SYNC-2 in `src/auth/logout.ts` | file:src/auth/logout.ts | issue:SYNC-2\n" +
	"- [-] T2: Rate limiting | status:cancelled\n" +
	"- [ ] T3: Docs | status:blocked:waiting for API keys\n"

func TestParseTheDesignExample(t *testing.T) {
	p := Parse([]byte(designExample))
	var got []string
	for _, it := range p.Items {
		got = append(got, fmt.Sprintf("%d %s %s %q files=%v deps=%v", it.Depth, it.ID, it.Status, it.Title, it.Files(), it.Depends()))
	}
	want := []string{
		`0 T1 pending "Auth module" files=[] deps=[]`,
		"1 T1.1 done \"CREATE `src/types/auth.ts`\" files=[src/types/auth.ts] deps=[]",
		"1 T1.2 in_progress \"CREATE `src/auth/login.ts`\" files=[src/auth/login.ts] deps=[T1.1]",
		"1 T1.3 pending \"FIX SYNC-2 in `src/auth/logout.ts`\" files=[src/auth/logout.ts] deps=[]",
		`0 T2 cancelled "Rate limiting" files=[] deps=[]`,
		`0 T3 pending "Docs" files=[] deps=[]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if reason, blocked := p.Item("T3").Blocked(); !blocked || reason != "waiting for API keys" {
		t.Errorf("T3 blocked = %v %q", blocked, reason)
	}
	if p.Item("T1.1").Get("size") != "S" || p.Item("T1.3").Get("issue") != "SYNC-2" {
		t.Errorf("metadata not read: %+v", p.Item("T1.1").Meta)
	}
	// Every item at every depth counts: T1.1 and T2 are finished.
	if c := p.Count(); c.Done != 2 || c.Total != 6 || c.InProgress != 1 || c.Blocked != 1 {
		t.Errorf("counts %+v", c)
	}
	// T1.2 is in progress and T3 blocked: only T1.3 can start.
	if ready := p.Ready(nil); len(ready) != 1 || ready[0].ID != "T1.3" {
		t.Errorf("ready = %v", ids(ready))
	}
	// A busy file keeps its item waiting.
	if ready := p.Ready(map[string]string{"src/auth/logout.ts": "T9"}); len(ready) != 0 {
		t.Errorf("ready with logout.ts busy = %v", ids(ready))
	}
}

func ids(items []*Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestParseAnyMarkdown(t *testing.T) {
	src := "Intro with a list that is not a plan:\n\n- plain bullet\n\n```markdown\n- [ ] T9: inside a code block\n```\n\n" +
		"1. [x] numbered item\n2) [X] T4: upper-case X\n\t- [ ] Note: a tab-indented child without an id\n" +
		"* [ ] T5:no space is a title\n+ [ ]\n# Heading\n  - [ ] T6: after a heading, indentation starts over\r\n"
	p := Parse([]byte(src))
	var got []string
	for _, it := range p.Items {
		parent := ""
		if it.Parent != nil {
			parent = " parent=" + label(it.Parent)
		}
		got = append(got, fmt.Sprintf("%d:%s %s %q%s", it.Line+1, it.ID, it.Status, it.Title, parent))
	}
	want := []string{
		`9: done "numbered item"`,
		`10:T4 done "upper-case X"`,
		`11: pending "Note: a tab-indented child without an id" parent=T4`,
		`12: pending "T5:no space is a title"`,
		`13: pending ""`,
		`15:T6 pending "after a heading, indentation starts over"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStatusUpdatesRewriteOnlyTheirItem(t *testing.T) {
	p := Parse([]byte(designExample))
	out, err := p.SetStatus("T1.3", Done)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(designExample, "- [ ] T1.3", "- [x] T1.3", 1)
	if string(out) != want {
		t.Fatalf("after SetStatus:\n%s", out)
	}
	// Lifting a block removes its status field, and nothing else changes.
	out, err = Parse(out).SetStatus("T3", InProgress)
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(want, "- [ ] T3: Docs | status:blocked:waiting for API keys", "- [/] T3: Docs", 1)
	if string(out) != want {
		t.Fatalf("after lifting the block:\n%s", out)
	}
	out, err = Parse(out).SetBlocked("T1.3", "needs | a decision\nfrom the user")
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(want, "- [x] T1.3: FIX SYNC-2 in `src/auth/logout.ts` | file:src/auth/logout.ts | issue:SYNC-2",
		"- [ ] T1.3: FIX SYNC-2 in `src/auth/logout.ts` | file:src/auth/logout.ts | issue:SYNC-2 | status:blocked:needs / a decision from the user", 1)
	if string(out) != want {
		t.Fatalf("after SetBlocked:\n%s", out)
	}
	if _, err := p.SetStatus("T42", Done); err == nil || !strings.Contains(err.Error(), `no item "T42"`) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := p.SetStatus("T1", "finished"); err == nil {
		t.Error("an unknown status was accepted")
	}
}

func TestAssignIDsAndAdd(t *testing.T) {
	src := "# Plan\r\n- [ ] Set up\r\n  - [ ] write go.mod\r\n- [ ] T7: Existing\r\n  - [ ] child of T7\r\n- [ ] Last\r\n"
	out := Parse([]byte(src)).AssignIDs()
	want := "# Plan\r\n- [ ] T8: Set up\r\n  - [ ] T8.1: write go.mod\r\n- [ ] T7: Existing\r\n  - [ ] T7.1: child of T7\r\n- [ ] T9: Last\r\n"
	if string(out) != want {
		t.Fatalf("AssignIDs:\n%q\nwant\n%q", out, want)
	}
	p := Parse(out)
	out, err := p.Add("T7", NewItem{ID: "T7.2", Title: "FIX SYNC-1", Meta: []Meta{{Key: "file", Value: "a.go"}, {Key: "issue", Value: "SYNC-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(want, "T7.1: child of T7\r\n", "T7.1: child of T7\r\n  - [ ] T7.2: FIX SYNC-1 | file:a.go | issue:SYNC-1\r\n", 1)
	if string(out) != want {
		t.Fatalf("Add under T7:\n%q\nwant\n%q", out, want)
	}
	out, err = Parse(out).Add("", NewItem{ID: "T10", Title: "Top level"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(out), "- [ ] T9: Last\r\n- [ ] T10: Top level\r\n") {
		t.Fatalf("Add at the top level:\n%q", out)
	}
	if _, err := Parse(out).Add("", NewItem{ID: "T10", Title: "again"}); err == nil {
		t.Error("a duplicate id was added")
	}
	empty, err := Parse(nil).Add("", NewItem{ID: "T1", Title: "first"})
	if err != nil || string(empty) != "- [ ] T1: first\n" {
		t.Errorf("Add to an empty plan: %q %v", empty, err)
	}
}

// Reparse gives what Parse gives, copying the items when only markers changed, and
// leaves the plan it started from as it was.
func TestReparse(t *testing.T) {
	p := Parse([]byte(designExample))
	before := Parse([]byte(designExample))
	out, err := p.ChangeStatuses(map[string]Status{"T1.1": Pending, "T1.2": Done})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range [][]byte{
		out, // only markers changed: the copy
		[]byte(strings.Replace(designExample, "[ ]", "[q]", 1)), // no longer an item
		[]byte(strings.Replace(designExample, "Tasks", "Tasks", 1) + "- [ ] T9: new\n"),
		[]byte(strings.Replace(designExample, "T1.1", "T1.9", 1)), // same length, other bytes
		nil,
	} {
		if got := p.Reparse(src); !samePlan(got, Parse(src)) {
			t.Errorf("Reparse differs from Parse for\n%s", src)
		}
	}
	q := p.Reparse(out)
	if q.Item("T1.2").Status != Done || q.Item("T1.1").Parent != q.Item("T1") || q.Item("T1").Items[0] != q.Item("T1.1") {
		t.Errorf("the copy's items: %+v", q.Item("T1.2"))
	}
	if !samePlan(p, before) {
		t.Error("Reparse changed the plan it started from")
	}
}

// samePlan compares two plans field by field, the cycle marks by their values.
func samePlan(a, b *Plan) bool {
	if !reflect.DeepEqual(a.inCycle(), b.inCycle()) {
		return false
	}
	x, y := *a, *b
	x.inCycle, y.inCycle = nil, nil
	return reflect.DeepEqual(x, y)
}

func TestValidate(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "exists.go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	src := "- [x] T1: done, file present | file:exists.go\n" +
		"- [x] T2: done, file missing | file:exists.go,gone.go\n" +
		"- [ ] T3: pending, file missing is fine | file:later.go | depends:T1,T99\n" +
		"- [ ] T1: duplicate\n" +
		"- [ ] T4: a | depends:T5\n" +
		"- [ ] T5: b | depends:T4\n" +
		"- [ ] T6: parent\n" +
		"  - [ ] T6.1: waits for its own parent | depends:T6\n" +
		"- [x] T7: repeated keys | file:exists.go | file:gone2.go | depends:T88,T8\n"
	p := Parse([]byte(src))
	var got []string
	for _, d := range p.Validate(root, ".opencode/todo.md") {
		got = append(got, fmt.Sprintf("%d:%d-%d %s %s (%d related)", d.Range.Start.Line+1, d.Range.Start.Column+1, d.Range.End.Column+1, d.Rule, d.Message, len(d.Related)))
	}
	want := []string{
		"2:47-54 plan-missing-file T2 is done but its file gone.go does not exist (0 related)",
		"3:70-73 plan-unknown-dependency T3 depends on T99, which the plan does not have (0 related)",
		"4:7-9 plan-duplicate-id the id T1 is used twice (1 related)",
		"5:7-9 plan-cycle dependency cycle: T4 -> T5 -> T4 (1 related)",
		"7:7-9 plan-cycle dependency cycle: T6 -> T6.1 -> T6 (1 related)",
		"9:49-57 plan-missing-file T7 is done but its file gone2.go does not exist (0 related)",
		"9:68-71 plan-unknown-dependency T7 depends on T88, which the plan does not have (0 related)",
		"9:72-74 plan-unknown-dependency T7 depends on T8, which the plan does not have (0 related)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A repeated list key adds to the list.
	if files := p.Item("T7").Files(); strings.Join(files, " ") != "exists.go gone2.go" {
		t.Errorf("T7's files: %q", files)
	}
	// Nothing in a cycle, waiting on an unknown id or sharing its id is ready: an update
	// of T1 could mean either item.
	if ready := ids(p.Ready(nil)); len(ready) != 0 {
		t.Errorf("ready = %v", ready)
	}
	if waits := p.Waiting(p.Items[3]); waits != "its id T1 is used twice" {
		t.Errorf("the duplicate waits for %q", waits)
	}
	// A status change keeps the cycles: the copy Reparse makes still leaves them out.
	out, err := p.ChangeStatuses(map[string]Status{"T2": Pending})
	if err != nil {
		t.Fatal(err)
	}
	if ready := ids(p.Reparse(out).Ready(nil)); strings.Join(ready, " ") != "T2" {
		t.Errorf("ready after a status change = %v", ready)
	}
}

// TestAnItemWithoutAnIDWaitsForOne: updates name items by id, so an item written without
// one is not ready, and says why (the editor's lens and hover show it), until AssignIDs.
func TestAnItemWithoutAnIDWaitsForOne(t *testing.T) {
	p := Parse([]byte("- [ ] write a.txt | file:a.txt\n"))
	if ready := p.Ready(nil); len(ready) != 0 || p.Waiting(p.Items[0]) != "has no id yet (a mission gives it one)" {
		t.Errorf("ready %v, waiting %q", ids(ready), p.Waiting(p.Items[0]))
	}
	p = Parse(p.AssignIDs())
	if ready := ids(p.Ready(nil)); strings.Join(ready, " ") != "T1" {
		t.Errorf("ready once it has an id: %v", ready)
	}
}

// FuzzParse: any input parses; a status update changes only its item's line; a parsed
// item survives the update with its id, title and metadata; several updates in one edit
// give what they give one by one.
func FuzzParse(f *testing.F) {
	f.Add([]byte(designExample))
	f.Add([]byte("- [ ] a | b:c |\n\t- [x] T1: x|y:z\r\n```\n- [ ] T2: no\n"))
	f.Add([]byte("- [ ] T1: | depends:T1\n  - [/]\n"))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		p := Parse(src)
		for _, it := range p.Items {
			if it.ID == "" || p.Item(it.ID) != it {
				continue
			}
			for _, s := range []Status{Done, Pending, Cancelled, InProgress} {
				out, err := p.SetStatus(it.ID, s)
				if err != nil {
					t.Fatal(err)
				}
				q := Parse(out)
				if !samePlan(p.Reparse(out), q) {
					t.Fatalf("Reparse after SetStatus(%s, %s) differs from Parse:\n%q", it.ID, s, out)
				}
				if len(q.Items) != len(p.Items) {
					t.Fatalf("SetStatus(%s, %s) changed the item count from %d to %d:\n%q\n%q", it.ID, s, len(p.Items), len(q.Items), src, out)
				}
				after := q.Items[indexOf(p.Items, it)]
				if after.ID != it.ID || after.Status != s || after.Title != it.Title {
					t.Fatalf("SetStatus(%s, %s): item became %+v", it.ID, s, after)
				}
				before, rest := string(src[:it.Start]), string(src[it.End:])
				if !strings.HasPrefix(string(out), before) || !strings.HasSuffix(string(out), rest) {
					t.Fatalf("SetStatus(%s, %s) changed bytes outside its item:\n%q\n%q", it.ID, s, src, out)
				}
			}
		}
		// One edit of every item equals the items edited one after another.
		var all []string
		for _, it := range p.Items {
			if it.ID != "" {
				all = append(all, it.ID)
			}
		}
		together, err := p.SetStatuses(all, Done)
		if err != nil {
			t.Fatal(err)
		}
		inTurn := p
		for _, id := range all {
			out, err := inTurn.SetStatus(id, Done)
			if err != nil {
				t.Fatal(err)
			}
			inTurn = Parse(out)
		}
		if !samePlan(p.Reparse(together), Parse(together)) {
			t.Fatalf("Reparse after SetStatuses differs from Parse:\n%q", together)
		}
		if string(together) != string(inTurn.Src) {
			t.Fatalf("SetStatuses differs from SetStatus in turn:\n%q\n%q", together, inTurn.Src)
		}
		_ = p.Validate(root, "todo.md")
		_ = p.Ready(nil)
		assigned := Parse(p.AssignIDs())
		if len(assigned.Items) != len(p.Items) {
			t.Fatalf("AssignIDs changed the item count: %q", src)
		}
	})
}

func indexOf(items []*Item, it *Item) int {
	for i, x := range items {
		if x == it {
			return i
		}
	}
	return -1
}

// The regexps the hand-written matchers stand for.
var (
	idPrefixRegexp  = regexp.MustCompile(`^([A-Za-z][A-Za-z_-]*\d+(?:\.\d+)*):(?:[ \t]+|$)`)
	metaFieldRegexp = regexp.MustCompile(`^[ \t]*([a-z][a-z-]*):(\S.*?)[ \t]*$`)
)

// FuzzMatchersAgreeWithTheirRegexps: idPrefix and metaField accept exactly what their
// regexps accept, with the same submatches, on any line (a line has no "\n").
func FuzzMatchersAgreeWithTheirRegexps(f *testing.F) {
	for _, s := range []string{"T1: x", "T1.2:", "FIX-3:\tfix", "Note: x", "T1.:", "T1:x", "a_b-9.10.3:  ",
		" file:src/a.ts ", "depends:T1,T2", "key: value", "k-e-y:v \t", "Key:v", "k:\r", "k:\xff", "status:blocked:why"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "\n") {
			return
		}
		id, n := idPrefix(s)
		want := ""
		wantN := 0
		if m := idPrefixRegexp.FindStringSubmatchIndex(s); m != nil {
			want, wantN = s[m[2]:m[3]], m[1]
		}
		if id != want || n != wantN {
			t.Errorf("idPrefix(%q) = %q, %d; the regexp: %q, %d", s, id, n, want, wantN)
		}
		m, ok := metaField(s)
		var wantMeta Meta
		rm := metaFieldRegexp.FindStringSubmatchIndex(s)
		if rm != nil {
			wantMeta = Meta{Key: s[rm[2]:rm[3]], Value: s[rm[4]:rm[5]], Start: rm[2]}
		}
		if ok != (rm != nil) || m != wantMeta {
			t.Errorf("metaField(%q) = %+v %v; the regexp: %+v %v", s, m, ok, wantMeta, rm != nil)
		}
	})
}
