package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// TestSettingsChangeWithoutARestart: workspace/didChangeConfiguration changes the editor's
// settings in the running server: the log level at once, the model of missions started
// without one. Settings of another section change nothing.
func TestSettingsChangeWithoutARestart(t *testing.T) {
	root := t.TempDir()
	e := startEditor(t, root, editorOptions{})
	script := approvalScript(t)

	// Raised to warn, the server leaves out the info line that says so; back at info, it
	// says so. Messages keep their order, so once the second line is here the first
	// would be too.
	e.changeSettings(map[string]any{"logLevel": "warn", "model": "scripted/not-this-one.json"})
	e.changeSettings(map[string]any{"logLevel": "info", "model": script, "approvalTimeoutSeconds": 0.2})
	e.awaitLog(t, "settings changed model="+script)
	e.mu.Lock()
	for _, l := range e.logs {
		if strings.Contains(l.Message, "not-this-one") {
			t.Errorf("logged at warn: %q", l.Message)
		}
	}
	e.mu.Unlock()

	// Another section's settings, and the mission runs on the model set above, its
	// approval denied after 0.2 s instead of two minutes.
	other := &protocol.DidChangeConfigurationParams{Settings: []byte(`{"gopls": {"model": "scripted/not-this-one.json"}}`)}
	if err := e.server.DidChangeConfiguration(e.ctx(), other); err != nil {
		t.Fatal(err)
	}
	e.mustExecute(cmdTaskStart, map[string]string{"objective": "Write notes"})
	e.awaitMessage(t, "Mission sealed: 1/1 done")
	e.shutdown()
}
