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
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      await this.pace();
    }
  }
}
