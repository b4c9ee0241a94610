import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { serveLibraryEngine } from '../core/libraryEngine';
import { RpcEndpoint } from '../core/rpc';
import { folderSnapshots } from './folderSnapshots';
import { v8SummaryCodec } from './v8SummaryCodec';

// The library engine in a Node worker thread (desktop VS Code): see core/libraryEngine.ts.
const port = parentPort;
if (!port) throw new Error('the library engine runs in a worker thread');
const rpc = new RpcEndpoint({ post: (message, transfer) => port.postMessage(message, transfer), onMessage: (handler) => port.on('message', handler) });
serveLibraryEngine(rpc, {
  snapshotFiles: folderSnapshots,
  readFile: async (path) => {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  summaryCodec: v8SummaryCodec(),
});
// The integration tests end the worker as a crash would, to see the editor start it again.
rpc.handle('crashForTest', () => process.exit(70));
// The benchmark reports the worker's heap beside the editor's: in use after a full collection.
rpc.handle('heapStats', () => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return { heapUsedMb: process.memoryUsage().heapUsed / 1e6 };
});
