import { ParseResult } from './model';
import { parseDailyPapersPage } from './formats/dailyPapersPage';
import { looksBinary } from './text';

/**
 * Parses one digest file. Never throws: whatever the input, it returns the
 * papers it could read and a problem for each thing it could not.
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
    return parseDailyPapersPage(body, path);
  } catch (error) {
    // A parser bug must cost one file, never the library.
    return {
      papers: [],
      problems: [{ path, line: 0, severity: 'error', message: `Could not parse ${path}: ${String(error)}` }],
    };
  }
}
