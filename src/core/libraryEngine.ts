import { HelperThread, helperThreads } from './deriveHelpers';
import { KEY_MEMORY_FILE, KeyMemory } from './keyMemory';
import { Library, MentionOptions } from './library';
import { DigestRead, KeyStore, LibraryLoader, LoaderLog, SnapshotStore } from './libraryLoader';
import { Paper, Problem } from './model';
import { NoteScan } from './noteScanner';
import { abstractSnippet, paperSummary } from './paperCard';
import { RpcEndpoint } from './rpc';
import { SearchOptions } from './searchIndex';
import { QuietTasks } from './quietTasks';
import { SnapshotError, SummaryCodec, encodeSnapshot, openSnapshot } from './snapshotCodec';
import { taxonomyWithUserTechniques } from './techniques';
import { decodeText, sha256 } from './text';
import { closestPapers, similarPapers } from './writing';

/**
 * The library engine: the library loader, the search index and the names matcher, in a
 * worker of their own (src/worker/), so that reading, indexing and saving 50,000 papers
 * never holds the editor's thread. The editor talks to it through `RpcEndpoint`:
 *
 * - it asks the engine to load, and tells it of changed files and settings;
 * - the engine asks the editor for bytes (digests, the key file, the saved index), since
 *   only the editor can read the workspace (remote and virtual file systems included);
 * - the engine sends each new library's papers to the editor as summaries, in chunks, for
 *   the lookups that must answer at once (tree, hover, preview); searching, completion
 *   and note scanning are requests.
 */

/** What the editor sends first. */
export interface EngineSettings {
  /** The extension's version: another version, another saved index. */
  version: string;
  /** `paperDigest.techniques` as the user wrote it. */
  techniques: unknown;
  saveDelayMs?: number;
  /**
   * Where the saved index lives, as a path on this machine's disk, when the engine may
   * read and write it there itself (a Node worker): 137 MB at 50,000 papers need not pass
   * through the editor's thread. Without it the editor reads and writes the bytes.
   */
  snapshotFolder?: string;
  /**
   * The `SummaryCodec` id the editor decodes: the library restored from a saved index that
   * holds summaries in it is sent as those bytes. Without one, summaries come as objects.
   */
  summaryCodec?: string;
}

