import type { Root, RootContent } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { frontMatter } from './frontMatter';

/**
 * A note's Markdown syntax tree, read in linear time and bounded memory whatever the
 * note holds. remark (micromark) is exact but, on some shapes, super-linear: a
 * paragraph of 40,000 `[@a]` brackets, thousands of nested lists, a 2 MB note of short
 * paragraphs (whose tree alone takes gigabytes). So the note is read in blocks of about
 * 32 KB, cut only at a blank line before an unindented line that starts no container
 * and outside fenced code and HTML blocks, where CommonMark starts afresh anyway; a
 * block with more than a thousand `[` is read without link syntax (its brackets stay
 * text, which is all a citation scanner needs of them); and container prefixes deeper
 * than any real note's are cut, keeping every offset.
 */

export interface ParsedBlock {
  tree: Root;
  /** Added to the tree's offsets to give offsets in the note. */
  base: number;
}

export interface ParsedNote {
  blocks: ParsedBlock[];
  /** Length of the leading YAML front matter block (`---` … `---`), or 0: nothing in it is Markdown. */
  frontMatterEnd: number;
}

const BLOCK_SIZE = 32 * 1024;
const MAX_BRACKETS = 1000;
const MAX_CONTAINER_PREFIX = 120;

const parser = unified().use(remarkParse);
const parserWithoutLinks = unified().use(remarkParse);
parserWithoutLinks.data('micromarkExtensions', [{ disable: { null: ['labelStartLink', 'labelStartImage', 'labelEnd'] } }]);

/** A container prefix (blockquote markers, list markers, indentation) of more than MAX_CONTAINER_PREFIX characters. */
const DEEP_PREFIX = new RegExp(String.raw`^(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])){${MAX_CONTAINER_PREFIX + 1},}`, 'gm');

export function parseNote(markdown: string): ParsedNote | undefined {
  const bom = markdown.charCodeAt(0) === 0xfeff ? 1 : 0;
  const frontMatterEnd = frontMatter(markdown)?.end ?? 0;
  const blocks: ParsedBlock[] = [];
  try {
    let start = bom;
    for (const end of [...blockEnds(markdown, frontMatterEnd), markdown.length]) {
      const text = markdown.slice(start, end).replace(DEEP_PREFIX, (prefix) => prefix.slice(0, MAX_CONTAINER_PREFIX) + '\u00a0'.repeat(prefix.length - MAX_CONTAINER_PREFIX));
      const brackets = count(text, '[');
      blocks.push({ tree: (brackets > MAX_BRACKETS ? parserWithoutLinks : parser).parse(text), base: start });
      start = end;
    }
  } catch {
    return undefined;
  }
  return { blocks, frontMatterEnd };
}

/** The start and end offsets of a node in the note's text. */
export function nodeSpan(node: RootContent, base: number): { start: number; end: number } | undefined {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? undefined : { start: start + base, end: end + base };
}

/** The note's top-level nodes, with their offsets, in order. */
export function topLevel(parsed: ParsedNote): Array<{ node: RootContent; span: { start: number; end: number } }> {
  const out: Array<{ node: RootContent; span: { start: number; end: number } }> = [];
  for (const block of parsed.blocks) {
    for (const node of block.tree.children) {
      const span = nodeSpan(node, block.base);
      if (span) out.push({ node, span });
    }
  }
  return out;
}

function count(text: string, char: string): number {
  let n = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) n++;
  return n;
}

const LINE_END = /\r\n?|\n/g;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HTML_RAW = /^ {0,3}<(script|pre|style|textarea)(?:[\s>]|$)/i;
const HTML_COMMENT = /^ {0,3}<!--/;
const CONTAINER_START = /^(?:[ \t>]|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|\[\^)/;

/** Offsets where a new block may start: after about BLOCK_SIZE characters, at the next safe blank line. */
function blockEnds(text: string, from: number): number[] {
  if (text.length - from <= BLOCK_SIZE) return [];
  const ends: number[] = [];
  let blockStart = 0;
  /** Inside fenced code or an HTML block: what ends it. */
  let closing: RegExp | undefined;
  let afterBlank = false;
  let lineStart = from;
  LINE_END.lastIndex = from;
  for (;;) {
    const m = LINE_END.exec(text);
    const lineEnd = m ? m.index : text.length;
    const full = text.slice(lineStart, lineEnd);
    const head = full.slice(0, 200);
    const blank = BLANK.test(full);
    if (closing) {
      if (closing.test(full)) closing = undefined;
    } else if (!blank) {
      if (afterBlank && lineStart - blockStart >= BLOCK_SIZE && !CONTAINER_START.test(head)) {
        ends.push(lineStart);
        blockStart = lineStart;
      }
      const fence = FENCE.exec(head);
      if (fence) closing = new RegExp(`^ {0,3}${fence[1]![0] === '`' ? '`' : '~'}{${fence[1]!.length},}[ \t]*$`);
      else if (HTML_RAW.test(head)) closing = /<\/(?:script|pre|style|textarea)>/i.test(full) ? undefined : /<\/(?:script|pre|style|textarea)>/i;
      else if (HTML_COMMENT.test(head)) closing = full.indexOf('-->', full.indexOf('<!--') + 4) >= 0 ? undefined : /-->/;
    }
    afterBlank = blank;
    if (!m) break;
    lineStart = m.index + m[0].length;
  }
  return ends;
}

const BLANK = /^[ \t]*$/;
