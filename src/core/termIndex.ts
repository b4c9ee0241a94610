import { firstNotBefore } from './text';
import { STOP_WORDS, inWord } from './words';

/**
 * A compact inverted index for one long text field (abstracts, author lists), where
 * MiniSearch's per-posting Maps would cost hundreds of MB at 50,000 papers. Postings
 * live in typed arrays (document slot << 8 | term frequency); scoring is BM25, like
 * MiniSearch's, so the two add up. Documents are slots: removing one marks it dead,
 * and the arrays are compacted when too many are.
 */

export interface TermMatch {
  /** The indexed term that matched. */
  term: string;
  /** The query word it matched. */
  query: string;
  /** 1 for an exact match, less for a prefix or typo match. */
  weight: number;
  /** The query word's bit in a paper's coverage mask (which query words it has). */
  bit: number;
}

export interface SerializedTermIndex {
  terms: string[];
  /** Per term, the end of its postings in `postings` (start is the previous end). */
  ends: Uint32Array;
  postings: Uint32Array;
  lengths: Uint16Array;
  alive: Uint8Array;
}

const K1 = 1.2;
const B = 0.7;
const MAX_TF = 255;

/** FNV-1a over UTF-16 code units: the hash of a word is taken where it stands in the text. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashOf(text: string, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

/** In the table, a stop word (the search leaves them out): -1 - its place in STOP_LIST. */
const STOP_LIST = [...STOP_WORDS];

/**
 * The terms' numbers, found by a word where it stands in a text, without slicing it out:
 * indexing 50,000 abstracts made ten million short-lived strings and looked each up in a
 * Map, most of what indexing cost. Open addressing; a slot holds 1 + a term's number, or
 * -1 - a stop word's place in STOP_LIST (known, so that they too are never sliced), or 0.
 */
class TermTable {
  private values: Int32Array;
  private hashes: Int32Array;
  private used = 0;

  /** `terms`: the index's own list, which it grows as it numbers new terms (`insert`). */
  constructor(
    private readonly terms: readonly string[],
    capacity = 1024,
  ) {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.values = new Int32Array(size);
    this.hashes = new Int32Array(size);
    STOP_LIST.forEach((word, place) => this.insert(hashOf(word, 0, word.length), -1 - place));
    terms.forEach((term, id) => this.insert(hashOf(term, 0, term.length), id + 1));
  }

  /** 1 + the number of the term at `start`–`end` of `text` (`hash` its hash), -1 - a stop word's place, or 0 when unknown. */
  find(text: string, start: number, end: number, hash: number): number {
    const mask = this.values.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const value = this.values[slot]!;
      if (value === 0) return 0;
      if (this.hashes[slot] !== hash) continue;
      const known = value > 0 ? this.terms[value - 1]! : STOP_LIST[-1 - value]!;
      if (known.length !== end - start) continue;
      let same = true;
      for (let i = 0; i < known.length && same; i++) same = known.charCodeAt(i) === text.charCodeAt(start + i);
      if (same) return value;
    }
  }

  /** The number of `term`, or -1. */
  id(term: string): number {
    const value = this.find(term, 0, term.length, hashOf(term, 0, term.length));
    return value > 0 ? value - 1 : -1;
  }

  /** Records a value not in the table. */
  insert(hash: number, value: number): void {
    if (++this.used * 2 > this.values.length) this.grow();
    const mask = this.values.length - 1;
    let slot = hash & mask;
    while (this.values[slot] !== 0) slot = (slot + 1) & mask;
    this.values[slot] = value;
    this.hashes[slot] = hash;
  }

  private grow(): void {
    const { values, hashes } = this;
    this.values = new Int32Array(values.length * 2);
    this.hashes = new Int32Array(values.length * 2);
    const mask = this.values.length - 1;
    for (let from = 0; from < values.length; from++) {
      if (values[from] === 0) continue;
      let slot = hashes[from]! & mask;
      while (this.values[slot] !== 0) slot = (slot + 1) & mask;
      this.values[slot] = values[from]!;
      this.hashes[slot] = hashes[from]!;
    }
  }
}

export class TermIndex {
  private terms: string[] = [];
  private termIds = new TermTable(this.terms);
  private postings: Uint32Array[] = [];
  private counts: number[] = [];
  private lengths = new Uint16Array(1024);
  private alive = new Uint8Array(1024);
  private slots = 0;
  private live = 0;
  private totalLength = 0;
  private sortedIds: number[] | undefined;
  /** Per term id, the last document (slot + 1) that had it and its count there (see `add`). */
  private lastSlot = new Uint32Array(1024);
  private frequency = new Uint32Array(1024);

  get size(): number {
    return this.live;
  }

