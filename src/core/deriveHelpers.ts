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
/** Texts per message: ~75 ms of work at the slowest, so the builder's thread answers its helpers often. */
const CHUNK = 500;
/** Items per step of the builder's own work alongside (`shareDerivation`): ~25 ms, to answer its helpers as often. */
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
 * Derives `texts` here (`here`) or, when that would take long enough (timed on this
 * thread's second chunk, its code warm by then), in chunks taken in turn by this thread and
 * each helper (`take` receives what a helper derived). Each helper has two chunks asked at
 * a time, so it has the next while this thread is busy with its own. A helper that fails
 * is left out (its chunk is derived by the build, as any text no one derived); `warn` says
 * so once. `alongside`, if given, is other work this thread does in steps while the helpers
 * derive (it derives its share once that is done): a step of ALONGSIDE_STEP items, true while
 * some are left. Returns how many texts the helpers derived, undefined when none were asked.
 */
export async function shareDerivation(
  texts: readonly PaperText[],
  helpers: DeriveHelpers,
  here: (chunk: readonly PaperText[]) => void,
  take: (chunk: readonly PaperText[], derived: Derived[]) => void,
  warn: (message: string) => void,
  alongside?: (count: number) => boolean,
): Promise<number | undefined> {
  const chunks: PaperText[][] = [];
  for (let i = 0; i < texts.length; i += CHUNK) chunks.push(texts.slice(i, i + CHUNK));
  let next = 0;
  here(chunks[next++]!);
  if (next < chunks.length) {
    const timed = chunks[next++]!;
    const started = Date.now();
    here(timed);
    const rest = texts.length - next * CHUNK;
    const worthMs = alongside ? Math.min(helpers.worthMs, HELPERS_WORTH_ALONGSIDE_MS) : helpers.worthMs;
    if (((Date.now() - started) / timed.length) * rest < worthMs) {
      while (next < chunks.length) here(chunks[next++]!);
      return undefined;
    }
  }
  if (next >= chunks.length) return undefined;
  let byHelpers = 0;
  const failed = new Set<number>();
  const helperLoop = async (helper: number) => {
    while (next < chunks.length && !failed.has(helper)) {
      const chunk = chunks[next++]!;
      try {
        take(chunk, await helpers.derive(helper, chunk));
        byHelpers += chunk.length;
      } catch (error) {
        if (!failed.has(helper)) warn(`A helper thread could not derive names and techniques (${error instanceof Error ? error.message : String(error)}); the build derives its share.`);
        failed.add(helper);
      }
    }
  };
  let alongsideLeft = !!alongside;
  const ownLoop = async () => {
    while (next < chunks.length || alongsideLeft) {
      if (alongsideLeft) alongsideLeft = alongside!(ALONGSIDE_STEP);
      else here(chunks[next++]!);
      // Lets the helpers' answers in, and their next chunks out.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  const loops = [ownLoop()];
  for (let helper = 0; helper < helpers.count; helper++) loops.push(helperLoop(helper), helperLoop(helper));
  try {
    await Promise.all(loops);
  } finally {
    helpers.release();
  }
  return byHelpers;
}
