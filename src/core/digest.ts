import { ParseResult } from './model';
import { looksLikeBibtex, parseBibtex } from './formats/bibtex';
import { isCslItem, parseCslJson } from './formats/cslJson';
import { parseDailyPapersPage } from './formats/dailyPapersPage';
import { isHfPaperObject, parseHfJson } from './formats/hfJson';
import { firstJsonElement } from './formats/json';
import { looksBinary } from './text';

export type DigestFormat = 'daily-papers-page' | 'hf-json' | 'csl-json' | 'bibtex';

/** Tells the format from the content (a `.txt` may hold JSON, a `.json` may be BibTeX). */
export function detectFormat(text: string): DigestFormat {
  const start = text.trimStart();
  if (start.startsWith('[') || start.startsWith('{')) {
    const sample = firstJsonElement(start);
    if (sample !== undefined && isCslItem(sample) && !isHfPaperObject(sample)) return 'csl-json';
    return 'hf-json';
  }
  if (start.startsWith('@') || looksLikeBibtex(text)) return 'bibtex';
  return 'daily-papers-page';
}

const PARSERS: Record<DigestFormat, (text: string, path: string) => ParseResult> = {
  'daily-papers-page': parseDailyPapersPage,
  'hf-json': parseHfJson,
  'csl-json': parseCslJson,
  bibtex: parseBibtex,
};

/**
 * Parses one digest file in whichever format it is. Never throws: whatever the
 * input, it returns the papers it could read and a problem for each thing it could not.
 */
export function parseDigest(text: string, path: string): ParseResult {
  try {
    if (looksBinary(text)) {
      return {
        papers: [],
        problems: [{ path, line: 0, severity: 'error', message: `${path} is not a text digest (it looks like a binary file).` }],
      };
    }
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (!body.trim()) {
      return { papers: [], problems: [{ path, line: 0, severity: 'warning', message: `${path} is empty.` }] };
    }
    return sortProblems(PARSERS[detectFormat(body)](body, path));
  } catch (error) {
    return failed(path, error);
  }
}

function sortProblems(result: ParseResult): ParseResult {
  result.problems.sort((a, b) => a.line - b.line);
  return result;
}

/** A parser bug must cost one file, never the library. */
function failed(path: string, error: unknown): ParseResult {
  return { papers: [], problems: [{ path, line: 0, severity: 'error', message: `Could not parse ${path}: ${String(error)}` }] };
}
