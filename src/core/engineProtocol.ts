import type { ListedDigest } from './libraryLoader';
import type { Paper, Problem } from './model';
import { EncodedPapers, PaperShelf, PlacedCategoryGroup, decodedOnce } from './paperCatalog';
import type { OpenedSummaries } from './snapshotCodec';

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

/**
 * The editor's answer to `keys.read`: where the key file is and, unless the engine reads it
 * itself (`file`), its text.
 */
export interface KeyFileText {
  /** The key file's path, for problems; undefined without a workspace folder (keys kept for the session). */
  path: string | undefined;
  /**
   * The file on this machine's disk, read and written by the engine itself: set when the
   * engine said it reads the disk (`onDisk` in the request, `readsDisk` of the worker) and
   * the file is local. Then `text` and `stamp` are not sent.
   */
  file?: string;
  /** Its text, undefined where there is none yet (or where `file` is set, or `stamp` is `unlessStamp`). */
  text?: string;
  /** The file's modification time and size, taken before its text was read; undefined where there is none. */
  stamp?: string;
  /** Whether the file may be created (not in a folder that only reads the bundled digest). */
  mayCreate: boolean;
}

/** What `keys.read` asks: `unlessStamp`, the text is left out when the file's stamp is that one (the engine knows it). */
export interface KeyFileRequest {
  onDisk?: boolean;
  unlessStamp?: string;
}

/** The key file on this machine's disk, where the engine reaches it itself (a Node worker). */
export interface KeyFileDisk {
  /** Its modification time and size, undefined where there is none. */
  stamp(file: string): Promise<string | undefined>;
  /** Its text, undefined where there is none. */
  read(file: string): Promise<string | undefined>;
  /** Writes it (and its folder); returns its stamp after the write. */
  write(file: string, text: string): Promise<string | undefined>;
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
/** Parts of summaries left to decode that the editor decodes before it hands the library out (a millisecond or two). */
const FEW_PARTS = 4;

/** A library as the editor assembles it. */
/** The Techniques view's groups, as places in the library the engine sent as `generation` (see Library.placedTree). */
export interface PlacedTree {
  /** Undefined for a library not sent yet: none of the editor's is that one. */
  generation: number | undefined;
  categories: PlacedCategoryGroup[];
}

export interface ReceivedLibrary {
  /** The engine's number for this library (see PlacedTree). */
  generation: number;
  /** The papers, perhaps still being decoded (a warm start's: see PaperShelf). */
  papers: PaperShelf;
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
  /** The summaries that came, in the order they came: objects, or encoded parts until decoded. */
  parts: Array<Paper[] | EncodedPapers>;
  /** How many summaries came. */
  count: number;
  /** In library order (`inOrder`), each paper's place: where it arrived. */
  placeInOrder: Map<string, number>;
  /** The extra keys of the summaries that have any, by place (known without decoding them). */
  extraKeys: Array<[number, string[]]>;
  /** Encoded pieces that could not be opened. */
  failed: unknown;
  messages: number;
}

/**
 * The editor's side of `library.*`: each library from the summaries that came and the
 * unchanged ones it already holds (the same objects, so an edit leaves little garbage).
 *
 * Encoded summaries (sent as bytes: a warm start's, as saved, and a cold start's) are opened
 * as they arrive, which gives their keys, and the library is handed out at its end without
 * decoding them: a part is decoded when one of its papers is asked for, and the rest when
 * something needs them all (`PaperShelf.decodeAll`, a few milliseconds per turn of the
 * editor's event loop: `nextTurn`). An edit's library shares the parts it does not change,
 * decoded or not.
 */
export class LibraryReceiver {
  /** The last library's papers, and each key's place in it. */
  private papers: PaperShelf = PaperShelf.of([]);
  private placeOf = new Map<string, number>();
  private incoming: IncomingLibrary | undefined;
  /** Libraries are assembled one after another, each on the one before. */
  private assembling: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly open?: (bytes: Uint8Array) => OpenedSummaries,
    private readonly nextTurn: () => Promise<void> = () => new Promise((resolve) => setTimeout(() => resolve(), 0)),
  ) {}

  begin(begin: LibraryBegin): void {
    this.incoming = {
      begin,
      parts: [],
      count: 0,
      placeInOrder: new Map(),
      extraKeys: [],
      failed: undefined,
      messages: 0,
    };
  }

