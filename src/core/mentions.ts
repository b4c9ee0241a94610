import { Paper } from './model';
import { isCommonWord, isOrdinaryWord } from './ordinaryWords';

/**
 * Finds papers named in prose: short names and aliases case-sensitively on word
 * boundaries, full titles case-insensitively. Built once per library; each call
 * is linear in the text's words (names are looked up by their first words, see NameGroup).
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
  /** For a name that is also an ordinary word ("Wolf", "Adam"): the paper's subject words, which prose must share. */
  weak?: ReadonlySet<string>;
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

/**
 * Names filed under their first word (lowercased). A group that grows past a few dozen
 * names (thousands of titles start "A …", "Towards …", "On the …") is split by the next
 * word, and so on: each position of a note is matched against a few dozen names at the
 * most, whatever the library holds, while the many small groups stay plain lists.
 */
interface NameGroup {
  /** Names of exactly `depth` words (they end at this group). */
  ending: NameEntry[];
  /** Longer names, while the group is small. */
  longer: NameEntry[];
  /** Longer names by their next word, once the group is large. */
  split?: Map<string, NameGroup>;
}

const SPLIT_AT = 32;
/** Papers a step of `MentionMatcher.madeInSteps` takes (a few milliseconds). */
const PAPERS_PER_STEP = 250;
const newGroup = (): NameGroup => ({ ending: [], longer: [] });

/** Everything of a paper its matcher entries depend on: key, names, title, and the abstract where a name is weak. */
function nameSource(paper: Paper, weak: boolean): string {
  return `${paper.key}\u0000${paper.shortName ?? ''}\u0000${paper.aliases.join('\u0001')}\u0000${paper.title}${weak ? `\u0000${paper.abstract}` : ''}`;
}

export class MentionMatcher {
  private readonly byFirstWord = new Map<string, NameGroup>();
  /** What each paper's entries were made from, in order (see servesAlso). */
  private readonly sources: string[] = [];
  /** Papers with a weak name: their abstract says what their subject is. */
  private readonly weakKeys = new Set<string>();

  constructor(papers: readonly Paper[]) {
    this.addPapers(papers);
  }

  /** The matcher of these papers, made PAPERS_PER_STEP papers a step (the engine answers requests between steps: see Library.prepare). */
  static *madeInSteps(papers: readonly Paper[]): Generator<void, MentionMatcher> {
    const matcher = new MentionMatcher([]);
    for (let start = 0; start < papers.length; start += PAPERS_PER_STEP) {
      matcher.addPapers(papers.slice(start, start + PAPERS_PER_STEP));
      yield;
    }
    return matcher;
  }

  /**
   * Whether these papers would give exactly this matcher: the same keys, names and titles
   * in the same order, and the same abstract where a name is weak. After an edit that
   * changed no name (most edits at 50,000 papers), the next library keeps the matcher
   * instead of building it again (~0.4 s).
   */
  servesAlso(papers: readonly Paper[]): boolean {
    if (papers.length !== this.sources.length) return false;
    for (let i = 0; i < papers.length; i++) {
      const paper = papers[i]!;
      if (nameSource(paper, this.weakKeys.has(paper.key)) !== this.sources[i]) return false;
    }
    return true;
  }

  private addPapers(papers: readonly Paper[]): void {
    for (const paper of papers) {
      let topic: ReadonlySet<string> | undefined;
      for (const name of new Set([paper.shortName, ...paper.aliases].filter((n): n is string => !!n))) {
        // Two-letter names ("AI") would match everywhere.
        if (name.replace(/[^\p{L}\p{N}]/gu, '').length < 3) continue;
        const weak = tokenize(name).length === 1 && isOrdinaryWord(name);
        if (weak) {
          topic ??= subjectWords(`${paper.title} ${paper.abstract}`);
          this.weakKeys.add(paper.key);
        }
        this.add(name, true, paper.key, 'name', weak ? topic : undefined);
      }
      this.sources.push(nameSource(paper, this.weakKeys.has(paper.key)));
      const titleTokens = tokenize(paper.title);
      // Short titles read like ordinary phrases; only long ones match regardless of case.
      if (titleTokens.length >= 3) this.add(paper.title, false, paper.key, 'title');
    }
  }

