import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { workerData } from 'node:worker_threads';
import { yieldToTheEditor } from './background';
import { readIndexEarly } from './folderSnapshots';

/**
 * Starts the library engine's worker (dist/worker.js) from V8's code cache for it, kept in
 * the extension's storage: compiling the 1.5 MB bundle is 45-55 ms of every start, before
 * the engine can read anything, and the functions a start runs are compiled again each
 * time. The cache is named by a hash of the bundle: V8 itself checks only the code's length
 * (and its own version and flags), so another version of the same length would run stale
 * code. Without a cache, or one V8 refuses (`cachedDataRejected`), the bundle is compiled
 * as usual and a cache written once the engine has run a while (what its start compiled is
 * in it then), under a temporary name then renamed; caches of other versions are removed.
 */
export interface CodeCacheOptions {
  /** The engine's bundle. */
  engine: string;
  /** The folder its code cache lives in (the extension's storage). */
  cacheFolder: string;
  /** How long the engine runs before its cache is written. */
  writeAfterMs: number;
}

/** What the editor starts the engine's worker with (through this loader or not). */
export interface EngineWorkerData {
  codeCache?: CodeCacheOptions;
  /** The saved index's folder, read from the worker's first moment (see folderSnapshots.ts). */
  snapshotFolder?: string;
}

const CACHE_PREFIX = 'engine-code-';
yieldToTheEditor();
const data = workerData as EngineWorkerData;
// Before the bundle is compiled and run (~50 ms): the index's 180 MB are read in the thread pool meanwhile.
if (data.snapshotFolder) readIndexEarly(data.snapshotFolder);
const options = data.codeCache!;
const bytes = readFileSync(options.engine);
const cacheName = `${CACHE_PREFIX}${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.bin`;
const cacheFile = join(options.cacheFolder, cacheName);
const source = bytes.toString('utf8');
let cached: Buffer | undefined;
try {
  cached = readFileSync(cacheFile);
} catch {
  cached = undefined; // none yet
}
// As Node loads a CommonJS file: the bundle sees its own __filename (helper threads start it directly).
const script = new Script(wrap(source), { filename: options.engine, cachedData: cached });
if (!cached || script.cachedDataRejected) {
  setTimeout(() => {
    try {
      mkdirSync(options.cacheFolder, { recursive: true });
      const temporary = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
      for (const name of readdirSync(options.cacheFolder)) {
        if (name.startsWith(CACHE_PREFIX) && name !== cacheName && !name.endsWith('.tmp')) rmSync(join(options.cacheFolder, name), { force: true });
      }
    } catch {
      // A read-only or full disk: the next start compiles, as this one did.
    }
  }, options.writeAfterMs).unref();
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(options.engine), module, options.engine, dirname(options.engine));
