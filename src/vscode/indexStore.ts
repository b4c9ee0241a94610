import * as vscode from 'vscode';
import { snapshotFileName } from '../core/engineProtocol';

/**
 * Where the library engine keeps its saved index: one file per key (the digests'
 * content, the key file, the techniques and the extension's version) in the extension's
 * storage, so that the next start neither parses nor indexes. The engine encodes and
 * decodes (core/snapshotCodec.ts); this only reads and writes bytes. Older files are
 * removed on save. Where the folder is on this machine's disk, a Node worker reads and
 * writes it itself (`localFolder`), and this serves only the web worker.
 */
export class IndexStore {
  constructor(private readonly folder: vscode.Uri) {}

  private uri(key: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, snapshotFileName(key));
  }

  /** The folder as a path on this machine's disk, if it is one. */
  get localFolder(): string | undefined {
    return this.folder.scheme === 'file' ? this.folder.fsPath : undefined;
  }

  /** The saved bytes for this key, or undefined when there are none yet. */
  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await vscode.workspace.fs.readFile(this.uri(key));
    } catch {
      return undefined;
    }
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.folder);
    const target = this.uri(key);
    await vscode.workspace.fs.writeFile(target, bytes);
    for (const [name] of await vscode.workspace.fs.readDirectory(this.folder)) {
      if (name.startsWith('index-') && name !== target.path.split('/').pop()) {
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, name)).then(undefined, () => undefined);
      }
    }
  }

  /** An index that could not be used. */
  async delete(key: string): Promise<void> {
    await vscode.workspace.fs.delete(this.uri(key)).then(undefined, () => undefined);
  }
}
