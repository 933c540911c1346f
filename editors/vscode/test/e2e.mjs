// End-to-end test of the extension in a real VS Code (code-server 4.100.3, VS Code 1.100.3)
// driven through Debian's Chromium by playwright-core. Run by editors/vscode_test.go with:
//   E2E_MODULES  the folder where .ci/vscode-e2e installed code-server and playwright-core
//   VSIX         the packaged extension
//   ORCHESTRATOR_BIN, MODEL (the offline demo's scripted model), WORKSPACE (a copy of the
//   demo module with an iteration limit of 1), PORT, ARTIFACTS (where the screenshots go)
//
// The user's path: Start Task… from the palette; the mission stops at the iteration limit
// with a sync issue, which the Problems panel shows; with the limit lifted, Resume Task
// seals it: the sealed notification, the Problems panel clear, the code lens on todo.md,
// the status bar; then Show Status and Review Now; Restart Server starts a new server
// process, whose log Show Server Log shows.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const modules = env("E2E_MODULES");
const workspace = env("WORKSPACE");
const artifacts = env("ARTIFACTS");
const port = env("PORT");
const { chromium } = createRequire(path.join(modules, "package.json"))("playwright-core");
const codeServer = path.join(modules, "node_modules", ".bin", "code-server");

const minute = 60_000;
// serverProcesses are the pids of the running `orchestrator lsp` processes of this test's binary.
const serverProcesses = () =>
  fs.readdirSync("/proc").filter((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return argv[0] === env("ORCHESTRATOR_BIN") && argv[1] === "lsp";
    } catch {
      return false; // not a process, or one that has ended
    }
  });
const home = fs.mkdtempSync(path.join(os.tmpdir(), "orchestrator-code-server-"));
const dirs = ["--extensions-dir", path.join(home, "extensions"), "--user-data-dir", path.join(home, "user-data")];
const childEnv = {
  ...process.env,
  HOME: home,
  SHELL: "/bin/bash",
  XDG_CONFIG_HOME: path.join(home, "config"),
  XDG_DATA_HOME: path.join(home, "data"),
};
// VS Code takes the extension host's environment from a login shell, whose /etc/profile
// resets PATH; a user's profile puts their tools (go, for the mission's build) back.
const quoted = (s) => `'${s.replaceAll("'", `'\\''`)}'`;
fs.writeFileSync(path.join(home, ".bash_profile"), `export PATH=${quoted(process.env.PATH ?? "")}\n`);

fs.mkdirSync(path.join(home, "user-data", "User"), { recursive: true });
fs.writeFileSync(
  path.join(home, "user-data", "User", "settings.json"),
  JSON.stringify({
    "orchestrator.path": env("ORCHESTRATOR_BIN"),
    "orchestrator.model": env("MODEL"),
    "orchestrator.logLevel": "debug",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": false,
    "extensions.ignoreRecommendations": true,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
  }),
);
execFileSync(codeServer, ["--install-extension", env("VSIX"), ...dirs], { env: childEnv, stdio: "inherit" });

const server = spawn(
  codeServer,
  ["--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-workspace-trust", ...dirs, workspace],
  { env: childEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] },
);
let serverLog = "";
const listening = new Promise((resolve, reject) => {
  const onData = (chunk) => {
    serverLog += chunk;
    if (serverLog.includes("HTTP server listening")) resolve();
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.on("exit", (code) => reject(new Error(`code-server exited (${code}):\n${serverLog}`)));
});

let browser;
let page;
let step = "starting code-server";
try {
  await listening;
  step = "loading the workbench";
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: minute });
  // The extension's status bar item: it is active, and its commands are in the palette
  // (a palette opened earlier would not list them).
  await page.locator(".statusbar-item", { hasText: "Orchestrator" }).first().waitFor({ timeout: minute });

  // runCommand picks a command in the palette by its title.
  const runCommand = async (title) => {
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: minute });
    await input.fill(`>${title}`);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor({ timeout: minute });
    await input.press("Enter");
  };
  const notification = (text) => page.locator(".notifications-toasts .notification-list-item-message", { hasText: text }).first();
  const problems = page.locator(".markers-panel");

  step = "Start Task… from the palette";
  await runCommand("Orchestrator: Start Task…");
  const objective = page.locator(".quick-input-widget input");
  await page.locator(".quick-input-widget", { hasText: "Orchestrator: Start Task" }).waitFor({ timeout: minute });
  await objective.fill("Add a cart package with Total, its test, and a command that prints a total");
  await objective.press("Enter");

  step = "the mission to stop at the iteration limit";
  await notification("Mission stopped").waitFor({ timeout: 3 * minute });

  step = "the sync issue in the Problems panel";
  await runCommand("Problems: Focus on Problems View");
  await problems.getByText("SYNC-1", { exact: false }).first().waitFor({ timeout: minute });
  await page.screenshot({ path: path.join(artifacts, "vscode-sync-issue.png") });

  step = "Resume Task seals the mission";
  fs.writeFileSync(path.join(workspace, ".opencode", "orchestrator.json"), "{}\n");
  await runCommand("Orchestrator: Resume Task");
  await notification("Mission sealed").waitFor({ timeout: 3 * minute });

  step = "the Problems panel to clear";
  await problems.getByText("No problems have been detected in the workspace.").waitFor({ timeout: minute });

  step = "the code lens on todo.md";
  await runCommand("Orchestrator: Open Plan");
  await page.locator(".codelens-decoration", { hasText: "✓ done" }).first().waitFor({ timeout: minute });
  await page.locator(".codelens-decoration", { hasText: "sealed · iteration 2 · 5/5 done" }).first().waitFor({ timeout: minute });

  step = "the status bar";
  await page.locator(".statusbar-item", { hasText: "Orchestrator 5/5" }).first().waitFor({ timeout: minute });
  await page.screenshot({ path: path.join(artifacts, "vscode-sealed.png") });

  step = "Show Status and Review Now";
  await runCommand("Orchestrator: Show Status");
  await page.locator(".output-view", { hasText: "State: sealed · iteration 2 · 5/5 done" }).first().waitFor({ timeout: minute });
  await runCommand("Orchestrator: Review Now");
  await page.locator(".statusbar-item", { hasText: "Review finished" }).first().waitFor({ timeout: minute });

  step = "Restart Server starts a new server";
  const before = serverProcesses();
  await runCommand("Orchestrator: Restart Server");
  await page.locator(".statusbar-item", { hasText: "server restarted (version" }).first().waitFor({ timeout: minute });
  const started = serverProcesses().filter((pid) => !before.includes(pid));
  if (before.length !== 1 || started.length !== 1) {
    throw new Error(`server processes before the restart ${before}, new after it ${started}`);
  }
  await page.locator(".statusbar-item", { hasText: "Orchestrator 5/5" }).first().waitFor({ timeout: minute });

  step = "Show Server Log shows both servers' log in one channel";
  await runCommand("Orchestrator: Show Server Log");
  await page.locator(".output-view", { hasText: "Server process exited successfully" }).first().waitFor({ timeout: minute });
  await page.locator(".output-view", { hasText: "workspace checked" }).first().waitFor({ timeout: minute });
  console.log(`PASS (screenshots in ${artifacts})`);
} catch (err) {
  console.error(`FAIL at ${step}: ${err.message}`);
  if (page) {
    await page.screenshot({ path: path.join(artifacts, "vscode-failure.png") }).catch(() => {});
    console.error(`screenshot: ${path.join(artifacts, "vscode-failure.png")}`);
  }
  console.error(`code-server log:\n${serverLog}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
  fs.rmSync(home, { recursive: true, force: true });
}
