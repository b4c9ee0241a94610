import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDigest } from '../../src/core/digest';
import { LibraryBuilder, LibrarySnapshot } from '../../src/core/library';
import { SnapshotError, decodeSnapshot, encodeSnapshot } from '../../src/core/snapshotCodec';
import { Taxonomy, TaxonomyData } from '../../src/core/techniques';
import defaultTaxonomyData from '../../src/core/taxonomy.json';
import { SEED_PATH, corpusPath, hasCorpus, hfDigest, readFixture, readSeed } from './fixtures';
import { SearchHit } from '../../src/core/searchIndex';

function seededBuilder(): LibraryBuilder {
  const builder = new LibraryBuilder();
  builder.setDigest(SEED_PATH, parseDigest(readSeed(), SEED_PATH));
  builder.setDigest('hf.json', parseDigest(readFixture('hf-daily-papers-sample.json'), 'hf.json'));
  return builder;
}

/** Through the bytes the extension writes to its storage and reads back. */
function roundTrip(snapshot: LibrarySnapshot): LibrarySnapshot {
  const decoded = (decodeSnapshot((encodeSnapshot(snapshot))));
  assert.ok(decoded);
  return decoded;
}

describe('LibraryBuilder', () => {
  it('re-indexes only the papers of a digest that changed', () => {
    const builder = seededBuilder();
    const first = builder.build();
    assert.deepEqual(first.counts, { added: 72, removed: 0, updated: 0 });
    const edited = readSeed().replace('LD-Pruner: Efficient Pruning of Latent Diffusion Models', 'LD-Pruner: Efficient Pruning of Latent Diffusion Models (v2)');
    builder.setDigest(SEED_PATH, parseDigest(edited, SEED_PATH));
    const second = builder.build();
    // The retitled paper is a new document, the old one goes; nothing else is touched.
    assert.deepEqual(second.counts, { added: 1, removed: 1, updated: 0 });
    assert.equal(second.library.search('v2')[0]?.paper.title, 'LD-Pruner: Efficient Pruning of Latent Diffusion Models (v2) using Task-Agnostic Insights');
  });

  it('updates a paper in place when only its abstract or upvotes change, keeping its key', () => {
    const builder = seededBuilder();
    const before = builder.build().library.paper('efficientqat2024')!;
    const edited = readSeed().replace('Large language models (LLMs) are integral to modern', 'Zygomorphic large language models (LLMs) are integral to modern');
    builder.setDigest(SEED_PATH, parseDigest(edited, SEED_PATH));
    const { library, counts } = builder.build();
    assert.deepEqual(counts, { added: 0, removed: 0, updated: 1 });
    assert.equal(library.paper('efficientqat2024')!.title, before.title);
    assert.equal(library.search('zygomorphic')[0]?.paper.key, 'efficientqat2024');
  });

  it('never lets an older library answer with a paper it does not know, nor a newer one with a paper it dropped', () => {
    const builder = seededBuilder();
    const older = builder.build().library;
    const edited = readSeed().replace('LD-Pruner: Efficient Pruning of Latent Diffusion Models', 'LD-Pruner: Efficient Pruning of Latent Diffusion Models (v2)');
    builder.setDigest(SEED_PATH, parseDigest(edited, SEED_PATH));
    const newer = builder.build().library;
    const known = (library: typeof older, query: string) => library.search(query, { limit: 100 }).every((h) => library.paper(h.paper.key) === h.paper);
    for (const query of ['v2', 'pruning diffusion', 'ldpruner', 'quantization']) {
      assert.ok(known(older, query), `older: ${query}`);
      assert.ok(known(newer, query), `newer: ${query}`);
    }
    // The control: the newer library finds the retitled paper, the older one (which has only the old title) does not answer with it.
    assert.equal(newer.search('v2')[0]?.paper.title.includes('(v2)'), true);
    assert.ok(!older.search('v2').some((h) => h.paper.title.includes('(v2)')));
    assert.ok(older.completions('ld', 10).every((p) => older.paper(p.key) === p));
  });

  it('drops the papers of a removed digest', () => {
    const builder = seededBuilder();
    builder.build();
    builder.removeDigest('hf.json');
    const { library, counts } = builder.build();
    assert.deepEqual(counts, { added: 0, removed: 25, updated: 0 });
    assert.equal(library.papers.length, 47);
    assert.deepEqual(library.search('SageAttention'), []);
  });

  it('restores from a saved snapshot without indexing again, with the same results', () => {
    const builder = seededBuilder();
    const original = builder.build().library;
    const snapshot = roundTrip(builder.toSnapshot());
    const restored = new LibraryBuilder(undefined, snapshot).build();
    assert.deepEqual(restored.counts, { added: 0, removed: 0, updated: 0 });
    assert.deepEqual(restored.library.papers.map((p) => p.key), original.papers.map((p) => p.key));
    for (const query of ['lottery', 'quantization aware training', 'mixl', 'sage attention']) {
      assert.deepEqual(restored.library.search(query).map((h) => h.paper.key), original.search(query).map((h) => h.paper.key), query);
    }
    assert.deepEqual(restored.library.problems, original.problems);
  });

  it('restores the citation keys in the order it saved, and sorts them itself when the saved order is not theirs', () => {
    const builder = seededBuilder();
    const original = builder.build().library;
    const snapshot = roundTrip(builder.toSnapshot());
    const order = snapshot.index.keyOrder;
    assert.equal(order?.length, original.papers.length, 'the index saves its key order');
    const prefixes = [...'abcdefghijklmnopqrstuvwxyz', 'lo', 'ldp', 'qu'];
    const keysFor = (library: typeof original) => prefixes.map((prefix) => library.completions(prefix, 1000).map((p) => p.key));
    const expected = keysFor(original);
    assert.ok(expected.flat().length >= original.papers.length, 'every key is listed under some prefix (the control)');
    assert.deepEqual(keysFor(new LibraryBuilder(undefined, snapshot).build().library), expected);
    for (const wrong of [order!.slice().reverse(), order!.slice(1)]) {
      const restored = new LibraryBuilder(undefined, { ...snapshot, index: { ...snapshot.index, keyOrder: wrong } }).build().library;
      assert.deepEqual(keysFor(restored), expected);
    }
  });

  it('restores a saved index that indexes a paper its papers lack: never answers with it, and takes it back when its digest does', () => {
    const builder = seededBuilder();
    const original = builder.build().library;
    const saved = roundTrip(builder.toSnapshot());
    const gone = saved.papers.findIndex((p) => p.shortName === 'LD-Pruner');
    assert.equal(original.search('LD-Pruner')[0]?.paper.shortName, 'LD-Pruner', 'found by its name before (the control)');
    const without = { ...saved, papers: saved.papers.filter((_, i) => i !== gone), derived: saved.derived.filter((_, i) => i !== gone) };
    const restored = new LibraryBuilder(undefined, without);
    const library = restored.build().library;
    assert.ok(library.search('LD-Pruner').every((h) => library.paper(h.paper.key) === h.paper && h.paper.shortName !== 'LD-Pruner'));
    restored.setDigest(SEED_PATH, parseDigest(readSeed(), SEED_PATH));
    restored.setDigest('hf.json', parseDigest(readFixture('hf-daily-papers-sample.json'), 'hf.json'));
    assert.equal(restored.build().library.search('LD-Pruner')[0]?.paper.shortName, 'LD-Pruner');
  });

  it('restores each paper at its own slot after edits moved slots, and by id when the papers come in another order', () => {
    const builder = seededBuilder();
    builder.build();
    const edited = readSeed().replace('LD-Pruner: Efficient Pruning of Latent Diffusion Models', 'LD-Pruner: Efficient Pruning of Latent Diffusion Models (v2)');
    builder.setDigest(SEED_PATH, parseDigest(edited, SEED_PATH));
    const library = builder.build().library;
    const saved = roundTrip(builder.toSnapshot());
    const slots = saved.index.paperSlots!;
    assert.ok(slots.some((slot, i) => slot !== i), 'the edit moved a paper to a new slot (the control)');
    const answers = (lib: typeof library) => ['v2', 'pruning diffusion', 'ldpruner', 'quantization', 'lora'].map((q) => lib.search(q, { limit: 20 }).map((h) => `${h.paper.key} ${h.score.toFixed(6)}`));
    assert.deepEqual(answers(new LibraryBuilder(undefined, saved).build().library), answers(library));
    const reversed = { ...saved, papers: [...saved.papers].reverse(), derived: [...saved.derived].reverse() };
    const fromReversed = new LibraryBuilder(undefined, reversed).build().library;
    assert.deepEqual(answers(fromReversed), answers(library));
    assert.ok(fromReversed.search('v2', { limit: 5 }).every((h) => h.paper.title.includes('(v2)') || !h.paper.title.includes('LD-Pruner')));
  });

  it('takes up the text a first build indexed ahead, while names were derived elsewhere, and drops it when a digest changes meanwhile', () => {
    const plain = seededBuilder();
    const library = plain.build().library;
    const ahead = seededBuilder();
    const texts = ahead.underived();
    const step = ahead.textIndexingAhead()!;
    let steps = 0;
    while (step(20)) steps++;
    assert.ok(steps >= 3, `indexed in steps (${steps})`);
    ahead.deriveNow(texts);
    const built = ahead.build();
    assert.deepEqual(built.counts, { added: 72, removed: 0, updated: 0 });
    assert.deepEqual(ahead.toSnapshot().index, plain.toSnapshot().index, 'the same index as a build that indexed everything itself');
    assert.equal(built.library.search('ldpruner')[0]?.paper.key, library.search('ldpruner')[0]?.paper.key);
    assert.equal(ahead.textIndexingAhead(), undefined, 'nothing to index ahead once built');

    // A digest set after the text was indexed ahead: the build merges other papers and indexes them itself.
    const changed = seededBuilder();
    changed.underived();
    const early = changed.textIndexingAhead()!;
    while (early(50));
    const edited = readSeed().replace('LD-Pruner: Efficient Pruning of Latent Diffusion Models', 'LD-Pruner: Efficient Pruning of Latent Diffusion Models (v2)');
    changed.setDigest(SEED_PATH, parseDigest(edited, SEED_PATH));
    assert.equal(early(50), false, 'the step stops');
    const rebuilt = changed.build().library;
    assert.ok(rebuilt.search('v2')[0]?.paper.title.includes('(v2)'), 'the edited title is indexed');
    const reference = seededBuilder();
    reference.setDigest(SEED_PATH, parseDigest(edited, SEED_PATH));
    reference.build();
    assert.deepEqual(changed.toSnapshot().index, reference.toSnapshot().index);
  });

  it('lets go of the saved index\'s bytes when asked, answering and saving as before', () => {
    const builder = seededBuilder();
    builder.build();
    const bytes = encodeSnapshot(builder.toSnapshot());
    const queries = ['pruning diffusion', 'quantization', 'ldpruner', 'lora adapters'];
    const answers = (library: ReturnType<LibraryBuilder['build']>['library']) => queries.map((q) => library.search(q, { limit: 10 }).map((h) => h.paper.key));
    const expected = answers(builder.build().library);

    // The control: a restored library reads its search index from the saved bytes.
    const held = bytes.slice();
    const withBytes = new LibraryBuilder(undefined, decodeSnapshot(held));
    const heldLibrary = withBytes.build().library;
    assert.deepEqual(answers(heldLibrary), expected);
    held.fill(0);
    assert.notDeepEqual(answers(heldLibrary), expected, 'zeroing the bytes changes its answers');

    const own = bytes.slice();
    const released = new LibraryBuilder(undefined, decodeSnapshot(own));
    const library = released.build().library;
    released.releaseSnapshot();
    own.fill(0);
    assert.deepEqual(answers(library), expected, 'the same answers with the bytes gone');
    assert.deepEqual(roundTrip(released.toSnapshot()).derived, roundTrip(builder.toSnapshot()).derived, 'and the same names and techniques saved');
  });

  it('keeps working incrementally after a restore', () => {
    const builder = seededBuilder();
    builder.build();
    const restored = new LibraryBuilder(undefined, roundTrip(builder.toSnapshot()));
    restored.build();
    // The extension gives a restored builder its parsed digests back; here all but one.
    restored.setDigest(SEED_PATH, parseDigest(readSeed(), SEED_PATH));
    const { library, counts } = restored.build();
    assert.equal(counts.removed, 25);
    assert.deepEqual(library.search('SageAttention'), []);
    assert.equal(library.search('lottery')[0]?.paper.key, 'lotteryticket2018');
  });
});

