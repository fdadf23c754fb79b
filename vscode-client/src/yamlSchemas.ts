// Offer the project's JSON Schema to Red Hat YAML (redhat.vscode-yaml), when it is installed.
//
// The schema is for users who only have Red Hat YAML: while our own server runs, it already
// reports every schema problem (with codes, exact ranges and fixes), hovers and completes, so
// the schema is withheld then and the two extensions never report the same problem twice.
// The schema is chosen by content (an EKS-A Cluster document), not by file name, because
// cluster specs have no fixed name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const SCHEMA_SCHEME = 'eksa-mirror';
export const CLUSTER_SCHEMA = 'eksa-cluster.schema.json';
export const SCHEMA_FILES = [CLUSTER_SCHEMA, 'registry-mirror-configuration.schema.json'];
const YAML_EXTENSION_ID = 'redhat.vscode-yaml';

interface YamlExtensionApi {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => string | undefined,
    label?: string,
  ): boolean;
}

const API_VERSION = /^\s*apiVersion:\s*["']?anywhere\.eks\.amazonaws\.com\//m;
const KIND_CLUSTER = /^\s*kind:\s*["']?Cluster["']?\s*(#.*)?$/m;

/** True for text that holds an EKS Anywhere Cluster document. */
export function isEksaClusterText(text: string): boolean {
  return API_VERSION.test(text) && KIND_CLUSTER.test(text);
}

function documentText(resource: string): string | undefined {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === resource);
  if (open) return open.getText();
  try {
    const uri = vscode.Uri.parse(resource);
    if (uri.scheme !== 'file') return undefined;
    const stat = fs.statSync(uri.fsPath);
    if (stat.size > 5 * 1024 * 1024) return undefined;
    return fs.readFileSync(uri.fsPath, 'utf8');
  } catch {
    return undefined;
  }
}

export function schemaUri(name: string): string {
  return `${SCHEMA_SCHEME}://schemas/${name}`;
}

export class SchemaContributor implements vscode.Disposable {
  private registered = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    /** Whether our language server is running (then it covers the schema itself). */
    private readonly serverRunning: () => boolean = () => false,
  ) {}

  /** Registers now if Red Hat YAML is installed, or later when it gets installed. */
  async start(): Promise<void> {
    await this.tryRegister();
    if (!this.registered) {
      this.disposables.push(vscode.extensions.onDidChange(() => void this.tryRegister()));
    }
  }

  requestSchema = (resource: string): string | undefined => {
    if (this.serverRunning()) return undefined;
    const text = documentText(resource);
    return text !== undefined && isEksaClusterText(text) ? schemaUri(CLUSTER_SCHEMA) : undefined;
  };

  requestSchemaContent = (uri: string): string | undefined => {
    let name: string;
    try {
      name = path.posix.basename(vscode.Uri.parse(uri).path);
    } catch {
      return undefined;
    }
    if (!SCHEMA_FILES.includes(name)) return undefined;
    try {
      const schema = JSON.parse(fs.readFileSync(path.join(this.extensionPath, 'schemas', name), 'utf8'));
      // The published $id is a web address; relative $refs (the cluster schema refers to the
      // mirror schema) must resolve to our scheme so they are served from here, offline.
      schema.$id = schemaUri(name);
      return JSON.stringify(schema);
    } catch (e) {
      this.log.error(`cannot read bundled schema ${name}: ${String(e)}`);
      return undefined;
    }
  };

  private async tryRegister(): Promise<void> {
    if (this.registered) return;
    const ext = vscode.extensions.getExtension<YamlExtensionApi>(YAML_EXTENSION_ID);
    if (!ext) return;
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      if (!api?.registerContributor) {
        this.log.warn(`${YAML_EXTENSION_ID} has no registerContributor API; schema not offered`);
        return;
      }
      this.registered = true;
      api.registerContributor(SCHEMA_SCHEME, this.requestSchema, this.requestSchemaContent, 'EKS Anywhere cluster');
      this.log.info(`offered ${CLUSTER_SCHEMA} to ${YAML_EXTENSION_ID} for EKS-A Cluster documents`);
    } catch (e) {
      this.log.warn(`could not register with ${YAML_EXTENSION_ID}: ${String(e)}`);
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
