import assert from 'node:assert/strict';
import { Library } from '../../src/core/library';
import { SEED_PATH, readSeed } from './fixtures';

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
    assert.equal(library.search('mixl', { prefix: false }).length, 0);
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
