import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { parseDigest } from '../src/core/digest';
import { LibraryBuilder } from '../src/core/library';
import { decodeSnapshot, encodeSnapshot } from '../src/core/snapshotCodec';
import { runSteps } from '../src/core/steps';
import { TextModel, generatePapers, toDailyPapersPage } from './generate';
const file = '/tmp/snap50k.bin';
if (!existsSync(file)) {
  const seed = parseDigest(readFileSync('media/digests/daily-papers-parameter-count.txt', 'utf8'), 's').papers;
  const model = new TextModel(seed.map((p) => p.abstract), seed.map((p) => p.title));
  const page = toDailyPapersPage(generatePapers(model, 50000));
  const b = new LibraryBuilder(); b.setDigest('big.txt', parseDigest(page, 'big.txt')); b.build();
  writeFileSync(file, runSteps(encodeSnapshot(b.toSnapshot())));
}
const b = new LibraryBuilder(undefined, runSteps(decodeSnapshot(readFileSync(file)))!);
const { library } = b.build();
const queries = ['quantization aware training', 'mixture of experts routing', 'sparse attention kv cache', 'low rank adaptation'];
const t0 = performance.now(); let n = 0;
for (let round = 0; round < 3; round++) for (const q of queries) for (let i = 1; i <= q.length; i++) { library.search(q.slice(0, i), { limit: 50 }); n++; }
console.log('avg per keystroke', ((performance.now() - t0) / n).toFixed(1), 'ms over', n);
