import { Creator, Library as BibLibrary, parse, parseAsync } from '@retorquere/bibtex-parser';
import { isCitableKey } from '../citationKeys';
import { ParseResult, Paper, PersonName, Problem, Publication, newPaper } from '../model';
import { displayName } from '../personNames';
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
        publication: publicationOf(entry.type, fields),
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
  // NFC: the parser writes accents as combining marks ("U" + "̈"), which would not match "Ü" typed in a note.
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim().normalize('NFC');
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join(', ').trim().normalize('NFC');
  return '';
}

function personName(c: Creator): PersonName {
  const clean = (x: string | undefined) => (x ? x.replace(/\s+/g, ' ').trim().normalize('NFC') : '');
  if (c.name) return { family: '', literal: clean(c.name) };
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
