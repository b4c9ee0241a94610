import MiniSearch from 'minisearch';
import { Paper, newestFirst } from './model';
import { SearchFilter, hasFilter } from './searchQuery';
import { SerializedTermIndex, TermIndex, TermMatch } from './termIndex';
import { stemmer } from 'stemmer';
import { asciiFold, fileName, firstNotBefore } from './text';
import { STOP_WORDS, tokenize } from './words';

/**
 * Full-text search over the library, built for as-you-type use at 50,000 papers.
 *
 * A paper's identifiers (citation key, short name, aliases) are in MiniSearch, whose
 * radix tree gives prefix and typo matching on names ("mixl" → MixLoRA). Its text
 * (title, techniques, abstract, authors) is in compact term indexes (termIndex.ts):
 * a common word such as "model" matches most papers, and MiniSearch's per-match
 * objects made every keystroke cost 50–150 ms there. Both score with BM25, so the
 * scores add up; boosts put a paper's own name or key first. Documents are keyed by
 * the paper's stable id, so a changed digest re-indexes only the papers that changed.
 */

export interface SearchHit {
  paper: Paper;
  score: number;
  /** Query words that matched, for highlighting in a list. */
  queryTerms: string[];
  /** Document words those query words matched (after prefix/typo expansion). */
  matchedTerms: string[];
}

export interface SearchOptions {
  limit?: number;
  /** Treat the last word as still being typed (prefix match). Default true. */
  prefix?: boolean;
  /** `names`: keys, names and titles only, what `@` completion matches on. Default `all`. */
  scope?: 'all' | 'names';
  /** Phrases, excluded words, authors, years, techniques, digests (see searchQuery.ts). */
  filter?: SearchFilter;
}

export interface SyncCounts {
  added: number;
  removed: number;
  updated: number;
}

const TEXT_FIELDS = ['title', 'techniques', 'abstract', 'authors'] as const;
type TextField = (typeof TEXT_FIELDS)[number];

export interface SerializedSearchIndex {
  fields: Record<TextField, SerializedTermIndex>;
  /** Paper id of each term-index slot ('' for a dead one). */
  slotIds: string[];
  /**
   * What MiniSearch indexes of each slot's paper (its names, see nameText; '' for none or a
   * dead slot): a restore builds the names index from these, without the papers.
   */
  names: string[];
  /** The live slots in the order of their papers' citation keys: a restore need not sort 50,000 keys again. */
  keyOrder?: Uint32Array;
  /** Each paper's slot, in the order of the papers given to `serialize`: a restore need not look 50,000 ids up. */
  paperSlots?: Uint32Array;
  /** Citation key of each slot ('' for a dead one): with `foldedNames` and `paperSlots`, a restore searches before it has the papers. */
  keys?: string[];
  /** Each slot's short name, folded (see entryFor; '' for none or a dead slot). */
  foldedNames?: string[];
}

const ID_FIELDS = ['name'] as const;
type IdField = (typeof ID_FIELDS)[number];
const ID_BOOST: Record<IdField, number> = { name: 6 };
const KEY_BOOST = 8;
/** How many keys one unfinished key may stand for. */
const MAX_KEY_COMPLETIONS = 200;
const MAX_QUERY_LENGTH = 500;
const MAX_WORD_LENGTH = 64;
const LONG_WORD = /\S{65,}/g;
/**
 * Two letters start a name's word in at most this many papers for the names to be searched
 * by them as a prefix: "lo" finds LoRA in a library of hundreds of papers, but in one of
 * 50,000 it starts thousands of names, and scoring them all made the keystroke the slowest.
 */
const MAX_TWO_LETTER_NAME_PAPERS = 300;
/** Typos are forgiven in words of up to this length; a longer one is no word a person mistypes. */
const MAX_FUZZY_LENGTH = 24;

const TEXT_BOOST: Record<TextField, number> = { title: 3, techniques: 1.5, abstract: 1, authors: 2 };
const PREFIX_WEIGHT = 0.6;
const FUZZY_WEIGHT = 0.45;
/** Another form of the word ("distillation" for "distil"): nearly the word itself. */
const STEM_WEIGHT = 0.9;
/** An unfinished word stands for its commonest completions, and rarer ones while they are cheap. */
const MIN_PREFIX_TERMS = 30;
const MAX_PREFIX_TERMS = 300;
const PREFIX_POSTINGS_BUDGET = 50_000;
/** How many words that start like a stem are looked at, and how many inflections are kept. */
const MAX_STEM_SCAN = 200;
const MAX_INFLECTIONS = 20;
/** Query words beyond this are ignored (each has two bits in a paper's coverage mask: found, found inflected). */
const MAX_QUERY_WORDS = 16;
/** Each query word a paper has outranks any score. */
const COVERAGE = 1e6;

