import type { ListedDigest } from './libraryLoader';
import type { Paper, Problem } from './model';

/**
 * What the editor and the library engine (libraryEngine.ts, in its worker) say to each
 * other, and the editor's side of it: the editor imports this module, not the engine's.
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

/** The editor's answer to `digests.read`: the bytes (decoded here) and the file's version, or a problem that names the file. */
export type DigestBytes =
  | { bytes: Uint8Array; version: string }
  /** The file is on this machine's disk and the engine said it reads the disk itself (`onDisk` in the request). */
  | { file: string; version: string }
  | { problem: Problem; version: string };

/**
 * What the editor sends with `load`: the answers a load asks for first (the digests with
 * their versions, the key file), read while the engine's worker started, so that the load
 * begins without a round trip to the editor for each. Either may be missing: then the engine
 * asks for it.
 */
export interface LoadRequest {
  digests?: ListedDigest[];
  keyFile?: KeyFileText;
}

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
  /** Every paper follows, in library order (a warm start's summaries as saved, a cold start's): the chunks give the order. */
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

/** A digest that cannot be read, as one problem naming it (the editor's side says it the same way). */
export function unreadableDigest(path: string, error: unknown): { problem: Problem; version: string } {
  const message = `Cannot read digest ${path}: ${error instanceof Error ? error.message : String(error)}`;
  return { problem: { path, line: 0, severity: 'error', message }, version: `unreadable:${message}` };
}

