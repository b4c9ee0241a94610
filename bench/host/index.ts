import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';

/**
 * Runs inside the real extension host (the `run()` contract), started by bench/vscode.js
 * on a workspace whose settings name a large digest: times activation and the load,
 * watches the host's event loop while the library is read and indexed.
 */
interface Api {
  ready: Promise<void>;
  activateMs: number;
  service: {
    lastLoad?: { papers: number; fromSavedIndex: boolean; milliseconds: number };
    snapshot: { search(q: string, o?: { limit?: number }): unknown[] };
    saveNow(): Promise<void>;
  };
}

export async function run(): Promise<void> {
  const out = process.env.PAPER_DIGEST_BENCH_OUT;
  if (!out) throw new Error('PAPER_DIGEST_BENCH_OUT is not set');
  const extension = vscode.extensions.getExtension<Api>('paper-digest.paper-digest');
  if (!extension) throw new Error('Paper Digest is not installed');
  if (extension.isActive) throw new Error('Paper Digest was activated before the benchmark could time it');
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const started = performance.now();
  const api = await extension.activate();
  const activateCallMs = performance.now() - started;
  await api.ready;
  const readyMs = performance.now() - started;
  loop.disable();
  const searchStart = performance.now();
  const hits = api.service.snapshot.search('quantization aware training', { limit: 50 }).length;
  const firstSearchMs = performance.now() - searchStart;
  (globalThis as { gc?: () => void }).gc?.();
  const result = {
    activateMs: round(api.activateMs),
    activateCallMs: round(activateCallMs),
    searchReadyMs: round(readyMs),
    fromSavedIndex: api.service.lastLoad?.fromSavedIndex ?? false,
    papers: api.service.lastLoad?.papers ?? 0,
    longestEventLoopBlockMs: round(loop.max / 1e6),
    firstSearchMs: round(firstSearchMs),
    firstSearchHits: hits,
    extensionHostHeapMb: round(process.memoryUsage().heapUsed / 1e6),
  };
  // The next session starts warm only if the index is on disk.
  if (!result.fromSavedIndex) await api.service.saveNow();
  writeFileSync(out, JSON.stringify(result));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
