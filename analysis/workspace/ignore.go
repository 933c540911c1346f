// Package workspace knows which files of a workspace matter and follows their changes:
// .gitignore rules, the directories every tool skips, a walker and a batching file watcher.
// The analysis index and the language server both build on it.
package workspace

import (
	"bufio"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// skippedDirs are never walked or watched, whatever .gitignore says: version control,
// dependency trees, vendored copies of other projects (as golangci-lint skips them) and
// caches are large, change constantly and are not the project's code.
var skippedDirs = map[string]bool{
	".git":          true,
	".hg":           true,
	".svn":          true,
	"node_modules":  true,
	"vendor":        true,
	"_vendor":       true, // pip's, setuptools'
	"vendored":      true, // botocore's
	"third_party":   true,
	"__pycache__":   true,
	".venv":         true,
	"venv":          true,
	"site-packages": true,
	".mypy_cache":   true,
	".tox":          true,
}

// InSkippedDir says whether rel (slash-separated, relative to the root) lies in one of the
// directories every tool skips: another project's code, not the workspace's own.
func InSkippedDir(rel string) bool {
	for dir := path.Dir(rel); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if skippedDirs[path.Base(dir)] {
			return true
		}
	}
	return false
}

// Ignore answers whether a workspace path is ignored, following git's rules: the
// .gitignore of every directory from the root down (deeper files win, the last matching
// pattern wins, `!` re-includes), .git/info/exclude, and the always-skipped directories.
// It is safe for concurrent use.
type Ignore struct {
	root string

	mu    sync.RWMutex
	rules map[string][]ignorePattern // key: directory relative to root ("" for the root)
}

type ignorePattern struct {
	re      *regexp.Regexp
	negate  bool
	dirOnly bool
}

// NewIgnore loads the root's .gitignore and .git/info/exclude. Nested .gitignore files
// are loaded as a walk reads their directories, or with LoadDir when they change.
func NewIgnore(root string) *Ignore {
	ig := &Ignore{root: root, rules: map[string][]ignorePattern{}}
	exclude := readPatterns(filepath.Join(root, ".git", "info", "exclude"))
	ig.rules[""] = append(exclude, readPatterns(filepath.Join(root, ".gitignore"))...)
	return ig
}

// LoadDir (re)reads the .gitignore of the directory rel (slash-separated, relative to
// the root). Call it when a directory is first walked or its .gitignore changed.
func (ig *Ignore) LoadDir(rel string) {
	if rel == "" || rel == "." {
		fresh := NewIgnore(ig.root)
		ig.mu.Lock()
		ig.rules[""] = fresh.rules[""]
		ig.mu.Unlock()
		return
	}
	patterns := readPatterns(filepath.Join(ig.root, filepath.FromSlash(rel), ".gitignore"))
	ig.mu.Lock()
	if len(patterns) == 0 {
		delete(ig.rules, rel)
	} else {
		ig.rules[rel] = patterns
	}
	ig.mu.Unlock()
}

// dropDir forgets the rules of the directory rel, which has no .gitignore.
func (ig *Ignore) dropDir(rel string) {
	ig.mu.Lock()
	delete(ig.rules, rel)
	ig.mu.Unlock()
}

// Ignored reports whether rel (slash-separated, relative to the root) is ignored, either
// itself or through one of its parent directories.
func (ig *Ignore) Ignored(rel string, isDir bool) bool {
	rel = strings.Trim(path.Clean(rel), "/")
	if rel == "." || rel == "" {
		return false
	}
	parts := strings.Split(rel, "/")
	ig.mu.RLock()
	defer ig.mu.RUnlock()
	for i := range parts {
		last := i == len(parts)-1
		if ig.matchOne(parts[:i+1], isDir || !last) {
			return true
		}
	}
	return false
}

// ignoredEntry judges rel alone, assuming its parent directories are not ignored.
func (ig *Ignore) ignoredEntry(rel string, isDir bool) bool {
	ig.mu.RLock()
	defer ig.mu.RUnlock()
	return ig.matchOne(strings.Split(rel, "/"), isDir)
}

// matchOne applies the rules of every directory above the path, deepest last, without
// looking at the path's parents (Ignored does that).
func (ig *Ignore) matchOne(parts []string, isDir bool) bool {
	name := parts[len(parts)-1]
	if isDir && skippedDirs[name] {
		return true
	}
	ignored := false
	for depth := 0; depth < len(parts); depth++ {
		dir := strings.Join(parts[:depth], "/")
		patterns := ig.rules[dir]
		if len(patterns) == 0 {
			continue
		}
		sub := strings.Join(parts[depth:], "/")
		for _, p := range patterns {
			if p.dirOnly && !isDir {
				continue
			}
			if p.re.MatchString(sub) {
				ignored = !p.negate
			}
		}
	}
	return ignored
}

func readPatterns(file string) []ignorePattern {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var patterns []ignorePattern
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if p, ok := compilePattern(scanner.Text()); ok {
			patterns = append(patterns, p)
		}
	}
	return patterns
}

// compilePattern turns one .gitignore line into a regexp over slash-separated paths
// relative to the .gitignore's directory (gitignore(5)).
func compilePattern(line string) (ignorePattern, bool) {
	line = strings.TrimSuffix(line, "\r")
	if !strings.HasSuffix(line, `\ `) {
		line = strings.TrimRight(line, " \t")
	}
	if line == "" || strings.HasPrefix(line, "#") {
		return ignorePattern{}, false
	}
	var p ignorePattern
	if strings.HasPrefix(line, "!") {
		p.negate = true
		line = line[1:]
	} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if line == "" {
		return ignorePattern{}, false
	}
	// A pattern with a slash anywhere but the end is anchored to the .gitignore's
	// directory; one without matches a name at any depth.
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")

	var re strings.Builder
	re.WriteString("^")
	if !anchored {
		re.WriteString("(?:.*/)?")
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case strings.HasPrefix(line[i:], "**/"):
			re.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(line[i:], "/**") && i+3 == len(line):
			re.WriteString("/.*")
			i += 2
		case strings.HasPrefix(line[i:], "**"):
			re.WriteString(".*")
			i++
		case c == '*':
			re.WriteString("[^/]*")
		case c == '?':
			re.WriteString("[^/]")
		case c == '[':
			end := strings.IndexByte(line[i+1:], ']')
			if end < 0 {
				re.WriteString(`\[`)
				continue
			}
			class := line[i+1 : i+1+end]
			i += end + 1
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			re.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
		case c == '\\' && i+1 < len(line):
			i++
			re.WriteString(regexp.QuoteMeta(string(line[i])))
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return ignorePattern{}, false
	}
	p.re = compiled
	return p, true
}
