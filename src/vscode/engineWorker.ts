import * as vscode from 'vscode';
import { MessagePortLike, RpcEndpoint, memoryPorts } from '../core/rpc';
import { SummaryCodec } from '../core/snapshotCodec';
import type { CodeCacheOptions, EngineWorkerData } from '../worker/codeCacheLoader';
import { v8SummaryCodec } from '../worker/v8SummaryCodec';

/** The library engine's worker as the extension sees it: a message port that can end. */
export interface EngineWorker extends MessagePortLike {
  /** Called once when the worker ends on its own (a crash, out of memory, killed), with why. */
  onExit(listener: (reason: string) => void): void;
  terminate(): void;
  /** How this side decodes summaries the engine stores encoded (the same as the engine's, or none). */
  summaryCodec?: SummaryCodec;
  /** Whether the engine reads and writes files on this machine's disk itself (a Node worker). */
  readsDisk?: boolean;
}

/** `snapshotFolder`: where the engine keeps the saved index itself (a Node worker starts reading it at once). */
export type EngineWorkerFactory = (options: { snapshotFolder?: string }) => EngineWorker;

/**
 * Starts the engine (dist/worker.js): a `worker_threads` worker on the desktop, a Web
 * Worker in VS Code for the Web (dist/web/worker.js), as vscode-eslint and the LSP web
 * samples start their servers.
 */
export function engineWorkerFactory(extensionUri: vscode.Uri, log: (message: string) => void, storage?: vscode.Uri): EngineWorkerFactory {
  const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
  const dist = (...path: string[]) => vscode.Uri.joinPath(extensionUri, 'dist', ...path);
  const cacheFolder = storage?.scheme === 'file' ? storage.fsPath : undefined;
  const engine = { engine: dist('worker.js').fsPath, loader: dist('workerLoader.js').fsPath };
  return isNode ? ({ snapshotFolder }) => nodeWorker(engine, cacheFolder, snapshotFolder) : () => webWorker(dist('web', 'worker.js').toString(true), log);
}

/** How long the engine runs before V8's code cache for it is written (see codeCacheLoader.ts): its start is compiled by then. */
const CODE_CACHE_AFTER_MS = 5000;

/** The engine's worker; started from V8's code cache where there is a folder on this disk to keep one. */
function nodeWorker({ engine, loader }: { engine: string; loader: string }, cacheFolder: string | undefined, snapshotFolder: string | undefined): EngineWorker {
  // Required here, not imported: the web build has no worker_threads (esbuild.js keeps it external).
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  const name = 'paper-digest-library';
  const codeCache: CodeCacheOptions | undefined = cacheFolder ? { engine, cacheFolder, writeAfterMs: CODE_CACHE_AFTER_MS } : undefined;
  const workerData: EngineWorkerData = { codeCache, snapshotFolder };
  const worker = new Worker(codeCache ? loader : engine, { name, workerData });
  let ended = false;
  let exitListener: ((reason: string) => void) | undefined;
  let lastError: string | undefined;
  worker.on('error', (error) => {
    lastError = error instanceof Error ? error.message : String(error);
  });
  worker.on('exit', (code) => {
    if (ended) return;
    ended = true;
    exitListener?.(lastError ? `it failed: ${lastError}` : `it exited with code ${code}`);
  });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (handler) => worker.on('message', handler),
    onExit: (listener) => {
      exitListener = listener;
    },
    terminate: () => {
      ended = true;
      void worker.terminate();
    },
    summaryCodec: v8SummaryCodec(),
    readsDisk: true,
  };
}

declare class Worker {
  constructor(url: string);
  postMessage(message: unknown, transfer?: unknown[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  terminate(): void;
}

/**
 * A Web Worker for the engine. Where the page cannot start one from the extension's files
 * (some hosts serve them from an origin a worker may not load), the engine runs in the
 * extension host's own worker instead (it is off the window's thread there already): the
 * messages sent so far are replayed to it, so nothing is lost.
 */
function webWorker(url: string, log: (message: string) => void): EngineWorker {
  let handler: ((message: unknown) => void) | undefined;
  let exitListener: ((reason: string) => void) | undefined;
  let answered = false;
  let target: MessagePortLike | undefined;
  const unanswered: Array<[unknown, ArrayBuffer[] | undefined]> = [];
  const inProcess = (why: string) => {
    log(`The library engine runs in the extension host (${why}).`);
    const [editorSide, engineSide] = memoryPorts();
    serveEngineHere(engineSide);
    editorSide.onMessage((message) => handler?.(message));
    target = editorSide;
    for (const [message, transfer] of unanswered.splice(0)) editorSide.post(message, transfer);
  };
  let worker: EngineWorker | undefined;
  try {
    worker = startWebWorker(url);
  } catch (error) {
    inProcess(`no worker: ${String(error)}`);
  }
  if (worker) {
    target = worker;
    worker.onMessage((message) => {
      unanswered.length = 0;
      answered = true;
      handler?.(message);
    });
    worker.onExit((reason) => {
      if (!answered) inProcess(`the worker could not start: ${reason}`);
      else exitListener?.(reason);
    });
  }
  return {
    post: (message, transfer) => {
      if (target === worker && !answered) unanswered.push([message, undefined]);
      target!.post(message, transfer);
    },
    onMessage: (listener) => {
      handler = listener;
    },
    onExit: (listener) => {
      exitListener = listener;
    },
    terminate: () => worker?.terminate(),
  };
}

/**
 * The engine in the extension host's own thread. Only the web build carries it (esbuild.js
 * defines PAPER_DIGEST_WEB there): a desktop extension host always has worker threads, and
 * its bundle loads ~0.7 MB less at every start without the engine (the word list above all).
 */
function serveEngineHere(port: MessagePortLike): void {
  if (process.env.PAPER_DIGEST_WEB === 'true') {
    const { serveLibraryEngine } = require('../core/libraryEngine') as typeof import('../core/libraryEngine');
    serveLibraryEngine(new RpcEndpoint(port));
  } else {
    throw new Error('the library engine runs in the extension host only in VS Code for the Web');
  }
}

function startWebWorker(url: string): EngineWorker {
  const worker = new Worker(url);
  let exitListener: ((reason: string) => void) | undefined;
  let ended = false;
  worker.onerror = (event) => {
    if (ended) return;
    ended = true;
    worker.terminate();
    exitListener?.(`it failed: ${event.message ?? 'unknown error'}`);
  };
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (handler) => {
      worker.onmessage = (event) => handler(event.data);
    },
    onExit: (listener) => {
      exitListener = listener;
    },
    terminate: () => {
      ended = true;
      worker.terminate();
    },
  };
}
