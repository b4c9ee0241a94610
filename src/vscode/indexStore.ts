import * as vscode from 'vscode';
import { LibrarySnapshot } from '../core/library';

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
    return vscode.Uri.joinPath(this.folder, `index-${key.slice(0, 32)}.json`);
  }

  async load(key: string): Promise<LibrarySnapshot | undefined> {
    try {
      const bytes = await vscode.workspace.fs.readFile(this.uri(key));
      const snapshot = JSON.parse(new TextDecoder().decode(bytes)) as LibrarySnapshot;
      return snapshot.format === 1 ? snapshot : undefined;
    } catch {
      return undefined; // no saved index, or an unreadable one: build afresh
    }
  }

  /** Writes the snapshot and removes older ones. */
  async save(key: string, snapshot: LibrarySnapshot): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.folder);
    const target = this.uri(key);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(snapshot)));
    for (const [name] of await vscode.workspace.fs.readDirectory(this.folder)) {
      if (name.startsWith('index-') && name.endsWith('.json') && name !== target.path.split('/').pop()) {
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, name)).then(undefined, () => undefined);
      }
    }
  }
}

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
