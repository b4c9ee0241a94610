import assert from 'node:assert/strict';
import { Library } from '../../src/core/library';
import { Range } from '../../src/core/model';
import { scanNote } from '../../src/core/noteScanner';
import { SEED_PATH, readFixture, readSeed } from './fixtures';

const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);
const note = readFixture('notes/pruning-notes.md');
const lines = note.split('\n');

/** The text a range covers in the note. */
function textAt(range: Range): string {
  if (range.start.line === range.end.line) return lines[range.start.line]!.slice(range.start.character, range.end.character);
  return [lines[range.start.line]!.slice(range.start.character), ...lines.slice(range.start.line + 1, range.end.line), lines[range.end.line]!.slice(0, range.end.character)].join('\n');
}

describe('scanNote', () => {
  const scan = library.scanNote(note);

  it('finds bracketed, grouped, multi-line and in-text citations with 0-based ranges', () => {
    const keys = scan.citations.map((c) => c.key);
    assert.deepEqual(keys, ['ldpruner2024', 'lotteryticket2018', 'ppcl2025', 'lotteryticket2018', 'ldpruner2024', 'efficientqat2024', 'nosuchpaper2020', 'increlora2023']);
    for (const c of scan.citations) {
      assert.equal(textAt(c.keyRange), c.key);
      assert.ok(['@', '['].includes(textAt(c.range)[0]!));
    }
    const first = scan.citations[0]!;
    assert.deepEqual(first.range.start, { line: 7, character: 60 });
    assert.equal(textAt(first.group!), '[@ldpruner2024]');
  });

  it('reads a group with prefix and locator as one group', () => {
    const [, a, b] = scan.citations;
    assert.equal(textAt(a!.group!), '[see @lotteryticket2018, p. 3; also @ppcl2025]');
    assert.deepEqual(a!.group, b!.group);
  });

  it('reads a citation group that spans lines', () => {
    const multi = scan.citations.filter((c) => c.key === 'efficientqat2024')[0]!;
    assert.equal(textAt(multi.group!), '[@ldpruner2024;\n@efficientqat2024]');
  });

  it('gives an in-text @key no group', () => {
    assert.equal(scan.citations[3]!.group, null);
    assert.equal(textAt(scan.citations[3]!.range), '@lotteryticket2018');
  });

  it('ignores e-mail addresses, URLs, code spans, code blocks, link destinations and front matter', () => {
    const inIgnored = scan.citations.filter((c) => [0, 1, 2, 3, 17, 19, 20, 21, 23, 24].includes(c.range.start.line));
    assert.deepEqual(inIgnored, []);
    assert.ok(!scan.mentions.some((m) => [17, 19, 20, 21, 23, 24].includes(m.range.start.line)), JSON.stringify(scan.mentions));
  });

  it('counts a [^key] footnote as a citation only when the key is a known paper, and not its definition', () => {
    const footnotes = scan.citations.filter((c) => c.kind === 'footnote');
    assert.deepEqual(footnotes.map((c) => [c.key, c.range.start.line]), [['increlora2023', 26]]);
  });

  it('finds short names case-sensitively on word boundaries, and titles in any case', () => {
    const mentions = scan.mentions.map((m) => [m.key, m.text, m.kind, m.range.start.line]);
    assert.deepEqual(mentions, [
      ['ldpruner2024', 'LD-Pruner', 'name', 7],
      ['lotteryticket2018', 'The Lottery Ticket Hypothesis', 'name', 8],
      ['lotteryticket2018', 'the lottery ticket hypothesis: finding sparse, trainable neural networks', 'title', 14],
      ['increlora2023', 'IncreLoRA', 'name', 28], // in the footnote's definition, which is prose
    ]);
    for (const m of scan.mentions) assert.equal(textAt(m.range), m.text);
  });

  it('does not match a name inside a longer word', () => {
    assert.deepEqual(library.scanNote('MixLoRAX and preMixLoRA are not MixLoRA’s names, but MixLoRA is.').mentions.map((m) => m.range.start.character), [32, 53]);
  });

  it('reads citations without a library, and handles CRLF', () => {
    const result = scanNote('Text [@a; @b]\r\nmore @c.\r\n');
    assert.deepEqual(result.citations.map((c) => [c.key, c.range.start.line, c.range.start.character]), [['a', 0, 6], ['b', 0, 10], ['c', 1, 5]]);
    assert.deepEqual(result.mentions, []);
  });

  it('reads pandoc keys with inner punctuation and braces, and not a trailing period', () => {
    const result = scanNote('See @smith:2020.intro. And @{weird key!}? No: @end.');
    assert.deepEqual(result.citations.map((c) => c.key), ['smith:2020.intro', 'end']);
  });

  it('never throws on odd input', () => {
    for (const text of ['', '[', '[@', '@', '```\n@a', '<div>@a</div>', '\u0000@a', '[@a]('.repeat(1000)]) scanNote(text);
  });
});

describe('undefinedReferences', () => {
  it('reports reference links without a definition, as VS Code does, but not citations, footnotes or task boxes', async () => {
    const { undefinedReferences } = await import('../../src/core/noteScanner');
    const note = [
      'A real [link][docs], a [broken one][nope], a [shortcut] and a [Collapsed][].',
      'Citations [@ldpruner2024], [see @a, p. 3; @b], footnote[^1], and `[code][x]`.',
      '- [ ] a task',
      '',
      '[docs]: https://example.com',
      '[^1]: A footnote.',
    ].join('\n');
    assert.deepEqual(undefinedReferences(note).map((r) => [r.label, r.range.start.line, r.range.start.character]), [
      ['nope', 0, 23],
      ['shortcut', 0, 45],
      ['Collapsed', 0, 62],
    ]);
  });
});
