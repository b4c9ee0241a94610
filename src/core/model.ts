/** A 0-based position, the way every core module speaks of places in text. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Where a paper or a problem came from: a file and a 0-based line. */
export interface SourceLocation {
  path: string;
  line: number;
}

/** A person's name split the way BibTeX and CSL split it; `literal` for an organisation. */
export interface PersonName {
  family: string;
  given?: string;
  /** "van", "de la": kept with the family name when written out. */
  particle?: string;
  suffix?: string;
  literal?: string;
}

/** Where a paper appeared, as its bibliography entry says (kept so that exports lose nothing). */
export interface Publication {
  /** The BibTeX entry type as written, lowercase (`article`, `inproceedings`, `book`, …). */
  type: string;
  journal?: string;
  booktitle?: string;
  volume?: string;
  number?: string;
  pages?: string;
  publisher?: string;
  /** The names are editors (an edited book), not authors. */
  editors?: boolean;
  /** The source entry's fields exactly as written (`title`, `{Tensor{F}low: …}`), so that a BibTeX export is the entry itself. */
  bibtexFields?: Array<[name: string, raw: string]>;
}

export interface Paper {
  /** Identity in the library (arXiv id, DOI, the entry's own key, or title and year), unique, set when merging. */
  id: string;
  /** Citation key, unique in the library: the user's own where a bibliography gives one, else a generated one. */
  key: string;
  /** Other keys that also mean this paper (a second entry with the same DOI, a key handed out earlier). */
  extraKeys: string[];
  title: string;
  abstract: string;
  /** The name a note would use ("LD-Pruner"), or null when the paper has none. */
  shortName: string | null;
  /** Other names for the paper (acronyms, the title before a colon); never shared by two papers. */
  aliases: string[];
  /** ISO `YYYY-MM-DD` (or `YYYY`, `YYYY-MM` where the digest gives no more), or null. */
  date: string | null;
  /** Upvotes; 0 where the page shows none, null where the paper has no meta block. */
  upvotes: number | null;
  authorCount: number | null;
  /** Display names ("Hado van Hasselt"). */
  authors: string[];
  /** The same names split, where the digest gives them split or they can be split reliably. */
  creators: PersonName[];
  /** Venue fields of the source entry (BibTeX, CSL-JSON), or null. */
  publication: Publication | null;
  organization: string | null;
  /** Subject keywords the digest gives (Hugging Face `ai_keywords`, BibTeX `keywords`, CSL `keyword`): evidence for techniques and search. */
  keywords: string[];
  /** Technique ids (see `techniques.ts`), filled in by the library. */
  techniques: string[];
  /** Links found in the abstract and given by the digest (code, project page): never the paper's own link. */
  links: string[];
  /** The paper's own page (arXiv, DOI, Hugging Face), or null when the digest gives none. */
  url: string | null;
  arxivId: string | null;
  doi: string | null;
  /** Where the paper was read; with several digests, the first. */
  source: SourceLocation;
  /** Every digest entry that describes this paper (merged by arXiv id, DOI or title). */
  sources: SourceLocation[];
}

/** A paper as a parser reads it, before the library names, keys and classifies it. */
export function newPaper(title: string, source: SourceLocation, fields: Partial<Paper> = {}): Paper {
  return {
    id: '',
    key: '',
    extraKeys: [],
    title,
    abstract: '',
    shortName: null,
    aliases: [],
    date: null,
    upvotes: null,
    authorCount: null,
    authors: [],
    creators: [],
    publication: null,
    organization: null,
    keywords: [],
    techniques: [],
    links: [],
    url: null,
    arxivId: null,
    doi: null,
    source,
    sources: [source],
    ...fields,
  };
}

/** Newest first, then most upvoted, then by title. Ordinal comparisons: ISO dates sort as strings, and localeCompare is slow over 50,000 papers. */
export function newestFirst(a: Paper, b: Paper): number {
  const da = a.date ?? '';
  const db = b.date ?? '';
  if (da !== db) return da < db ? 1 : -1;
  const votes = (b.upvotes ?? 0) - (a.upvotes ?? 0);
  if (votes) return votes;
  return a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
}

export type ProblemSeverity = 'error' | 'warning';

/** Something wrong in a digest, said so a person understands it. */
export interface Problem {
  path: string;
  line: number;
  message: string;
  severity: ProblemSeverity;
}

export interface ParseResult {
  papers: Paper[];
  problems: Problem[];
}

/**
 * Told of the papers a parser has read so far, the list growing as it reads (a paper's text
 * is complete when it is told): a big digest's texts go to other threads before its end.
 */
export type PapersRead = (papers: readonly Paper[]) => void;

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether two values of a paper's fields are equal: strings, numbers, and lists and plain objects of them, compared item by item. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
