// Unit tests of the extension's pure logic, with node's test runner (npm test).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { findExecutable, MissionStatus, modelChoices, onSettingsChange, report, serverSettings, statusBar } from "../src/status";

const base: MissionStatus = { state: "none", iteration: 0, done: 0, total: 0, inProgress: 0, openIssues: 0 };

test("the status bar follows the mission", () => {
  assert.match(statusBar(undefined).text, /sync~spin/);
  assert.equal(statusBar(base).text, "$(rocket) Orchestrator");
  const running = { ...base, state: "running", running: "mission", iteration: 2, done: 3, total: 5, inProgress: 2, openIssues: 1 };
  const bar = statusBar(running, { percentage: 60 });
  assert.equal(bar.text, "$(sync~spin) Orchestrator 3/5 60% $(warning) 1");
  assert.match(bar.tooltip, /iteration 2, 2 workers busy; 1 open sync issue/);
  assert.equal(statusBar({ ...base, state: "sealed", done: 5, total: 5 }).text, "$(pass) Orchestrator 5/5");
  const stopped = statusBar({ ...base, state: "stopped", stopReason: "the iteration limit was reached", done: 3, total: 5 });
  assert.equal(stopped.text, "$(debug-pause) Orchestrator 3/5");
  assert.match(stopped.tooltip, /stopped \(the iteration limit was reached\): Orchestrator: Resume Task/);
  const readOnly = statusBar({ ...base, state: "running", readOnly: true, ownerPid: 42, done: 1, total: 2 });
  assert.equal(readOnly.text, "$(history) Orchestrator 1/2 $(lock)");
  assert.match(readOnly.tooltip, /process 42 runs missions here/);
});

test("the report lists the plan and the open issues", () => {
  assert.match(report(base), /No mission/);
  const text = report({
    ...base,
    objective: "Add a cart",
    state: "stopped",
    stopReason: "stagnation",
    iteration: 3,
    done: 1,
    total: 2,
    openIssues: 1,
    tokens: { input: 100, output: 20 },
    items: [
      { id: "T1", title: "cart", status: "done", depth: 0, worker: "worker (scripted)", seconds: 12.4 },
      { id: "T1.1", title: "test", status: "pending", depth: 1, blocked: "needs a key" },
      { id: "T2", title: "main", status: "pending", depth: 0, worker: "worker (scripted)", seconds: 3, failure: "main.go not written" },
    ],
    issues: [{ id: "SYNC-1", rule: "arity-mismatch", files: ["a.go:3", "b.go"], problem: "Total takes 2 arguments" }],
  });
  assert.equal(
    text,
    [
      "Mission: Add a cart",
      "State: stopped (stagnation) · iteration 3 · 1/2 done · 1 open sync issue",
      "Tokens: 100 in, 20 out",
      "",
      "Plan:",
      "- [x] T1 cart (worker (scripted), 12s)",
      "  - [ ] T1.1 test (blocked: needs a key)",
      "- [ ] T2 main (worker (scripted), 3s, last run failed: main.go not written)",
      "",
      "Open sync issues:",
      "- SYNC-1 [arity-mismatch] a.go:3, b.go: Total takes 2 arguments",
    ].join("\n"),
  );
});

test("the server binary is found on the PATH or by path", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orchestrator-path-"));
  const exe = path.join(dir, "orchestrator");
  fs.writeFileSync(exe, "#!/bin/sh\n", { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "plain"), "not executable", { mode: 0o644 });
  assert.equal(findExecutable("orchestrator", `/nonexistent${path.delimiter}${dir}`, "/"), exe);
  assert.equal(findExecutable("", dir, "/"), exe);
  assert.equal(findExecutable("orchestrator", "/nonexistent", "/"), undefined);
  assert.equal(findExecutable("plain", dir, "/"), undefined);
  assert.equal(findExecutable("./orchestrator", undefined, dir), exe);
  assert.equal(findExecutable(exe, undefined, "/"), exe);
  assert.equal(findExecutable(dir, undefined, "/"), undefined); // a directory
});

test("the model choices put the configured model first, once", () => {
  assert.deepEqual(modelChoices("openai/gpt-4.1", ["ollama/qwen", "openai/gpt-4.1", " "]), ["openai/gpt-4.1", "ollama/qwen"]);
  assert.deepEqual(modelChoices("", []), []);
});

test("a change of settings reaches the running server without a restart, unless its binary changed", () => {
  const changed = (...sections: string[]) => (section: string) => sections.some((s) => s === section || s.startsWith(section + "."));
  assert.equal(onSettingsChange(changed("editor.fontSize"), true), "none");
  assert.equal(onSettingsChange(changed("orchestrator.logLevel"), true), "notify");
  assert.equal(onSettingsChange(changed("orchestrator.model", "orchestrator.models"), true), "notify");
  assert.equal(onSettingsChange(changed("orchestrator.path"), true), "restart");
  assert.equal(onSettingsChange(changed("orchestrator.logLevel"), false), "restart");
  const s = { path: "orchestrator", model: "", models: ["ollama/qwen"], approvalTimeoutSeconds: 60, logLevel: "debug" };
  assert.deepEqual(serverSettings(s), { model: undefined, approvalTimeoutSeconds: 60, logLevel: "debug" });
});
