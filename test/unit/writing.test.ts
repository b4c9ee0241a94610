import assert from 'node:assert/strict';
import { Library } from '../../src/core/library';
import { closestPapers, referenceLines, similarPapers, withReferencesSection } from '../../src/core/writing';
import { SEED_PATH, readSeed } from './fixtures';

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
    assert.match(out, /\n## References\n\n1\. 4 authors\. LD-Pruner: Efficient Pruning .* <!-- @ldpruner2024 -->\n2\. 8 authors\. EfficientQAT: .* <!-- @efficientqat2024 -->\n$/);
    assert.deepEqual(referenceLines(out), [6, 7]);
  });

  it('changes nothing when run twice, and replaces an old section in place', () => {
    const note = 'See [@mixlora].\n\n## References\n\n1. stale entry\n\n## Appendix\n\nMore.\n';
    const once = withReferencesSection(note, library.scanNote(note), library)!;
    const twice = withReferencesSection(once, library.scanNote(once), library)!;
    assert.equal(twice, once);
    assert.ok(!once.includes('stale entry'));
    assert.match(once, /## References\n\n1\. MixLoRA: .*<!-- @mixlora -->\n\n## Appendix\n\nMore\.\n$/);
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
