import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citationKeyText } from '../../src/core/citationKeys';
import { parseDigest } from '../../src/core/digest';
import { formatPapers } from '../../src/core/citationFormat';
import { CitationScope } from '../../src/core/citationScope';
import { Library } from '../../src/core/library';
import { NoteBibliographies } from '../../src/core/noteBibliography';
import { isOrdinaryWord } from '../../src/core/ordinaryWords';
import { paperMeta } from '../../src/core/paperCard';
import { truncate } from '../../src/core/text';
import { compareRanking, realLibrary } from '../../bench/ranking';
import { ROOT, corpusPath, hasCorpus } from './fixtures';
import { PandocCslItem, needPandoc, pandoc, pandocCitationKeys, pandocCsl } from './pandocTool';

/**
 * Real material written by other people (../shared/corpus), compared with what pandoc,
 * the tool our users would otherwise trust, makes of the same files in the same run.
 */

const BIB = 'd2l.bib';
const BOOK = 'tmwr';

/**
 * What a reader compares between two readings of one entry: title, year, authors, URL.
 * `looseTitle` for CSL-JSON: pandoc re-cases a BibTeX title as it reads it (sentence
 * case, a capital after a colon) and leaves TeX math raw, which a CSL item, taken as
 * written, does not undergo; the words and their order must still be the same.
 */