  private add(name: string, caseSensitive: boolean, key: string, kind: MentionKind, weak?: ReadonlySet<string>): void {
    const tokens = tokenize(name).map((t) => (caseSensitive ? t.text : t.text.toLowerCase()));
    if (!tokens[0]) return;
    const first = tokens[0].toLowerCase();
    let group = this.byFirstWord.get(first);
    if (!group) this.byFirstWord.set(first, (group = newGroup()));
    place(group, { tokens, caseSensitive, key, kind, ...(weak ? { weak } : {}) }, 1);
  }

  /** Mentions in `text`, with offsets relative to it, left to right, never overlapping; the longest name wins. */
  find(text: string): MentionMatch[] {
    const tokens = tokenize(text);
    const lower = tokens.map((t) => t.text.toLowerCase());
    const found: MentionMatch[] = [];
    for (let i = 0; i < tokens.length; ) {
      let best: { entry: NameEntry; length: number } | undefined;
      const consider = (entry: NameEntry) => {
        if ((!best || entry.tokens.length > best.length) && matchesAt(tokens, i, entry) && (!entry.weak || meansPaper(text, tokens, i, entry.weak))) {
          best = { entry, length: entry.tokens.length };
        }
      };
      let group = this.byFirstWord.get(lower[i]!);
      for (let depth = 1; group; depth++) {
        for (const entry of group.ending) consider(entry);
        for (const entry of group.longer) consider(entry);
        group = group.split && i + depth < tokens.length ? group.split.get(lower[i + depth]!) : undefined;
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

/** The words that say what a paper is about: from its title and abstract, leaving out the commonest English words. */
function subjectWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const m of text.matchAll(/\p{L}{4,}/gu)) if (!isCommonWord(m[0])) words.add(stem(m[0]));
  return words;
}

const stem = (word: string) => word.toLowerCase().replace(/(?:es|s)$/, '');

/**
 * Whether a weak name ("Adam", "Puzzle") at tokens[i] means the paper. Never when a
 * capitalised word follows ("Adam Smith"). Mid-sentence its capital, where the ordinary
 * word would be lowercase, is the writer's sign ("All runs use Adam with …"). At the
 * start of a sentence the capital proves nothing: the sentence must then share a word of
 * the paper's subject ("Puzzle searches architectures with distillation"), which "Magma
 * flows down the volcano" does not.
 */
function meansPaper(text: string, tokens: Token[], i: number, subject: ReadonlySet<string>): boolean {
  const token = tokens[i]!;
  const next = tokens[i + 1];
  if (next && /^[ \t]+$/.test(text.slice(token.end, next.start)) && /^\p{Lu}\p{Ll}/u.test(next.text)) return false;
  // Written in capitals ("SLIDERS", "STREAM") where the words around it are not: no ordinary word is written so.
  // In a line all in capitals, case says nothing.
  if (/\p{Lu}{2}/u.test(token.text) && !/\p{Ll}/u.test(token.text)) return /\p{Ll}{2}/u.test(text.slice(Math.max(0, token.start - 40), token.end + 40));
  const before = text.slice(Math.max(0, token.start - 80), token.start).trimEnd();
  const sentenceStart = before === '' || /[.!?:]["”')\]]*$/.test(before);
  if (!sentenceStart) return true;
  // The sentence around it (after a colon, the clause before counts too: "Subject-driven generation: Scone tells…"),
  // looked at no further than a long sentence goes (linear, however long the paragraph).
  const rest = text.slice(token.end, token.end + 400);
  const end = rest.search(/[.!?](?:\s|$)/);
  const head = text.slice(Math.max(0, token.start - 400), token.start);
  const sentence = head.slice(head.search(/(?:^|[.!?]\s)[^.!?]*$/)) + ' ' + (end < 0 ? rest : rest.slice(0, end));
  for (const m of sentence.matchAll(/\p{L}{4,}/gu)) if (!isCommonWord(m[0]) && subject.has(stem(m[0]))) return true;
  return false;
}

/** Files a name in a group `depth` words deep, splitting the group by the next word once it is large. */
function place(group: NameGroup, entry: NameEntry, depth: number): void {
  if (entry.tokens.length === depth) {
    group.ending.push(entry);
    return;
  }
  if (group.split) {
    const word = entry.tokens[depth]!.toLowerCase();
    let next = group.split.get(word);
    if (!next) group.split.set(word, (next = newGroup()));
    place(next, entry, depth + 1);
    return;
  }
  group.longer.push(entry);
  if (group.longer.length > SPLIT_AT) {
    const longer = group.longer;
    group.longer = [];
    group.split = new Map();
    for (const e of longer) place(group, e, depth);
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