  /** Adds a document (its words as `tokenize` splits them, stop words left out); returns its slot. */
  add(text: string): number {
    const slot = this.slots++;
    if (slot >= this.lengths.length) this.grow();
    const lower = text.toLowerCase();
    // Each term's count in this document, by term id: one table lookup a word, made where the
    // word stands (a map of counts per document took two more lookups, most of indexing).
    const inDocument: number[] = [];
    let tokens = 0;
    let start = -1;
    let hash = FNV_OFFSET;
    for (let i = 0; i <= lower.length; i++) {
      if (i < lower.length && inWord(lower, i)) {
        if (start < 0) {
          start = i;
          hash = FNV_OFFSET;
        }
        hash = Math.imul(hash ^ lower.charCodeAt(i), FNV_PRIME);
        continue;
      }
      if (start < 0) continue;
      let value = this.termIds.find(lower, start, i, hash);
      if (value === 0) value = this.newTerm(lower.slice(start, i), hash);
      start = -1;
      if (value < 0) continue; // a stop word
      const id = value - 1;
      tokens++;
      if (id >= this.lastSlot.length) this.growTermScratch(id);
      if (this.lastSlot[id] !== slot + 1) {
        this.lastSlot[id] = slot + 1;
        this.frequency[id] = 1;
        inDocument.push(id);
      } else this.frequency[id]!++;
    }
    for (const id of inDocument) {
      let list = this.postings[id]!;
      const n = this.counts[id]!;
      if (n === list.length) {
        const bigger = new Uint32Array(list.length * 2);
        bigger.set(list);
        this.postings[id] = list = bigger;
      }
      list[n] = (slot << 8) | Math.min(this.frequency[id]!, MAX_TF);
      this.counts[id] = n + 1;
    }
    const length = Math.min(tokens, 65535);
    this.lengths[slot] = length;
    this.alive[slot] = 1;
    this.totalLength += length;
    this.live++;
    return slot;
  }

  /** Numbers a term first seen (its table value: 1 + its number). */
  private newTerm(term: string, hash: number): number {
    const value = this.terms.push(term);
    this.termIds.insert(hash, value);
    this.postings.push(new Uint32Array(4));
    this.counts.push(0);
    this.sortedIds = undefined;
    return value;
  }

  private growTermScratch(id: number): void {
    const size = Math.max(id + 1, this.lastSlot.length * 2);
    const lastSlot = new Uint32Array(size);
    lastSlot.set(this.lastSlot);
    this.lastSlot = lastSlot;
    const frequency = new Uint32Array(size);
    frequency.set(this.frequency);
    this.frequency = frequency;
  }

  remove(slot: number): void {
    if (!this.alive[slot]) return;
    this.alive[slot] = 0;
    this.totalLength -= this.lengths[slot]!;
    this.live--;
  }

  /** Dead slots' postings are skipped when scoring; compact when they are many. */
  get deadFraction(): number {
    return this.slots === 0 ? 0 : 1 - this.live / this.slots;
  }

  private grow(): void {
    const lengths = new Uint16Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const alive = new Uint8Array(this.alive.length * 2);
    alive.set(this.alive);
    this.alive = alive;
  }

  has(term: string): boolean {
    return this.termIds.id(term) >= 0;
  }

  /** The terms' numbers in the terms' order, for prefixes (sorted when first needed after a change). */
  private sorted(): number[] {
    if (!this.sortedIds) {
      const { terms } = this;
      this.sortedIds = Array.from(terms.keys()).sort((a, b) => (terms[a]! < terms[b]! ? -1 : terms[a]! > terms[b]! ? 1 : 0));
    }
    return this.sortedIds;
  }

  /** Work the first prefix search would do, done beforehand (see SearchIndex.prepare). */
  prepare(): void {
    this.sorted();
  }

  /** The numbers of the terms starting with `prefix`, in the terms' order. */
  private idsWithPrefix(prefix: string): number[] {
    const sorted = this.sorted();
    const { terms } = this;
    const found: number[] = [];
    for (let i = firstNotBefore(sorted.length, (at) => terms[sorted[at]!]!, prefix); i < sorted.length && terms[sorted[i]!]!.startsWith(prefix); i++) found.push(sorted[i]!);
    return found;
  }

  /** Most frequent first (by number: a term looked up by its text in a sort's comparisons was a tenth of a search). */
  private byFrequency(ids: number[]): number[] {
    return ids.sort((a, b) => this.counts[b]! - this.counts[a]!);
  }

  /** Indexed terms starting with `prefix`, most frequent first, at most `limit`. */
  termsWithPrefix(prefix: string, limit: number): string[] {
    const ids = this.idsWithPrefix(prefix);
    return (ids.length <= limit ? ids : this.byFrequency(ids).slice(0, limit)).map((id) => this.terms[id]!);
  }

