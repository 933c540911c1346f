package store

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Issue is one entry of sync-issues.md: a problem the review found that a FIX item
// repairs.
type Issue struct {
	ID       string   // SYNC-<n>
	Severity string   // error, warning
	Rule     string   // an analysis rule id
	Files    []string // "path:line" where it shows, then the other side ("path")
	Problem  string
	Fix      string
	Status   string // pending, in_progress
}

// Key identifies the problem across reviews: the rule, the files without line numbers
// (lines move while the problem stays) and the first symbol the problem names.
func (i Issue) Key() string {
	files := make([]string, len(i.Files))
	for n, f := range i.Files {
		files[n], _ = SplitLocation(f)
	}
	symbol := ""
	if m := backticked.FindStringSubmatch(i.Problem); m != nil {
		symbol = m[1]
	}
	return i.Rule + "|" + strings.Join(files, ",") + "|" + symbol
}

// SplitLocation splits "path:line" or "path:line:col" into the path and the ":line..."
// suffix ("" when there is none), as issue files are written.
func SplitLocation(file string) (path, location string) {
	if m := lineSuffix.FindStringIndex(file); m != nil {
		return file[:m[0]], file[m[0]:]
	}
	return file, ""
}

var (
	lineSuffix = regexp.MustCompile(`:\d+(:\d+)?$`)
	backticked = regexp.MustCompile("`([^`]+)`")
	issueID    = regexp.MustCompile(`^SYNC-(\d+)$`)
	fileSep    = " ↔ "
)

// RenderIssues writes sync-issues.md. No issue leaves only the title.
func RenderIssues(issues []Issue) []byte {
	var b strings.Builder
	b.WriteString("# Sync Issues\n")
	for _, i := range issues {
		fmt.Fprintf(&b, "\n## %s\n", i.ID)
		fmt.Fprintf(&b, "- Severity: %s\n", i.Severity)
		fmt.Fprintf(&b, "- Rule: %s\n", i.Rule)
		fmt.Fprintf(&b, "- Files: %s\n", strings.Join(i.Files, fileSep))
		fmt.Fprintf(&b, "- Problem: %s\n", oneLine(i.Problem))
		fmt.Fprintf(&b, "- Fix: %s\n", oneLine(i.Fix))
		fmt.Fprintf(&b, "- Status: %s\n", i.Status)
	}
	return []byte(b.String())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ParseIssues reads sync-issues.md as RenderIssues writes it (and as people edit it:
// unknown lines are ignored, a section without an id is skipped).
func ParseIssues(src []byte) []Issue {
	var out []Issue
	var cur *Issue
	for _, line := range strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if id, ok := strings.CutPrefix(line, "## "); ok {
			out = append(out, Issue{ID: strings.TrimSpace(id), Status: "pending"})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			continue
		}
		key, value, ok := strings.Cut(strings.TrimPrefix(line, "- "), ":")
		if !ok || !strings.HasPrefix(line, "- ") {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(key) {
		case "severity":
			cur.Severity = value
		case "rule":
			cur.Rule = value
		case "files":
			cur.Files = nil
			for _, f := range strings.Split(value, "↔") {
				if f = strings.TrimSpace(f); f != "" {
					cur.Files = append(cur.Files, f)
				}
			}
		case "problem":
			cur.Problem = value
		case "fix":
			cur.Fix = value
		case "status":
			cur.Status = value
		}
	}
	return slices.DeleteFunc(out, func(i Issue) bool { return !issueID.MatchString(i.ID) })
}

// Reconciled is the outcome of a review for sync-issues.md.
type Reconciled struct {
	Issues   []Issue // what is open now, by id
	Opened   []Issue // new problems
	Resolved []Issue // open issues the review no longer finds
	Issued   int     // the highest SYNC number given so far
}

// Reconcile matches a review's findings with the open issues: a finding that is the same
// problem as an open issue keeps its id (and status), a new one gets a new id (above
// issued, so a resolved issue's id never names another problem), and an open issue no
// finding repeats is resolved.
func Reconcile(open, found []Issue, issued int) Reconciled {
	var r Reconciled
	byKey := map[string]Issue{}
	next := issued + 1
	for _, i := range open {
		byKey[i.Key()] = i
		if m := issueID.FindStringSubmatch(i.ID); m != nil {
			n, _ := strconv.Atoi(m[1])
			next = max(next, n+1)
		}
	}
	kept := map[string]bool{}
	for _, f := range found {
		key := f.Key()
		if kept[key] {
			continue // one problem, one issue
		}
		kept[key] = true
		if old, ok := byKey[key]; ok {
			f.ID, f.Status = old.ID, old.Status
		} else {
			f.ID, f.Status = fmt.Sprintf("SYNC-%d", next), "pending"
			next++
			r.Opened = append(r.Opened, f)
		}
		r.Issues = append(r.Issues, f)
	}
	for _, i := range open {
		if !kept[i.Key()] {
			r.Resolved = append(r.Resolved, i)
		}
	}
	slices.SortFunc(r.Issues, func(a, b Issue) int { return idNumber(a.ID) - idNumber(b.ID) })
	r.Issued = next - 1
	return r
}

func idNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "SYNC-"))
	return n
}

// Issues reads sync-issues.md.
func (s *Store) Issues() ([]Issue, error) {
	src, err := s.ReadFile(IssuesFile)
	if err != nil {
		return nil, err
	}
	return ParseIssues(src), nil
}

// SaveIssues writes sync-issues.md atomically, without waiting for the disk: the mission
// makes it durable with the ledger record of the state transition that follows its
// review (Ledger.SyncWith).
func (s *Store) SaveIssues(issues []Issue) error {
	return s.ReplaceFile(IssuesFile, RenderIssues(issues))
}
