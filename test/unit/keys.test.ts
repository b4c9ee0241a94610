import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citationKeyText, isCitableKey } from '../../src/core/citationKeys';
import { KEY_MEMORY_FILE, KeyMemory } from '../../src/core/keyMemory';
import { DigestSource, Library } from '../../src/core/library';
import { Paper } from '../../src/core/model';
import { ROOT, SEED_PATH, corpusPath, hasCorpus, readSeed } from './fixtures';

/** Keys that never move: the workspace's memory of handed-out keys, read and written as text. */

const build = (sources: DigestSource[], memory: KeyMemory) => Library.fromDigests(sources, undefined, memory);
/** A restart: the memory as the file on disk gives it back. */
const reread = (memory: KeyMemory) => KeyMemory.parse(memory.serialize(), KEY_MEMORY_FILE).memory;
const identity = (p: Paper) => p.arxivId ?? p.doi ?? `${p.title}|${p.date?.slice(0, 4)}`;

function page(title: string, date: string): string {
  return `${title}\n\n${'An abstract about a method with enough words to be read as one by the page parser. '.repeat(2)}\n\n  • 3 authors\n·\n${date}`;
}

describe('citation keys that never move', () => {
  it('finds a paper\'s remembered keys by arXiv id, DOI or title and year, whether remembered before or after the first look-up, and not once forgotten', () => {
    const memory = new KeyMemory();
    const paper = (title: string, date: string, ids: { arxivId?: string; doi?: string } = {}) => ({ title, date, arxivId: ids.arxivId ?? null, doi: ids.doi ?? null });
    const lora = paper('LoRA: Low-Rank Adaptation', '2021-06-17', { arxivId: '2106.09685' });
    const qlora = paper('QLoRA: Efficient Finetuning', '2023-05-23', { doi: '10.1/QLORA' });
    assert.deepEqual(memory.keysFor(lora), [], 'an empty memory');
    memory.remember('hu2021lora', lora);
    memory.remember('dettmers2023qlora', qlora);
    assert.deepEqual(memory.keysFor(paper('LoRA: Low-Rank Adaptation', '2021-06-17')), ['hu2021lora'], 'by title and year');
    assert.deepEqual(memory.keysFor(paper('Other', '2023', { doi: '10.1/qlora' })), ['dettmers2023qlora'], 'by DOI, in any case');
    assert.deepEqual(memory.keysFor(paper('LoRA: Low-Rank Adaptation', '2022-01-01')), [], 'not in another year');
    const dora = paper('DoRA', '2024-02-14', { arxivId: '2402.09353' });
    memory.remember('liu2024dora', dora);
    assert.deepEqual(memory.keysFor(paper('Renamed', '2024', { arxivId: '2402.09353' })), ['liu2024dora'], 'remembered after the first look-up');
    memory.forget('hu2021lora');
    assert.deepEqual(memory.keysFor(lora), []);
  });

  it('keeps every key a note cites when a digest with an older paper wanting it is added', () => {
    const memory = new KeyMemory();
    const first = build([{ path: 'a.txt', text: page('Token Pruning Revisited', 'Jun 3, 2024') }], memory);
    const key = first.papers[0]!.key;
    assert.equal(key, 'tokenpruning2024');
    // An older paper with the same name-based key arrives: without memory it would take the key.
    const older = { path: 'b.txt', text: page('Token Pruning at Scale', 'Jan 2, 2024') };
    const control = build([{ path: 'a.txt', text: page('Token Pruning Revisited', 'Jun 3, 2024') }, older], new KeyMemory());
    assert.equal(control.paper(key)!.title, 'Token Pruning at Scale', 'control: the old rule moves the key');
    const grown = build([{ path: 'a.txt', text: page('Token Pruning Revisited', 'Jun 3, 2024') }, older], reread(memory));
    assert.equal(grown.paper(key)!.title, 'Token Pruning Revisited');
    assert.equal(grown.papers.find((p) => p.title === 'Token Pruning at Scale')!.key, 'tokenpruning2024a');
  });

  it('keeps a generated key resolving when the user\'s .bib brings the same paper under its own key', () => {
    const memory = new KeyMemory();
    const seed = { path: SEED_PATH, text: readSeed() };
    const before = build([seed], memory);
    const lottery = before.paper('lotteryticket2018')!;
    const year = lottery.date!.slice(0, 4);
    const bib = { path: 'mine.bib', text: `@inproceedings{frankle${year}lottery,\n  title = {${lottery.title}},\n  author = {Frankle, Jonathan and Carbin, Michael},\n  year = {${year}}\n}\n` };
    const after = build([seed, bib], reread(memory));
    const merged = after.paper(`frankle${year}lottery`)!;
    assert.equal(after.paper('lotteryticket2018'), merged, 'both keys mean the one paper');
    assert.equal(merged.key, `frankle${year}lottery`, 'the user\'s key is the one offered');
    assert.deepEqual(merged.extraKeys, ['lotteryticket2018']);
    assert.equal(after.paper('lotteryticket2018a'), undefined);
  });

  it('keeps two works with one title apart, each under its own key', () => {
    const bib = [
      '@article{lecun2015deep, title = {Deep learning}, author = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey}, journal = {Nature}, year = {2015}, doi = {10.1038/nature14539}}',
      '@book{goodfellow2016deep, title = {Deep Learning}, author = {Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron}, publisher = {MIT Press}, year = {2016}}',
      '@misc{goodfellowbook, title = {Deep Learning}, author = {Goodfellow, Ian}, year = {2016}}',
    ].join('\n');
    const library = build([{ path: 'refs.bib', text: bib }], new KeyMemory());
    assert.equal(library.papers.length, 3);
    assert.equal(library.paper('lecun2015deep')!.publication?.journal, 'Nature');
    assert.equal(library.paper('goodfellow2016deep')!.publication?.publisher, 'MIT Press');
    assert.notEqual(library.paper('goodfellowbook'), library.paper('goodfellow2016deep'), 'same title and year, but both are the user\'s entries');
  });

  it('merges two entries with one DOI into one paper that both keys resolve to', () => {
    const a = '@article{smith2020a, title = {A Study}, author = {Smith, Ann}, year = {2020}, doi = {10.1/ABC}}';
    const b = '[{"id": "smith2020study", "type": "article-journal", "title": "A study", "DOI": "10.1/abc", "issued": {"date-parts": [[2020]]}}]';
    const library = build([{ path: 'a.bib', text: a }, { path: 'b.json', text: b }], new KeyMemory());
    assert.equal(library.papers.length, 1);
    assert.equal(library.paper('smith2020a'), library.paper('smith2020study'));
  });

  it('keeps keys braced where pandoc needs braces, and refuses only what no syntax can cite', () => {
    const library = build([{ path: 'a.bib', text: '@misc{zhou2018unet++, title = {UNet++: A Nested U-Net Architecture}, year = {2018}}' }], new KeyMemory());
    assert.equal(library.papers[0]!.key, 'zhou2018unet++');
    assert.deepEqual(library.problems, []);
    assert.equal(citationKeyText('zhou2018unet++'), '{zhou2018unet++}');
    assert.equal(citationKeyText('ldpruner2024'), 'ldpruner2024');
    assert.equal(library.scanNote('As [@{zhou2018unet++}, p. 2] shows.').citations[0]!.key, 'zhou2018unet++');
    assert.ok(!isCitableKey('a b') && !isCitableKey('a]b') && isCitableKey('He.Zhang.2016*1'));
  });

  it('makes Scholar-style keys where authors are known and name-based keys for a copied page', () => {
    const hf = JSON.stringify([{ paper: { id: '1803.03635', title: 'The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks', summary: 'x', publishedAt: '2018-03-09T00:00:00.000Z', authors: [{ name: 'Jonathan Frankle' }, { name: 'Michael Carbin' }] } }]);
    const library = build([{ path: 'hf.json', text: hf }, { path: 'p.txt', text: page('Hado Learns: Double Q with Particles', 'May 1, 2016') }], new KeyMemory());
    assert.ok(library.paper('frankle2018lottery'));
    const vanHasselt = JSON.stringify([{ paper: { id: '1509.06461', title: 'Deep Reinforcement Learning with Double Q-learning', summary: 'x', publishedAt: '2015-09-22T00:00:00.000Z', authors: [{ name: 'Hado van Hasselt' }] } }]);
    assert.equal(build([{ path: 'h.json', text: vanHasselt }], new KeyMemory()).papers[0]!.key, 'hasselt2015deep');
  });

  it('reports a hand-edited conflict in the key file and repairs it without moving a cited key', () => {
    const text = [
      '# key\tarxiv\tdoi\tyear\ttitle',
      'ldpruner2024\t\t\t2024\tLD-Pruner: Efficient Pruning of Latent Diffusion Models using Task-Agnostic Insights',
      'ldpruner2024\t\t\t2024\tSomething Else Entirely',
      'not a key line',
      '',
    ].join('\n');
    const { memory, problems } = KeyMemory.parse(text, KEY_MEMORY_FILE);
    assert.deepEqual(problems.map((p) => p.line), [2, 3]);
    assert.match(problems[0]!.message, /"ldpruner2024" is already given to another paper on an earlier line/);
    assert.ok(memory.changed, 'the file is rewritten without the broken lines');
    const library = build([{ path: SEED_PATH, text: readSeed() }], memory);
    assert.match(library.paper('ldpruner2024')!.title, /^LD-Pruner/);
    assert.doesNotMatch(memory.serialize(), /Something Else|not a key line/);
  });

  it('gives up a remembered key that the user\'s bibliography now gives to another paper, and says so', () => {
    const memory = new KeyMemory();
    build([{ path: 'p.txt', text: page('Sparse Experts Everywhere', 'Mar 1, 2024') }], memory);
    assert.ok(memory.has('sparseexperts2024'));
    const bib = { path: 'mine.bib', text: '@misc{sparseexperts2024, title = {My Own Sparse Experts Paper}, year = {2024}}' };
    const library = build([{ path: 'p.txt', text: page('Sparse Experts Everywhere', 'Mar 1, 2024') }, bib], memory);
    assert.equal(library.paper('sparseexperts2024')!.title, 'My Own Sparse Experts Paper');
    assert.ok(library.problems.some((p) => /The key "sparseexperts2024" was handed out to "Sparse Experts Everywhere"/.test(p.message)));
    assert.equal(library.papers.find((p) => p.title === 'Sparse Experts Everywhere')!.key, 'sparseexperts2024a');
  });
});

