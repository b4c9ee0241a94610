import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { availableParallelism } from 'node:os';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { HelperThread, serveDeriveHelper } from '../core/deriveHelpers';
import { serveLibraryEngine } from '../core/libraryEngine';
import { RpcEndpoint } from '../core/rpc';
import type { EngineWorkerData } from './codeCacheLoader';
import { yieldToTheEditor } from './background';
import { diskKeyFile } from './diskKeyFile';
import { folderSnapshots, readIndexEarly } from './folderSnapshots';
import { v8SummaryCodec } from './v8SummaryCodec';

// The library engine in a Node worker thread (desktop VS Code): see core/libraryEngine.ts.
const port = parentPort;
if (!port) throw new Error('the library engine runs in a worker thread');
const rpc = new RpcEndpoint({ post: (message, transfer) => port.postMessage(message, transfer), onMessage: (handler) => port.on('message', handler) });
const HELPER = 'derive-helper';
/** `helpersWorthMs`: the tests share builds far smaller than would pay (see HELPERS_WORTH_MS). */
const data = workerData as ({ role?: string; helpersWorthMs?: number } & EngineWorkerData) | undefined;
yieldToTheEditor();
if (data?.role === HELPER) serveDeriveHelper(rpc);
else serveEngine();

function serveEngine(): void {
  // Started without the loader (no code cache), which would have begun reading the index already.
  if (data?.snapshotFolder && !data.codeCache) readIndexEarly(data.snapshotFolder);
  serveLibraryEngine(rpc, {
    snapshotFiles: folderSnapshots,
    readFile: async (path) => {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
    keyFileDisk: diskKeyFile,
    summaryCodec: v8SummaryCodec(),
    // This file again, as a helper: one per core besides the engine's (the editor's thread is idle while a cold build runs), at most 3.
    helperThreads: { count: Math.min(3, availableParallelism() - 1), start: startHelper, worthMs: data?.helpersWorthMs },
  });
  // The integration tests end the worker as a crash would, to see the editor start it again.
  rpc.handle('crashForTest', () => process.exit(70));
  // The benchmark reports the worker's heap beside the editor's: in use after a full collection.
  rpc.handle('heapStats', () => {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    return { heapUsedMb: process.memoryUsage().heapUsed / 1e6 };
  });
}

function startHelper(): HelperThread {
  const worker = new Worker(__filename, { workerData: { role: HELPER }, name: 'paper-digest-helper' });
  const helper = new RpcEndpoint({ post: (message, transfer) => worker.postMessage(message, transfer), onMessage: (handler) => worker.on('message', handler) });
  let failure: string | undefined;
  worker.on('error', (error) => {
    failure = error.message;
  });
  worker.on('exit', (code) => helper.close(failure ? `it failed: ${failure}` : `it exited with code ${code}`));
  return { rpc: helper, end: () => void worker.terminate() };
}
