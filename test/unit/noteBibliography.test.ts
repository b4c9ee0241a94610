import assert from 'node:assert/strict';
import { CitationScope } from '../../src/core/citationScope';
import { parseDigest } from '../../src/core/digest';
import { Library } from '../../src/core/library';
import { NoteBibliographies, ProjectFiles, joinPath } from '../../src/core/noteBibliography';
import { SEED_PATH, readSeed } from './fixtures';

/** The bibliographies notes declare, found with no setting, over an in-memory project. */

class MemoryFiles implements ProjectFiles {
  reads = 0;
  constructor(readonly files: Record<string, string>) {}
  async read(path: string): Promise<string | undefined> {
    this.reads++;
    return this.files[path];
  }
}

const BIB = '@article{smith2020, title = {Cheap Models}, author = {Smith, Ann}, year = {2020}}\n@book{jones2019, title = {Big Models}, author = {Jones, Bo}, year = {2019}}\n';
const CSL = '[{"id": "lee2021", "type": "article-journal", "title": "Small Models", "issued": {"date-parts": [[2021]]}}]';
const seed = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);

async function scopeOf(files: Record<string, string>, note: string, root = '/w'): Promise<CitationScope> {
  const bibliographies = new NoteBibliographies(new MemoryFiles(files), parseDigest, root);
  return new CitationScope(seed, await bibliographies.resolve(note, files[note]!));
}

