import * as vscode from 'vscode';
import { parseDigestSteps } from '../core/digest';
import { Library, LibraryBuilder } from '../core/library';
import { Taxonomy, taxonomyWithUserTechniques } from '../core/techniques';
import { ParseResult } from '../core/model';
import { Pacer } from '../core/steps';
import { detectEncoding } from '../core/text';
import { pathOf } from './convert';
import { DigestFiles } from './digestFiles';
import { IndexStore, sha256 } from './indexStore';
import { KeyMemoryFile } from './keyMemoryFile';

/** The key file's hash stands beside the digests' in the saved index's key: other keys, another index. */
const KEY_FILE_HASH = '\u0000keys';
/** So does the user's taxonomy: other techniques, another index. */
const TAXONOMY_HASH = '\u0000taxonomy';

export interface LoadInfo {
  papers: number;
  digests: number;
  problems: number;
  fromSavedIndex: boolean;
  milliseconds: number;
}

/**
 * Owns the library: reads the digest files (through `vscode.workspace.fs`, so it
 * works on the web too), keeps it fresh as they change — re-reading only the
 * changed file, re-indexing only its papers — and saves the index for the next
 * start, with the workspace's key file (keys handed out stay with their papers).
 */
export class LibraryService implements vscode.Disposable {
  private library: Library = Library.fromResults([]);
  private builder = new LibraryBuilder();
  private readonly uris = new Map<string, vscode.Uri>();
  private readonly fileHashes = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<Library>();
  readonly onDidChange = this.changed.event;
  private ready: Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** A save is scheduled and not yet made. */
  private savePending = false;
  /** Long work gives the editor the event loop back at least every 10 ms. */
  private readonly pacer = new Pacer(10);
  private readonly subscriptions: vscode.Disposable[];
  lastLoad: LoadInfo | undefined;

