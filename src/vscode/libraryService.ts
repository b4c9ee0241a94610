import * as vscode from 'vscode';
import { LibraryAccess, OwnKeys } from '../core/citationScope';
import type { CompletionEntry } from '../core/completionMatch';
import type { MentionOptions } from '../core/library';
import { PaperCatalog, PaperGrouping, PaperShelf, PaperSort, PlacedCategoryGroup } from '../core/paperCatalog';
import { DigestBytes, EngineSettings, HitSummary, KeyFileRequest, LibraryBegin, LibraryChunk, LibraryEnd, LibraryReceiver, LoadRequest, MentionSettings, PlacedTree, SimilarSummary, unreadableDigest } from '../core/engineProtocol';
import type { ListedDigest, LoadInfo } from '../core/libraryLoader';
import { Paper, Problem } from '../core/model';
import type { NoteScan } from '../core/noteScanner';
import { ConnectionClosed, RpcEndpoint, Transfer } from '../core/rpc';
import { SearchOptions } from '../core/searchIndex';
import { SummaryCodec } from '../core/snapshotCodec';
import { Taxonomy, taxonomyWithUserTechniques } from '../core/techniques';
import type { SimilarPaper } from '../core/writing';
import { pathOf } from './convert';
import { DigestFiles } from './digestFiles';
import { EngineWorker, EngineWorkerFactory } from './engineWorker';
import { IndexStore } from './indexStore';
import { KeyMemoryFile } from './keyMemoryFile';

export type { LoadInfo };

/** A search result as the editor shows it. */
export interface EditorHit {
  paper: Paper;
  score: number;
  matchedTerms: string[];
  snippet: string;
}

/** Restarts allowed within a minute before the engine is given up on (a worker that dies at once on every start). */
const MAX_RESTARTS_PER_MINUTE = 5;
/** The empty library's before the engine sends one: no answer of the engine names it. */
const NO_GENERATION = -1;

/**
 * The library engine (core/libraryEngine.ts) in its worker, seen from the editor: it
 * starts the worker, answers its requests for bytes (digests, the key file and the saved
 * index, read through `vscode.workspace.fs`, so remote and virtual workspaces work),
 * turns file and settings events into its calls, and keeps the papers it sends as an
 * EditorLibrary. A worker that ends is started again and reloads from the saved index;
 * requests made meanwhile wait for it.
 */
