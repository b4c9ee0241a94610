import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseDigest, parseDigestAsync } from '../src/core/digest';
import { LibraryBuilder } from '../src/core/library';
import { decodeSnapshot, encodeSnapshot } from '../src/core/snapshotCodec';
import { Pacer, runSteps } from '../src/core/steps';
import { TextModel, generatePapers, toDailyPapersPage } from './generate';
const gc = (globalThis as any).gc as () => void;
const heap = () => { gc(); return (process.memoryUsage().heapUsed / 1e6).toFixed(0) + 'MB'; };
(async () => {
const seed = parseDigest(readFileSync('media/digests/daily-papers-parameter-count.txt', 'utf8'), 's').papers;
const sample = JSON.parse(readFileSync('test/fixtures/hf-daily-papers-sample.json', 'utf8')).map((o: any) => o.paper);
const model = new TextModel([...seed.map((p) => p.abstract), ...sample.map((p: any) => p.summary.replace(/\s+/g, ' '))], [...seed.map((p) => p.title), ...sample.map((p: any) => p.title.replace(/\s+/g, ' '))]);
const n = Number(process.argv[2] ?? 10000);
const page = toDailyPapersPage(generatePapers(model, n));
console.log('base', heap());
const h = monitorEventLoopDelay({ resolution: 5 }); h.enable();
const pacer = new Pacer(10);
let t = Date.now();
const parsed = await parseDigestAsync(page, 'big.txt', pacer);
console.log('parse', Date.now() - t, 'ms', heap());
const b = new LibraryBuilder();
b.setDigest('big.txt', parsed);
t = Date.now();
const { library } = await pacer.run(b.buildSteps());
h.disable();
console.log('build', Date.now() - t, 'ms', heap(), 'max slice', pacer.stats.longestSliceMs.toFixed(1), 'loop max delay', (h.max / 1e6).toFixed(1));
for (const q of ['q', 'qu', 'qua', 'quan', 'quant', 'quanti', 'quantiz', 'quantization', 'quantization a', 'quantization aw', 'quantization aware', 'lora', 'mixture of experts', 'prunin', 'sparse attention kv', 'quantizaton']) {
  t = performance.now(); const r = library.search(q, { limit: 50 }); console.log(q.padEnd(22), (performance.now() - t).toFixed(1), 'ms', r.length);
}
t = Date.now(); const bytes = runSteps(encodeSnapshot(b.toSnapshot())); console.log('encode', Date.now() - t, 'ms', (bytes.length / 1e6).toFixed(0), 'MB');
const h2 = monitorEventLoopDelay({ resolution: 5 }); h2.enable();
const p2 = new Pacer(10);
t = Date.now(); const snap = await p2.run(decodeSnapshot(bytes)); const rb = await LibraryBuilder.restore(snap!); const restored = await p2.run(rb.buildSteps());
h2.disable();
console.log('warm restore', Date.now() - t, 'ms', 'max slice', p2.stats.longestSliceMs.toFixed(1), 'loop max delay', (h2.max / 1e6).toFixed(1), restored.library.papers.length);
})();