  chunk(chunk: LibraryChunk): void {
    const incoming = this.incoming;
    if (incoming?.begin.generation !== chunk.generation || incoming.failed) return;
    incoming.messages++;
    if ('papers' in chunk) {
      chunk.papers.forEach((paper, i) => {
        if (paper.extraKeys?.length) incoming.extraKeys.push([incoming.count + i, paper.extraKeys]);
      });
      return this.take(incoming, [chunk.papers], chunk.papers.map((p) => p.key));
    }
    if (!this.open) return void (incoming.failed = new Error('the library engine sent encoded summaries this editor cannot decode'));
    let opened: OpenedSummaries;
    try {
      opened = this.open(chunk.encoded);
    } catch (error) {
      return void (incoming.failed = error);
    }
    const first = incoming.count;
    for (const [place, keys] of opened.extraKeys) incoming.extraKeys.push([first + place, keys]);
    // Decoded once, whichever library asks: an edit's library shares the parts it did not change.
    this.take(incoming, opened.parts.map(decodedOnce), opened.keys);
  }

  private take(incoming: IncomingLibrary, parts: ReadonlyArray<Paper[] | EncodedPapers>, keys: readonly string[]): void {
    if (incoming.begin.inOrder) for (const key of keys) incoming.placeInOrder.set(key, incoming.count++);
    else incoming.count += keys.length;
    incoming.parts.push(...parts);
  }

  /**
   * The library whose messages end here, once assembled; undefined for one whose beginning
   * was not seen. Rejects when the engine's messages do not add up (a paper it did not send)
   * or its summaries cannot be opened.
   */
  end({ generation }: LibraryEnd): Promise<ReceivedLibrary | undefined> {
    const incoming = this.incoming;
    if (incoming?.begin.generation !== generation) return Promise.resolve(undefined);
    this.incoming = undefined;
    const assembled = this.assembling.then(() => this.assemble(incoming));
    this.assembling = assembled.catch(() => undefined);
    return assembled;
  }

  private async assemble(incoming: IncomingLibrary): Promise<ReceivedLibrary> {
    const { begin, messages } = incoming;
    if (incoming.failed) throw incoming.failed;
    let papers: PaperShelf;
    if (begin.inOrder) {
      // What little is left (a small library's) is decoded now: handed out whole, it is the same as before.
      if (incoming.parts.filter((part) => !Array.isArray(part)).length <= FEW_PARTS) incoming.parts = incoming.parts.map((part) => (Array.isArray(part) ? part : part.decode()));
      papers = new PaperShelf(incoming.parts, incoming.extraKeys, this.nextTurn);
      this.placeOf = incoming.placeInOrder;
    } else {
      // Objects (an edit's): assembled with those kept from the last library.
      const received = incoming.parts.flatMap((part) => (Array.isArray(part) ? part : part.decode()));
      if (begin.keys) {
        // Papers added, removed or moved: the last library's are needed in their new order.
        await this.papers.decodeAll().catch(() => undefined);
        const last = this.papers.all();
        const changed = new Map(received.map((paper) => [paper.key, paper]));
        const list: Paper[] = [];
        const placeOf = new Map<string, number>();
        for (const key of begin.keys) {
          const place = this.placeOf.get(key);
          const paper = changed.get(key) ?? (place === undefined ? undefined : last[place]);
          if (!paper) throw new Error(`the library engine sent no paper for ${key}`);
          placeOf.set(key, list.length);
          list.push(paper);
        }
        this.placeOf = placeOf;
        papers = PaperShelf.of(list);
      } else {
        // The same papers in the same order, a few of them changed (an edit): replaced in place, the other parts kept as they are.
        const changed = new Map<number, Paper>();
        for (const paper of received) {
          const place = this.placeOf.get(paper.key);
          if (place === undefined) throw new Error(`the library engine sent a paper it did not list: ${paper.key}`);
          changed.set(place, paper);
        }
        papers = this.papers.replacing(changed);
      }
    }
    this.papers = papers;
    return { generation: begin.generation, papers, placeOf: this.placeOf, problems: begin.problems, techniques: begin.techniques, changed: incoming.count, messages };
  }
}

/** A digest that cannot be read, as one problem naming it (the editor's side says it the same way). */
export function unreadableDigest(path: string, error: unknown): { problem: Problem; version: string } {
  const message = `Cannot read digest ${path}: ${error instanceof Error ? error.message : String(error)}`;
  return { problem: { path, line: 0, severity: 'error', message }, version: `unreadable:${message}` };
}