export class LibraryService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EditorLibrary>();
  readonly onDidChange = this.changed.event;
  private library: EditorLibrary;
  private firstLibrary!: (library: EditorLibrary) => void;
  private readonly ready = new Promise<EditorLibrary>((resolve) => (this.firstLibrary = resolve));
  private readonly source: WorkspaceDigests;
  private readonly subscriptions: vscode.Disposable[];
  private engine!: { rpc: RpcEndpoint; worker: EngineWorker; loaded: Promise<void> };
  private readonly taxonomies = new Map<string, Taxonomy>();
  private restarts: number[] = [];
  private disposed = false;
  lastLoad: LoadInfo | undefined;

  constructor(
    files: DigestFiles,
    private readonly store: IndexStore | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly keys: KeyMemoryFile,
    private readonly version: string,
    private readonly startWorker: EngineWorkerFactory,
  ) {
    this.source = new WorkspaceDigests(files, keys.uri);
    this.library = new EditorLibrary([], [], this.taxonomy([]), this, NO_GENERATION);
    this.startEngine();
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Paper Digest: indexing digests' }, () => this.ready);
    this.subscriptions = [
      files.onDidChangeSettings(() => void this.tell('syncDigests')),
      files.onDidChangeFile(({ uri, kind }) => {
        this.source.remember(uri);
        void (kind === 'deleted' ? this.tell('digestDeleted', { path: pathOf(uri) }) : this.tell('digestsChanged', { paths: [pathOf(uri)] }));
      }),
      keys.onDidChange(() => void this.tell('keysChanged')),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('paperDigest.techniques') && void this.tell('techniquesChanged', { techniques: techniquesSetting() })),
    ];
  }

  /** The library once the digests are read. */
  current(): Promise<EditorLibrary> {
    return this.ready.then(() => this.library);
  }

  /** The library as it is now (empty until the first load finishes). */
  get snapshot(): EditorLibrary {
    return this.library;
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
    return this.ask('saveNow', undefined, undefined);
  }

  /** Makes a scheduled save now (on deactivate); nothing when none is pending. */
  flushPendingSave(): Promise<void> {
    return this.ask('flushPendingSave', undefined, undefined);
  }

  /** Waits until the engine has applied every change sent so far. */
  idle(): Promise<void> {
    return this.ask('idle', undefined, undefined);
  }

  /** The engine worker's heap (the benchmark); undefined where the engine cannot say (the web). */
  workerHeapMb(): Promise<number | undefined> {
    return this.ask<{ heapUsedMb: number } | undefined>('heapStats', undefined, undefined).then((stats) => stats?.heapUsedMb);
  }

  /** Makes the worker exit as a crash would (for the tests of what follows one). */
  crashEngineForTest(): void {
    void this.engine.rpc.request('crashForTest').catch(() => undefined);
  }

  /**
   * A request to the engine. One made while the worker restarts waits for the new one;
   * when the engine cannot answer, the error is logged and `fallback` returned, so that
   * nothing throws into the editor.
   */
  async ask<T>(method: string, params: unknown, fallback: T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { rpc, loaded } = this.engine;
      try {
        await loaded;
        return await rpc.request<T>(method, params);
      } catch (error) {
        if (error instanceof ConnectionClosed && attempt < 2 && !this.disposed) continue;
        if (!this.disposed) this.log.error(`Paper Digest: ${method} failed: ${error instanceof Error ? error.message : String(error)}`);
        return fallback;
      }
    }
  }

  /** A change for the engine; after a restart it reloads everything anyway. */
  private async tell(method: string, params?: unknown): Promise<void> {
    await this.ask(method, params, undefined);
  }

  private startEngine(): void {
    const worker = this.startWorker({ snapshotFolder: this.store?.localFolder });
    const rpc = new RpcEndpoint(worker);
    const assembled = this.serve(rpc, worker.summaryCodec);
    worker.onExit((reason) => this.engineEnded(rpc, reason));
    const settings: EngineSettings = { version: this.version, techniques: techniquesSetting(), snapshotFolder: this.store?.localFolder, summaryCodec: worker.summaryCodec?.id };
    // What a load asks for first, read while the worker starts and sent with `load`: the load begins
    // at once instead of a round trip to this thread for each (it may be busy starting other extensions).
    const firstAnswers = Promise.all([this.source.list(), this.keys.read({ onDisk: worker.readsDisk })]).then(
      ([digests, keyFile]): LoadRequest => ({ digests, keyFile }),
      (): LoadRequest => ({}), // the engine asks, and meets the error itself
    );
    const loaded = Promise.all([rpc.request('start', settings), firstAnswers.then((request) => rpc.request<LoadInfo | undefined>('load', request))])
      .then(async ([, info]) => {
        // The library came before this answer (messages keep their order): search is ready once it is assembled.
        await assembled();
        this.lastLoad = info;
        this.firstLibrary(this.library);
      });
    this.engine = { rpc, worker, loaded };
    loaded.catch(() => undefined);
  }

  private engineEnded(rpc: RpcEndpoint, reason: string): void {
    rpc.close(`the library engine stopped: ${reason}`);
    if (this.disposed) return;
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < 60_000), now];
    if (this.restarts.length > MAX_RESTARTS_PER_MINUTE) {
      this.log.error(`The library engine stopped (${reason}) ${this.restarts.length} times within a minute; it is not started again. Reload the window to try again.`);
      this.firstLibrary(this.library);
      return;
    }
    this.log.warn(`The library engine stopped (${reason}); starting it again and reloading the library from the saved index.`);
    this.startEngine();
  }

  /**
   * What the engine asks of the editor: bytes of files only the editor can read, and where
   * to log; and the libraries it sends. Returns a wait for the last library sent so far.
   */
  private serve(rpc: RpcEndpoint, codec: SummaryCodec | undefined): () => Promise<unknown> {
    rpc.handle('digests.list', () => this.source.list());
    rpc.handle<{ path: string }>('digests.version', ({ path }) => this.source.version(path));
    rpc.handle<{ path: string; onDisk?: boolean }>('digests.read', async ({ path, onDisk }) => {
      const read = await this.source.read(path, !!onDisk);
      return 'bytes' in read ? transferable(read.bytes, (bytes) => ({ bytes, version: read.version })) : read;
    });
    rpc.handle<KeyFileRequest>('keys.read', (request) => this.keys.read(request));
    rpc.handle<{ text: string }>('keys.write', ({ text }) => this.keys.write(text));
    rpc.handle<{ key: string }>('snapshot.read', async ({ key }) => {
      const bytes = await this.store?.read(key);
      return bytes ? transferable(bytes, (b) => b) : null;
    });
    rpc.handle<{ key: string; bytes: Uint8Array }>('snapshot.write', ({ key, bytes }) => this.store?.write(key, bytes));
    rpc.handle<{ key: string }>('snapshot.delete', ({ key }) => this.store?.delete(key));
    rpc.on<{ level: 'info' | 'warn' | 'error'; message: string }>('log', ({ level, message }) => this.log[level](message));
    // A new worker sends every paper again: what the receiver kept is of the old one. A library sent
    // encoded is handed out once its keys are in, a part of its summaries decoded when a paper in it is
    // asked for, and the rest, a few milliseconds per turn of this thread, when something needs them all.
    const receiver = new LibraryReceiver(codec && ((bytes) => codec.open(bytes)), () => new Promise((resolve) => setImmediate(resolve)));
    let last: Promise<unknown> = Promise.resolve();
    rpc.on<LibraryBegin>('library.begin', (begin) => receiver.begin(begin));
    rpc.on<LibraryChunk>('library.papers', (chunk) => receiver.chunk(chunk));
    rpc.on<LibraryEnd>('library.end', (end) => {
      last = receiver.end(end).then(
        (received) => {
          if (!received || rpc !== this.engine.rpc) return;
          const library = (this.library = new EditorLibrary(received.papers, received.problems, this.taxonomy(received.techniques), this, received.generation, received.placeOf));
          this.changed.fire(library);
          rpc.notify('library.taken', undefined);
          received.papers.decoded.catch((error) => {
            if (rpc !== this.engine.rpc || library !== this.library) return;
            this.log.error(`Paper Digest: some of the library's papers could not be decoded (${error instanceof Error ? error.message : String(error)}); asking for them again.`);
            void this.tell('resendLibrary');
          });
        },
        (error) => {
          // Summaries this side could not take: the engine sends every paper again, as objects.
          this.log.error(`Paper Digest: the library's papers could not be taken (${error instanceof Error ? error.message : String(error)}); asking for them again.`);
          void this.tell('resendLibrary');
        },
      );
    });
    return () => last;
  }

  /** The taxonomy the engine classified with (the same setting gives the same one). */
  private taxonomy(setting: unknown): Taxonomy {
    const id = JSON.stringify(setting ?? []);
    let taxonomy = this.taxonomies.get(id);
    if (!taxonomy) {
      taxonomy = taxonomyWithUserTechniques(setting).taxonomy;
      this.taxonomies.clear();
      this.taxonomies.set(id, taxonomy);
    }
    return taxonomy;
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.engine.rpc.close('the extension stopped');
    this.engine.worker.terminate();
    this.changed.dispose();
  }
}

