package analysis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchWorkspace writes a workspace of n source files in Go, TypeScript and Python, each
// importing and calling a neighbour, and returns its root.
func benchWorkspace(b testing.TB, n int) string {
	b.Helper()
	root := b.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("go.mod", "module example.com/bench\n\ngo 1.22\n")
	for i := range n {
		prev := max(i-3, 0)
		switch i % 3 {
		case 0:
			write(fmt.Sprintf("gopkg/p%d/p.go", i), fmt.Sprintf(`package p%d

import "example.com/bench/gopkg/p%d"

// Compute%d does some work.
func Compute%d(a, b int, rest ...string) int {
	total := 0
	for i := 0; i < a; i++ {
		total += i * b
	}
	return total + len(rest) + p%d.Compute%d(a, b)
}

type Item%d struct{ Name string; Price int }

func (it *Item%d) Label() string { return it.Name }
`, i, prev, i, i, prev, prev, i, i))
		case 1:
			write(fmt.Sprintf("web/m%d.ts", i), fmt.Sprintf(`import { format%d } from "./m%d";

export interface Money%d { cents: number; currency: string }

export function format%d(cents: number, currency = "EUR"): string {
  const value = (cents / 100).toFixed(2);
  return format%d(cents) + value + " " + currency;
}

export const double%d = (x: number): number => x * 2;
`, max(i-3, 1), max(i-3, 1), i, i, max(i-3, 1), i))
		default:
			write(fmt.Sprintf("py/m%d.py", i), fmt.Sprintf(`"""Module %d."""
from .m%d import helper%d


def helper%d(a, b=1, *args, key=None):
    total = 0
    for x in range(a):
        total += x * b
    return total + helper%d(a)


class Thing%d:
    def run(self):
        return helper%d(1, 2)
`, i, max(i-3, 2), max(i-3, 2), i, max(i-3, 2), i, i))
		}
	}
	write("py/__init__.py", "")
	return root
}

// tenThousandFiles is the workspace size the targets are stated for.
func tenThousandFiles(b *testing.B) string { return benchWorkspace(b, 10000) }

// benchTree is the tree the throughput benchmarks check: the directory BENCH_TREE names,
// to see the figures on real code, or the generated workspace.
func benchTree(b *testing.B) (root string, generated bool) {
	if root := os.Getenv("BENCH_TREE"); root != "" {
		return root, false
	}
	return tenThousandFiles(b), true
}

// BenchmarkParseOnly is raw tree-sitter throughput on the workspace's files, on every
// core: the ceiling for the full check.
func BenchmarkParseOnly(b *testing.B) {
	root, _ := benchTree(b)
	files, sources, size := readSources(b, root)
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		parseAll(b, files, sources)
	}
	b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// readSources reads the files a scan of root checks, and sums their sizes.
func readSources(b *testing.B, root string) (files []string, sources [][]byte, size int64) {
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	for rel := range ix.files {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			b.Fatal(err)
		}
		files, sources, size = append(files, rel), append(sources, src), size+int64(len(src))
	}
	return files, sources, size
}

// parseAll parses the sources on every core and returns how long it took.
func parseAll(b *testing.B, files []string, sources [][]byte) time.Duration {
	start := time.Now()
	err := eachParallel(context.Background(), len(files), func(ctx context.Context, p *parsers, i int) error {
		tree, err := p.parse(ctx, LanguageFor(files[i]), sources[i])
		if err == nil {
			tree.Close()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkFullCheck is a cold `orchestrator check`: walk, read, parse, extract facts and
// run every rule. It reports the heap in use afterwards, and its throughput as a share of
// raw parse throughput: each check is paired with a parse of the same files as
// BenchmarkParseOnly does it (out of the timer), so both figures of a pair see the same
// machine; a shared one's speed drifts between two benchmarks run one after the other.
// The pairs alternate which goes first, so a drift favours neither, and the share is the
// median of at least minPairs of them: under the default -benchtime a check runs once or
// twice.
func BenchmarkFullCheck(b *testing.B) {
	const minPairs = 15
	root, generated := benchTree(b)
	files, sources, size := readSources(b, root)
	b.SetBytes(size)
	b.ResetTimer()
	var findings int
	var ix *Index
	check := func() time.Duration {
		start := time.Now()
		ix = NewIndex(root)
		if err := ix.Scan(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		findings = len(ix.Diagnostics())
		return time.Since(start)
	}
	var shares []float64
	for i := range max(b.N, minPairs) {
		b.StopTimer()
		var parse time.Duration
		if i%2 == 1 {
			parse = parseAll(b, files, sources)
		}
		if i < b.N {
			b.StartTimer()
		}
		checked := check()
		b.StopTimer()
		if i%2 == 0 {
			parse = parseAll(b, files, sources)
		}
		shares = append(shares, 100*parse.Seconds()/checked.Seconds())
	}
	if generated && findings != 0 {
		b.Fatalf("the generated workspace has %d findings", findings)
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	slices.Sort(shares)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(float64(ix.Files())*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(shares[len(shares)/2], "median-%-of-parse")
	runtime.KeepAlive(ix)
}

// BenchmarkIncrementalRecheck is one edit in the 10,000-file workspace: re-parse the file
// and check it and its dependents again, as the language server does after a keystroke
// pause. Edits alternate between a TypeScript, a Go and a Python file.
func BenchmarkIncrementalRecheck(b *testing.B) {
	root := tenThousandFiles(b)
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	if ds := ix.Diagnostics(); len(ds) != 0 {
		b.Fatalf("the generated workspace has %d findings", len(ds))
	}
	// One file per language, each imported by another file.
	edits := []string{"web/m4.ts", "gopkg/p3/p.go", "py/m5.py"}
	originals := map[string][]byte{}
	for _, rel := range edits {
		originals[rel], _ = os.ReadFile(filepath.Join(root, rel))
	}
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		rel := edits[i/2%len(edits)]
		src := originals[rel]
		if i%2 == 0 {
			src = append([]byte("// edited\n"), src...)
			if strings.HasSuffix(rel, ".py") {
				src = append([]byte("# edited\n"), originals[rel]...)
			}
		}
		start := time.Now()
		if err := ix.Update(context.Background(), rel, src); err != nil {
			b.Fatal(err)
		}
		if ds := ix.Diagnostics(); len(ds) != 0 {
			b.Fatalf("findings after an edit: %v", ds[:1])
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "median-ms")
}
