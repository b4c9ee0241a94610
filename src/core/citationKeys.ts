import { KeyMemory } from './keyMemory';
import { Paper, Problem, compareStrings } from './model';
import { creatorsOf } from './personNames';
import { asciiFold, normalizeTitle } from './text';

/**
 * Readable citation keys that never move.
 *
 * A paper keeps the key its bibliography gives it, exactly as written. Other papers get
 * a generated key: `frankle2018lottery` (first author's family name, year, first
 * significant title word, as Google Scholar and Better BibTeX make them) where the
 * authors are known, `ldpruner2024` (the paper's name and year) for a copied page. Once
 * handed out, a generated key is remembered (see keyMemory.ts) and stays with its
 * paper: a newer paper that wants a taken key gets the next suffix (`a`, `b`, …).
 */

const STOP_WORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'for', 'to', 'in', 'on', 'with', 'via', 'by', 'from', 'at', 'as', 'is',
  'are', 'be', 'can', 'do', 'does', 'how', 'what', 'why', 'when', 'towards', 'toward', 'into', 'using', 'under',
  'over', 'its', 'their', 'we', 'our', 'this', 'that', 'not', 'all', 'more', 'less', 'vs',
  // Openings that say nothing about the paper.
  'exploring', 'understanding', 'rethinking', 'revisiting', 'enhancing', 'improving', 'empowering', 'measuring',
  'building', 'reducing', 'defense', 'beyond', 'let', 'make', 'making', 'is', 'are', 'you', 'need', 'just',
]);

