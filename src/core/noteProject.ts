import type { ParseResult, Paper, Problem } from './model';

// What the editor needs of a note's bibliography before it reads one (noteBibliography.ts, with
// the YAML and Markdown parsers, is loaded when it first does: see lazyModules.ts): its shape,
// the empty one, and which files' changes can change one.

/** Reads project files: the text, or undefined where there is no such file. */
export interface ProjectFiles {
  read(path: string): Promise<string | undefined>;
}

/**
 * Reads a declared bibliography file (BibTeX, CSL-JSON, Hugging Face JSON): `parseDigest`,
 * handed in so that the editor loads the BibTeX reader only when a note declares a file.
 */
export type BibliographyReader = (text: string, path: string) => ParseResult;

/** Where bibliographies were declared, and what they hold. */
export interface Declaration {
  /** The file that declares them (the note, `_metadata.yml`, `_quarto.yml`, `index.Rmd`). */
  path: string;
  line: number;
  bibliographies: string[];
  /** Inline CSL items (`references:`). */
  references: unknown[];
}

/** What a note can cite beyond the configured digests. */
export interface NoteBibliography {
  /** Where the bibliographies were declared, or undefined for a note that declares none. */
  declaration: Declaration | undefined;
  /** Entries of the declared bibliographies, in pandoc's order (a later file's key wins). */
  papers: Paper[];
  byKey: ReadonlyMap<string, Paper>;
  problems: Problem[];
}

export const NO_BIBLIOGRAPHY: NoteBibliography = { declaration: undefined, papers: [], byKey: new Map(), problems: [] };

/** Whether a note's bibliography is none: nothing declared, nothing wrong (by content: the editor's reader has its own NO_BIBLIOGRAPHY). */
export function isNoBibliography(bibliography: NoteBibliography): boolean {
  return !bibliography.declaration && !bibliography.papers.length && !bibliography.problems.length;
}

export const QUARTO_PROJECT = '_quarto.yml';
export const QUARTO_METADATA = '_metadata.yml';
export const BOOKDOWN_INDEX = 'index.Rmd';

/** Whether a change to this file can change some note's bibliography. */
export function isProjectFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === QUARTO_PROJECT || name === QUARTO_METADATA || name === BOOKDOWN_INDEX || /\.(bib|bibtex|json|ya?ml)$/i.test(name);
}
