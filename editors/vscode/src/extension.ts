// The Orchestrator extension: starts `orchestrator lsp` through vscode-languageclient
// (which brings code lens, diagnostics, code actions, progress and messages) and adds
// the palette commands and a status bar item fed by the orchestrator/status notification.
import * as vscode from "vscode";
import { DidChangeConfigurationNotification, ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { findExecutable, MissionStatus, modelChoices, onSettingsChange, report, serverSettings, Settings, statusBar } from "./status";

const readme = "https://github.com/opencode-orchestrator/orchestrator#editor-set-up";
const planPath = ".opencode/todo.md";

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem;
let statusChannel: vscode.OutputChannel;
// The server's log, one channel for every client started: a restart adds to it rather
// than leaving a second "Orchestrator" channel behind.
let logChannel: vscode.LogOutputChannel;
let lastStatus: MissionStatus | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  statusItem = vscode.window.createStatusBarItem("orchestrator.status", vscode.StatusBarAlignment.Left, 10);
  statusItem.name = "Orchestrator";
  statusItem.command = "orchestrator.openPlan";
  statusChannel = vscode.window.createOutputChannel("Orchestrator Status");
  logChannel = vscode.window.createOutputChannel("Orchestrator", { log: true });
  context.subscriptions.push(
    statusItem,
    statusChannel,
    logChannel,
    vscode.commands.registerCommand("orchestrator.startTask", startTask),
    vscode.commands.registerCommand("orchestrator.stopTask", () => run("orchestrator.task.stop", undefined, "Mission stopped; Resume Task continues it.")),
    vscode.commands.registerCommand("orchestrator.resumeTask", () => run("orchestrator.task.resume", undefined, "Mission resumed.")),
    vscode.commands.registerCommand("orchestrator.reviewNow", () => run("orchestrator.review", undefined, "Review finished: findings are in the Problems panel.")),
    vscode.commands.registerCommand("orchestrator.showStatus", showStatus),
    vscode.commands.registerCommand("orchestrator.openPlan", openPlan),
    vscode.commands.registerCommand("orchestrator.restartServer", () => restartServer(context)),
    vscode.commands.registerCommand("orchestrator.showLog", () => logChannel.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      switch (onSettingsChange((section) => e.affectsConfiguration(section), client?.isRunning() ?? false)) {
        case "restart":
          await stopClient();
          await startClient(context);
          break;
        case "notify":
          await client?.sendNotification(DidChangeConfigurationNotification.type, { settings: { orchestrator: serverSettings(settings()) } });
          break;
      }
    }),
  );
  await startClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  return stopClient();
}

function settings(): Settings {
  const cfg = vscode.workspace.getConfiguration("orchestrator");
  return {
    path: cfg.get<string>("path", "orchestrator"),
    model: cfg.get<string>("model", ""),
    models: cfg.get<string[]>("models", []),
    approvalTimeoutSeconds: cfg.get<number>("approvalTimeoutSeconds", 120),
    logLevel: cfg.get<string>("logLevel", "info"),
  };
}

function workspaceRoot(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const s = settings();
  const exe = findExecutable(s.path, process.env.PATH, workspaceRoot()?.fsPath ?? process.cwd());
  if (!exe) {
    statusItem.hide();
    const choice = await vscode.window.showErrorMessage(
      `Orchestrator: the server \`${s.path}\` was not found. Install it (go install) and put it on the PATH, or set orchestrator.path.`,
      "Open README",
      "Open Settings",
    );
    if (choice === "Open README") {
      await vscode.env.openExternal(vscode.Uri.parse(readme));
    } else if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "orchestrator.path");
    }
    return;
  }
  // No transport: TransportKind.stdio would append a --stdio flag the server does not take.
  const serverOptions: ServerOptions = { command: exe, args: ["lsp", "--log-level", s.logLevel] };
  const languages = ["go", "typescript", "typescriptreact", "javascript", "javascriptreact", "python"];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...languages.map((language) => ({ scheme: "file", language })),
      { scheme: "file", pattern: `**/${planPath}` },
      // The configuration: the server shows its problems as they are typed.
      { scheme: "file", pattern: "**/.opencode/{orchestrator,agents}.json" },
    ],
    initializationOptions: serverSettings(s),
    outputChannel: logChannel,
  };
  client = new LanguageClient("orchestrator", "Orchestrator", serverOptions, clientOptions);
  client.onNotification("orchestrator/status", (st: MissionStatus) => showState(st));
  showState(undefined);
  statusItem.show();
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (err) {
    // The client has said why in its output; the commands stay, to say so again.
    statusItem.text = "$(error) Orchestrator";
    statusItem.tooltip = `The language server did not start: ${err instanceof Error ? err.message : String(err)}`;
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c?.isRunning()) {
    await c.stop();
  }
}

