#!/usr/bin/env bash
# `orchestrator check` on a small bundled workspace (Go, TypeScript, Python): clean, then
# with the cross-file mistakes parallel workers make, then clean again after the fix.
set -euo pipefail
bin=${1:-bin/orchestrator}
here=$(cd "$(dirname "$0")" && pwd)
workspace=$(mktemp -d)
trap 'rm -rf "$workspace"' EXIT
cp -R "$here/demo/." "$workspace"

run() {
	echo "\$ orchestrator check $*"
	(cd "$workspace" && "$bin" check "$@") && echo "(exit 0)" || echo "(exit $?)"
}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac

echo "== the sample workspace as committed"
run

echo; echo "== parallel workers changed one side each: a Go signature, a TypeScript export, a Python module"
cat > "$workspace/cart/cart.go" <<'GO'
package cart

// Total adds up the prices of the items in the cart, in a currency.
func Total(prices []int, currency string) int {
	sum := 0
	for _, p := range prices {
		sum += p
	}
	return sum
}
GO
cat > "$workspace/cart/summary.go" <<'GO'
package cart

func Summary(prices []int) int { return Total(prices) }
GO
sed -i 's/export function formatPrice/export function formatAmount/' "$workspace/web/format.ts"
printf 'from report import summary, totals\n\nprint(summary(100, "EUR", 2))\n' > "$workspace/main.py"
run
echo; run --format json .

echo; echo "== and a worker in a hurry: a brace lost in Go"
sed -i 's/^\tfor _, p := range prices {$/\tfor _, p := range prices/' "$workspace/cart/cart.go"
run

echo; echo "== after the fix round"
find "$workspace" -mindepth 1 -delete
cp -R "$here/demo/." "$workspace"
run
