import { Derived, PaperText, deriveFromText } from './library';
import { RpcEndpoint } from './rpc';
import { Taxonomy, taxonomyWithUserTechniques } from './techniques';

/**
 * Reading names and techniques is most of a cold build (~8 s of ~15 for the benchmark's
 * 50,000 papers on a 2-core machine), and each paper's is independent of every other's:
 * other threads take a share, so a big build uses the cores the machine has.
 */
export interface DeriveHelpers {
  /** How many threads help, besides the one that builds. */
  readonly count: number;
  /** How long the deriving would take the building thread alone, at least, for the helpers to pay, in ms. */
  readonly worthMs: number;
  /** Names and techniques of the texts (`[i]` from `texts[i]`), derived by helper `helper` (0 ≤ helper < count) with the library's taxonomy. */
  derive(helper: number, texts: readonly PaperText[]): Promise<Derived[]>;
  /** Starts the threads now, for a build that may share (they take ~0.4 s to be ready); `release` ends them. */
  start(): void;
  /** The shared part is over: the threads end (a build that needs them again starts them again). */
  release(): void;
}

/** A thread that can be asked to derive (a Node worker thread on desktop). */
export interface HelperThread {
  rpc: RpcEndpoint;
  end(): void;
}

/** Below this many texts the work is not even timed: an edit's few papers are derived in the building thread. */
export const SHARED_DERIVE_MIN = 2000;
/**
 * Helpers start only for work this long (as timed on this thread): a helper takes 0.1 s to
 * start and ~0.3 s to answer its first chunk (its code is new to its thread), and the cores
 * are shared. Measured on a 2-core machine: 0.8 s of deriving alone (12,000 real Hugging
 * Face abstracts) took as long shared, and the whole load longer; 1.9 s (12,000 of the
 * benchmark's) took 1.5 s; 2.5 s (30,000 real) 1.6 s, the load 8.3 s instead of 9.1.
 */
export const HELPERS_WORTH_MS = 1500;
/**
 * The same when this thread has other work alongside (a first build's text indexing): the
 * helpers then take deriving this thread would do after it, and pay far sooner. Measured on
 * a 2-core machine: 10,000 of the benchmark's papers loaded in 1.25-1.30 s shared against
 * 1.35-1.40 alone (~0.4 s of deriving); the limit above kept them alone.
 */
export const HELPERS_WORTH_ALONGSIDE_MS = 300;
/** Texts per message, and per step of this thread's own deriving: ~25 ms of work, so that the building thread takes its helpers' answers often. */
export const TEXTS_PER_CHUNK = 500;
/** Items per step of the builder's own work alongside (`DerivationShare.finish`): ~25 ms, to take its helpers' answers as often. */
const ALONGSIDE_STEP = 500;

/** Runs in a helper thread: derives what it is sent with the taxonomy the user's techniques setting makes. */
export function serveDeriveHelper(rpc: RpcEndpoint): void {
  let current: { identity: string; taxonomy: Taxonomy } | undefined;
  rpc.handle<{ techniques: unknown; texts: PaperText[] }>('derive', ({ techniques, texts }) => {
    const identity = JSON.stringify(techniques ?? []);
    if (current?.identity !== identity) current = { identity, taxonomy: taxonomyWithUserTechniques(techniques).taxonomy };
    const { taxonomy } = current;
    return texts.map((text) => deriveFromText(text, taxonomy));
  });
}

/** Helpers in `count` threads started by `start` when first asked, deriving with the taxonomy of the techniques setting as `techniques` gives it then. */
export function helperThreads(count: number, start: () => HelperThread, techniques: () => unknown, worthMs = HELPERS_WORTH_MS): DeriveHelpers {
  let threads: (HelperThread | undefined)[] = [];
  return {
    count,
    worthMs,
    derive(helper, texts) {
      const thread = (threads[helper] ??= start());
      return thread.rpc.request<Derived[]>('derive', { techniques: techniques(), texts });
    },
    start() {
      for (let helper = 0; helper < count; helper++) threads[helper] ??= start();
    },
    release() {
      for (const thread of threads) thread?.end();
      threads = [];
    },
  };
}

