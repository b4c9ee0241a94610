import * as vscode from 'vscode';
import { LibrarySnapshot } from '../core/library';
import { SnapshotError, decodeSnapshot, encodeSnapshot } from '../core/snapshotCodec';
import { Pacer } from '../core/steps';

/**
 * Saves the built library (parsed digests, names, techniques, search index) in
 * the extension's storage, keyed by the digests' content and the extension's
 * version, so that the next start neither parses nor indexes.
 */
export class IndexStore {
  constructor(
    private readonly folder: vscode.Uri,
    private readonly version: string,
  ) {}

  /** A key for this exact set of digest contents, from each file's own hash. */
  async key(fileHashes: ReadonlyMap<string, string>): Promise<string> {
    const parts = [...fileHashes].sort(([a], [b]) => a.localeCompare(b)).map(([path, hash]) => `${path}\u0000${hash}`);
    return sha256(`${this.version}\u0001${parts.join('\u0001')}`);
  }

  private uri(key: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, `index-${key.slice(0, 32)}.bin`);
  }

  /** The saved index for this key; undefined (build afresh) where there is none, or it is of another format or damaged — said through `discarded`. */
  async load(key: string, pacer: Pacer, discarded: (reason: string) => void = () => undefined): Promise<LibrarySnapshot | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(this.uri(key));
    } catch {
      return undefined; // no saved index yet: build afresh
    }
    try {
      const snapshot = await pacer.run(decodeSnapshot(bytes));
      if (!snapshot) discarded('it was written by another version');
      return snapshot;
    } catch (error) {
      discarded(error instanceof SnapshotError ? error.message : `it cannot be read (${String(error)})`);
      await vscode.workspace.fs.delete(this.uri(key)).then(undefined, () => undefined);
      return undefined;
    }
  }

  /** Writes the snapshot and removes older ones. */
  async save(key: string, snapshot: LibrarySnapshot, pacer: Pacer): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.folder);
    const target = this.uri(key);
    await vscode.workspace.fs.writeFile(target, await pacer.run(encodeSnapshot(snapshot)));
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