describe('keys on 3,000 real Hugging Face papers, through joins, removals, reordering and restarts', function () {
  this.timeout(120000);
  before(function () {
    if (!hasCorpus('hf-daily-papers-dev.json')) this.skip();
  });

  it('never moves a key once handed out', () => {
    const lines = readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8').split('\n').filter((l) => l.startsWith('{'));
    const half = Math.floor(lines.length / 2);
    const json = (part: string[]) => `[\n${part.map((l) => l.replace(/,\s*$/, '')).join(',\n')}\n]`;
    const first = { path: 'first.json', text: json(lines.slice(0, half)) };
    const second = { path: 'second.json', text: json(lines.slice(half)) };
    const seed = { path: SEED_PATH, text: readSeed() };
    const memory = new KeyMemory();
    const handedOut = new Map<string, string>();
    const check = (library: Library, step: string) => {
      for (const p of library.papers) {
        for (const key of [p.key, ...p.extraKeys]) {
          const was = handedOut.get(key);
          if (was === undefined) handedOut.set(key, identity(p));
          else assert.equal(identity(p), was, `${step}: ${key} moved`);
        }
      }
      for (const [key, id] of handedOut) {
        const paper = library.paper(key);
        if (paper) assert.equal(identity(paper), id, `${step}: ${key}`);
      }
    };
    check(build([first], memory), 'first half');
    check(build([first, seed], memory), 'seed joined');
    check(build([second, first, seed], memory), 'second half joined in front');
    check(build([seed, second], memory), 'first half removed');
    const restarted = reread(memory);
    check(build([first, second, seed].reverse(), restarted), 'restart, reordered');
    assert.ok(handedOut.size > lines.length, `${handedOut.size} keys`);
    const keys = build([first, second], restarted).papers.map((p) => p.key);
    assert.ok(keys.filter((k) => /^[a-z]+\d{4}[a-z]+$/.test(k)).length > keys.length * 0.9, 'Scholar-style keys');
  });
});

describe('the CLI and the key file in a workspace', () => {
  const CLI = join(ROOT, 'dist', 'cli.js');
  const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });

  it('remembers keys in DIR/.paper-digest/keys.tsv and keeps them when a digest is added', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pd-ws-'));
    writeFileSync(join(workspace, 'a.txt'), page('Token Pruning Revisited', 'Jun 3, 2024'));
    writeFileSync(join(workspace, 'b.txt'), page('Token Pruning at Scale', 'Jan 2, 2024'));
    const first = run(workspace, 'papers', '--digest', 'a.txt', '--json');
    assert.equal(first.status, 0, first.stderr);
    const file = readFileSync(join(workspace, KEY_MEMORY_FILE), 'utf8');
    assert.match(file, /^tokenpruning2024\t\t\t2024\tToken Pruning Revisited$/m);
    const elsewhere = mkdtempSync(join(tmpdir(), 'pd-ws-'));
    const both = run(elsewhere, 'papers', '--digest', join(workspace, 'b.txt'), '--digest', join(workspace, 'a.txt'), '--json', '--workspace', workspace);
    const papers = JSON.parse(both.stdout) as Array<{ key: string; title: string }>;
    assert.equal(papers.find((p) => p.key === 'tokenpruning2024')!.title, 'Token Pruning Revisited');
    assert.equal(papers.find((p) => p.key === 'tokenpruning2024a')!.title, 'Token Pruning at Scale');
  });
});
