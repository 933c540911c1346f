package analysis

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSuggestImport: the quick fix of a broken import names the one module that has all
// its names, spelled as the import was; several candidates or none give no fix.
func TestSuggestImport(t *testing.T) {
	root := writeTree(t, map[string]string{
		"web/src/app.ts":         "import { total } from './cart';\nimport { fmt } from './nowhere';\nimport { price } from \"./util/money.js\";\nimport { shared } from './cart';\n",
		"web/src/lib/sum.ts":     "export function total(xs: number[]) { return 0 }\n",
		"web/src/cart.ts":        "export const items = []\n",
		"web/src/format/fmt.ts":  "export function fmt() {}\n",
		"web/src/util/money.ts":  "export const cents = 1\n",
		"web/src/util/prices.ts": "export function price() {}\n",
		"web/src/a.ts":           "export const shared = 1\n",
		"web/src/b.ts":           "export const shared = 2\n",
		"pkg/__init__.py":        "",
		"pkg/main.py":            "from .helpers import slugify\nfrom pkg.gone import parse\n",
		"pkg/text/__init__.py":   "",
		"pkg/text/slug.py":       "def slugify(s):\n    return s\n",
		"pkg/parsing.py":         "def parse(s):\n    return s\n",
	})
	ix := NewIndex(root)
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	applied := map[string]bool{}
	for _, d := range ix.Diagnostics() {
		fix, ok := ix.SuggestImport(d)
		key := d.File + " " + d.Rule + " " + d.Message
		if ok {
			got[key] = fix.Spec + " -> " + fix.Target
			src, _ := os.ReadFile(filepath.Join(root, d.File))
			line := strings.Split(string(src), "\n")[fix.Range.Start.Line]
			applied[line[:fix.Range.Start.Column]+fix.Spec+line[fix.Range.End.Column:]] = true
		} else {
			got[key] = "none"
		}
	}
	want := map[string]string{
		"web/src/app.ts missing-export \"./cart\" has no export `total`":                                                                                     "./lib/sum -> web/src/lib/sum.ts",
		"web/src/app.ts unresolved-import cannot resolve import \"./nowhere\": no such file, with or without a JavaScript or TypeScript extension or /index": "./format/fmt -> web/src/format/fmt.ts",
		"web/src/app.ts missing-export \"./util/money.js\" has no export `price`":                                                                            "./util/prices.js -> web/src/util/prices.ts",
		"web/src/app.ts missing-export \"./cart\" has no export `shared`":                                                                                    "none",
		"pkg/main.py unresolved-import cannot resolve import `pkg.gone`: no such module or package in the workspace":                                         "pkg.parsing -> pkg/parsing.py",
		"pkg/main.py unresolved-import cannot resolve import `.helpers`: no such module or package in the workspace":                                         ".text.slug -> pkg/text/slug.py",
	}
	for key, fix := range want {
		if got[key] != fix {
			t.Errorf("%s: fix %q, want %q", key, got[key], fix)
		}
	}
	for _, line := range []string{"import { total } from './lib/sum';", "from .text.slug import slugify", "from pkg.parsing import parse", `import { price } from "./util/prices.js";`} {
		if !applied[line] {
			t.Errorf("no fix gives %q; fixed lines: %v", line, applied)
		}
	}
	if len(got) < len(want) {
		t.Errorf("findings and fixes: %v", got)
	}
}
