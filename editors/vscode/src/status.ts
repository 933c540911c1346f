// Pure logic of the extension, unit-tested without VS Code: the status bar text, the
// status report, and finding the server binary.
import * as fs from "node:fs";
import * as path from "node:path";

// MissionStatus is the orchestrator/status notification and the result of
// orchestrator.task.status (the server's hostStatus).
export interface MissionStatus {
  objective?: string;
  state: string;
  stopReason?: string;
  iteration: number;
  done: number;
  total: number;
  inProgress: number;
  openIssues: number;
  tokens?: { input: number; output: number };
  items?: StatusItem[];
  issues?: StatusIssue[];
  running?: string;
  readOnly?: boolean;
  ownerPid?: number;
}

export interface StatusItem {
  id: string;
  title: string;
  status: string;
  depth: number;
  worker?: string;
  seconds?: number;
  blocked?: string;
  failure?: string;
}

export interface StatusIssue {
  id: string;
  rule: string;
  files: string[];
  problem: string;
}

// Progress is the latest $/progress report of a running mission.
export interface Progress {
  percentage?: number;
  message?: string;
}

export interface StatusBar {
  text: string;
  tooltip: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

// statusBar is the status bar item's text (with a codicon) and tooltip.
export function statusBar(st: MissionStatus | undefined, progress?: Progress): StatusBar {
  if (!st) {
    return { text: "$(sync~spin) Orchestrator", tooltip: "Orchestrator: starting the language server" };
  }
  const count = `${st.done}/${st.total}`;
  let text: string;
  let tooltip: string;
  if (st.running === "mission") {
    const pct = progress?.percentage !== undefined ? ` ${progress.percentage}%` : "";
    text = `$(sync~spin) Orchestrator ${count}${pct}`;
    tooltip = `Mission running: iteration ${st.iteration}, ${plural(st.inProgress, "worker")} busy`;
  } else if (st.running) {
    text = `$(sync~spin) Orchestrator ${st.running}`;
    tooltip = `A worker is running ${st.running}`;
  } else if (st.state === "sealed") {
    text = `$(pass) Orchestrator ${count}`;
    tooltip = "Mission sealed: every item done, no open sync issue, build and tests pass";
  } else if (st.state === "none" && st.total === 0) {
    text = "$(rocket) Orchestrator";
    tooltip = "No mission: run Orchestrator: Start Task…";
  } else if (st.state === "none") {
    text = `$(checklist) Orchestrator ${count}`;
    tooltip = "A plan, not started: run Orchestrator: Start Task… or ▶ Run on an item";
  } else if (st.state === "stopped") {
    text = `$(debug-pause) Orchestrator ${count}`;
    tooltip = `Mission stopped${st.stopReason ? ` (${st.stopReason})` : ""}: Orchestrator: Resume Task continues it`;
  } else {
    text = `$(history) Orchestrator ${count}`;
    tooltip = `Unfinished mission (${st.state}): Orchestrator: Resume Task continues it`;
  }
  if (st.openIssues > 0) {
    text += ` $(warning) ${st.openIssues}`;
    tooltip += `; ${plural(st.openIssues, "open sync issue")}`;
  }
  if (st.readOnly) {
    text += " $(lock)";
    tooltip += `; read-only: process ${st.ownerPid ?? "?"} runs missions here`;
  }
  if (st.objective) {
    tooltip = `${st.objective}\n${tooltip}`;
  }
  return { text, tooltip: `${tooltip}\nClick to open the plan.` };
}

const markers: Record<string, string> = { done: "x", pending: " ", in_progress: "/", cancelled: "-" };

// report renders the whole state as text, for the Show Status command.
export function report(st: MissionStatus): string {
  if (st.state === "none" && st.total === 0) {
    return "No mission in this workspace. Run Orchestrator: Start Task… to start one.";
  }
  const lines: string[] = [];
  if (st.objective) {
    lines.push(`Mission: ${st.objective}`);
  }
  const state = st.running === "mission" ? "running here" : st.state === "none" ? "not started" : st.state;
  lines.push(`State: ${state}${st.stopReason ? ` (${st.stopReason})` : ""} · iteration ${st.iteration} · ${st.done}/${st.total} done · ${plural(st.openIssues, "open sync issue")}`);
  if (st.tokens) {
    lines.push(`Tokens: ${st.tokens.input} in, ${st.tokens.output} out`);
  }
  if (st.readOnly) {
    lines.push(`Read-only: process ${st.ownerPid ?? "?"} runs missions here.`);
  }
  if (st.items?.length) {
    lines.push("", "Plan:");
    for (const it of st.items) {
      const extra = [
        it.worker,
        it.seconds ? `${Math.round(it.seconds)}s` : "",
        it.blocked ? `blocked: ${it.blocked}` : "",
        it.failure ? `last run failed: ${it.failure}` : "",
      ].filter(Boolean);
      lines.push(`${"  ".repeat(it.depth)}- [${markers[it.status] ?? "?"}] ${it.id} ${it.title}${extra.length ? ` (${extra.join(", ")})` : ""}`);
    }
  }
  if (st.issues?.length) {
    lines.push("", "Open sync issues:");
    for (const is of st.issues) {
      lines.push(`- ${is.id} [${is.rule}] ${is.files.join(", ")}: ${is.problem}`);
    }
  }
  return lines.join("\n");
}

// findExecutable resolves the orchestrator.path setting: a path (absolute, or with a
// slash, relative to the workspace) or a name looked up on PATH. undefined when there is
// no executable file.
export function findExecutable(setting: string, pathEnv: string | undefined, cwd: string): string | undefined {
  const name = setting.trim() || "orchestrator";
  const isExecutable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes("/") || name.includes(path.sep)) {
    const file = path.resolve(cwd, name.replace(/^~(?=\/)/, process.env.HOME ?? "~"));
    return isExecutable(file) ? file : undefined;
  }
  for (const dir of (pathEnv ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) {
      return path.join(dir, name);
    }
  }
  return undefined;
}

// modelChoices are the models Start Task… offers: the configured one first, no duplicates.
export function modelChoices(model: string, models: string[]): string[] {
  return [...new Set([model, ...models].map((m) => m.trim()).filter(Boolean))];
}

// Settings are the extension's (orchestrator.*).
export interface Settings {
  path: string;
  model: string;
  models: string[];
  approvalTimeoutSeconds: number;
  logLevel: string;
}

// serverSettings are the settings the server takes: as initializationOptions when it
// starts, as workspace/didChangeConfiguration's "orchestrator" section when they change.
export function serverSettings(s: Settings): object {
  return { model: s.model || undefined, approvalTimeoutSeconds: s.approvalTimeoutSeconds, logLevel: s.logLevel };
}

// onSettingsChange says what a change of settings asks for: nothing when none of ours
// changed; a restart when the server's binary changed or no server runs; otherwise the
// running server is told, and keeps the mission it runs (a restart would stop it).
export function onSettingsChange(affects: (section: string) => boolean, running: boolean): "none" | "restart" | "notify" {
  if (!affects("orchestrator")) {
    return "none";
  }
  return affects("orchestrator.path") || !running ? "restart" : "notify";
}