/** A paper's names in MiniSearch, under its slot (a number: looking 50,000 long paper ids up was a fifth of building the names index). */
type IndexedDocument = Record<IdField, string> & { id: number };

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return lower.length === 0 || STOP_WORDS.has(lower) ? null : lower;
}

const MINISEARCH_OPTIONS = { fields: [...ID_FIELDS], storeFields: [], processTerm, searchOptions: { processTerm } };

/**
 * A paper's names, a one-word name also folded ("LD-Pruner" is found by "ldpruner" and
 * "pruner"). A name of several words is not run together: "learningtoactundernoise"
 * would make every query starting with "learning" a prefix of a name.
 */
function nameText(paper: Paper): string {
  const names = [paper.shortName, ...paper.aliases].filter((n): n is string => !!n);
  return names.flatMap((n) => (/\s/.test(n.trim()) || asciiFold(n) === n.toLowerCase() ? [n] : [n, asciiFold(n)])).join(' ');
}

const nameWords = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** The first two letters of the words MiniSearch indexes for a paper's names (its nameText), each once. */
function nameStarts(name: string): Set<string> {
  const starts = new Set<string>();
  for (const word of nameWords(name)) {
    const term = processTerm(word);
    if (term && term.length >= 2) starts.add(term.slice(0, 2));
  }
  return starts;
}

function authorText(paper: Paper): string {
  return paper.authors.join(' ') + (paper.organization ? ` ${paper.organization}` : '');
}

/** Whether two versions of a paper index the same; strings from an unchanged digest are shared, so this is cheap. */
function sameDocument(a: Paper, b: Paper): boolean {
  return (
    a.key === b.key &&
    a.title === b.title &&
    a.abstract === b.abstract &&
    a.shortName === b.shortName &&
    a.organization === b.organization &&
    a.aliases.join('\u0000') === b.aliases.join('\u0000') &&
    a.authors.join('\u0000') === b.authors.join('\u0000') &&
    a.techniques.join(' ') === b.techniques.join(' ')
  );
}

interface Entry {
  id: string;
  key: string;
  /**
   * The paper; undefined after a restore until it is first needed (taken from the saved
   * index then) or adopted: search reads only the few papers it shows.
   */
  paper: Paper | undefined;
  slot: number;
  foldedName: string;
  /** Its names as MiniSearch indexes them (nameText); '' for none: only papers with a name have a document there. */
  name: string;
}

type TextIndexes = Record<TextField, TermIndex>;

/** The title, abstract and author text of a first build's papers, indexed before the build (see SearchIndex.indexTextAhead). */
interface TextAhead {
  papers: readonly Paper[];
  title: TermIndex;
  abstract: TermIndex;
  authors: TermIndex;
  /** How many of the papers are indexed. */
  done: number;
}

/** Indexes the next `count` papers' text; whether papers are left. */
function indexAhead(ahead: TextAhead, count: number): boolean {
  const { papers } = ahead;
  for (const end = Math.min(papers.length, ahead.done + count); ahead.done < end; ahead.done++) {
    const paper = papers[ahead.done]!;
    ahead.title.add(paper.title);
    ahead.abstract.add(paper.abstract);
    ahead.authors.add(authorText(paper));
  }
  return ahead.done < papers.length;
}

/** A paper with no slot, in `paperSlots` (none that `slotIds` has). */
const NO_SLOT = 0xffffffff;

function emptyTextIndexes(): TextIndexes {
  return { title: new TermIndex(), techniques: new TermIndex(), abstract: new TermIndex(), authors: new TermIndex() };
}

export class SearchIndex {
  private readonly miniSearch: MiniSearch<IndexedDocument>;
  private text: TextIndexes;
  private readonly entries = new Map<string, Entry>();
  /** Folded short name → paper id(s), for the exact-name boost (exact keys are found in the sorted keys). */
  private readonly byFoldedName = new Map<string, string | string[]>();
  private slotIds: string[] = [];
  private scores = new Float64Array(0);
  /** Per slot, the query words found in it, one bit each (see `search`). */
  private masks = new Uint32Array(0);
  /** Per slot, the best score of one query word's forms in one field. */
  private best = new Float64Array(0);
  /**
   * Per first two letters, in how many papers' names a word starts with them (see
   * MAX_TWO_LETTER_NAME_PAPERS); counted when first needed, then kept up to date.
   */
  private namePrefixCounts: Map<string, number> | undefined;
  /** Citation keys, sorted, for key prefixes (completion after `@`, a key typed in search). */
  private sortedKeys: Entry[] | undefined;
  /** The saved index's key order, until the papers are adopted. */
  private savedKeyOrder: Uint32Array | undefined;
  /** The saved names per slot, until the papers are adopted. */
  private savedNames: string[] | undefined;
  /** The saved slot of each paper, until the papers are adopted. */
  private savedPaperSlots: Uint32Array | undefined;
  /** A first build's papers whose title, abstract and author text is indexed ahead (see `indexTextAhead`), and how many. */
  private ahead: TextAhead | undefined;
  /** After a restore, until the papers are adopted: the entries by slot, made from the saved index, and each one's paper as saved. */
  private saved: { bySlot: Entry[]; paper(slot: number): Paper } | undefined;

