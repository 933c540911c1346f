#!/usr/bin/env bash
# Plays an editor against `orchestrator lsp`: the handshake, a document opened and edited,
# a file changed on disk behind the editor's back (the server's watcher sees it), and a
# clean shutdown. Every message is printed as it crosses the pipe.
set -euo pipefail
export LC_ALL=C # read -N counts bytes, as Content-Length does

bin=${1:-bin/orchestrator}
workspace=$(mktemp -d)
trap 'rm -rf "$workspace"' EXIT
printf 'package demo\n' > "$workspace/demo.go"

coproc SERVER { "$bin" lsp --log-level debug; }

send() {
	printf -- '-> %s\n' "$1"
	printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1" >&"${SERVER[1]}"
}

# await prints the server's messages until one contains $1.
await() {
	local line length body
	while true; do
		length=0
		while IFS= read -r line <&"${SERVER[0]}"; do
			line=${line%$'\r'}
			[[ -z $line ]] && break
			[[ $line == Content-Length:* ]] && length=${line#*: }
		done
		IFS= read -r -N "$length" body <&"${SERVER[0]}"
		printf '<- %s\n' "$body"
		[[ $body == *"$1"* ]] && return
	done
}

uri="file://$workspace"
echo "== handshake (a workspace in $workspace)"
send '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"clientInfo":{"name":"demo"},"rootUri":"'"$uri"'","capabilities":{"general":{"positionEncodings":["utf-16"]}}}}'
await '"id":1'
send '{"jsonrpc":"2.0","method":"initialized","params":{}}'
await 'following changes on disk'

echo; echo "== the editor opens demo.go and types a function (incremental sync)"
send '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"'"$uri"'/demo.go","languageId":"go","version":1,"text":"package demo\n"}}}'
await 'opened'
send '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"'"$uri"'/demo.go","version":2},"contentChanges":[{"range":{"start":{"line":1,"character":0},"end":{"line":1,"character":0}},"text":"func Hello() string { return \"héllo 🎉\" }\n"}]}}'

echo; echo "== another tool writes a file behind the editor's back"
printf 'package demo\n\nconst Answer = 42\n' > "$workspace/answer.go"
await 'files changed on disk'

echo; echo "== a broken frame does not end the session"
printf -- '-> (a frame whose body is not JSON)\n'
printf 'Content-Length: 9\r\n\r\n{oops!!!}' >&"${SERVER[1]}"
await '"code":-32700'

echo; echo "== shutdown and exit"
send '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
await '"id":2'
send '{"jsonrpc":"2.0","method":"exit"}'
server_pid=$SERVER_PID
wait "$server_pid" && echo "the server exited with code 0"
