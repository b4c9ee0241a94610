import assert from 'node:assert/strict';
import { detectFormat, parseDigest } from '../../src/core/digest';
import { Library } from '../../src/core/library';
import { latexToText } from '../../src/core/text';
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

describe('papers told as they are read', () => {
  it('tells a listener of each paper of every format as it is read, complete, in the list parseDigest returns', () => {
    const digests: Array<[string, string]> = [
      [SEED_PATH, readSeed()],
      ['/d/sample.json', readFixture('hf-daily-papers-sample.json')],
      ['/d/library.bib', readFixture('digests/library.bib')],
      ['/d/library.csl.json', readFixture('digests/library.csl.json')],
    ];
    for (const [path, text] of digests) {
      const told: Array<{ length: number; title: string; abstract: string }> = [];
      let list: readonly unknown[] | undefined;
      const result = parseDigest(text, path, (papers) => {
        list = papers;
        const last = papers[papers.length - 1]!;
        told.push({ length: papers.length, title: last.title, abstract: last.abstract });
      });
      assert.ok(result.papers.length > 1, path);
      assert.equal(list, result.papers, `${path}: the list returned`);
      assert.deepEqual(told.map((t) => t.length), result.papers.map((_, i) => i + 1), `${path}: once a paper, in order`);
      assert.deepEqual(told.map(({ title, abstract }) => ({ title, abstract })), result.papers.map(({ title, abstract }) => ({ title, abstract })), `${path}: each paper's text complete when told`);
    }
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

  it('reads Hugging Face ai_keywords, BibTeX keywords and CSL keyword as the paper\'s keywords', () => {
    const hf = parseDigest(JSON.stringify([{ paper: { id: '2401.00001', title: 'T', summary: 'S', ai_keywords: ['KV cache', 'kv cache', ' token\neviction ', 7] } }]), 'k.json');
    assert.deepEqual(hf.papers[0]!.keywords, ['KV cache', 'token eviction']);
    const bib = parseDigest('@article{k, title={T}, keywords={pruning; sparsity, {LLM}s}}', 'k.bib');
    assert.deepEqual([...bib.papers[0]!.keywords].sort(), ['LLMs', 'pruning', 'sparsity']);
    const csl = parseDigest(JSON.stringify([{ id: 'c', type: 'article', title: 'T', keyword: 'quantization, low-bit' }]), 'k.json');
    assert.deepEqual(csl.papers[0]!.keywords, ['quantization', 'low-bit']);
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
    assert.match(problems[0]!.message, /^Entry 3 \(line 4\) has no title/);
    assert.match(problems[1]!.message, /^Entry 4 \(line 5\) is not valid JSON/);
  });

  it('reports a file that is not JSON at all by name, and an entry a cut file ends inside of', () => {
    const broken = parseDigest('{"paper": oops', 'bad.json');
    assert.equal(broken.papers.length, 0);
    assert.match(broken.problems[0]!.message, /bad\.json is not valid JSON/);
    const { papers, problems } = parseDigest('[{"paper": {"id": "2401.00001", "title": "Kept", "summary": "x"}},\n {"paper": {"id": "2401.0', 'cut.json');
    assert.deepEqual(papers.map((p) => p.title), ['Kept']);
    assert.deepEqual(problems.map((p) => [p.path, p.line]), [['cut.json', 1]]);
    assert.match(problems[0]!.message, /^Entry 2 \(line 2\) is cut off: the file ends inside it/);
  });
});

describe('BibTeX', () => {
  const { papers, problems } = parse('digests/library.bib');

  const byKey = (key: string) => papers.find((p) => p.key === key)!;

  it('keeps the citation keys as written, with titles, authors, dates, venues and ids', () => {
    // Of two entries with one key, pandoc uses the last: so do we.
    assert.deepEqual(papers.map((p) => p.key), ['deep2024della', 'hu2021lora', 'frankle2019lottery', 'muller2023pruning', 'dup2021']);
    assert.equal(byKey('dup2021').title, 'The entry pandoc uses');
    const lora = byKey('hu2021lora');
    assert.equal(lora.title, 'LoRA: Low-Rank Adaptation of Large Language Models');
    assert.equal(lora.arxivId, '2106.09685');
    assert.deepEqual(lora.publication?.journal, 'arXiv preprint arXiv:2106.09685');
    const della = byKey('deep2024della');
    assert.equal(della.authors[0], 'Pala Tej Deep');
    assert.deepEqual(della.creators[0], { family: 'Deep', given: 'Pala Tej' });
    assert.equal(della.arxivId, '2406.11617');
    assert.equal(della.date, '2024-06');
    const lottery = byKey('frankle2019lottery');
    assert.equal(lottery.date, '2019-05-06');
    const { bibtexFields, ...venue } = lottery.publication!;
    assert.deepEqual(venue, { type: 'inproceedings', booktitle: 'International Conference on Learning Representations' });
    // The fields as written, for an export that is the entry itself.
    assert.deepEqual(bibtexFields?.map(([name]) => name), ['title', 'author', 'booktitle', 'date']);
    assert.equal(byKey('muller2023pruning').publication?.bibtexFields?.[0]?.[1], '{Pruning with {\\"U}mlauts and 50\\% Sparsity}');
  });

  it('turns LaTeX into text', () => {
    const muller = byKey('muller2023pruning');
    assert.equal(muller.title, 'Pruning with Ümlauts and 50% Sparsity');
    assert.deepEqual(muller.authors, ['Jörg Müller']);
    assert.equal(muller.doi, '10.1000/example.2023');
    assert.equal(muller.url, null, 'no URL is invented: the paper\'s link comes from its DOI');
  });

  it('reports a syntax error, an entry without title and a duplicate key at their lines', () => {
    assert.deepEqual(problems.map((p) => [p.line + 1, p.severity]), [[28, 'error'], [40, 'warning'], [45, 'warning']]);
    assert.match(problems[0]!.message, /The entry at line 28 has a brace that never closes before the next entry \(line 33\)/);
    assert.match(problems[1]!.message, /"notitle2022" \(line 40\) has no title/);
    assert.match(problems[2]!.message, /Duplicate citation key "dup2021" at line 45: pandoc uses the entry with this key at line 50/);
  });

  it('survives truncation at any point', () => {
    const text = readFixture('digests/library.bib');
    for (let n = 0; n < text.length; n += 7) parseDigest(text.slice(0, n), 'cut.bib');
  });
});

describe('CSL-JSON', () => {
  const { papers, problems } = parse('digests/library.csl.json');

  it('reads items with citation-key or id as the key, names, dates and DOI', () => {
    // The later of two items with one id wins, as in pandoc.
    assert.deepEqual(papers.map((p) => p.key), ['dettmers2023qlora', 'frankle2019lottery']);
    const qlora = papers[0]!;
    assert.deepEqual(qlora.authors, ['Tim Dettmers', 'UW NLP']);
    assert.deepEqual(qlora.creators, [{ family: 'Dettmers', given: 'Tim' }, { family: '', literal: 'UW NLP' }]);
    assert.equal(qlora.date, '2023-05-23');
    assert.equal(qlora.doi, '10.48550/arXiv.2305.14314');
    assert.equal(qlora.arxivId, '2305.14314', 'from arXiv\'s own DOI');
    assert.equal(papers[1]!.title, 'A duplicate id');
  });

  it('reports a duplicate id and an item without title at their lines', () => {
    assert.deepEqual(problems.map((p) => [p.line + 1, p.severity]), [[2, 'warning'], [21, 'warning']]);
    assert.match(problems[0]!.message, /Duplicate citation key "frankle2019lottery" at line 2: pandoc uses the item with this id at line 22/);
  });
});

describe('merging digests', () => {
  const library = Library.fromDigests([
    { path: SEED_PATH, text: readSeed() },
    { path: 'hf.json', text: readFixture('hf-daily-papers-sample.json') },
    { path: 'library.bib', text: readFixture('digests/library.bib') },
    { path: 'library.csl.json', text: readFixture('digests/library.csl.json') },
  ]);

  it('shows the same paper once by arXiv id or DOI, keeping every source and the richest fields', () => {
    const della = library.papers.filter((p) => p.title.startsWith('DELLA-Merging'));
    assert.equal(della.length, 1);
    assert.deepEqual(della[0]!.sources.map((s) => s.path), ['hf.json', 'library.bib']);
    assert.equal(della[0]!.key, 'deep2024della', 'the user\'s key');
    assert.equal(della[0]!.upvotes, 3);
    assert.ok(della[0]!.abstract.length > 100);
  });

  it('does not merge a copied page\'s paper with a bibliography entry of another year by title alone', () => {
    const lottery = library.papers.filter((p) => p.title.startsWith('The Lottery Ticket Hypothesis'));
    assert.deepEqual(lottery.map((p) => [p.key, p.date]), [['lotteryticket2018', '2018-03-09'], ['frankle2019lottery', '2019-05-06']]);
  });

  it('reports a key two bibliographies give to different papers, and the first keeps it', () => {
    assert.equal(library.paper('frankle2019lottery')!.source.path, 'library.bib');
    assert.ok(library.problems.some((p) => p.path === 'library.csl.json' && /"frankle2019lottery" at library\.csl\.json:22 is also the key of/.test(p.message)));
  });

  it('counts 47 + 25 + 5 + 2 entries as the distinct papers they are', () => {
    assert.equal(library.papers.length, 47 + 25 + 5 + 2 - 1);
  });
});

describe('LaTeX in titles and abstracts', () => {
  it('reads as a reader would write it', () => {
    assert.equal(latexToText('LLM$\\times$MapReduce: Simplified Long-Sequence Processing'), 'LLM×MapReduce: Simplified Long-Sequence Processing');
    assert.equal(latexToText('Scaling as $O(n^2)$ with $\\mu$P and H$_2$O'), 'Scaling as O(n²) with μP and H₂O');
    assert.equal(latexToText('\\textsc{Bert} and {\\it ViT}, \\eg{} both'), 'Bert and ViT, e.g. both');
    assert.equal(latexToText('It costs $5 and $10 to run'), 'It costs $5 and $10 to run', 'dollars are not math');
    assert.equal(latexToText('Our \\method beats $k$ baselines'), 'Our \\method beats k baselines', 'an unknown macro stays as written');
    assert.equal(latexToText('50\\% of a path C:\\ dir and $a\\,b$'), '50% of a path C:\\ dir and a b', 'spacing commands only in math');
  });

  it('applies to Hugging Face JSON and copied pages', () => {
    const json = JSON.stringify([{ paper: { id: '2410.09342', title: 'LLM$\\times$MapReduce', summary: 'We reach $10^{3}\\times$ speed.', authors: [] } }]);
    const [paper] = parseDigest(json, 'hf.json').papers;
    assert.equal(paper!.title, 'LLM×MapReduce');
    assert.equal(paper!.abstract, 'We reach 10³× speed.');
  });
});
