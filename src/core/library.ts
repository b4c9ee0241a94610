import { assignCitationKeys } from './citationKeys';
import { KeyMemory } from './keyMemory';
import { parseDigest } from './digest';
import { MentionMatcher } from './mentions';
import { Paper, ParseResult, Problem, newestFirst, sameValue } from './model';
import { PaperNames, extractNames } from './names';
import { NoteScan, scanNote } from './noteScanner';
import { SearchHit, SearchIndex, SearchOptions, SerializedSearchIndex, SyncCounts } from './searchIndex';
import { COMPLETION_ANYWHERE, COMPLETION_EXACT, COMPLETION_INSIDE, COMPLETION_START, COMPLETION_TITLE_WORD, CompletionEntry, CompletionNames, completionEntry, completionNames, matchQuality } from './completionMatch';
import { SearchFilter, parseQuery } from './searchQuery';
import { Taxonomy, defaultTaxonomy } from './techniques';
import { PAPER_ORDERS, PaperCatalog, PaperGrouping, PaperSort, PlacedCategoryGroup, digestFileNames } from './paperCatalog';
import { FileText, asciiFold, firstNotBefore, keywordList, normalizeTitle } from './text';

export interface DigestSource {
  path: string;
  text: FileText;
}

/** Whether papers named in prose count, and names a user said are not papers here (lowercase). */
export interface MentionOptions {
  enabled?: boolean;
  ignoredNames?: ReadonlySet<string>;
}

/**
 * Every paper of the user's digests, with names, keys and techniques filled in,
 * and the lookups the editor needs on every keystroke and mouse move. A Library
 * is a snapshot: a changed digest gives a new one (see LibraryBuilder).
 */
export class Library extends PaperCatalog {
  private mentionMatcher: MentionMatcher | undefined;
  /** The previous library's matcher, kept if these papers give the same (see succeed). */
  private inheritedMatcher: MentionMatcher | undefined;
  private matcherMaking: Generator<void, void> | undefined;
  private completionText: CompletionIndex | undefined;
  /** The previous library's completion index and the papers it was made from, kept if these papers give the same (see succeed). */
  private inheritedCompletion: { papers: readonly Paper[]; index: CompletionIndex } | undefined;
  private readonly placedTrees = new Map<string, PlacedCategoryGroup[]>();

  constructor(
    papers: readonly Paper[],
    problems: readonly Problem[],
    taxonomy: Taxonomy,
    private readonly index: SearchIndex,
  ) {
    super(papers, problems, taxonomy);
  }

  static fromResults(results: readonly ParseResult[], taxonomy: Taxonomy = defaultTaxonomy, memory?: KeyMemory): Library {
    const builder = new LibraryBuilder(taxonomy, undefined, memory);
    results.forEach((result, i) => builder.setDigest(`#${i}`, result));
    return builder.build().library;
  }

  static fromDigests(sources: readonly DigestSource[], taxonomy: Taxonomy = defaultTaxonomy, memory?: KeyMemory): Library {
    const builder = new LibraryBuilder(taxonomy, undefined, memory);
    for (const s of sources) builder.setDigest(s.path, parseDigest(s.text, s.path));
    return builder.build().library;
  }

