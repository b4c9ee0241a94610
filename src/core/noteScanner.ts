import type { Root, RootContent } from 'mdast';
import { BRACED_KEY_SOURCE, PANDOC_KEY_SOURCE } from './citationKeys';
import { MentionKind, MentionMatcher } from './mentions';
import { Range } from './model';
import { LineIndex } from './positions';
import { ParsedNote, nodeSpan, parseNote } from './markdownParse';

/**
 * Reads a Markdown note for citations (`[@key]`, `[see @a, p. 3; @b]`, `@key`,
 * and `[^key]` footnotes whose label is a known key) and for papers named in
 * prose. Text inside code, HTML, link destinations, URLs and front matter never counts.
 */

export interface Citation {
  key: string;
  /** The `@key` (or `[^key]`) as written. */
  range: Range;
  /** The key alone, without `@`. */
  keyRange: Range;
  /** The whole bracketed group, `[see @a; @b]`, or null for an in-text `@key`. */
  group: Range | null;
  kind: 'pandoc' | 'footnote';
}

export interface Mention {
  key: string;
  text: string;
  range: Range;
  kind: MentionKind;
}

export interface NoteScan {
  citations: Citation[];
  mentions: Mention[];
}

export interface ScanOptions {
  /** Finds papers named in prose; without it, only citations are read. */
  mentions?: MentionMatcher;
  /** Known keys, so that `[^key]` footnotes that cite papers are told from ordinary footnotes. */
  isKnownKey?: (key: string) => boolean;
}

const CITATION = new RegExp(String.raw`(?<![\p{L}\p{N}_@.\\])-?@(?:(${PANDOC_KEY_SOURCE})|\{(${BRACED_KEY_SOURCE})\})`, 'gu');
/** Quarto's cross-reference prefixes: `@fig-x` is a figure, not a paper (unless a bibliography has that key). */
const CROSS_REFERENCE = /^(?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem|alg|nte|tip|wrn|imp|cau|apx)-/;
const GROUP = /\[([^[\]]*)\]/g;
const FOOTNOTE = new RegExp(String.raw`\[\^(${PANDOC_KEY_SOURCE})\]`, 'gu');
const URL_LIKE = /\b(?:https?:\/\/|www\.)[^\s<>()[\]]+/g;

/** Node types whose text is not prose. */
const SKIPPED = new Set(['code', 'inlineCode', 'html', 'definition', 'image', 'imageReference', 'yaml', 'toml']);

export function scanNote(markdown: string, options: ScanOptions = {}): NoteScan {
  const lines = new LineIndex(markdown);
  const citations: Citation[] = [];
  const mentions: Mention[] = [];
  const parsed = parseNote(markdown);
  if (!parsed) return { citations, mentions };
  const { frontMatterEnd } = parsed;
  for (const { start, end } of proseSpans(parsed)) {
    if (end <= frontMatterEnd) continue;
    const from = Math.max(start, frontMatterEnd);
    const raw = maskUrls(markdown.slice(from, end));
    const taken: Array<[number, number]> = [];
    for (const c of findCitations(raw, options.isKnownKey)) {
      taken.push([c.start, c.end]);
      citations.push({
        key: c.key,
        kind: c.kind,
        range: lines.range(from + c.start, from + c.end),
        keyRange: lines.range(from + c.keyStart, from + c.keyStart + c.keyLength),
        group: c.group ? lines.range(from + c.group[0], from + c.group[1]) : null,
      });
    }
    if (!options.mentions) continue;
    // Both lists are sorted by start and citations never overlap each other: a sweep, not a search per mention.
    let t = 0;
    for (const m of options.mentions.find(raw)) {
      while (t < taken.length && taken[t]![1] <= m.start) t++;
      if (t < taken.length && taken[t]![0] < m.end) continue;
      mentions.push({ key: m.key, text: m.text, kind: m.kind, range: lines.range(from + m.start, from + m.end) });
    }
  }
  return { citations, mentions };
}

interface FoundCitation {
  key: string;
  start: number;
  end: number;
  keyStart: number;
  keyLength: number;
  group: [number, number] | null;
  kind: Citation['kind'];
}

