import assert from 'node:assert/strict';
import { parseDigest } from '../../src/core/digest';
import { Library } from '../../src/core/library';
import { TermIndex, editDistance } from '../../src/core/termIndex';
import { tokenize } from '../../src/core/words';
import { hfSample } from './fixtures';

describe('the pieces that make 50,000 papers fast', () => {
  it('term index: counts each term once a document, with how often it occurs there (at most 255)', () => {
    const index = new TermIndex(tokenize);
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
    const index = new TermIndex(tokenize);
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
    const index = new TermIndex(tokenize);
    index.add('alpha beta gamma');
    index.add('beta delta');
    const copy = TermIndex.deserialize(index.serialize(), tokenize);
    assert.equal(copy.documentFrequency('beta'), 2);
    assert.equal(copy.size, 2);
    copy.add('beta epsilon');
    assert.equal(copy.documentFrequency('beta'), 3);
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
