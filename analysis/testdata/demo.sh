#!/usr/bin/env bash
# `orchestrator check` on a small bundled workspace (Go, TypeScript, Python): clean, then
# with the kind of mistakes a hurried worker makes, then clean again after the fix.
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

echo; echo "== two workers wrote in a hurry: a brace lost in Go, a parenthesis in TypeScript"
sed -i 's/^\tfor _, p := range prices {$/\tfor _, p := range prices/' "$workspace/cart/cart.go"
sed -i 's/return `Pay ${formatPrice(total)}`;/return `Pay ${formatPrice(total}`;/' "$workspace/web/checkout.ts"
run
echo; run --format json .

echo; echo "== after the fix round"
cp -R "$here/demo/." "$workspace"
run
