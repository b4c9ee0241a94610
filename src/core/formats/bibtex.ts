import { Creator, Library as BibLibrary, parse, parseAsync } from '@retorquere/bibtex-parser';
import { isCitableKey } from '../citationKeys';
import { ParseResult, Paper, PersonName, Problem, Publication, newPaper } from '../model';
import { displayName, splitName } from '../personNames';
import { LineIndex } from '../positions';
import { arxivFromDoi, arxivFromUrl, extractLinks } from '../text';

/**
 * BibTeX / BibLaTeX through @retorquere/bibtex-parser (the parser behind Better
 * BibTeX's imports): LaTeX to Unicode, names split, recovery after a broken entry.
 * Citation keys are kept exactly as the user wrote them.
 */

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

export function looksLikeBibtex(text: string): boolean {
  return /^\s*@[a-zA-Z]+\s*[{(]/m.test(text.slice(0, 20000));
}

const OPTIONS = { english: false, sentenceCase: false, caseProtection: false, unsupported: 'ignore' } as const;

export function parseBibtex(text: string, path: string): ParseResult {
  let library: BibLibrary;
  try {
    library = parse(text, OPTIONS);
  } catch (error) {
    return unreadable(path, error);
  }
  return toPapers(library, text, path);
}

/** The same, through the parser's async mode, which gives the event loop back every 1,000 entries. */
export async function parseBibtexAsync(text: string, path: string): Promise<ParseResult> {
  let library: BibLibrary;
  try {
    library = await parseAsync(text, OPTIONS);
  } catch (error) {
    return unreadable(path, error);
  }
  return toPapers(library, text, path);
}

function unreadable(path: string, error: unknown): ParseResult {
  return { papers: [], problems: [{ path, line: 0, severity: 'error', message: `Could not read ${path} as BibTeX: ${(error as Error).message}` }] };
}

function toPapers(library: BibLibrary, text: string, path: string): ParseResult {
  const problems: Problem[] = [];
  const papers: Paper[] = [];
  const lines = new LineIndex(text);
  const lineOf = (input: string | undefined, from = 0): number => {
    const at = input ? text.indexOf(input.trim().slice(0, 200), from) : -1;
    return at >= 0 ? lines.position(at).line : 0;
  };
  const errorLines = new Set<number>();
  for (const error of library.errors) {
    const at = /at line (\d+)/.exec(error.error);
    const line = error.input ? lineOf(error.input) : at ? Number(at[1]) - 1 : 0;
    errorLines.add(line);
    problems.push({ path, line, severity: 'error', message: `BibTeX syntax error in the entry at line ${line + 1}: ${error.error.replace(/\s+/g, ' ').slice(0, 200)}` });
  }
  // Pandoc keeps the last of several entries with one key: so do we, and say so at the others.
  const lastWithKey = new Map<string, number>();
  library.entries.forEach((entry, i) => lastWithKey.set(entry.key, i));
  let searchFrom = 0;
  const entryLines = library.entries.map((entry) => {
    const line = entry.input ? lineOf(entry.input, searchFrom) : lineOf(`{${entry.key},`);
    if (entry.input) searchFrom = Math.max(searchFrom, text.indexOf(entry.input.trim().slice(0, 200), searchFrom));
    return line;
  });
  library.entries.forEach((entry, i) => {
    const line = entryLines[i]!;
    const fields = entry.fields as Record<string, unknown>;
    const title = text1(fields.title);
    const used = lastWithKey.get(entry.key)!;
    if (used !== i) {
      problems.push({ path, line, severity: 'warning', message: `Duplicate citation key "${entry.key}" at line ${line + 1}: pandoc uses the entry with this key at line ${entryLines[used]! + 1}, so this one is ignored.` });
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
        authors,
        creators,
        authorCount: authors.length || null,
        organization: authors.length ? null : text1(fields.institution) || text1(fields.organization) || null,
        publication: {
          ...publicationOf(entry.type, fields),
          ...(!fields.author && fields.editor ? { editors: true } : {}),
          ...(entry.input ? { bibtexFields: rawFields(entry.input) } : {}),
        },
        date: dateOf(fields),
        doi,
        arxivId,
        url: text1(fields.url) || null,
        links: extractLinks(abstract),
      }),
    );
  });
  return { papers, problems };
}

/** A field as one line of text (array fields such as `institution` joined). */
function text1(value: unknown): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(', ') : '';
  // The parser marks up \emph and \textsc as <i>, <span …>: plain text here (a literal "<" in BibTeX never comes through as one).
  // NFC: it writes accents as combining marks ("U" + "̈"), which would not match "Ü" typed in a note.
  return text.replace(/<\/?(?:i|b|em|strong|sup|sub|span|sc|tt)(?:\s[^>]*)?>/g, '').replace(/\s+/g, ' ').trim().normalize('NFC');
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