  /** The one search behind the palette, Insert Citation, completion and the CLI (see searchWithQuerySyntax). */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    return this.own(searchWithQuerySyntax(this.index, this.taxonomy, () => this.digestNames(), query, options));
  }

  /**
   * The hits as this library's own papers. The builder's index is shared with the
   * libraries it built before (copying it per version would double the memory at 50k):
   * an older library must still never answer with a paper it does not know.
   */
  private own(hits: SearchHit[]): SearchHit[] {
    const mine: SearchHit[] = [];
    for (const hit of hits) {
      const paper = this.paper(hit.paper.key);
      if (paper && paper.id === hit.paper.id) mine.push(paper === hit.paper ? hit : { ...hit, paper });
    }
    return mine;
  }

  /**
   * Papers for `@` completion, best match first: a key or name that is what was typed,
   * then one that starts so, then one that has it at a word or capital inside
   * ("lora" → IncreLoRA, MixLoRA), then a title word that starts so ("quant" →
   * EfficientQAT's "Quantization-Aware"), then a key or name that has it anywhere; the
   * newest and most upvoted first within each. With nothing typed, the newest papers.
   */
  completions(prefix: string, limit = 100): Paper[] {
    if (!prefix) return this.completionIndex().entries.slice(0, limit).map((e) => e.paper);
    const typed = prefix.toLowerCase();
    const folded = asciiFold(prefix);
    const { entries } = this.completionIndex();
    const buckets: Paper[][] = [[], [], [], [], []];
    const add = (i: number, quality: number) => {
      if (buckets[quality]!.length < limit) buckets[quality]!.push(entries[i]!.paper);
    };
    // A key or name that is, or starts with, what was typed: found by binary search. Most
    // keystrokes ("m", "lo", "ldpr") have a list's worth of these, and nothing else is looked at.
    const { exact, start } = this.completionStarts(typed, folded);
    const first = exact.length + start.length;
    if (first >= limit) return [...exact, ...start].slice(0, limit).map((i) => entries[i]!.paper);
    exact.forEach((i) => add(i, COMPLETION_EXACT));
    start.forEach((i) => add(i, COMPLETION_START));
    // Then what has it inside a key or name (found with indexOf over one text), newest first, until the list is full.
    const seen = new Set([...exact, ...start]);
    for (const i of this.completionCandidates(typed, folded)) {
      if (seen.has(i)) continue;
      seen.add(i);
      const quality = matchQuality(entries[i]!, typed, folded);
      add(i, quality === COMPLETION_TITLE_WORD ? COMPLETION_ANYWHERE : quality);
      if (first + buckets[COMPLETION_INSIDE]!.length >= limit) break;
    }
    // Title words, from the index: a word of three letters or more says enough. Not when
    // the better matches already fill the list (title words come after them).
    const better = buckets.slice(0, COMPLETION_TITLE_WORD).reduce((n, b) => n + b.length, 0);
    if (folded.length >= 3 && better < limit) {
      const listed = new Set([...seen].map((i) => entries[i]!.paper));
      const byTitle = this.own(this.index.search(prefix, { limit, scope: 'names' })).map((h) => h.paper).filter((p) => !listed.has(p));
      buckets[COMPLETION_TITLE_WORD] = byTitle.sort(newestFirst);
    }
    return buckets.flat().slice(0, limit);
  }

  /** `completions` as what the items show (see CompletionEntry). */
  completionEntries(prefix: string, limit = 100): CompletionEntry[] {
    return this.completions(prefix, limit).map(completionEntry);
  }

  /**
   * Every paper's key and names, newest first; one text of them all (a line per paper:
   * key, names lowercase, names folded) to find what was typed with indexOf; and the keys
   * and folded names sorted, to find those that start with it by binary search.
   */
  private completionIndex(): CompletionIndex {
    if (!this.completionText) {
      const inherited = this.inheritedCompletion;
      this.inheritedCompletion = undefined;
      this.completionText = (inherited && completionIndexFor(this.papers, inherited)) ?? completionIndexOf(this.papers);
    }
    return this.completionText;
  }

  /**
   * Indexes (newest first) of the papers whose key is `typed` or a folded name `folded`
   * (`exact`), and of the others whose key or a folded name starts so (`start`): what
   * matchQuality calls exact and a start, read off the sorted keys and names.
   */
  private completionStarts(typed: string, folded: string): { exact: number[]; start: number[] } {
    const { sortedKeys, sortedNames } = this.completionIndex();
    const exact = new Set<number>();
    const start = new Set<number>();
    const collect = ({ texts, entries }: SortedTexts, wanted: string) => {
      if (!wanted) return;
      for (let i = firstNotBefore(texts.length, (at) => texts[at]!, wanted); i < texts.length && texts[i]!.startsWith(wanted); i++) (texts[i] === wanted ? exact : start).add(entries[i]!);
    };
    collect(sortedKeys, typed);
    collect(sortedNames, folded);
    const ascending = (a: number, b: number) => a - b;
    return { exact: [...exact].sort(ascending), start: [...start].filter((i) => !exact.has(i)).sort(ascending) };
  }

  /**
   * Indexes, newest first, of the papers whose line has `typed` or `folded`; for one or
   * two letters, only at the start of a key or name (inside, they are everywhere). Lazily,
   * so that a list filled early stops the scan.
   */
  private *completionCandidates(typed: string, folded: string): Generator<number> {
    const needles = [...new Set([typed, folded].filter(Boolean))];
    const short = folded.length < 3;
    // One needle (the usual case): the text is in library order, so lines come newest first as found.
    if (needles.length === 1) yield* this.linesWith(needles[0]!, short);
    else yield* [...new Set(needles.flatMap((needle) => [...this.linesWith(needle, short)]))].sort((a, b) => a - b);
  }

  /** The lines of the completion text that have `needle` (at a key's or name's start only, when `atStart`), in order, each once. */
  private *linesWith(needle: string, atStart: boolean): Generator<number> {
    const { starts, text } = this.completionIndex();
    for (let at = text.indexOf(needle); at >= 0; ) {
      if (atStart && at > 0 && text[at - 1] !== '\n' && text[at - 1] !== '\u0001') {
        at = text.indexOf(needle, at + 1);
        continue;
      }
      // The line this occurrence is on, by binary search over the line starts.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      yield lo;
      at = lo + 1 < starts.length ? text.indexOf(needle, starts[lo + 1]!) : -1;
    }
  }

  /**
   * The tree's groups (see paperTree), each technique's papers sorted and given as their
   * places: what the engine sends the editor's Techniques view, which then decodes only
   * the papers of a technique that is opened. Kept per grouping and order.
   */
  placedTree(grouping: PaperGrouping, sort: PaperSort): PlacedCategoryGroup[] {
    const asked = `${grouping}:${sort}`;
    let tree = this.placedTrees.get(asked);
    if (!tree) {
      const compare = PAPER_ORDERS[sort];
      tree = this.paperTree(grouping, { sorted: false }).map(({ id, label, techniques }) => ({
        id,
        label,
        techniques: techniques.map((t) => ({ id: t.id, label: t.label, category: t.category, places: Uint32Array.from([...t.papers].sort(compare), (p) => this.place(p.key)!) })),
      }));
      this.placedTrees.set(asked, tree);
    }
    return tree;
  }

  /** In how many abstracts a word occurs (for tf-idf). */
  documentFrequency(term: string): number {
    return this.index.documentFrequency(term);
  }

  /**
   * This library replaces `previous`: its names matcher and its completion index are reused
   * if no paper's names (or, for completion, key, date, votes or title) changed, which is
   * checked when first needed. An edit of an abstract at 50,000 papers then costs the first
   * `@` after it nothing instead of rebuilding the index (~0.3 s).
   */
  succeed(previous: Library): void {
    this.inheritedMatcher = previous.mentionMatcher ?? previous.inheritedMatcher;
    this.inheritedCompletion = previous.completionText ? { papers: previous.papers, index: previous.completionText } : previous.inheritedCompletion;
  }

  /**
   * Prepares the names matcher, the completion list and the search index's counts, so that
   * the first hover or `@` after a load does not wait for them; in steps (see inSlices): the
   * matcher alone is 0.6-1.4 s at 50,000 papers, which a search asked for meanwhile would wait out.
   */
  *prepare(): Generator<void, void> {
    yield* this.matcherSteps();
    this.completionIndex();
    yield;
    this.index.prepare();
  }

  private matcher(): MentionMatcher {
    // Asked for before `prepare` is through with it: the steps left, at once.
    const steps = this.matcherSteps();
    while (!steps.next().done);
    return this.mentionMatcher!;
  }

  /** Makes the matcher (or keeps the one inherited), once, whoever takes the steps: `prepare` or a request that needs it now. */
  private matcherSteps(): Generator<void, void> {
    return (this.matcherMaking ??= this.makeMatcher());
  }

  private *makeMatcher(): Generator<void, void> {
    const inherited = this.inheritedMatcher;
    this.inheritedMatcher = undefined;
    if (inherited?.servesAlso(this.papers)) this.mentionMatcher = inherited;
    else this.mentionMatcher = yield* MentionMatcher.madeInSteps(this.papers);
  }

  /**
   * Citations and paper mentions in a Markdown note; `mentions` says whether, and which,
   * names in prose count; `ownKeys` (a note's own bibliography) widens what counts as a key.
   */
  scanNote(markdown: string, mentions: MentionOptions = {}, ownKeys?: { has(key: string): boolean }): NoteScan {
    const isKnownKey = (key: string) => this.paper(key) !== undefined || !!ownKeys?.has(key);
    if (mentions.enabled === false) return scanNote(markdown, { isKnownKey });
    const scan = scanNote(markdown, { mentions: this.matcher(), isKnownKey });
    const ignored = mentions.ignoredNames;
    if (ignored?.size) scan.mentions = scan.mentions.filter((m) => !ignored.has(m.text.toLowerCase()));
    return scan;
  }
}

