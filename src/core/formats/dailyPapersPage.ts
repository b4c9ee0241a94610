import { PapersRead, ParseResult, Paper, Problem, newPaper } from '../model';
import { FileText, extractLinks, latexToText } from '../text';

/**
 * Parser for a Hugging Face Daily Papers page copied from the browser. Per paper:
 * a title line, an abstract line, then usually a meta block
 *   `  • N authors` (or an organization line), `·`, `Mon D, YYYY[ upvotes]`.
 * Blank lines separate everything; the page header, and further headers where
 * several pages were pasted one after another, are skipped.
 */

// Matched against trimmed lines only: a `^\s*…\s*` pair backtracks quadratically on a line of 256k spaces.
const AUTHORS = /^[•·*-]?\s*(\d+)\s+authors?$/i;
const SEPARATOR = /^[·•]$/;
const DATE = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s+(\d+))?$/;
/** The page's own date heading ("Feb 3"): a real month name, so that a title such as "Imagen 3" is not taken for one. */
const PAGE_DATE = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?$/i;
const AUTHORS_LINE = { test: (text: string) => AUTHORS.test(text.trim()), exec: (text: string) => AUTHORS.exec(text.trim()) };
const SEPARATOR_LINE = { test: (text: string) => SEPARATOR.test(text.trim()) };
const DATE_LINE = { test: (text: string) => DATE.test(text.trim()), exec: (text: string) => DATE.exec(text.trim()) };
const HEADER_LINES = new Set([
  'new',
  'get trending papers in your email inbox!',
  'subscribe',
  'daily papers',
  'byak and the research community',
  'previous',
  'next',
  'submit paper',
]);

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

interface TextLine {
  text: string;
  line: number;
}

