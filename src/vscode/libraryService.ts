import * as vscode from 'vscode';
import { BUNDLED_DIGEST } from '../core/bundled';
import { Library } from '../core/library';
import { NoteScan } from '../core/noteScanner';

/**
 * Owns the current Library and the per-document note scans. Digests are read
 * through `vscode.workspace.fs`, so the same code works on the desktop and the web.
 */
export class LibraryService implements vscode.Disposable {
  private library: Library = Library.fromResults([]);
  private readonly scans = new Map<string, { version: number; scan: NoteScan }>();
  private readonly changed = new vscode.EventEmitter<Library>();
  readonly onDidChange = this.changed.event;
  private readonly ready: Promise<void>;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.ready = this.load();
  }

  get bundledDigestUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, ...BUNDLED_DIGEST);
  }

  /** The library once the digests are read (immediately after the first load). */
  async current(): Promise<Library> {
    await this.ready;
    return this.library;
  }

  /** The library as it is now; empty until the first load finishes. */
  get snapshot(): Library {
    return this.library;
  }

  private async load(): Promise<void> {
    const uri = this.bundledDigestUri;
    const bytes = await vscode.workspace.fs.readFile(uri);
    this.library = Library.fromDigests([{ path: uri.fsPath, text: new TextDecoder().decode(bytes) }]);
    this.scans.clear();
    this.changed.fire(this.library);
  }

  /** Citations and mentions in a document, scanned once per document version. */
  scan(document: vscode.TextDocument): NoteScan {
    const key = document.uri.toString();
    const cached = this.scans.get(key);
    if (cached && cached.version === document.version) return cached.scan;
    const scan = this.library.scanNote(document.getText());
    this.scans.set(key, { version: document.version, scan });
    return scan;
  }

  forget(document: vscode.TextDocument): void {
    this.scans.delete(document.uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
    this.scans.clear();
  }
}
