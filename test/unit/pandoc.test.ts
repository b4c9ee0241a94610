import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPapers } from '../../src/core/citationFormat';
import { Library } from '../../src/core/library';
import { newPaper } from '../../src/core/model';
import { citedKeys } from '../../src/core/writing';
import { SEED_PATH, readSeed } from './fixtures';
import { needPandoc } from './pandocTool';

/** Debian's real pandoc reads what Export Bibliography writes: every citation resolves. */
describe('bibliographies pandoc can use', function () {
  this.timeout(30000);
  before(function () {
    needPandoc(this);
  });

  const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);
  const note = [
    '# Reading notes',
    '',
    'Pruning diffusion models [@ldpruner2024; @ppcl2025], quantization [see @efficientqat2024, p. 3],',
    'and in text @lotteryticket2018 says sparse subnetworks train well. MixLoRA [@mixlora] and an',
    'organization as author [@synfacedit2024].',
    '',
  ].join('\n');
  const keys = citedKeys(library.scanNote(note));

  for (const format of ['bibtex', 'csl-json'] as const) {
    it(`resolves every citation from a ${format} export`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-pandoc-'));
      const bib = join(dir, format === 'bibtex' ? 'refs.bib' : 'refs.json');
      writeFileSync(bib, formatPapers(keys.map((k) => library.paper(k)!), format));
      writeFileSync(join(dir, 'note.md'), note);
      const result = spawnSync('pandoc', ['--citeproc', '--bibliography', bib, '-t', 'plain', join(dir, 'note.md')], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /not found/i, result.stderr);
      assert.doesNotMatch(result.stdout, /@\w|\?\?\?/, result.stdout);
      for (const key of keys) assert.match(result.stdout, new RegExp(library.paper(key)!.title.slice(0, 25).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    });
  }

  it('keeps a hostile title inside its BibTeX field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-pandoc-'));
    const evil = newPaper('Evil } @misc{pwned, title={x} % 100% & $5 #1 ~ ^ \\ _ braces {', { path: 'x', line: 0 }, { key: 'evil2024', date: '2024-01-01' });
    writeFileSync(join(dir, 'refs.bib'), formatPapers([evil], 'bibtex'));
    writeFileSync(join(dir, 'note.md'), 'Cite [@evil2024].\n');
    const result = spawnSync('pandoc', ['--citeproc', '--bibliography', join(dir, 'refs.bib'), '-t', 'plain', join(dir, 'note.md')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /not found|pwned/i, result.stderr);
    assert.match(result.stdout, /Evil \} @misc\{pwned, title=\{x\} % 100% & \$5 #1/);
  });
});
