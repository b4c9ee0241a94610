import { DeriveHelpers, DerivationShare, SHARED_DERIVE_MIN, TEXTS_PER_CHUNK } from './deriveHelpers';
import { parseDigest } from './digest';
import { KeyMemory } from './keyMemory';
import { Library, LibraryBuilder, LibrarySnapshot, paperText } from './library';
import { SearchHit, SearchOptions } from './searchIndex';
import { inSlices } from './quietTasks';
import { Paper, ParseResult, Problem } from './model';
import { Taxonomy } from './techniques';
import { FileText, fileName, textLength, wholeText } from './text';

/**
 * The library loader behind small ports: it reads the digests, builds the library, keeps
 * it fresh as files change (re-reading only the changed file, re-indexing only its
 * papers), restores it from a saved index at start and saves it again after a change,
 * with the workspace's key file. The editor gives it ports over `vscode.workspace.fs`
 * (src/vscode/libraryService.ts); the tests give it in-memory ones.
 */

/**
 * A digest read by the source: its text, or a problem that names it; and its version, a
 * stamp that changes whenever its content does (a content hash, or size and modification
 * time as the editor gives them: ESLint's cache decides the same way).
 */
export type DigestRead =
  /** `bytes`: what the text was decoded from, where the source has them (hashing them spares encoding 86 MB again). */
  | { text: FileText; version: string; bytes?: Uint8Array }
  | { problem: Problem; version: string };

/** A digest wanted, and its version (what names its contents without reading them). */
export interface ListedDigest {
  path: string;
  version: string;
}

/** Where digests come from. Paths are the names papers and problems carry. */
export interface DigestSource {
  /** The digests wanted now (settings, workspace), with their versions: a warm start asks no more. */
  list(): Promise<ListedDigest[]>;
  /** The digest's version without reading it (a warm start needs no more). */
  version(path: string): Promise<string>;
  read(path: string): Promise<DigestRead>;
}

/** Where the built library is kept between starts. */
export interface SnapshotStore {
  /**
   * The saved library for this key; `discarded` with the reason when one was there but
   * unusable; `outdated` when it is usable but should be saved again (in the current form).
   */
  load(key: string): Promise<{ snapshot?: LibrarySnapshot; discarded?: string; outdated?: boolean }>;
  save(key: string, snapshot: LibrarySnapshot): Promise<void>;
}

/** The key file's text ('' when there is none) and where it is, for problems' paths. */
export interface KeyFile {
  text: string;
  path: string;
}

/** The workspace's remembered keys. */
export interface KeyStore {
  read(): Promise<KeyFile>;
  /** The file again if it is not as this store last read or wrote it (someone else changed it); undefined when it is (our own write's change event). */
  readChanged(): Promise<KeyFile | undefined>;
  /** Writes the memory; returns the text the file now holds, for the saved index's key. */
  write(memory: KeyMemory): Promise<string>;
}

export interface LoaderLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoaderPorts {
  digests: DigestSource;
  snapshots?: SnapshotStore;
  keys: KeyStore;
  /** The taxonomy to classify with, and a text that identifies it (the user's setting). */
  taxonomy(): { taxonomy: Taxonomy; identity: string };
  /** A hash of text (as UTF-8) or bytes (SHA-256 where the platform has it). */
  hash(data: string | Uint8Array): Promise<string>;
  log: LoaderLog;
  /** How long to wait before saving after a change, in ms. */
  saveDelayMs?: number;
  /** Runs work that can wait (see QuietTasks); by default on the next turn of the event loop. */
  whenQuiet?(task: () => void): void;
  /** Resolves when the editor has stopped asking for a while (see QuietTasks.untilQuiet): what work in slices waits for between them. */
  untilQuiet?(): Promise<void>;
  /** Threads that share the deriving of names and techniques when a build has many new papers. */
  helpers?: DeriveHelpers;
}

export interface LoadInfo {
  papers: number;
  digests: number;
  problems: number;
  fromSavedIndex: boolean;
  milliseconds: number;
}

/** How often a digest that changed while it was read is read again, SETTLE_MS apart (see readSettled). */
const SETTLE_READS = 20;
const SETTLE_MS = 50;

