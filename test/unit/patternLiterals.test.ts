import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDigest } from '../../src/core/digest';
import { LiteralScanner, requiredLiterals } from '../../src/core/patternLiterals';
import { taxonomyWithUserTechniques } from '../../src/core/techniques';
import taxonomyData from '../../src/core/taxonomy.json';
import { SEED_PATH, corpusPath, hasCorpus, hfSample, readSeed } from './fixtures';

/** Titles and abstracts written by others: the seed page, the Hugging Face sample and, when present, the corpus's 3,071 papers. */
function realTexts(): string[] {
  const papers = [...parseDigest(readSeed(), SEED_PATH).papers, ...parseDigest(JSON.stringify(hfSample()), 'hf.json').papers];
  if (hasCorpus('hf-daily-papers-dev.json')) papers.push(...parseDigest(readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8'), 'hf.json').papers);
  return papers.map((p) => `${p.title} ${p.abstract} ${p.keywords.join('; ')}`);
}

describe('the strings a pattern cannot match without', () => {
  it('spells out words, alternatives and optional letters, in small letters', () => {
    assert.deepEqual(requiredLiterals('\\bprun(?:e|ed|ing)\\b'), [['prune', 'pruning']], '"pruned" holds "prune": the shorter says as much');
    assert.deepEqual(requiredLiterals('\\blow-?bit\\b'), [['low-bit', 'lowbit']]);
    assert.deepEqual(requiredLiterals('\\b[1-3]-bits?\\b'), [['1-bit', '2-bit', '3-bit']]);
    assert.deepEqual(requiredLiterals('\\bQAT\\b'), [['qat']]);
    assert.deepEqual(requiredLiterals('\\bparameter[- ]efficient\\b'), [['parameter-efficient', 'parameter efficient']]);
  });

  it('needs each part that anything may separate', () => {
    assert.deepEqual(requiredLiterals('\\bhybrid (?:\\w+ )?attention\\b'), [['hybrid '], ['attention']]);
    assert.deepEqual(requiredLiterals('\\bteacher (?:model|network)s?\\b.*\\bstudent\\b'), [['teacher model', 'teacher network'], ['student']]);
    assert.deepEqual(requiredLiterals('\\b[\\w.]+-Distill-[\\w.-]+'), [['-distill-']]);
    assert.deepEqual(requiredLiterals('\\btoken[\\s-]+merging\\b'), [['token'], ['merging']], 'a user technique\'s words');
  });

  it('takes one string of each alternative, and nothing when one alternative needs nothing', () => {
    assert.deepEqual(requiredLiterals('\\bfoo\\b|\\bbar\\w+'), [['foo', 'bar']]);
    assert.deepEqual(requiredLiterals('(?:\\d+ experts|routing \\w+)'), [[' experts', 'routing ']]);
    assert.equal(requiredLiterals('\\bfoo\\b|\\w+'), null);
  });

  it('asks nothing of what may be left out or is only looked around', () => {
    assert.equal(requiredLiterals('\\b(?:sparse )?x\\b'), null, '"sparse x" and "x": too short to say anything');
    assert.deepEqual(requiredLiterals('(?:neural )?architecture'), [['architecture']]);
    assert.deepEqual(requiredLiterals('(?<=using )lora(?! adapters)'), [['lora']]);
    assert.equal(requiredLiterals('(?:\\w+ ){0,3}'), null);
    assert.equal(requiredLiterals('ab'), null, 'two letters are in too many texts to be worth looking for');
  });

  it('gives up, rather than guess, on what it does not read', () => {
    assert.equal(requiredLiterals('\\u0061bc\\b'), null);
    assert.deepEqual(requiredLiterals('caf\u00e9s'), [['caf']], 'a letter beyond ASCII ends the run: its case is not ASCII\'s');
    assert.deepEqual(requiredLiterals('[^a]bcd'), [['bcd']], 'a negated class may be anything: only what follows it is needed');
    assert.equal(requiredLiterals('(?<name'), null);
  });

  it('never rules out a text that a pattern matches: every built-in and user pattern over real abstracts', function () {
    this.timeout(60_000);
    const texts = realTexts();
    const user = taxonomyWithUserTechniques([{ id: 'merging', label: 'Merging', category: 'c', words: ['token merging', 'ToMe', 'e.g. tuning'], patterns: ['(?<=\\bwe )\\w+ (?:an?|the) \\w+'] }]).taxonomy;
    const sources = [...(taxonomyData.techniques as Array<{ patterns: string[]; exclude?: string[] }>).flatMap((t) => [...t.patterns, ...(t.exclude ?? [])]), ...user.techniques.flatMap((t) => t.patterns)];
    let matched = 0;
    for (const source of new Set(sources)) {
      const regex = new RegExp(source, 'i');
      const groups = requiredLiterals(source);
      for (const text of texts) {
        const match = regex.exec(text);
        if (!match) continue;
        matched++;
        const small = text.toLowerCase();
        assert.ok(!groups || groups.every((g) => g.some((s) => small.includes(s))), `${source} matches "${match[0]}" but needs ${JSON.stringify(groups)}`);
      }
    }
    assert.ok(matched > 200, `patterns matched only ${matched} times: the check saw too little`);
  });
});

describe('finding many strings in a text at once', () => {
  it('finds each string wherever it is, ignoring case, including strings inside others', () => {
    const scanner = new LiteralScanner(['lora', 'qlora', 'low-rank ', 'ank', '4-bit']);
    scanner.scan('We propose QLoRA, a LOW-RANK adapter in 4-Bit.');
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => scanner.has(i)), [true, true, true, true, true]);
    scanner.scan('Low rank, 4 bit, Lor a.');
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => scanner.has(i)), [false, false, false, true, false], 'each scan forgets the text before');
  });

  it('tells in which parts of a text each string is, never across two parts, the 32nd part on sharing one bit', () => {
    const scanner = new LiteralScanner(['lora', 'low-rank', 'rank a']);
    const filler = Array.from({ length: 40 }, () => 'nothing here.');
    filler[35] = 'LoRA again';
    scanner.scanParts(['QLoRA tuning', 'a low-', 'rank adapter', 'Low-Rank LoRA', ...filler]);
    assert.equal(scanner.where(0), 0b1001 | (1 << 31));
    assert.equal(scanner.where(1), 0b1000, '"low-" and "rank" are in two parts: not found across them');
    assert.equal(scanner.where(2), 0b100);
    assert.deepEqual([scanner.has(0), scanner.has(1), scanner.has(2)], [true, true, true]);
    scanner.scanParts(['nothing', 'rank a']);
    assert.deepEqual([scanner.where(0), scanner.where(1), scanner.where(2)], [0, 0, 0b10], 'each scan forgets the parts before');
  });

  it('finds what a plain search finds, in real abstracts', function () {
    this.timeout(60_000);
    const literals = [...new Set((taxonomyData.techniques as Array<{ patterns: string[] }>).flatMap((t) => t.patterns.flatMap((p) => (requiredLiterals(p) ?? []).flat())))];
    const scanner = new LiteralScanner(literals);
    let found = 0;
    for (const text of realTexts().slice(0, 800)) {
      scanner.scan(text);
      const small = text.toLowerCase();
      literals.forEach((literal, i) => {
        assert.equal(scanner.has(i), small.includes(literal), `"${literal}" in ${text.slice(0, 80)}`);
        if (scanner.has(i)) found++;
      });
    }
    assert.ok(found > 500, `only ${found} strings found: the check saw too little`);
  });
});
