import assert from 'node:assert/strict';
import { detectFormat, parseDigest } from '../../src/core/digest';
import { Library } from '../../src/core/library';
import { SEED_PATH, readFixture, readSeed } from './fixtures';

const parse = (name: string) => parseDigest(readFixture(name), name);

describe('format detection', () => {
  it('tells the format from the content, not the file name', () => {
    assert.equal(detectFormat(readSeed()), 'daily-papers-page');
    assert.equal(detectFormat(readFixture('hf-daily-papers-sample.json')), 'hf-json');
    assert.equal(detectFormat(readFixture('digests/bare-papers.json')), 'hf-json');
    assert.equal(detectFormat(readFixture('digests/library.csl.json')), 'csl-json');
    assert.equal(detectFormat(readFixture('digests/library.bib')), 'bibtex');
    assert.equal(detectFormat('% comment first\n\n@article{a, title={T}}'), 'bibtex');
  });
});

describe('Hugging Face API JSON', () => {
  it('reads every daily_papers object of the real sample, joining hard line breaks', () => {
    const { papers, problems } = parse('hf-daily-papers-sample.json');
    assert.deepEqual(problems, []);
    assert.equal(papers.length, 25);
    const della = papers.find((p) => p.arxivId === '2406.11617')!;
    assert.equal(della.title, 'DELLA-Merging: Reducing Interference in Model Merging through Magnitude-Based Sampling');
    assert.ok(!della.abstract.includes('\n'));
    assert.deepEqual(della.authors, ['Pala Tej Deep', 'Rishabh Bhardwaj', 'Soujanya Poria']);
    assert.equal(della.date, '2024-06-17');
    assert.equal(della.url, 'https://arxiv.org/abs/2406.11617');
    assert.equal(della.source.line, 2);
  });

  it('reads organizations, GitHub repositories and project pages when present', () => {
    const { papers } = parse('hf-daily-papers-sample.json');
    assert.ok(papers.some((p) => p.organization === 'Tsinghua University'));
    const qwen = papers.find((p) => p.title === 'An Empirical Study of Qwen3 Quantization')!;
    assert.equal(qwen.links[0], 'https://github.com/Efficient-ML/Qwen3-Quantization');
    assert.ok(papers.find((p) => p.title.startsWith('Direct3D-S2'))!.links.includes('https://nju-3dv.github.io/projects/Direct3D-S2/'));
  });

  it('reads bare paper objects too', () => {
    const { papers, problems } = parse('digests/bare-papers.json');
    assert.deepEqual(problems, []);
    assert.deepEqual(papers.map((p) => p.title.slice(0, 20)), ['Auxiliary-Loss-Free ', 'SageAttention: Accur']);
  });

  it('skips a broken object and one without a title, naming their lines, and keeps the rest', () => {
    const { papers, problems } = parse('digests/broken-daily-papers.json');
    assert.equal(papers.length, 3);
    assert.deepEqual(problems.map((p) => [p.line, p.severity]), [[3, 'warning'], [4, 'error']]);
    assert.match(problems[0]!.message, /line 4 has no title/);
    assert.match(problems[1]!.message, /line 5 is not valid JSON/);
  });

  it('reports a file that is not JSON at all by name', () => {
    const { papers, problems } = parseDigest('[{"paper": ', 'cut.json');
    assert.equal(papers.length, 0);
    assert.match(problems[0]!.message, /cut\.json is not valid JSON/);
  });
});