/** Every paper's key and names for `@` completion (see Library.completionIndex). */
interface CompletionIndex {
  entries: CompletionNames[];
  /** Each entry's paper's place in the library. */
  places: Uint32Array;
  starts: Uint32Array;
  text: string;
  sortedKeys: SortedTexts;
  sortedNames: SortedTexts;
}

/** Texts in code-unit order, each with the completion entry it belongs to. */
interface SortedTexts {
  texts: string[];
  entries: Uint32Array;
}

function completionIndexOf(papers: readonly Paper[]): CompletionIndex {
  const places = Uint32Array.from(papers.keys()).sort((a, b) => newestFirst(papers[a]!, papers[b]!) || a - b);
  const entries = Array.from(places, (place) => completionNames(papers[place]!));
  const starts = new Uint32Array(entries.length);
  let text = '';
  const keys: Array<[string, number]> = [];
  const names: Array<[string, number]> = [];
  entries.forEach((e, i) => {
    starts[i] = text.length;
    text += `${e.key}\u0001${e.names.map((n) => `${n.lower}\u0001${n.folded}`).join('\u0001')}\n`;
    keys.push([e.key, i]);
    for (const folded of new Set(e.names.map((n) => n.folded))) names.push([folded, i]);
  });
  return { entries, places, starts, text, sortedKeys: sortedTexts(keys), sortedNames: sortedTexts(names) };
}

