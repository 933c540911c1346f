package analysis

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestCodeUnderTestIsWhatATestExercises: a Go test's package, the modules a TypeScript or
// Python test imports (through an index that re-exports them); nothing for a file that is
// no test. In a package too large to hand to one fix, the files that define what the
// failing test function uses (its methods too), nothing when the failure is in no function
// or the function uses nothing of the package.
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
		files[fmt.Sprintf("big/f%d.go", i)] = fmt.Sprintf("package big\n\ntype T%d struct{}\n\nfunc (T%d) M%d() int { return %d }\n\nfunc F%d() int { return %d }\n", i, i, i, i, i, i)
	}
	files["big/big_test.go"] = "package big\n\nimport \"testing\"\n\nfunc TestF3(t *testing.T) {\n\tif F3() != 3 {\n\t\tt.Fatal(\"F3\")\n\t}\n\tvar v T5\n\t_ = v.M5()\n}\n\n" +
		"func TestF7(t *testing.T) { _ = F7() }\n\nfunc TestNothing(t *testing.T) {\n\tt.Fatal(\"no\")\n}\n"
	ix := NewIndex(writeTree(t, files))
	if err := ix.Scan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		test string
		line int
		want []string
	}{
		{"cart/cart_test.go", 4, []string{"cart/cart.go", "cart/tax.go"}},
		{"test/sum.test.ts", 2, []string{"src/index.ts", "src/sum.ts"}},
		{"tests/test_prices.py", 4, []string{"shop/__init__.py", "shop/prices.py"}},
		{"src/sum.ts", 0, nil},
		{"big/big_test.go", 6, []string{"big/f3.go", "big/f5.go"}}, // t.Fatal in TestF3
		{"big/big_test.go", 4, []string{"big/f3.go", "big/f5.go"}}, // its func line
		{"big/big_test.go", 12, []string{"big/f7.go"}},
		{"big/big_test.go", 15, nil}, // TestNothing
		{"big/big_test.go", 11, nil}, // between functions
		{"big/big_test.go", 0, nil},
	} {
		if got := ix.CodeUnderTest(c.test, c.line); !slices.Equal(got, c.want) {
			t.Errorf("%s:%d: %q, want %q", c.test, c.line+1, got, c.want)
		}
	}
}
