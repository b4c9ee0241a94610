import { Problem } from '../model';
import { LineIndex } from '../positions';

/** One element of a top-level JSON array, parsed on its own, with its line. */
export interface JsonElement {
  value: unknown;
  line: number;
}

/** How a problem names an element: its number too, since a minified file has everything on line 1. */
export function elementName(index: number, line: number): string {
  return `Entry ${index + 1} (line ${line + 1})`;
}

/**
 * Past this size an array is read element by element from the start: its elements' spans
 * are needed anyway (for their lines), and a broken element then costs no failed parse
 * of the whole file first.
 */
const WHOLE_PARSE_LIMIT = 2_000_000;

/**
 * Reads a JSON array element by element, so that one broken element costs only
 * itself: each element is found by bracket depth (outside strings) and parsed alone.
 * A top-level object is read as a one-element array; `{ "papers": [...] }`-style
 * wrappers are unwrapped by the caller.
 */
export function readJsonElements(text: string, path: string, problems: Problem[]): JsonElement[] {
  if (text.length > WHOLE_PARSE_LIMIT && text.trimStart().startsWith('[')) {
    const elements: JsonElement[] = [];
    const { spans, unfinished } = elementSpans(text);
    // Lines counted as we go: the spans come in order.
    let line = 0;
    let nextNewline = text.indexOf('\n');
    for (const [start, end] of spans) {
      while (nextNewline >= 0 && nextNewline < start) {
        line++;
        nextNewline = text.indexOf('\n', nextNewline + 1);
      }
      try {
        elements.push({ value: JSON.parse(text.slice(start, end)), line });
      } catch (inner) {
        problems.push({ path, line, severity: 'error', message: `Entry at line ${line + 1} is not valid JSON (${(inner as Error).message}); skipped.` });
      }
    }
    if (unfinished !== undefined) cutOff(text, unfinished, spans.length, problems, path);
    return elements;
  }
  const lines = new LineIndex(text);
  try {
    const whole = JSON.parse(text) as unknown;
    if (!Array.isArray(whole)) return [{ value: whole, line: lines.position(text.search(/\S/)).line }];
    const starts = elementStarts(text);
    return whole.map((value, i) => ({ value, line: lines.position(starts[i] ?? 0).line }));
  } catch (error) {
    const { spans, unfinished } = elementSpans(text);
    if (spans.length === 0 && unfinished === undefined) {
      problems.push({ path, line: errorLine(error, lines), severity: 'error', message: `${path} is not valid JSON: ${(error as Error).message}` });
      return [];
    }
    const elements: JsonElement[] = [];
    spans.forEach(([start, end], index) => {
      const line = lines.position(start).line;
      try {
        elements.push({ value: JSON.parse(text.slice(start, end)), line });
      } catch (inner) {
        problems.push({ path, line, severity: 'error', message: `${elementName(index, line)} is not valid JSON (${(inner as Error).message}); skipped.` });
      }
    });
    if (unfinished !== undefined) cutOff(text, unfinished, spans.length, problems, path);
    return elements;
  }
}

/** The file ends inside an element (a download or a copy cut short): say so at its line. */
function cutOff(text: string, start: number, index: number, problems: Problem[], path: string): void {
  const line = new LineIndex(text.slice(0, start + 1)).position(start).line;
  problems.push({ path, line, severity: 'error', message: `${elementName(index, line)} is cut off: the file ends inside it; skipped.` });
}

function errorLine(error: unknown, lines: LineIndex): number {
  const position = /position (\d+)/.exec(String((error as Error).message));
  return position ? lines.position(Number(position[1])).line : 0;
}

/** Offsets where the elements of the top-level array start. */
function elementStarts(text: string): number[] {
  return elementSpans(text).spans.map(([start]) => start);
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
  const [span] = elementSpans(text, 1).spans;
  if (!span) return undefined;
  try {
    return JSON.parse(text.slice(span[0], span[1])) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * [start, end) of each top-level array element, tolerant of a broken element in the
 * middle; and where an element starts that the text ends inside of, if one does.
 */
function elementSpans(text: string, limit = Infinity): { spans: Array<[number, number]>; unfinished: number | undefined } {
  const scanner = new ElementScanner(text, limit);
  scanner.scan();
  return { spans: scanner.spans, unfinished: scanner.unfinished };
}

const QUOTE = 34;
const BACKSLASH = 92;

/** Finds element boundaries in one pass; strings are skipped with indexOf. */
class ElementScanner {
  readonly spans: Array<[number, number]> = [];
  done = false;
  private i: number;
  private depth = 0;
  private start = -1;

  constructor(
    private readonly text: string,
    private readonly limit: number,
  ) {
    const open = text.search(/\S/);
    this.i = open + 1;
    if (text[open] !== '[') this.done = true;
  }

  scan(): void {
    const { text } = this;
    let i = this.i;
    while (!this.done && i < text.length) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        if (this.depth === 0 && this.start < 0) this.start = i;
        i = this.stringEnd(i + 1);
        continue;
      }
      if (c === 123 || c === 91) {
        // { [
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (c === 125 || c === 93) {
        // } ]
        if (this.depth === 0) {
          this.done = true; // the array's own closing bracket
          break;
        }
        this.depth--;
        if (this.depth === 0 && this.start >= 0) this.push(this.start, i + 1);
      } else if (this.depth === 0) {
        const separator = c === 44 || c === 32 || c === 10 || c === 13 || c === 9;
        if (!separator && this.start < 0) this.start = i; // a number, true, false or null
        else if (separator && this.start >= 0) this.push(this.start, i);
      }
      if (this.spans.length >= this.limit) {
        this.done = true;
        break;
      }
      i++;
    }
    this.i = i;
    if (i >= text.length) this.done = true;
  }

  /** The index just after the string that starts at `from` (after its opening quote). */
  private stringEnd(from: number): number {
    for (let q = this.text.indexOf('"', from); q >= 0; q = this.text.indexOf('"', q + 1)) {
      let backslashes = 0;
      for (let k = q - 1; k >= from && this.text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
      if (backslashes % 2 === 0) return q + 1;
    }
    return this.text.length;
  }

  /** Where an element starts that the text ends inside of (a cut file), if one does. */
  get unfinished(): number | undefined {
    return this.depth > 0 && this.start >= 0 && this.spans.length < this.limit ? this.start : undefined;
  }

  private push(start: number, end: number): void {
    this.spans.push([start, end]);
    this.start = -1;
  }
}
