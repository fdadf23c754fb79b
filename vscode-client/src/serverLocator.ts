// Finding the eksa-mirror language server.
//
// Order (the first candidate whose `--version` probe succeeds wins):
//   1. setting eksaMirror.server.path        -> `<path> serve`
//   2. the server bundled in a platform extension (server/eksa-mirror, the standalone
//      program built by scripts/build-standalone; absent from the universal .vsix)
//                                            -> `<bundled> serve`
//   3. setting eksaMirror.server.pythonPath  -> `<python> -m eksa_mirror serve`
//   4. the Python extension's selected interpreter (ms-python.python, optional)
//                                            -> `<python> -m eksa_mirror serve`
//   5. `eksa-mirror` on PATH                 -> `eksa-mirror serve`
//
// Candidates are produced lazily: the Python extension is only asked (and activated) when
// neither the setting nor the bundled server works. The PATH is searched here, not by the
// shell, so the output channel can say which folders were searched: in a remote window
// (Remote-SSH, WSL, code-server) they come from the remote login shell, not from the shell
// that started the editor.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface Candidate {
  /** Where the candidate came from, for the output channel and error messages. */
  readonly origin: string;
  readonly command: string;
  /** Arguments before the sub-command (`-m eksa_mirror` for an interpreter). */
  readonly baseArgs: readonly string[];
  /** The version, known without running `--version` (the bundled server is the extension's
   * own build): no probe, one process start less before the first diagnostics. */
  readonly knownVersion?: string;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface LocatedServer extends Candidate {
  readonly version: string;
}

export interface LocateResult {
  readonly server?: LocatedServer;
  /** Every candidate tried, with why it was rejected (for the output channel). */
  readonly tried: ReadonlyArray<{ candidate: Candidate; result: ProbeResult }>;
}

const PROBE_TIMEOUT_MS = 8000;
const PYTHON_EXTENSION_ID = 'ms-python.python';

/** Expands `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a path setting. */
export function expandPath(value: string, folder?: vscode.WorkspaceFolder): string {
  let out = value.trim();
  const home = os.homedir();
  const wsFolder = folder ?? vscode.workspace.workspaceFolders?.[0];
  out = out.replace(/\$\{userHome\}/g, home);
  out = out.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => process.env[name] ?? '');
  if (wsFolder) out = out.replace(/\$\{workspaceFolder\}/g, wsFolder.uri.fsPath);
  if (out === '~') out = home;
  else if (out.startsWith('~/') || out.startsWith('~\\')) out = path.join(home, out.slice(2));
  return out;
}

/** Runs `<command> <baseArgs> --version` with a short timeout. */
export function probe(candidate: Candidate, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise((resolve) => {
    try {
      execFile(
        candidate.command,
        [...candidate.baseArgs, '--version'],
        { timeout: timeoutMs, windowsHide: true, env: process.env },
        (error, stdout, stderr) => {
          const text = `${stdout ?? ''}${stderr ?? ''}`.trim();
          if (error) {
            const reason = (error as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'not found'
              : error.killed
                ? `no answer within ${timeoutMs} ms`
                : `exit ${String(error.code ?? error.signal)}: ${lastLine(text) || error.message}`;
            resolve({ ok: false, detail: reason });
          } else if (!/eksa-mirror|eksa_mirror|\d+\.\d+/.test(text)) {
            resolve({ ok: false, detail: `unexpected --version output: ${lastLine(text)}` });
          } else {
            resolve({ ok: true, detail: lastLine(text) });
          }
        },
      );
    } catch (e) {
      resolve({ ok: false, detail: String(e) });
    }
  });
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  return lines.length ? lines[lines.length - 1].trim() : '';
}

// --- the optional Python extension -------------------------------------------------------
// Minimal shapes of the ms-python.python API, so there is no dependency on it.
interface PythonEnvironmentPath { readonly id: string; readonly path: string }
interface PythonResolvedEnvironment { readonly executable?: { readonly uri?: vscode.Uri } }
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): PythonEnvironmentPath;
    resolveEnvironment(env: PythonEnvironmentPath | string): Promise<PythonResolvedEnvironment | undefined>;
    readonly onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  readonly settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
    readonly onDidChangeExecutionDetails?: vscode.Event<unknown>;
  };
}

function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    Promise.resolve(promise).then(
      (v) => { clearTimeout(timer); resolve(v); },
      () => { clearTimeout(timer); resolve(undefined); },
    );
  });
}