/** Whether two papers give the same completion entry and place in the newest-first order. */
function sameForCompletion(a: Paper, b: Paper): boolean {
  return a === b || (a.key === b.key && a.shortName === b.shortName && a.date === b.date && a.upvotes === b.upvotes && a.title === b.title && sameValue(a.aliases, b.aliases));
}

/**
 * `made.index` for `papers` when they give the same one as `made.papers` did (each paper's
 * completion fields unchanged, place by place), its entries naming the new papers; else undefined.
 */
function completionIndexFor(papers: readonly Paper[], made: { papers: readonly Paper[]; index: CompletionIndex }): CompletionIndex | undefined {
  if (papers.length !== made.papers.length) return undefined;
  for (let i = 0; i < papers.length; i++) {
    if (!sameForCompletion(made.papers[i]!, papers[i]!)) return undefined;
  }
  const { entries, places } = made.index;
  return { ...made.index, entries: entries.map((entry, i) => ({ ...entry, paper: papers[places[i]!]! })) };
}

function sortedTexts(pairs: Array<[string, number]>): SortedTexts {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return { texts: pairs.map((p) => p[0]), entries: Uint32Array.from(pairs, (p) => p[1]) };
}

/**
 * The one search behind the palette, Insert Citation, completion and the CLI: words ranked
 * (every word wanted, the last one unfinished while `prefix`), with the query syntax of
 * searchQuery.ts. A technique or digest filter that names nothing known is read as words.
 */
function searchWithQuerySyntax(index: SearchIndex, taxonomy: Taxonomy, digestNames: () => readonly string[], query: string, options: SearchOptions): SearchHit[] {
  const parsed = parseQuery(query);
  const words = [...parsed.words];
  const techniqueIds: string[][] = [];
  for (const name of parsed.techniques) {
    const ids = techniquesNamed(taxonomy, name);
    if (ids.length) techniqueIds.push(ids);
    else words.push(name);
  }
  const digests: string[] = [];
  for (const name of parsed.digests) {
    if (digestNames().some((d) => d.includes(name))) digests.push(name);
    else words.push(name);
  }
  const filter: SearchFilter = { phrases: parsed.phrases, excluded: parsed.excluded, authors: parsed.authors, years: parsed.years, techniqueIds, digests };
  const typing = (options.prefix ?? true) && parsed.endsInWord && words.length === parsed.words.length;
  return index.search(words.join(' '), { ...options, prefix: typing, filter });
}

/** Technique ids whose id or label (or a word of it) starts with `name`, folded ("kv" → kv-cache). */
function techniquesNamed(taxonomy: Taxonomy, name: string): string[] {
  const wanted = asciiFold(name);
  if (!wanted) return [];
  return taxonomy.techniques.filter((t) => [t.id, t.label, ...t.label.split(/[\s&/-]+/)].some((n) => asciiFold(n).startsWith(wanted))).map((t) => t.id);
}

function techniqueLabeller(taxonomy: Taxonomy): (id: string) => string {
  return (id) => taxonomy.technique(id)?.label ?? id;
}

/** What a saved index holds: enough to rebuild the library without parsing, classifying or indexing. */
export interface LibrarySnapshot {
  format: 3;
  /** The library as built: merged papers with keys, names and techniques. */
  papers: Paper[];
  /**
   * Where a decoded snapshot gives papers one at a time without decoding them all: how many,
   * `papers[place]` (the same object), and the paths they were read from (their sources').
   */
  lazyPapers?: { count: number; at(place: number): Paper; paths(): readonly string[] };
  problems: Problem[];
  /** Each paper's names and techniques as read from its text (before shared names were dropped). */
  derived: Derived[];
  index: SerializedSearchIndex;
}

