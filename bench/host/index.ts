import { readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';

/**
 * Runs inside the real extension host (the `run()` contract), started by bench/vscode.js
 * on a workspace whose settings name a large digest: times activation and the load,
 * watches the host's event loop while the library engine (in its worker) reads and
 * indexes; in the warm session also while a digest is edited once and 20 times in a
 * burst, and times search, completion and hover as the providers see them.
 */
interface Paper {
  key: string;
  title: string;
  abstract: string;
}
interface Api {
  ready: Promise<void>;
  activateMs: number;
  service: {
    lastLoad?: { papers: number; fromSavedIndex: boolean; milliseconds: number };
    snapshot: { papers: readonly Paper[]; paper(key: string): Paper | undefined; search(q: string, o?: { limit?: number }): Promise<unknown[]> };
    onDidChange(listener: () => void): vscode.Disposable;
    saveNow(): Promise<void>;
    idle(): Promise<void>;
    workerHeapMb(): Promise<number | undefined>;
  };
  hover: vscode.HoverProvider;
  completion: vscode.CompletionItemProvider;
  tree: { getChildren(node?: TreeNode): Promise<TreeNode[]>; getTreeItem(node: TreeNode): vscode.TreeItem };
}

/** The Techniques view's nodes, as far as the benchmark reads them. */
interface TreeNode {
  kind: string;
  technique?: { places: ArrayLike<number> };
}

/** How long the extension host's idle CPU is watched before Paper Digest is activated. */
const IDLE_BASELINE_MS = 2000;

const QUERIES = ['quantization aware training', 'mixture of experts', 'low rank adaptation', 'sparse attention', 'knowledge distillation', 'speculative decoding'];

export async function run(): Promise<void> {
  const out = process.env.PAPER_DIGEST_BENCH_OUT;
  if (!out) throw new Error('PAPER_DIGEST_BENCH_OUT is not set');
  const extension = vscode.extensions.getExtension<Api>('paper-digest.paper-digest');
  if (!extension) throw new Error('Paper Digest is not installed');
  if (extension.isActive) throw new Error('Paper Digest was activated before the benchmark could time it');
  // The thread's CPU with nothing to do but the watch itself (its 5 ms timer) and VS Code's own
  // housekeeping: the rate a window's extensionHostThreadCpuMs is read against.
  const idle = watchEventLoop();
  await new Promise((resolve) => setTimeout(resolve, IDLE_BASELINE_MS));
  const idleCpuMs = idle().extensionHostThreadCpuMs;
  const watching = watchEventLoop();
  const started = performance.now();
  const api = await extension.activate();
  const activateCallMs = performance.now() - started;
  await api.ready;
  const readyMs = performance.now() - started;
  // Search right away: its hits' summaries are decoded as they are asked for.
  const searchStart = performance.now();
  const hits = (await api.service.snapshot.search('quantization aware training', { limit: 50 })).length;
  const firstSearchMs = performance.now() - searchStart;
  // The event loop is watched past the start: until the engine has nothing queued, and a second more
  // (a warm start's engine decodes its own papers after search is ready, in its worker).
  await api.service.idle();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const loop = watching();
  const fromSavedIndex = api.service.lastLoad?.fromSavedIndex ?? false;
  const memory = heapMb();
  const result: Record<string, unknown> = {
    ...(idleCpuMs !== undefined && { idleExtensionHostThreadCpuMsPerS: round((idleCpuMs * 1000) / IDLE_BASELINE_MS) }),
    activateMs: round(api.activateMs),
    activateCallMs: round(activateCallMs),
    searchReadyMs: round(readyMs),
    // Of which the engine's load in its worker (from the saved index or the digests), the rest being the editor's.
    engineLoadMs: api.service.lastLoad?.milliseconds ?? NaN,
    fromSavedIndex,
    papers: api.service.lastLoad?.papers ?? 0,
    ...loop,
    watchedMs: round(performance.now() - started),
    firstSearchMs: round(firstSearchMs),
    firstSearchHits: hits,
    extensionHostHeapMb: memory.heap,
    // The summaries not decoded yet, as bytes outside the heap.
    extensionHostExternalMb: memory.external,
    // With the whole library: a warm start's papers are decoded in the worker after search is ready.
    workerHeapMb: await api.service.idle().then(async () => round((await api.service.workerHeapMb()) ?? NaN)),
    treeShown: await showTree(api),
  };
  if (fromSavedIndex) Object.assign(result, await editsAndLatencies(api));
  // The next session starts warm only if the index is on disk.
  if (!fromSavedIndex) await api.service.saveNow();
  writeFileSync(out, JSON.stringify(result));
}

/** How long the event loop is watched after the start has settled. */
const SETTLE_MS = 1000;

/**
 * The Techniques view opened as a person would: its groups come from the engine, and the
 * largest technique is opened, which decodes its papers' summaries (a few milliseconds per
 * turn) and makes their items. The event loop is watched throughout, and the heap measured after.
 */
async function showTree(api: Api) {
  const watching = watchEventLoop();
  const start = performance.now();
  await vscode.commands.executeCommand('paperDigest.techniques.focus');
  // What the view asked for as it opened (the same answer, not asked twice).
  const categories = await api.tree.getChildren();
  const groupsMs = round(performance.now() - start);
  let largest: TreeNode | undefined;
  for (const category of categories) for (const technique of await api.tree.getChildren(category)) if ((technique.technique?.places.length ?? 0) > (largest?.technique?.places.length ?? 0)) largest = technique;
  const opening = performance.now();
  // Its first page (and the item for the rest), as the view asks for them.
  const shown = largest ? await api.tree.getChildren(largest) : [];
  for (const node of shown) api.tree.getTreeItem(node);
  const largestTechniqueMs = round(performance.now() - opening);
  const loop = watching();
  const memory = heapMb();
  // Closed again: what follows is measured as before, with the view not shown.
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  return { groupsMs, largestTechniquePapers: largest?.technique?.places.length ?? 0, papersShown: shown.filter((node) => node.kind === 'paper').length, largestTechniqueMs, ...loop, extensionHostHeapMb: memory.heap, extensionHostExternalMb: memory.external };
}

/**
 * Writes the digest `writes` times, 50 ms apart, each time with `Revised{n} ` inserted at
 * `at`, from a worker thread: writing 86 MB from this thread would block the very event
 * loop being measured.
 */
function writeInWorker(path: string, at: number, writes: number): Promise<void> {
  const code = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const { path, at, writes } = workerData;
    const text = fs.readFileSync(path, 'utf8');
    // As the file was before the benchmark's earlier edits.
    const before = text.slice(0, at);
    const after = text.slice(at).replace(/^Revised\\d+ /, '');
    (async () => {
      for (let n = 1; n <= writes; n++) {
        fs.writeFileSync(path, before + 'Revised' + n + ' ' + after);
        if (n < writes) await new Promise((r) => setTimeout(r, 50));
      }
    })();`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { path, at, writes } });
    worker.once('exit', (exitCode) => (exitCode === 0 ? resolve() : reject(new Error(`the writing worker exited with ${exitCode}`))));
  });
}

/** A digest edit, a burst of 20, then search, completion and hover latencies. */
async function editsAndLatencies(api: Api) {
  const digest = (await vscode.workspace.findFiles('papers-*.txt'))[0]!;
  const original = readFileSync(digest.fsPath, 'utf8');
  // An edit a person makes: the first words of one paper's abstract (its key and identity stay).
  const target = api.service.snapshot.papers[Math.floor(api.service.snapshot.papers.length / 2)]!;
  const anchor = target.abstract.slice(0, 40);
  // After the paper's own title line (an abstract's first words may begin other abstracts too).
  const at = original.indexOf(`${target.title}\n\n${anchor}`) + target.title.length + 2;
  if (at < target.title.length + 2) throw new Error(`the benchmark cannot find ${target.key}'s abstract in the digest`);
  const watchEdits = async (writes: number) => {
    const watching = watchEventLoop();
    const start = performance.now();
    const wanted = `Revised${writes} ${anchor}`;
    const updated = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 120_000);
      const sub = api.service.onDidChange(() => {
        if (!api.service.snapshot.paper(target.key)?.abstract.startsWith(wanted)) return;
        sub.dispose();
        clearTimeout(timer);
        resolve(true);
      });
    });
    await writeInWorker(digest.fsPath, at, writes);
    const seen = await updated;
    const ms = performance.now() - start;
    const loop = watching();
    return seen ? { libraryUpdatedMs: round(ms), ...loop } : { timedOut: true, ...loop };
  };
  const edit = await watchEdits(1);
  const burst = await watchEdits(20);
  // Back as it was, and the library with it, before anything else is timed.
  const restored = new Promise<void>((resolve) => {
    const sub = api.service.onDidChange(() => {
      if (api.service.snapshot.paper(target.key)?.abstract.startsWith('Revised')) return;
      sub.dispose();
      resolve();
    });
  });
  await writeFile(digest.fsPath, original);
  await restored;
  // The save the edits scheduled (encoding the index holds the engine ~1 s at 50k) is made
  // now, so that the latencies below are the engine's at rest (a search during a save waits for it).
  await api.service.saveNow();

  const token = new vscode.CancellationTokenSource().token;
  const typed = QUERIES.flatMap((q) => Array.from({ length: q.length }, (_, i) => q.slice(0, i + 1))).filter((q) => q.trim());
  const searchMs: number[] = [];
  for (const q of typed) {
    const start = performance.now();
    await api.service.snapshot.search(q, { limit: 50 });
    searchMs.push(performance.now() - start);
  }

  const papers = api.service.snapshot.papers;
  const keys = Array.from({ length: 20 }, (_, i) => papers[Math.floor((i * papers.length) / 20)]!.key);
  const completionMs: number[] = [];
  const completionNote = await vscode.workspace.openTextDocument({ language: 'markdown', content: keys.map(() => 'See [@').join('\n') });
  for (let line = 0; line < keys.length; line++) {
    for (let typedLength = 1; typedLength <= 6; typedLength++) {
      // The key typed a letter at a time, then completion asked for, as the editor asks.
      const text = `See [@${keys[line]!.slice(0, typedLength)}`;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(completionNote.uri, completionNote.lineAt(line).range, text);
      await vscode.workspace.applyEdit(edit);
      const start = performance.now();
      await api.completion.provideCompletionItems(completionNote, new vscode.Position(line, text.length), token, { triggerKind: vscode.CompletionTriggerKind.Invoke, triggerCharacter: undefined });
      completionMs.push(performance.now() - start);
    }
  }

  const note = keys.map((k) => `As shown in [@${k}], the method works.`).join('\n');
  const hoverNote = await vscode.workspace.openTextDocument({ language: 'markdown', content: note });
  const hoverMs: number[] = [];
  for (let i = 0; i < 400; i++) {
    const start = performance.now();
    await api.hover.provideHover(hoverNote, new vscode.Position(i % keys.length, 16), token);
    hoverMs.push(performance.now() - start);
  }
  return { digestEdit: edit, burstOf20Edits: burst, keystrokeSearchMs: percentiles(searchMs), completionProviderMs: percentiles(completionMs), hoverProviderMs: percentiles(hoverMs.slice(1)) };
}

