import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { parseDigest } from '../../src/core/digest';
import { decodeInBlocks, decodeText } from '../../src/core/text';
import { SEED_PATH, corpusPath, hasCorpus } from './fixtures';

/**
 * A digest read in blocks of lines (decodeInBlocks): the same text as read whole, and the
 * same papers, with the lines that have no character beyond Latin-1 apart from those that do.
 */

const utf8 = (text: string) => new TextEncoder().encode(text);
const joined = (text: string | readonly string[]) => (typeof text === 'string' ? text : text.join(''));

/** The same bytes `offset` bytes into a larger buffer: the four-byte scan starts unaligned. */
function atOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const larger = new Uint8Array(bytes.length + offset + 3);
  larger.set(bytes, offset);
  return larger.subarray(offset, offset + bytes.length);
}

/** Whether V8 holds the string one byte a character (its serialization's tag says so). */
function oneByte(text: string): boolean {
  return serialize(text)[2] === 0x22; // '"', a one-byte string; 'c' is a two-byte one
}

/** Every block either has no character beyond U+00FF, or is lines that each have one. */
function blocksKeepWidthsApart(blocks: readonly string[]): void {
  for (const block of blocks) {
    if (!/[^\u0000-\u00ff]/.test(block)) continue;
    const lines = block.endsWith('\n') ? block.slice(0, -1).split('\n') : block.split('\n');
    for (const line of lines) assert.match(line, /[^\u0000-\u00ff]/, `a line of Latin-1 only is in a block of wide lines: ${JSON.stringify(line)}`);
  }
}