/** Month name, day and year → `YYYY-MM-DD`, or null for an impossible date. */
export function isoDate(month: string, day: number, year: number): string | null {
  const lower = month.toLowerCase();
  const m = MONTHS[lower] ?? MONTHS[lower.slice(0, 3)];
  if (!m || day < 1 || day > 31 || year < 1900 || year > 2999) return null;
  const date = new Date(Date.UTC(year, m - 1, day));
  if (date.getUTCMonth() !== m - 1) return null;
  return `${year}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The longest of HEADER_LINES: a longer line is not one of them, and is not put in small letters to find out (abstracts are most of a page). */
const LONGEST_HEADER_LINE = Math.max(...[...HEADER_LINES].map((line) => line.length));

function isHeaderLine(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length <= LONGEST_HEADER_LINE && HEADER_LINES.has(trimmed.toLowerCase())) return true;
  return PAGE_DATE.test(trimmed) && !DATE.test(trimmed) && MONTHS[trimmed.slice(0, 3).toLowerCase()] !== undefined;
}

function isMetaLine(text: string): boolean {
  return AUTHORS_LINE.test(text) || SEPARATOR_LINE.test(text) || DATE_LINE.test(text);
}

/** A line that can be an abstract: long, or a few sentences' worth of words. */
function looksLikeAbstract(text: string): boolean {
  if (isMetaLine(text) || isHeaderLine(text)) return false;
  // Only a short line's words are counted: splitting every abstract of a page into words took a fifth of its parse.
  return text.length >= 200 || (/[.!?)]$/.test(text.trim()) && text.trim().split(/\s+/).length >= 12);
}

function looksLikeTitle(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= 400 && !isMetaLine(trimmed) && !isHeaderLine(trimmed);
}

/** The non-blank lines, cleaned of control characters; the text whole or in blocks of whole lines (see decodeInBlocks). */
function nonBlankLines(text: FileText): TextLine[] {
  const lines: TextLine[] = [];
  let line = 0;
  const blocks = typeof text === 'string' ? [text] : text;
  blocks.forEach((block, b) => {
    // A block ends after its last line's break; only the text's end is a line of its own after one.
    const last = b === blocks.length - 1;
    let start = 0;
    while (start < block.length || (last && start === block.length)) {
      let end = block.indexOf('\n', start);
      if (end < 0) end = block.length;
      let raw = block.slice(start, end);
      if (raw.endsWith('\r')) raw = raw.slice(0, -1);
      // A lone CR also ends a line.
      for (const part of raw.includes('\r') ? raw.split('\r') : [raw]) {
        const clean = part.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trimEnd();
        if (clean.trim()) lines.push({ text: clean, line });
        line++;
      }
      start = end + 1;
    }
  });
  return lines;
}

export function parseDailyPapersPage(text: FileText, path: string, read?: PapersRead): ParseResult {
  const papers: Paper[] = [];
  const problems: Problem[] = [];
  const lines = nonBlankLines(text);
  const warn = (line: number, message: string) => problems.push({ path, line, message, severity: 'warning' });

  let i = 0;
  let seenPaper = false;
  while (i < lines.length) {
    const current = lines[i]!;
    const next = lines[i + 1];
    // A header line is skipped, unless an abstract follows it: then it is a title ("Nov 11", "Subscribe").
    const abstractFollows = next !== undefined && looksLikeAbstract(next.text);
    if (isHeaderLine(current.text) && !abstractFollows) {
      i++;
      continue;
    }
    const titleFollowedByAbstract = (looksLikeTitle(current.text) || isHeaderLine(current.text)) && abstractFollows;
    const titleFollowedByMeta =
      looksLikeTitle(current.text) && next !== undefined && startsMetaBlock(lines, i + 1) && !looksLikeAbstract(current.text);
    if (!titleFollowedByAbstract && !titleFollowedByMeta) {
      if (seenPaper || isMetaLine(current.text) || looksLikeAbstract(current.text)) {
        warn(current.line, `Line ${current.line + 1} is not part of any paper (expected a title followed by its abstract); skipped: "${preview(current.text)}"`);
      }
      i++;
      continue;
    }
    seenPaper = true;
    const title = latexToText(current.text.trim().replace(/\s+/g, ' '));
    let abstract = '';
    i++;
    if (titleFollowedByAbstract) {
      abstract = latexToText(next!.text.trim());
      i++;
    } else {
      warn(current.line, `Paper "${preview(title)}" (line ${current.line + 1}) has no abstract.`);
    }
    const paper = newPaper(title, { path, line: current.line }, { abstract, links: extractLinks(abstract) });
    i = readMetaBlock(lines, i, paper, warn);
    papers.push(paper);
    read?.(papers);
  }
  if (papers.length === 0 && lines.length > 0 && problems.length === 0) {
    warn(0, 'No papers found: expected a copied Hugging Face Daily Papers page (a title line, then its abstract line).');
  }
  return { papers, problems };
}

/** Whether lines[i] opens a meta block (authors line, or organization line then `·`). */
function startsMetaBlock(lines: TextLine[], i: number): boolean {
  const line = lines[i];
  if (!line) return false;
  if (AUTHORS_LINE.test(line.text) || SEPARATOR_LINE.test(line.text)) return true;
  const after = lines[i + 1];
  return after !== undefined && SEPARATOR_LINE.test(after.text) && line.text.trim().length <= 120;
}

/** Reads `• N authors` | organization, `·`, date line; returns the index after it. */
function readMetaBlock(
  lines: TextLine[],
  i: number,
  paper: Paper,
  warn: (line: number, message: string) => void,
): number {
  if (!startsMetaBlock(lines, i)) return i;
  const first = lines[i]!;
  const authors = AUTHORS_LINE.exec(first.text);
  if (authors) {
    paper.authorCount = Number(authors[1]);
    i++;
  } else if (!SEPARATOR_LINE.test(first.text)) {
    paper.organization = first.text.trim();
    i++;
  }
  paper.upvotes = 0;
  if (lines[i] && SEPARATOR_LINE.test(lines[i]!.text)) i++;
  const dateLine = lines[i];
  const date = dateLine ? DATE_LINE.exec(dateLine.text) : null;
  if (dateLine && date) {
    paper.date = isoDate(date[1]!, Number(date[2]), Number(date[3]));
    if (!paper.date) warn(dateLine.line, `Line ${dateLine.line + 1}: "${dateLine.text.trim()}" is not a valid date.`);
    paper.upvotes = date[4] ? Number(date[4]) : 0;
    return i + 1;
  }
  warn(first.line, `Paper "${preview(paper.title)}" (line ${paper.source.line + 1}) has an incomplete meta block: no date line after "·".`);
  return i;
}

function preview(text: string): string {
  const oneLine = text.trim().replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}