/**
 * The library as the editor holds it: the papers (summaries: see `paperSummary`) for
 * lookups that must answer at once, and the engine for searching, completion, note
 * scanning and whole papers. A snapshot: a new library comes with each change.
 */
export class EditorLibrary extends PaperCatalog implements LibraryAccess {
  constructor(
    papers: readonly Paper[] | PaperShelf,
    problems: readonly Problem[],
    taxonomy: Taxonomy,
    private readonly engine: Pick<LibraryService, 'ask'>,
    /** The engine's number for this library (see PlacedTree). */
    private readonly generation: number,
    placeOf?: ReadonlyMap<string, number>,
  ) {
    super(papers, problems, taxonomy, placeOf);
  }

  /**
   * The Techniques view's groups, made by the engine, each technique's papers as places in
   * this library (see Library.placedTree); undefined when the engine has a newer
   * library already (the editor gets it next).
   */
  async placedTree(grouping: PaperGrouping, sort: PaperSort): Promise<PlacedCategoryGroup[] | undefined> {
    const tree = await this.engine.ask<PlacedTree | undefined>('tree', { grouping, sort }, undefined);
    return tree?.generation === this.generation ? tree.categories : undefined;
  }

  /** The engine's search (syntax in searchQuery.ts), as this library's papers. */
  async search(query: string, options: SearchOptions = {}): Promise<EditorHit[]> {
    const hits = await this.engine.ask<HitSummary[]>('search', { query, options }, []);
    return hits.flatMap((hit) => {
      const paper = this.paper(hit.key);
      return paper ? [{ paper, score: hit.score, matchedTerms: hit.matchedTerms, snippet: hit.snippet }] : [];
    });
  }

  /** What completion items show, from the engine: no summary is decoded for a list (a 1–2 letter prefix lists 100 papers across the library). */
  async completionEntries(prefix: string, limit: number): Promise<CompletionEntry[]> {
    return this.engine.ask<CompletionEntry[]>('completions', { prefix, limit }, []);
  }

  /** The papers completion would list for `prefix`, whole. */
  async completions(prefix: string, limit: number): Promise<Paper[]> {
    return this.own((await this.completionEntries(prefix, limit)).map((entry) => entry.key));
  }

  async scanNote(markdown: string, mentions: MentionOptions, ownKeys: OwnKeys): Promise<NoteScan> {
    const settings: MentionSettings = { enabled: mentions.enabled, ignoredNames: [...(mentions.ignoredNames ?? [])] };
    return this.engine.ask<NoteScan>('scanNote', { markdown, mentions: settings, ownKeys: [...ownKeys.keys()] }, { citations: [], mentions: [] });
  }

