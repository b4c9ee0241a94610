import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDigest } from '../../src/core/digest';
import { Library } from '../../src/core/library';
import { escapeControls } from '../../src/core/text';
import { hostileCases } from '../../bench/hostile';
import { ROOT, SEED_PATH, readSeed } from './fixtures';

/**
 * Hostile and odd input, each case made at growing sizes: the work must grow linearly
 * (the ratio of times between sizes, never an absolute limit), and good entries survive.
 */

const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);

/** The best of a few runs, in ms: noise on a shared machine only ever adds time. */
function bestTime(work: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * Times the work at n and 4n. Linear work takes about 4× as long; quadratic, 16×. The
 * bound (8×) leaves room for noise and n·log n, and a floor of a few milliseconds keeps
 * timer resolution out of it.
 */
function assertLinear(name: string, make: (n: number) => () => unknown, n: number): void {
  make(n)(); // warm up
  const small = bestTime(make(n));
  const large = bestTime(make(4 * n));
  const ratio = large / Math.max(small, 2);
  assert.ok(ratio < 8, `${name}: ${small.toFixed(1)} ms at n=${n}, ${large.toFixed(1)} ms at 4n (×${ratio.toFixed(1)})`);
}

/** Sizes in characters at which each case is timed (and at 4×): large enough to see quadratic growth. */
const SIZES: Record<string, number> = {
  'a page line of leading spaces': 64_000,
  'a page meta line with spaces inside': 64_000,
  'an abstract with a URL and closing parentheses': 40_000,
  'an abstract of links': 180_000,
  'a note of one long word': 40_000,
  'a note of [@a] runs in one paragraph': 50_000,
  'a note of [a]( runs': 40_000,
  'a note of citations and mentions on one line': 190_000,
  'a note of short paragraphs': 32_000,
  'a note of nested blockquotes': 2_000,
  'a note of nested lists': 90_000,
  'a note of e-mail-like words': 160_000,
  'a search for one long word': 20_000,
  'completion of one long word': 20_000,
  'a BibTeX file of many entries': 90_000,
  'a BibTeX entry with one huge field': 64_000,
  'a JSON digest of many items': 250_000,
  'a names matcher over titles that share their first words': 160_000,
};

describe('linear time on hostile input', function () {
  this.timeout(120000);
  for (const [name, make] of Object.entries(hostileCases(library))) {
    it(name, () => {
      assert.ok(SIZES[name], `a size for ${name}`);
      assertLinear(name, make, SIZES[name]!);
    });
  }
});

describe('nothing lost without a word', () => {
  it('keeps the good CSL items beside one whose author list holds a null', () => {
    const { papers } = parseDigest(JSON.stringify([{ id: 'a', type: 'book', title: 'Good', author: [null, { family: 'Ok' }] }, { id: 'b', type: 'book', title: 'Also good' }]), 'c.json');
    assert.deepEqual(papers.map((p) => [p.key, p.authors]), [['a', ['Ok']], ['b', []]]);
  });

  it('reads a BibTeX file with CR-only line endings and a % comment', () => {
    const text = '% my library\r@misc{a, title={One}}\r@misc{b, title={Two}}\r% end\r@misc{c, title={Three}}\r@misc{d, title={Four}}\r';
    const { papers, problems } = parseDigest(text, 'cr.bib');
    assert.deepEqual(papers.map((p) => [p.key, p.source.line]), [['a', 1], ['b', 2], ['c', 4], ['d', 5]]);
    assert.deepEqual(problems, []);
  });

  it('reports a BibTeX entry whose brace never closes, and reads the next one', () => {
    const { papers, problems } = parseDigest('@misc{a, title={Open\n\n@misc{b, title={Fine}}\n', 'u.bib');
    assert.deepEqual(papers.map((p) => p.key), ['b']);
    assert.equal(problems[0]!.line, 0);
    assert.match(problems[0]!.message, /never closes before the next entry \(line 3\)/);
  });

  it('reads a UTF-16 digest and a UTF-16 note from the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-utf16-'));
    const bib = '@misc{müller2024, title={Über Modelle}, year={2024}}\n';
    writeFileSync(join(dir, 'le.bib'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bib, 'utf16le')]));
    writeFileSync(join(dir, 'note.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Siehe [@müller2024].\n', 'utf16le')]));
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', cwd: dir });
    const papers = JSON.parse(cli('papers', '--digest', 'le.bib', '--json').stdout) as Array<{ key: string; title: string }>;
    assert.deepEqual(papers.map((p) => [p.key, p.title]), [['müller2024', 'Über Modelle']]);
    const check = cli('check', 'note.md', '--digest', 'le.bib');
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /1 citation\(s\), 1 known/);
  });

  it('refuses a digest over the size limit by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-size-'));
    writeFileSync(join(dir, 'big.json'), `[${'{"id": "x", "type": "book", "title": "T"},'.repeat(30000)}{}]`);
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'papers', '--digest', 'big.json', '--max-digest-mb', '1'], { encoding: 'utf8', cwd: dir });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /digest \S*big\.json is 1 MB, over the 1 MB limit/);
  });

  it('shows control characters from a digest escaped in the terminal, and exact in --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-esc-'));
    const evil = 'Clear\u001b[2J \u001b]0;title\u0007 \u009b31m \u001b]8;;http://x\u001b\\link';
    writeFileSync(join(dir, 'evil.json'), JSON.stringify([{ id: 'evil', type: 'book', title: evil }]));
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', cwd: dir });
    const human = cli('papers', '--digest', 'evil.json');
    assert.equal(human.status, 0);
    assert.doesNotMatch(human.stdout, /[\u001b\u0007\u009b]/);
    assert.match(human.stdout, /Clear\\x1b\[2J/);
    assert.equal((JSON.parse(cli('papers', '--digest', 'evil.json', '--json').stdout) as Array<{ title: string }>)[0]!.title, evil);
    assert.equal(escapeControls('a\tb\nc\u0000'), 'a\tb\nc\\x00');
  });

  it('exits 2, not 1, when it breaks, naming what broke', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', ROOT], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'pd-crash-')) });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /paper-digest: cannot read note/);
  });
});