/** Pandoc's citation key: a letter, digit or `_`, then inner punctuation only before a word character. */
export const PANDOC_KEY_SOURCE = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*`;
const PANDOC_KEY = new RegExp(`^${PANDOC_KEY_SOURCE}$`, 'u');
/** What pandoc reads inside `@{…}`: anything but white space and braces (brackets too, or the `[…]` group would break). */
export const BRACED_KEY_SOURCE = String.raw`[^{}\s[\]]+`;
const BRACED_KEY = new RegExp(`^${BRACED_KEY_SOURCE}$`, 'u');

/** Whether pandoc reads this key bare, as `@key`. */
export function isPandocKey(key: string): boolean {
  return PANDOC_KEY.test(key);
}

/** Whether a note can cite this key at all: bare, or braced as `@{zhou2018unet++}`. */
export function isCitableKey(key: string): boolean {
  return BRACED_KEY.test(key);
}

/** The key as written after `@`: braced where pandoc cannot read it bare. */
export function citationKeyText(key: string): string {
  return isPandocKey(key) ? key : `{${key}}`;
}

/** The readable stem of a paper's key, without year or suffix. */
export function keyStem(paper: Pick<Paper, 'shortName' | 'title'>): string {
  if (paper.shortName && !paper.shortName.includes(' ')) {
    const folded = asciiFold(paper.shortName);
    if (folded.length >= 2) return folded.slice(0, 24);
  }
  const words = (paper.shortName ?? paper.title)
    .split(/\s+/)
    .map((w) => asciiFold(w))
    .filter((w) => w.length > 0 && !STOP_WORDS.has(w));
  const [first, second] = words;
  if (!first) return 'paper';
  // Two words where the first is short ("lotteryticket"), one where it says enough ("classdependent").
  const stem = first.length < 10 && second && first.length + second.length <= 20 ? first + second : first;
  return stem.slice(0, 20);
}

/** Words a Scholar-style key skips at the start of a title. */
const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'on', 'of', 'for', 'to', 'in', 'and', 'or', 'with', 'via', 'by', 'from', 'at', 'as', 'is', 'are', 'do', 'does', 'how', 'what', 'why', 'when', 'towards', 'toward', 'into']);

/** `frankle2018lottery` where the first author is known, else `ldpruner2024` from the paper's name. */
export function baseKey(paper: Pick<Paper, 'shortName' | 'title' | 'date' | 'authors' | 'creators'>): string {
  const year = paper.date?.slice(0, 4) ?? '';
  const first = creatorsOf(paper)[0];
  // An organisation's first word ("OpenAI", "Google DeepMind" → google), else the family name without its particle.
  const family = first ? asciiFold(first.literal ? (first.literal.split(/\s+/)[0] ?? '') : first.family) : '';
  if (family.length >= 2) {
    const word = paper.title
      .split(/[\s:\-–—]+/)
      .map((w) => asciiFold(w))
      .find((w) => w.length > 0 && !FUNCTION_WORDS.has(w));
    return `${family.slice(0, 20)}${year}${(word ?? '').slice(0, 20)}`;
  }
  return `${keyStem(paper)}${year}`;
}

function suffix(n: number): string {
  // 1 → a, 26 → z, 27 → aa: enough for any number of collisions.
  let s = '';
  while (n > 0) {
    n--;
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  return s;
}

/** Older first: by date (undated last), then by title, then by source. */
function olderFirst(a: Paper, b: Paper): number {
  if (a.date !== b.date) {
    if (a.date === null) return 1;
    if (b.date === null) return -1;
    return compareStrings(a.date, b.date);
  }
  return (
    compareStrings(normalizeTitle(a.title), normalizeTitle(b.title)) ||
    compareStrings(a.source.path, b.source.path) ||
    a.source.line - b.source.line
  );
}

const where = (p: Paper) => `${p.source.path}:${p.source.line + 1}`;

/**
 * Gives every paper its keys. Keys from the user's bibliographies stay as written and
 * win every collision; keys remembered for a paper come back to it; the rest get a new
 * key, never one that is remembered for another paper, and the memory learns it.
 * Returns the problems it met (one key in two bibliography entries, a remembered key a
 * bibliography now gives to another paper).
 */
export function assignCitationKeys(papers: Paper[], memory = new KeyMemory()): Problem[] {
  const problems: Problem[] = [];
  // The user's own keys first: the first entry (in digest order) with a key keeps it.
  const owner = new Map<string, Paper>();
  for (const paper of papers) {
    // Most papers have no other keys: no new list for each of them.
    if (paper.extraKeys.length) {
      paper.extraKeys = paper.extraKeys.filter((k) => {
        const other = owner.get(k);
        if (other && other !== paper) return false;
        owner.set(k, paper);
        return true;
      });
    }
    if (!paper.key) continue;
    const other = owner.get(paper.key);
    if (other && other !== paper) {
      problems.push({
        path: paper.source.path,
        line: paper.source.line,
        severity: 'warning',
        message: `The citation key "${paper.key}" at ${where(paper)} is also the key of "${other.title.slice(0, 60)}" (${where(other)}); notes citing @${paper.key} mean that one. Give this entry another key.`,
      });
      paper.key = '';
      continue;
    }
    owner.set(paper.key, paper);
  }
  // Remembered keys come back to their papers; one a bibliography now uses for another paper is given up.
  const claims = new Map<string, Paper[]>();
  for (const paper of papers) {
    for (const key of memory.keysFor(paper)) {
      const other = owner.get(key);
      if (other && other !== paper) {
        if (!memory.keysFor(other).includes(key)) {
          problems.push({
            path: other.source.path,
            line: other.source.line,
            severity: 'warning',
            message: `The key "${key}" was handed out to "${memory.entry(key)?.title.slice(0, 60)}", but ${where(other)} now gives it to "${other.title.slice(0, 60)}"; notes citing @${key} now mean that entry.`,
          });
          memory.forget(key);
        }
        continue;
      }
      const list = claims.get(key);
      if (list) list.push(paper);
      else claims.set(key, [paper]);
    }
  }
  for (const [key, claimants] of claims) {
    if (owner.has(key)) continue;
    // Two papers that both look like the remembered one (same title and year): the older keeps it.
    const paper = claimants.length > 1 ? [...claimants].sort(olderFirst)[0]! : claimants[0]!;
    owner.set(key, paper);
    if (!paper.key) paper.key = key;
    else if (paper.key !== key) paper.extraKeys.push(key);
  }
  // New keys for the rest, never one that is taken or remembered for another paper.
  const groups = new Map<string, Paper[]>();
  for (const p of papers) {
    if (p.key) continue;
    const base = baseKey(p);
    const group = groups.get(base);
    if (group) group.push(p);
    else groups.set(base, [p]);
  }
  // Papers alone with their key take it; colliding groups then share out suffixes oldest first, in key order,
  // so that the result does not depend on the order of the digests.
  const singles = [...groups].filter(([, g]) => g.length === 1);
  const shared = [...groups].filter(([, g]) => g.length > 1).sort((a, b) => compareStrings(a[0], b[0]));
  for (const [base, group] of [...singles, ...shared]) {
    if (group.length > 1) group.sort(olderFirst);
    let i = 0;
    for (const paper of group) {
      let key = i === 0 ? base : base + suffix(i);
      while (owner.has(key) || memory.has(key)) key = base + suffix(++i);
      paper.key = key;
      owner.set(key, paper);
      memory.remember(key, paper);
      i++;
    }
  }
  for (const paper of papers) {
    if (paper.extraKeys.length > 1) paper.extraKeys.sort();
  }
  return problems;
}
