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

export interface Paper {
  /** Stable identity in the library (arXiv id, DOI or normalised title), set when merging. */
  id: string;
  /** Citation key, unique in the library (assigned by `assignCitationKeys`). */
  key: string;
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
  authors: string[];
  organization: string | null;
  /** Technique ids (see `techniques.ts`), filled in by the library. */
  techniques: string[];
  /** Links found in the abstract and given by the digest (code, project page). */
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
    title,
    abstract: '',
    shortName: null,
    aliases: [],
    date: null,
    upvotes: null,
    authorCount: null,
    authors: [],
    organization: null,
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

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
