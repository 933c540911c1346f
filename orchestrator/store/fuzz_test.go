package store

import (
	"reflect"
	"testing"
)

// FuzzParseIssues: any sync-issues.md parses; rendering what was read keeps every issue,
// and after one rendering (which writes each field on one line) render and parse agree.
func FuzzParseIssues(f *testing.F) {
	f.Add(RenderIssues([]Issue{{ID: "SYNC-1", Severity: "error", Rule: "missing-export",
		Files: []string{"a.ts:3", "b.ts"}, Problem: "`a.ts` imports `X`", Fix: "export `X`", Status: "pending"}}))
	f.Add([]byte("# Sync Issues\n\n## SYNC-2\n- Files: x ↔ ↔ y\n- Problem:  two  spaces\r\n## not an id\n- Status: done\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		read := ParseIssues(src)
		once := ParseIssues(RenderIssues(read))
		if len(once) != len(read) {
			t.Fatalf("%d issues read, %d after rendering them", len(read), len(once))
		}
		if twice := ParseIssues(RenderIssues(once)); !reflect.DeepEqual(once, twice) {
			t.Fatalf("render and parse disagree:\n%+v\n%+v", once, twice)
		}
	})
}

// FuzzDecodeConfig: any orchestrator.json or agents.json gives a configuration or an
// error, never a panic.
func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte(`{"model": "openai/gpt-4o", "limits": {"worker": 8}}`))
	f.Add([]byte("{\n  \"limits\": {\"worker\": \"eight\"}\n}"))
	f.Add([]byte(`{"reviewer": {"systemPrompt": "x", "canWrite": true}}`))
	f.Add([]byte(`{"limits": {"wroker": 2}, "prices": {"openai/x": {"inptu": 1}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Config
		_ = decodeStrict(data, &c)
		var agents map[string]Agent
		_ = decodeStrict(data, &agents)
	})
}