/** Digest text (characters) of at least SHARED_DERIVE_MIN papers: a cold build of this much starts its helpers before parsing. */
const HELPERS_START_TEXT = SHARED_DERIVE_MIN * 1000;

/** A restore decodes its papers in slices (see inSlices), RESTORE_PAPERS_PER_STEP between looks at the clock, answering searches in between. */
const RESTORE_PAPERS_PER_STEP = 100;

/** How many reads in a row of a file that keeps changing are left unparsed before one is built anyway. */
const MAX_OUTDATED_READS = 20;

/** The key file's hash stands beside the digests' in the saved index's key: other keys, another index. */
const KEY_FILE_HASH = '\u0000keys';
/** So does the taxonomy: other techniques, another index. */
const TAXONOMY_HASH = '\u0000taxonomy';

export class LibraryLoader {
  private library: Library = Library.fromResults([]);
  private builder = new LibraryBuilder();
  /** Each digest's version (and the key file's and taxonomy's hashes): the saved index's key. */
  private readonly indexKeyParts = new Map<string, string>();
  /**
   * Each parsed digest's size and, where it was hashed, a hash of its bytes (or the version of
   * a read that failed), so that an event for unchanged bytes parses nothing.
   */
  private readonly contents = new Map<string, { size: number; hash?: string }>();
  private readonly listeners = new Set<(library: Library, restored: boolean) => void>();
  private queue: Promise<void> = Promise.resolve();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private savePending = false;
  private disposed = false;
  /** Digests changed since the queued re-read was queued, and that re-read. */
  private readonly changedPaths = new Set<string>();
  private pendingRead: Promise<void> | undefined;
  /** Digests a warm start did not parse, and the key file it did not read yet (see parseRestored). */
  private unparsed: string[] = [];
  private unreadKeys: KeyFile | undefined;
  /** Reads in a row whose bytes were outdated before they were parsed (see readFiles). */
  private outdatedReads = 0;
  /** The search of a restore whose papers are still being decoded (see loadUntilSearchable). */
  private restoredSearch: ((query: string, options?: SearchOptions) => SearchHit[]) | undefined;
  /** Resolves `loadUntilSearchable`. */
  private searchable: (() => void) | undefined;
  /** The load in progress or done, until its library is built (see `whole`). */
  private loading: Promise<void> | undefined;
  /** The key file's write the last publish started (see publish). */
  private keysWriting: Promise<void> | undefined;
  lastLoad: LoadInfo | undefined;

  constructor(
    private readonly ports: LoaderPorts,
    /** Salt for the saved index's key (the extension's version): another version, another index. */
    private readonly version: string,
  ) {}

  /** The library as it is now (empty until the first load finishes). */
  get snapshot(): Library {
    return this.library;
  }