// restartServer starts the server again: a new binary after go install, or one that
// crashed too often for the client to restart it. A running mission stops with it
// (its state is saved), so that is asked first.
async function restartServer(context: vscode.ExtensionContext): Promise<void> {
  if (client?.isRunning() && lastStatus?.running) {
    const answer = await vscode.window.showWarningMessage(
      "Orchestrator: restarting the server stops the running mission; Resume Task continues it.",
      { modal: true },
      "Restart",
    );
    if (answer !== "Restart") {
      return;
    }
  }
  await stopClient();
  await startClient(context);
  const version = client?.initializeResult?.serverInfo?.version;
  if (client?.isRunning()) {
    void vscode.window.setStatusBarMessage(`Orchestrator: server restarted (version ${version ?? "unknown"})`, 5000);
  }
}

function showState(st: MissionStatus | undefined): void {
  lastStatus = st;
  const bar = statusBar(st);
  statusItem.text = bar.text;
  statusItem.tooltip = bar.tooltip;
}

// execute runs a server command, showing a failure (a mission already running, a
// read-only window, a configuration problem) as an error. undefined means it failed;
// a command without a result answers null.
async function execute<T>(command: string, args?: object): Promise<T | undefined> {
  if (!client) {
    void vscode.window.showErrorMessage("Orchestrator: the language server is not running (see the Orchestrator output).");
    return undefined;
  }
  try {
    return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args ? [args] : [] });
  } catch (err) {
    void vscode.window.showErrorMessage(`Orchestrator: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

async function run(command: string, args: object | undefined, done: string): Promise<void> {
  if ((await execute(command, args)) !== undefined) {
    void vscode.window.setStatusBarMessage(`Orchestrator: ${done}`, 5000);
  }
}

async function startTask(): Promise<void> {
  const objective = await vscode.window.showInputBox({
    title: "Orchestrator: Start Task",
    prompt: "The mission's objective",
    placeHolder: "Add a cart package with Total, its test, and a command that prints a total",
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : "Say what the mission should achieve"),
  });
  if (!objective) {
    return;
  }
  const s = settings();
  const choices = modelChoices(s.model, s.models);
  let model: string | undefined = choices[0];
  if (choices.length > 1) {
    model = await vscode.window.showQuickPick(choices, { title: "Orchestrator: the mission's model", placeHolder: choices[0] });
    if (!model) {
      return;
    }
  }
  await run("orchestrator.task.start", { objective: objective.trim(), model }, `mission started: ${objective.trim()}`);
}

async function showStatus(): Promise<void> {
  const st = await execute<MissionStatus>("orchestrator.task.status");
  if (st) {
    statusChannel.replace(report(st));
    statusChannel.show(true);
  }
}

async function openPlan(): Promise<void> {
  const root = workspaceRoot();
  if (!root) {
    void vscode.window.showErrorMessage("Orchestrator: open a folder first.");
    return;
  }
  const plan = vscode.Uri.joinPath(root, planPath);
  try {
    await vscode.window.showTextDocument(plan);
  } catch {
    void vscode.window.showInformationMessage("Orchestrator: no plan yet. Orchestrator: Start Task… writes one.");
  }
}
