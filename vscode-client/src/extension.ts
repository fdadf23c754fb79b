// EKS-A Registry Mirror: runs `eksa-mirror serve` (a pygls language server) over stdio for YAML
// files, mirrors the `eksaMirror.*` settings to it, and offers the project's JSON Schema to
// Red Hat YAML.
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { type LocatedServer, locateServer, onPythonInterpreterChange } from './serverLocator';
import { SchemaContributor } from './yamlSchemas';

const CLIENT_ID = 'eksaMirror'; // also the prefix of `eksaMirror.trace.server`
const CLIENT_NAME = 'EKS-A Mirror';
const SECTION = 'eksaMirror';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
/** Serialises start/stop so that quick setting changes do not start two servers. */
let lifecycle: Promise<void> = Promise.resolve();
let missingServerShown = false;

/** The `eksaMirror` settings the server reads: the whole section minus `server`. */
export function serverSettings(resource?: vscode.Uri): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration(SECTION, resource);
  const plain = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
  delete plain.server;
  return plain;
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

function showMissingServer(tried: string): void {
  if (missingServerShown) return; // once per session, not once per YAML file
  missingServerShown = true;
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  void vscode.window
    .showErrorMessage(
      'EKS-A Mirror: the eksa-mirror language server was not found. Run `pip install eksa-mirror` ' +
        'in your Python environment (the one selected in the Python extension, or put it on PATH), ' +
        'or set "eksaMirror.server.path" to the eksa-mirror command.',
      openSettings,
      showOutput,
    )
    .then((choice) => {
      if (choice === openSettings) {
        void openServerPathSetting();
      } else if (choice === showOutput) {
        output.show(true);
      }
    });
  output.error(`eksa-mirror server not found. Tried:\n${tried}`);
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
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: output,
    diagnosticCollectionName: 'eksa-mirror',
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
  const { server, tried } = await locateServer(vscode.window.activeTextEditor?.document.uri);
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
  output.info(`starting ${server.command} ${[...server.baseArgs, 'serve'].join(' ')} (${server.version}, from ${server.origin})`);
  if (tried.length > 1) output.info(`server search:\n${report}`);
  const next = createClient(server);
  client = next;
  try {
    await next.start();
  } catch (e) {
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
  output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(output);
  output.info(`eksa-mirror extension ${String(context.extension.packageJSON.version)} on VS Code ${vscode.version}` +
    (vscode.env.remoteName ? ` (remote: ${vscode.env.remoteName})` : ''));

  context.subscriptions.push(
    vscode.commands.registerCommand('eksaMirror.restartServer', () => {
      missingServerShown = false; // an explicit restart may show the message again
      return restart();
    }),
    vscode.commands.registerCommand('eksaMirror.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Other eksaMirror.* settings reach the running server via didChangeConfiguration.
      if (e.affectsConfiguration('eksaMirror.server')) {
        missingServerShown = false;
        scheduleRestart();
      }
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