  /** Called with each new library, and whether it is the one restored from the saved index (the papers it saved, unchanged). */
  onDidChange(listener: (library: Library, restored: boolean) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The first load: from the saved index where it matches the digests, else by reading them. */
  load(): Promise<void> {
    let built!: () => void;
    this.loading = new Promise<void>((resolve) => (built = resolve));
    return this.enqueue(() => this.loadAll().finally(built));
  }

  /**
   * The first load, answered as soon as `search` answers: restored from a saved index, that
   * is before the papers are decoded (what needs them waits for them, see `whole`); else
   * when the library is built.
   */
  loadUntilSearchable(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.searchable = resolve;
      void this.load();
      void this.loading?.then(resolve);
    });
  }

  /** Searches the library; during a restore, the saved index (see loadUntilSearchable). */
  search(query: string, options?: SearchOptions): SearchHit[] {
    return this.restoredSearch ? this.restoredSearch(query, options) : this.library.search(query, options);
  }

  /** The library, once the first load has built it (a restore has all its papers; one that failed, the rebuilt library). */
  async whole(): Promise<Library> {
    await this.loading;
    return this.library;
  }

  /** The digests wanted changed (settings): read the new, forget the ones no longer named. */
  syncDigests(): Promise<void> {
    return this.enqueue(() => this.syncFiles());
  }

  /**
   * Files changed on disk: each is read again (only those whose bytes changed are parsed).
   * A burst is coalesced: changes that arrive while a rebuild waits or runs are read
   * together in the next one, not one rebuild each.
   */
  digestsChanged(paths: readonly string[]): Promise<void> {
    for (const path of paths) this.changedPaths.add(path);
    this.pendingRead ??= this.enqueue(async () => {
      const changed = [...this.changedPaths];
      this.changedPaths.clear();
      this.pendingRead = undefined;
      await this.readFiles(changed);
    });
    return this.pendingRead;
  }

  digestDeleted(path: string): Promise<void> {
    return this.enqueue(() => this.removeFile(path));
  }

  /** The key file may have changed: if someone else changed it (a pull, the CLI), rebuild with it, so that keys mean what it says. */
  keysChanged(): Promise<void> {
    return this.enqueue(async () => {
      const keys = await this.ports.keys.readChanged();
      if (!keys) return;
      await this.parseRestored();
      this.setKeys(await this.keyFileRead(keys));
      await this.publish();
      this.ports.log.info('The key file changed; keys updated from it.');
      this.scheduleSave();
    });
  }

  /** The techniques changed: every paper is classified again, keys and parsed digests kept. */
  techniquesChanged(): Promise<void> {
    return this.enqueue(async () => {
      await this.parseRestored();
      const taxonomy = await this.readTaxonomy();
      const next = new LibraryBuilder(taxonomy, undefined, this.builder.keyMemory);
      for (const path of this.builder.paths) next.setDigest(path, this.builder.digest(path)!);
      this.builder = next;
      await this.publish();
      this.ports.log.info('Techniques changed; papers classified again.');
      this.scheduleSave();
    });
  }

  /** Saves the index now (after any queued change) instead of waiting for the timer. */
  saveNow(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.savePending = false;
    return this.enqueue(async () => {
      const store = this.ports.snapshots;
      if (!store) return;
      await store.save(await this.indexKey(), this.builder.toSnapshot());
    });
  }

  /** Makes a scheduled save now (when the editor shuts the extension down); nothing when none is pending. */
  flushPendingSave(): Promise<void> | undefined {
    return this.savePending ? this.saveNow() : undefined;
  }

  /** Waits for every change queued so far. */
  idle(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.saveTimer);
    this.listeners.clear();
  }

  /** Changes apply one at a time, in order, so a burst of file events never interleaves; a failure is logged, not thrown. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue
      .then(task)
      .catch((error) => this.ports.log.error(`Paper Digest: ${String(error)}`))
      .then(() => this.keysWriting);
    return this.queue;
  }

  private async loadAll(): Promise<void> {
    const started = Date.now();
    // What names the saved index, asked of the editor at once rather than one answer after another.
    const [paths, keys, taxonomy] = await Promise.all([this.listDigests(), this.readKeys(), this.readTaxonomy()]);
    let { snapshot: saved, outdated } = await this.loadSaved();
    if (saved) {
      try {
        this.builder = LibraryBuilder.restore(saved, taxonomy);
        // The saved index was built with exactly this key file (its hash is in the index's key): the keys
        // are needed only when the next change is built, so they are read then (50,000 lines take ~0.2 s).
        this.unreadKeys = keys;
        await this.restore(paths.length, started, { papers: saved.lazyPapers?.count ?? saved.papers.length, problems: saved.problems.length });
        const restored = this.builder;
        this.whenQuiet(() => restored.releaseSnapshot());
        // The parsed digests are needed only for the next change: they are read again then
        // (parsing 50,000 papers now would hold up the first searches).
        this.unparsed = paths;
      } catch (error) {
        // Checked bytes that still do not decode (a bug of the version that wrote them): built afresh.
        this.ports.log.warn(`The saved index could not be restored (${error instanceof Error ? error.message : String(error)}); the library is rebuilt.`);
        this.unreadKeys = undefined;
        saved = undefined;
        outdated = false;
      }
    }
    if (!saved) {
      let text = 0;
      let share: DerivationShare | undefined;
      try {
        const builder = (this.builder = new LibraryBuilder(taxonomy));
        this.setKeys(keys);
        const parsedBefore: Paper[][] = [];
        for (const path of paths) {
          const read = await this.readSettled(path);
          // Enough text for the build to share its deriving: the helper threads start (~0.4 s), and are
          // sent the texts of the papers as they are parsed, to derive while the rest is parsed.
          if ('text' in read && text < HELPERS_START_TEXT && (text += textLength(read.text)) >= HELPERS_START_TEXT && this.ports.helpers?.count) {
            this.ports.helpers.start();
            share = this.derivationShare(this.ports.helpers);
            for (const papers of parsedBefore) share.send(papers.map(paperText));
          }
          this.indexKeyParts.set(path, read.version);
          const parsed = this.parse(path, read, share);
          if (!share) parsedBefore.push(parsed.papers);
          builder.setDigest(path, parsed);
        }
        await this.publish(false, share);
      } finally {
        this.ports.helpers?.release(); // a build too small to share did not end them
      }
      this.loaded(paths.length, started, { papers: this.library.papers.length, problems: this.library.problems.length }, false);
      this.scheduleSave(0);
    } else if (outdated) this.scheduleSave();
  }

  private loaded(digests: number, started: number, { papers, problems }: { papers: number; problems: number }, fromSavedIndex: boolean): void {
    this.lastLoad = { papers, digests, problems, fromSavedIndex, milliseconds: Date.now() - started };
    this.ports.log.info(`Loaded ${papers} papers from ${digests} digest(s) in ${this.lastLoad.milliseconds} ms${fromSavedIndex ? ' (saved index)' : ''}.`);
  }

  /**
   * The restored library: searchable at once from the saved index, its papers decoded a
   * slice at a time (searches are answered in between), then built and published.
   */
  private async restore(digests: number, started: number, size: { papers: number; problems: number }): Promise<void> {
    this.restoredSearch = this.builder.restoredSearch();
    try {
      this.loaded(digests, started, size, true);
      this.searchable?.();
      this.searchable = undefined;
      const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));
      // The load is answered first; then what the first search would do itself, then the papers.
      await nextTurn();
      this.builder.prepareSearch();
      const builder = this.builder;
      await inSlices(
        (function* () {
          while (builder.decodeRestored(RESTORE_PAPERS_PER_STEP)) yield;
        })(),
      );
      await this.publish(true);
    } finally {
      this.restoredSearch = undefined;
    }
  }

  private async loadSaved(): Promise<{ snapshot?: LibrarySnapshot; outdated?: boolean }> {
    const store = this.ports.snapshots;
    if (!store) return {};
    const { snapshot, discarded, outdated } = await store.load(await this.indexKey());
    if (discarded) this.ports.log.warn(`The saved index was discarded and the library is rebuilt: ${discarded}.`);
    return { snapshot, outdated };
  }

  /** A key for this exact set of digest contents, key file, taxonomy and version. */
  private indexKey(): Promise<string> {
    const parts = [...this.indexKeyParts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, hash]) => `${path}\u0000${hash}`);
    return this.ports.hash(`${this.version}\u0001${parts.join('\u0001')}`);
  }

  /**
   * A digest read whole: its version is asked again after the read, and a file being
   * written meanwhile (a save of 86 MB, a script writing it), whose bytes may be cut, is
   * read again once it settles instead of being parsed into a library missing half its
   * papers. After SETTLE_READS reads what was read is taken (its change event follows).
   */
  private async readSettled(path: string): Promise<DigestRead> {
    for (let attempt = 1; ; attempt++) {
      const read = await this.ports.digests.read(path);
      // A newer read already queued (its change event came) sees the settled bytes: no need to wait here.
      if (!('text' in read) || attempt >= SETTLE_READS || this.changedPaths.has(path)) return read;
      if ((await this.ports.digests.version(path)) === read.version) return read;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
  }

  /** The digest parsed; `share`, if given, is sent each paper's text a chunk at a time as it is read. */
  private parse(path: string, read: DigestRead, share?: DerivationShare): ParseResult {
    if ('problem' in read) return { papers: [], problems: [read.problem] };
    if (!share) return parseDigest(read.text, path);
    let list: readonly Paper[] = [];
    let sent = 0;
    const parsed = parseDigest(read.text, path, (papers) => {
      if (papers !== list) [list, sent] = [papers, 0];
      if (papers.length - sent < TEXTS_PER_CHUNK) return;
      share.send(papers.slice(sent).map(paperText));
      sent = papers.length;
    });
    share.send(parsed.papers.slice(parsed.papers === list ? sent : 0).map(paperText));
    return parsed;
  }

  /** The digests and their versions (part of the saved index's key). */
  private async listDigests(): Promise<string[]> {
    const listed = await this.ports.digests.list();
    for (const { path, version } of listed) this.indexKeyParts.set(path, version);
    return listed.map(({ path }) => path);
  }

  private async readKeys(): Promise<KeyFile> {
    return this.keyFileRead(await this.ports.keys.read());
  }

  /** The key file read: the saved index is named by its text. */
  private async keyFileRead(read: KeyFile): Promise<KeyFile> {
    this.indexKeyParts.set(KEY_FILE_HASH, await this.ports.hash(read.text));
    return read;
  }

  /** The builder's key memory from the key file's text, with the problems of its lines. */
  private setKeys({ text, path }: KeyFile): void {
    const { memory, problems } = KeyMemory.parse(text, path);
    this.builder.setMemory(memory, problems);
  }

  private async readTaxonomy(): Promise<Taxonomy> {
    const { taxonomy, identity } = this.ports.taxonomy();
    this.indexKeyParts.set(TAXONOMY_HASH, await this.ports.hash(identity));
    return taxonomy;
  }

  /** Writes keys the last build handed out, before anything can cite them. */
  private async writeKeys(): Promise<void> {
    const memory = this.builder.keyMemory;
    if (!memory.changed) return;
    try {
      this.indexKeyParts.set(KEY_FILE_HASH, await this.ports.hash(await this.ports.keys.write(memory)));
    } catch (error) {
      this.ports.log.error(`Cannot write the key file: ${String(error)}`);
    }
  }

  /**
   * After a start from the saved index, before the first change is built: the builder gets
   * the parsed digests back (those in `changing` are about to be read anyway).
   */
  private async parseRestored(changing: readonly string[] = []): Promise<void> {
    if (this.unreadKeys) {
      this.setKeys(this.unreadKeys);
      this.unreadKeys = undefined;
    }
    if (!this.unparsed.length) return;
    const paths = this.unparsed.filter((path) => !changing.includes(path));
    this.unparsed = [];
    for (const path of paths) {
      if (this.builder.digest(path)) continue;
      const read = await this.readSettled(path);
      this.indexKeyParts.set(path, read.version);
      this.builder.setDigest(path, this.parse(path, read));
    }
    this.builder.absorbDerived();
  }

  private async syncFiles(): Promise<void> {
    await this.parseRestored();
    const wanted = (await this.ports.digests.list()).map(({ path }) => path);
    const wantedPaths = new Set(wanted);
    for (const path of this.builder.paths) {
      if (!wantedPaths.has(path)) {
        this.builder.removeDigest(path);
        this.indexKeyParts.delete(path);
        this.contents.delete(path);
      }
    }
    await this.readFiles(
      wanted.filter((path) => !this.builder.digest(path)),
      false,
    );
    await this.publish();
    this.scheduleSave();
  }

  private async readFiles(paths: readonly string[], publish = true): Promise<void> {
    await this.parseRestored(paths);
    let parsed = 0;
    let versionsChanged = false;
    for (const path of paths) {
      const read = await this.readSettled(path);
      // Changed again while it was being read (a burst of saves): the read already queued sees the newer
      // bytes, so these are neither parsed nor built. Only so many times in a row: a file written without
      // pause is still read now and then.
      if (this.changedPaths.has(path) && this.outdatedReads < MAX_OUTDATED_READS) {
        this.outdatedReads++;
        continue;
      }
      this.outdatedReads = 0;
      versionsChanged ||= this.indexKeyParts.get(path) !== read.version;
      this.indexKeyParts.set(path, read.version);
      // By content, not version: a modification time can stay the same across two quick edits. Bytes of
      // another size than the last read's changed, which needs no hash (86 MB took 0.1-0.3 s an edit);
      // the same size is hashed, and is unchanged only if the last read's hash is the same.
      const last = this.contents.get(path);
      let content: { size: number; hash?: string } = { size: -1, hash: read.version };
      if ('text' in read) {
        const size = read.bytes?.length ?? textLength(read.text);
        content = { size, hash: last?.size === size ? await this.ports.hash(read.bytes ?? wholeText(read.text)) : undefined };
        read.bytes = undefined; // not kept alive through parsing
      }
      if (content.hash !== undefined && last?.size === content.size && last.hash === content.hash && this.builder.digest(path)) continue;
      this.contents.set(path, content);
      this.builder.setDigest(path, this.parse(path, read));
      parsed++;
    }
    if (!publish) return;
    if (parsed) {
      const counts = await this.publish();
      this.ports.log.info(`Updated from ${paths.map(fileName).join(', ')}: ${counts.added} added, ${counts.updated} changed, ${counts.removed} removed.`);
    }
    // The saved index is named by the digests' versions: saved again for a new version of the same bytes (a touch).
    if (parsed || versionsChanged) this.scheduleSave();
  }

  private async removeFile(path: string): Promise<void> {
    await this.parseRestored([path]);
    if (!this.builder.removeDigest(path)) return;
    this.indexKeyParts.delete(path);
    this.contents.delete(path);
    await this.publish();
    this.ports.log.info(`Removed digest ${path}.`);
    this.scheduleSave();
  }

  /**
   * Builds and hands out the library; `restored` when it is the saved one, restored (see
   * onDidChange). `share`: helpers already sent texts of this build (a cold load's).
   */
  private async publish(restored = false, share?: DerivationShare) {
    await this.deriveWithHelpers(share);
    const { library, counts } = this.builder.build();
    library.succeed(this.library);
    this.library = library;
    for (const listener of [...this.listeners]) listener(library, restored);
    // The key file is written after the library is handed out, and the task that published ends when it
    // is written: the write goes through the editor, which at a cold start of 50,000 papers took 0.4 s
    // while the editor waited for its papers. The next task (a save, which names the file's hash; the
    // next change) still comes after the write.
    const before = this.keysWriting;
    this.keysWriting = before ? before.then(() => this.writeKeys()) : this.writeKeys();
    // Hover and the Cited-in scan need the names matcher: build it before the first hover
    // asks, but after the answer to the request that published, and for the current library only.
    this.whenQuiet(() => {
      if (this.library === library) void inSlices(library.prepare(), this.ports.untilQuiet?.bind(this.ports));
    });
    return counts;
  }

  /** Deriving shared with the helpers for the current builder: what they answer goes to its cache. */
  private derivationShare(helpers: DeriveHelpers): DerivationShare {
    const builder = this.builder;
    return new DerivationShare(helpers, (chunk, derived) => builder.addDerived(chunk, derived), (message) => this.ports.log.warn(message));
  }

  /**
   * Shares the next build's deriving with the helper threads, when there are any and enough to
   * derive, or (`share`) when they were sent texts of it already.
   */
  private async deriveWithHelpers(share?: DerivationShare): Promise<void> {
    const helpers = this.ports.helpers;
    if (!helpers?.count) return;
    const builder = this.builder;
    const texts = builder.underived();
    if (!share && texts.length < SHARED_DERIVE_MIN) return;
    share ??= this.derivationShare(helpers);
    let here = 0;
    const byHelpers = await share.finish(
      texts,
      (chunk) => {
        builder.deriveNow(chunk);
        here += chunk.length;
      },
      (text) => builder.isDerived(text),
      builder.textIndexingAhead(),
    );
    if (byHelpers === undefined) return;
    this.ports.log.info(`Names and techniques of ${here + byHelpers} papers derived, ${byHelpers} of them by ${helpers.count} helper thread${helpers.count === 1 ? '' : 's'}.`);
  }

  /** Saves a little later, so that a burst of edits is saved once. */
  private scheduleSave(delay = this.ports.saveDelayMs ?? 1000): void {
    if (!this.ports.snapshots || this.disposed) return;
    clearTimeout(this.saveTimer);
    this.savePending = true;
    // Encoding holds the engine ~1 s at 50,000 papers: not while someone is searching.
    this.saveTimer = setTimeout(
      () =>
        this.whenQuiet(() => {
          if (this.savePending && !this.disposed) void this.saveNow();
        }),
      delay,
    );
  }

  private whenQuiet(task: () => void): void {
    if (this.ports.whenQuiet) this.ports.whenQuiet(task);
    else setTimeout(task, 0);
  }
}
