// EKS-A Registry Mirror: runs `eksa-mirror serve` (a pygls language server) over stdio for YAML
// files, mirrors the `eksaMirror.*` settings to it, and offers the project's JSON Schema to
// Red Hat YAML. A status bar item shows the server's state and keeps its actions at hand; the
// output channel logs which server started and the start-up timeline (activated, server found,
// initialized, first diagnostics).
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  type LocatedServer,
  ORIGIN,
  locateServer,
  onPythonInterpreterChange,
  searchPath,
} from './serverLocator';
import { MENU_COMMAND, ServerStatus, showMenu } from './status';
import { SchemaContributor } from './yamlSchemas';

const CLIENT_ID = 'eksaMirror'; // also the prefix of `eksaMirror.trace.server`
const CLIENT_NAME = 'EKS-A Mirror';
const SECTION = 'eksaMirror';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: ServerStatus;
let extension: { path: string; version: string } | undefined;
/** Serialises start/stop so that quick setting changes do not start two servers. */
let lifecycle: Promise<void> = Promise.resolve();
let missingServerShown = false;

/** Start-up timeline, in the output channel: milliseconds since activation, and the clock
 * time (epoch ms) so an end-to-end test can set it against the moment the file opened. */
let activatedAt = 0;
const marked = new Set<string>();
function mark(event: string, detail = ''): void {
  if (marked.has(event)) return;
  marked.add(event);
  const now = Date.now();
  output.info(`timeline: ${event} +${now - activatedAt} ms (epoch ${now})${detail ? `: ${detail}` : ''}`);
}

/** The `eksaMirror` settings the server reads: the whole section minus `server`. */
export function serverSettings(resource?: vscode.Uri): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration(SECTION, resource);
  const plain = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
  delete plain.server;
  delete plain.credentialHosts; // only in trustOptions(), from the user's own settings
  return plain;
}

/** What the server reads from initializationOptions and eksaMirror/didChangeTrust only, never
 * from workspace/configuration: whether the workspace is trusted (no credentials leave and no
 * git runs until it is), and the hosts the user lets have REGISTRY_USERNAME/REGISTRY_PASSWORD
 * without a question: the user settings' value alone (the setting is application-scoped, and a
 * workspace's or folder's value is never read here either). */
export function trustOptions(): { workspaceTrusted: boolean; credentialHosts: string[] } {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string[]>('credentialHosts');
  const hosts = inspected?.globalValue;
  return {
    workspaceTrusted: vscode.workspace.isTrusted,
    credentialHosts: Array.isArray(hosts) ? hosts.filter((h) => typeof h === 'string') : [],
  };
}

const TRUST_NOTIFICATION = 'eksaMirror/didChangeTrust';

function sendTrust(): void {
  if (client?.isRunning()) void client.sendNotification(TRUST_NOTIFICATION, trustOptions());
}

/** Opens the settings editor at eksaMirror.server.path, in the settings of the machine the
 * server runs on: in a remote window (SSH, WSL, code-server) that is the Remote tab, because the
 * setting is machine-overridable and the User tab does not list it there. */
async function openServerPathSetting(): Promise<void> {
  const query = 'eksaMirror.server.path';
  if (vscode.env.remoteName) {
    try {
      await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query });
      return;
    } catch {
      // older VS Code without the argument: fall back to the plain settings editor
    }
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', query);
}

/** The "not found" message: plain text (notifications do not render Markdown), and what to
 * do in a remote window, whose PATH comes from the remote login shell. */
export function missingServerMessage(remoteName: string | undefined): string {
  const base = 'EKS-A Mirror: the eksa-mirror language server was not found. Install it with ' +
    '"pip install eksa-mirror" in the Python environment selected in the Python extension, or set ' +
    'eksaMirror.server.path to the eksa-mirror command.';
  if (!remoteName) return `${base} The PATH that was searched is in the output.`;
  return `${base} This is a remote window (${remoteName}): its PATH comes from the login shell of ` +
    'the remote machine, not from the shell that started the editor. Set eksaMirror.server.path in ' +
    'the Remote settings, or add the folder of eksa-mirror to PATH in the remote ~/.profile and ' +
    'reload the window. The PATH that was searched is in the output.';
}

function showMissingServer(tried: string): void {
  status.set({ kind: 'missing' });
  output.error(`eksa-mirror server not found. Tried:\n${tried}\nPATH searched:\n  ${searchPath().join('\n  ')}`);
  if (missingServerShown) return; // once per session, not once per YAML file
  missingServerShown = true;
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  void vscode.window
    .showErrorMessage(missingServerMessage(vscode.env.remoteName), openSettings, showOutput)
    .then((choice) => {
      if (choice === openSettings) {
        void openServerPathSetting();
      } else if (choice === showOutput) {
        output.show(true);
      }
    });
}