describe('a digest read in blocks of lines', () => {
  const cases: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    'only line breaks': utf8('\n\n\n'),
    ascii: utf8('Title\nAn abstract.\n'),
    'a byte-order mark': Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('Title •\nAbstract\n')]),
    'a byte-order mark inside the text': utf8('Title\n\ufeffAbstract •\nmore\n'),
    'CRLF line ends': utf8('Title\r\n  • 2 authors\r\nAbstract\r\n'),
    'a lone CR': utf8('a\rb •\rc\nd'),
    'the first line wide, no final break': utf8('• first\nsecond\nthird'),
    'the last line wide, no final break': utf8('first\nsecond •'),
    'wide lines one after another': utf8('a\nb “c”\n— d\n😀 e\nf\ng\n'),
    'Latin-1 beyond ASCII only': utf8('Café\nnaïve résumé\n'),
    'three- and four-byte characters': utf8('日本語の論文\nascii\n🤗 Hugging Face\n'),
    'bytes no UTF-8 has': Uint8Array.from([...utf8('ok\n'), 0xff, 0x80, 0xc0, 0xaf, 0x0a, ...utf8('fine\n'), 0xe2, 0x80]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    it(`joined, are the text read whole: ${name}`, () => {
      for (let offset = 0; offset < 4; offset++) {
        const text = decodeInBlocks(atOffset(bytes, offset));
        assert.equal(joined(text), decodeText(bytes), `at offset ${offset}`);
        if (typeof text !== 'string') blocksKeepWidthsApart(text);
      }
    });
  }

  it('joined, are the text read whole, for any mix of lines (random bytes of ASCII, Latin-1, wide characters, bad bytes)', () => {
    const pieces = ['word ', 'x', '\n', '\r\n', '\r', 'é', '•', '😀', '日', '\u00ff', '\u0100', ' '];
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let round = 0; round < 300; round++) {
      const parts: number[] = [];
      for (let i = random(60); i > 0; i--) {
        if (random(20) === 0) parts.push(0x80 + random(0x80));
        else parts.push(...utf8(pieces[random(pieces.length)]!));
      }
      const bytes = atOffset(Uint8Array.from(parts), random(4));
      const text = decodeInBlocks(bytes);
      assert.equal(joined(text), decodeText(bytes), `bytes ${[...bytes].join(',')}`);
      if (typeof text !== 'string') blocksKeepWidthsApart(text);
    }
  });

  it('a file in UTF-16 is read whole, as decodeText reads it', () => {
    const le = Uint8Array.from([0xff, 0xfe, ...[...'Title •\nAbstract\n'].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
    assert.equal(decodeInBlocks(le), decodeText(le));
    assert.equal(decodeInBlocks(le), 'Title •\nAbstract\n');
  });

  it('a copied Daily Papers page (a "•" on every paper) parses to the same papers and problems, at the same lines, as read whole', () => {
    const bytes = readFileSync(SEED_PATH);
    const blocks = decodeInBlocks(bytes);
    assert.ok(typeof blocks !== 'string' && blocks.length > 40, 'the page is read in blocks');
    const whole = parseDigest(decodeText(bytes), SEED_PATH);
    assert.ok(whole.papers.length > 40);
    assert.deepEqual(parseDigest(blocks, SEED_PATH), whole);
    // With CRLF line ends and a problem to report at its line.
    const crlf = utf8(`${decodeText(bytes).replace(/\n/g, '\r\n')}\r\nA title with no abstract •\r\n`);
    assert.deepEqual(parseDigest(decodeInBlocks(crlf), 'page.txt'), parseDigest(decodeText(crlf), 'page.txt'));
  });

  it('tells JSON by its first element even when that is longer than the start other formats are told by (CSL-JSON, its first item with 3,000 authors)', () => {
    // Every other author's name beyond Latin-1: the item is thousands of small blocks.
    const author = Array.from({ length: 3000 }, (_, i) => ({ family: i % 2 ? 'Łukasiewicz' : 'Lovelace', given: 'A.' }));
    const item = { id: 'long2024', type: 'article-journal', title: 'A long one', author, issued: { 'date-parts': [[2024]] }, abstract: 'Abstract.' };
    const bytes = utf8(JSON.stringify([item, { ...item, id: 'short2024', abstract: 'Short.' }], null, 1));
    const blocks = decodeInBlocks(bytes);
    assert.ok(typeof blocks !== 'string', 'read in blocks');
    const parsed = parseDigest(blocks, 'refs.json');
    assert.deepEqual(parsed, parseDigest(decodeText(bytes), 'refs.json'));
    assert.deepEqual(parsed.papers.map((p) => p.key), ['long2024', 'short2024'], 'read as CSL-JSON, its keys its own');
  });

  for (const name of ['hf-daily-papers-dev.json', 'd2l.bib', 'tmwr/TMwR.bib']) {
    it(`real material written by others parses the same as read whole: ${name}`, function () {
      if (!hasCorpus(name)) this.skip();
      const bytes = readFileSync(corpusPath(name));
      const whole = parseDigest(decodeText(bytes), name);
      assert.ok(whole.papers.length > 100);
      assert.deepEqual(parseDigest(decodeInBlocks(bytes), name), whole);
    });
  }

  it("a page's titles and abstracts are one byte a character where every character of them fits in one (read whole, one \"•\" makes them two)", () => {
    const bytes = readFileSync(SEED_PATH);
    const fromBlocks = parseDigest(decodeInBlocks(bytes), SEED_PATH).papers;
    const fromWhole = parseDigest(decodeText(bytes), SEED_PATH).papers;
    const latin1 = (text: string) => !/[^\u0000-\u00ff]/.test(text);
    const narrowFields = fromBlocks.flatMap((p) => [p.title, p.abstract]).filter(latin1);
    assert.ok(narrowFields.length > 80);
    assert.deepEqual(narrowFields.filter((text) => !oneByte(text)), [], 'read in blocks: one byte a character');
    // The control: read whole, the same text is two bytes a character.
    assert.ok(fromWhole.flatMap((p) => [p.title, p.abstract]).filter(latin1).every((text) => !oneByte(text)));
  });
});
