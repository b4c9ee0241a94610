import { PapersRead, ParseResult } from './model';
import { looksLikeBibtex, parseBibtex } from './formats/bibtex';
import { isCslItem, parseCslJson } from './formats/cslJson';
import { parseDailyPapersPage } from './formats/dailyPapersPage';
import { isHfPaperObject, parseHfJson } from './formats/hfJson';
import { firstJsonElement } from './formats/json';
import { FileText, looksBinary, wholeText } from './text';

export type DigestFormat = 'daily-papers-page' | 'hf-json' | 'csl-json' | 'bibtex';

/** Tells the format from the content (a `.txt` may hold JSON, a `.json` may be BibTeX). */
export function detectFormat(text: string): DigestFormat {
  const start = text.trimStart();
  if (startsAsJson(start)) {
    const sample = firstJsonElement(start);
    if (sample !== undefined && isCslItem(sample) && !isHfPaperObject(sample)) return 'csl-json';
    return 'hf-json';
  }
  if (start.startsWith('@') || looksLikeBibtex(text)) return 'bibtex';
  return 'daily-papers-page';
}

/** A JSON array or object, from its first character (blanks before it taken off). */
function startsAsJson(start: string): boolean {
  return start.startsWith('[') || start.startsWith('{');
}

const PARSERS: Record<DigestFormat, (text: FileText, path: string, read?: PapersRead) => ParseResult> = {
  // Line by line, so it takes the text in blocks (see decodeInBlocks); the others read it whole.
  'daily-papers-page': parseDailyPapersPage,
  'hf-json': (text, path, read) => parseHfJson(wholeText(text), path, read),
  'csl-json': (text, path, read) => parseCslJson(wholeText(text), path, read),
  bibtex: (text, path, read) => parseBibtex(wholeText(text), path, read),
};

/**
 * Parses one digest file in whichever format it is. Never throws: whatever the
 * input, it returns the papers it could read and a problem for each thing it could not.
 * `read` is told of the papers as they are read.
 */
export function parseDigest(text: FileText, path: string, read?: PapersRead): ParseResult {
  try {
    const head = typeof text === 'string' ? text : textStart(text, HEAD_LENGTH);
    if (looksBinary(head)) {
      return {
        papers: [],
        problems: [{ path, line: 0, severity: 'error', message: `${path} is not a text digest (it looks like a binary file).` }],
      };
    }
    // JSON is read whole: its first element tells the format, and can be longer than any head.
    const body = withoutByteOrderMark(typeof text !== 'string' && startsAsJson(head.trimStart()) ? wholeText(text) : text);
    if (typeof body === 'string' ? !body.trim() : body.every((block) => !block.trim())) {
      return { papers: [], problems: [{ path, line: 0, severity: 'warning', message: `${path} is empty.` }] };
    }
    return sortProblems(PARSERS[detectFormat(typeof body === 'string' ? body : textStart(body, HEAD_LENGTH))](body, path, read));
  } catch (error) {
    return failed(path, error);
  }
}

/** More than looksBinary and detectFormat read of a text's start (JSON aside). */
const HEAD_LENGTH = 32 * 1024;

/** The text's first blocks, joined, up to at least `length` characters past any leading blank (or all there are). */
function textStart(blocks: readonly string[], length: number): string {
  let head = '';
  for (const block of blocks) {
    if (head.length >= length && head.trimStart().length >= length) break;
    head += block;
  }
  return head;
}

function withoutByteOrderMark(text: FileText): FileText {
  if (typeof text === 'string') return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return text[0]?.charCodeAt(0) === 0xfeff ? [text[0].slice(1), ...text.slice(1)] : text;
}

function sortProblems(result: ParseResult): ParseResult {
  result.problems.sort((a, b) => a.line - b.line);
  return result;
}

/** A parser bug must cost one file, never the library. */
function failed(path: string, error: unknown): ParseResult {
  return { papers: [], problems: [{ path, line: 0, severity: 'error', message: `Could not parse ${path}: ${String(error)}` }] };
}
