import assert from 'node:assert/strict';
import { parseDigest } from '../../src/core/digest';
import { Paper } from '../../src/core/model';
import { SEED_PATH, readFixture, readSeed } from './fixtures';

interface Expected {
  line: number;
  title: string;
  abstractStart: string;
  authorCount: number | null;
  organization: string | null;
  date: string | null;
  upvotes: number | null;
}

const seedExpected = () => JSON.parse(readFixture('seed-expected.json')) as Expected[];

/** A small page in the seed's layout, for edge cases. */
const ABSTRACT = 'We propose TinyNet, a small network that matches large ones on ImageNet while using far fewer parameters and much less compute than any baseline we tried.';
function page(...papers: string[]): string {
  return ['new', '', 'Daily Papers', '', 'byAK and the research community', '', 'Feb 3', '', ...papers.flatMap((p) => [p, ''])].join('\n');
}
function entry(title: string, meta = '  • 3 authors\n·\nJan 5, 2024'): string {
  return `${title}\n\n${ABSTRACT}${meta ? `\n\n${meta}` : ''}`;
}

describe('parseDigest on a copied Daily Papers page', () => {
  let papers: Paper[];
  before(() => {
    const result = parseDigest(readSeed(), SEED_PATH);
    papers = result.papers;
    assert.deepEqual(result.problems, []);
  });

  it('reads all 47 seed papers with the fields the page shows', () => {
    const expected = seedExpected();
    assert.equal(papers.length, 47);
    expected.forEach((e, i) => {
      const p = papers[i]!;
      assert.equal(p.title, e.title);
      assert.ok(p.abstract.startsWith(e.abstractStart), p.title);
      assert.equal(p.authorCount, e.authorCount, p.title);
      assert.equal(p.organization, e.organization, p.title);
      assert.equal(p.date, e.date, p.title);
      assert.equal(p.upvotes, e.upvotes, p.title);
      assert.deepEqual(p.source, { path: SEED_PATH, line: e.line }, p.title);
    });
  });

  it('gives null upvotes and date to a paper without a meta block (MixLoRA)', () => {
    const mixlora = papers.find((p) => p.title.startsWith('MixLoRA'))!;
    assert.equal(mixlora.upvotes, null);
    assert.equal(mixlora.date, null);
    assert.equal(mixlora.authorCount, null);
  });

  it('reads an organization line instead of an author count', () => {
    const p = papers.find((x) => x.title.startsWith('SYNFAC-EDIT'))!;
    assert.equal(p.organization, 'umassnlp UMass NLP');
    assert.equal(p.authorCount, null);
    assert.equal(p.date, '2024-02-21');
  });

  it('reads upvotes after the date and 0 where the page shows none', () => {
    assert.equal(papers.find((x) => x.title.startsWith('EfficientQAT'))!.upvotes, 3);
    assert.equal(papers.find((x) => x.title.startsWith('Model Surgery'))!.upvotes, 4);
    assert.equal(papers.find((x) => x.title.startsWith('LD-Pruner'))!.upvotes, 0);
  });

  it('cleans links of trailing punctuation, unopened brackets and the {https://…} duplication', () => {
    const links = (prefix: string) => papers.find((x) => x.title.startsWith(prefix))!.links;
    assert.deepEqual(links('DiffuseKronA'), ['https://diffusekrona.github.io/']);
    assert.deepEqual(links('Tokens-to-Token'), ['https://github.com/yitu-opensource/T2T-ViT']);
    assert.deepEqual(links('EfficientQAT'), ['https://github.com/OpenGVLab/EfficientQAT']);
    assert.deepEqual(links('SlimMoE'), ['https://huggingface.co/microsoft/Phi-mini-MoE-instruct', 'https://huggingface.co/microsoft/Phi-tiny-MoE-instruct']);
    assert.deepEqual(links('LD-Pruner'), []);
  });

  it('reads CRLF line endings exactly like LF', () => {
    const crlf = parseDigest(readSeed().replace(/\n/g, '\r\n'), SEED_PATH);
    assert.deepEqual(crlf, parseDigest(readSeed(), SEED_PATH));
  });

  it('reads the last paper when the file has no final newline, and with one', () => {
    const text = readSeed();
    assert.ok(!text.endsWith('\n'));
    assert.equal(parseDigest(`${text}\n\n`, SEED_PATH).papers.at(-1)!.upvotes, 2);
    assert.equal(parseDigest(text, SEED_PATH).papers.at(-1)!.title, 'Puzzle: Distillation-Based NAS for Inference-Optimized LLMs');
  });

  it('skips extra header lines and reads pages pasted one after another', () => {
    const text = page(entry('TinyNet: Small Networks')) + '\n' + page(entry('BigNet: Large Networks', '  • 2 authors\n·\nMar 1, 2023 7'));
    const result = parseDigest(text, 'two.txt');
    assert.deepEqual(result.papers.map((p) => p.title), ['TinyNet: Small Networks', 'BigNet: Large Networks']);
    assert.equal(result.papers[1]!.upvotes, 7);
    assert.deepEqual(result.problems, []);
  });

  it('keeps the other papers when one entry is broken, and names the line', () => {
    const broken = page(entry('Good One: First'), entry('Bad Date: Second', '  • 2 authors\n·\nFoo 99, 2024'), 'A stray line that belongs to nothing at all.', entry('Good Two: Third'));
    const result = parseDigest(broken, 'broken.txt');
    assert.deepEqual(result.papers.map((p) => p.title), ['Good One: First', 'Bad Date: Second', 'Good Two: Third']);
    assert.ok(result.problems.length >= 1);
    const strayLine = broken.split('\n').indexOf('A stray line that belongs to nothing at all.');
    const stray = result.problems.find((p) => p.line === strayLine);
    assert.ok(stray, JSON.stringify(result.problems));
    assert.match(stray.message, new RegExp(`Line ${strayLine + 1}`));
    assert.equal(stray.path, 'broken.txt');
  });

  it('keeps a paper whose abstract is missing and says so', () => {
    const result = parseDigest(page('Lonely Title: No Abstract\n\n  • 2 authors\n·\nMar 1, 2023', entry('After: Fine')), 'x.txt');
    assert.deepEqual(result.papers.map((p) => p.title), ['Lonely Title: No Abstract', 'After: Fine']);
    assert.equal(result.papers[0]!.date, '2023-03-01');
    assert.match(result.problems[0]!.message, /no abstract/);
  });

  it('reports a truncated meta block at its line and keeps the paper', () => {
    const text = page(entry('Cut: Off', '  • 4 authors\n·'));
    const result = parseDigest(text, 'cut.txt');
    assert.equal(result.papers.length, 1);
    assert.equal(result.papers[0]!.authorCount, 4);
    assert.equal(result.papers[0]!.date, null);
    assert.match(result.problems[0]!.message, /incomplete meta block/);
  });

  it('reports an empty file, a binary file and a file without papers, without throwing', () => {
    assert.match(parseDigest('', 'e.txt').problems[0]!.message, /e\.txt is empty/);
    assert.match(parseDigest('\u0000\u0001\u0002PNG\u0000', 'b.png').problems[0]!.message, /binary/);
    const none = parseDigest('just\n\na few\n\nshort lines', 'n.txt');
    assert.equal(none.papers.length, 0);
    assert.match(none.problems[0]!.message, /No papers found/);
  });
});

