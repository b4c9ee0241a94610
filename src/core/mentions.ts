import { Paper } from './model';
import { Steps, runSteps } from './steps';

/**
 * Finds papers named in prose: short names and aliases case-sensitively on word
 * boundaries, full titles case-insensitively. Built once per library; each call
 * is linear in the text's words (names are looked up by their first word).
 */

export type MentionKind = 'name' | 'title';

export interface MentionMatch {
  start: number;
  end: number;
  key: string;
  text: string;
  kind: MentionKind;
}

interface NameEntry {
  tokens: string[];
  caseSensitive: boolean;
  key: string;
  kind: MentionKind;
}

const WORD = /[\p{L}\p{N}]+(?:[-‐–][\p{L}\p{N}]+)*/gu;

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return tokens;
}

export class MentionMatcher {
  private readonly byFirstWord = new Map<string, NameEntry[]>();

  constructor(papers: readonly Paper[]) {
    runSteps(this.addSteps(papers));
  }

  /** Builds a matcher a slice at a time (50,000 papers' names and titles take most of a second). */
  static *buildSteps(papers: readonly Paper[]): Steps<MentionMatcher> {
    const matcher = new MentionMatcher([]);
    yield* matcher.addSteps(papers);
    return matcher;
  }

  private *addSteps(papers: readonly Paper[]): Steps<void> {
    let n = 0;
    for (const paper of papers) {
      if (++n % 500 === 0) yield;
      for (const name of new Set([paper.shortName, ...paper.aliases].filter((n): n is string => !!n))) {
        // Two-letter names ("AI") would match everywhere.
        if (name.replace(/[^\p{L}\p{N}]/gu, '').length >= 3) this.add(name, true, paper.key, 'name');
      }
      const titleTokens = tokenize(paper.title);
      // Short titles read like ordinary phrases; only long ones match regardless of case.
      if (titleTokens.length >= 3) this.add(paper.title, false, paper.key, 'title');
    }
    for (const entries of this.byFirstWord.values()) entries.sort((a, b) => b.tokens.length - a.tokens.length);
  }

  private add(name: string, caseSensitive: boolean, key: string, kind: MentionKind): void {
    const tokens = tokenize(name).map((t) => (caseSensitive ? t.text : t.text.toLowerCase()));
    if (!tokens[0]) return;
    // Names of several words are filed under their first two: thousands of titles start "A …" or "On the …".
    const bucket = bucketOf(tokens[0], tokens[1]);
    const entries = this.byFirstWord.get(bucket) ?? [];
    entries.push({ tokens, caseSensitive, key, kind });
    this.byFirstWord.set(bucket, entries);
  }

  /** Mentions in `text`, with offsets relative to it, left to right, never overlapping. */
  find(text: string): MentionMatch[] {
    const tokens = tokenize(text);
    const found: MentionMatch[] = [];
    for (let i = 0; i < tokens.length; ) {
      // The longest name wins: those of two or more words first, then one-word names.
      const two = tokens[i + 1] ? this.byFirstWord.get(bucketOf(tokens[i]!.text, tokens[i + 1]!.text)) : undefined;
      const entry = two?.find((e) => matchesAt(tokens, i, e)) ?? this.byFirstWord.get(bucketOf(tokens[i]!.text))?.find((e) => matchesAt(tokens, i, e));
      if (!entry) {
        i++;
        continue;
      }
      const start = tokens[i]!.start;
      const end = tokens[i + entry.tokens.length - 1]!.end;
      found.push({ start, end, key: entry.key, text: text.slice(start, end), kind: entry.kind });
      i += entry.tokens.length;
    }
    return found;
  }
}

function bucketOf(first: string, second?: string): string {
  return second === undefined ? first.toLowerCase() : `${first.toLowerCase()} ${second.toLowerCase()}`;
}

function matchesAt(tokens: Token[], i: number, entry: NameEntry): boolean {
  if (i + entry.tokens.length > tokens.length) return false;
  for (let j = 0; j < entry.tokens.length; j++) {
    const word = tokens[i + j]!.text;
    if ((entry.caseSensitive ? word : word.toLowerCase()) !== entry.tokens[j]) return false;
  }
  return true;
}
