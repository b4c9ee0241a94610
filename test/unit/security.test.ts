import assert from 'node:assert/strict';
import { markup } from '../markup';
import { formatCitation, formatCslJson, formatLinkCitation } from '../../src/core/citationFormat';
import { parseDigest } from '../../src/core/digest';
import { Library } from '../../src/core/library';
import { Paper } from '../../src/core/model';
import { paperCardMarkdown } from '../../src/core/paperCard';
import { renderPaperCardHtml } from '../../src/vscode/paperCardHtml';
import { REFERENCES_END, REFERENCES_START, withReferencesSection } from '../../src/core/writing';
import { readFixture } from './fixtures';


const HOSTILE = 'test/fixtures/digests/hostile.txt';
const library = Library.fromDigests([{ path: HOSTILE, text: readFixture('digests/hostile.txt') }]);
const [commandTitle, bibtexTitle, htmlTitle] = library.papers as [Paper, Paper, Paper];
const huge: Paper = { ...htmlTitle, abstract: `${'A very long abstract. '.repeat(100000)}`, title: `T${'itle '.repeat(100000)}` };
const OWN_COMMAND = /^command:paperDigest\.(insertCitation|openPaper|showInTree|findSimilar)\?/;

describe('untrusted digests', () => {
  it('reads the hostile fixture as three ordinary papers', () => {
    assert.equal(library.papers.length, 3);
    assert.match(commandTitle.title, /^\[click\]\(command:workbench\.action\.terminal\.sendSequence/);
  });

  it('hover cards show digest text as text: no foreign link, no HTML', () => {
    for (const paper of [...library.papers, huge]) {
      const card = paperCardMarkdown(paper, library.taxonomy, [{ title: 'Insert citation', command: 'paperDigest.insertCitation', args: [paper.key] }]);
      const { links, html } = markup(card);
      assert.deepEqual(html, [], card.slice(0, 500));
      for (const link of links) assert.ok(/^https?:\/\//.test(link) || OWN_COMMAND.test(link), `unexpected link ${link}`);
    }
    const card = paperCardMarkdown(commandTitle, library.taxonomy);
    assert.ok(card.includes('command\\:workbench'), 'the payload is shown, escaped, as text');
  });

  it('cuts huge fields for display', () => {
    const card = paperCardMarkdown(huge, library.taxonomy);
    assert.ok(card.length < 3000, `${card.length} characters`);
    const html = renderPaperCardHtml(huge, library.taxonomy, 'vscode-resource:', 'NONCE');
    assert.ok(html.length < 30000, `${html.length} characters`);
  });

  it('the paper card page escapes every value and allows no script but its own', () => {
    for (const paper of library.papers) {
      const html = renderPaperCardHtml(paper, library.taxonomy, 'vscode-resource:', 'NONCE123');
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src vscode-resource:; style-src 'nonce-NONCE123'; script-src 'nonce-NONCE123';">/);
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      assert.deepEqual(scripts, ['<script nonce="NONCE123">']);
      // No element but the page's own: the payload's tags arrive as &#60;…&#62; text.
      assert.doesNotMatch(html, /<img|<b>|<a [^>]*href="(?!#")|<[^>]*\son\w+=/);
      if (/[<>]/.test(paper.title + paper.abstract)) assert.match(html, /&#60;\w/);
    }
  });

  it('citations written into a note stay inert', () => {
    for (const paper of library.papers) {
      const { text, definitions } = formatCitation([paper], 'footnote');
      const link = formatLinkCitation(paper);
      const all = [text, ...definitions, link].join('\n\n');
      const { links, html } = markup(all);
      assert.deepEqual(html, []);
      for (const url of links) assert.match(url, /^https:\/\//);
    }
    const note = library.papers.map((p) => `[@${p.key}]`).join(' ');
    const withReferences = withReferencesSection(note, library.scanNote(note), library)!;
    const { links, html } = markup(withReferences);
    // Only Paper Digest's own comments: the block's two markers and each line's key.
    assert.deepEqual(html.filter((h) => !/^<!-- @[a-z0-9]+ -->$/.test(h) && h !== REFERENCES_START && h !== REFERENCES_END), []);
    // Our own scanner reads no citation in what the References block says about the papers.
    assert.equal(library.scanNote(withReferences).citations.length, library.papers.length);
    for (const url of links) assert.match(url, /^https:\/\//);
  });

  it('CSL-JSON keeps hostile text inside its strings', () => {
    const items = JSON.parse(formatCslJson(library.papers)) as Array<{ title: string }>;
    assert.equal(items[1]!.title, bibtexTitle.title);
  });

  it('gives a BibTeX entry whose key pandoc cannot cite a key of its own', () => {
    // `]` would close the `[@…]` it is written into; the parser accepts it in a key.
    const bib = '@article{key]x,\n  title = {A Title},\n  year = 2024\n}\n';
    const { papers, problems } = parseDigest(bib, 'evil.bib');
    assert.equal(papers.length, 1);
    assert.equal(papers[0]!.key, '');
    assert.match(problems[0]!.message, /citation key no note can cite \("key\]x"\)/);
    assert.equal(Library.fromDigests([{ path: 'evil.bib', text: bib }]).papers[0]!.key, 'title2024');
  });
});