describe('bibliographies a note declares', () => {
  it('reads front matter: one path or a list, relative to the note, and inline references', async () => {
    const note = '---\ntitle: Notes\nbibliography: [../refs/main.bib, extra.json]\nreferences:\n  - id: inline2022\n    title: Inline Work\n    type: book\n---\nSee [@smith2020; @lee2021], @inline2022 and [@ldpruner2024].\n';
    const scope = await scopeOf({ '/w/notes/n.md': note, '/w/refs/main.bib': BIB, '/w/notes/extra.json': CSL }, '/w/notes/n.md');
    assert.deepEqual(scope.bibliography.problems, []);
    const keys = (await scope.scanNote(note)).citations.map((c) => c.key);
    assert.deepEqual(keys, ['smith2020', 'lee2021', 'inline2022', 'ldpruner2024']);
    assert.ok(keys.every((k) => scope.isKnown(k)), 'declared entries and the digests alike');
    assert.ok(scope.isDeclared('smith2020') && !scope.isDeclared('ldpruner2024'));
    assert.equal(scope.paper('inline2022')!.title, 'Inline Work');
    assert.deepEqual((await scope.completions('smi')).map((p) => p.key).slice(0, 1), ['smith2020']);
    assert.ok((await scope.completions('big')).some((p) => p.key === 'jones2019'), 'title words');
  });

  it('takes a Quarto project\'s bibliography from _quarto.yml, and the nearest _metadata.yml over it', async () => {
    const files = {
      '/w/book/_quarto.yml': 'project:\n  type: book\nbibliography: references.bib\n',
      '/w/book/references.bib': BIB,
      '/w/book/chapters/intro.qmd': 'As @smith2020 showed (@fig-plot, @sec-intro, @tbl-x).\n',
      '/w/book/part2/_metadata.yml': 'bibliography: ../other.json\n',
      '/w/book/other.json': CSL,
      '/w/book/part2/deep/ch.qmd': 'See @lee2021 and @smith2020.\n',
    };
    const intro = await scopeOf(files, '/w/book/chapters/intro.qmd');
    const scan = await intro.scanNote(files['/w/book/chapters/intro.qmd']);
    assert.deepEqual(scan.citations.map((c) => c.key), ['smith2020'], 'cross-references are not citations');
    assert.ok(intro.isKnown('smith2020'));
    const deep = await scopeOf(files, '/w/book/part2/deep/ch.qmd');
    assert.ok(deep.isKnown('lee2021'));
    assert.ok(!deep.isKnown('smith2020'), 'the nearer _metadata.yml wins, as in Quarto');
  });

  it('gives an R Markdown chapter the bibliography of its book\'s index.Rmd', async () => {
    const files = {
      '/w/book/index.Rmd': '---\ntitle: "A Book"\nbibliography: [refs.bib]\n---\n# Preface\n',
      '/w/book/refs.bib': BIB,
      '/w/book/02-models.Rmd': 'Models [@jones2019] in Figure \\@ref(fig:plot) and Chapter \\@ref(intro).\n',
    };
    const scope = await scopeOf(files, '/w/book/02-models.Rmd');
    assert.deepEqual((await scope.scanNote(files['/w/book/02-models.Rmd'])).citations.map((c) => c.key), ['jones2019']);
    assert.ok(scope.isKnown('jones2019'));
  });

  it('a note\'s own front matter wins over its project', async () => {
    const files = {
      '/w/_quarto.yml': 'bibliography: project.bib\n',
      '/w/project.bib': BIB,
      '/w/n.qmd': '---\nbibliography: own.json\n---\n@lee2021 @smith2020\n',
      '/w/own.json': CSL,
    };
    const scope = await scopeOf(files, '/w/n.qmd');
    assert.ok(scope.isKnown('lee2021'));
    assert.ok(!scope.isKnown('smith2020'));
  });

  it('names the file and line of a missing bibliography and of malformed YAML, and loads the rest', async () => {
    const note = '---\ntitle: x\nbibliography:\n  - missing.bib\n  - refs.bib\n---\n@smith2020\n';
    const scope = await scopeOf({ '/w/n.md': note, '/w/refs.bib': BIB }, '/w/n.md');
    assert.deepEqual(scope.bibliography.problems.map((p) => [p.path, p.line]), [['/w/n.md', 2]]);
    assert.match(scope.bibliography.problems[0]!.message, /The bibliography \/w\/missing\.bib declared at line 3 does not exist/);
    assert.ok(scope.isKnown('smith2020'));

    const broken = await scopeOf({ '/w/_quarto.yml': 'project:\n  type: book\nbibliography: [refs.bib\n', '/w/n.qmd': '@smith2020\n', '/w/refs.bib': BIB }, '/w/n.qmd');
    assert.equal(broken.bibliography.problems[0]!.path, '/w/_quarto.yml');
    assert.match(broken.bibliography.problems[0]!.message, /YAML error at line \d+/);
    assert.ok(broken.isKnown('ldpruner2024'), 'the digests still answer');
    const badNote = await scopeOf({ '/w/n.md': '---\nbibliography: [a.bib\n---\ntext\n' }, '/w/n.md');
    assert.equal(badNote.bibliography.problems[0]!.line, 1, 'front matter lines count from the file\'s first line');
  });

  it('reads each bibliography once until told it changed', async () => {
    const files = new MemoryFiles({ '/w/n.md': '---\nbibliography: refs.bib\n---\n', '/w/refs.bib': BIB });
    const bibliographies = new NoteBibliographies(files, parseDigest, '/w');
    await bibliographies.resolve('/w/n.md', files.files['/w/n.md']!);
    const reads = files.reads;
    await bibliographies.resolve('/w/n.md', files.files['/w/n.md']!);
    assert.equal(files.reads, reads, 'positive control below: a change is read again');
    files.files['/w/refs.bib'] = '@misc{new2024, title = {New}, year = {2024}}';
    bibliographies.invalidate('/w/refs.bib');
    const after = await bibliographies.resolve('/w/n.md', files.files['/w/n.md']!);
    assert.deepEqual(after.papers.map((p) => p.key), ['new2024']);
  });

  it('joins paths the way the note means them', () => {
    assert.equal(joinPath('/w/notes', '../refs/a.bib'), '/w/refs/a.bib');
    assert.equal(joinPath('/w/notes', './a.bib'), '/w/notes/a.bib');
    assert.equal(joinPath('/w/notes', '/abs/a.bib'), '/abs/a.bib');
  });
});

describe('names in prose, as the writer wants them read', () => {
  const note = 'MixLoRA and LD-Pruner both prune; see [@ldpruner2024].\n';

  it('finds names by default, none with mentions off, and not the names a user silenced', async () => {
    assert.deepEqual((await new CitationScope(seed).scanNote(note)).mentions.map((m) => m.text), ['MixLoRA', 'LD-Pruner']);
    assert.deepEqual((await new CitationScope(seed, undefined, { enabled: false }).scanNote(note)).mentions, []);
    const silenced = await new CitationScope(seed, undefined, { ignoredNames: new Set(['mixlora']) }).scanNote(note);
    assert.deepEqual(silenced.mentions.map((m) => m.text), ['LD-Pruner']);
    assert.deepEqual(silenced.citations.map((c) => c.key), ['ldpruner2024'], 'citations are never silenced');
  });
});
