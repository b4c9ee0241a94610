/**
 * `npm run bench`: Paper Digest at 1k, 10k and 50k papers against a naive MiniSearch
 * baseline, in one run, on this machine. Prints one JSON report and writes it to
 * bench/report.json (with --out FILE elsewhere). The VS Code figures (activate,
 * cold and warm start in the real extension host) come from bench/vscode.js, which
 * `npm run bench` runs after this and merges in.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { parseDigest } from '../src/core/digest';
import { LibraryBuilder } from '../src/core/library';
import { Paper } from '../src/core/model';
import { rangeContains } from '../src/core/positions';
import { SearchIndex } from '../src/core/searchIndex';
import { tokenize } from '../src/core/words';
import { FileText, decodeInBlocks, textLength } from '../src/core/text';
import { decodeSnapshot, encodeSnapshot } from '../src/core/snapshotCodec';
import { TextModel, generatePapers, toDailyPapersPage, toHfJson } from './generate';
import { hostileCases } from './hostile';
import { compareRanking, realLibrary, tunedMiniSearch } from './ranking';
import { Library } from '../src/core/library';

const ROOT = join(__dirname, '..', '..');
const DATA = join(ROOT, 'bench', 'data');
const args = process.argv.slice(2);
const SIZES = (args.find((a) => a.startsWith('--sizes='))?.slice(8) ?? '1000,10000,50000').split(',').map(Number);
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1]! : join(ROOT, 'bench', 'report.json');

/** Real queries, typed one character at a time, as the Search Papers picker sees them. */
const QUERIES = [
  'quantization aware training', 'mixture of experts', 'low rank adaptation', 'lottery ticket', 'sparse attention',
  'knowledge distillation', 'kv cache compression', 'diffusion pruning', 'speculative decoding', 'model merging',
  'parameter efficient fine tuning', 'quantizaton', 'scaling laws',
];

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return round(process.memoryUsage().heapUsed / 1e6);
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const now = () => performance.now();

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!, 2);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: samples.length };
}

/** Every prefix of every query: what the picker runs on each keystroke. */
function keystrokes(queries: string[]): string[] {
  return queries.flatMap((q) => Array.from({ length: q.length }, (_, i) => q.slice(0, i + 1))).filter((q) => q.trim());
}

function time<T>(fn: () => T): [T, number] {
  const start = now();
  const value = fn();
  return [value, round(now() - start)];
}


function textModel(): TextModel {
  const seed = parseDigest(readFileSync(join(ROOT, 'media', 'digests', 'daily-papers-parameter-count.txt'), 'utf8'), 'seed').papers;
  const sample = (JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'hf-daily-papers-sample.json'), 'utf8')) as Array<{ paper: { title: string; summary: string } }>).map((o) => o.paper);
  const oneLine = (s: string) => s.replace(/\s+/g, ' ');
  return new TextModel([...seed.map((p) => p.abstract), ...sample.map((p) => oneLine(p.summary))], [...seed.map((p) => p.title), ...sample.map((p) => oneLine(p.title))]);
}

/** A 2,000-line note citing and naming papers of the library, as a long research log would. */
function longNote(papers: readonly Paper[]): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < 2000; i++) {
    const p = papers[(i * 7919) % papers.length]!;
    const q = papers[(i * 104729) % papers.length]!;
    if (i % 25 === 0) lines.push(`## Week ${i / 25 + 1}`, '');
    lines.push(`${p.shortName ?? 'This paper'} compares with earlier work [see @${p.key}, p. ${i % 9 + 1}; @${q.key}], and @${q.key} argues the opposite.`);
    if (i % 10 === 0) lines.push('```', `code @${p.key} ${p.shortName ?? ''}`, '```');
  }
  return lines.slice(0, 2000).join('\n');
}

/** MiniSearch tuned as a developer would for this (bench/ranking.ts), timed on the same keystrokes. */
function tunedBaseline(papers: readonly Paper[], queries: string[]) {
  const heapBefore = heapMb();
  const [tuned, buildMs] = time(() => tunedMiniSearch(papers));
  const heapAfter = heapMb();
  // It takes a large part of a second per keystroke at 50k: a sample of keystrokes is enough for its percentiles.
  const sample = queries.filter((_, i) => i % Math.max(1, Math.round(queries.length / 60)) === 0);
  for (const q of sample.slice(0, 5)) tuned.search(q);
  const latencies = sample.map((q) => time(() => tuned.search(q))[1]);
  return { buildMs, heapMb: round(heapAfter - heapBefore), keystroke: percentiles(latencies) };
}

