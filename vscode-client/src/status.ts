// The status bar item of the extension: the server's state at a glance, and the way back to
// the actions of the one-time messages (Show Output, Open Settings, Restart Server) after
// those messages are gone.
import * as vscode from 'vscode';

export type ServerState =
  | { kind: 'starting' }
  | { kind: 'running'; detail: string }
  | { kind: 'missing' }
  | { kind: 'failed'; detail: string }
  | { kind: 'stopped' };

export const MENU_COMMAND = 'eksaMirror.showStatusMenu';

const ICONS: Record<ServerState['kind'], string> = {
  starting: '$(loading~spin)',
  running: '$(check)',
  missing: '$(error)',
  failed: '$(error)',
  stopped: '$(circle-slash)',
};

const STATES: Record<ServerState['kind'], string> = {
  starting: 'starting the eksa-mirror language server',
  running: 'eksa-mirror language server running',
  missing: 'eksa-mirror language server not found',
  failed: 'eksa-mirror language server failed to start',
  stopped: 'eksa-mirror language server stopped',
};

export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  state: ServerState = { kind: 'starting' };

  constructor() {
    this.item = vscode.window.createStatusBarItem('eksaMirror.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'EKS-A Mirror';
    this.item.command = MENU_COMMAND;
    this.set({ kind: 'starting' });
    this.item.show();
  }

  set(state: ServerState): void {
    this.state = state;
    this.item.text = `${ICONS[state.kind]} EKS-A Mirror`;
    const detail = 'detail' in state ? `\n${state.detail}` : '';
    this.item.tooltip = `${STATES[state.kind]}${detail}\nClick for Show Output, Open Settings, Restart Server`;
    this.item.backgroundColor = state.kind === 'missing' || state.kind === 'failed'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

export interface MenuActions {
  showOutput(): void;
  openSettings(): Promise<void>;
  restart(): Promise<void>;
}

/** The menu behind the status bar item. */
export async function showMenu(status: ServerStatus, actions: MenuActions): Promise<void> {
  const items = [
    { label: '$(output) Show Output', run: () => actions.showOutput() },
    { label: '$(gear) Open Settings', description: 'eksaMirror.server.path', run: () => actions.openSettings() },
    { label: '$(debug-restart) Restart Server', run: () => actions.restart() },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `EKS-A Mirror: ${STATES[status.state.kind]}`,
    placeHolder: 'eksa-mirror language server',
  });
  if (picked) await picked.run();
}
