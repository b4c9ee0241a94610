import { readFileSync } from 'node:fs';
import { LibraryBuilder } from '../src/core/library';
import { decodeSnapshot } from '../src/core/snapshotCodec';
import { Pacer } from '../src/core/steps';
(async () => {
  const bytes = readFileSync('/tmp/snap50k.bin');
  const phase = async (name: string, fn: (p: Pacer) => Promise<unknown>) => {
    const p = new Pacer(10); const t = performance.now(); const r = await fn(p);
    console.log(name.padEnd(10), (performance.now() - t).toFixed(0), 'ms; longest slice', p.stats.longestSliceMs.toFixed(0)); return r;
  };
  const snap: any = await phase('decode', (p) => p.run(decodeSnapshot(bytes)));
  let t = performance.now(); const b = await LibraryBuilder.restore(snap); console.log('restore (unpaced)', (performance.now() - t).toFixed(0));
  await phase('build', (p) => p.run(b.buildSteps()));
})();
import MiniSearch from 'minisearch';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runSteps } from '../src/core/steps';
import { TermIndex } from '../src/core/termIndex';
import { tokenize } from '../src/core/searchIndex';
(async () => {
  await new Promise((r) => setTimeout(r, 3000));
  const snap: any = runSteps(decodeSnapshot(readFileSync('/tmp/snap50k.bin')));
  const h = monitorEventLoopDelay({ resolution: 2 }); h.enable();
  let t = performance.now();
  await MiniSearch.loadJSAsync(snap.index.miniSearch, { fields: ['key', 'name'] });
  h.disable(); console.log('loadJSAsync', (performance.now() - t).toFixed(0), 'max block', (h.max / 1e6).toFixed(0));
  t = performance.now(); for (const f of ['title', 'techniques', 'abstract', 'authors']) TermIndex.deserialize(snap.index.fields[f], tokenize); console.log('deserialize x4', (performance.now() - t).toFixed(0));
  t = performance.now(); new LibraryBuilder(undefined, snap, {} as any); console.log('builder ctor', (performance.now() - t).toFixed(0));
})();
