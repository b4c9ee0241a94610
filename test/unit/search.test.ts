import assert from 'node:assert/strict';
import { Library, LibraryBuilder } from '../../src/core/library';
import { newPaper } from '../../src/core/model';
import { parseDigest } from '../../src/core/digest';
import { SEED_PATH, readSeed } from './fixtures';

/** A library of one Hugging Face JSON digest of these papers: [arXiv id, title, abstract] each. */
function hfLibrary(path: string, papers: Array<[string, string, string]>): Library {
  return Library.fromDigests([{ path, text: JSON.stringify(papers.map(([id, title, summary]) => ({ paper: { id, title, summary } }))) }]);
}

describe('search', () => {
  const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);
  const top = (query: string, prefix = true) => library.search(query, { prefix })[0]?.paper.title ?? '';

  it('finds a paper first by a word of its name ("lottery")', () => {
    assert.match(top('lottery'), /^The Lottery Ticket Hypothesis/);
  });

  it('finds EfficientQAT first for "quantization aware training"', () => {
    assert.match(top('quantization aware training'), /^EfficientQAT/);
  });

  it('finds a paper first by its key or its short name, with or without punctuation', () => {
    assert.match(top('ldpruner2024'), /^LD-Pruner/);
    assert.match(top('LD-Pruner'), /^LD-Pruner/);
    assert.match(top('ldpruner'), /^LD-Pruner/);
    assert.match(top('GENRE'), /^Autoregressive Entity Retrieval/);
  });

  it('matches the word being typed as a prefix', () => {
    assert.match(top('mixl'), /^MixLoRA/);
    assert.match(top('increl'), /^IncreLoRA/);
    // Not typing (the CLI without --typing), a word that is no word of the library is still a start: "prun" means pruning.
    assert.match(top('mixl', false), /^MixLoRA/);
    assert.ok(library.search('prun', { prefix: false }).some((h) => /prun/i.test(h.paper.title)));
  });

  it('matches other forms of a word, below the word itself ("distil" → distillation, "quantized" → quantization)', () => {
    const distil = library.search('distil', { prefix: false }).map((h) => h.paper.title);
    assert.ok(distil.length && distil.slice(0, 3).every((t) => /distill/i.test(t)), distil.join('\n'));
    const forms = hfLibrary('forms.json', [
      ['2401.00001', 'Quantization of language models', 'We study quantization.'],
      ['2401.00002', 'Quantized language models', 'Models that are quantized.'],
    ]);
    assert.deepEqual(forms.search('quantized', { prefix: false }).map((h) => h.paper.title), ['Quantized language models', 'Quantization of language models']);
  });

  it('highlights, in a search of names and titles only, words the title has and not the abstract\'s', () => {
    const library = hfLibrary('scope.json', [
      ['2401.00021', 'Diffusion models for images', 'Different from prior work, we denoise.'],
      ['2401.00022', 'Different views of data', 'We compare views.'],
    ]);
    const matched = (scope: 'all' | 'names') => library.search('dif', { scope }).find((h) => h.paper.title.startsWith('Diffusion'))?.matchedTerms ?? [];
    assert.ok(matched('names').includes('diffusion'), matched('names').join());
    assert.ok(!matched('names').includes('different'), matched('names').join());
    // The control: searched whole, the abstract's word is one the paper matched.
    assert.ok(matched('all').includes('different'), matched('all').join());
  });

  it('puts papers with every query word first, however often another paper repeats one of them', () => {
    const words = hfLibrary('and.json', [
      ['2401.00011', 'Cache cache cache', 'Cache eviction, cache hits, cache misses, cache everything: cache.'],
      ['2401.00012', 'A study of memory', 'We compress the key value cache of long prompts.'],
    ]);
    assert.equal(words.search('compress cache', { prefix: false })[0]?.paper.title, 'A study of memory');
    // The control: one word alone ranks the paper that is all about it first.
    assert.equal(words.search('cache', { prefix: false })[0]?.paper.title, 'Cache cache cache');
  });

  it('searches names by their first two letters only where those start few papers\' names', () => {
    // "Lo" starts every name here: LoAaNet, LoAbNet, …, named in the abstracts (titles say nothing "lo…").
    const letters = (i: number) => String.fromCharCode(97 + Math.floor(i / 26) % 26, 97 + (i % 26));
    const papers = (n: number) => Array.from({ length: n }, (_, i) => {
      const name = `Lo${letters(i).toUpperCase()[0]}${letters(i)[1]}Net`;
      return newPaper(`A study of model number ${i}`, { path: 'names.md', line: i }, { date: '2024-01-01', upvotes: 0, abstract: `We propose ${name}, a model.` });
    });
    const builder = new LibraryBuilder();
    const nameFound = (library: Library) => {
      const target = library.papers.find((p) => p.title === 'A study of model number 0')!;
      assert.equal(target.shortName, 'LoAaNet');
      return library.search('lo', { limit: 1000 }).some((h) => h.paper === target && h.matchedTerms.includes('loaanet'));
    };
    // A few hundred named papers: two letters find them by name.
    builder.setDigest('names.md', { papers: papers(300), problems: [] });
    assert.equal(nameFound(builder.build().library), true);
    // Thousands would be scored for two letters: the names wait for a third (the counts follow each change).
    builder.setDigest('names.md', { papers: papers(301), problems: [] });
    assert.equal(nameFound(builder.build().library), false);
    assert.equal(builder.build().library.search('loa', { limit: 1000 }).some((h) => h.matchedTerms.includes('loaanet')), true);
    builder.setDigest('names.md', { papers: papers(290), problems: [] });
    assert.equal(nameFound(builder.build().library), true);
  });

  it('finds papers by name, key and words after most were removed and the index rebuilt without them, and never a removed one', () => {
    const builder = new LibraryBuilder();
    const seed = parseDigest(readSeed(), SEED_PATH);
    builder.setDigest(SEED_PATH, seed);
    const before = builder.build().library;
    const queries = ['LD-Pruner', 'mixl', 'ldpruner2024', 'quantization aware training', 'lottery'];
    const answers = (library: Library) => queries.map((q) => library.search(q, { limit: 3 }).map((h) => h.paper.key));
    // Keep a third of the papers, those the queries find among them: the rest go, and the index is rebuilt without them.
    const wanted = new Set(answers(before).flat());
    const kept = seed.papers.filter((p, i) => i % 3 === 0 || wanted.has(before.papers.find((q) => q.title === p.title)?.key ?? ''));
    assert.ok(kept.length < seed.papers.length * 0.7, 'more than 30% removed (the control: the index is compacted)');
    builder.setDigest(SEED_PATH, { papers: kept, problems: [] });
    const after = builder.build().library;
    const fresh = Library.fromResults([{ papers: kept, problems: [] }]);
    assert.deepEqual(answers(after), answers(fresh), 'as a library built from those papers alone');
    // Then the named paper goes too: its name finds nothing more.
    builder.setDigest(SEED_PATH, { papers: kept.filter((p) => !p.title.startsWith('LD-Pruner')), problems: [] });
    assert.ok(!builder.build().library.search('LD-Pruner').some((h) => h.paper.title.startsWith('LD-Pruner')));
  });

  it('tolerates a typo in a long word ("quantizaton")', () => {
    const titles = library.search('quantizaton').map((h) => h.paper.title);
    assert.ok(titles.slice(0, 5).some((t) => t.startsWith('EfficientQAT')), titles.join('\n'));
    assert.ok(titles.slice(0, 5).some((t) => t.startsWith('Understanding the Impact of Post-Training Quantization')), titles.join('\n'));
  });

  it('finds papers by technique', () => {
    const titles = library.search('mixture of experts', { prefix: false }).slice(0, 4).map((h) => h.paper.title);
    assert.ok(titles.some((t) => t.startsWith('SlimMoE')), titles.join('\n'));
    assert.ok(titles.some((t) => t.startsWith('MixLoRA')), titles.join('\n'));
  });

  it('returns nothing for an empty query and respects the limit', () => {
    assert.deepEqual(library.search('   '), []);
    assert.equal(library.search('model', { limit: 3 }).length, 3);
  });

  it('says which query words matched, for highlighting', () => {
    const hit = library.search('pruning diffusion')[0]!;
    assert.ok(hit.queryTerms.includes('pruning') && hit.queryTerms.includes('diffusion'));
    assert.ok(hit.score > 0);
  });
});