export async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  if (ext.isActive) return ext.exports;
  return withTimeout(ext.activate(), 15000);
}

/** The interpreter selected in the Python extension, as a command line (may be `conda run ...`). */
async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
  const api = await pythonExtensionApi();
  if (!api) return undefined;
  try {
    if (api.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await withTimeout(api.environments.resolveEnvironment(active), 10000);
      const exe = resolved?.executable?.uri?.fsPath ?? active?.path;
      if (exe) return [exe];
    }
    const details = api.settings?.getExecutionDetails(resource);
    if (details?.execCommand?.length) return details.execCommand;
  } catch {
    // An old or broken Python extension must not stop us: fall through to PATH.
  }
  return undefined;
}

/** Subscribes to interpreter changes of the Python extension, when it is installed. */
export async function onPythonInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await pythonExtensionApi();
  const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
  return event ? event(() => listener()) : undefined;
}

/** The folders of the PATH the extension host runs with, in order. */
export function searchPath(): string[] {
  return (process.env.PATH ?? process.env.Path ?? '').split(path.delimiter).filter(Boolean);
}

/** `eksa-mirror` on the PATH: its full path, or undefined (Windows: with PATHEXT). */
export function findOnPath(name: string, dirs: readonly string[] = searchPath()): string | undefined {
  const exts = process.platform === 'win32'
    ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)
    : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      try {
        fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The standalone server inside a platform extension, made executable if unzipping lost the bit. */
export function bundledServer(extensionPath: string): string | undefined {
  const file = path.join(extensionPath, 'server', process.platform === 'win32' ? 'eksa-mirror.exe' : 'eksa-mirror');
  if (!fs.existsSync(file)) return undefined;
  if (process.platform !== 'win32') {
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      try { fs.chmodSync(file, 0o755); } catch { /* the probe reports it */ }
    }
  }
  return file;
}

/** Where a candidate comes from, for `Candidate.origin`. */
export const ORIGIN = {
  setting: 'setting eksaMirror.server.path',
  bundled: 'the server bundled with this extension',
  pythonPath: 'setting eksaMirror.server.pythonPath',
  pythonExtension: 'the Python extension\'s selected interpreter',
  path: 'PATH',
} as const;

export interface Extension {
  readonly path: string;
  readonly version: string;
}

export async function* candidates(resource?: vscode.Uri, extension?: Extension): AsyncGenerator<Candidate> {
  const config = vscode.workspace.getConfiguration('eksaMirror', resource);
  const serverPath = config.get<string>('server.path', '').trim();
  if (serverPath) yield { origin: ORIGIN.setting, command: expandPath(serverPath), baseArgs: [] };
  const bundled = extension ? bundledServer(extension.path) : undefined;
  if (bundled && extension) {
    yield { origin: ORIGIN.bundled, command: bundled, baseArgs: [], knownVersion: `eksa-mirror ${extension.version}` };
  }
  const pythonPath = config.get<string>('server.pythonPath', '').trim();
  if (pythonPath) {
    yield { origin: ORIGIN.pythonPath, command: expandPath(pythonPath), baseArgs: ['-m', 'eksa_mirror'] };
  }
  const interpreter = await pythonExtensionInterpreter(resource);
  if (interpreter?.length) {
    yield {
      origin: ORIGIN.pythonExtension,
      command: interpreter[0],
      baseArgs: [...interpreter.slice(1), '-m', 'eksa_mirror'],
    };
  }
  const onPath = findOnPath('eksa-mirror');
  yield { origin: ORIGIN.path, command: onPath ?? 'eksa-mirror', baseArgs: [] };
}

export async function locateServer(resource?: vscode.Uri, extension?: Extension): Promise<LocateResult> {
  const tried: Array<{ candidate: Candidate; result: ProbeResult }> = [];
  for await (const candidate of candidates(resource, extension)) {
    const result = candidate.knownVersion
      ? { ok: true, detail: candidate.knownVersion }
      : candidate.origin === ORIGIN.path && !path.isAbsolute(candidate.command)
        ? { ok: false, detail: 'not found on PATH' } // searched above: no need to spawn
        : await probe(candidate);
    tried.push({ candidate, result });
    if (result.ok) return { server: { ...candidate, version: result.detail }, tried };
  }
  return { tried };
}
