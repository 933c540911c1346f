package analysis

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestCodeUnderTestIsWhatATestExercises: a Go test's package, the modules a TypeScript or
// Python test imports (through an index that re-exports them); nothing for a file that is
// no test, or for a package too large to hand to one fix.
func TestCodeUnderTestIsWhatATestExercises(t *testing.T) {
	files := map[string]string{
		"go.mod":               "module example.com/shop\n",
		"cart/cart.go":         "package cart\n\nfunc Total(p []int) int { return 0 }\n",
		"cart/tax.go":          "package cart\n\nfunc Tax(n int) int { return n }\n",
		"cart/cart_test.go":    "package cart\n\nimport \"testing\"\n\nfunc TestTotal(t *testing.T) { Total(nil) }\n",
		"src/sum.ts":           "export function sum(a: number, b: number) { return a + b; }\n",
		"src/index.ts":         "export { sum } from \"./sum\";\n",
		"test/sum.test.ts":     "import { sum } from \"../src/index\";\nimport { helper } from \"./helper\";\nsum(1, 2);\nhelper();\n",
		"test/helper.ts":       "export function helper() {}\n",
		"shop/__init__.py":     "",
		"shop/prices.py":       "def total(prices):\n    return sum(prices)\n",
		"tests/test_prices.py": "from shop.prices import total\n\n\ndef test_total():\n    assert total([1]) == 1\n",
	}
	for i := range maxUnderTest + 1 {
		files[fmt.Sprintf("big/f%d.go", i)] = "package big\n"
	}
	files["big/big_test.go"] = "package big\n"
	ix := NewIndex(writeTree(t, files))
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for test, want := range map[string][]string{
		"cart/cart_test.go":    {"cart/cart.go", "cart/tax.go"},
		"test/sum.test.ts":     {"src/index.ts", "src/sum.ts"},
		"tests/test_prices.py": {"shop/__init__.py", "shop/prices.py"},
		"src/sum.ts":           nil,
		"big/big_test.go":      nil,
	} {
		if got := ix.CodeUnderTest(test); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", test, got, want)
		}
	}
}
