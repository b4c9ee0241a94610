import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
}

const QUERIES = ['quantization aware training', 'mixture of experts', 'low rank adaptation', 'sparse attention', 'knowledge distillation', 'speculative decoding'];

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
  const hits = (await api.service.snapshot.search('quantization aware training', { limit: 50 })).length;
  const firstSearchMs = performance.now() - searchStart;
  const fromSavedIndex = api.service.lastLoad?.fromSavedIndex ?? false;
  const result: Record<string, unknown> = {
    activateMs: round(api.activateMs),
    activateCallMs: round(activateCallMs),
    searchReadyMs: round(readyMs),
    fromSavedIndex,
    papers: api.service.lastLoad?.papers ?? 0,
    longestEventLoopBlockMs: round(loop.max / 1e6),
    firstSearchMs: round(firstSearchMs),
    firstSearchHits: hits,
    extensionHostHeapMb: heapMb(),
    workerHeapMb: round((await api.service.workerHeapMb()) ?? NaN),
  };
  if (fromSavedIndex) Object.assign(result, await editsAndLatencies(api));
  // The next session starts warm only if the index is on disk.
  if (!fromSavedIndex) await api.service.saveNow();
  writeFileSync(out, JSON.stringify(result));
}

/** A digest edit, a burst of 20, then search, completion and hover latencies. */
async function editsAndLatencies(api: Api) {
  const digest = (await vscode.workspace.findFiles('papers-*.txt'))[0]!;
  const original = readFileSync(digest.fsPath, 'utf8');
  const target = api.service.snapshot.papers[Math.floor(api.service.snapshot.papers.length / 2)]!;
  const retitled = (n: number) => original.replace(target.title, `${target.title} Revised${n}`);
  const watchEdits = async (writes: number) => {
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const start = performance.now();
    const wanted = `${target.title} Revised${writes}`;
    const updated = new Promise<void>((resolve) => {
      const sub = api.service.onDidChange(() => {
        if (api.service.snapshot.paper(target.key)?.title !== wanted) return;
        sub.dispose();
        resolve();
      });
    });
    for (let n = 1; n <= writes; n++) {
      writeFileSync(digest.fsPath, retitled(n));
      if (n < writes) await new Promise((r) => setTimeout(r, 50));
    }
    await updated;
    const ms = performance.now() - start;
    loop.disable();
    return { libraryUpdatedMs: round(ms), longestEventLoopBlockMs: round(loop.max / 1e6) };
  };
  const edit = await watchEdits(1);
  const burst = await watchEdits(20);
  writeFileSync(digest.fsPath, original);
  await api.service.idle();

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

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? NaN) };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return round(process.memoryUsage().heapUsed / 1e6);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
