import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of the engine's threads (0 is the editor's; 19 the lowest priority). */
const BACKGROUND_NICE = 5;

/**
 * This thread's work (a build, a restore) is background work: on Linux, where a thread has
 * its own nice value, it is raised, so that on a machine with few cores the editor's thread
 * (and VS Code's own) gets the processor first when it has something to do. Elsewhere
 * (no /proc/thread-self) nothing changes. Called first thing in the thread (the code-cache
 * loader's start, hashing and deserializing the 1.5 MB bundle, is background work too), and
 * again harmlessly by the engine's bundle, which helper threads start directly.
 */
export function yieldToTheEditor(): void {
  let thread: number;
  try {
    thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return;
  }
  try {
    if (thread > 0) setPriority(thread, BACKGROUND_NICE);
  } catch {
    // Not allowed here: the thread runs as it was.
  }
}

