import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMPLETION_INSIDE, COMPLETION_START, completionNames, matchQuality } from '../../src/core/completionMatch';
import { parseDigest } from '../../src/core/digest';
import { Library, LibraryBuilder } from '../../src/core/library';
import { newestFirst } from '../../src/core/model';
import { parseQuery } from '../../src/core/searchQuery';
import { asciiFold } from '../../src/core/text';
import { SEED_PATH, corpusPath, hasCorpus, readFixture, readSeed } from './fixtures';

describe('query syntax', () => {
  it('reads phrases, exclusions, authors, years, techniques and digests, and the rest as words', () => {
    const q = parseQuery('"lottery ticket" pruning -lora author:Frankle year:2019..2021 #quant technique:moe digest:seed');
    assert.deepEqual(q.words, ['lottery', 'ticket', 'pruning']);
    assert.deepEqual(q.phrases, ['lottery ticket']);
    assert.deepEqual(q.excluded, ['lora']);
    assert.deepEqual(q.authors, ['frankle']);
    assert.deepEqual(q.years, { from: 2019, to: 2021 });
    assert.deepEqual(q.techniques, ['quant', 'moe']);
    assert.deepEqual(q.digests, ['seed']);
    assert.equal(q.endsInWord, false);
    assert.deepEqual(parseQuery('year:2024').years, { from: 2024, to: 2024 });
    assert.deepEqual(parseQuery('year:2023..').years, { from: 2023, to: 9999 });
    assert.deepEqual(parseQuery('year:..2020').years, { from: 0, to: 2020 });
  });

  it('treats wrong syntax as words, never as an error', () => {
    assert.deepEqual(parseQuery('year:soon').words, ['year:soon']);
    assert.deepEqual(parseQuery('year:2025..2020').words, ['year:2025..2020']);
    assert.deepEqual(parseQuery('"unclosed quote').words, ['unclosed', 'quote']);
    assert.deepEqual(parseQuery('- # :').words, ['-', '#', ':']);
    assert.equal(parseQuery('lottery tick').endsInWord, true, 'the last word is being typed');
    assert.equal(parseQuery('lottery ').endsInWord, false, 'a space ends it');
  });
});

describe('search with the query syntax', () => {
  const library = Library.fromDigests([
    { path: SEED_PATH, text: readSeed() },
    { path: '/notes/hf-sample.json', text: readFixture('hf-daily-papers-sample.json') },
  ]);
  const titles = (query: string) => library.search(query, { limit: 200 }).map((h) => h.paper.title);

  it('keeps only papers with a quoted phrase as written', () => {
    const found = titles('"sparse attention"');
    assert.ok(found.length >= 2, found.join('\n'));
    for (const key of library.search('"sparse attention"', { limit: 200 }).map((h) => h.paper)) {
      assert.match(`${key.title} ${key.abstract}`.toLowerCase().replace(/[^a-z0-9]+/g, ' '), /sparse attention/);
    }
    // The control: the same words unquoted also find papers that have them apart.
    assert.ok(titles('sparse attention').length > found.length);
  });

  it('leaves out papers with an excluded word', () => {
    const all = library.search('quantization', { limit: 200 }).map((h) => h.paper);
    const withoutLlm = library.search('quantization -diffusion', { limit: 200 }).map((h) => h.paper);
    assert.ok(all.some((p) => /diffusion/i.test(`${p.title} ${p.abstract}`)), 'the control: some quantization papers speak of diffusion');
    assert.ok(withoutLlm.length > 0 && withoutLlm.length < all.length);
    assert.ok(withoutLlm.every((p) => !/\bdiffusion\b/i.test(`${p.title} ${p.abstract}`)));
  });

  it('filters by author, year, technique and digest; with no words, newest first', () => {
    const byZhang = library.search('author:zhang', { limit: 50 }).map((h) => h.paper);
    assert.ok(byZhang.length >= 2 && byZhang.every((p) => p.authors.some((a) => /zhang/i.test(a))));
    assert.ok(byZhang.every((p, i) => i === 0 || (byZhang[i - 1]!.date ?? '') >= (p.date ?? '')), 'newest first');
    const in2025 = library.search('attention year:2025', { limit: 50 }).map((h) => h.paper);
    assert.ok(in2025.length && in2025.every((p) => p.date?.startsWith('2025')));
    const range = library.search('year:2024..2025', { limit: 500 }).map((h) => h.paper);
    assert.ok(range.length && range.every((p) => /^202[45]/.test(p.date ?? '')));
    const lora = library.search('#lora', { limit: 200 }).map((h) => h.paper);
    assert.ok(lora.length >= 2 && lora.every((p) => p.techniques.includes('lora')));
    assert.deepEqual(library.search('technique:lora', { limit: 200 }).map((h) => h.paper.key), lora.map((p) => p.key));
    const kv = library.search('#kv', { limit: 200 }).map((h) => h.paper);
    assert.ok(kv.length && kv.every((p) => p.techniques.includes('kv-cache')), 'a technique by the start of its name');
    const fromSample = library.search('quantization digest:hf-sample', { limit: 200 }).map((h) => h.paper);
    assert.ok(fromSample.length && fromSample.every((p) => p.sources.some((s) => s.path.endsWith('hf-sample.json'))));
  });

  it('reads a technique or digest filter that names nothing known as words', () => {
    assert.deepEqual(titles('#lottery'), titles('lottery'));
    assert.deepEqual(titles('digest:lottery'), titles('lottery'));
  });
});