describe('BibTeX', () => {
  const { papers, problems } = parse('digests/library.bib');

  it('keeps the citation keys as written, with titles, authors, dates and ids', () => {
    assert.deepEqual(papers.map((p) => p.key), ['deep2024della', 'hu2021lora', 'frankle2019lottery', 'muller2023pruning']);
    const lora = papers[1]!;
    assert.equal(lora.title, 'LoRA: Low-Rank Adaptation of Large Language Models');
    assert.equal(lora.authors[0], 'Edward J. Hu');
    assert.equal(lora.date, '2021');
    assert.equal(lora.arxivId, '2106.09685');
    assert.match(lora.abstract, /^We propose Low-Rank Adaptation/);
    assert.equal(papers[0]!.arxivId, '2406.11617');
    assert.equal(papers[0]!.date, '2024-06');
    assert.equal(papers[2]!.date, '2019-05-06');
  });

  it('turns LaTeX into text', () => {
    const muller = papers[3]!;
    assert.equal(muller.title, 'Pruning with Ümlauts and 50% Sparsity');
    assert.deepEqual(muller.authors, ['Jörg Müller']);
    assert.equal(muller.doi, '10.1000/example.2023');
    assert.equal(muller.url, 'https://doi.org/10.1000/example.2023');
  });

  it('reports a syntax error, an entry without title and a duplicate key at their lines', () => {
    assert.deepEqual(problems.map((p) => [p.line + 1, p.severity]), [[28, 'error'], [40, 'warning'], [45, 'warning']]);
    assert.match(problems[0]!.message, /syntax error/);
    assert.match(problems[1]!.message, /"notitle2022" \(line 40\) has no title/);
    assert.match(problems[2]!.message, /Duplicate citation key "hu2021lora" at line 45 \(first at line 12\)/);
  });

  it('survives truncation at any point', () => {
    const text = readFixture('digests/library.bib');
    for (let n = 0; n < text.length; n += 7) parseDigest(text.slice(0, n), 'cut.bib');
  });
});

describe('CSL-JSON', () => {
  const { papers, problems } = parse('digests/library.csl.json');

  it('reads items with citation-key or id as the key, names, dates and DOI', () => {
    assert.deepEqual(papers.map((p) => p.key), ['frankle2019lottery', 'dettmers2023qlora']);
    assert.deepEqual(papers[1]!.authors, ['Tim Dettmers', 'UW NLP']);
    assert.equal(papers[1]!.date, '2023-05-23');
    assert.equal(papers[0]!.date, '2019-05');
    assert.equal(papers[1]!.doi, '10.48550/arXiv.2305.14314');
    assert.equal(papers[0]!.arxivId, '1803.03635');
  });

  it('reports an item without title and a duplicate id at their lines', () => {
    assert.deepEqual(problems.map((p) => [p.line + 1, p.severity]), [[21, 'warning'], [22, 'warning']]);
  });
});

describe('merging digests', () => {
  const library = Library.fromDigests([
    { path: SEED_PATH, text: readSeed() },
    { path: 'hf.json', text: readFixture('hf-daily-papers-sample.json') },
    { path: 'library.bib', text: readFixture('digests/library.bib') },
    { path: 'library.csl.json', text: readFixture('digests/library.csl.json') },
  ]);

  it('shows the same paper once, by arXiv id, DOI or title, keeping every source', () => {
    const della = library.papers.filter((p) => p.title.startsWith('DELLA-Merging'));
    assert.equal(della.length, 1);
    assert.deepEqual(della[0]!.sources.map((s) => s.path), ['hf.json', 'library.bib']);
    const lottery = library.papers.filter((p) => p.title.startsWith('The Lottery Ticket Hypothesis'));
    assert.equal(lottery.length, 1);
    assert.deepEqual(lottery[0]!.sources.map((s) => s.path), [SEED_PATH, 'library.bib', 'library.csl.json']);
  });

  it('keeps the user\'s BibTeX key and the richest fields', () => {
    const lottery = library.papers.find((p) => p.title.startsWith('The Lottery Ticket Hypothesis'))!;
    assert.equal(lottery.key, 'frankle2019lottery');
    assert.equal(lottery.upvotes, 2);
    assert.equal(lottery.date, '2018-03-09');
    assert.deepEqual(lottery.authors, ['Jonathan Frankle', 'Michael Carbin']);
    assert.equal(library.paper('frankle2019lottery'), lottery);
    const della = library.paper('deep2024della')!;
    assert.equal(della.upvotes, 3);
    assert.ok(della.abstract.length > 100);
  });

  it('counts 47 + 25 + 4 + 2 entries as the distinct papers they are', () => {
    assert.equal(library.papers.length, 47 + 25 + 4 + 2 - 3);
  });
});
