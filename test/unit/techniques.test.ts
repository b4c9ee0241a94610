import assert from 'node:assert/strict';
import { parseDigest } from '../../src/core/digest';
import { extractNames } from '../../src/core/names';
import { Taxonomy, defaultTaxonomy, taxonomyWithUserTechniques } from '../../src/core/techniques';
import { readFileSync } from 'node:fs';
import { SEED_PATH, corpusPath, hasCorpus, hfSample, readFixture, readSeed } from './fixtures';

interface Labelled {
  source: 'seed' | 'hf-sample';
  title: string;
  labels: string[];
}

/** A paper to classify and the techniques a reader gave it. */
export interface LabelledPaper {
  title: string;
  /** The paper's own names, as the library finds them. */
  names: string[];
  abstract: string;
  keywords: string[];
  labels: string[];
}

function labelledSet(): LabelledPaper[] {
  const seed = parseDigest(readSeed(), SEED_PATH).papers;
  const sample = hfSample().map((o) => ({ title: o.paper.title.replace(/\s+/g, ' ').trim(), abstract: o.paper.summary.replace(/\s+/g, ' ') }));
  const { papers } = JSON.parse(readFixture('techniques-labelled.json')) as { papers: Labelled[] };
  return papers.map((p) => {
    const found = (p.source === 'seed' ? seed : sample).find((x) => x.title === p.title);
    assert.ok(found, `labelled paper not in its source: ${p.title}`);
    return { title: p.title, abstract: found.abstract, names: ownNames(p.title, found.abstract), keywords: [], labels: p.labels };
  });
}

interface CorpusLabel {
  id: string;
  split: 'tune' | 'held-out';
  title: string;
  labels: string[];
}

/**
 * Papers of the real Hugging Face corpus labelled by hand (techniques-labelled-corpus.json),
 * read through our own parser as a user's digest would be; [] where the corpus is absent.
 */
export function corpusLabelledSet(split: CorpusLabel['split']): LabelledPaper[] {
  if (!hasCorpus(HF_CORPUS)) return [];
  const byId = new Map(parseDigest(readFileSync(corpusPath(HF_CORPUS), 'utf8'), HF_CORPUS).papers.map((p) => [p.arxivId, p]));
  const { papers } = JSON.parse(readFixture('techniques-labelled-corpus.json')) as { papers: CorpusLabel[] };
  return papers
    .filter((p) => p.split === split)
    .map((p) => {
      const paper = byId.get(p.id);
      assert.ok(paper, `labelled paper not in the corpus: ${p.id} ${p.title}`);
      return { title: paper.title, abstract: paper.abstract, names: ownNames(paper.title, paper.abstract), keywords: paper.keywords, labels: p.labels };
    });
}

const HF_CORPUS = 'hf-daily-papers-dev.json';

function ownNames(title: string, abstract: string): string[] {
  const { shortName, aliases } = extractNames(title, abstract);
  return shortName ? [shortName, ...aliases] : aliases;
}

/** Micro-averaged precision and recall of the classifier on labelled papers, per technique too. */
export function evaluate(papers: LabelledPaper[] = labelledSet(), taxonomy: Taxonomy = defaultTaxonomy) {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const errors: string[] = [];
  for (const paper of papers) {
    const predicted = new Set(taxonomy.classify(paper.title, paper.abstract, paper.keywords, paper.names));
    const expected = new Set(paper.labels);
    for (const t of taxonomy.techniques) {
      const c = counts.get(t.id) ?? { tp: 0, fp: 0, fn: 0 };
      if (predicted.has(t.id) && expected.has(t.id)) c.tp++;
      else if (predicted.has(t.id)) {
        c.fp++;
        errors.push(`+${t.id}: ${paper.title}`);
      } else if (expected.has(t.id)) {
        c.fn++;
        errors.push(`-${t.id}: ${paper.title}`);
      }
      counts.set(t.id, c);
    }
  }
  const total = [...counts.values()].reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  return {
    precision: total.tp / (total.tp + total.fp),
    recall: total.tp / (total.tp + total.fn),
    perTechnique: counts,
    errors,
  };
}

