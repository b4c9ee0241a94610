import { Problem } from '../model';
import { LineIndex } from '../positions';
import { Steps, runSteps } from '../steps';

/** One element of a top-level JSON array, parsed on its own, with its line. */
export interface JsonElement {
  value: unknown;
  line: number;
}

/**
 * Reads a JSON array element by element, so that one broken element costs only
 * itself: each element is found by bracket depth (outside strings) and parsed alone.
 * A top-level object is read as a one-element array; `{ "papers": [...] }`-style
 * wrappers are unwrapped by the caller.
 */
/** Past this size one JSON.parse would hold the editor too long: read element by element. */
const WHOLE_PARSE_LIMIT = 2_000_000;

export function* readJsonElements(text: string, path: string, problems: Problem[]): Steps<JsonElement[]> {
  if (text.length > WHOLE_PARSE_LIMIT && text.trimStart().startsWith('[')) {
    const elements: JsonElement[] = [];
    const spans = yield* elementSpanSteps(text);
    // Lines counted as we go: the spans come in order.
    let line = 0;
    let counted = 0;
    for (const [start, end] of spans) {
      for (let nl = text.indexOf('\n', counted); nl >= 0 && nl < start; nl = text.indexOf('\n', nl + 1)) line++;
      counted = start;
      try {
        elements.push({ value: JSON.parse(text.slice(start, end)), line });
      } catch (inner) {
        problems.push({ path, line, severity: 'error', message: `Entry at line ${line + 1} is not valid JSON (${(inner as Error).message}); skipped.` });
      }
      if (elements.length % 200 === 0) yield;
    }
    return elements;
  }
  const lines = new LineIndex(text);
  try {
    const whole = JSON.parse(text) as unknown;
    if (!Array.isArray(whole)) return [{ value: whole, line: lines.position(text.search(/\S/)).line }];
    const starts = elementStarts(text);
    return whole.map((value, i) => ({ value, line: lines.position(starts[i] ?? 0).line }));
  } catch (error) {
    const spans = elementSpans(text);
    if (spans.length === 0) {
      problems.push({ path, line: errorLine(error, lines), severity: 'error', message: `${path} is not valid JSON: ${(error as Error).message}` });
      return [];
    }
    const elements: JsonElement[] = [];
    for (const [start, end] of spans) {
      const line = lines.position(start).line;
      try {
        elements.push({ value: JSON.parse(text.slice(start, end)), line });
      } catch (inner) {
        problems.push({ path, line, severity: 'error', message: `Entry at line ${line + 1} is not valid JSON (${(inner as Error).message}); skipped.` });
      }
    }
    return elements;
  }
}

function errorLine(error: unknown, lines: LineIndex): number {
  const position = /position (\d+)/.exec(String((error as Error).message));
  return position ? lines.position(Number(position[1])).line : 0;
}

/** Offsets where the elements of the top-level array start. */
function elementStarts(text: string): number[] {
  return elementSpans(text).map(([start]) => start);
}

/** The first element of a top-level array (or the top-level object), read without parsing the rest. */
export function firstJsonElement(text: string): unknown {
  const start = text.search(/\S/);
  if (text[start] === '{') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
  const [span] = elementSpans(text, 1);
  if (!span) return undefined;
  try {
    return JSON.parse(text.slice(span[0], span[1])) as unknown;
  } catch {
    return undefined;
  }
}

function elementSpans(text: string, limit = Infinity): Array<[number, number]> {
  return runSteps(elementSpanSteps(text, limit));
}

/** [start, end) of each top-level array element; tolerant of a broken element in the middle. */
function* elementSpanSteps(text: string, limit = Infinity): Steps<Array<[number, number]>> {
  const spans: Array<[number, number]> = [];
  const open = text.search(/\S/);
  if (text[open] !== '[') return spans;
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = open + 1; i < text.length; i++) {
    if ((i & 0xfffff) === 0) yield;
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      if (depth === 0 && start < 0) start = i;
    } else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      if (depth === 0) break; // the array's own closing bracket
      depth--;
      if (depth === 0 && start >= 0) {
        spans.push([start, i + 1]);
        start = -1;
        if (spans.length >= limit) break;
      }
    } else if (depth === 0 && c !== ',' && !/\s/.test(c) && start < 0) {
      start = i; // a number, true, false or null element
    } else if (depth === 0 && (c === ',' || /\s/.test(c)) && start >= 0) {
      spans.push([start, i]);
      start = -1;
    }
  }
  return spans;
}
