import type { RootContent } from 'mdast';
import { TextEdit } from './citationInsert';
import { escapeMarkdownText, formatReferenceMarkdown } from './citationFormat';
import { Library } from './library';
import { Paper } from './model';
import { parseNote, topLevel } from './markdownParse';
import { NoteScan } from './noteScanner';
import { LineIndex } from './positions';
import { tokenize } from './words';
import { editDistance } from './termIndex';
import { asciiFold } from './text';

/** Helpers for writing notes: unknown keys and their fixes, a References section, similar papers. */

/** The papers a mistyped or unknown key most likely meant, best first. */
export function closestPapers(library: Library, key: string, limit = 3): Paper[] {
  const folded = asciiFold(key);
  const candidates = new Map<string, Paper>();
  for (const p of library.completions(folded.slice(0, 3), 50)) candidates.set(p.key, p);
  for (const hit of library.search(key.replace(/[^\p{L}\p{N}]+/gu, ' ').replace(/(\d+)/g, ' $1'), { limit: 20, prefix: false })) candidates.set(hit.paper.key, hit.paper);
  const distance = (p: Paper) => editDistance(folded, p.key, Math.max(folded.length, p.key.length));
  return [...candidates.values()].sort((a, b) => distance(a) - distance(b)).slice(0, limit);
}

/** Citation keys of the note in the order they are first cited, each once. */
export function citedKeys(scan: NoteScan): string[] {
  return [...new Set(scan.citations.map((c) => c.key))];
}

/** The block Update References Section owns: everything between these two comments, and nothing else. */
export const REFERENCES_START = '<!-- paper-digest:references (written by Paper Digest: Update References Section; edits inside are replaced) -->';
export const REFERENCES_END = '<!-- /paper-digest:references -->';
const START_MARK = /^<!--\s*paper-digest:references\b[^]*?-->$/;
const END_MARK = /^<!--\s*\/paper-digest:references\s*-->$/;
/** A line the first versions wrote, before the block was marked: `1. … <!-- @key -->`. */
const OLD_LINE = /^\d+\. .*<!-- @[^>]*-->$/;
const HUMAN_HEADING = /^(references|bibliography|works cited|literature)$/i;

/** Something that knows papers by key: the library, or a note's scope. */
export interface PaperLookup {
  paper(key: string): Paper | undefined;
}

/**
 * The one edit that brings a note's References section up to date, or null when there
 * is nothing to do. The section is found in the Markdown syntax tree (never inside code,
 * front matter, HTML or a list), and only the block between Paper Digest's two marker
 * comments is ever replaced: prose, subsections, footnote definitions and anything
 * else a person wrote, line endings and byte-order mark included, stay byte for byte.
 * Where there is no block yet it is inserted under a References heading a person wrote,
 * or in a new `## References` section at the end. Running it twice changes nothing.
 */
/**
 * Formatted entries for the References section, by key, in the order to write them
 * (a CSL style's, see cslFormat.ts); without it, our own format, in citation order.
 */
export type ReferenceFormatter = (papers: Paper[]) => Array<{ key: string; text: string }>;

export function referencesEdit(markdown: string, scan: NoteScan, lookup: PaperLookup, format?: ReferenceFormatter): TextEdit | null {
  const parsed = parseNote(markdown);
  if (!parsed) return null;
  const eol = markdown.includes('\r\n') ? '\r\n' : '\n';
  const roots = topLevel(parsed).filter((r) => r.span.start >= parsed.frontMatterEnd);
  const owned = ownedBlock(roots, markdown);
  const lines = new LineIndex(markdown);
  const inside = (offset: number) => !!owned && owned.start <= offset && offset < owned.end;
  const keys = [...new Set(scan.citations.filter((c) => !inside(lines.offset(c.range.start))).map((c) => c.key))];
  const papers = [...new Map(keys.map((k) => lookup.paper(k)).filter((p): p is Paper => !!p).map((p) => [p.key, p])).values()];
  const entries = format
    ? // A style numbers or orders its entries itself: paragraphs, not a list.
      format(papers).map((e) => `${escapeMarkdownText(e.text)}${keyComment(e.key)}${eol}`)
    : papers.map((p, i) => `${i + 1}. ${formatReferenceMarkdown(p)}${keyComment(p.key)}`);
  const block = [REFERENCES_START, ...entries, REFERENCES_END].join(eol);
  const at = (offset: number, text: string): TextEdit => ({ range: lines.range(offset, offset), newText: text });
  if (owned) {
    if (markdown.slice(owned.start, owned.end) === block) return null;
    return { range: lines.range(owned.start, owned.end), newText: block };
  }
  if (papers.length === 0) return null;
  const heading = roots.find((r) => r.node.type === 'heading' && HUMAN_HEADING.test(headingText(r.node).trim()));
  if (heading) return at(heading.span.end, `${eol}${eol}${block}`);
  const ending = markdown.length === 0 ? '' : /\r?\n$/.test(markdown) ? (/(\r?\n){2}$/.test(markdown) ? '' : eol) : `${eol}${eol}`;
  return at(markdown.length, `${ending}## References${eol}${eol}${block}${eol}`);
}