export interface Derived {
  names: PaperNames;
  techniques: string[];
}

/** What a paper's names and techniques are read from. */
export type PaperText = Pick<Paper, 'title' | 'abstract' | 'keywords'>;

/** A paper's text alone, as it goes to another thread to be derived (not the whole paper). */
export function paperText(paper: PaperText): PaperText {
  return { title: paper.title, abstract: paper.abstract, keywords: paper.keywords };
}

/** A paper's names and techniques, from its text alone: the same in any thread. */
export function deriveFromText(text: PaperText, taxonomy: Taxonomy): Derived {
  const names = extractNames(text.title, text.abstract);
  const ownNames = names.shortName ? [names.shortName, ...names.aliases] : names.aliases;
  return { names, techniques: taxonomy.classify(text.title, text.abstract, text.keywords, ownNames) };
}

interface Built {
  papers: Paper[];
  problems: Problem[];
}

/**
 * Keeps the parsed digests and everything derived from them, so that when one
 * digest changes only its papers are named, classified and re-indexed again.
 *
 * Restored from a snapshot, it gives the saved library at once; the parsed digests
 * it needs for the next change come back with `setDigest` later, in the background.
 */
export class LibraryBuilder {
  private readonly digests = new Map<string, ParseResult>();
  /** Names and techniques by title, then abstract: a paper whose text did not change is not re-read. */
  private readonly derived = new ByText<Derived>();
  private readonly index: SearchIndex;
  private memoryProblems: readonly Problem[] = [];
  private last: Built | undefined;
  /**
   * A restored library, handed out by the next build without merging or indexing. Its papers
   * and derived names are read from the snapshot when needed (a decoded snapshot decodes
   * them on first read: the build takes the papers, the first change the derived names).
   */
  private restored: LibrarySnapshot | undefined;
  /** Names and techniques from a snapshot (decoded when first read), taken into the cache before the first change is built. */
  private pendingDerived: Pick<LibrarySnapshot, 'papers' | 'derived'> | undefined;
  /**
   * The digests merged by `underived`, with each paper's names and techniques where they
   * were known then, for the next build if no digest changed since (builds change their
   * papers: used once).
   */
  private merged: { papers: Paper[]; known: (Derived | undefined)[] } | undefined;
  /** How many of the restored papers `decodeRestored` decoded. */
  private restoredDecoded = 0;

  constructor(
    readonly taxonomy: Taxonomy = defaultTaxonomy,
    snapshot?: LibrarySnapshot,
    /** The workspace's remembered keys; builds read it and add the keys they hand out. */
    private memory: KeyMemory = new KeyMemory(),
  ) {
    this.index = new SearchIndex(techniqueLabeller(taxonomy), snapshot?.index, snapshot && ((place) => (snapshot.lazyPapers?.at(place) ?? snapshot.papers[place]!)));
    this.restored = snapshot;
    this.pendingDerived = snapshot;
  }

  /**
   * Restored and not built yet: the saved library's search (its index answers before its
   * papers are decoded; the papers it shows are read from the snapshot), for the time until
   * the library is built and handed out. Undefined otherwise.
   */
  restoredSearch(): ((query: string, options?: SearchOptions) => SearchHit[]) | undefined {
    const snapshot = this.restored;
    if (!snapshot) return undefined;
    let names: string[] | undefined;
    const digestNames = () => (names ??= digestFileNames(snapshot.lazyPapers?.paths() ?? snapshot.papers.flatMap((p) => p.sources.map((s) => s.path))));
    // The same index as the library's: it answers alike until that library is handed out.
    return (query, options = {}) => searchWithQuerySyntax(this.index, this.taxonomy, digestNames, query, options);
  }

  /** Restored: what the first search would otherwise do itself (see SearchIndex.prepare). */
  prepareSearch(): void {
    this.index.prepare();
  }

  /**
   * Restored and not built yet: decodes the next `count` saved papers, so that the build
   * finds them at hand (a restore decodes them a slice at a time, answering searches in
   * between). Whether papers are left.
   */
  decodeRestored(count: number): boolean {
    const lazy = this.restored?.lazyPapers;
    if (!lazy) return false;
    const end = Math.min(lazy.count, this.restoredDecoded + count);
    for (; this.restoredDecoded < end; this.restoredDecoded++) lazy.at(this.restoredDecoded);
    return this.restoredDecoded < lazy.count;
  }