describe('a restored library searching before it has its papers', () => {
  it('answers as the library it saved, reading only the papers it shows, and builds with those very papers', () => {
    const builder = new LibraryBuilder();
    builder.setDigest(SEED_PATH, parseDigest(readSeed(), SEED_PATH));
    builder.setDigest('hf.json', parseDigest(hfDigest(700), 'hf.json'));
    const original = builder.build().library;
    const decoded = roundTrip(builder.toSnapshot());
    const lazy = decoded.lazyPapers!;
    assert.ok(lazy, 'a decoded snapshot gives its papers one at a time');
    const asked = new Set<number>();
    let papersRead = 0;
    // The decoded snapshot, watched: which papers the search reads, and whether it reads them all.
    const watched: LibrarySnapshot = {
      format: 3,
      problems: decoded.problems,
      index: decoded.index,
      get papers() {
        papersRead++;
        return decoded.papers;
      },
      get derived() {
        return decoded.derived;
      },
      lazyPapers: { count: lazy.count, at: (place) => (asked.add(place), lazy.at(place)), paths: () => lazy.paths() },
    };
    const restored = LibraryBuilder.restore(watched);
    const search = restored.restoredSearch()!;
    const queries = ['lottery', 'quantization aware training', 'mixl', 'ldpruner', 'LD-Pruner', 'sage attention', 'part 3', 'lora year:2024', '#quantization', 'author:song', '"latent diffusion"', 'diffusion -pruning', 'digest:hf diffusion', 'digest:nosuch diffusion'];
    const answers = (find: (query: string) => SearchHit[]) => queries.map((q) => find(q).map((h) => `${h.paper.key} ${h.score.toFixed(6)} ${h.matchedTerms.join(',')}`));
    const expected = answers((q) => original.search(q));
    assert.ok(expected.every((hits) => hits.length > 0), 'every query finds papers (the control)');
    const early = new Map<string, SearchHit[]>();
    for (const q of queries) {
      early.set(q, search(q));
      // Words alone read only the papers shown, 50 at most a query (filters read the papers they test).
      if (q === 'part 3') assert.ok(asked.size <= early.size * 50 && asked.size < lazy.count / 2, `words alone read ${asked.size} of ${lazy.count} papers`);
    }
    assert.deepEqual(answers((q) => early.get(q)!), expected);
    assert.equal(papersRead, 0, 'no query decoded every paper');

    const library = restored.build().library;
    assert.equal(papersRead, 1, 'the build takes the papers');
    assert.deepEqual(answers((q) => library.search(q)), expected);
    const shown = early.get('lottery')![0]!.paper;
    assert.equal(library.paper(shown.key), shown, 'a paper a search read early is the library\'s own object, not a second copy');
  });
  it('answers as the built library on real libraries written by others (d2l.bib, TMwR.bib, 3,071 Hugging Face papers)', function () {
    if (!hasCorpus('d2l.bib') || !hasCorpus('tmwr/TMwR.bib') || !hasCorpus('hf-daily-papers-dev.json')) this.skip();
    const builder = new LibraryBuilder();
    for (const name of ['d2l.bib', 'tmwr/TMwR.bib', 'hf-daily-papers-dev.json']) builder.setDigest(`/w/${name}`, parseDigest(readFileSync(corpusPath(name), 'utf8'), `/w/${name}`));
    const original = builder.build().library;
    const restored = LibraryBuilder.restore(roundTrip(builder.toSnapshot()));
    const search = restored.restoredSearch()!;
    const keys = original.papers.filter((_, i) => i % 400 === 0).map((p) => p.key);
    const queries = ['attention is all you need', 'resnet', 'lora', 'diffusion year:2024', 'author:vaswani', '"language model"', 'transformer -vision', 'tidymodels', 'mixt', ...keys, ...keys.map((k) => k.slice(0, 4))];
    const answers = (find: (query: string) => SearchHit[]) => queries.map((q) => find(q).map((h) => `${h.paper.key} ${h.score.toFixed(6)}`));
    const expected = answers((q) => original.search(q));
    assert.ok(expected.filter((hits) => hits.length > 0).length >= queries.length - 1, 'the queries find papers (the control)');
    assert.deepEqual(answers(search), expected);
    const library = restored.build().library;
    assert.deepEqual(answers((q) => library.search(q)), expected);
  });
});