/** The note with its References section brought up to date (see referencesEdit), or null when nothing changes. */
export function withReferencesSection(markdown: string, scan: NoteScan, lookup: PaperLookup, format?: ReferenceFormatter): string | null {
  const edit = referencesEdit(markdown, scan, lookup, format);
  if (!edit) return null;
  const lines = new LineIndex(markdown);
  return markdown.slice(0, lines.offset(edit.range.start)) + edit.newText + markdown.slice(lines.offset(edit.range.end));
}

/** The key, for a reader of the source, in a comment that cannot end early. */
function keyComment(key: string): string {
  return /--|>/.test(key) ? '' : ` <!-- @${key} -->`;
}

/** Where the owned block is: between the marker comments at the top level, or an unmarked list the first versions wrote. */
function ownedBlock(roots: Array<{ node: RootContent; span: { start: number; end: number } }>, markdown: string): { start: number; end: number } | undefined {
  const startIndex = roots.findIndex((r) => r.node.type === 'html' && START_MARK.test(r.node.value.trim()));
  if (startIndex >= 0) {
    // The block starts at its first comment; the end comment may share its HTML node (no blank line between) or stand later.
    const first = roots[startIndex]!;
    const value = markdown.slice(first.span.start, first.span.end);
    const inner = value.search(/<!--\s*\/paper-digest:references\s*-->/);
    if (inner >= 0) return { start: first.span.start, end: first.span.start + value.indexOf('-->', inner) + 3 };
    const end = roots.slice(startIndex + 1).find((r) => r.node.type === 'html' && END_MARK.test(r.node.value.trim()));
    if (end) return { start: first.span.start, end: end.span.end };
    return undefined;
  }
  // A section the first versions wrote: a References heading followed only by their numbered lines.
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i]!;
    if (r.node.type !== 'heading' || !/^references$/i.test(headingText(r.node).trim())) continue;
    const next = roots[i + 1];
    if (!next || next.node.type !== 'list') continue;
    const text = markdown.slice(next.span.start, next.span.end);
    if (text.split(/\r?\n/).every((line) => OLD_LINE.test(line.trim()))) return next.span;
  }
  return undefined;
}

function headingText(node: RootContent): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  return 'children' in node ? node.children.map(headingText).join('') : '';
}

export interface SimilarPaper {
  paper: Paper;
  score: number;
  /** Why: shared techniques and the most telling shared words. */
  reason: string;
}

/**
 * Papers closest to `paper` by what their abstracts and techniques say: the paper's
 * most distinctive words (tf-idf) as a query, re-ranked by shared techniques.
 */
export function similarPapers(library: Library, paper: Paper, limit = 10): SimilarPaper[] {
  const counts = new Map<string, number>();
  for (const term of tokenize(`${paper.title} ${paper.abstract}`)) if (term.length > 2 && !/^\d+$/.test(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
  const n = Math.max(library.papers.length, 1);
  const weighted = [...counts]
    .map(([term, tf]) => [term, tf * Math.log(1 + n / (1 + library.documentFrequency(term)))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  const distinctive = weighted.map(([t]) => t);
  const hits = library.search(distinctive.join(' '), { prefix: false, limit: limit * 4 });
  const techniques = new Set(paper.techniques);
  return hits
    .filter((h) => h.paper.key !== paper.key)
    .map((h) => {
      const sharedTechniques = h.paper.techniques.filter((t) => techniques.has(t));
      const sharedWords = distinctive.filter((t) => h.matchedTerms.includes(t)).slice(0, 4);
      const score = h.score * (1 + 0.5 * sharedTechniques.length);
      const labels = sharedTechniques.map((t) => library.taxonomy.technique(t)?.label ?? t);
      const reason = [labels.length ? `both ${labels.join(', ')}` : '', sharedWords.length ? `shared terms: ${sharedWords.join(', ')}` : ''].filter(Boolean).join('; ');
      return { paper: h.paper, score, reason };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** The 0-based line of each paper's References entry in a note, for tests and navigation. */
export function referenceLines(markdown: string): number[] {
  const lines = new LineIndex(markdown);
  const found: number[] = [];
  for (const m of markdown.matchAll(/^\d+\. .*<!-- @[^>]+ -->\r?$/gm)) found.push(lines.position(m.index).line);
  return found;
}
