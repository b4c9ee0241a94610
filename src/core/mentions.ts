import { Paper } from './model';
import { Steps, runSteps } from './steps';

/**
 * Finds papers named in prose: short names and aliases case-sensitively on word
 * boundaries, full titles case-insensitively. Built once per library; each call
 * is linear in the text's words times the longest name's (a trie over words).
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

/** A trie over lowercased words: each position of a note is matched in time bounded by the longest name. */
interface TrieNode {
  next: Map<string, TrieNode>;
  /** Names whose words, lowercased, end here (several: case variants, or papers sharing a name). */
  names: NameEntry[];
}

const newNode = (): TrieNode => ({ next: new Map(), names: [] });

export class MentionMatcher {
  private readonly root = newNode();

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
  }

  private add(name: string, caseSensitive: boolean, key: string, kind: MentionKind): void {
    const tokens = tokenize(name).map((t) => (caseSensitive ? t.text : t.text.toLowerCase()));
    if (!tokens[0]) return;
    let node = this.root;
    for (const token of tokens) {
      const lower = token.toLowerCase();
      let child = node.next.get(lower);
      if (!child) node.next.set(lower, (child = newNode()));
      node = child;
    }
    node.names.push({ tokens, caseSensitive, key, kind });
  }

  /** Mentions in `text`, with offsets relative to it, left to right, never overlapping; the longest name wins. */
  find(text: string): MentionMatch[] {
    const tokens = tokenize(text);
    const lower = tokens.map((t) => t.text.toLowerCase());
    const found: MentionMatch[] = [];
    for (let i = 0; i < tokens.length; ) {
      let node: TrieNode | undefined = this.root;
      let best: { entry: NameEntry; length: number } | undefined;
      for (let j = i; j < tokens.length; j++) {
        node = node.next.get(lower[j]!);
        if (!node) break;
        const entry = node.names.find((e) => matchesAt(tokens, i, e));
        if (entry) best = { entry, length: j - i + 1 };
      }
      if (!best) {
        i++;
        continue;
      }
      const start = tokens[i]!.start;
      const end = tokens[i + best.length - 1]!.end;
      found.push({ start, end, key: best.entry.key, text: text.slice(start, end), kind: best.entry.kind });
      i += best.length;
    }
    return found;
  }
}

function matchesAt(tokens: Token[], i: number, entry: NameEntry): boolean {
  if (i + entry.tokens.length > tokens.length) return false;
  for (let j = 0; j < entry.tokens.length; j++) {
    const word = tokens[i + j]!.text;
    if ((entry.caseSensitive ? word : word.toLowerCase()) !== entry.tokens[j]) return false;
  }
  return true;
}