function createClient(server: LocatedServer): LanguageClient {
  const run = {
    command: server.command,
    args: [...server.baseArgs, 'serve'],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    // Sends workspace/didChangeConfiguration when any eksaMirror.* setting changes; the
    // server also pulls the section with workspace/configuration. File events of any
    // .eksa-mirror.toml (docs/configuration.md) make the server analyse open files again.
    synchronize: {
      configurationSection: SECTION,
      fileEvents: vscode.workspace.createFileSystemWatcher('**/.eksa-mirror.toml'),
    },
    initializationOptions: { ...serverSettings(), ...trustOptions() },
    middleware: {
      // Only to time the first diagnostics (pull, as VS Code asks them, or push).
      provideDiagnostics: async (document, previousResultId, token, next) => {
        const report = await next(document, previousResultId, token);
        const items = report && 'items' in report ? report.items : undefined;
        if (items?.length) {
          const uri = document instanceof vscode.Uri ? document : document.uri;
          mark('first diagnostics', `${items.length} in ${vscode.workspace.asRelativePath(uri)}`);
        }
        return report;
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        if (diagnostics.length) mark('first diagnostics', `${diagnostics.length} in ${vscode.workspace.asRelativePath(uri)}`);
        next(uri, diagnostics);
      },
    },
    outputChannel: output,
    traceOutputChannel: output,
    // No diagnosticCollectionName: VS Code pulls diagnostics into a collection named by the
    // server's identifier ("eksa-mirror"); a push collection of the same name is a warning.
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  if (!old) return;
  try {
    await old.stop(5000);
  } catch (e) {
    output.warn(`stopping the server: ${String(e)}`);
  }
}

async function startClient(): Promise<void> {
  await stopClient();
  status.set({ kind: 'starting' });
  const { server, tried } = await locateServer(vscode.window.activeTextEditor?.document.uri, extension);
  const report = tried
    .map(({ candidate, result }) =>
      `  ${result.ok ? 'ok  ' : 'skip'} ${candidate.origin}: ${[candidate.command, ...candidate.baseArgs].join(' ')}` +
      ` -> ${result.detail}`)
    .join('\n');
  if (!server) {
    showMissingServer(report);
    return;
  }
  missingServerShown = false;
  mark('server found', `${server.origin}`);
  output.info(`starting ${server.command} ${[...server.baseArgs, 'serve'].join(' ')} (${server.version}, from ${server.origin})`);
  if (tried.length > 1) output.info(`server search:\n${report}`);
  if (server.origin === ORIGIN.path) output.info(`PATH searched:\n  ${searchPath().join('\n  ')}`);
  const next = createClient(server);
  client = next;
  try {
    await next.start();
    mark('initialized');
    status.set({ kind: 'running', detail: `${server.version}, ${server.origin}: ${server.command}` });
  } catch (e) {
    status.set({ kind: 'failed', detail: String(e) });
    output.error(`the eksa-mirror server failed to start: ${String(e)}`);
    const choice = await vscode.window.showErrorMessage(
      `EKS-A Mirror: the language server (${server.command}) failed to start. See the output for details.`,
      'Show Output',
    );
    if (choice) output.show(true);
  }
}

function restart(): Promise<void> {
  lifecycle = lifecycle.then(startClient, startClient);
  return lifecycle;
}

let restartTimer: NodeJS.Timeout | undefined;

/** Restarts a little later: the language client's own listener for the same configuration
 * change must first send its didChangeConfiguration to the old server (stopping it at once
 * makes that send fail with an error toast), and a burst of edits gives one restart. */
function scheduleRestart(delayMs = 300): void {
  clearTimeout(restartTimer);
  restartTimer = setTimeout(() => void restart(), delayMs);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  activatedAt = Date.now();
  extension = { path: context.extensionPath, version: String(context.extension.packageJSON.version) };
  output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  status = new ServerStatus();
  context.subscriptions.push(output, status);
  output.info(`eksa-mirror extension ${String(context.extension.packageJSON.version)} on VS Code ${vscode.version}` +
    (vscode.env.remoteName ? ` (remote: ${vscode.env.remoteName})` : ''));
  mark('activated');

  context.subscriptions.push(
    vscode.commands.registerCommand('eksaMirror.restartServer', () => {
      missingServerShown = false; // an explicit restart may show the message again
      return restart();
    }),
    vscode.commands.registerCommand('eksaMirror.showOutput', () => output.show(true)),
    vscode.commands.registerCommand(MENU_COMMAND, () => showMenu(status, {
      showOutput: () => output.show(true),
      openSettings: openServerPathSetting,
      restart: () => {
        missingServerShown = false;
        return restart();
      },
    })),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Other eksaMirror.* settings reach the running server via didChangeConfiguration.
      if (e.affectsConfiguration('eksaMirror.server')) {
        missingServerShown = false;
        scheduleRestart();
      }
      if (e.affectsConfiguration('eksaMirror.credentialHosts')) sendTrust();
    }),
    // Trust is only ever granted while a window is open (revoking it reloads the window).
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      output.info('the workspace is now trusted: the server may send credentials and run git');
      sendTrust();
    }),
    { dispose: () => clearTimeout(restartTimer) },
  );

  const schemas = new SchemaContributor(context.extensionPath, output, () => client?.isRunning() ?? false);
  context.subscriptions.push(schemas);
  void schemas.start();

  void onPythonInterpreterChange(() => {
    const config = vscode.workspace.getConfiguration(SECTION);
    if (!config.get<string>('server.path') && !config.get<string>('server.pythonPath')) scheduleRestart();
  }).then((d) => d && context.subscriptions.push(d));

  await restart();
}

export async function deactivate(): Promise<void> {
  await lifecycle.catch(() => undefined);
  await stopClient();
}