  /** A builder from a saved snapshot: its library is the saved one, with nothing merged, named or indexed again. */
  static restore(snapshot: LibrarySnapshot, taxonomy: Taxonomy = defaultTaxonomy, memory?: KeyMemory): LibraryBuilder {
    return new LibraryBuilder(taxonomy, snapshot, memory);
  }

  get paths(): string[] {
    return [...this.digests.keys()];
  }

  /** The key memory the next build uses (the workspace's file was read again), and the problems reading it found. */
  setMemory(memory: KeyMemory, problems: readonly Problem[] = []): void {
    this.memory = memory;
    this.memoryProblems = problems;
  }

  get keyMemory(): KeyMemory {
    return this.memory;
  }

  digest(path: string): ParseResult | undefined {
    return this.digests.get(path);
  }

  setDigest(path: string, result: ParseResult): void {
    this.digests.set(path, result);
    this.merged = undefined;
  }

  removeDigest(path: string): boolean {
    this.merged = undefined;
    return this.digests.delete(path);
  }

  /**
   * The texts the next build would have to derive names and techniques from (each once),
   * so that other threads can share the work (`addDerived`) before it runs.
   */
  underived(): PaperText[] {
    if (this.restored) return [];
    this.absorbDerived();
    const papers = this.mergeDigests();
    // What is found here the build need not look up again (at 50,000 papers ~0.2 s an edit).
    const known: (Derived | undefined)[] = [];
    this.merged = { papers, known };
    const seen = new ByText<true>();
    const texts: PaperText[] = [];
    for (const paper of papers) {
      const described = describedBy(paper);
      const derived = this.derived.get(paper.title, described);
      known.push(derived);
      if (derived || !seen.add(paper.title, described, true)) continue;
      texts.push(paperText(paper));
    }
    return texts;
  }

  /**
   * After `underived`, for a first build: a step that indexes the text of the next `count`
   * papers ahead of the build (see SearchIndex.indexTextAhead), true while papers are left;
   * undefined when there is nothing to index ahead.
   */
  textIndexingAhead(): ((count: number) => boolean) | undefined {
    const papers = this.merged?.papers;
    if (!papers || this.index.size > 0) return undefined;
    // A digest set since (the merge is dropped) makes the build merge other papers: stop.
    return (count) => this.merged?.papers === papers && this.index.indexTextAhead(papers, count);
  }

  /**
   * Names and techniques derived in another thread (`derived[i]` from `texts[i]`), for the
   * next build to take; returns how many of the texts were not derived yet (a text this
   * thread derived meanwhile keeps what it has).
   */
  addDerived(texts: readonly PaperText[], derived: readonly Derived[]): number {
    if (derived.length !== texts.length) throw new Error(`${derived.length} derived for ${texts.length} texts`);
    // What crossed a thread would cross to the editor bigger than what was derived here
    // (2 MB more of its heap at 50,000 papers): the taxonomy's own id strings, one per
    // technique, not a copy per paper; and packed arrays (see `packed`).
    const technique = (id: string) => this.taxonomy.technique(id)?.id ?? id;
    let added = 0;
    texts.forEach((text, i) => {
      const described = describedBy(text);
      if (this.derived.get(text.title, described)) return;
      const { names, techniques } = derived[i]!;
      this.derived.add(text.title, described, { names: { shortName: names.shortName, aliases: packed(names.aliases) }, techniques: packed(techniques, technique) });
      added++;
    });
    return added;
  }

  /** Whether names and techniques are known for this very text. */
  isDerived(text: PaperText): boolean {
    return this.derived.get(text.title, describedBy(text)) !== undefined;
  }

  /** Derives the texts in this thread (its share of `underived`). */
  deriveNow(texts: readonly PaperText[]): void {
    for (const text of texts) this.derive(text);
  }

  /** Merges the digests into one library and brings the search index up to date. */
  build(): { library: Library; counts: SyncCounts } {
    if (this.restored) {
      const { papers, problems } = this.restored;
      this.restored = undefined;
      this.index.adopt(papers);
      this.last = { papers, problems };
      return { library: new Library(papers, problems, this.taxonomy, this.index), counts: { added: 0, removed: 0, updated: 0 } };
    }
    this.absorbDerived();
    const prepared = this.merged;
    this.merged = undefined;
    const papers = prepared?.papers ?? this.mergeDigests();
    const names: PaperNames[] = [];
    for (let i = 0; i < papers.length; i++) {
      const paper = papers[i]!;
      const derived = prepared?.known[i] ?? this.derive(paper);
      names.push(derived.names);
      if (paper.techniques.length === 0) paper.techniques = derived.techniques;
    }
    dropSharedNames(papers, names);
    const keyProblems = assignCitationKeys(papers, this.memory);
    const counts = this.index.sync(papers);
    const problems = [...[...this.digests.values()].flatMap((r) => r.problems), ...this.memoryProblems, ...keyProblems];
    this.last = { papers, problems };
    return { library: new Library(papers, problems, this.taxonomy, this.index), counts };
  }

