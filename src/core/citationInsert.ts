import { CitationStyle, formatCitation } from './citationFormat';
import { citationKeyText } from './citationKeys';
import { Paper, Position, Range } from './model';
import { NoteScan } from './noteScanner';
import { LineIndex, comparePositions, rangeContains } from './positions';

/** One text replacement in a note, in core positions. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * The edits that insert citations of `papers` at `position`. Inside an existing
 * pandoc group (`[@a]`) the keys join it (`[@a; @b]`) instead of nesting brackets;
 * footnote definitions go to the end of the note, each once.
 */
export function citationEdits(
  markdown: string,
  scan: NoteScan,
  position: Position,
  papers: readonly Paper[],
  style: CitationStyle,
): TextEdit[] {
  if (papers.length === 0) return [];
  const group = scan.citations.find((c) => c.group && rangeContains(c.group, position) && !isAt(c.group.start, position))?.group;
  if (group && style === 'pandoc') {
    const already = new Set(scan.citations.filter((c) => c.group && comparePositions(c.group.start, group.start) === 0).map((c) => c.key));
    const fresh = papers.filter((p) => !already.has(p.key));
    if (fresh.length === 0) return [];
    const beforeClose = { line: group.end.line, character: group.end.character - 1 };
    return [{ range: { start: beforeClose, end: beforeClose }, newText: fresh.map((p) => `; @${citationKeyText(p.key)}`).join('') }];
  }
  const { text, definitions } = formatCitation(papers, style);
  const lines = new LineIndex(markdown);
  const before = markdown[lines.offset(position) - 1];
  // "works [@key]." reads as pandoc's own examples do; footnote marks hug the word.
  const space = style !== 'footnote' && before !== undefined && !/[\s([{]/.test(before) ? ' ' : '';
  const edits: TextEdit[] = [{ range: { start: position, end: position }, newText: space + text }];
  const missing = definitions.filter((d) => !hasLine(markdown, d.slice(0, d.indexOf(']:') + 2)));
  if (missing.length) {
    const end = lines.position(markdown.length);
    const separator = markdown.length === 0 ? '' : markdown.endsWith('\n\n') ? '' : markdown.endsWith('\n') ? '\n' : '\n\n';
    edits.push({ range: { start: end, end }, newText: `${separator}${missing.join('\n')}\n` });
  }
  return edits;
}

function isAt(a: Position, b: Position): boolean {
  return comparePositions(a, b) === 0;
}

/** Whether some line of the text starts with `prefix` (a footnote definition is already there). */
function hasLine(text: string, prefix: string): boolean {
  return text.split(/\r?\n/).some((line) => line.startsWith(prefix));
}

/**
 * Where a citation key is being typed: `@` after `[`, `;`, whitespace, `-` or the
 * line start, then the key so far, bare or braced (`@{zhou2018unet+`). Returns the
 * typed key, where the replacement starts (after the `@`, at the `{` of a braced
 * key) and whether it is braced, or null when the cursor is not in a key.
 */
export function citationKeyAt(lineText: string, character: number): { prefix: string; start: number; braced: boolean } | null {
  const before = lineText.slice(0, character);
  const match = /(?:^|[\s[;-])@(\{[^{}\s[\]]*|[\p{L}\p{N}_:.#$%&+?<>~/-]*)$/u.exec(before);
  if (!match) return null;
  const typed = match[1]!;
  const braced = typed.startsWith('{');
  return { prefix: braced ? typed.slice(1) : typed, start: character - typed.length, braced };
}