/**
 * A build's deriving shared with helper threads. Texts go to the helpers as soon as they are
 * known (`send`: a first build sends them while its digests are still being parsed), a chunk
 * to each helper in turn, and what they answer goes to `take` (which returns how many of
 * the chunk's texts were still underived). `finish` has this thread do its own work alongside,
 * then derive, from the last text back, whatever no helper has answered: the helpers work
 * from the first text on, so the two meet in the middle. This thread never waits for a
 * helper: one that is slow, or fails (`warn` says so once), only leaves it more to derive.
 */
export class DerivationShare {
  private sent = 0;
  private byHelpers = 0;
  private nextHelper = 0;
  private readonly failed = new Set<number>();
  private finished = false;

  constructor(
    private readonly helpers: DeriveHelpers,
    private readonly take: (chunk: readonly PaperText[], derived: Derived[]) => number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Sends texts to the helpers, a chunk to each in turn. */
  send(texts: readonly PaperText[]): void {
    for (let i = 0; i < texts.length && this.failed.size < this.helpers.count; i += TEXTS_PER_CHUNK) {
      let helper = this.nextHelper;
      while (this.failed.has(helper)) helper = (helper + 1) % this.helpers.count;
      this.nextHelper = (helper + 1) % this.helpers.count;
      const chunk = texts.slice(i, i + TEXTS_PER_CHUNK);
      this.sent += chunk.length;
      this.helpers.derive(helper, chunk).then(
        (derived) => {
          if (!this.finished) this.byHelpers += this.take(chunk, derived);
        },
        (error: unknown) => {
          // Ended by `finish`, its chunks no longer needed: not a failure.
          if (this.finished || this.failed.has(helper)) return;
          this.failed.add(helper);
          this.warn(`A helper thread could not derive names and techniques (${error instanceof Error ? error.message : String(error)}); the build derives its share.`);
        },
      );
    }
  }

  /**
   * Derives here (`here`) what of `texts` is still underived (`isDerived`), from the last
   * back, then ends the helpers. When nothing was sent ahead, the helpers are sent the texts
   * only if deriving them here would take long enough (timed on this thread's second chunk,
   * its code warm by then; see HELPERS_WORTH_MS). `alongside`, if given, is other work this
   * thread does first while the helpers derive: a step of ALONGSIDE_STEP items, true while some
   * are left. Returns how many texts the helpers derived, undefined when none were asked.
   */
  async finish(
    texts: readonly PaperText[],
    here: (chunk: readonly PaperText[]) => void,
    isDerived: (text: PaperText) => boolean,
    alongside?: (count: number) => boolean,
  ): Promise<number | undefined> {
    let end = texts.length;
    const deriveChunk = () => {
      const start = Math.max(0, end - TEXTS_PER_CHUNK);
      const chunk = texts.slice(start, end).filter((text) => !isDerived(text));
      end = start;
      if (chunk.length) here(chunk);
      return chunk.length;
    };
    try {
      if (this.sent === 0) {
        deriveChunk();
        const started = Date.now();
        const timed = deriveChunk();
        const worthMs = alongside ? Math.min(this.helpers.worthMs, HELPERS_WORTH_ALONGSIDE_MS) : this.helpers.worthMs;
        if (!timed || ((Date.now() - started) / timed) * end < worthMs) {
          while (end > 0) deriveChunk();
          return undefined;
        }
        this.send(texts.slice(0, end));
      }
      // Lets the helpers' answers in.
      const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));
      let more = !!alongside;
      while (more) {
        more = alongside!(ALONGSIDE_STEP);
        await nextTurn();
      }
      while (end > 0) if (deriveChunk()) await nextTurn();
      return this.byHelpers;
    } finally {
      this.finished = true;
      this.helpers.release();
    }
  }
}