function essentials(item: PandocCslItem, looseTitle = false) {
  const text = (s: string | undefined) => (s ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
  const title = looseTitle ? text(item.title).replace(/\\[a-z]+/g, '').replace(/[’']/g, "'").replace(/[^\p{L}\p{N}']+/gu, '').toLowerCase() : text(item.title);
  const names = (item.author ?? []).map((a) => {
    if (a.literal) return a.literal === 'others' ? 'others' : a.literal;
    const family = [a['dropping-particle'], a['non-dropping-particle'], a.family].filter(Boolean).join(' ');
    // "and et al." and "and others" both say the list goes on.
    // Given names and a "Jr" part together: pandoc reads a stray comma (`Cajal, Santiago,`) as BibTeX does, the name is the same.
    return family === 'et al.' ? 'others' : `${family}, ${[a.given, a.suffix].filter(Boolean).join(' ')}`.trim();
  });
  return { title, year: String(item.issued?.['date-parts']?.[0]?.[0] ?? ''), authors: names, url: item.URL ?? '' };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pd-real-'));
}

describe(`a real BibTeX library, exactly as written (${BIB})`, function () {
  this.timeout(120000);
  before(function () {
    if (!hasCorpus(BIB)) {
      console.log(`    (skipped: ../shared/corpus/${BIB} is not here)`);
      this.skip();
    }
  });
  const read = () => readFileSync(corpusPath(BIB), 'utf8');
  const keysOf = (text: string) => [...text.matchAll(/^@\w+\{\s*([^,\s]+),/gm)].map((m) => m[1]!);

  it('gives every entry its own paper under the key it was written with', () => {
    const text = read();
    const library = Library.fromDigests([{ path: BIB, text }]);
    const keys = keysOf(text);
    assert.equal(keys.length, new Set(keys).size);
    assert.equal(library.papers.length, keys.length);
    assert.deepEqual(library.problems, []);
    for (const key of keys) assert.equal(library.paper(key)?.key, key, key);
    // Keys pandoc reads only braced (`He.Zhang.Ren.ea.2016*1`) are kept too.
    assert.ok(keys.some((k) => citationKeyText(k).startsWith('{')));
  });

  it('reads a note citing every key (braced where pandoc needs it) exactly as pandoc does, and knows them all', function () {
    needPandoc(this);
    const text = read();
    const library = Library.fromDigests([{ path: BIB, text }]);
    const keys = keysOf(text);
    const note = keys.map((k, i) => (i % 3 === 0 ? `See [@${citationKeyText(k)}, p. ${i}].` : i % 3 === 1 ? `@${citationKeyText(k)} says so.` : `[-@${citationKeyText(k)}; @${citationKeyText(keys[0]!)}]`)).join('\n\n');
    const ours = library.scanNote(note).citations.map((c) => c.key);
    assert.deepEqual(ours, pandocCitationKeys(note));
    assert.ok(ours.every((k) => library.paper(k)));
    const dir = tempDir();
    writeFileSync(join(dir, 'note.md'), note);
    const result = pandoc(['--citeproc', '--bibliography', corpusPath(BIB), '-t', 'plain', join(dir, 'note.md')]);
    assert.doesNotMatch(result.stderr, /not found/, 'pandoc resolves them all too');
  });

  for (const format of ['bibtex', 'csl-json'] as const) {
    it(`exports ${format} that pandoc reads back with the same titles, years, authors and URLs`, function () {
      needPandoc(this);
      const text = read();
      const library = Library.fromDigests([{ path: BIB, text }]);
      const dir = tempDir();
      const exported = join(dir, format === 'bibtex' ? 'refs.bib' : 'refs.json');
      writeFileSync(exported, formatPapers(library.papers, format));
      const loose = format === 'csl-json';
      const original = new Map(pandocCsl(corpusPath(BIB), 'bibtex').map((item) => [item.id, essentials(item, loose)]));
      const back = pandocCsl(exported, format === 'bibtex' ? 'bibtex' : 'csljson');
      assert.equal(back.length, original.size);
      const differences: string[] = [];
      for (const item of back) {
        const was = original.get(item.id);
        if (!was) differences.push(`${item.id}: not in the original`);
        else if (JSON.stringify(essentials(item, loose)) !== JSON.stringify(was)) differences.push(`${item.id}:\n  was ${JSON.stringify(was)}\n  now ${JSON.stringify(essentials(item, loose))}`);
      }
      assert.deepEqual(differences, []);
    });
  }
});

describe(`a real R Markdown book opened with no setting (${BOOK})`, function () {
  this.timeout(120000);
  before(function () {
    if (!hasCorpus(BOOK)) {
      console.log(`    (skipped: ../shared/corpus/${BOOK} is not here)`);
      this.skip();
    }
    needPandoc(this);
  });

  it('reports exactly the citations pandoc finds, all known from index.Rmd\'s bibliography, and no cross-reference', async () => {
    const dir = corpusPath(BOOK);
    const bibliographies = new NoteBibliographies({ read: (path) => readFile(path, 'utf8').catch(() => undefined) }, parseDigest, dir);
    const library = Library.fromDigests([]);
    let citations = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.Rmd')).sort()) {
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      const bibliography = await bibliographies.resolve(path, text);
      assert.deepEqual(bibliography.problems, [], name);
      const scope = new CitationScope(library, bibliography);
      const ours = (await scope.scanNote(text)).citations.map((c) => c.key);
      // knitr turns `{r …}` chunks into ordinary code blocks before pandoc reads the chapter.
      const knitted = text.replace(/^```\{r[^}\n]*\}[ \t]*$/gm, '```r');
      assert.deepEqual(ours, pandocCitationKeys(knitted), name);
      assert.deepEqual(ours.filter((k) => !scope.isKnown(k)), [], name);
      assert.ok(!ours.some((k) => k === 'ref'), `${name}: \\@ref() is a cross-reference`);
      citations += ours.length;
    }
    assert.ok(citations > 100, `${citations} citations`);
  });
});

describe(`completion in the chapters of a real book (${BOOK}), with real digests beside its bibliography`, function () {
  this.timeout(120000);
  before(function () {
    if (!hasCorpus(BOOK) || !hasCorpus(BIB) || !hasCorpus('hf-daily-papers-dev.json')) this.skip();
  });

  it('lists each key a chapter cites once three letters of it are typed, the book\'s own entry first, each item showing what the paper\'s card does', async () => {
    const dir = corpusPath(BOOK);
    const bibliographies = new NoteBibliographies({ read: (path) => readFile(path, 'utf8').catch(() => undefined) }, parseDigest, dir);
    const library = Library.fromDigests([BIB, 'hf-daily-papers-dev.json'].map((name) => ({ path: corpusPath(name), text: readFileSync(corpusPath(name), 'utf8') })));
    let checked = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.Rmd')).sort()) {
      const text = readFileSync(join(dir, name), 'utf8');
      const scope = new CitationScope(library, await bibliographies.resolve(join(dir, name), text));
      const cited = [...new Set((await scope.scanNote(text)).citations.map((c) => c.key))].filter((key) => scope.isDeclared(key));
      for (const key of cited) {
        const entries = await scope.completions(key.slice(0, 3));
        const entry = entries.find((e) => e.key === key);
        assert.ok(entry, `${name}: "${key.slice(0, 3)}" lists ${key}: ${entries.map((e) => e.key).join(' ')}`);
        assert.ok(scope.isDeclared(entries[0]!.key), `${name}: the book's own entries come before the digests'`);
        const paper = scope.paper(key)!;
        assert.deepEqual(entry, { key, shortName: paper.shortName, title: truncate(paper.title, 300), meta: paperMeta(paper) }, `${name}: ${key}`);
        checked++;
      }
    }
    assert.ok(checked > 50, `${checked} citations checked`);
    // The digests' own papers, as the engine lists them: a d2l.bib key typed whole comes first.
    for (const paper of library.papers.filter((_, i) => i % 50 === 0)) {
      const [first] = library.completionEntries(paper.key, 10);
      assert.equal(first?.key, paper.key, `${paper.key} typed whole`);
      assert.equal(first!.meta, paperMeta(paper));
    }
  });
});

describe('real Hugging Face papers in the Daily Papers page layout, read back', function () {
  this.timeout(120000);
  before(function () {
    if (!hasCorpus('hf-daily-papers-dev.json')) this.skip();
  });

  it('parses every field back exactly for at least 99.9% of 3,071 papers', () => {
    const objects = readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l.replace(/,\s*$/, '')) as { paper: Record<string, unknown> });
    const { papers: expected } = parseDigest(JSON.stringify(objects), 'hf.json');
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    // As the page shows a paper: title, abstract, "• N authors" (or the organization), "·", date and upvotes.
    const page = ['Daily Papers', '', 'byAK and the research community', '', 'Feb 3', ''];
    for (const p of expected) {
      const [y, m, d] = p.date!.split('-').map(Number);
      const who = p.authors.length ? `  • ${p.authors.length} author${p.authors.length === 1 ? '' : 's'}` : (p.organization ?? '  • 1 author');
      page.push(p.title, '', p.abstract, '', who, '·', `${MONTHS[m! - 1]} ${d}, ${y}${p.upvotes ? ` ${p.upvotes}` : ''}`, '');
    }
    const { papers: read } = parseDigest(page.join('\n'), 'page.txt');
    const byTitle = new Map(read.map((p) => [p.title, p]));
    const wrong: string[] = [];
    for (const p of expected) {
      const back = byTitle.get(p.title);
      const want = { title: p.title, abstract: p.abstract, authorCount: p.authors.length || null, date: p.date, upvotes: p.upvotes };
      const got = back && { title: back.title, abstract: back.abstract, authorCount: back.authorCount, date: back.date, upvotes: back.upvotes };
      if (JSON.stringify(want) !== JSON.stringify(got)) wrong.push(`${p.title.slice(0, 60)}: ${JSON.stringify(got)?.slice(0, 120)}`);
    }
    console.log(`      (${expected.length - wrong.length} of ${expected.length} read back exactly)`);
    assert.ok(wrong.length <= expected.length * 0.001, `${wrong.length} of ${expected.length} read back wrong:\n${wrong.slice(0, 20).join('\n')}`);
  });
});

describe('ordinary prose of a real book, against the names of 3,071 real papers', function () {
  this.timeout(120000);
  before(function () {
    if (!hasCorpus(BOOK) || !hasCorpus('hf-daily-papers-dev.json')) this.skip();
  });

  it('takes at most 1 in 15 of its sentences that contain a paper name which is also a word for a mention of that paper', () => {
    const library = Library.fromDigests([{ path: 'hf.json', text: readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8') }]);
    const weak = new Set<string>();
    for (const p of library.papers) for (const n of [p.shortName, ...p.aliases]) if (n && /^[A-Za-z]+$/.test(n) && isOrdinaryWord(n)) weak.add(n.toLowerCase());
    let traps = 0;
    const taken: string[] = [];
    for (const file of readdirSync(corpusPath(BOOK)).filter((f) => f.endsWith('.Rmd'))) {
      // Prose only: code chunks, inline code and citations are not sentences a reader writes.
      const prose = readFileSync(join(corpusPath(BOOK), file), 'utf8').replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ').replace(/\[[^\]]*@[^\]]*\]/g, ' ');
      for (const sentence of prose.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+/)) {
        if (!(sentence.match(/[A-Za-z]+/g) ?? []).some((w) => weak.has(w.toLowerCase()))) continue;
        traps++;
        const mentions = library.scanNote(sentence).mentions.filter((m) => weak.has(m.text.toLowerCase()));
        if (mentions.length) taken.push(`${mentions.map((m) => m.text).join(', ')} ← ${sentence.slice(0, 120)}`);
      }
    }
    console.log(`      (${taken.length} of ${traps} sentences taken, with ${weak.size} names that are also words)`);
    assert.ok(traps > 200, `only ${traps} sentences to test`);
    assert.ok(taken.length * 15 <= traps, taken.join('\n'));
  });
});

describe('papers named in notes, among 3,118 real papers', function () {
  this.timeout(120000);
  it('finds at least 95% of the papers named in sentences a researcher might write, and takes no other paper in 1 sentence in 15', function () {
    const library = realLibrary(ROOT);
    if (!library) return this.skip();
    const { sentences } = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'named-papers-in-notes.json'), 'utf8')) as { sentences: Array<{ id: string; sentence: string }> };
    const missed: string[] = [];
    const others: string[] = [];
    for (const { id, sentence } of sentences) {
      const paper = library.papers.find((p) => (p.arxivId ?? p.id) === id);
      assert.ok(paper, `not in the corpus: ${id}`);
      const mentions = library.scanNote(sentence).mentions;
      if (!mentions.some((m) => m.key === paper.key)) missed.push(`${paper.shortName}: ${sentence}`);
      const wrong = mentions.filter((m) => m.key !== paper.key);
      if (wrong.length) others.push(`${wrong.map((m) => m.text).join(', ')} ← ${sentence}`);
    }
    console.log(`      (${sentences.length - missed.length} of ${sentences.length} found; another paper taken in ${others.length})`);
    assert.ok(missed.length * 20 <= sentences.length, missed.join('\n'));
    assert.ok(others.length * 15 <= sentences.length, others.join('\n'));
  });
});

describe('search on 3,000 real papers, beside a tuned MiniSearch (bench/ranking.ts)', function () {
  this.timeout(120000);
  let comparison: ReturnType<typeof compareRanking> | undefined;
  before(function () {
    const library = realLibrary(ROOT);
    if (!library) return this.skip();
    comparison = compareRanking(library, 'report');
  });

  it('finds the paper meant by title words, remembered abstract words and names at least as well (MRR within 0.02, top-10 half typed no worse)', () => {
    for (const kind of ['title', 'abstract', 'name'] as const) {
      const { paperDigest: ours, tunedMiniSearch: theirs } = comparison!.byKind[kind]!;
      console.log(`      (${kind}: MRR ${ours.mrr} vs ${theirs.mrr}, top-10 half typed ${ours.top10HalfTyped} vs ${theirs.top10HalfTyped}, ${ours.queries} queries)`);
      assert.ok(ours.mrr >= theirs.mrr - 0.02, `${kind}: MRR ${ours.mrr} vs ${theirs.mrr}`);
      assert.ok(ours.top10HalfTyped >= theirs.top10HalfTyped, `${kind}: half typed ${ours.top10HalfTyped} vs ${theirs.top10HalfTyped}`);
    }
  });
});
