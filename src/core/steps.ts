/**
 * Long work (parsing 50,000 papers, classifying, indexing, encoding the saved index)
 * is written as generators that `yield` every few dozen items. Run to the end they
 * are plain synchronous functions (the CLI, tests); run by a Pacer they give the
 * event loop back whenever a slice has taken its budget, so the editor never freezes.
 */
export type Steps<T> = Generator<void, T, void>;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export interface PaceStats {
  slices: number;
  /** The longest time the work held the event loop, in ms. */
  longestSliceMs: number;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Gives the event loop back between slices of at most `budgetMs`. */
export class Pacer {
  readonly stats: PaceStats = { slices: 0, longestSliceMs: 0 };
  private sliceStart = now();

  constructor(private readonly budgetMs = 10) {}

  /** Call between two small pieces of work: yields to the event loop once the slice is used up. */
  async pace(): Promise<void> {
    const elapsed = now() - this.sliceStart;
    if (elapsed < this.budgetMs) return;
    this.stats.longestSliceMs = Math.max(this.stats.longestSliceMs, elapsed);
    this.stats.slices++;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.sliceStart = now();
  }

  async run<T>(steps: Steps<T>): Promise<T> {
    this.sliceStart = now();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      await this.pace();
    }
  }
}

/**
 * Sorts in slices: chunks sorted on their own, then merged, yielding between pieces,
 * so that sorting 50,000 keys never holds the event loop for one long stretch.
 */
export function* sortSteps<T>(items: readonly T[], compare: (a: T, b: T) => number, chunk = 4096): Steps<T[]> {
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += chunk) {
    runs.push(items.slice(i, i + chunk).sort(compare));
    yield;
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r]!;
      const b = runs[r + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const out: T[] = [];
      let i = 0;
      let j = 0;
      while (i < a.length || j < b.length) {
        out.push(j >= b.length || (i < a.length && compare(a[i]!, b[j]!) <= 0) ? a[i++]! : b[j++]!);
        if (out.length % chunk === 0) yield;
      }
      merged.push(out);
    }
    runs = merged;
  }
  return runs[0] ?? [];
}