describe('@ completion', () => {
  const library = Library.fromDigests([
    { path: SEED_PATH, text: readSeed() },
    { path: 'hf-sample.json', text: readFixture('hf-daily-papers-sample.json') },
  ]);

  it('matches inside names and keys ("lora" → IncreLoRA, MixLoRA) and title words ("quant" → EfficientQAT)', () => {
    const lora = library.completions('lora', 20).map((p) => p.shortName);
    for (const name of ['IncreLoRA', 'MixLoRA']) assert.ok(lora.includes(name), lora.join(', '));
    const quant = library.completions('quant', 50).map((p) => p.shortName);
    assert.ok(quant.includes('EfficientQAT'), quant.join(', '));
  });

  it('orders by how well the key or name matches, then newest first', () => {
    const found = library.completions('increlora', 10);
    assert.equal(found[0]?.shortName, 'IncreLoRA', 'the name typed whole comes first');
    const starts = library.completions('sage', 10).map((p) => p.shortName);
    assert.deepEqual(starts.slice(0, 2), ['SageAttention2', 'SageAttention'], 'both start so: the newer first');
  });

  /**
   * The order by definition, over every paper: how well the key or a name matches
   * (matchQuality), then newest first. The papers a list must begin with are those that match
   * as a start or better; from three letters on, also inside at a boundary ("lora" in IncreLoRA).
   */
  function definedFirst(newest: ReturnType<typeof completionNames>[], prefix: string): string[] {
    const typed = prefix.toLowerCase();
    const folded = asciiFold(prefix);
    const worst = folded.length >= 3 ? COMPLETION_INSIDE : COMPLETION_START;
    return newest
      .map((entry) => ({ entry, quality: matchQuality(entry, typed, folded) }))
      .filter((m) => m.quality <= worst)
      .sort((a, b) => a.quality - b.quality)
      .map((m) => m.entry.paper.key);
  }

  function prefixesOf(library: Library, every: number): string[] {
    const prefixes = new Set(['a', 'x', 'Zh', 'é', 'lora', 'LoRA', 'quant', 'mer', 'ing', '-', '2024', 'Ü']);
    library.papers.forEach((p, i) => {
      if (i % every) return;
      for (const s of [p.key, p.shortName ?? '', ...p.title.split(/\s+/).slice(0, 2)]) for (let n = 1; n <= Math.min(6, s.length); n++) prefixes.add(s.slice(0, n));
      if (p.shortName && p.shortName.length > 4) prefixes.add(p.shortName.slice(2, 6)); // inside a name
    });
    return [...prefixes];
  }

  function checkAgainstDefinition(library: Library, every: number): number {
    const newest = [...library.papers].sort(newestFirst).map(completionNames);
    let checked = 0;
    for (const prefix of prefixesOf(library, every)) {
      const defined = definedFirst(newest, prefix);
      for (const limit of [100, 10, 3]) {
        const wanted = defined.slice(0, limit);
        const got = library.completions(prefix, limit).map((p) => p.key);
        assert.deepEqual(got.slice(0, wanted.length), wanted, `"${prefix}", ${limit} at most`);
        assert.ok(got.length <= limit);
        checked++;
      }
    }
    return checked;
  }

  it('begins every list with the keys and names that match best, newest first, as the order is defined over every paper', () => {
    assert.ok(checkAgainstDefinition(library, 3) > 500);
  });

  it('answers after an edit as the same library with its index made afresh would, with the edited papers', () => {
    type HfObject = { paper: { title: string; summary: string; publishedAt: string } };
    const original = JSON.parse(readFixture('hf-daily-papers-sample.json')) as HfObject[];
    // Two builders through the same edits, as the engine's loader builds: the same keys and
    // papers; one library succeeds the one before (its completion index kept when it can be), the other not.
    const inheriting = new LibraryBuilder();
    const afresh = new LibraryBuilder();
    const build = (builder: LibraryBuilder, edit: (objects: HfObject[]) => void) => {
      const objects = structuredClone(original);
      edit(objects);
      builder.setDigest('hf.json', parseDigest(JSON.stringify(objects), 'hf.json'));
      return builder.build().library;
    };
    let previous = build(inheriting, () => undefined);
    build(afresh, () => undefined);
    const prefixes = prefixesOf(previous, 1);
    const asked = (library: Library) => prefixes.map((prefix) => library.completions(prefix, 10).map((p) => p.key).join(' '));
    const before = asked(previous); // its index made, for the next library to inherit
    const edits: Array<[string, (objects: HfObject[]) => void]> = [
      ['an abstract edited', (o) => (o[3]!.paper.summary += ' Revised.')],
      ['a date changed (the order with it)', (o) => (o[20]!.paper.publishedAt = '1990-01-01T00:00:00.000Z')],
      ['a title, and the name with it, changed', (o) => (o[5]!.paper.title = `Zyxwise: ${o[5]!.paper.title}`)],
      ['a paper removed', (o) => o.splice(7, 1)],
    ];
    // Each edit on top of those before.
    edits.forEach(([what], n) => {
      const upTo = (objects: HfObject[]) => edits.slice(0, n + 1).forEach(([, edit]) => edit(objects));
      const edited = build(inheriting, upTo);
      edited.succeed(previous);
      assert.deepEqual(asked(edited), asked(build(afresh, upTo)), what);
      for (const prefix of prefixes) for (const paper of edited.completions(prefix, 10)) assert.equal(paper, edited.paper(paper.key), `${what}: "${prefix}" gives the edited library's own paper`);
      previous = edited;
    });
    assert.notDeepEqual(asked(previous), before, 'control: the edits changed some answers');
    assert.ok(previous.completions('zyxw', 10).some((p) => p.shortName === 'Zyxwise'), 'the new name is found');
    assert.ok(checkAgainstDefinition(previous, 1) > 100, 'the last library, edited four times, answers as defined');
  });

  it('does so on real libraries written by others (3,071 Hugging Face papers, d2l.bib, TMwR.bib)', function () {
    if (!hasCorpus('hf-daily-papers-dev.json') || !hasCorpus('d2l.bib') || !hasCorpus('tmwr/TMwR.bib')) this.skip();
    this.timeout(120000);
    const real = Library.fromDigests(['hf-daily-papers-dev.json', 'd2l.bib', 'tmwr/TMwR.bib'].map((name) => ({ path: name, text: readFileSync(corpusPath(name), 'utf8') })));
    assert.ok(checkAgainstDefinition(real, 11) > 3000);
  });
});