  /**
   * Empty, or a saved index: the term indexes load as they were saved, and MiniSearch's
   * names index is built from the saved names (faster than deserialising it, a smaller
   * file, and without the papers, which `adopt` takes later). Given `savedPaperAt` (the
   * saved papers by their place, read when asked), the entries are made from the saved
   * keys and names too: the index searches before the papers are decoded and adopted.
   */
  constructor(
    private readonly techniqueLabel: (id: string) => string = (id) => id,
    saved?: SerializedSearchIndex,
    savedPaperAt?: (at: number) => Paper,
  ) {
    this.miniSearch = new MiniSearch<IndexedDocument>(MINISEARCH_OPTIONS);
    this.savedKeyOrder = saved?.keyOrder;
    this.savedNames = saved?.names;
    this.savedPaperSlots = saved?.paperSlots;
    if (saved) {
      this.text = {
        title: TermIndex.deserialize(saved.fields.title),
        techniques: TermIndex.deserialize(saved.fields.techniques),
        abstract: TermIndex.deserialize(saved.fields.abstract),
        authors: TermIndex.deserialize(saved.fields.authors),
      };
      this.slotIds = saved.slotIds;
      const docs: IndexedDocument[] = [];
      saved.names.forEach((name, slot) => {
        if (name && saved.slotIds[slot]) docs.push({ id: slot, name });
      });
      this.miniSearch.addAll(docs);
      if (savedPaperAt) this.enterSaved(saved, savedPaperAt);
    } else {
      this.text = emptyTextIndexes();
    }
  }

  /** The saved entries, each paper read from the saved index when first needed (see `paperOf`). */
  private enterSaved({ slotIds, names, keys, foldedNames, paperSlots }: SerializedSearchIndex, paperAt: (at: number) => Paper): void {
    if (!keys || !foldedNames || !paperSlots) return;
    const placeOfSlot = new Uint32Array(slotIds.length).fill(NO_SLOT);
    paperSlots.forEach((slot, at) => {
      if (slot < placeOfSlot.length) placeOfSlot[slot] = at;
    });
    const bySlot: Entry[] = [];
    for (let slot = 0; slot < slotIds.length; slot++) {
      // A slot no saved paper has is left out (a saved index that does not match its papers: see adopt).
      if (!slotIds[slot] || placeOfSlot[slot] === NO_SLOT) continue;
      const entry: Entry = { id: slotIds[slot]!, key: keys[slot]!, paper: undefined, slot, foldedName: foldedNames[slot]!, name: names[slot]! };
      this.remember(entry);
      bySlot[slot] = entry;
    }
    this.sortedKeys = this.inSavedKeyOrder(bySlot) ?? this.sortKeys();
    this.saved = { bySlot, paper: (slot) => paperAt(placeOfSlot[slot]!) };
  }

  /** The entry's paper, read from the saved index the first time after a restore. */
  private paperOf(entry: Entry): Paper {
    return (entry.paper ??= this.saved!.paper(entry.slot));
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * For the first build of an empty index: indexes the title, abstract and author text of the
   * next `count` of `papers` now, one slot each in their order, for `sync(papers)` to take up
   * (the techniques and names, known later, are indexed then). What makes most of indexing
   * can so run while other threads still derive the papers' names and techniques. Returns
   * whether papers are left.
   */
  indexTextAhead(papers: readonly Paper[], count: number): boolean {
    if (this.entries.size > 0 || this.text.title.slotCount > 0) return false;
    if (this.ahead?.papers !== papers) this.ahead = { papers, title: new TermIndex(), abstract: new TermIndex(), authors: new TermIndex(), done: 0 };
    return indexAhead(this.ahead, count);
  }

  /** Makes the index describe exactly `papers`, touching only those that changed. */
  sync(papers: readonly Paper[]): SyncCounts {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead?.papers === papers && this.entries.size === 0 && this.text.title.slotCount === 0) return this.addAhead(ahead);
    const counts: SyncCounts = { added: 0, removed: 0, updated: 0 };
    const next = new Set<string>();
    const toAdd: Paper[] = [];
    for (const paper of papers) {
      next.add(paper.id);
      const previous = this.entries.get(paper.id);
      if (previous && sameDocument(this.paperOf(previous), paper)) {
        // Same text (so the same key and name): keep its documents, point them at the new object.
        previous.paper = paper;
        continue;
      }
      if (previous) {
        this.forget(previous);
        counts.updated++;
      } else counts.added++;
      toAdd.push(paper);
    }
    for (const entry of [...this.entries.values()]) {
      if (next.has(entry.id)) continue;
      this.forget(entry);
      counts.removed++;
    }
    if (this.text.abstract.deadFraction > 0.3) this.compact();
    this.addPapers(toAdd);
    this.sortedKeys = this.sortKeys();
    return counts;
  }

