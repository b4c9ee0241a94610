import * as vscode from 'vscode';
import { decodeText } from '../core/text';
import { KEY_MEMORY_FILE, KeyMemory } from '../core/keyMemory';
import { Problem } from '../core/model';
import { pathOf } from './convert';

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
  private readonly watcher: vscode.FileSystemWatcher | undefined;

  constructor(
    readonly uri: vscode.Uri | undefined = defaultUri(),
    /** Whether to create the file where there is none: not in a folder that only reads the bundled digest. */
    private readonly mayCreate: () => boolean = () => true,
  ) {
    if (uri) {
      const folder = vscode.Uri.joinPath(uri, '..', '..');
      this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, KEY_MEMORY_FILE));
      const onEvent = () => void this.readText().then((text) => text !== this.lastText && this.changed.fire());
      this.watcher.onDidChange(onEvent);
      this.watcher.onDidCreate(onEvent);
      this.watcher.onDidDelete(onEvent);
    }
  }

  private async readText(): Promise<string | undefined> {
    if (!this.uri) return undefined;
    try {
      return decodeText(await vscode.workspace.fs.readFile(this.uri));
    } catch {
      return undefined;
    }
  }

  /** The remembered keys (an empty memory where there is no file yet) and the lines that could not be used. */
  async read(): Promise<{ memory: KeyMemory; problems: Problem[]; text: string }> {
    const text = (await this.readText()) ?? '';
    this.lastText = text;
    const { memory, problems } = KeyMemory.parse(text, this.uri ? pathOf(this.uri) : KEY_MEMORY_FILE);
    return { memory, problems, text };
  }

  /**
   * Writes the memory, keeping any key another writer added since we read it (the CLI
   * in a terminal, a collaborator's pull): both sets of keys are handed out already.
   * Returns the text the file now holds (or would hold), for the saved index's key.
   */
  async write(memory: KeyMemory): Promise<string> {
    if (!this.uri) return memory.serialize();
    const onDisk = await this.readText();
    if (onDisk === undefined && !this.mayCreate()) return memory.serialize();
    if (onDisk !== undefined && onDisk !== this.lastText) {
      const theirs = KeyMemory.parse(onDisk, pathOf(this.uri)).memory;
      memory.absorb(theirs);
    }
    const text = memory.serialize();
    memory.changed = false;
    if (text === onDisk) return text;
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(this.uri, '..'));
    this.lastText = text;
    await vscode.workspace.fs.writeFile(this.uri, new TextEncoder().encode(text));
    return text;
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
