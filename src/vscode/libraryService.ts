import * as vscode from 'vscode';
import { Library } from '../core/library';
import { DigestRead, DigestSource, LibraryLoader, LoadInfo } from '../core/libraryLoader';
import { Pacer } from '../core/steps';
import { taxonomyWithUserTechniques } from '../core/techniques';
import { detectEncoding } from '../core/text';
import { pathOf } from './convert';
import { DigestFiles } from './digestFiles';
import { IndexStore, sha256 } from './indexStore';
import { KeyMemoryFile } from './keyMemoryFile';

export type { LoadInfo };

/**
 * The library loader (core/libraryLoader.ts) wired to the editor: digests read through
 * `vscode.workspace.fs` (so it works on the web too), file and settings events turned
 * into the loader's calls, its libraries offered as an event.
 */
export class LibraryService implements vscode.Disposable {
  private readonly loader: LibraryLoader;
  private readonly changed = new vscode.EventEmitter<Library>();
  readonly onDidChange = this.changed.event;
  private readonly ready: Promise<void>;
  private readonly source: WorkspaceDigests;
  private readonly subscriptions: vscode.Disposable[];

  constructor(files: DigestFiles, store: IndexStore | undefined, log: vscode.LogOutputChannel, keys: KeyMemoryFile, version = '0') {
    this.source = new WorkspaceDigests(files, keys.uri);
    this.loader = new LibraryLoader(
      {
        digests: this.source,
        snapshots: store,
        keys,
        taxonomy: () => {
          const setting = vscode.workspace.getConfiguration('paperDigest').get<unknown>('techniques', []);
          const { taxonomy, problems } = taxonomyWithUserTechniques(setting);
          for (const problem of problems) log.warn(problem);
          return { taxonomy, identity: JSON.stringify(setting ?? []) };
        },
        hash: sha256,
        log,
      },
      version,
    );
    const forwarded = this.loader.onDidChange((library) => this.changed.fire(library));
    this.ready = Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Paper Digest: indexing digests' }, () => this.loader.load()));
    this.subscriptions = [
      { dispose: () => forwarded.dispose() },
      files.onDidChangeSettings(() => void this.loader.syncDigests()),
      files.onDidChangeFile(({ uri, kind }) => {
        this.source.remember(uri);
        void (kind === 'deleted' ? this.loader.digestDeleted(pathOf(uri)) : this.loader.digestsChanged([pathOf(uri)]));
      }),
      keys.onDidChange(() => void this.loader.keysChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('paperDigest.techniques') && void this.loader.techniquesChanged()),
    ];
  }

  /** The library once the digests are read. */
  async current(): Promise<Library> {
    await this.ready;
    return this.loader.snapshot;
  }

  /** The library as it is now (empty until the first load finishes). */
  get snapshot(): Library {
    return this.loader.snapshot;
  }

  get lastLoad(): LoadInfo | undefined {
    return this.loader.lastLoad;
  }

  /** The file a paper or problem path came from. */
  uriOf(path: string): vscode.Uri {
    return this.source.uriOf(path);
  }

  get digestUris(): vscode.Uri[] {
    return this.source.uris;
  }

  /** Saves the index now (after any queued change) instead of waiting for the timer. */
  saveNow(): Promise<void> {
    return this.loader.saveNow();
  }

  /** Makes a scheduled save now (on deactivate); nothing when none is pending. */
  flushPendingSave(): Promise<void> | undefined {
    return this.loader.flushPendingSave();
  }

  dispose(): void {
    this.loader.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** The loader's digest source: the files the settings name, read through `vscode.workspace.fs`. */
class WorkspaceDigests implements DigestSource {
  private readonly byPath = new Map<string, vscode.Uri>();
  /** Decoding a large digest gives the event loop back every 10 ms. */
  private readonly pacer = new Pacer(10);

  constructor(
    private readonly files: DigestFiles,
    /** The key file: its problems name it by path too. */
    private readonly keyFile: vscode.Uri | undefined,
  ) {}

  get uris(): vscode.Uri[] {
    return [...this.byPath.values()];
  }

  uriOf(path: string): vscode.Uri {
    return this.byPath.get(path) ?? (this.keyFile && pathOf(this.keyFile) === path ? this.keyFile : vscode.Uri.file(path));
  }

  remember(uri: vscode.Uri): void {
    this.byPath.set(pathOf(uri), uri);
  }

  async list(): Promise<string[]> {
    const uris = await this.files.resolve();
    const wanted = new Set(uris.map(pathOf));
    for (const path of [...this.byPath.keys()]) if (!wanted.has(path)) this.byPath.delete(path);
    for (const uri of uris) this.remember(uri);
    return uris.map(pathOf);
  }

  /** A file's text and hash; a file that cannot be read, or is over the size limit, becomes one problem naming it. */
  async read(path: string): Promise<DigestRead> {
    const uri = this.uriOf(path);
    try {
      const limitMb = maxDigestMegabytes();
      const { size } = await vscode.workspace.fs.stat(uri);
      if (size > limitMb * 1024 * 1024) {
        const message = `${path} is ${Math.round(size / 1024 / 1024)} MB, over the ${limitMb} MB limit (paperDigest.maxDigestSizeMB); it is not read.`;
        return { problem: { path, line: 0, severity: 'error', message }, hash: `too-large:${size}` };
      }
      const bytes = await vscode.workspace.fs.readFile(uri);
      // Hash the bytes (off the main thread), then decode a few megabytes at a time.
      const hash = await sha256(bytes);
      return { text: await decodeInSlices(bytes, this.pacer), hash };
    } catch (error) {
      const message = `Cannot read digest ${path}: ${error instanceof Error ? error.message : String(error)}`;
      return { problem: { path, line: 0, severity: 'error', message }, hash: `unreadable:${Date.now()}` };
    }
  }
}

/** The largest digest read, in MB (a setting; a 500 MB file would take the editor's memory). */
function maxDigestMegabytes(): number {
  const value = vscode.workspace.getConfiguration('paperDigest').get<unknown>('maxDigestSizeMB', 256);
  return typeof value === 'number' && value > 0 ? value : 256;
}

/** Bytes (UTF-8 or UTF-16) to text without holding the event loop for a large digest. */
async function decodeInSlices(bytes: Uint8Array, pacer: Pacer): Promise<string> {
  const decoder = new TextDecoder(detectEncoding(bytes));
  const parts: string[] = [];
  const chunk = 4 << 20;
  for (let at = 0; at < bytes.byteLength; at += chunk) {
    parts.push(decoder.decode(bytes.subarray(at, at + chunk), { stream: at + chunk < bytes.byteLength }));
    await pacer.pace();
  }
  return parts.join('');
}
