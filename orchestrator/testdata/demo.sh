#!/usr/bin/env bash
# A whole mission on a small Go module: plan, parallel workers, a review that catches a
# wrong worker output, a FIX round, then SEALED with the real `go build` and `go test`.
# Offline by default: the model is a SCRIPTED replay (demo/script.json), labelled as such.
# With a model string (make demo MODEL=openai/gpt-4.1) the same mission runs live.
set -euo pipefail
bin=${1:-bin/orchestrator}
model=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
workspace=$(mktemp -d)
trap 'rm -rf "$workspace"' EXIT
cp -R "$here/demo/shop/." "$workspace"
cd "$workspace"

if [ -z "$model" ]; then
	model="scripted/$here/demo/script.json"
	echo "== OFFLINE DEMO: the model is a recorded script, not a real model (make demo MODEL=provider/model runs it live)"
else
	echo "== LIVE DEMO with $model"
fi
objective="Add a cart package with Total(prices []int) int, a test for it, and a command that prints a total"
echo "\$ orchestrator task \"$objective\""
status=0
"$bin" task --model "$model" "$objective" || status=$?
echo "(exit $status)"

echo; echo "\$ orchestrator status"
"$bin" status
echo; echo "\$ cat .opencode/todo.md"
cat .opencode/todo.md
echo; echo "\$ go run ."
go run .
exit $status