/**
 * Watches this thread's event loop until the returned function is called: its longest
 * block, and the longest garbage-collection pause meanwhile (what a long block often is).
 */
function watchEventLoop(): () => { longestEventLoopBlockMs: number; longestGcPauseMs: number; longestGcKind: string; extensionHostThreadCpuMs?: number } {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const cpuAtStart = threadCpuMs();
  let longestGc = 0;
  let longestGcKind = '';
  const take = (entries: readonly { duration: number; detail?: unknown }[]) => {
    for (const entry of entries) {
      if (entry.duration <= longestGc) continue;
      longestGc = entry.duration;
      longestGcKind = GC_KINDS[(entry.detail as { kind?: number } | undefined)?.kind ?? 0] ?? 'other';
    }
  };
  const gc = new PerformanceObserver((list) => take(list.getEntries()));
  gc.observe({ entryTypes: ['gc'] });
  loop.enable();
  return () => {
    loop.disable();
    take(gc.takeRecords());
    gc.disconnect();
    const cpu = threadCpuMs();
    return { longestEventLoopBlockMs: round(loop.max / 1e6), longestGcPauseMs: round(longestGc), longestGcKind, ...(cpu !== undefined && cpuAtStart !== undefined && { extensionHostThreadCpuMs: round(cpu - cpuAtStart) }) };
  };
}

/**
 * The CPU time of this thread (the extension host's, not its workers'), where Linux tells it
 * (/proc/thread-self/schedstat): what the window cost the editor, beside how long it was held at once.
 */
function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** Node's names for the kinds of collection (`PerformanceEntry.detail.kind`): which kind the longest pause was tells what to make less of. */
const GC_KINDS: Record<number, string> = {
  [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor (young generation)',
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major (whole heap)',
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? NaN) };
}

/** The heap in use after a full collection (what the extension keeps alive, not garbage yet to be collected), and the memory outside it (array buffers among it). */
function heapMb(): { heap: number; external: number } {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const { heapUsed, external } = process.memoryUsage();
  return { heap: round(heapUsed / 1e6), external: round(external / 1e6) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
