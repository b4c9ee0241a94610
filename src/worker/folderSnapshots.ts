import { closeSync, fstatSync, openSync, read, readdirSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotFiles, snapshotFileName } from '../core/engineProtocol';

/**
 * The saved index in a folder on this machine's disk, read and written by the engine's
 * worker itself (the editor's storage folder, when it is local). A file is written under
 * a temporary name and then renamed, so that a crash mid-write never leaves a cut index
 * under the real name; older indexes are removed once the new one is in place.
 *
 * The folder holds one index, the last one written: its reading starts at once, in the
 * thread pool (from the worker's first moment, see `readIndexEarly`), while the engine asks
 * the editor what names the index it wants (the digests' versions, the key file); that
 * index is almost always this one.
 */
export function folderSnapshots(folder: string): SnapshotFiles {
  const path = (key: string) => join(folder, snapshotFileName(key));
  let early = takeEarlyRead(folder) ?? startReading(folder);
  return {
    read(key) {
      const wanted = snapshotFileName(key);
      const read = early?.name === wanted ? early.bytes : readWhole(path(key));
      early = undefined;
      return read;
    },
    async write(key, bytes) {
      early = undefined;
      await mkdir(folder, { recursive: true });
      const name = snapshotFileName(key);
      const temporary = join(folder, `${name}.${process.pid}.tmp`);
      await writeFile(temporary, bytes);
      await rename(temporary, join(folder, name));
      for (const other of await readdir(folder)) {
        if (other.startsWith('index-') && other !== name) await rm(join(folder, other), { force: true }).catch(() => undefined);
      }
    },
    async delete(key) {
      if (early?.name === snapshotFileName(key)) early = undefined;
      await rm(path(key), { force: true }).catch(() => undefined);
    },
  };
}

interface EarlyRead {
  folder: string;
  name: string;
  bytes: Promise<Uint8Array | undefined>;
}

/** Where `readIndexEarly` leaves its read: the worker's loader and the engine's bundle are separate scripts. */
const EARLY_READ = Symbol.for('paper-digest.index-read-early');
const workerGlobal = globalThis as { [EARLY_READ]?: EarlyRead };

/** Starts reading the folder's index before the engine's code is even loaded; `folderSnapshots(folder)` takes it. */
export function readIndexEarly(folder: string): void {
  workerGlobal[EARLY_READ] = startReading(folder);
}

function takeEarlyRead(folder: string): EarlyRead | undefined {
  const early = workerGlobal[EARLY_READ];
  workerGlobal[EARLY_READ] = undefined;
  return early?.folder === folder ? early : undefined;
}

function startReading(folder: string): EarlyRead | undefined {
  const name = lastIndexIn(folder);
  return name ? { folder, name, bytes: readWhole(join(folder, name)) } : undefined;
}

/** The index file in the folder (normally the only one: writing one removes the others), if any. */
function lastIndexIn(folder: string): string | undefined {
  try {
    return readdirSync(folder).find((name) => name.startsWith('index-') && name.endsWith('.bin'));
  } catch {
    return undefined; // no folder yet
  }
}

/** How many parts a file is read in at once (the thread pool is the whole editor's: 4 threads). */
const READS_AT_ONCE = 2;

/**
 * A file into memory of its own, in the thread pool: the copy (180 MB at 50,000 papers) and
 * the memory's first touch happen off this thread, its two halves at once (50-65 ms in Node on
 * a 2-core machine, one read ~80, readFile's 512 KB reads ~170). Opened and asked for here
 * and now, so that the reading goes on while this thread is busy (compiling the engine).
 */
function readWhole(path: string): Promise<Uint8Array | undefined> {
  let fd: number;
  let bytes: Uint8Array;
  try {
    fd = openSync(path, 'r');
    bytes = new Uint8Array(fstatSync(fd).size);
  } catch {
    return Promise.resolve(undefined); // none yet, or unreadable: the library is built afresh
  }
  const part = Math.ceil(bytes.length / READS_AT_ONCE);
  const parts = Array.from({ length: READS_AT_ONCE }, (_, i) => readRange(fd, bytes, i * part, Math.min(bytes.length, (i + 1) * part)));
  // Closed once every part is done, a failed one included: never while the other still reads.
  return Promise.allSettled(parts).then((results) => {
    closeSync(fd);
    return results.every((result) => result.status === 'fulfilled') ? bytes : undefined; // cut while read, or unreadable: as good as none
  });
}

/** `bytes[start, end)` from the file at the same offsets. */
function readRange(fd: number, bytes: Uint8Array, start: number, end: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (at: number) => {
      if (at >= end) return resolve();
      read(fd, bytes, at, end - at, at, (error, bytesRead) => {
        if (error) reject(error);
        else if (bytesRead === 0) reject(new Error('the file was cut while it was read'));
        else next(at + bytesRead);
      });
    };
    next(start);
  });
}