describe('saving a restored library', () => {
  it('saves the names and techniques it was restored with, classifying no paper again until a digest changes', () => {
    const builder = seededBuilder();
    builder.build();
    const saved = roundTrip(builder.toSnapshot());
    let classified = 0;
    const counting = new (class extends Taxonomy {
      override classify(...args: Parameters<Taxonomy['classify']>): string[] {
        classified++;
        return super.classify(...args);
      }
    })(defaultTaxonomyData as TaxonomyData);
    const restored = LibraryBuilder.restore(saved, counting);
    restored.build();
    assert.deepEqual(roundTrip(restored.toSnapshot()).derived, saved.derived);
    assert.equal(classified, 0);
    // The control: a changed digest is read and its papers classified.
    restored.setDigest('hf.json', parseDigest(readFixture('hf-daily-papers-sample.json').replace('Large Language Models', 'Small Language Models'), 'hf.json'));
    restored.setDigest(SEED_PATH, parseDigest(readSeed(), SEED_PATH));
    restored.build();
    assert.ok(classified > 0);
  });
});

describe('a saved index that proves itself', () => {
  it('refuses every single flipped bit and every cut, instead of decoding a different library (the papers\' chunks when they are read)', () => {
    const builder = seededBuilder();
    builder.build();
    const bytes = (encodeSnapshot(builder.toSnapshot()));
    // Positive control: the untouched bytes decode.
    assert.equal((decodeSnapshot(bytes))?.papers.length, 72);
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 400; n++) {
      const flipped = bytes.slice();
      const at = Math.floor(random() * bytes.length);
      flipped[at]! ^= 1 << Math.floor(random() * 8);
      let decoded: LibrarySnapshot | undefined;
      try {
        decoded = decodeSnapshot(flipped);
        // The papers are checked a chunk at a time as they are read (a restore searches first).
        if (decoded) assert.ok(decoded.papers.length + decoded.derived.length >= 0);
      } catch (error) {
        assert.ok(error instanceof SnapshotError, `byte ${at}: ${String(error)}`);
        continue;
      }
      // Only a flip in the format's magic word may say "another format" (undefined): never a library.
      assert.equal(decoded, undefined, `byte ${at} decoded into a library`);
      assert.ok(at < 4, `byte ${at}`);
    }
    for (const length of [bytes.length - 1, bytes.length - 4, Math.floor(bytes.length / 2), 13]) {
      assert.throws(() => (decodeSnapshot(bytes.subarray(0, length))), SnapshotError);
    }
  });
});