  /**
   * After a restore: keeps nothing of the saved index's bytes (180 MB at 50,000 papers, held
   * by the search index's postings and by the derived names not decoded yet). Work that can
   * wait: 40-60 ms at 50,000 papers.
   */
  releaseSnapshot(): void {
    const pending = this.pendingDerived;
    if (pending) this.pendingDerived = { papers: pending.papers, derived: pending.derived };
    this.index.detach();
  }

  /** After a restore: fills the names-and-techniques cache, so that the next change classifies only new text. */
  absorbDerived(): void {
    const pending = this.pendingDerived;
    if (!pending) return;
    this.pendingDerived = undefined;
    pending.papers.forEach((paper, i) => {
      const d = pending.derived[i];
      if (d) this.derived.add(paper.title, describedBy(paper), d);
    });
  }

  /** The library as last built, with what the next start needs to skip all the work. */
  toSnapshot(): LibrarySnapshot {
    const { papers, problems } = this.last ?? this.restored ?? { papers: [], problems: [] };
    // Restored and not changed since: the saved names and techniques, not every paper classified again.
    const derived = this.pendingDerived?.papers === papers ? this.pendingDerived.derived : papers.map((p) => this.derive(p));
    return { format: 3, papers, problems, derived, index: this.index.serialize(papers) };
  }

  private mergeDigests(): Paper[] {
    return mergePapers([...this.digests.values()].flatMap((r) => r.papers));
  }

  private derive(text: PaperText): Derived {
    const described = describedBy(text);
    const known = this.derived.get(text.title, described);
    if (known) return known;
    const derived = deriveFromText(text, this.taxonomy);
    this.derived.add(text.title, described, derived);
    return derived;
  }
}

/**
 * A copy of `items` (each through `each`) built by pushing: V8 gives arrays that crossed a
 * thread, and those `map` or a spread make, holey elements, and sends a holey array on to
 * another thread as a sparse one, which that thread keeps bigger.
 */
function packed<T>(items: readonly T[], each: (item: T) => T = (item) => item): T[] {
  const out: T[] = [];
  for (const item of items) out.push(each(item));
  return out;
}

interface TextEntry<T> {
  described: string;
  value: T;
  /** Another text of the same title. */
  other?: TextEntry<T>;
}

/**
 * Values by a paper's title, then what else describes it (`describedBy`). Almost always one
 * text has a title, so a title holds its first text and value, and any other text of the
 * same title in a chain; texts are compared, never hashed (hashing 50,000 abstracts in Maps
 * and Sets by abstract took ~0.1 s of a cold start).
 */
class ByText<T> {
  private readonly byTitle = new Map<string, TextEntry<T>>();

  get(title: string, described: string): T | undefined {
    for (let entry = this.byTitle.get(title); entry; entry = entry.other) if (entry.described === described) return entry.value;
    return undefined;
  }

  /** Adds the value unless this text has one; whether it was added. */
  add(title: string, described: string, value: T): boolean {
    const first = this.byTitle.get(title);
    for (let entry = first; entry; entry = entry.other) if (entry.described === described) return false;
    this.byTitle.set(title, { described, value, other: first });
    return true;
  }
}

/** What names and techniques are read from besides the title: the abstract, and the keywords where there are any. */
function describedBy(paper: PaperText): string {
  return paper.keywords.length ? `${paper.abstract}\u0000${paper.keywords.join('\u0000')}` : paper.abstract;
}

/**
 * One paper per real paper. Entries with the same arXiv id or DOI are one paper, and
 * every key they carry resolves to it. A title alone merges only an entry without a
 * key of its own (a copied page, Hugging Face JSON) with another entry of the same year:
 * two entries of a user's bibliography are never merged by title ("Deep learning" the
 * review and "Deep Learning" the book are two works). Returns new objects; the parsed
 * digests are never changed.
 */
