import * as vscode from 'vscode';
import { BUNDLED_DIGEST } from '../core/bundled';

/**
 * Which digest files the user's settings name (`paperDigest.digests`, plus the
 * bundled digest unless `paperDigest.includeBundledDigest` is false), and a
 * watcher that says when any of them is created, changed or deleted.
 */
export class DigestFiles implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly fileChanged = new vscode.EventEmitter<{ uri: vscode.Uri; kind: 'changed' | 'created' | 'deleted' }>();
  private readonly settingsChanged = new vscode.EventEmitter<void>();
  /** A digest file was created, changed or deleted on disk. */
  readonly onDidChangeFile = this.fileChanged.event;
  /** The settings now name other files: resolve again. */
  readonly onDidChangeSettings = this.settingsChanged.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly extensionUri: vscode.Uri) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('paperDigest.digests') || e.affectsConfiguration('paperDigest.includeBundledDigest')) {
          this.watch();
          this.settingsChanged.fire();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.settingsChanged.fire();
      }),
    ];
    this.watch();
  }

  get bundledDigest(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, ...BUNDLED_DIGEST);
  }

  /** Whether the settings name digests of the user's own (beyond the bundled one). */
  get hasOwnDigests(): boolean {
    return this.patterns().length > 0;
  }

  private patterns(): string[] {
    const value = vscode.workspace.getConfiguration('paperDigest').get<unknown>('digests', []);
    return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim()) : [];
  }

  /** The digest files, bundled first, each once, in the order the settings give them. */
  async resolve(): Promise<vscode.Uri[]> {
    const uris: vscode.Uri[] = [];
    if (vscode.workspace.getConfiguration('paperDigest').get<boolean>('includeBundledDigest', true)) uris.push(this.bundledDigest);
    for (const pattern of this.patterns()) {
      for (const relative of relativePatterns(pattern)) {
        if (!hasGlob(relative.pattern)) {
          const uri = vscode.Uri.joinPath(relative.baseUri, relative.pattern);
          if (await exists(uri)) uris.push(uri);
          continue;
        }
        const found = await vscode.workspace.findFiles(relative, '**/node_modules/**');
        uris.push(...found.sort((a, b) => a.path.localeCompare(b.path)));
      }
    }
    const seen = new Set<string>();
    return uris.filter((u) => !seen.has(u.toString()) && seen.add(u.toString()));
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = this.patterns().flatMap((pattern) =>
      relativePatterns(pattern).map((relative) => {
        const watcher = vscode.workspace.createFileSystemWatcher(relative);
        return vscode.Disposable.from(
          watcher,
          watcher.onDidChange((uri) => this.fileChanged.fire({ uri, kind: 'changed' })),
          watcher.onDidCreate((uri) => this.fileChanged.fire({ uri, kind: 'created' })),
          watcher.onDidDelete((uri) => this.fileChanged.fire({ uri, kind: 'deleted' })),
        );
      }),
    );
  }

  dispose(): void {
    for (const d of [...this.watchers, ...this.subscriptions]) d.dispose();
    this.fileChanged.dispose();
    this.settingsChanged.dispose();
  }
}

function hasGlob(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

function isAbsolute(pattern: string): boolean {
  return pattern.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(pattern);
}

/** A setting's path or glob as patterns relative to a folder: its own folder when absolute, else each workspace folder. */
function relativePatterns(pattern: string): vscode.RelativePattern[] {
  const normalized = pattern.replace(/\\/g, '/');
  if (isAbsolute(normalized)) {
    const parts = normalized.split('/');
    const firstGlob = parts.findIndex((p) => hasGlob(p));
    const split = firstGlob < 0 ? parts.length - 1 : firstGlob;
    const base = parts.slice(0, split).join('/') || '/';
    return [new vscode.RelativePattern(vscode.Uri.file(base), parts.slice(split).join('/'))];
  }
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => new vscode.RelativePattern(folder, normalized.replace(/^\.\//, '')));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
