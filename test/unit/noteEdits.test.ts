import assert from 'node:assert/strict';
import { CitationStyle } from '../../src/core/citationFormat';
import { TextEdit, citationEdits } from '../../src/core/citationInsert';
import { Library } from '../../src/core/library';
import { newPaper } from '../../src/core/model';
import { LineIndex } from '../../src/core/positions';
import { REFERENCES_END, REFERENCES_START, referencesEdit } from '../../src/core/writing';
import { SEED_PATH, readSeed } from './fixtures';
import { hasPandoc, pandoc } from './pandocTool';

/**
 * Every edit command on tricky notes, byte for byte: an edit only ever inserts, or
 * replaces the block Paper Digest owns; running it twice changes nothing more.
 */

const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);

const NOTES: Record<string, string> = {
  'a References heading inside a code fence': '# Notes\n\nSee [@ldpruner2024].\n\n```markdown\n## References\n# not a heading\n```\n\nAfter the fence.\n',
  'front matter with a YAML comment': '---\ntitle: x\n# References\nbibliography: []\n---\n\nCites [@mixlora] here.\n',
  'a References section a person wrote, with subsections': '# Paper\n\nWe build on [@efficientqat2024].\n\n## References\n\nMy prose about sources.\n\n### Books\n\n- A book I love.\n\n### Talks\n\nA talk.\n',
  'footnote definitions at the end': 'Text[^ldpruner2024] and [@mixlora].\n\n[^ldpruner2024]: A footnote someone wrote.\n',
  'an HTML block that mentions References': '<div>\n## References\n</div>\n\nCited [@ppcl2025].\n',
  'emoji, CJK and no final newline': '# 笔记 🚀\n\n剪枝 [@ldpruner2024] 👍 and more',
  'a block already there, followed by an appendix': `See [@mixlora].\n\n## References\n\n${REFERENCES_START}\n1. stale\n${REFERENCES_END}\n\n## Appendix\n\nKeep me.\n`,
  'nothing cited': 'Just prose, no citation.\n',
};

const variants: Record<string, (text: string) => string> = {
  LF: (t) => t,
  CRLF: (t) => t.replace(/\n/g, '\r\n'),
  BOM: (t) => `\uFEFF${t}`,
  'no final newline': (t) => t.replace(/\n+$/, ''),
};

function apply(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  // From the end, so that earlier offsets stay valid.
  const sorted = [...edits].sort((a, b) => lines.offset(b.range.start) - lines.offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offset(e.range.start)) + e.newText + out.slice(lines.offset(e.range.end));
  return out;
}

/** An edit may insert anywhere, and replace nothing but Paper Digest's own block. */
function assertOwnsOnlyItsBlock(text: string, edit: TextEdit, where: string): void {
  const lines = new LineIndex(text);
  const replaced = text.slice(lines.offset(edit.range.start), lines.offset(edit.range.end));
  if (replaced === '') return;
  assert.ok(replaced.startsWith(REFERENCES_START) && replaced.endsWith(REFERENCES_END), `${where}: replaced ${JSON.stringify(replaced)}`);
  assert.equal(replaced.indexOf(REFERENCES_START, 1), -1, where);
}

describe('edits that touch only what they own', () => {
  for (const [name, note] of Object.entries(NOTES)) {
    for (const [variant, make] of Object.entries(variants)) {
      const where = `${name} (${variant})`;
      const text = make(note);

      it(`Update References Section: ${where}`, () => {
        const edit = referencesEdit(text, library.scanNote(text), library);
        if (name === 'nothing cited') return assert.equal(edit, null);
        assert.ok(edit, where);
        assertOwnsOnlyItsBlock(text, edit, where);
        const once = apply(text, [edit]);
        if (variant === 'CRLF') assert.ok(!/[^\r]\n/.test(once), `${where}: line endings kept`);
        if (variant === 'BOM') assert.ok(once.startsWith('\uFEFF'));
        assert.equal(referencesEdit(once, library.scanNote(once), library), null, `${where}: a second run changes nothing`);
        // What the block lists: the cited papers the library knows, each once.
        const listed = [...once.matchAll(/<!-- @([^ ]+) -->/g)].map((m) => m[1]);
        const cited = [...new Set(library.scanNote(text).citations.map((c) => c.key))].filter((k) => library.paper(k));
        assert.deepEqual(listed, cited, where);
      });

      for (const style of ['pandoc', 'footnote', 'link'] as CitationStyle[]) {
        it(`Insert Citation (${style}): ${where}`, () => {
          const lines = new LineIndex(text);
          const at = lines.position(text.indexOf('[@') >= 0 ? text.indexOf('[@') : text.length);
          const paper = library.paper('efficientqat2024')!;
          const edits = citationEdits(text, library.scanNote(text), at, [paper], style);
          for (const e of edits) assert.equal(lines.offset(e.range.start), lines.offset(e.range.end), `${where}: insertions only`);
          const once = apply(text, edits);
          const again = citationEdits(once, library.scanNote(once), new LineIndex(once).position(new LineIndex(once).offset(at)), [paper], style);
          const twice = apply(once, again);
          if (style === 'footnote') assert.equal(twice.split('[^efficientqat2024]:').length - 1, 1, `${where}: one definition`);
          // The note's own text is all still there, in order.
          let from = 0;
          for (const piece of text.split(/\[@[^\]]*\]|\n/).filter((p) => p.length > 3)) {
            const found = twice.indexOf(piece, from);
            assert.ok(found >= 0, `${where}: lost ${JSON.stringify(piece)}`);
            from = found;
          }
        });
      }
    }
  }

  it('writes digest text that neither pandoc nor our scanner reads as markup', function () {
    const hostile = newPaper('Evil @ldpruner2024 ~sub~ ^sup^ [x](javascript:y) <b>bold</b> $x$ {.cls} &amp; #tag', { path: 'h', line: 0 }, { key: 'evil2024', date: '2024-01-01' });
    const lookup = { paper: (k: string) => (k === 'evil2024' ? hostile : library.paper(k)) };
    const note = 'Cite [@evil2024].\n';
    const scan = { citations: library.scanNote(note).citations.map((c) => c), mentions: [] };
    const out = apply(note, [referencesEdit(note, scan, lookup)!]);
    assert.deepEqual(library.scanNote(out).citations.map((c) => c.key), ['evil2024'], 'no phantom citation of ldpruner2024');
    if (!hasPandoc) return this.skip();
    const plain = pandoc(['-f', 'markdown', '-t', 'plain', '--wrap=none'], out).stdout;
    assert.match(plain, /Evil @ldpruner2024 ~sub~ \^sup\^ \[x\]\(javascript:y\) <b>bold<\/b> \$x\$ \{\.cls\} &amp; #tag/);
  });
});