async function measure(model: TextModel, size: number) {
  const generated = generatePapers(model, size, size);
  mkdirSync(DATA, { recursive: true });
  const pagePath = join(DATA, `papers-${size}.txt`);
  const jsonPath = join(DATA, `papers-${size}.json`);
  writeFileSync(pagePath, toDailyPapersPage(generated));
  writeFileSync(jsonPath, toHfJson(generated));
  generated.length = 0;

  // Cold start as the library engine does it in its worker: read, parse and build.
  const heapBefore = heapMb();
  const [cold, coldReadyMs] = time(() => {
    const b = new LibraryBuilder();
    b.setDigest(pagePath, parseDigest(decodeInBlocks(readFileSync(pagePath)), pagePath));
    const built = b.build();
    return { builder: b, library: built.library };
  });
  const library = cold.library;
  const heapLibraryMb = round(heapMb() - heapBefore);

  // Warm start: the saved index, read back and restored. Search answers before the papers are
  // decoded (the engine decodes them next, answering searches in between), then the whole library.
  const [bytes, encodeMs] = time(() => encodeSnapshot(cold.builder.toSnapshot()));
  const [restored, warmReadyMs] = time(() => {
    const builder = LibraryBuilder.restore(decodeSnapshot(bytes)!);
    builder.restoredSearch()!('quantization', { limit: 10 });
    return builder;
  });
  const [, warmRestMs] = time(() => {
    while (restored.decodeRestored(1000));
    return restored.build().library.search('quantization', { limit: 10 });
  });

  // Parsing, both formats, on their own.
  // Decoded as the engine decodes them (in blocks of lines: see decodeInBlocks).
  const pageText = decodeInBlocks(readFileSync(pagePath));
  const [parsed, parsePageMs] = time(() => parseDigest(pageText, pagePath));
  const [parsedJson, parseJsonMs] = time(() => parseDigest(decodeInBlocks(readFileSync(jsonPath)), jsonPath));
  const jsonPapers = parsedJson.papers.length;

  // The floor: read the same text and split it into words, nothing else. The fastest of three: one run
  // measured 2.4-4.4 s on the same machine the same day (12 million words kept alive make it hostage to
  // the collector), and the fastest is the strictest floor for the goals measured against it. Read as the
  // engine reads it, in blocks of lines (one byte a character where it can be): split into words that way
  // it is ~20% faster than read whole, which reports before 2026-12-05 measured (kept beside it).
  // Every block's words kept until all are counted, as the whole text's are.
  const wordsInBlocks = (text: FileText) => (typeof text === 'string' ? [text] : text).map((block) => tokenize(block)).reduce((count, words) => count + words.length, 0);
  const floorRuns = [0, 1, 2].map(() => time(() => wordsInBlocks(decodeInBlocks(readFileSync(pagePath))))[1]);
  const floorWholeTextRuns = [0, 1, 2].map(() => time(() => tokenize(readFileSync(pagePath, 'utf8')).length)[1]);
  const tokenizeFloorMs = Math.min(...floorRuns, ...floorWholeTextRuns);

  // Building without slicing: everything (names, techniques, keys, index), then the index alone.
  const [, libraryBuildMs] = time(() => {
    const b = new LibraryBuilder();
    b.setDigest(pagePath, parsed);
    return b.build().library.papers.length;
  });
  const [, indexMs] = time(() => new SearchIndex().sync(library.papers).added);

  // As-you-type search and completion.
  const typed = keystrokes(QUERIES);
  for (const q of typed.slice(0, 30)) library.search(q, { limit: 50 }); // warm the JIT as a session would
  const searchLatencies = typed.map((q) => time(() => library.search(q, { limit: 50 }))[1]);
  const keys = library.papers.filter((_, i) => i % Math.max(1, Math.floor(library.papers.length / 20)) === 0).map((p) => p.key);
  const completionTyped = [...keys.flatMap((k) => Array.from({ length: Math.min(k.length, 10) }, (_, i) => k.slice(0, i + 1))), ...keystrokes(['mixture', 'quantization', 'lottery'])];
  const completionLatencies = completionTyped.map((q) => time(() => library.completions(q, 100))[1]);

  // Hover on a 2,000-line note: the scan once per version, then a lookup per mouse move.
  const note = longNote(library.papers);
  const [, firstScanMs] = time(() => library.scanNote(note)); // builds the names matcher too
  const [scan, noteScanMs] = time(() => library.scanNote(note));
  const noteLines = note.split('\n');
  const hoverLatencies: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const line = (i * 31) % noteLines.length;
    const position = { line, character: (i * 17) % Math.max(1, noteLines[line]!.length) };
    const start = now();
    const citation = scan.citations.find((c) => rangeContains(c.range, position));
    const target = citation ?? scan.mentions.find((m) => rangeContains(m.range, position));
    if (target) library.paper(target.key);
    hoverLatencies.push(now() - start);
  }

  const tuned = tunedBaseline(library.papers, typed);
  const search = percentiles(searchLatencies);
  return {
    papers: library.papers.length,
    jsonPapers,
    digestMb: { page: round(textLength(pageText) / 1e6), json: round(readFileSync(jsonPath).length / 1e6) },
    parseMs: { page: parsePageMs, json: parseJsonMs },
    tokenizeFloorMs,
    tokenizeFloorRunsMs: floorRuns,
    tokenizeFloorWholeTextRunsMs: floorWholeTextRuns,
    indexMs,
    indexToFloor: round(indexMs / tokenizeFloorMs, 2),
    libraryBuildMs,
    keystrokeSearchMs: search,
    completionMs: percentiles(completionLatencies),
    hover: { noteLines: noteLines.length, citations: scan.citations.length, mentions: scan.mentions.length, firstScanMs, noteScanMs, lookupMs: percentiles(hoverLatencies) },
    // In the engine's worker: the editor's thread is measured by bench/host (extensionHost).
    coldStart: { searchReadyMs: coldReadyMs },
    warmStart: { savedIndexMb: round(bytes.byteLength / 1e6), encodeMs, searchReadyMs: warmReadyMs, wholeLibraryMs: round(warmReadyMs + warmRestMs) },
    heapMb: { library: heapLibraryMb, note: 'digest text, parsed papers and the built library, measured after a full GC' },
    tunedMiniSearch: tuned,
    ratios: {
      keystrokeP95VsTunedMiniSearch: round(tuned.keystroke.p95 / Math.max(search.p95, 0.01), 1),
      buildVsTunedMiniSearch: round(tuned.buildMs / indexMs, 1),
    },
  };
}

