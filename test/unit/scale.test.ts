import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { parseDigest } from '../../src/core/digest';
import { Library } from '../../src/core/library';
import { TermIndex, editDistance } from '../../src/core/termIndex';
import { tokenize } from '../../src/core/words';
import { corpusPath, hasCorpus, hfSample } from './fixtures';

describe('the pieces that make 50,000 papers fast', () => {
  it('term index: counts each term once a document, with how often it occurs there (at most 255)', () => {
    const index = new TermIndex();
    index.add('lora lora merging lora');
    index.add('merging models, merging weights');
    index.add(`${'lora '.repeat(300)}end`);
    const { terms, ends, postings } = index.serialize();
    const postingsOf = (term: string) => {
      const id = terms.indexOf(term);
      return [...postings.subarray(id === 0 ? 0 : ends[id - 1]!, ends[id]!)].map((p) => [p >>> 8, p & 255]);
    };
    assert.deepEqual(terms, ['lora', 'merging', 'models', 'weights', 'end'], 'each term once, in the order first seen');
    assert.deepEqual(postingsOf('lora'), [[0, 3], [2, 255]]);
    assert.deepEqual(postingsOf('merging'), [[0, 1], [1, 2]]);
    assert.deepEqual(postingsOf('weights'), [[1, 1]]);
  });

  it('term index: exact, prefix and near terms, BM25 scores, removal', () => {
    const index = new TermIndex();
    const a = index.add('Quantization aware training of large language models');
    const b = index.add('Pruning large models: quantized weights and sparse attention');
    index.add('Nothing relevant here at all');
    assert.ok(index.has('quantization'));
    assert.deepEqual(index.termsWithPrefix('quant', 10).sort(), ['quantization', 'quantized']);
    assert.deepEqual(index.termsNear('quantizaton', 1, 5), ['quantization']);
    const scores = new Float64Array(8);
    const touched: number[] = [];
    const masks = new Uint32Array(8);
    index.score([{ term: 'large', query: 'large', weight: 1, bit: 2 }], 1, scores, touched, masks);
    assert.deepEqual(touched.sort(), [a, b]);
    assert.ok(scores[a]! > 0 && scores[b]! > 0);
    assert.equal(masks[a], 2, 'the query word is marked as found in the paper');
    index.remove(a);
    const after = new Float64Array(8);
    index.score([{ term: 'large', query: 'large', weight: 1, bit: 1 }], 1, after, [], new Uint32Array(8));
    assert.equal(after[a], 0);
    assert.ok(after[b]! > 0);
  });

  it('term index survives serialisation', () => {
    const index = new TermIndex();
    index.add('alpha beta gamma');
    index.add('beta delta');
    const copy = TermIndex.deserialize(index.serialize());
    assert.equal(copy.documentFrequency('beta'), 2);
    assert.equal(copy.size, 2);
    copy.add('beta epsilon');
    assert.equal(copy.documentFrequency('beta'), 3);
  });

  it('term index: takes the words of real texts exactly as tokenize splits them (accents, other scripts, marks, stop words, a table that grows)', () => {
    const texts = hfSample().flatMap(({ paper }) => [paper.title, paper.summary, paper.authors.map((a) => a.name).join(', ')]);
    // Words whose hashes collide (FNV-1a): told apart by their letters.
    texts.push('costarring liquid liquid', 'declinate macallums altarage zinke', 'Ünïcode Straße naïve café — 大规模 语言模型 the OF and, Ελληνικά κείμενα; देवनागरी ज़; x\u0301y; 😀 emoji😀word', 'the of and');
    // Enough distinct words that the table grows several times.
    for (let i = 0; i < 3000; i++) texts.push(`term${i} w${i * 7919} ${String.fromCharCode(0x4e00 + i)}字`);
    if (hasCorpus('hf-daily-papers-dev.json')) {
      const objects = JSON.parse(readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8')) as { paper?: { summary?: string } }[];
      for (const o of objects.slice(0, 600)) if (o.paper?.summary) texts.push(o.paper.summary);
    }
    const index = new TermIndex();
    for (const text of texts) index.add(text);
    const { terms, ends, postings, lengths } = index.serialize();
    const counted = new Map<string, Map<number, number>>();
    texts.forEach((text, slot) => {
      const words = tokenize(text);
      assert.equal(lengths[slot], words.length, `the length of text ${slot}`);
      for (const word of words) {
        const bySlot = counted.get(word) ?? new Map<number, number>();
        counted.set(word, bySlot.set(slot, (bySlot.get(slot) ?? 0) + 1));
      }
    });
    assert.deepEqual(new Set(terms), new Set(counted.keys()), 'the same terms, no stop word among them');
    terms.forEach((term, id) => {
      const own = [...postings.subarray(id === 0 ? 0 : ends[id - 1]!, ends[id]!)].map((p) => [p >>> 8, p & 255]);
      assert.deepEqual(own, [...counted.get(term)!].map(([slot, n]) => [slot, Math.min(n, 255)]), `the postings of ${term}`);
      assert.equal(index.documentFrequency(term), own.length);
    });
    for (const stop of ['the', 'of', 'and']) assert.equal(index.has(stop), false);
    assert.equal(index.has('straße'), true);
    assert.equal(index.has('stras'), false);
    assert.deepEqual([index.documentFrequency('costarring'), index.documentFrequency('liquid'), index.documentFrequency('zinke')], [1, 1, 1]);
  });

  it('edit distance gives up past its bound', () => {
    assert.equal(editDistance('quantization', 'quantizaton', 2), 1);
    assert.equal(editDistance('kitten', 'sitting', 1), 2);
  });

  it('reads a JSON digest too large for one JSON.parse element by element, lines and broken entries included', () => {
    const objects = hfSample();
    const entries: string[] = [];
    for (let i = 0; entries.length < 1200; i++) {
      const o = JSON.parse(JSON.stringify(objects[i % objects.length])) as { paper: { id: string; title: string } };
      o.paper.id = `2401.${String(10000 + i)}`;
      o.paper.title = `${o.paper.title} (copy ${i})`;
      entries.push(JSON.stringify(o));
    }
    entries[600] = '{"paper": {"id": "broken", "title": "a trailing comma",}}';
    const text = `[\n${entries.join(',\n')}\n]`;
    assert.ok(text.length > 2_000_000, `${text.length} characters`);
    const { papers, problems } = parseDigest(text, 'big.json');
    assert.equal(papers.length, 1199);
    assert.equal(papers[1]!.source.line, 2);
    assert.equal(papers[700]!.source.line, 702);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.line, 601);
  });

  it('completes keys by prefix first, then names and title words', () => {
    const library = Library.fromDigests([{ path: 'hf.json', text: JSON.stringify(hfSample()) }]);
    // Hugging Face JSON names its authors: Scholar-style keys.
    assert.ok(library.paper('deep2024della'));
    assert.equal(library.completions('deep')[0]!.key, 'deep2024della');
    assert.match(library.completions('della')[0]!.title, /^DELLA-Merging/);
    assert.ok(library.completions('quantization').some((p) => p.title.startsWith('An Empirical Study of Qwen3 Quantization')));
    assert.equal(library.completions('').length, 25);
  });
});
