import { Creator, Library as BibLibrary, parse } from '@retorquere/bibtex-parser';
import { isCitableKey } from '../citationKeys';
import { PapersRead, ParseResult, Paper, PersonName, Problem, Publication, newPaper } from '../model';
import { displayName, splitName } from '../personNames';
import { LineIndex } from '../positions';
import { arxivFromDoi, arxivFromUrl, extractLinks, keywordList, latexToText } from '../text';

/**
 * BibTeX / BibLaTeX through @retorquere/bibtex-parser (the parser behind Better
 * BibTeX's imports: LaTeX to Unicode, names split), one entry at a time.
 * Citation keys are kept exactly as the user wrote them.
 */

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

export function looksLikeBibtex(text: string): boolean {
  return /^\s*@[a-zA-Z]+\s*[{(]/m.test(text.slice(0, 20000));
}

const OPTIONS = { english: false, sentenceCase: false, caseProtection: false, unsupported: 'ignore' } as const;
/** A field longer than this (a real abstract is a few kilobytes) is read in part: the parser is quadratic on one huge field. */
const MAX_FIELD = 16 * 1024;

/**
 * One entry of the file, as its own text. The file is cut at each `@type{` that starts a
 * line, by our own linear scan, and every entry is parsed on its own: one entry's broken
 * brace can never swallow the next, and each problem is at its line.
 */
interface EntryText {
  text: string;
  start: number;
  /** Whether its braces close; an entry that never closes before the next one is reported, not read. */
  balanced: boolean;
  kind: string;
}

const ENTRY_START = /^[ \t]*@([A-Za-z]+)[ \t]*[{(]/gm;

function splitEntries(text: string): EntryText[] {
  const starts: Array<{ at: number; open: number; kind: string }> = [];
  ENTRY_START.lastIndex = 0;
  for (let m = ENTRY_START.exec(text); m; m = ENTRY_START.exec(text)) {
    starts.push({ at: m.index + m[0].indexOf('@'), open: m.index + m[0].length - 1, kind: m[1]!.toLowerCase() });
  }
  return starts.map(({ at, open, kind }, i) => {
    const next = starts[i + 1]?.at ?? text.length;
    let depth = 0;
    let end = -1;
    const paren = text[open] === '(';
    for (let j = open; j < next; j++) {
      const c = text[j];
      if (c === '{' || (paren && c === '(' && j === open)) depth++;
      else if (c === '}' || (paren && c === ')' && depth === 1)) {
        depth--;
        if (depth === 0) {
          end = j + 1;
          break;
        }
      }
    }
    return { text: text.slice(at, end > 0 ? end : next), start: at, balanced: end > 0, kind };
  });
}

export function parseBibtex(input: string, path: string, read?: PapersRead): ParseResult {
  // A lone CR ends a line, as everywhere else (a `%` comment must not run to the end of the file); lengths stay.
  const text = input.includes('\r') ? input.replace(/\r(?!\n)/g, '\n') : input;
  const lines = new LineIndex(text);
  const problems: Problem[] = [];
  const entries = splitEntries(text);
  let strings: Record<string, string> = {};
  const definitions = entries.filter((e) => e.kind === 'string' && e.balanced).map((e) => e.text);
  if (definitions.length) {
    try {
      strings = parse(definitions.join('\n'), OPTIONS).strings;
    } catch {
      // Each @string is reported with its entry below, if at all.
    }
  }
  const parsed: Array<{ entry: BibEntry; line: number; raw: string }> = [];
  for (const chunk of entries) {
    if (chunk.kind === 'string' || chunk.kind === 'comment' || chunk.kind === 'preamble') continue;
    const line = lines.position(chunk.start).line;
    if (!chunk.balanced) {
      const next = lines.position(chunk.start + chunk.text.length).line;
      problems.push({ path, line, severity: 'error', message: `The entry at line ${line + 1} has a brace that never closes before the next entry (line ${next + 1}); it is skipped, the next one is read.` });
      continue;
    }
    const { text: readable, cut } = cutHugeFields(chunk.text);
    for (const name of cut) problems.push({ path, line, severity: 'warning', message: `The "${name}" field of the entry at line ${line + 1} is over ${MAX_FIELD / 1024} KB; only its start was read (an export writes it whole).` });
    let library: BibLibrary;
    try {
      library = parse(readable, { ...OPTIONS, strings });
    } catch (error) {
      problems.push({ path, line, severity: 'error', message: `BibTeX syntax error in the entry at line ${line + 1}: ${String((error as Error).message ?? error).replace(/\s+/g, ' ').slice(0, 200)}` });
      continue;
    }
    for (const error of library.errors) {
      problems.push({ path, line, severity: 'error', message: `BibTeX syntax error in the entry at line ${line + 1}: ${error.error.replace(/\s+/g, ' ').slice(0, 200)}` });
    }
    for (const entry of library.entries) parsed.push({ entry, line, raw: chunk.text });
  }
  const errorLines = new Set(problems.map((p) => p.line));
  return { papers: toPapers(parsed, path, problems, errorLines, read), problems };
}

type BibEntry = BibLibrary['entries'][number];

/** The entry with each field over MAX_FIELD cut to its start (braces kept balanced), and the names of the fields cut. */
function cutHugeFields(entry: string): { text: string; cut: string[] } {
  if (entry.length <= MAX_FIELD) return { text: entry, cut: [] };
  const cut: string[] = [];
  let text = entry;
  for (const [name, raw] of rawFields(entry)) {
    if (raw.length <= MAX_FIELD || !raw.startsWith('{')) continue;
    // Keep the start, dropping braces and backslashes so that what is left is balanced plain text.
    const start = raw.slice(1, MAX_FIELD).replace(/[{}\\]/g, ' ');
    text = text.replace(raw, `{${start}}`);
    cut.push(name);
  }
  return { text, cut };
}

function toPapers(parsed: Array<{ entry: BibEntry; line: number; raw: string }>, path: string, problems: Problem[], errorLines: Set<number>, read?: PapersRead): Paper[] {
  const papers: Paper[] = [];
  // Pandoc keeps the last of several entries with one key: so do we, and say so at the others.
  const lastWithKey = new Map<string, number>();
  parsed.forEach(({ entry }, i) => lastWithKey.set(entry.key, i));
  parsed.forEach(({ entry, line, raw }, i) => {
    const fields = entry.fields as Record<string, unknown>;
    const title = text1(fields.title);
    const used = lastWithKey.get(entry.key)!;
    if (used !== i) {
      problems.push({ path, line, severity: 'warning', message: `Duplicate citation key "${entry.key}" at line ${line + 1}: pandoc uses the entry with this key at line ${parsed[used]!.line + 1}, so this one is ignored.` });
      return;
    }
    if (!title) {
      // A syntax error already reported here explains the missing title.
      if (!errorLines.has(line)) problems.push({ path, line, severity: 'warning', message: `Entry "${entry.key}" (line ${line + 1}) has no title; skipped.` });
      return;
    }
    let key = entry.key;
    if (!isCitableKey(key)) {
      // No citation syntax can name it (white space or brackets): the paper gets a generated key instead.
      problems.push({ path, line, severity: 'warning', message: `Entry at line ${line + 1} has a citation key no note can cite ("${entry.key.slice(0, 40)}"); a key was made for it.` });
      key = '';
    }
    const creators = ((fields.author as Creator[] | undefined) ?? (fields.editor as Creator[] | undefined) ?? []).map(personName).filter((n) => n.family || n.literal);
    const authors = creators.filter((n) => n.literal !== 'others').map(displayName);
    const abstract = text1(fields.abstract);
    const doi = text1(fields.doi) || null;
    const eprint = text1(fields.eprint);
    const isArxiv = /arxiv/i.test(text1(fields.archiveprefix) || text1(fields.eprinttype)) || /^\d{4}\.\d{4,5}(v\d+)?$/.test(eprint);
    const arxivId = isArxiv && eprint ? eprint.replace(/^arXiv:/i, '').replace(/v\d+$/, '') : arxivFromUrl(text1(fields.url)) ?? arxivFromDoi(doi);
    papers.push(
      newPaper(title, { path, line }, {
        key,
        abstract,
        keywords: keywordList(text1(fields.keywords)),
        authors,
        creators,
        authorCount: authors.length || null,
        organization: authors.length ? null : text1(fields.institution) || text1(fields.organization) || null,
        publication: {
          ...publicationOf(entry.type, fields),
          ...(!fields.author && fields.editor ? { editors: true } : {}),
          bibtexFields: rawFields(raw),
        },
        date: dateOf(fields),
        doi,
        arxivId,
        url: text1(fields.url) || null,
        links: extractLinks(abstract),
      }),
    );
    read?.(papers);
  });
  return papers;
}

/**
 * A field's value as written in the file (`{…}`, `"…"`, a number) as text, its LaTeX read
 * as pandoc's LaTeX reader reads it: accents and quotes as characters, a control space
 * (`Rend.\\ Accad.`) as a space, a binary operator in math with spaces around it
 * (`$16\\times 16$` → "16 × 16"). Undefined for a macro (`jan`, an @string) it cannot expand
 * on its own.
 */
export function bibtexValueText(raw: string): string | undefined {
  const value = raw.trim();
  if (!/^[{"\d]/.test(value)) return undefined;
  const latex = value
    .replace(/\\ /g, ' ')
    // Math as pandoc's TeX reader writes it in text: symbols, with binary operators between spaces.
    .replace(/\$([^$]{1,200})\$/g, (whole, math: string) => latexToText(whole).replace(/\s*([×·±∓÷≤≥≠≈=+<>])\s*/g, ' $1 ').replace(/^ | $/g, '') || math);
  try {
    const field = parse(`@misc{x, f = ${latex}}`, OPTIONS).entries[0]?.fields.f;
    return typeof field === 'string' ? text1(field) : undefined;
  } catch {
    return undefined;
  }
}

/** A name list as written in the file (an `editor` field), read as the entry's authors are. */
export function bibtexNames(raw: string): PersonName[] {
  try {
    const names = parse(`@misc{x, author = ${raw.trim()}}`, OPTIONS).entries[0]?.fields.author;
    return Array.isArray(names) ? (names as Creator[]).map(personName).filter((n) => n.family || n.literal) : [];
  } catch {
    return [];
  }
}

/** A field as one line of text (array fields such as `institution` joined). */
function text1(value: unknown): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(', ') : '';
  // The parser marks up \emph, \textsc and \url as <i>, <span …>, <a …>: plain text here (a literal "<" in BibTeX never comes through as one).
  // NFC: it writes accents as combining marks ("U" + "̈"), which would not match "Ü" typed in a note.
  return text.replace(/<\/?(?:i|b|em|strong|sup|sub|span|sc|tt|a)(?:\s[^>]*)?>/g, '').replace(/\s+/g, ' ').trim().normalize('NFC');
}

function personName(c: Creator): PersonName {
  const clean = (x: string | undefined) => (x ? x.replace(/\s+/g, ' ').replace(/,+$/, '').trim().normalize('NFC') : '');
  if (c.name) return { family: '', literal: clean(c.name) };
  // "and et al." says what "and others" says.
  if (/^others$/i.test(clean(c.lastName)) || (/^al\.?$/.test(c.lastName ?? '') && /^et$/.test(c.firstName ?? c.prefix ?? ''))) return { family: '', literal: 'others' };
  // `G.~S.~Kimeldorf`: ties kept the name in one piece; BibTeX reads the last word as the family name.
  if (!c.firstName && !c.prefix && /\s/.test(clean(c.lastName))) return splitName(clean(c.lastName));
  const name: PersonName = { family: clean(c.lastName) };
  if (c.firstName) name.given = clean(c.firstName);
  if (c.prefix) name.particle = clean(c.prefix);
  if (c.suffix) name.suffix = clean(c.suffix);
  return name;
}

const VENUE_FIELDS = ['journal', 'booktitle', 'volume', 'number', 'pages', 'publisher'] as const;

function publicationOf(type: string, fields: Record<string, unknown>): Publication {
  const publication: Publication = { type: type.toLowerCase() };
  for (const name of VENUE_FIELDS) {
    const value = text1(name === 'journal' ? fields.journal ?? fields.journaltitle : fields[name]);
    if (value) publication[name] = value;
  }
  return publication;
}

function dateOf(fields: Record<string, unknown>): string | null {
  const date = text1(fields.date);
  const full = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date);
  if (full) return [full[1], full[2], full[3]].filter(Boolean).join('-');
  const year = /^\d{4}$/.exec(text1(fields.year))?.[0];
  if (!year) return null;
  const month = text1(fields.month).toLowerCase();
  const m = MONTHS[month.slice(0, 3)] ?? (/^\d{1,2}$/.test(month) ? month.padStart(2, '0') : undefined);
  return m ? `${year}-${m}` : year;
}

/**
 * An entry's fields exactly as written, delimiters included (`{…}`, `"…"`, `2016`,
 * `"a" # jan`), read from the entry's own text by brace depth: what a BibTeX export
 * writes back, so that pandoc reads the exported entry as it read the original.
 */
export function rawFields(input: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const open = input.search(/[{(]/);
  if (open < 0) return fields;
  // Past the key.
  let i = input.indexOf(',', open);
  if (i < 0) return fields;
  const n = input.length;
  while (i < n) {
    while (i < n && /[\s,]/.test(input[i]!)) i++;
    const name = /^[^\s=,{}()"#]+/.exec(input.slice(i, i + 200))?.[0];
    if (!name) break;
    i += name.length;
    while (i < n && /\s/.test(input[i]!)) i++;
    if (input[i] !== '=') break;
    i++;
    const start = i;
    // A value: pieces joined by `#`, each braced, quoted or bare.
    for (;;) {
      while (i < n && /\s/.test(input[i]!)) i++;
      if (input[i] === '{' || input[i] === '"') {
        const close = input[i] === '{' ? '}' : '"';
        let depth = 0;
        const quoted = close === '"';
        if (!quoted) depth = 1;
        i++;
        while (i < n) {
          const c = input[i]!;
          if (c === '\\') i++;
          else if (c === '{') depth++;
          else if (c === '}') {
            if (!quoted && depth === 1) break;
            depth--;
          } else if (quoted && c === '"' && depth === 0) break;
          i++;
        }
        i++;
      } else {
        while (i < n && !/[\s,#})]/.test(input[i]!)) i++;
      }
      let j = i;
      while (j < n && /\s/.test(input[j]!)) j++;
      if (input[j] !== '#') break;
      i = j + 1;
    }
    const raw = input.slice(start, i).trim();
    if (raw) fields.push([name.toLowerCase(), raw.replace(/\s*\n\s*/g, ' ')]);
  }
  return fields;
}