describe('parseDigest fuzzing', () => {
  // Deterministic pseudo-random numbers so that a failure can be replayed.
  function random(seed: number): () => number {
    let s = seed;
    return () => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s / 0x7fffffff;
    };
  }

  function checkInvariants(text: string, label: string): void {
    const lineCount = text.split(/\r\n|\r|\n/).length;
    const result = parseDigest(text, 'fuzz.txt');
    for (const p of result.papers) {
      assert.ok(p.title.length > 0, label);
      assert.ok(p.source.line >= 0 && p.source.line < lineCount, label);
      assert.ok(p.date === null || /^\d{4}-\d{2}-\d{2}$/.test(p.date), label);
    }
    for (const p of result.problems) assert.ok(p.line >= 0 && p.line < lineCount && p.message.length > 0, label);
  }

  it('survives the seed truncated at every line and at random characters', () => {
    const seed = readSeed();
    const lines = seed.split('\n');
    for (let n = 0; n <= lines.length; n++) checkInvariants(lines.slice(0, n).join('\n'), `first ${n} lines`);
    const rnd = random(7);
    for (let i = 0; i < 300; i++) checkInvariants(seed.slice(0, Math.floor(rnd() * seed.length)), `cut ${i}`);
  });

  it('survives shuffled lines, random bytes and random unicode', () => {
    const lines = readSeed().split('\n');
    const rnd = random(42);
    for (let i = 0; i < 200; i++) {
      const shuffled = lines.map((l) => [rnd(), l] as const).sort((a, b) => a[0] - b[0]).map(([, l]) => l);
      checkInvariants(shuffled.slice(0, Math.floor(rnd() * shuffled.length)).join(rnd() < 0.5 ? '\n' : '\r\n'), `shuffle ${i}`);
      const chars = Array.from({ length: Math.floor(rnd() * 2000) }, () => String.fromCharCode(Math.floor(rnd() * (rnd() < 0.7 ? 128 : 0xffff))));
      checkInvariants(chars.join(''), `random ${i}`);
    }
  });

  it('gives the same papers when a seed line is deleted, except around that line', () => {
    const lines = readSeed().split('\n');
    const full = parseDigest(lines.join('\n'), 'a').papers.length;
    for (let n = 0; n < lines.length; n++) {
      const without = parseDigest([...lines.slice(0, n), ...lines.slice(n + 1)].join('\n'), 'a').papers.length;
      assert.ok(without >= full - 1, `deleting line ${n + 1} lost ${full - without} papers`);
    }
  });
});

describe('titles that look like metadata', () => {
  const abstract = 'We introduce a latent diffusion model that generates high quality images from text prompts, and we describe our quality and responsibility evaluations in detail.';
  for (const title of ['Imagen 3', 'Ministral 3', 'Nov 11', '2025', 'Subscribe']) {
    it(`reads "${title}" as a title when an abstract follows it, and skips the page's own date heading`, () => {
      const page = `Daily Papers\n\nFeb 3\n\n${title}\n\n${abstract}\n\n  • 3 authors\n·\nNov 11, 2024 5\n`;
      const { papers, problems } = parseDigest(page, 'p.txt');
      assert.deepEqual(papers.map((p) => [p.title, p.date, p.upvotes]), [[title, '2024-11-11', 5]]);
      assert.deepEqual(problems, []);
    });
  }
});