function findCitations(text: string, isKnownKey?: (key: string) => boolean): FoundCitation[] {
  const found: FoundCitation[] = [];
  const groups: Array<[number, number]> = [];
  for (const g of text.matchAll(GROUP)) {
    if (g[1]!.includes('@')) groups.push([g.index, g.index + g[0].length]);
  }
  // Groups and citations both come left to right: one pointer finds each citation's group.
  let g = 0;
  for (const m of text.matchAll(CITATION)) {
    const key = m[1] ?? m[2]!;
    if (m[1] && CROSS_REFERENCE.test(key) && !isKnownKey?.(key)) continue;
    const at = m[0].indexOf('@');
    const keyStart = m.index + at + (m[1] ? 1 : 2);
    while (g < groups.length && groups[g]![1] <= m.index) g++;
    const candidate = groups[g];
    const group = candidate && candidate[0] < m.index && m.index < candidate[1] ? candidate : null;
    found.push({ key, start: m.index + at, end: m.index + m[0].length, keyStart, keyLength: key.length, group, kind: 'pandoc' });
  }
  if (isKnownKey) {
    for (const m of text.matchAll(FOOTNOTE)) {
      const key = m[1]!;
      if (!isKnownKey(key)) continue;
      // A footnote definition (`[^key]: …`) is where the citation is written out, not a citation.
      if (text[m.index + m[0].length] === ':') continue;
      found.push({ key, start: m.index, end: m.index + m[0].length, keyStart: m.index + 2, keyLength: key.length, group: null, kind: 'footnote' });
    }
    found.sort((a, b) => a.start - b.start);
  }
  return found;
}

/**
 * Replaces URLs and e-mail addresses with spaces, keeping offsets. E-mail addresses
 * are found from their `@` outwards: a pattern that starts anywhere in a word
 * (`[\w.+-]*\w@…`) is quadratic on one 160k-character word.
 */
function maskUrls(text: string): string {
  const masked = text.replace(URL_LIKE, (url) => ' '.repeat(url.length));
  let out = '';
  let from = 0;
  for (let at = masked.indexOf('@'); at >= 0; at = masked.indexOf('@', at + 1)) {
    if (at < from || !isLocalChar(masked.charCodeAt(at - 1)) || masked[at - 1] === '.' || masked[at - 1] === '-' || masked[at - 1] === '+') continue;
    const domain = EMAIL_DOMAIN.exec(masked.slice(at + 1, at + 256));
    if (!domain) continue;
    let start = at;
    while (start > from && isLocalChar(masked.charCodeAt(start - 1))) start--;
    const end = at + 1 + domain[0].length;
    out += masked.slice(from, start) + ' '.repeat(end - start);
    from = end;
    at = end - 1;
  }
  return from === 0 ? masked : out + masked.slice(from);
}

const EMAIL_DOMAIN = /^[\w-]+\.[\w.-]+/;

/** Letters, digits, `_`, `.`, `+`, `-`: what the local part of an address is made of. */
function isLocalChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46 || code === 43 || code === 45;
}

/**
 * Offsets of the prose text in the tree: text nodes outside code, HTML and link
 * targets, in document order. Iterative: 6,000 nested blockquotes must not overflow the stack.
 */
function proseSpans(parsed: ParsedNote): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  for (const { tree, base } of parsed.blocks) {
    const stack: Array<Root | RootContent> = [tree];
    while (stack.length) {
      const node = stack.pop()!;
      if (SKIPPED.has(node.type)) continue;
      if (node.type === 'text') {
        const span = nodeSpan(node, base);
        if (span) {
          const last = spans[spans.length - 1];
          // Adjacent text nodes (split by escapes or references) read as one run.
          if (last && last.end === span.start) last.end = span.end;
          else spans.push(span);
        }
        continue;
      }
      if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }
  return spans;
}


export interface UndefinedReference {
  label: string;
  range: Range;
}

const REFERENCE_LINK = /\[([^[\]]+)\](?:\[([^[\]]*)\])?(?![(:[])/g;

/** CommonMark's label matching: case-folded, inner white space collapsed. */
function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Reference links (`[text][ref]`, `[ref][]`, `[ref]`) with no definition in the note,
 * as VS Code's Markdown validation reports them, except pandoc citations (`[@key]`,
 * `[see @a; @b]`), footnotes (`[^1]`) and task-list boxes, which are not links.
 */
export function undefinedReferences(markdown: string): UndefinedReference[] {
  const parsed = parseNote(markdown);
  if (!parsed) return [];
  const defined = new Set<string>();
  const stack: Array<Root | RootContent> = parsed.blocks.map((b) => b.tree);
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'definition') defined.add(normalizeLabel(node.label ?? node.identifier));
    if ('children' in node) for (const child of node.children) stack.push(child);
  }
  const lines = new LineIndex(markdown);
  const { frontMatterEnd } = parsed;
  const found: UndefinedReference[] = [];
  for (const { start, end } of proseSpans(parsed)) {
    if (end <= frontMatterEnd) continue;
    const text = maskUrls(markdown.slice(start, end));
    for (const m of text.matchAll(REFERENCE_LINK)) {
      const label = m[2] ? m[2] : m[1]!;
      if (/(^|[\s[;])-?@|^\^|^[ xX]$/.test(label) || /(^|[\s;])-?@/.test(m[1]!)) continue;
      if (defined.has(normalizeLabel(label))) continue;
      found.push({ label, range: lines.range(start + m.index, start + m.index + m[0].length) });
    }
  }
  return found;
}