describe('techniques', () => {
  it('has every technique the taxonomy promises, each in a known category', () => {
    const ids = defaultTaxonomy.techniques.map((t) => t.id);
    for (const id of ['pruning', 'quantization', 'distillation', 'lora', 'peft', 'moe', 'nas', 'efficient-architecture', 'kv-cache', 'parameter-sharing', 'low-rank', 'model-merging', 'model-editing', 'scaling-laws', 'speculative-decoding', 'retrieval', 'diffusion', 'test-time-adaptation']) {
      assert.ok(ids.includes(id), id);
    }
    const categories = new Set(defaultTaxonomy.categories.map((c) => c.id));
    for (const t of defaultTaxonomy.techniques) assert.ok(categories.has(t.category), `${t.id} → ${t.category}`);
  });

  it('classifies the labelled set with precision ≥ 0.85 and recall ≥ 0.8', () => {
    const { precision, recall, errors } = evaluate();
    if (process.env.PAPER_DIGEST_EVAL) console.log({ precision, recall }, errors);
    assert.ok(precision >= 0.85, `precision ${precision.toFixed(3)}; errors:\n${errors.join('\n')}`);
    assert.ok(recall >= 0.8, `recall ${recall.toFixed(3)}; errors:\n${errors.join('\n')}`);
  });

  it('classifies hand-labelled real papers it was not tuned on (the corpus held-out split) no worse than measured', function () {
    const papers = corpusLabelledSet('held-out');
    if (!papers.length) return this.skip(); // ../shared/corpus is absent
    const { precision, recall, errors } = evaluate(papers);
    if (process.env.PAPER_DIGEST_EVAL) console.log({ precision, recall, papers: papers.length }, errors);
    // Measured 0.75 / 0.55 on these 100 papers (49 labels), labelled before the classifier was run on them; the goal
    // is 0.95 / 0.90. (The first held-out set, read while tuning and now part of 'tune', measured 0.91 / 0.77.)
    assert.ok(precision >= 0.72, `precision ${precision.toFixed(3)}`);
    assert.ok(recall >= 0.5, `recall ${recall.toFixed(3)}`);
  });

  it('counts self-distillation and step distillation as distillation, but not a "-R1-Distill-" model name', () => {
    const title = 'Compositional Alignment of Image-Text Encoders';
    assert.ok(defaultTaxonomy.classify(title, 'Encoders forget. We propose a self-distillation mechanism for the alignment process.').includes('distillation'));
    assert.ok(defaultTaxonomy.classify(title, 'Encoders forget. Our step-distillation makes inference four times faster.').includes('distillation'));
    const modelName = 'Encoders forget. We fine-tune DeepSeek-R1-Distill-Qwen-7B on our data. Our method uses DeepSeek-R1-Distill as its reasoner.';
    assert.ok(!defaultTaxonomy.classify(title, modelName).includes('distillation'));
  });

  it('takes one sentence in which the paper itself acts with the technique as its own, not one that only names it nearby', () => {
    const acts = 'Long videos are hard to generate. For efficient generation, we further distill it into a few-step student.';
    assert.ok(defaultTaxonomy.classify('Interactive World Modeling', acts).includes('distillation'));
    const far = 'Long videos are hard to generate. We study how the many released models behave when they were trained by distillation.';
    assert.ok(!defaultTaxonomy.classify('Interactive World Modeling', far).includes('distillation'));
  });

  it('takes the digest\'s keywords and a sentence about the paper\'s own name as evidence', () => {
    const abstract = 'Generating audio with video is hard. MOVA employs a Mixture-of-Experts architecture. Its MoE layers hold 32B parameters.';
    assert.ok(!defaultTaxonomy.classify('MOVA: Video-Audio Generation', abstract).includes('moe'));
    assert.ok(defaultTaxonomy.classify('MOVA: Video-Audio Generation', abstract, [], ['MOVA']).includes('moe'));
    const twoMentions = 'Generating audio with video is hard. The model uses a Mixture-of-Experts design. Its experts are routed per token (MoE).';
    assert.ok(!defaultTaxonomy.classify('Video-Audio Generation', twoMentions).includes('moe'));
    assert.ok(defaultTaxonomy.classify('Video-Audio Generation', twoMentions, ['Mixture-of-Experts (MoE)']).includes('moe'));
  });

  it('makes every lora paper a peft paper', () => {
    const t = defaultTaxonomy.classify('TinyLoRA: Low-Rank Adaptation with Fewer Ranks', 'We propose TinyLoRA, a low-rank adaptation method.');
    assert.deepEqual(t.filter((x) => x === 'lora' || x === 'peft').sort(), ['lora', 'peft']);
  });

  it('does not call a paper that uses pruning only as a baseline a pruning paper', () => {
    const abstract =
      'We propose HashNet, a parameter sharing scheme for compact networks. ' +
      'Compared with magnitude pruning baselines, HashNet keeps accuracy at 10x compression. ' +
      'Unlike pruning, our method needs no retraining.';
    const t = defaultTaxonomy.classify('HashNet: Compressing Networks with the Hashing Trick', abstract);
    assert.ok(t.includes('parameter-sharing'), t.join());
    assert.ok(!t.includes('pruning'), t.join());
  });

  it('decides from the title alone when the title names the technique', () => {
    assert.deepEqual(defaultTaxonomy.classify('Speculative Decoding with Big Little Decoders', ''), ['speculative-decoding']);
  });

  it('gives no technique to a paper outside the taxonomy', () => {
    assert.deepEqual(defaultTaxonomy.classify('Optimised angular power spectra for spectroscopic galaxy surveys', 'We measure galaxy clustering with spectroscopic surveys.'), []);
  });

  it('ignores a user pattern that is not a valid regular expression instead of failing', () => {
    const taxonomy = new Taxonomy({
      categories: [{ id: 'c', label: 'C' }],
      techniques: [{ id: 'x', label: 'X', category: 'c', patterns: ['(unclosed', '\\bwidget\\b'] }],
    });
    assert.deepEqual(taxonomy.classify('Widget networks', ''), ['x']);
  });
});