  /** The papers a mistyped or unknown key most likely meant, best first. */
  async closest(key: string, limit = 3): Promise<Paper[]> {
    return this.own(await this.engine.ask<string[]>('closest', { key, limit }, []));
  }

  async similar(paper: Paper, limit: number): Promise<SimilarPaper[]> {
    const found = await this.engine.ask<SimilarSummary[]>('similar', { key: paper.key, limit }, []);
    return found.flatMap((s) => {
      const similar = this.paper(s.key);
      return similar ? [{ paper: similar, score: s.score, reason: s.reason }] : [];
    });
  }

  /**
   * Whole papers (abstracts and keywords included), for writing them out or showing them
   * in full. Papers not of this library (a note's own entries) are already whole.
   */
  async wholePapers(papers: readonly Paper[]): Promise<Paper[]> {
    const summaries = papers.filter((p) => this.paper(p.key) === p);
    if (!summaries.length) return [...papers];
    const whole = await this.engine.ask<Paper[]>('papers', { keys: summaries.map((p) => p.key) }, []);
    const byKey = new Map(whole.map((p) => [p.key, p]));
    return papers.map((p) => (this.paper(p.key) === p ? (byKey.get(p.key) ?? p) : p));
  }

  async wholePaper(paper: Paper): Promise<Paper> {
    return (await this.wholePapers([paper]))[0]!;
  }

  private own(keys: readonly string[]): Paper[] {
    return keys.flatMap((key) => this.paper(key) ?? []);
  }
}

/** `paperDigest.techniques` as written (the engine checks it and logs what is wrong). */
function techniquesSetting(): unknown {
  return vscode.workspace.getConfiguration('paperDigest').get<unknown>('techniques', []);
}

/**
 * Bytes handed to the worker without a copy where they own their buffer; a small file's
 * bytes can be a view into a shared pool, which must not be handed over: those are copied.
 */
function transferable<T>(bytes: Uint8Array, wrap: (bytes: Uint8Array) => T): Transfer<T> {
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return new Transfer(wrap(own), [own.buffer as ArrayBuffer]);
}

/** The engine's digest source: the files the settings name, read through `vscode.workspace.fs`. */
class WorkspaceDigests {
  private readonly byPath = new Map<string, vscode.Uri>();

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

  /** The digests wanted, with their versions (in one answer: a warm start needs nothing else of them). */
  async list(): Promise<ListedDigest[]> {
    const uris = await this.files.resolve();
    const wanted = new Set(uris.map(pathOf));
    for (const path of [...this.byPath.keys()]) if (!wanted.has(path)) this.byPath.delete(path);
    for (const uri of uris) this.remember(uri);
    return Promise.all(uris.map(pathOf).map(async (path) => ({ path, version: await this.version(path) })));
  }

  /** The file's version (size and modification time), without reading it. */
  async version(path: string): Promise<string> {
    const read = await this.stat(path);
    return read.version;
  }

  /**
   * A file's bytes; a file that cannot be read, or is over the size limit, becomes one
   * problem naming it. Where the engine reads the disk itself (`onDisk`), a local file's
   * path instead of its bytes.
   */
  async read(path: string, onDisk: boolean): Promise<DigestBytes> {
    const stat = await this.stat(path);
    if ('problem' in stat) return stat;
    const uri = this.uriOf(path);
    if (onDisk && uri.scheme === 'file') return { file: uri.fsPath, version: stat.version };
    try {
      return { bytes: await vscode.workspace.fs.readFile(uri), version: stat.version };
    } catch (error) {
      return unreadableDigest(path, error);
    }
  }

  private async stat(path: string): Promise<{ version: string } | { problem: Problem; version: string }> {
    try {
      const limitMb = maxDigestMegabytes();
      const { size, mtime, type } = await vscode.workspace.fs.stat(this.uriOf(path));
      if (type & vscode.FileType.Directory) return unreadableDigest(path, new Error('it is a folder, not a file'));
      if (size > limitMb * 1024 * 1024) {
        const message = `${path} is ${Math.round(size / 1024 / 1024)} MB, over the ${limitMb} MB limit (paperDigest.maxDigestSizeMB); it is not read.`;
        return { problem: { path, line: 0, severity: 'error', message }, version: `too-large:${size}` };
      }
      return { version: `${size}:${mtime}` };
    } catch (error) {
      return unreadableDigest(path, error);
    }
  }
}

/** The largest digest read, in MB (a setting; a 500 MB file would take the editor's memory). */
function maxDigestMegabytes(): number {
  const value = vscode.workspace.getConfiguration('paperDigest').get<unknown>('maxDigestSizeMB', 256);
  return typeof value === 'number' && value > 0 ? value : 256;
}