/** The saved index's bytes by key: kept by the editor, or in a folder the engine reaches itself. */
export interface SnapshotFiles {
  read(key: string): Promise<Uint8Array | undefined>;
  write(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The saved index's file name for a key; older files (other keys) are removed when one is written. */
export function snapshotFileName(key: string): string {
  return `index-${key.slice(0, 32)}.bin`;
}

/**
 * What the engine can reach on its own where it runs: a Node worker reads the disk, so that
 * a digest's bytes (86 MB for 50,000 papers) and the saved index never pass through the
 * editor's thread. The editor still decides what is read (paths, sizes, versions).
 */
export interface EngineHost {
  snapshotFiles?(folder: string): SnapshotFiles;
  readFile?(path: string): Promise<Uint8Array>;
  /** How summaries are stored in the saved index, used when the editor decodes the same. */
  summaryCodec?: SummaryCodec;
  /** Threads a cold build shares its deriving with (see deriveHelpers.ts): how many, how one starts, and for how much work (HELPERS_WORTH_MS by default). */
  helperThreads?: { count: number; start(): HelperThread; worthMs?: number };
}

/** The editor's answer to `digests.read`: the bytes (decoded here) and the file's version, or a problem that names the file. */
export type DigestBytes =
  | { bytes: Uint8Array; version: string }
  /** The file is on this machine's disk and the engine said it reads the disk itself (`onDisk` in the request). */
  | { file: string; version: string }
  | { problem: Problem; version: string };

/** The editor's answer to `keys.read`. */
export interface KeyFileText {
  /** The key file's path, for problems; undefined without a workspace folder (keys kept for the session). */
  path: string | undefined;
  /** Its text, undefined where there is none yet. */
  text: string | undefined;
  /** Whether the file may be created (not in a folder that only reads the bundled digest). */
  mayCreate: boolean;
}

export interface MentionSettings {
  enabled?: boolean;
  ignoredNames?: string[];
}

export interface HitSummary {
  key: string;
  score: number;
  matchedTerms: string[];
  /** The part of the abstract around the first matched word. */
  snippet: string;
}

export interface SimilarSummary {
  key: string;
  score: number;
  reason: string;
}

/**
 * `library.begin`: a new library, its papers' keys in order; the summaries that are new
 * or changed since the last library follow in `library.papers` chunks, then `library.end`.
 * After an edit that is one paper, not 50,000: the editor keeps the others' objects.
 */
export interface LibraryBegin {
  generation: number;
  /** Every paper's key in library order; left out when it is the same as the last library's, or with `inOrder`. */
  keys?: string[];
  /** Every paper follows, in library order (a warm start's summaries as saved): the chunks give the order. */
  inOrder?: boolean;
  changed: number;
  problems: Problem[];
  techniques: unknown;
}

/** Summaries as objects, or as bytes in the `SummaryCodec` the editor named at `start` (a warm start's, as saved). */
export type LibraryChunk = { generation: number; papers: Paper[] } | { generation: number; encoded: Uint8Array };

export interface LibraryEnd {
  generation: number;
}

/** Papers per `library.papers` message: the editor takes each in a few milliseconds. */
export const PAPERS_PER_MESSAGE = 1000;
/** How long the editor decodes summaries before it lets other work run (a piece takes 2–7 ms). */
export const DECODE_MS_PER_TURN = 8;

/** How long the editor must stop asking before work that can wait runs (a pause in typing). */
const QUIET_MS = 250;

/** A library as the editor assembles it. */
export interface ReceivedLibrary {
  papers: Paper[];
  /** Each paper's place in `papers` by its key (kept from library to library while the keys stay). */
  placeOf: ReadonlyMap<string, number>;
  problems: Problem[];
  techniques: unknown;
  /** Summaries that came in this library's messages (the rest were kept). */
  changed: number;
  messages: number;
}

/** A library whose messages are coming in, its summaries taken as they arrive. */
interface IncomingLibrary {
  begin: LibraryBegin;
  /** The summaries that came, in the order they came. */
  received: Paper[];
  /** In library order (`inOrder`), each paper's place: where it arrived. */
  placeInOrder: Map<string, number>;
  messages: number;
  /** Taking the chunks one after another: encoded ones are decoded as they arrive, a few milliseconds per turn. */
  taking: Promise<void>;
  turnStarted: number | undefined;
  decoded: boolean;
  /** Its `library.end` came: the engine is done with it, the editor need not leave it time any more. */
  ended: boolean;
  /** A newer library began before this one ended: what is left of it is not decoded. */
  abandoned: boolean;
}

/**
 * The editor's side of `library.*`: each library from the summaries that came and the
 * unchanged ones it already holds (the same objects, so an edit leaves little garbage).
 * Encoded summaries are decoded as they arrive, a few milliseconds per turn of the editor's
 * event loop (`nextTurn`): a warm start's come while the engine still restores its index,
 * so the two threads work at once, and 200 pieces decoded together would hold the editor
 * for 0.3–0.5 s.
 */
export class LibraryReceiver {
  /** The last library's papers, and each key's place in it. */
  private papers: Paper[] = [];
  private placeOf = new Map<string, number>();
  private incoming: IncomingLibrary | undefined;
  /** Libraries are assembled one after another, each on the one before. */
  private assembling: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly decode?: (bytes: Uint8Array) => Paper[],
    private readonly nextTurn: () => Promise<void> = () => new Promise((resolve) => setTimeout(() => resolve(), 0)),
    /**
     * Between pieces decoded before the library ended, while the engine is still restoring
     * it: a pause that leaves the processor to the engine and to the rest of the editor
     * (there is time: the engine takes longer than the decoding).
     */
    private readonly pause: () => Promise<void> = nextTurn,
  ) {}

  begin(begin: LibraryBegin): void {
    if (this.incoming) this.incoming.abandoned = true;
    this.incoming = { begin, received: [], placeInOrder: new Map(), messages: 0, taking: Promise.resolve(), turnStarted: undefined, decoded: false, ended: false, abandoned: false };
  }

  chunk(chunk: LibraryChunk): void {
    const incoming = this.incoming;
    if (incoming?.begin.generation !== chunk.generation) return;
    incoming.messages++;
    const taking = incoming.taking.then(async () => {
      if ('papers' in chunk) return this.take(incoming, chunk.papers);
      if (!this.decode) throw new Error('the library engine sent encoded summaries this editor cannot decode');
      // Never in the turn the messages came in; then until the turn's few milliseconds are spent.
      if (incoming.turnStarted === undefined || Date.now() - incoming.turnStarted >= DECODE_MS_PER_TURN) {
        await (incoming.ended ? this.nextTurn() : this.pause());
        incoming.turnStarted = Date.now();
      }
      if (incoming.abandoned) return;
      this.take(incoming, this.decode(chunk.encoded));
      incoming.decoded = true;
    });
    taking.catch(() => undefined); // reported by end(); a library that never ends reports nothing
    incoming.taking = taking;
  }

  private take(incoming: IncomingLibrary, papers: readonly Paper[]): void {
    for (const paper of papers) {
      if (incoming.begin.inOrder) incoming.placeInOrder.set(paper.key, incoming.received.length);
      incoming.received.push(paper);
    }
  }

  /**
   * The library whose messages end here, once assembled; undefined for one whose beginning
   * was not seen. Rejects when the engine's messages do not add up (a paper it did not send).
   */
  end({ generation }: LibraryEnd): Promise<ReceivedLibrary | undefined> {
    const incoming = this.incoming;
    if (incoming?.begin.generation !== generation) return Promise.resolve(undefined);
    this.incoming = undefined;
    incoming.ended = true;
    const assembled = this.assembling.then(() => incoming.taking).then(() => this.assemble(incoming));
    this.assembling = assembled.catch(() => undefined);
    return assembled;
  }

  private async assemble({ begin, received, placeInOrder, messages, decoded }: IncomingLibrary): Promise<ReceivedLibrary> {
    let papers: Paper[];
    if (begin.inOrder) {
      papers = received;
      this.placeOf = placeInOrder;
    } else if (begin.keys) {
      const changed = new Map(received.map((paper) => [paper.key, paper]));
      papers = [];
      const placeOf = new Map<string, number>();
      for (const key of begin.keys) {
        const place = this.placeOf.get(key);
        const paper = changed.get(key) ?? (place === undefined ? undefined : this.papers[place]);
        if (!paper) throw new Error(`the library engine sent no paper for ${key}`);
        placeOf.set(key, papers.length);
        papers.push(paper);
      }
      this.placeOf = placeOf;
    } else {
      // The same papers in the same order, a few of them changed (an edit): replaced in place, not rebuilt.
      papers = this.papers.slice();
      for (const paper of received) {
        const place = this.placeOf.get(paper.key);
        if (place === undefined) throw new Error(`the library engine sent a paper it did not list: ${paper.key}`);
        papers[place] = paper;
      }
    }
    this.papers = papers;
    // After decoding, what takes the library (50,000 papers into the editor's maps) gets a turn of its own.
    if (decoded) await this.nextTurn();
    return { papers, placeOf: this.placeOf, problems: begin.problems, techniques: begin.techniques, changed: received.length, messages };
  }
}

/** The fields of a paper its summary carries (the keywords are left out); the type makes a new field choose. */
const SUMMARY_FIELDS = Object.keys({
  id: true, key: true, extraKeys: true, title: true, abstract: true, shortName: true, aliases: true, date: true,
  upvotes: true, authorCount: true, authors: true, creators: true, publication: true, organization: true,
  techniques: true, links: true, url: true, arxivId: true, doi: true, source: true, sources: true,
} satisfies Record<Exclude<keyof Paper, 'keywords'>, true>) as Array<keyof Paper>;

/**
 * Whether the editor's summary of `before` still stands for `after`: every field it carries
 * is equal (the whole abstract compared, not only its lead). After a digest is parsed again
 * every paper is a new object, but comparing equal strings is cheap: ~40 ms at 50,000
 * papers, where serialising and hashing each summary took ~0.4 s.
 */
function sameSummary(before: Paper, after: Paper): boolean {
  return before === after || SUMMARY_FIELDS.every((field) => sameValue(before[field], after[field]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Serves the engine on `rpc` (the worker's side of the port). */
export function serveLibraryEngine(rpc: RpcEndpoint, host: EngineHost = {}): void {
  let loader: LibraryLoader | undefined;
  let techniques: unknown = [];
  let generation = 0;
  /**
   * The papers whose summaries the editor holds, by key (those of the last library sent,
   * which is alive anyway); nothing before the first library.
   */
  let sent: Map<string, Paper> | undefined;
  /** The keys of the last library sent, in order. */
  let sentKeys: string[] = [];
  /**
   * A warm start's library, begun the moment the saved index opened: its summaries went
   * as saved (the editor decodes them while this thread restores the index), and it ends
   * when the library restored from that index is published. Only during that load.
   */
  let restoring: { generation: number; count: number } | undefined;
  const log: LoaderLog = {
    info: (message) => rpc.notify('log', { level: 'info', message }),
    warn: (message) => rpc.notify('log', { level: 'warn', message }),
    error: (message) => rpc.notify('log', { level: 'error', message }),
  };
  const quiet = new QuietTasks(QUIET_MS, (error) => log.error(`Background work failed: ${String(error)}`));
  /** Every request the editor makes postpones the work that can wait. */
  const handle = <P>(method: string, handler: (params: P) => unknown) =>
    rpc.handle<P>(method, (params) => {
      quiet.touch();
      return handler(params);
    });
  const started = (): LibraryLoader => {
    if (!loader) throw new Error('the library engine was not started');
    return loader;
  };
  const library = (): Library => started().snapshot;

  handle<EngineSettings>('start', (settings) => {
    techniques = settings.techniques;
    const codec = host.summaryCodec && host.summaryCodec.id === settings.summaryCodec ? host.summaryCodec : undefined;
    const files = settings.snapshotFolder && host.snapshotFiles ? host.snapshotFiles(settings.snapshotFolder) : editorSnapshotFiles(rpc);
    loader?.dispose();
    loader = new LibraryLoader(
      {
        digests: {
          list: () => rpc.request<string[]>('digests.list'),
          version: (path) => rpc.request<string>('digests.version', { path }),
          read: (path) => readDigest(rpc, host, path),
        },
        snapshots: snapshotStore(files, codec, {
          opened: (count, pieces, problems) => {
            const id = ++generation;
            rpc.notify('library.begin', { generation: id, inOrder: true, changed: count, problems, techniques } satisfies LibraryBegin);
            for (const piece of pieces) {
              const encoded = piece.slice(); // its own buffer, handed over without another copy
              rpc.notify('library.papers', { generation: id, encoded } satisfies LibraryChunk, [encoded.buffer as ArrayBuffer]);
            }
            restoring = { generation: id, count };
          },
          unusable: () => {
            restoring = undefined; // the library that follows begins anew: the editor drops this one
          },
        }),
        keys: remoteKeyStore(rpc),
        taxonomy: () => {
          const { taxonomy, problems } = taxonomyWithUserTechniques(techniques);
          for (const problem of problems) log.warn(problem);
          return { taxonomy, identity: JSON.stringify(techniques ?? []) };
        },
        hash: sha256,
        log,
        saveDelayMs: settings.saveDelayMs,
        whenQuiet: (task) => quiet.add(task),
        helpers: host.helperThreads?.count ? helperThreads(host.helperThreads.count, host.helperThreads.start, () => techniques, host.helperThreads.worthMs) : undefined,
      },
      settings.version,
    );
    loader.onDidChange((built) => publish(built));
  });

  /** Sends the library: its keys, and the summaries the editor does not have yet, a chunk per message. */
  function publish(built: Library): void {
    // Until the editor has taken it (`library.taken`), work that can wait would only slow it down.
    quiet.hold();
    const keys = built.papers.map((p) => p.key);
    const saved = restoring;
    restoring = undefined;
    if (saved && saved.count === built.papers.length) {
      // Restored from the saved index whose summaries went when it opened: no building, no cloning.
      rpc.notify('library.end', { generation: saved.generation } satisfies LibraryEnd);
      sent = new Map(built.papers.map((paper) => [paper.key, paper]));
      sentKeys = keys;
      return;
    }
    const id = ++generation;
    const previous = sent;
    // The editor has nothing yet: everything goes; else what it holds no longer stands for.
    const changed = built.papers.filter((paper) => !previous?.has(paper.key) || !sameSummary(previous.get(paper.key)!, paper)).map(paperSummary);
    sent = new Map(built.papers.map((paper) => [paper.key, paper]));
    const sameKeys = keys.length === sentKeys.length && keys.every((key, i) => key === sentKeys[i]);
    sentKeys = keys;
    rpc.notify('library.begin', { generation: id, ...(sameKeys ? {} : { keys }), changed: changed.length, problems: [...built.problems], techniques } satisfies LibraryBegin);
    for (let i = 0; i < changed.length; i += PAPERS_PER_MESSAGE) {
      rpc.notify('library.papers', { generation: id, papers: changed.slice(i, i + PAPERS_PER_MESSAGE) } satisfies LibraryChunk);
    }
    rpc.notify('library.end', { generation: id } satisfies LibraryEnd);
  }

  handle('load', async () => {
    await started().load();
    restoring = undefined; // a load that failed after the index opened published no restored library: those summaries stand for nothing
    return started().lastLoad;
  });
  handle('syncDigests', () => started().syncDigests());
  handle<{ paths: string[] }>('digestsChanged', ({ paths }) => started().digestsChanged(paths));
  handle<{ path: string }>('digestDeleted', ({ path }) => started().digestDeleted(path));
  handle('keysChanged', () => started().keysChanged());
  handle<{ techniques: unknown }>('techniquesChanged', (params) => {
    techniques = params.techniques;
    return started().techniquesChanged();
  });
  // The editor has taken a library: it was busy until now, so work that can wait waits on.
  rpc.on('library.taken', () => quiet.touch());
  handle('saveNow', () => started().saveNow());
  // The editor could not take the summaries as saved: every paper again, as objects.
  handle('resendLibrary', () => {
    sent = undefined;
    sentKeys = [];
    publish(library());
  });
  handle('flushPendingSave', () => started().flushPendingSave());
  handle('idle', () => started().idle());

  handle<{ query: string; options: SearchOptions }>('search', ({ query, options }): HitSummary[] =>
    library()
      .search(query, options)
      .map((hit) => ({ key: hit.paper.key, score: hit.score, matchedTerms: hit.matchedTerms, snippet: abstractSnippet(hit.paper.abstract, hit.matchedTerms) })),
  );
  handle<{ prefix: string; limit: number }>('completions', ({ prefix, limit }) => library().completions(prefix, limit).map((p) => p.key));
  handle<{ markdown: string; mentions: MentionSettings; ownKeys: string[] }>('scanNote', ({ markdown, mentions, ownKeys }): NoteScan => {
    const options: MentionOptions = { enabled: mentions.enabled, ignoredNames: new Set(mentions.ignoredNames ?? []) };
    return library().scanNote(markdown, options, new Set(ownKeys));
  });
  handle<{ key: string; limit: number }>('closest', ({ key, limit }) => closestPapers(library(), key, limit).map((p) => p.key));
  handle<{ key: string; limit: number }>('similar', ({ key, limit }): SimilarSummary[] => {
    const paper = library().paper(key);
    return paper ? similarPapers(library(), paper, limit).map((s) => ({ key: s.paper.key, score: s.score, reason: s.reason })) : [];
  });
  handle<{ keys: string[] }>('papers', ({ keys }) => keys.map((key) => library().paper(key)).filter((p): p is Paper => !!p));
}

/** A digest as the loader wants it: decoded, read by the editor or, given its path, by the engine itself. */
async function readDigest(rpc: RpcEndpoint, host: EngineHost, path: string): Promise<DigestRead> {
  const answer = await rpc.request<DigestBytes>('digests.read', { path, onDisk: !!host.readFile });
  if ('problem' in answer) return answer;
  try {
    if (!('bytes' in answer) && !host.readFile) throw new Error('this engine does not read files itself');
    const bytes = 'bytes' in answer ? answer.bytes : await host.readFile!(answer.file);
    return { text: decodeText(bytes), version: answer.version, bytes };
  } catch (error) {
    return unreadableDigest(path, error); // gone or locked between the editor's look at it and this read
  }
}

/** A digest that cannot be read, as one problem naming it (the editor's side says it the same way). */
export function unreadableDigest(path: string, error: unknown): { problem: Problem; version: string } {
  const message = `Cannot read digest ${path}: ${error instanceof Error ? error.message : String(error)}`;
  return { problem: { path, line: 0, severity: 'error', message }, version: `unreadable:${message}` };
}

/** The saved index's bytes, kept by the editor. */
function editorSnapshotFiles(rpc: RpcEndpoint): SnapshotFiles {
  return {
    read: async (key) => (await rpc.request<Uint8Array | null>('snapshot.read', { key })) ?? undefined,
    write: (key, bytes) => rpc.request('snapshot.write', { key, bytes }, [bytes.buffer as ArrayBuffer]),
    delete: (key) => rpc.request('snapshot.delete', { key }),
  };
}

/** What the engine does with a saved index it opened: sends its summaries; drops them if the index turns out unusable. */
interface SavedIndexEvents {
  opened(count: number, summaries: Uint8Array[], problems: Problem[]): void;
  unusable(): void;
}

/** The saved index: encoded and decoded here, wherever its bytes are kept. */
function snapshotStore(files: SnapshotFiles, codec: SummaryCodec | undefined, events: SavedIndexEvents): SnapshotStore {
  return {
    async load(key) {
      const bytes = await files.read(key);
      if (!bytes) return {}; // no saved index yet: build afresh
      try {
        const opened = openSnapshot(bytes, codec?.id);
        if (!opened) return { discarded: 'it was written by another version' };
        // Sent before the library is decoded: the editor takes them while this thread restores it.
        if (opened.summaries) events.opened(opened.count, opened.summaries, opened.problems);
        // Saved without summaries the editor can take (by another runtime): saved again, with them.
        return { snapshot: opened.decode(), ...(codec && !opened.summaries ? { outdated: true } : {}) };
      } catch (error) {
        events.unusable();
        await files.delete(key).catch(() => undefined);
        return { discarded: error instanceof SnapshotError ? error.message : `it cannot be read (${String(error)})` };
      }
    },
    save: (key, snapshot) => files.write(key, encodeSnapshot(snapshot, codec)),
  };
}

/**
 * The workspace's key file, read and written by the editor. Writing keeps any key another
 * writer added since we read it (the CLI in a terminal, a collaborator's pull): both sets
 * of keys are handed out already.
 */
function remoteKeyStore(rpc: RpcEndpoint): KeyStore {
  let lastText: string | undefined;
  return {
    async read() {
      const file = await rpc.request<KeyFileText>('keys.read');
      const text = file.text ?? '';
      lastText = text;
      return { text, path: file.path ?? KEY_MEMORY_FILE };
    },
    async write(memory) {
      const file = await rpc.request<KeyFileText>('keys.read');
      if (!file.path || (file.text === undefined && !file.mayCreate)) return memory.serialize();
      if (file.text !== undefined && file.text !== lastText) memory.absorb(KeyMemory.parse(file.text, file.path).memory);
      const text = memory.serialize();
      memory.changed = false;
      if (text === file.text) return text;
      await rpc.request('keys.write', { text });
      lastText = text;
      return text;
    },
  };
}