  constructor(
    private readonly files: DigestFiles,
    private readonly store: IndexStore | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly keys: KeyMemoryFile,
  ) {
    this.ready = this.enqueue(() =>
      Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Paper Digest: indexing digests' }, () => this.loadAll())),
    );
    this.subscriptions = [
      files.onDidChangeSettings(() => void this.enqueue(() => this.syncFiles())),
      files.onDidChangeFile(({ uri, kind }) => void this.enqueue(() => (kind === 'deleted' ? this.removeFile(uri) : this.readFiles([uri])))),
      keys.onDidChange(() => void this.enqueue(() => this.reloadKeys())),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('paperDigest.techniques') && void this.enqueue(() => this.reclassify())),
    ];
  }

  /** The library once the digests are read. */
  async current(): Promise<Library> {
    await this.ready;
    return this.library;
  }

  /** The library as it is now (empty until the first load finishes). */
  get snapshot(): Library {
    return this.library;
  }

  /** The file a paper or problem path came from. */
  uriOf(path: string): vscode.Uri {
    return this.uris.get(path) ?? vscode.Uri.file(path);
  }

  get digestUris(): vscode.Uri[] {
    return [...this.uris.values()];
  }

  /** Changes apply one at a time, in order, so a burst of file events never interleaves. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error) => this.log.error(`Paper Digest: ${String(error)}`));
    return this.queue;
  }

  private async loadAll(): Promise<void> {
    const started = Date.now();
    const uris = await this.files.resolve();
    const texts = await Promise.all(uris.map((uri) => this.read(uri)));
    uris.forEach((uri, i) => this.remember(uri, texts[i]!.hash));
    const memory = await this.readKeys();
    const taxonomy = await this.readTaxonomy();
    const key = this.store ? await this.store.key(this.fileHashes) : undefined;
    const saved = key ? await this.store!.load(key, this.pacer, (reason) => this.log.warn(`The saved index was discarded and the library is rebuilt: ${reason}.`)) : undefined;
    if (saved) {
      this.builder = await LibraryBuilder.restore(saved, taxonomy);
      this.builder.setMemory(memory.memory, memory.problems);
      await this.publish();
      // Search is ready; the parsed digests are needed only for the next change: read them back after.
      void this.enqueue(() => this.restoreDigests(uris, texts));
    } else {
      this.builder = new LibraryBuilder(taxonomy);
      this.builder.setMemory(memory.memory, memory.problems);
      for (let i = 0; i < uris.length; i++) {
        const path = pathOf(uris[i]!);
        this.builder.setDigest(path, texts[i]!.result ?? (await this.pacer.run(parseDigestSteps(texts[i]!.text, path))));
      }
      await this.publish();
    }
    this.lastLoad = {
      papers: this.library.papers.length,
      digests: uris.length,
      problems: this.library.problems.length,
      fromSavedIndex: !!saved,
      milliseconds: Date.now() - started,
    };
    this.log.info(`Loaded ${this.lastLoad.papers} papers from ${uris.length} digest(s) in ${this.lastLoad.milliseconds} ms${saved ? ' (saved index)' : ''}.`);
    if (!saved) this.scheduleSave(0);
  }

  /** The workspace's key file, its hash kept for the saved index's key. */
  private async readKeys() {
    const read = await this.keys.read();
    this.fileHashes.set(KEY_FILE_HASH, await sha256(read.text));
    if (this.keys.uri) this.uris.set(pathOf(this.keys.uri), this.keys.uri);
    return read;
  }

  /** The taxonomy with the user's techniques (`paperDigest.techniques`); a malformed entry is named in the log. */
  private async readTaxonomy(): Promise<Taxonomy> {
    const setting = vscode.workspace.getConfiguration('paperDigest').get<unknown>('techniques', []);
    const { taxonomy, problems } = taxonomyWithUserTechniques(setting);
    for (const problem of problems) this.log.warn(problem);
    this.fileHashes.set(TAXONOMY_HASH, await sha256(JSON.stringify(setting ?? [])));
    return taxonomy;
  }

  /** The techniques setting changed: every paper is classified again, keys and parsed digests kept. */
  private async reclassify(): Promise<void> {
    const taxonomy = await this.readTaxonomy();
    const next = new LibraryBuilder(taxonomy, undefined, undefined, this.builder.keyMemory);
    for (const path of this.builder.paths) next.setDigest(path, this.builder.digest(path)!);
    this.builder = next;
    await this.publish();
    this.log.info('Techniques changed; papers classified again.');
    this.scheduleSave();
  }

  /** Someone else changed the key file (a pull, the CLI): rebuild with it, so that keys mean what it says. */
  private async reloadKeys(): Promise<void> {
    const { memory, problems } = await this.readKeys();
    this.builder.setMemory(memory, problems);
    await this.publish();
    this.log.info('The key file changed; keys updated from it.');
    this.scheduleSave();
  }

  /** Writes keys the last build handed out, before anything can cite them. */
  private async writeKeys(): Promise<void> {
    const memory = this.builder.keyMemory;
    if (!memory.changed) return;
    try {
      this.fileHashes.set(KEY_FILE_HASH, await sha256(await this.keys.write(memory)));
    } catch (error) {
      this.log.error(`Cannot write the key file ${this.keys.uri?.toString() ?? ''}: ${String(error)}`);
    }
  }

  /** After a start from the saved index: the builder gets the parsed digests back, without publishing. */
  private async restoreDigests(uris: vscode.Uri[], texts: Array<{ text: string; result?: ParseResult }>): Promise<void> {
    for (let i = 0; i < uris.length; i++) {
      const path = pathOf(uris[i]!);
      if (!this.builder.digest(path)) this.builder.setDigest(path, texts[i]!.result ?? (await this.pacer.run(parseDigestSteps(texts[i]!.text, path))));
    }
    await this.pacer.run(this.builder.absorbDerivedSteps());
  }

  /** After a settings change: read files that are new, forget those no longer named. */
  private async syncFiles(): Promise<void> {
    const wanted = await this.files.resolve();
    const wantedPaths = new Set(wanted.map(pathOf));
    for (const path of this.builder.paths) {
      if (!wantedPaths.has(path)) {
        this.builder.removeDigest(path);
        this.uris.delete(path);
        this.fileHashes.delete(path);
      }
    }
    await this.readFiles(wanted.filter((uri) => !this.builder.digest(pathOf(uri))), false);
    await this.publish();
    this.scheduleSave();
  }

  private async readFiles(uris: vscode.Uri[], publish = true): Promise<void> {
    for (const uri of uris) {
      const path = pathOf(uri);
      const { text, hash, result } = await this.read(uri);
      if (this.fileHashes.get(path) === hash && this.builder.digest(path)) continue;
      this.remember(uri, hash);
      this.builder.setDigest(path, result ?? (await this.pacer.run(parseDigestSteps(text, path))));
    }
    if (publish) {
      const counts = await this.publish();
      this.log.info(`Updated from ${uris.map((u) => u.path.split('/').pop()).join(', ')}: ${counts.added} added, ${counts.updated} changed, ${counts.removed} removed.`);
      this.scheduleSave();
    }
  }

  private async removeFile(uri: vscode.Uri): Promise<void> {
    const path = pathOf(uri);
    if (!this.builder.removeDigest(path)) return;
    this.uris.delete(path);
    this.fileHashes.delete(path);
    await this.publish();
    this.log.info(`Removed digest ${path}.`);
    this.scheduleSave();
  }

  private remember(uri: vscode.Uri, hash: string): void {
    this.uris.set(pathOf(uri), uri);
    this.fileHashes.set(pathOf(uri), hash);
  }

  /** A file's text and hash; a file that cannot be read becomes one problem naming it. */
  private async read(uri: vscode.Uri): Promise<{ text: string; hash: string; result?: ParseResult }> {
    const path = pathOf(uri);
    try {
      const limitMb = maxDigestMegabytes();
      const { size } = await vscode.workspace.fs.stat(uri);
      if (size > limitMb * 1024 * 1024) {
        const message = `${path} is ${Math.round(size / 1024 / 1024)} MB, over the ${limitMb} MB limit (paperDigest.maxDigestSizeMB); it is not read.`;
        return { text: '', hash: `too-large:${size}`, result: { papers: [], problems: [{ path, line: 0, severity: 'error', message }] } };
      }
      const bytes = await vscode.workspace.fs.readFile(uri);
      // Hash the bytes (off the main thread), then decode a few megabytes at a time.
      const hash = await sha256(bytes);
      return { text: await decodeInSlices(bytes, this.pacer), hash };
    } catch (error) {
      const message = `Cannot read digest ${path}: ${error instanceof Error ? error.message : String(error)}`;
      return { text: '', hash: `unreadable:${Date.now()}`, result: { papers: [], problems: [{ path, line: 0, severity: 'error', message }] } };
    }
  }

  private async publish() {
    const { library, counts } = await this.pacer.run(this.builder.buildSteps());
    await this.writeKeys();
    this.library = library;
    this.changed.fire(library);
    // Hover and the Cited-in scan need the names matcher: build it now, in slices, not on the first hover.
    void this.enqueue(() => this.pacer.run(library.prepareSteps()));
    return counts;
  }

  /** Saves a little later, so that a burst of edits is saved once. */
  private scheduleSave(delay = 1000): void {
    if (!this.store) return;
    clearTimeout(this.saveTimer);
    this.savePending = true;
    this.saveTimer = setTimeout(() => void this.saveNow(), delay);
  }

  /** Makes a scheduled save now (on deactivate); nothing when none is pending. */
  flushPendingSave(): Promise<void> | undefined {
    return this.savePending ? this.saveNow() : undefined;
  }

  /** Saves the index now (after any queued change) instead of waiting for the timer. */
  saveNow(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.savePending = false;
    return this.enqueue(async () => {
      if (!this.store) return;
      const key = await this.store.key(this.fileHashes);
      await this.store.save(key, this.builder.toSnapshot(), this.pacer);
      this.log.debug(`Saved the index (${key.slice(0, 12)}).`);
    });
  }

  dispose(): void {
    clearTimeout(this.saveTimer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
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

