/**
 * Work that can wait until the editor stops asking: preparing the names matcher and the
 * completion list, saving the index. Each task runs after `quietMs` without a request
 * (`touch`), one at a time, so that a search typed right after a load is answered first
 * instead of behind ~1 s of preparation and saving at 50,000 papers. A request that needs
 * the prepared thing before its task has run makes it itself.
 */
export class QuietTasks {
  private readonly tasks: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private held = false;
  /** When the editor last asked something. */
  private lastTouch = 0;

  constructor(
    private readonly quietMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  add(task: () => void): void {
    this.tasks.push(task);
    if (!this.held) this.arm();
  }

  /** A request came (or the editor is done with what it was sent): what waits, waits a little longer. */
  touch(): void {
    this.held = false;
    this.lastTouch = Date.now();
    if (this.tasks.length) this.arm();
  }

  /** The editor is busy with what it was sent (a library to take): nothing runs until the next `touch`. */
  hold(): void {
    this.held = true;
    clearTimeout(this.timer);
  }

  /**
   * Resolves at the next turn when the editor has asked nothing for `quietMs` (and is not
   * busy taking a library), else once it has stopped for that long: what a task that runs
   * in slices waits for between them, so that it makes way while someone types.
   */
  async untilQuiet(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (let idle = Date.now() - this.lastTouch; this.held || idle < this.quietMs; idle = Date.now() - this.lastTouch) {
      await new Promise((resolve) => setTimeout(resolve, this.held ? this.quietMs : this.quietMs - idle));
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.tasks.length = 0;
  }

  private arm(): void {
    clearTimeout(this.timer);
    // Between two tasks too: requests that came during one are answered before the next.
    this.timer = setTimeout(() => {
      try {
        this.tasks.shift()?.();
      } catch (error) {
        this.onError(error);
      }
      if (this.tasks.length) this.arm();
    }, this.quietMs);
  }
}

/** How long `inSlices` works before it lets what came in be answered. */
const SLICE_MS = 10;

/**
 * Runs `steps` (a generator's) about SLICE_MS at a time, waiting for `between` (a turn of
 * the event loop, or QuietTasks.untilQuiet) after each slice, so that a request that came in
 * meanwhile (a search, a completion) is answered in between; resolves with what the steps return.
 */
export async function inSlices<T>(steps: Generator<unknown, T>, between: () => Promise<unknown> = () => new Promise((resolve) => setTimeout(resolve, 0))): Promise<T> {
  for (;;) {
    const until = Date.now() + SLICE_MS;
    let step: IteratorResult<unknown, T>;
    do step = steps.next();
    while (!step.done && Date.now() < until);
    if (step.done) return step.value;
    await between();
  }
}
