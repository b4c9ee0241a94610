import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './fixtures';

const CLI = join(ROOT, 'dist', 'cli.js');

/** Runs the built CLI the way a user does, as its own process, in a workspace of its own. */
function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'pd-cli-')) });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('the paper-digest CLI', () => {
  it('lists the bundled digest\'s 47 papers as JSON with the documented fields', () => {
    const { code, out } = run('papers', '--json');
    assert.equal(code, 0);
    const papers = JSON.parse(out) as Array<Record<string, unknown>>;
    assert.equal(papers.length, 47);
    assert.deepEqual(Object.keys(papers[0]!), ['key', 'title', 'shortName', 'aliases', 'abstract', 'date', 'upvotes', 'authorCount', 'authors', 'organization', 'techniques', 'links', 'source']);
    const ld = papers.find((p) => p.key === 'ldpruner2024')!;
    assert.equal((ld.source as { line: number }).line, 28); // 0-based: line 29 of the file
  });

  it('prints a readable list without --json', () => {
    const { code, out } = run('papers');
    assert.equal(code, 0);
    assert.match(out, /^ldpruner2024\s+2024-04-18 ▲0\s+LD-Pruner: Efficient Pruning/m);
  });

  it('searches as the editor does: stems, and the last word as a prefix only with --typing', () => {
    const distil = JSON.parse(run('search', 'distil', '--json').out) as Array<{ title: string }>;
    assert.ok(distil.length && /distill/i.test(distil[0]!.title), 'distil finds distillation');
    const prun = JSON.parse(run('search', 'prun', '--json').out) as Array<{ title: string }>;
    assert.ok(prun.some((h) => /prun/i.test(h.title)), 'a start that is no word still finds pruning');
    // "mix" is a word of this library: whole unless typing, when it may be the start of MixLoRA.
    const dir = mkdtempSync(join(tmpdir(), 'pd-typing-'));
    const digest = join(dir, 'mix.json');
    writeFileSync(digest, JSON.stringify([
      { paper: { id: '2401.00001', title: 'How to mix data for pre-training', summary: 'We mix web text and code.' } },
      { paper: { id: '2404.11936', title: 'MixLoRA: LoRA-based Mixture of Experts', summary: 'We propose MixLoRA.' } },
    ]));
    const keys = (...extra: string[]) => (JSON.parse(run('search', 'mix', '--digest', digest, '--json', ...extra).out) as Array<{ title: string }>).map((h) => h.title.slice(0, 7));
    assert.deepEqual(keys(), ['How to '], 'without --typing, "mix" is a whole word');
    assert.ok(keys('--typing').includes('MixLoRA'), 'with --typing, "mix" may be MixLoRA');
  });

  it('runs a file of queries over one library and prints a JSON line per query with its time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-queries-'));
    const file = join(dir, 'queries.txt');
    writeFileSync(file, 'lottery ticket\n\n#lora\nyear:soon\n');
    const { code, out, err } = run('search', '--queries', file, '--json', '--limit', '2');
    assert.equal(code, 0, err);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { query: string; ms: number; hits: Array<{ key: string; title: string; score: number }> });
    assert.deepEqual(lines.map((l) => l.query), ['lottery ticket', '#lora', 'year:soon']);
    assert.equal(lines[0]!.hits[0]!.key, 'lotteryticket2018');
    assert.ok(lines.every((l) => typeof l.ms === 'number' && l.ms >= 0 && l.hits.length <= 2));
    assert.ok(lines[1]!.hits.length > 0);
    const stdin = spawnSync(process.execPath, [CLI, 'search', '--queries', '-', '--json'], { encoding: 'utf8', input: 'lottery\n', cwd: dir });
    assert.equal(stdin.status, 0, stdin.stderr);
    assert.equal((JSON.parse(stdin.stdout.trim()) as { hits: Array<{ key: string }> }).hits[0]!.key, 'lotteryticket2018');
    assert.equal(run('search', 'x', '--queries', file).code, 2, 'a QUERY and --queries together is a usage error');
  });

  it('prints formatted references in a bundled CSL style or a .csl file, and names a bad one', () => {
    const apa = run('cite', 'lotteryticket2018', 'ldpruner2024', '--style', 'text', '--csl', 'apa');
    assert.equal(apa.code, 0, apa.err);
    assert.deepEqual(apa.out.trim().split('\n'), [
      'LD-Pruner: Efficient Pruning of Latent Diffusion Models using Task-Agnostic Insights. (2024).',
      'The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks. (2018).',
    ]);
    const byPath = run('cite', 'lotteryticket2018', '--style', 'text', '--csl', join(ROOT, 'media', 'csl', 'ieee.csl'));
    assert.match(byPath.out, /^\[1\] “The Lottery Ticket Hypothesis/);
    const bad = run('cite', 'lotteryticket2018', '--style', 'text', '--csl', 'nosuchstyle');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--csl: no bundled style nosuchstyle/);
  });

  it('searches and ranks', () => {
    const { code, out } = run('search', 'lottery', '--json', '--limit', '3');
    assert.equal(code, 0);
    const hits = JSON.parse(out) as Array<{ key: string; title: string; score: number }>;
    assert.ok(hits.length <= 3);
    assert.equal(hits[0]!.key, 'lotteryticket2018');
    assert.ok(hits[0]!.score > 0);
  });

  it('lists techniques with their papers', () => {
    const list = JSON.parse(run('techniques', '--json').out) as Array<{ id: string; category: string; papers: string[] }>;
    const pruning = list.find((t) => t.id === 'pruning')!;
    assert.equal(pruning.category, 'compression');
    assert.ok(pruning.papers.includes('ldpruner2024'));
  });

  it('cites in every style', () => {
    assert.equal(run('cite', 'ldpruner2024', 'efficientqat2024').out.trim(), '[@ldpruner2024; @efficientqat2024]');
    assert.match(run('cite', 'ldpruner2024', '--style', 'bibtex').out, /^@misc\{ldpruner2024,/);
    assert.equal((JSON.parse(run('cite', 'ldpruner2024', '--style', 'csl-json').out) as unknown[]).length, 1);
    assert.match(run('cite', 'ldpruner2024', '--style', 'footnote').out, /^\[\^ldpruner2024\]\n\n\[\^ldpruner2024\]: /);
    assert.equal(run('cite', 'efficientqat2024', '--style', 'link').out, 'EfficientQAT [@efficientqat2024]\n');
  });

  it('checks notes: JSON with 0-based ranges, exit 1 when a key is unknown', () => {
    const { code, out } = run('check', join(FIXTURES, 'notes', 'pruning-notes.md'), '--json');
    assert.equal(code, 1);
    const [report] = JSON.parse(out) as Array<{ path: string; citations: Array<{ key: string; known: boolean; range: { start: { line: number; character: number } } }>; mentions: unknown[] }>;
    const unknown = report!.citations.filter((c) => !c.known);
    assert.deepEqual(unknown.map((c) => [c.key, c.range.start.line]), [['nosuchpaper2020', 12]]);
    assert.ok(report!.mentions.length > 0);
    const human = run('check', join(FIXTURES, 'notes', 'pruning-notes.md'));
    assert.match(human.out, /pruning-notes\.md:13:\d+: unknown citation @nosuchpaper2020/);
  });

  it('exits 0 from check when every key is known', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-'));
    writeFileSync(join(dir, 'ok.md'), 'Fine [@ldpruner2024].\n');
    assert.equal(run('check', join(dir, 'ok.md')).code, 0);
  });

  it('updates References sections in place like a formatter, and --check only reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-'));
    const note = join(dir, 'note.md');
    const original = '---\nbibliography: own.bib\n---\nSee [@ldpruner2024] and [@own2020].\r\n\r\n## References\r\n\r\nMy own words.\r\n';
    writeFileSync(note, original);
    writeFileSync(join(dir, 'own.bib'), '@misc{own2020, title = {My Own Work}, year = {2020}}\n');
    const checked = run('references', note, '--check');
    assert.equal(checked.code, 1);
    assert.match(checked.out, /note\.md: References section out of date/);
    assert.equal(readFileSync(note, 'utf8'), original, '--check changes nothing');
    assert.equal(run('references', note).code, 0);
    const updated = readFileSync(note, 'utf8');
    assert.match(updated, /## References\r\n\r\n<!-- paper-digest:references [^\n]*-->\r\n1\. 4 authors\. LD-Pruner[^\n]*\r\n2\. My Own Work \(2020\)\.[^\n]*\r\n<!-- \/paper-digest:references -->\r\n\r\nMy own words\.\r\n$/);
    assert.equal(run('references', note, '--check').code, 0, 'up to date now');
    assert.equal(readFileSync(note, 'utf8'), updated);
  });

  it('writes References in the style a note names in its front matter (csl:), which wins over --csl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-'));
    const note = join(dir, 'note.md');
    writeFileSync(note, '---\ncsl: ieee\n---\nSee [@lotteryticket2018].\n');
    assert.equal(run('references', note, '--csl', 'apa').code, 0);
    assert.match(readFileSync(note, 'utf8'), /\\\[1\\\] “The Lottery Ticket Hypothesis/);
    const plain = join(dir, 'plain.md');
    writeFileSync(plain, 'See [@lotteryticket2018].\n');
    assert.equal(run('references', plain, '--csl', 'apa').code, 0);
    assert.match(readFileSync(plain, 'utf8'), /\nThe Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks\. \(2018\)\. <!-- @lotteryticket2018 -->/);
  });

  it('exits 2 with a one-line message naming the file for unreadable input', () => {
    const missing = run('papers', '--digest', '/no/such/digest.txt');
    assert.equal(missing.code, 2);
    assert.equal(missing.err.trim(), 'paper-digest: cannot read digest /no/such/digest.txt: no such file');
    const note = run('check', '/no/such/note.md');
    assert.equal(note.code, 2);
    assert.match(note.err, /\/no\/such\/note\.md/);
  });

  it('exits 2 on usage errors', () => {
    assert.equal(run('frobnicate').code, 2);
    assert.equal(run('search').code, 2);
    assert.equal(run('cite', 'x', '--style', 'mla').code, 2);
    assert.equal(run('cite', 'nosuchkey').code, 2);
    assert.equal(run('papers', '--limit').code, 2);
    assert.equal(run('--help').code, 0);
  });

  it('reads another digest and reports its problems on stderr with file and line, keeping the good papers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-'));
    const path = join(dir, 'mine.txt');
    const abstract = 'We propose GoodNet, a network that is good at many things and also quite small, with results on ImageNet.';
    writeFileSync(path, `GoodNet: A Good Network\n\n${abstract}\n\n  • 2 authors\n·\nJan 2, 2025\n\nStray short line\n\nOther: Another Paper\n\n${abstract}`);
    const { code, out, err } = run('papers', '--digest', path, '--json');
    assert.equal(code, 0);
    assert.deepEqual((JSON.parse(out) as Array<{ title: string }>).map((p) => p.title), ['GoodNet: A Good Network', 'Other: Another Paper']);
    assert.match(err, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:9: warning: Line 9`));
  });
});
