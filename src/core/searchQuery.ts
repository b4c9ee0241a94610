/**
 * The search box's syntax, as people know it from other search boxes:
 *
 *   words                 ranked, every word wanted (the last one may be unfinished)
 *   "a phrase"            those words, next to each other, in the title or abstract
 *   -word                 no paper with that word
 *   author:name           an author whose name has a word starting so
 *   year:2024             published in 2024; year:2023..2025, year:2023.., year:..2020
 *   technique:lora, #lora a technique whose id or label starts so
 *   digest:name           a paper read from a digest whose file name contains it
 *
 * Anything that does not read as syntax (`year:soon`, a lone quote, `-`) is words: a
 * query never fails. The parse is pure; which techniques and digests exist is decided
 * by the library (`SearchFilter` is what it hands to the index).
 */

export interface YearRange {
  from: number;
  to: number;
}

export interface ParsedQuery {
  /** The words to rank by, phrases' words included, in the order typed. */
  words: string[];
  /** Quoted phrases, as typed (lowercase). */
  phrases: string[];
  excluded: string[];
  authors: string[];
  years: YearRange | null;
  /** What follows `technique:` or `#`, to be matched against the taxonomy. */
  techniques: string[];
  digests: string[];
  /** Whether the query ends inside a word being typed (no trailing space, not in a filter). */
  endsInWord: boolean;
}

/** The filters the index applies, resolved by the library. */
export interface SearchFilter {
  phrases: string[];
  excluded: string[];
  authors: string[];
  years: YearRange | null;
  /** Technique ids: a paper must have one of them (for each entry, one of its ids). */
  techniqueIds: string[][];
  digests: string[];
}

export const QUERY_SYNTAX_HINT = 'words, "a phrase", -word, author:name, year:2023..2025, #technique, digest:name';

const YEAR = /^(\d{4})?(?:(\.\.)(\d{4})?)?$/;

function yearRange(value: string): YearRange | null {
  const m = YEAR.exec(value);
  if (!m || (!m[1] && !m[3])) return null;
  if (!m[2]) return { from: Number(m[1]), to: Number(m[1]) };
  const from = m[1] ? Number(m[1]) : 0;
  const to = m[3] ? Number(m[3]) : 9999;
  return from <= to ? { from, to } : null;
}

/** Splits the query into tokens, a quoted part being one token (with its quotes). */
function tokens(query: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(query); m; m = re.exec(query)) out.push(m[0]);
  return out;
}

export function parseQuery(query: string): ParsedQuery {
  const parsed: ParsedQuery = { words: [], phrases: [], excluded: [], authors: [], years: null, techniques: [], digests: [], endsInWord: false };
  let lastIsWord = false;
  for (const token of tokens(query)) {
    lastIsWord = false;
    if (token.length > 1 && token.startsWith('"') && token.endsWith('"')) {
      const phrase = token.slice(1, -1).trim().toLowerCase().replace(/\s+/g, ' ');
      if (phrase.includes(' ')) parsed.phrases.push(phrase);
      if (phrase) parsed.words.push(...phrase.split(' '));
      continue;
    }
    const field = /^([a-z]+):(.+)$/i.exec(token);
    if (field) {
      const name = field[1]!.toLowerCase();
      const value = field[2]!;
      if (name === 'year') {
        const range = yearRange(value);
        if (range) {
          parsed.years = range;
          continue;
        }
      } else if (name === 'author') {
        parsed.authors.push(value.toLowerCase());
        continue;
      } else if (name === 'technique') {
        parsed.techniques.push(value.toLowerCase());
        continue;
      } else if (name === 'digest') {
        parsed.digests.push(value.toLowerCase());
        continue;
      }
    }
    if (/^#[\p{L}\p{N}]/u.test(token)) {
      parsed.techniques.push(token.slice(1).toLowerCase());
      continue;
    }
    if (/^-[\p{L}\p{N}]/u.test(token)) {
      parsed.excluded.push(token.slice(1).toLowerCase());
      continue;
    }
    // Not syntax: the token's text is words (a stray quote or colon is punctuation).
    const text = token.replace(/"/g, ' ').trim();
    if (text) {
      parsed.words.push(text);
      lastIsWord = true;
    }
  }
  parsed.endsInWord = lastIsWord && /\S$/.test(query);
  return parsed;
}

/** Whether a filter asks anything at all. */
export function hasFilter(filter: SearchFilter | undefined): filter is SearchFilter {
  return !!filter && (filter.phrases.length > 0 || filter.excluded.length > 0 || filter.authors.length > 0 || filter.years !== null || filter.techniqueIds.length > 0 || filter.digests.length > 0);
}