export function mergePapers(raw: readonly Paper[]): Paper[] {
  const merged: Paper[] = [];
  const byArxiv = new Map<string, Paper>();
  const byDoi = new Map<string, Paper>();
  const byTitle = new Map<string, Paper[]>();
  const ids = new Set<string>();
  for (const entry of raw) {
    const title = normalizeTitle(entry.title);
    const doi = entry.doi?.toLowerCase() ?? null;
    const existing =
      (entry.arxivId && byArxiv.get(entry.arxivId)) ||
      (doi && byDoi.get(doi)) ||
      byTitle.get(title)?.find((candidate) => mergeableByTitle(candidate, entry));
    let target: Paper;
    if (existing) {
      absorb(existing, entry);
      target = existing;
    } else {
      target = { ...entry, aliases: [...entry.aliases], links: [...entry.links], sources: [...entry.sources], techniques: [...entry.techniques], extraKeys: [...entry.extraKeys] };
      let id = entry.arxivId ? `arxiv:${entry.arxivId}` : doi ? `doi:${doi}` : entry.key ? `key:${entry.key}` : `title:${title}|${entry.date?.slice(0, 4) ?? ''}`;
      // Unique even for two entries with one key in two files (reported when keys are assigned).
      for (let n = 2; ids.has(id); n++) id = `${id.replace(/#\d+$/, '')}#${n}`;
      ids.add(id);
      target.id = id;
      merged.push(target);
      const list = byTitle.get(title);
      if (list) list.push(target);
      else byTitle.set(title, [target]);
    }
    if (target.arxivId) byArxiv.set(target.arxivId, target);
    if (target.doi) byDoi.set(target.doi.toLowerCase(), target);
  }
  return merged;
}

function mergeableByTitle(into: Paper, entry: Paper): boolean {
  if (into.key && entry.key) return false;
  if (into.arxivId && entry.arxivId && into.arxivId !== entry.arxivId) return false;
  if (into.doi && entry.doi && into.doi.toLowerCase() !== entry.doi.toLowerCase()) return false;
  const a = into.date?.slice(0, 4);
  const b = entry.date?.slice(0, 4);
  return !a || !b || a === b;
}

function absorb(into: Paper, from: Paper): void {
  if (!into.key) into.key = from.key;
  else if (from.key && from.key !== into.key && !into.extraKeys.includes(from.key)) into.extraKeys.push(from.key);
  for (const key of from.extraKeys) if (key !== into.key && !into.extraKeys.includes(key)) into.extraKeys.push(key);
  if (from.abstract.length > into.abstract.length) into.abstract = from.abstract;
  if (!into.date || (from.date && from.date.length > into.date.length)) into.date = from.date ?? into.date;
  if (from.upvotes !== null && (into.upvotes === null || from.upvotes > into.upvotes)) into.upvotes = from.upvotes;
  if (!into.authors.length && from.authors.length) into.authors = from.authors;
  if (!into.creators.length && from.creators.length) into.creators = from.creators;
  into.publication ??= from.publication;
  into.authorCount ??= from.authorCount;
  into.organization ??= from.organization;
  into.url ??= from.url;
  into.arxivId ??= from.arxivId;
  into.doi ??= from.doi;
  for (const link of from.links) if (!into.links.includes(link)) into.links.push(link);
  if (from.keywords.length) into.keywords = keywordList([...into.keywords, ...from.keywords]);
  into.sources.push(...from.sources);
}

/** Fills in names, dropping any name two papers share, since it would not say which paper is meant. */
function dropSharedNames(papers: Paper[], found: PaperNames[]): void {
  // Most papers have one name or none: no lists or sets are made for them.
  const lists: Array<string[] | string | null> = [];
  const uses = new Map<string, number>();
  const use = (lower: string) => uses.set(lower, (uses.get(lower) ?? 0) + 1);
  for (const n of found) {
    if (!n.aliases.length) {
      lists.push(n.shortName);
      if (n.shortName) use(n.shortName.toLowerCase());
      continue;
    }
    const list = [n.shortName, ...n.aliases].filter((x): x is string => !!x);
    lists.push(list);
    for (const name of new Set(list.map((x) => x.toLowerCase()))) use(name);
  }
  for (let i = 0; i < papers.length; i++) {
    const paper = papers[i]!;
    const list = lists[i]!;
    if (!Array.isArray(list)) {
      paper.shortName = list !== null && uses.get(list.toLowerCase()) === 1 ? list : null;
      paper.aliases = [];
      continue;
    }
    const unique = list.filter((n) => uses.get(n.toLowerCase()) === 1);
    paper.shortName = unique.find((n) => !n.includes(' ')) ?? unique[0] ?? null;
    paper.aliases = unique.filter((n) => n !== paper.shortName);
  }
}