  /** Terms within `distance` edits of `word` (same first letter, close length): typo tolerance. */
  termsNear(word: string, distance: number, limit: number): string[] {
    const found: number[] = [];
    for (const id of this.idsWithPrefix(word[0]!)) {
      const term = this.terms[id]!;
      if (Math.abs(term.length - word.length) > distance || term === word) continue;
      if (editDistance(word, term, distance) <= distance) found.push(id);
    }
    return this.byFrequency(found)
      .slice(0, limit)
      .map((id) => this.terms[id]!);
  }

  /** Calls `fn` with each live slot that has `term`. */
  forEachSlot(term: string, fn: (slot: number) => void): void {
    const id = this.termIds.id(term);
    if (id < 0) return;
    const list = this.postings[id]!;
    for (let i = 0; i < this.counts[id]!; i++) {
      const slot = list[i]! >>> 8;
      if (this.alive[slot]) fn(slot);
    }
  }

  documentFrequency(term: string): number {
    const id = this.termIds.id(term);
    return id < 0 ? 0 : this.counts[id]!;
  }

  /**
   * Indexed terms starting with `prefix`: the `minimum` most frequent, then rarer ones
   * while their postings together stay within `postingsBudget` (a rare word is cheap to
   * score and is often the one a person is typing), at most `limit`.
   */
  completions(prefix: string, minimum: number, postingsBudget: number, limit: number): string[] {
    const chosen: string[] = [];
    let postings = 0;
    for (const id of this.byFrequency(this.idsWithPrefix(prefix))) {
      const df = this.counts[id]!;
      if (chosen.length >= minimum && (postings + df > postingsBudget || chosen.length >= limit)) continue;
      chosen.push(this.terms[id]!);
      postings += df;
    }
    return chosen;
  }

  /**
   * BM25 of each match, times `boost`, into `scores` by slot: a slot keeps the best of the
   * matches (they are forms of one query word). Records touched slots and, in `masks`,
   * which query words each slot has.
   */
  score(matches: readonly TermMatch[], boost: number, scores: Float64Array, touched: number[], masks: Uint32Array): void {
    if (this.live === 0) return;
    const average = this.totalLength / this.live;
    for (const match of matches) {
      const id = this.termIds.id(match.term);
      if (id < 0) continue;
      const list = this.postings[id]!;
      const n = this.counts[id]!;
      const idf = Math.log(1 + (this.live - n + 0.5) / (n + 0.5));
      const factor = boost * match.weight * idf;
      for (let i = 0; i < n; i++) {
        const entry = list[i]!;
        const slot = entry >>> 8;
        if (!this.alive[slot]) continue;
        const tf = entry & 0xff;
        const norm = tf + K1 * (1 - B + (B * this.lengths[slot]!) / average);
        const value = (factor * tf * (K1 + 1)) / norm;
        if (scores[slot] === 0) touched.push(slot);
        if (value > scores[slot]!) scores[slot] = value;
        masks[slot]! |= match.bit;
      }
    }
  }

  get slotCount(): number {
    return this.slots;
  }

  serialize(): SerializedTermIndex {
    const total = this.counts.reduce((a, b) => a + b, 0);
    const postings = new Uint32Array(total);
    const ends = new Uint32Array(this.terms.length);
    let at = 0;
    this.terms.forEach((_, id) => {
      postings.set(this.postings[id]!.subarray(0, this.counts[id]!), at);
      at += this.counts[id]!;
      ends[id] = at;
    });
    return { terms: this.terms, ends, postings, lengths: this.lengths.slice(0, this.slots), alive: this.alive.slice(0, this.slots) };
  }

  /**
   * Copies the postings out of the buffer they were loaded from (`deserialize` keeps views
   * into it), so that the buffer can be let go: 31 MB of postings keep a 180 MB saved index
   * in memory otherwise.
   */
  detach(): void {
    const own = new Uint32Array(this.counts.reduce((a, b) => a + b, 0));
    let at = 0;
    this.postings.forEach((list, id) => {
      const count = this.counts[id]!;
      own.set(list.subarray(0, count), at);
      this.postings[id] = own.subarray(at, at + count);
      at += count;
    });
  }

  static deserialize(data: SerializedTermIndex): TermIndex {
    const index = new TermIndex();
    index.terms = data.terms;
    index.termIds = new TermTable(data.terms, data.terms.length);
    let start = 0;
    data.terms.forEach((_, id) => {
      const end = data.ends[id]!;
      // Views into the loaded buffer: no copy until a term gets new postings.
      index.postings.push(data.postings.subarray(start, end));
      index.counts.push(end - start);
      start = end;
    });
    index.slots = data.lengths.length;
    index.lengths = new Uint16Array(Math.max(1024, index.slots * 2));
    index.lengths.set(data.lengths);
    index.alive = new Uint8Array(index.lengths.length);
    index.alive.set(data.alive);
    for (let slot = 0; slot < index.slots; slot++) {
      if (!index.alive[slot]) continue;
      index.live++;
      index.totalLength += index.lengths[slot]!;
    }
    return index;
  }
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}
