import * as vscode from 'vscode';
import { decodeText } from '../core/text';
import { KEY_MEMORY_FILE } from '../core/keyMemory';

/**
 * The workspace's key file (`.paper-digest/keys.tsv` in the first folder), read and
 * written through `vscode.workspace.fs`; says when someone else changed it (a `git
 * pull`, the CLI). Without a folder, or in a folder with no digest of its own and no
 * key file yet (any folder of Markdown files), keys are remembered for the session only.
 */
export class KeyMemoryFile implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The file changed, and not by us. */
  readonly onDidChange = this.changed.event;
  private lastText: string | undefined;
  /** The file's modification time and size after our last write, and that write while it is made. */
  private written: { mtime: number; size: number } | undefined;
  private writing: Promise<void> | undefined;
  private readonly watcher: vscode.FileSystemWatcher | undefined;

  constructor(
    readonly uri: vscode.Uri | undefined = defaultUri(),
    /** Whether to create the file where there is none: not in a folder that only reads the bundled digest. */
    readonly mayCreate: () => boolean = () => true,
  ) {
    if (uri) {
      const folder = vscode.Uri.joinPath(uri, '..', '..');
      this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, KEY_MEMORY_FILE));
      const onEvent = async () => {
        // The echo of our own write (the file as we left it) is not read again: at 50,000
        // papers that was ~3 MB read and decoded on the editor's thread after every save
        // of the keys, a 60-90 ms block traced in a cold start.
        await this.writing; // the event may come before our write has finished
        if (await this.isAsWritten()) return;
        const text = await this.read();
        if (text === this.lastText) return;
        this.lastText = text;
        this.changed.fire();
      };
      this.watcher.onDidChange(onEvent);
      this.watcher.onDidCreate(onEvent);
      this.watcher.onDidDelete(onEvent);
    }
  }

  /** The file's text for the library engine, or undefined where there is none (or no folder); the engine now knows this text. */
  async readText(): Promise<string | undefined> {
    const text = await this.read();
    this.lastText = text;
    return text;
  }

  /** Whether the file is as our last write left it (the same modification time and size). */
  private async isAsWritten(): Promise<boolean> {
    if (!this.uri || !this.written) return false;
    try {
      const stat = await vscode.workspace.fs.stat(this.uri);
      return stat.mtime === this.written.mtime && stat.size === this.written.size;
    } catch {
      return false;
    }
  }

  private async read(): Promise<string | undefined> {
    if (!this.uri) return undefined;
    try {
      return decodeText(await vscode.workspace.fs.readFile(this.uri));
    } catch {
      return undefined;
    }
  }

  /**
   * Writes the text the library engine made (it keeps keys another writer added since it
   * read the file: core/libraryEngine.ts). Our own write is not reported as a change.
   */
  async writeText(text: string): Promise<void> {
    if (!this.uri) return;
    this.lastText = text;
    this.written = undefined;
    const uri = this.uri;
    const writing = (async () => {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      try {
        const { mtime, size } = await vscode.workspace.fs.stat(uri);
        this.written = { mtime, size };
      } catch {
        // Not known: the next change event reads the file and compares its text.
      }
    })();
    this.writing = writing.catch(() => undefined);
    await writing;
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
