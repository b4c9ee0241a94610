// The words of a text as the search index takes them, in a module of their own: writing.ts,
// which the editor's bundle takes for its note edits, uses them, and importing them from the
// search index took MiniSearch into that bundle.

export const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or our that the their this to via we with'.split(' '),
);

/**
 * Lowercase words, stop words dropped. A character loop rather than a Unicode regex
 * split: this runs over every abstract, and is most of what indexing costs.
 */
export function tokenize(text: string): string[] {
  const lower = text.toLowerCase();
  const terms: string[] = [];
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    if (i < lower.length && inWord(lower, i)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const term = lower.slice(start, i);
      if (!STOP_WORDS.has(term)) terms.push(term);
      start = -1;
    }
  }
  return terms;
}

/**
 * Whether the character at `i` of `lower` (a text in small letters) is part of a word: a
 * letter, digit or mark. The one definition of a word, for `tokenize` and for the term
 * index, which reads words in place without making a string of each.
 */
export function inWord(lower: string, i: number): boolean {
  const c = lower.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c > 127 && WORD_CHAR.test(lower[i]!));
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
