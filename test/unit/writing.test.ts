import assert from 'node:assert/strict';
import { Library } from '../../src/core/library';
import { closestPapers, referenceLines, similarPapers, withReferencesSection } from '../../src/core/writing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bibliographyEntries } from '../../src/core/cslFormat';
import { Paper } from '../../src/core/model';
import { ROOT, SEED_PATH, readSeed } from './fixtures';

const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);

describe('writing with citations', () => {
  it('offers the closest papers for a mistyped key', () => {
    assert.equal(closestPapers(library, 'ldpruner2023')[0]!.key, 'ldpruner2024');
    assert.equal(closestPapers(library, 'efficentqat2024')[0]!.key, 'efficientqat2024');
    assert.equal(closestPapers(library, 'mixlora2024')[0]!.key, 'mixlora');
    assert.deepEqual(closestPapers(library, 'zzz', 3), []); // nothing like it: no guesses
  });

  it('writes a References section in citation order, each paper once', () => {
    const note = '# Notes\n\nPruning [@ldpruner2024; @efficientqat2024] and again @ldpruner2024 and [@unknown2020].\n';
    const out = withReferencesSection(note, library.scanNote(note), library)!;
    assert.match(out, /\n## References\n\n<!-- paper-digest:references .*-->\n1\. 4 authors\. LD-Pruner: Efficient Pruning .* <!-- @ldpruner2024 -->\n2\. 8 authors\. EfficientQAT: .* <!-- @efficientqat2024 -->\n<!-- \/paper-digest:references -->\n$/);
    assert.ok(out.startsWith(note), 'the note before it is untouched');
    assert.deepEqual(referenceLines(out), [7, 8]);
  });

  it('writes the References section in a CSL style when given one, again unchanged on a second run', () => {
    const dir = join(ROOT, 'media', 'csl');
    const style = { xml: readFileSync(join(dir, 'ieee.csl'), 'utf8'), locales: { 'en-US': readFileSync(join(dir, 'locales-en-US.xml'), 'utf8') } };
    const format = (papers: Paper[]) => bibliographyEntries(papers, style);
    const note = 'Pruning [@lotteryticket2018] and [@ldpruner2024].\n';
    const out = withReferencesSection(note, library.scanNote(note), library, format)!;
    // Brackets escaped: "[1]" is text, not a link or a citation.
    assert.match(out, /<!-- paper-digest:references .*-->\n\\\[1\\\] “The Lottery Ticket Hypothesis.*<!-- @lotteryticket2018 -->\n\n\\\[2\\\] “LD-Pruner.*<!-- @ldpruner2024 -->\n\n<!-- \/paper-digest:references -->\n$/);
    assert.equal(withReferencesSection(out, library.scanNote(out), library, format), null);
  });

  it('changes nothing when run twice, and keeps what a person wrote under their own References heading', () => {
    const note = 'See [@mixlora].\n\n## References\n\n1. My own entry, kept.\n\n## Appendix\n\nMore.\n';
    const once = withReferencesSection(note, library.scanNote(note), library)!;
    assert.equal(withReferencesSection(once, library.scanNote(once), library), null);
    assert.match(once, /^See \[@mixlora\]\.\n\n## References\n\n<!-- paper-digest:references .*-->\n1\. MixLoRA: .*<!-- @mixlora -->\n<!-- \/paper-digest:references -->\n\n1\. My own entry, kept\.\n\n## Appendix\n\nMore\.\n$/);
  });

  it('takes over a section the first versions wrote, and replaces only its block later', () => {
    const old = 'See [@mixlora].\n\n## References\n\n1. Stale. <!-- @mixlora -->\n2. Gone. <!-- @ldpruner2024 -->\n\n## Appendix\n';
    const once = withReferencesSection(old, library.scanNote(old), library)!;
    assert.match(once, /^See \[@mixlora\]\.\n\n## References\n\n<!-- paper-digest:references .*-->\n1\. MixLoRA: [^\n]*\n<!-- \/paper-digest:references -->\n\n## Appendix\n$/);
    const cited = once.replace('See [@mixlora].', 'See [@mixlora] and [@ldpruner2024].');
    const twice = withReferencesSection(cited, library.scanNote(cited), library)!;
    assert.match(twice, /1\. MixLoRA: .*\n2\. 4 authors\. LD-Pruner/);
    assert.ok(twice.endsWith('<!-- /paper-digest:references -->\n\n## Appendix\n'));
  });

  it('does nothing for a note without citations or a section', () => {
    const note = 'Plain note.\n';
    assert.equal(withReferencesSection(note, library.scanNote(note), library), null);
  });

  it('finds the other diffusion pruning paper similar to LD-Pruner, with a reason', () => {
    const similar = similarPapers(library, library.paper('ldpruner2024')!, 5);
    const ppcl = similar.find((s) => s.paper.key === 'ppcl2025');
    assert.ok(ppcl, similar.map((s) => s.paper.key).join());
    assert.match(ppcl.reason, /Pruning/);
    assert.ok(!similar.some((s) => s.paper.key === 'ldpruner2024'));
  });

  it('finds other LoRA papers similar to IncreLoRA', () => {
    const similar = similarPapers(library, library.paper('increlora2023')!, 5).map((s) => s.paper);
    const lora = similar.filter((p) => p.techniques.includes('lora'));
    assert.ok(lora.length >= 2, similar.map((p) => `${p.key}:${p.techniques}`).join(' '));
  });
});