  /** The first build's papers, their text indexed ahead (the rest of it now), slot `i` for `papers[i]`. */
  private addAhead(ahead: TextAhead): SyncCounts {
    const { papers } = ahead;
    indexAhead(ahead, papers.length);
    this.text = { title: ahead.title, techniques: new TermIndex(), abstract: ahead.abstract, authors: ahead.authors };
    // The techniques index is new and takes the papers in the same order: the same slots.
    this.addPapers(papers, (paper) => {
      const slot = this.text.techniques.add(this.techniquesText(paper));
      this.slotIds[slot] = paper.id;
      return slot;
    });
    this.sortedKeys = this.sortKeys();
    return { added: papers.length, removed: 0, updated: 0 };
  }

  /** Adds papers: their text (`addText`, unless already indexed), entries and names. */
  private addPapers(papers: readonly Paper[], addText = (paper: Paper) => this.addText(paper)): void {
    const docs: IndexedDocument[] = [];
    for (const paper of papers) {
      const slot = addText(paper);
      const name = nameText(paper);
      this.remember(entryFor(paper, slot, name));
      if (name) docs.push({ id: slot, name });
    }
    this.miniSearch.addAll(docs);
  }

  /** Adds the paper's text to every text index; they share slots. */
  private addText(paper: Paper): number {
    const slot = this.text.title.add(paper.title);
    this.text.techniques.add(this.techniquesText(paper));
    this.text.abstract.add(paper.abstract);
    this.text.authors.add(authorText(paper));
    this.slotIds[slot] = paper.id;
    return slot;
  }

  private techniquesText(paper: Paper): string {
    return paper.techniques.map((t) => `${t} ${this.techniqueLabel(t)}`).join(' ');
  }

