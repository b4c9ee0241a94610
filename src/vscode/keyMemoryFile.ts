import * as vscode from 'vscode';
import { KeyFileRequest, KeyFileText } from '../core/engineProtocol';
import { decodeText } from '../core/text';
import { KEY_MEMORY_FILE } from '../core/keyMemory';
import { pathOf } from './convert';

/**
 * The workspace's key file (`.paper-digest/keys.tsv` in the first folder) as the library
 * engine asks for it: where it is, and its text read or written through
 * `vscode.workspace.fs` where the engine does not reach the file itself (a remote or virtual
 * file system, the web). Says when the file changed; the engine knows the change of its own
 * write by the file's stamp (core/keyFileStore.ts). Without a folder, or in a folder with no
 * digest of its own and no key file yet (any folder of Markdown files), keys are remembered
 * for the session only.
 */
export class KeyMemoryFile implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The file was created, changed or deleted, by anyone (the engine included). */
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher | undefined;

  constructor(
    readonly uri: vscode.Uri | undefined = defaultUri(),
    /** Whether to create the file where there is none: not in a folder that only reads the bundled digest. */
    readonly mayCreate: () => boolean = () => true,
  ) {
    if (uri) {
      const folder = vscode.Uri.joinPath(uri, '..', '..');
      this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, KEY_MEMORY_FILE));
      const fire = () => this.changed.fire();
      this.watcher.onDidChange(fire);
      this.watcher.onDidCreate(fire);
      this.watcher.onDidDelete(fire);
    }
  }

  /**
   * The engine's `keys.read`: a local file is named for an engine that reads the disk
   * (`onDisk`); otherwise its stamp and text, the text left out when the stamp is `unlessStamp`.
   */
  async read({ onDisk, unlessStamp }: KeyFileRequest): Promise<KeyFileText> {
    const where: KeyFileText = { path: this.uri && pathOf(this.uri), mayCreate: this.mayCreate() };
    if (!this.uri) return where;
    if (onDisk && this.uri.scheme === 'file') return { ...where, file: this.uri.fsPath };
    const stamp = await this.stamp(); // before the text: a change between the two is seen at the next event
    if (stamp === undefined || stamp === unlessStamp) return { ...where, stamp };
    try {
      return { ...where, stamp, text: decodeText(await vscode.workspace.fs.readFile(this.uri)) };
    } catch {
      return where; // taken as none
    }
  }

  /** The engine's `keys.write`, for a file it does not reach itself; answers the file's stamp after the write. */
  async write(text: string): Promise<string | undefined> {
    if (!this.uri) return undefined;
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(this.uri, '..'));
    await vscode.workspace.fs.writeFile(this.uri, new TextEncoder().encode(text));
    return this.stamp();
  }

  private async stamp(): Promise<string | undefined> {
    try {
      const { mtime, size } = await vscode.workspace.fs.stat(this.uri!);
      return `${mtime}:${size}`;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.watcher?.dispose();
    this.changed.dispose();
  }
}

function defaultUri(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, KEY_MEMORY_FILE) : undefined;
}
