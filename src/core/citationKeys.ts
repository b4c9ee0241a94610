import { Paper, compareStrings } from './model';
import { Steps, runSteps } from './steps';
import { asciiFold, normalizeTitle } from './text';

/**
 * Readable, stable citation keys: `ldpruner2024`, `lotteryticket2018`.
 *
 * A key depends only on the paper itself, so adding or removing other papers
 * leaves it alone. When several papers want the same key, the oldest one (by
 * date, then title) keeps it and the others get `a`, `b`, … suffixes, so a new
 * paper that collides never takes a key an older paper had.
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

/** Whether pandoc can cite this key (and it cannot break the `[@…]` it is written into). */
export function isPandocKey(key: string): boolean {
  return PANDOC_KEY.test(key);
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

export function baseKey(paper: Pick<Paper, 'shortName' | 'title' | 'date'>): string {
  const year = paper.date?.slice(0, 4) ?? '';
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

/**
 * Gives every paper without a key (`key === ''`) a unique one. Papers that
 * already carry a key (BibTeX keys as their authors wrote them) keep it, and
 * they win any collision.
 */
export function assignCitationKeys(papers: Paper[]): void {
  runSteps(assignCitationKeySteps(papers));
}

export function* assignCitationKeySteps(papers: Paper[]): Steps<void> {
  const taken = new Set<string>();
  for (const p of papers) if (p.key) taken.add(p.key);
  const groups = new Map<string, Paper[]>();
  let n = 0;
  for (const p of papers) {
    if (++n % 500 === 0) yield;
    if (p.key) continue;
    const base = baseKey(p);
    const group = groups.get(base);
    if (group) group.push(p);
    else groups.set(base, [p]);
  }
  // Papers alone with their key take it; colliding groups then share out suffixes, in key order,
  // so that the result does not depend on the order of the digests.
  let step = 0;
  const singles = [...groups].filter(([, g]) => g.length === 1);
  const shared = [...groups].filter(([, g]) => g.length > 1).sort((a, b) => compareStrings(a[0], b[0]));
  for (const [base, group] of [...singles, ...shared]) {
    if (group.length > 1) group.sort(olderFirst);
    let n = 0;
    for (const paper of group) {
      let key = n === 0 ? base : base + suffix(n);
      while (taken.has(key)) key = base + suffix(++n);
      paper.key = key;
      taken.add(key);
      n++;
    }
    if (++step % 500 === 0) yield;
  }
}