  private remember(entry: Entry): void {
    this.entries.set(entry.id, entry);
    this.sortedKeys = undefined;
    if (this.namePrefixCounts && entry.name) this.countNameStarts(entry.name, 1);
    const name = entry.foldedName;
    if (!name) return;
    // Almost always one paper per name: a string, an array only when shared.
    const ids = this.byFoldedName.get(name);
    if (ids === undefined) this.byFoldedName.set(name, entry.id);
    else if (typeof ids === 'string') {
      if (ids !== entry.id) this.byFoldedName.set(name, [ids, entry.id]);
    } else if (!ids.includes(entry.id)) ids.push(entry.id);
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.id);
    this.sortedKeys = undefined;
    if (this.namePrefixCounts && entry.name) this.countNameStarts(entry.name, -1);
    const name = entry.foldedName;
    if (name) {
      const ids = this.byFoldedName.get(name);
      const kept = (typeof ids === 'string' ? [ids] : (ids ?? [])).filter((id) => id !== entry.id);
      if (kept.length === 0) this.byFoldedName.delete(name);
      else this.byFoldedName.set(name, kept.length === 1 ? kept[0]! : kept);
    }
    if (entry.name) this.miniSearch.discard(entry.slot);
    for (const field of TEXT_FIELDS) this.text[field].remove(entry.slot);
    this.slotIds[entry.slot] = '';
  }

  private countNameStarts(name: string, delta: 1 | -1): void {
    const counts = this.namePrefixCounts!;
    for (const start of nameStarts(name)) {
      const count = (counts.get(start) ?? 0) + delta;
      if (count > 0) counts.set(start, count);
      else counts.delete(start);
    }
  }

  /** In how many papers' names a word starts with these two letters. */
  private namePapersStartingWith(twoLetters: string): number {
    if (!this.namePrefixCounts) {
      this.namePrefixCounts = new Map();
      for (const entry of this.entries.values()) if (entry.name) this.countNameStarts(entry.name, 1);
    }
    return this.namePrefixCounts.get(twoLetters) ?? 0;
  }

  /** Keeps nothing of the buffer a saved index was loaded from (see TermIndex.detach). */
  detach(): void {
    for (const field of TEXT_FIELDS) this.text[field].detach();
  }

  /** Work a search would otherwise do on its first keystroke (~40 ms at 50,000 papers), done while the engine is idle. */
  prepare(): void {
    this.namePapersStartingWith('');
    for (const field of TEXT_FIELDS) this.text[field].prepare();
  }

  /** Rebuilds the term indexes without the slots of removed papers, and the names index under the new slots. */
  private compact(): void {
    this.text = emptyTextIndexes();
    this.slotIds = [];
    const docs: IndexedDocument[] = [];
    for (const entry of this.entries.values()) {
      entry.slot = this.addText(this.paperOf(entry));
      if (entry.name) docs.push({ id: entry.slot, name: entry.name });
    }
    this.miniSearch.removeAll();
    this.miniSearch.addAll(docs);
  }

  /** After loading a saved index: the papers it describes, without indexing them again. */
  adopt(papers: readonly Paper[]): void {
    const slotOf = this.savedSlotsOf(papers);
    const names = this.savedNames ?? [];
    this.savedNames = undefined;
    const saved = this.saved;
    this.saved = undefined;
    if (saved) {
      // Entered as saved: each paper at its saved slot, with its saved key, takes its entry.
      const entries = papers.length === this.entries.size ? papers.map((paper, at) => saved.bySlot[slotOf(paper, at) ?? NO_SLOT]) : undefined;
      if (entries?.every((entry, at) => entry && entry.id === papers[at]!.id && entry.key === papers[at]!.key)) {
        entries.forEach((entry, at) => (entry!.paper = papers[at]));
        this.dropUnadopted(names);
        return;
      }
      // Papers that are not those saved: entered again from them.
      this.entries.clear();
      this.byFoldedName.clear();
      this.namePrefixCounts = undefined;
    }
    const bySlot: Entry[] = [];
    for (let i = 0; i < papers.length; i++) {
      const paper = papers[i]!;
      const slot = slotOf(paper, i);
      if (slot === undefined) continue;
      const entry = entryFor(paper, slot, names[slot] ?? '');
      this.remember(entry);
      bySlot[slot] = entry;
    }
    this.dropUnadopted(names);
    this.sortedKeys = this.inSavedKeyOrder(bySlot) ?? this.sortKeys();
  }

  /** A saved slot no paper took (a saved index that does not match its papers) keeps no document. */
  private dropUnadopted(names: readonly string[]): void {
    let live = 0;
    for (const id of this.slotIds) if (id) live++;
    if (this.entries.size === live) return;
    this.slotIds.forEach((id, slot) => {
      if (id && names[slot] && !this.entries.has(id)) this.miniSearch.discard(slot);
    });
  }

  /**
   * Each paper's slot: as saved with the papers when that still holds (the slot's id is the
   * paper's), else looked up by id (papers that are not those saved).
   */
  private savedSlotsOf(papers: readonly Paper[]): (paper: Paper, at: number) => number | undefined {
    const saved = this.savedPaperSlots;
    this.savedPaperSlots = undefined;
    let byId: Map<string, number> | undefined;
    const lookUp = (paper: Paper) => {
      if (!byId) {
        byId = new Map();
        this.slotIds.forEach((id, slot) => id && byId!.set(id, slot));
      }
      return byId.get(paper.id);
    };
    const matches = saved?.length === papers.length;
    return (paper, at) => {
      const slot = matches ? saved![at]! : undefined;
      return slot !== undefined && this.slotIds[slot] === paper.id ? slot : lookUp(paper);
    };
  }

  /** The entries in the saved key order, if it still is the order of their keys (checked, in one pass). */
  private inSavedKeyOrder(bySlot: readonly Entry[]): Entry[] | undefined {
    const order = this.savedKeyOrder;
    this.savedKeyOrder = undefined;
    if (!order || order.length !== this.entries.size) return undefined;
    const sorted: Entry[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const entry = bySlot[order[i]!];
      if (!entry || (i > 0 && sorted[i - 1]!.key > entry.key)) return undefined;
      sorted[i] = entry;
    }
    return sorted;
  }

  /** Entries sorted by citation key (built once after a change). */
  private keyList(): Entry[] {
    this.sortedKeys ??= this.sortKeys();
    return this.sortedKeys;
  }

  private sortKeys(): Entry[] {
    return [...this.entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** In how many abstracts a word occurs. */
  documentFrequency(term: string): number {
    return this.text.abstract.documentFrequency(term);
  }

  /** Papers whose citation key starts with `prefix`, in key order. */
  keysWithPrefix(prefix: string, limit: number): Paper[] {
    return this.keyEntries(prefix, limit).map((e) => this.paperOf(e));
  }

  /** Entries whose key starts with `prefix` (or, `exact`, is it), in key order. */
  private keyEntries(prefix: string, limit: number, exact = false): Entry[] {
    const keys = this.keyList();
    const found: Entry[] = [];
    for (let i = firstNotBefore(keys.length, (at) => keys[at]!.key, prefix); i < keys.length && found.length < limit; i++) {
      const key = keys[i]!.key;
      if (exact ? key !== prefix : !key.startsWith(prefix)) break;
      found.push(keys[i]!);
    }
    return found;
  }

  /** The index as saved; `papers` (the library's, in its order) are given their slots. */
  serialize(papers: readonly Paper[]): SerializedSearchIndex {
    return {
      fields: {
        title: this.text.title.serialize(),
        techniques: this.text.techniques.serialize(),
        abstract: this.text.abstract.serialize(),
        authors: this.text.authors.serialize(),
      },
      slotIds: this.slotIds,
      ...this.perSlot(),
      keyOrder: Uint32Array.from(this.keyList(), (entry) => entry.slot),
      paperSlots: Uint32Array.from(papers, (paper) => this.entries.get(paper.id)?.slot ?? NO_SLOT),
    };
  }

  /** Each slot's names, key and folded short name ('' for a dead slot). */
  private perSlot(): Pick<SerializedSearchIndex, 'names' | 'keys' | 'foldedNames'> {
    const names = new Array<string>(this.slotIds.length).fill('');
    const keys = names.slice();
    const foldedNames = names.slice();
    for (const entry of this.entries.values()) {
      names[entry.slot] = entry.name;
      keys[entry.slot] = entry.key;
      foldedNames[entry.slot] = entry.foldedName;
    }
    return { names, keys, foldedNames };
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    // What a person types, not a document: long queries and long words are cut before any matching
    // (MiniSearch's fuzzy matching allocates a matrix by the square of a word's length).
    const trimmed = query.trim().slice(0, MAX_QUERY_LENGTH).replace(LONG_WORD, (w) => w.slice(0, MAX_WORD_LENGTH));
    const words = [...new Set(tokenize(trimmed))].slice(0, MAX_QUERY_WORDS);
    const filter = hasFilter(options.filter) ? options.filter : undefined;
    const limit = options.limit ?? 50;
    if (!words.length) return filter ? this.filtered(filter, limit) : [];
    const typing = options.prefix ?? true;

    const slots = this.text.title.slotCount;
    if (this.scores.length < slots) {
      this.scores = new Float64Array(Math.max(slots, 1024) * 2);
      this.best = new Float64Array(this.scores.length);
      this.masks = new Uint32Array(this.scores.length);
    }
    const { scores, masks } = this;
    const touched: number[] = [];
    const fields = options.scope === 'names' ? (['title'] as const) : TEXT_FIELDS;
    // A word no field has, and no inflection of it, is a start: "prun" means pruning even when not typing.
    // Each word's other forms, per field, worked out once (they are scored below too).
    const forms = new Map(fields.map((f) => [f, words.map((word) => this.inflections(this.text[f], word))]));
    const unknown = words.map((word, i) => !fields.some((f) => this.text[f].has(word) || forms.get(f)![i]!.length > 0));

    // Text fields: exact words and their inflections ("distil" → distillation), the unfinished word
    // as a prefix, a mistyped long word by its neighbours. Each word sets its bit in the paper's mask.
    const allMatches: TermMatch[] = [];
    const best = this.best;
    for (const field of fields) {
      const index = this.text[field];
      words.forEach((word, i) => {
        const matches: TermMatch[] = [];
        const bit = 1 << i;
        const exact = index.has(word);
        if (exact) matches.push({ term: word, query: word, weight: 1, bit });
        const inflections = forms.get(field)![i]!;
        // Another form of the word counts, below the word itself: its bit is in the mask's upper half.
        for (const term of inflections) matches.push({ term, query: word, weight: STEM_WEIGHT, bit: bit << MAX_QUERY_WORDS });
        // One letter says too little to expand; two letters only over titles, and to the commonest words.
        const asPrefix = (typing && i === words.length - 1) || unknown[i];
        const expand = asPrefix && (word.length >= 3 || (field === 'title' && word.length === 2));
        const completions = expand
          ? word.length === 2
            ? index.termsWithPrefix(word, 10)
            : options.scope === 'names'
              ? index.completions(word, MIN_PREFIX_TERMS / 3, PREFIX_POSTINGS_BUDGET / 5, MAX_PREFIX_TERMS / 3)
              : index.completions(word, MIN_PREFIX_TERMS, PREFIX_POSTINGS_BUDGET, MAX_PREFIX_TERMS)
          : [];
        for (const term of completions) if (term !== word && !inflections.includes(term)) matches.push({ term, query: word, weight: PREFIX_WEIGHT, bit });
        if (!exact && !inflections.length && !completions.length && word.length >= 5 && (field === 'title' || field === 'abstract')) {
          for (const term of index.termsNear(word, word.length >= 8 ? 2 : 1, 5)) matches.push({ term, query: word, weight: FUZZY_WEIGHT, bit });
        }
        // The word counts once per field, by its best form in the paper: "decoding" is not worth
        // more for a paper that also says "decode" and "decoded".
        const reached: number[] = [];
        index.score(matches, TEXT_BOOST[field], best, reached, masks);
        for (const slot of reached) {
          if (scores[slot] === 0) touched.push(slot);
          scores[slot]! += best[slot]!;
          best[slot] = 0;
        }
        allMatches.push(...matches);
      });
    }

    // Identifiers: MiniSearch over keys and names, prefix on the word being typed, typos forgiven.
    const idResults = this.miniSearch.search(trimmed, {
      boost: ID_BOOST,
      // One letter starts thousands of names: the key list answers it, cheaply.
      prefix: (term, i, terms) => typing && i === terms.length - 1 && (term.length >= 3 || (term.length === 2 && this.namePapersStartingWith(term) <= MAX_TWO_LETTER_NAME_PAPERS)),
      fuzzy: (term) => (term.length >= 5 && term.length <= MAX_FUZZY_LENGTH ? 0.2 : false),
      maxFuzzy: 2,
      weights: { fuzzy: FUZZY_WEIGHT, prefix: PREFIX_WEIGHT },
      combineWith: 'OR',
    });
    const allWords = (1 << words.length) - 1;
    // Keys: the query as a key, or the start of one while typing; a key stands for every word.
    const folded = asciiFold(trimmed);
    if (folded.length >= 2) {
      const keyed = typing ? this.keyEntries(folded, MAX_KEY_COMPLETIONS) : this.exactNames(folded).filter((e) => e.key === folded);
      const idf = Math.log(1 + this.entries.size / (keyed.length + 0.5));
      for (const entry of keyed) {
        if (scores[entry.slot] === 0) touched.push(entry.slot);
        scores[entry.slot]! += KEY_BOOST * idf * (entry.key === folded ? 1 : PREFIX_WEIGHT);
        masks[entry.slot]! |= allWords;
      }
    }
    const idById = new Map<string, (typeof idResults)[number]>();
    for (const r of idResults) {
      const entry = this.entries.get(this.slotIds[r.id as number]!);
      if (!entry) continue;
      idById.set(entry.id, r);
      if (scores[entry.slot] === 0) touched.push(entry.slot);
      scores[entry.slot]! += r.score;
      for (const term of r.queryTerms) {
        const at = words.indexOf(term);
        masks[entry.slot]! |= at >= 0 ? 1 << at : allWords; // a name typed whole ("mix-lora") covers its words
      }
    }
    // A query that is exactly a paper's key or name puts that paper on top.
    for (const entry of this.exactNames(folded)) if (scores[entry.slot]! > 0) scores[entry.slot]! *= entry.key === folded ? 10 : 5;

    // Papers with every word first, then those with all but one, …; by score within each. A word
    // found only in another form counts half.
    for (const slot of touched) {
      const found = masks[slot]! & allWords;
      const inflected = (masks[slot]! >>> MAX_QUERY_WORDS) & ~found;
      scores[slot]! += COVERAGE * (2 * popcount(found) + popcount(inflected));
    }
    const admitted = filter ? this.admit(touched, filter) : touched;
    const top = topSlots(admitted, scores, limit);
    for (const slot of touched) {
      scores[slot] = 0;
      masks[slot] = 0;
    }

    const queryOf = new Map<string, string>();
    for (const match of allMatches) if (!queryOf.has(match.term)) queryOf.set(match.term, match.query);
    const hits: SearchHit[] = [];
    for (const [slot, ranking] of top) {
      const entry = this.entries.get(this.slotIds[slot]!);
      if (!entry) continue;
      const paper = this.paperOf(entry);
      const id = idById.get(entry.id);
      const terms = new Set(id?.terms ?? []);
      const queryTerms = new Set(id?.queryTerms ?? []);
      // Which words this paper has, for highlighting: worked out for the shown papers only, in the
      // fields searched (`names` is completion's: splitting its hundred papers' abstracts was four
      // fifths of a completion whose list came from title words).
      const has = new Set(tokenize(options.scope === 'names' ? paper.title : `${paper.title} ${paper.abstract} ${authorText(paper)}`));
      for (const [term, word] of queryOf) {
        if (!terms.has(term) && has.has(term)) {
          terms.add(term);
          queryTerms.add(word);
        }
      }
      hits.push({ paper, score: ranking % COVERAGE, queryTerms: [...queryTerms], matchedTerms: [...terms] });
    }
    return hits;
  }

  /** The slots of `touched` whose papers pass the filter. */
  private admit(touched: readonly number[], filter: SearchFilter): number[] {
    const blocked = new Set<number>();
    for (const word of filter.excluded.flatMap((w) => tokenize(w))) {
      for (const field of TEXT_FIELDS) {
        const index = this.text[field];
        for (const term of [word, ...this.inflections(index, word)]) index.forEachSlot(term, (slot) => blocked.add(slot));
      }
    }
    return touched.filter((slot) => {
      if (blocked.has(slot)) return false;
      const entry = this.entries.get(this.slotIds[slot]!);
      return !!entry && passes(this.paperOf(entry), filter);
    });
  }

  /** A query that is only filters ("#lora year:2024"): the papers that pass, newest first. */
  private filtered(filter: SearchFilter, limit: number): SearchHit[] {
    const slots = this.admit([...this.entries.values()].map((e) => e.slot), filter);
    return slots
      .map((slot) => this.paperOf(this.entries.get(this.slotIds[slot]!)!))
      .sort(newestFirst)
      .slice(0, limit)
      .map((paper) => ({ paper, score: 0, queryTerms: [], matchedTerms: [] }));
  }

  /** Other forms of `word` in the index with the same stem ("distil" → distillation, distilled). */
  private inflections(index: TermIndex, word: string): string[] {
    const stem = stemOf(word);
    let common = 0;
    while (common < stem.length && common < word.length && stem[common] === word[common]) common++;
    if (common < 3) return [];
    const found: string[] = [];
    for (const term of index.termsWithPrefix(word.slice(0, common), MAX_STEM_SCAN)) {
      if (term !== word && stemOf(term) === stem) found.push(term);
      if (found.length >= MAX_INFLECTIONS) break;
    }
    return found;
  }

  /** Papers whose key or folded short name is exactly `folded`. */
  private exactNames(folded: string): Entry[] {
    const found = this.keyEntries(folded, Infinity, true);
    const ids = this.byFoldedName.get(folded);
    for (const id of typeof ids === 'string' ? [ids] : (ids ?? [])) {
      const entry = this.entries.get(id);
      if (entry) found.push(entry);
    }
    return found;
  }
}

/** Lowercase words separated by single spaces, for finding phrases. */
function phraseText(text: string): string {
  return ` ${tokenizeAll(text).join(' ')} `;
}

/** Words with stop words kept: a phrase is checked as written. */
function tokenizeAll(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Whether a paper passes the filters other than excluded words (those are found through the index). */
function passes(paper: Paper, filter: SearchFilter): boolean {
  if (filter.years) {
    const year = Number(paper.date?.slice(0, 4));
    if (!year || year < filter.years.from || year > filter.years.to) return false;
  }
  for (const author of filter.authors) {
    const wanted = asciiFold(author);
    if (!paper.authors.some((name) => name.split(/[\s-]+/).some((part) => asciiFold(part).startsWith(wanted)))) return false;
  }
  for (const ids of filter.techniqueIds) if (!paper.techniques.some((t) => ids.includes(t))) return false;
  for (const digest of filter.digests) if (!paper.sources.some((s) => fileName(s.path).toLowerCase().includes(digest))) return false;
  if (filter.phrases.length) {
    const text = phraseText(`${paper.title} ${paper.abstract}`);
    for (const phrase of filter.phrases) if (!text.includes(` ${tokenizeAll(phrase).join(' ')} `)) return false;
  }
  return true;
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/** Porter stems, remembered: the same few thousand words are stemmed on every keystroke. */
const stems = new Map<string, string>();
function stemOf(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    if (stems.size > 100_000) stems.clear();
    stems.set(word, (stem = stemmer(word)));
  }
  return stem;
}

function entryFor(paper: Paper, slot: number, name: string): Entry {
  return { id: paper.id, key: paper.key, paper, slot, foldedName: paper.shortName ? asciiFold(paper.shortName) : '', name };
}

/** The `limit` best slots by score, best first: a bounded heap, not a sort of every match. */
function topSlots(touched: readonly number[], scores: Float64Array, limit: number): Array<[number, number]> {
  const heap: Array<[number, number]> = [];
  const less = (i: number, j: number) => heap[i]![1] < heap[j]![1];
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  for (const slot of touched) {
    const score = scores[slot]!;
    if (heap.length < limit) {
      heap.push([slot, score]);
      for (let i = heap.length - 1; i > 0 && less(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    } else if (score > heap[0]![1]) {
      heap[0] = [slot, score];
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort((a, b) => b[1] - a[1]);
}
