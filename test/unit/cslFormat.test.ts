import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_CSL_LOCALES, BUNDLED_CSL_STYLES } from '../../src/core/bundled';
import { PANDOC_KEY_SOURCE } from '../../src/core/citationKeys';
import { CslStyle, citeItems, formatBibliography, renderCitations, sentenceCase } from '../../src/core/cslFormat';
import { parseDigest } from '../../src/core/digest';
import { ROOT, corpusPath, hasCorpus } from './fixtures';
import { needPandoc, pandoc } from './pandocTool';

const CSL_DIR = join(ROOT, 'media', 'csl');
function bundledStyle(name: string): CslStyle {
  return {
    xml: readFileSync(join(CSL_DIR, `${name}.csl`), 'utf8'),
    locales: Object.fromEntries(BUNDLED_CSL_LOCALES.map((l) => [l, readFileSync(join(CSL_DIR, `locales-${l}.xml`), 'utf8')])),
  };
}

/** The same entries through pandoc --citeproc with the same style, one entry a line. */
function pandocBibliography(bibPath: string, style: string): string[] {
  const result = pandoc(['-f', 'markdown', '--citeproc', '--bibliography', bibPath, '--csl', join(CSL_DIR, `${style}.csl`), '-t', 'plain', '--wrap=none'], "---\nnocite: '@*'\n---\n");
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.split(/\n\s*\n/).map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

describe('references in a CSL style', () => {
  it('reads BibTeX titles in sentence case as pandoc does, braced words and capitals kept', () => {
    assert.equal(sentenceCase('On the Theory of Dynamic Programming'), 'On the theory of dynamic programming');
    assert.equal(sentenceCase('{TensorFlow}: A System for Large-Scale Machine Learning'), 'TensorFlow: A system for large-scale machine learning');
    assert.equal(sentenceCase('Flamingo: a Visual Language Model for Few-Shot Learning'), 'Flamingo: A visual language model for few-shot learning');
    assert.equal(sentenceCase('Aleatory or Epistemic? Does It Matter?'), 'Aleatory or epistemic? Does it matter?');
    assert.equal(sentenceCase('Learning with {B}ayesian {GANs} -- a Study'), 'Learning with Bayesian GANs – a study');
    assert.equal(sentenceCase('cuDNN: Efficient Primitives'), 'CuDNN: Efficient primitives');
  });

  it('formats a bibliography with every bundled style, in the style\'s order', () => {
    const bib = '@article{b, title={Second Paper}, author={Zed, Ann}, journal={J}, year={2020}}\n@article{a, title={First Paper}, author={Able, Bob and others}, journal={J}, year={2019}}';
    const papers = parseDigest(bib, 'x.bib').papers;
    for (const name of BUNDLED_CSL_STYLES) {
      const entries = formatBibliography(papers, bundledStyle(name));
      assert.equal(entries.length, 2, name);
    }
    const apa = formatBibliography(papers, bundledStyle('apa'));
    assert.deepEqual(apa, ['Able, B., & al., et. (2019). First paper. J.', 'Zed, A. (2020). Second paper. J.']);
  });

  it('reads citation groups as pandoc does (prefix, locator, suffix, suppressed author) and renders them numbered in order', () => {
    const key = new RegExp(PANDOC_KEY_SOURCE, 'u');
    assert.deepEqual(citeItems('see @a, pp. 33-35 and later; -@b; @{c:d}, chap. 2', key), [
      { key: 'a', prefix: 'see', label: 'page', locator: '33-35', suffix: 'and later' },
      { key: 'b', suppressAuthor: true },
      { key: 'c:d', label: 'chapter', locator: '2' },
    ]);
    const papers = parseDigest('@article{a, title={First}, author={Able, Bob}, journal={J}, year={2019}}\n@article{b, title={Second}, author={Zed, Ann}, journal={J}, year={2020}}', 'x.bib').papers;
    const byKey = new Map(papers.map((p) => [p.key, p]));
    const { groups, bibliography } = renderCitations([[{ key: 'b' }], [{ key: 'a', locator: '3', label: 'page' }, { key: 'nosuch' }]], (k) => byKey.get(k), bundledStyle('ieee'));
    assert.deepEqual(groups, ['[1]', '[2, p. 3]']);
    assert.deepEqual(bibliography.map((e) => e.key), ['b', 'a']);
    assert.match(bibliography[0]!.html, /A\. Zed, “Second,”/);
  });

  it('reads BibTeX fields as pandoc does: accents, control spaces, quotes and math; theses, editors, publishers, series numbers and a year with a letter', function () {
    const bib = [
      "@article{legendre, title = {M\\'emoire sur les Op\\'erations}, author = {Legendre, A. M.}, journal = {Rend.\\ Accad.\\ Lincei}, volume = {26}, number = {1-2}, pages = {39--45}, year = {1805}}",
      "@article{zfw, title = {Score-Based Models and the ``echo state network'' Approach}, author = {Stone, Charles}, journal = {Zeitschrift f{\\\"u}r Wahrscheinlichkeitstheorie}, year = {1982}}",
      '@phdthesis{thesis, title = {Learning Deep Models}, author = {Doe, Jane}, school = {CMU}, year = {2019}}',
      '@inproceedings{repr, title = {A Generalized Representer Theorem}, author = {Sch{\\"o}lkopf, B.}, booktitle = {Proceedings of the {A}nnual {C}onference on Learning Theory}, editor = {D.~P.~Helmbold and B.~Williamson}, pages = {416-426}, publisher = {Springer-Verlag}, year = 2001}',
      '@book{silverman, title = {Density Estimation}, author = {Silverman, B. W.}, publisher = {Chapman and {H}all}, number = {3}, year = 1986}',
      '@article{llama, title = {L{L}a{MA}: Open Models}, author = {Touvron, Hugo}, journal = {Ar{X}iv:2302.13971}, year = {2023a}}',
      '@inproceedings{vit, title = {An image is worth $16\\times 16$ words}, author = {Dosovitskiy, Alexey}, booktitle = {International Conference on Learning Representations}, year = {2021}}',
    ].join('\n');
    // pandoc 2.17's output for these entries with the bundled APA style, word for word.
    const expected = [
      'Doe, J. (2019). Learning deep models [PhD thesis]. CMU.',
      'Dosovitskiy, A. (2021). An image is worth 16 × 16 words. International Conference on Learning Representations.',
      'Legendre, A. M. (1805). Mémoire sur les opérations. Rend. Accad. Lincei, 26(1-2), 39–45.',
      'Schölkopf, B. (2001). A generalized representer theorem. In D. P. Helmbold & B. Williamson (Eds.), Proceedings of the Annual Conference on learning theory (pp. 416–426). Springer-Verlag.',
      'Silverman, B. W. (1986). Density estimation. Chapman; Hall.',
      'Stone, C. (1982). Score-based models and the “echo state network” approach. Zeitschrift für Wahrscheinlichkeitstheorie.',
      'Touvron, H. (2023a). LLaMA: Open models. ArXiv:2302.13971.',
    ];
    assert.deepEqual(formatBibliography(parseDigest(bib, 'x.bib').papers, bundledStyle('apa')), expected);
  });

  it('reads a field given by an @string macro as the macro says', () => {
    const bib = '@string{jmlr = {Journal of Machine Learning Research}}\n@article{a, title = {Dropout}, author = {Srivastava, Nitish}, journal = jmlr, volume = 15, year = 2014}';
    assert.deepEqual(formatBibliography(parseDigest(bib, 'x.bib').papers, bundledStyle('apa')), ['Srivastava, N. (2014). Dropout. Journal of Machine Learning Research, 15.']);
  });

  it('matches pandoc --citeproc on two real libraries, for each bundled style (measured)', function () {
    this.timeout(300000);
    if (!hasCorpus('d2l.bib') || !hasCorpus('tmwr')) return this.skip();
    needPandoc(this);
    // d2l.bib (488 entries) is the library the issue measures, at least 0.95 a style; measured: apa 0.973, ieee 0.967,
    // chicago-author-date 0.959, vancouver 0.971, harvard 0.977. The TMwR book's library (101 entries), never tuned on:
    // apa 0.96, ieee 0.81, chicago-author-date 0.97, vancouver 0.93, harvard 0.98. What is left is mostly where
    // citeproc-js and pandoc's citeproc differ: IEEE's "[Online]" (citeproc-js prints a group of terms whose
    // sibling variable is empty), pandoc's Chicago and Vancouver page ranges ("1–1" for 1-11), title case after
    // a dot ("Data.frame"), "and others", and malformed names.
    const floors: Record<string, Record<string, number>> = {
      'd2l.bib': { apa: 0.95, ieee: 0.95, 'chicago-author-date': 0.95, vancouver: 0.95, 'harvard-cite-them-right': 0.95 },
      'tmwr/TMwR.bib': { apa: 0.93, ieee: 0.78, 'chicago-author-date': 0.93, vancouver: 0.9, 'harvard-cite-them-right': 0.93 },
    };
    for (const [library, floor] of Object.entries(floors)) {
      const path = corpusPath(library);
      const papers = parseDigest(readFileSync(path, 'utf8'), path).papers;
      for (const name of BUNDLED_CSL_STYLES) {
        const theirs = pandocBibliography(path, name);
        const ours = formatBibliography(papers, bundledStyle(name));
        const same = new Set(theirs);
        const identical = ours.filter((o) => same.has(o)).length / theirs.length;
        console.log(`      (${library}, ${name}: ${ours.filter((o) => same.has(o)).length} of ${theirs.length} entries identical to pandoc's, ${identical.toFixed(3)})`);
        assert.equal(ours.length, theirs.length, name);
        assert.ok(identical >= floor[name]!, `${library}, ${name}: ${identical.toFixed(3)}`);
      }
    }
  });
});