describe('techniques of your own (paperDigest.techniques)', () => {
  it('adds a technique by its words, in a new category, and classifies papers with it', () => {
    const { taxonomy, problems } = taxonomyWithUserTechniques([
      { id: 'token-merging', label: 'Token Merging', category: 'tokens', categoryLabel: 'Token Reduction', words: ['token merging', 'ToMe'] },
    ]);
    assert.deepEqual(problems, []);
    assert.equal(taxonomy.technique('token-merging')?.label, 'Token Merging');
    assert.ok(taxonomy.categories.some((c) => c.id === 'tokens' && c.label === 'Token Reduction'));
    assert.deepEqual(taxonomy.classify('Token Merging for Fast Stable Diffusion', 'We propose ToMe, which merges redundant tokens.').filter((t) => t === 'token-merging'), ['token-merging']);
    assert.ok(taxonomy.technique('pruning'), 'the built-in techniques stay');
  });

  it('replaces a built-in technique with the same id', () => {
    const { taxonomy } = taxonomyWithUserTechniques([{ id: 'pruning', label: 'Weight Pruning', category: 'compression', words: ['weight pruning'] }]);
    assert.equal(taxonomy.technique('pruning')?.label, 'Weight Pruning');
    assert.equal(taxonomy.techniques.filter((t) => t.id === 'pruning').length, 1);
  });

  it('names a malformed setting and keeps the rest and the defaults', () => {
    const { taxonomy, problems } = taxonomyWithUserTechniques([
      { id: 'x', label: 'X', category: 'compression', patterns: ['(unclosed'] },
      'not an object',
      { id: 'y', label: 'Y' },
      { id: 'z', label: 'Z', category: 'compression', words: ['zeta method'] },
    ]);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems[0]!, /paperDigest\.techniques\[0\] \("x"\): the pattern "\(unclosed" is not a valid regular expression/);
    assert.match(problems[1]!, /paperDigest\.techniques\[0\] \("x"\) has no words or patterns/);
    assert.match(problems[2]!, /paperDigest\.techniques\[1\] is not an object/);
    assert.match(problems[3]!, /paperDigest\.techniques\[2\] needs "id", "label" and "category"/);
    assert.ok(taxonomy.technique('z') && !taxonomy.technique('x') && taxonomy.technique('pruning'));
    const wrongType = taxonomyWithUserTechniques({ id: 'a' });
    assert.match(wrongType.problems[0]!, /paperDigest\.techniques must be a list/);
    assert.ok(wrongType.taxonomy.technique('pruning'));
  });
});

describe('techniques an expert tells apart', () => {
  const classify = (title: string, abstract: string) => defaultTaxonomy.classify(title, abstract);

  it('files token pruning and merging as their own technique, not weight pruning', () => {
    const ids = classify('FastV: Pruning Visual Tokens for Efficient VLM Inference', 'We propose to prune redundant visual tokens after the second layer, reducing FLOPs by half without retraining.');
    assert.ok(ids.includes('token-reduction') && !ids.includes('pruning'), ids.join());
    assert.ok(classify('Token Merging: Your ViT But Faster', 'We introduce ToMe, which merges similar tokens.').includes('token-reduction'));
  });

  it('files sparse and linear attention as efficient attention, and KV-cache eviction as KV cache', () => {
    const attention = classify('Radial Attention: Sparse Attention for Long Video Generation', 'We propose a sparse attention mechanism with energy decay.');
    assert.ok(attention.includes('efficient-attention') && !attention.includes('pruning'), attention.join());
    const kv = classify('H2O: Heavy-Hitter Oracle for KV Cache Eviction', 'We propose a cache eviction policy that keeps heavy-hitter tokens in the KV cache.');
    assert.ok(kv.includes('kv-cache') && !kv.includes('pruning'), kv.join());
  });

  it('still files weight pruning as pruning', () => {
    assert.ok(classify('SparseGPT: Massive Language Models Can Be Accurately Pruned in One-Shot', 'We show that large language models can be pruned to 50% sparsity in one shot, without retraining.').includes('pruning'));
  });
});
