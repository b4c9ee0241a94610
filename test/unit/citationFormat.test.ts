import assert from 'node:assert/strict';
import { escapeBibtex, formatBibtex, formatCitation, formatCslJson, formatLinkCitation, formatPapers, formatReference } from '../../src/core/citationFormat';
import { Library } from '../../src/core/library';
import { Paper } from '../../src/core/model';
import { SEED_PATH, readSeed } from './fixtures';

const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);
const ld = library.paper('ldpruner2024')!;
const qat = library.paper('efficientqat2024')!;

describe('citation formats', () => {
  it('writes pandoc citations, one or several', () => {
    assert.equal(formatCitation([ld], 'pandoc').text, '[@ldpruner2024]');
    assert.equal(formatCitation([ld, qat], 'pandoc').text, '[@ldpruner2024; @efficientqat2024]');
  });

  it('writes footnote references with a definition per paper', () => {
    const { text, definitions } = formatCitation([ld, qat], 'footnote');
    assert.equal(text, '[^ldpruner2024][^efficientqat2024]');
    assert.equal(definitions.length, 2);
    // A copied page gives the number of authors and no link of the paper's own: the code repository is not one.
    assert.equal(definitions[1]!, '[^efficientqat2024]: 8 authors. EfficientQAT: Efficient Quantization-Aware Training for Large Language Models (2024).');
  });

  it('writes a Markdown link to the paper\'s own page, escaping brackets, and never to a guess', () => {
    const withArxiv = { ...qat, arxivId: '2407.11062' } as Paper;
    assert.equal(formatLinkCitation(withArxiv), '[EfficientQAT](<https://arxiv.org/abs/2407.11062>)');
    const odd = { ...ld, shortName: 'A]B', arxivId: null, doi: '10.1/x', url: null } as Paper;
    assert.equal(formatLinkCitation(odd), '[A\\]B](<https://doi.org/10.1/x>)');
    // No link of its own (a code repository is not one): cited the pandoc way, not linked to a search.
    assert.equal(formatLinkCitation(qat), 'EfficientQAT [@efficientqat2024]');
  });

  it('ends an author list with "et al." once', () => {
    const many = { ...ld, authors: ['A One', 'B Two', 'C Three', 'D Four'], creators: [], authorCount: 4 } as Paper;
    assert.match(formatReference(many), /^A One, B Two, C Three et al\. LD-Pruner/);
  });

  it('writes a BibTeX entry whose braces always balance', () => {
    const bib = formatBibtex(qat);
    assert.match(bib, /^@misc\{efficientqat2024,\n  title = \{\{EfficientQAT: Efficient Quantization-Aware Training for Large Language Models\}\},/);
    assert.match(bib, /year = \{2024\}/);
    const hostile = { ...qat, title: 'Evil } @misc{x, title={pwned} % 100% & $5 #1 ~ ^ \\ _' } as Paper;
    const text = formatBibtex(hostile);
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
      assert.ok(depth >= 0, text);
    }
    assert.equal(depth, 0);
    assert.equal(escapeBibtex('50% & {x}'), '50\\% \\& \\{x\\}');
  });

  it('writes CSL-JSON items that pandoc --citeproc reads', () => {
    const items = JSON.parse(formatCslJson([ld, library.paper('synfacedit2024')!])) as Array<Record<string, unknown>>;
    assert.equal(items[0]!.id, 'ldpruner2024');
    assert.equal(items[0]!.type, 'article');
    assert.deepEqual(items[0]!.issued, { 'date-parts': [[2024, 4, 18]] });
    assert.deepEqual(items[1]!.author, [{ literal: 'umassnlp UMass NLP' }]);
  });

  it('gives undated papers no date rather than a wrong one', () => {
    const mixlora = library.paper('mixlora')!;
    assert.ok(!/year/.test(formatBibtex(mixlora)));
    assert.equal((JSON.parse(formatPapers([mixlora], 'csl-json')) as Array<Record<string, unknown>>)[0]!.issued, undefined);
  });
});
