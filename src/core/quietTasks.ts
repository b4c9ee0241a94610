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
    if (this.tasks.length) this.arm();
  }

  /** The editor is busy with what it was sent (a library to take): nothing runs until the next `touch`. */
  hold(): void {
    this.held = true;
    clearTimeout(this.timer);
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
 * Runs `steps` (a generator's) about SLICE_MS at a time, with a turn of the event loop
 * between slices, so that a request that came in meanwhile (a search, a completion) is
 * answered in between; resolves with what the steps return.
 */
export async function inSlices<T>(steps: Generator<unknown, T>): Promise<T> {
  for (;;) {
    const until = Date.now() + SLICE_MS;
    let step: IteratorResult<unknown, T>;
    do step = steps.next();
    while (!step.done && Date.now() < until);
    if (step.done) return step.value;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
