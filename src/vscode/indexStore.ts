import * as vscode from 'vscode';
import { LibrarySnapshot } from '../core/library';
import { SnapshotStore } from '../core/libraryLoader';
import { SnapshotError, decodeSnapshot, encodeSnapshot } from '../core/snapshotCodec';
import { Pacer } from '../core/steps';

/**
 * The loader's snapshot store in the extension's storage: one file per key (the
 * digests' content, the key file, the techniques and the extension's version), so that
 * the next start neither parses nor indexes. Older files are removed on save.
 */
export class IndexStore implements SnapshotStore {
  /** Encoding and decoding 100 MB give the event loop back every 10 ms. */
  private readonly pacer = new Pacer(10);

  constructor(private readonly folder: vscode.Uri) {}

  private uri(key: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, `index-${key.slice(0, 32)}.bin`);
  }

  async load(key: string): Promise<{ snapshot?: LibrarySnapshot; discarded?: string }> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(this.uri(key));
    } catch {
      return {}; // no saved index yet: build afresh
    }
    try {
      const snapshot = await this.pacer.run(decodeSnapshot(bytes));
      return snapshot ? { snapshot } : { discarded: 'it was written by another version' };
    } catch (error) {
      await vscode.workspace.fs.delete(this.uri(key)).then(undefined, () => undefined);
      return { discarded: error instanceof SnapshotError ? error.message : `it cannot be read (${String(error)})` };
    }
  }

  async save(key: string, snapshot: LibrarySnapshot): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.folder);
    const target = this.uri(key);
    await vscode.workspace.fs.writeFile(target, await this.pacer.run(encodeSnapshot(snapshot)));
    for (const [name] of await vscode.workspace.fs.readDirectory(this.folder)) {
      if (name.startsWith('index-') && name !== target.path.split('/').pop()) {
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, name)).then(undefined, () => undefined);
      }
    }
  }
}

export async function sha256(data: string | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', typeof data === 'string' ? new TextEncoder().encode(data) : (data as Uint8Array<ArrayBuffer>));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