/**
 * Every hostile input of the adversarial tests at 5 MB, beside reading a normal 5 MB
 * digest (a generated Daily Papers page) in the same run: the slowest case is the one
 * to watch.
 */
function hostile(model: TextModel) {
  const SIZE = 5_000_000;
  const seed = readFileSync(join(ROOT, 'media', 'digests', 'daily-papers-parameter-count.txt'), 'utf8');
  const library = Library.fromDigests([{ path: 'seed', text: seed }]);
  let page = '';
  for (let n = 1000; page.length < SIZE; n *= 2) page = toDailyPapersPage(generatePapers(model, n, 7));
  page = page.slice(0, page.lastIndexOf('\n\n', SIZE));
  const [normal, normalMs] = time(() => parseDigest(page, 'normal.txt'));
  const cases: Record<string, number> = {};
  for (const [name, make] of Object.entries(hostileCases(library))) {
    process.stderr.write(`hostile input at 5 MB: ${name}…\n`);
    const work = make(SIZE);
    cases[name] = time(work)[1];
  }
  const [slowest, slowestMs] = Object.entries(cases).sort((a, b) => b[1] - a[1])[0]!;
  return {
    sizeMb: SIZE / 1e6,
    normalDigest: { mb: round(page.length / 1e6), papers: normal.papers.length, parseMs: normalMs },
    slowest: { name: slowest, ms: slowestMs, vsNormalDigest: round(slowestMs / normalMs, 1) },
    casesMs: cases,
  };
}

async function main() {
  const cpu = cpus();
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpu: cpu[0]?.model, cores: cpu.length, memoryGb: round(totalmem() / 2 ** 30), platform: `${platform()} ${release()}`, node: process.version },
    method: 'Speed: synthetic papers from a word-level Markov model of real abstracts (bench/generate.ts), written as a Daily Papers page and as Hugging Face JSON; latencies are single calls timed with performance.now() after a short warm-up. The baseline is MiniSearch 7 tuned as in bench/ranking.ts (title, abstract, authors, names, key; title and names boosted; AND of the words; the last word a prefix from 3 letters; fuzzy 0.2 from 5), measured in the same process on the same keystrokes. Quality (searchQuality): known-item queries made from the real papers of ../shared/corpus/hf-daily-papers-dev.json and the bundled page that the ranking was not tuned on (bench/ranking.ts), both searches in the same run.',
    sizes: {},
  };
  const model = textModel();
  for (const size of SIZES) {
    process.stderr.write(`measuring ${size} papers…\n`);
    (report.sizes as Record<string, unknown>)[size] = await measure(model, size);
  }
  process.stderr.write('measuring search quality on real papers…\n');
  const real = realLibrary(ROOT);
  report.searchQuality = real ? compareRanking(real, 'report') : 'skipped: ../shared/corpus/hf-daily-papers-dev.json is not here';
  process.stderr.write('measuring hostile input at 5 MB…\n');
  report.hostileInputAt5Mb = hostile(model);
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

void main();
