import { Paper, Problem, newestFirst } from './model';
import { Taxonomy } from './techniques';
import { fileName } from './text';
import { inSlices } from './quietTasks';

export interface TechniqueGroup {
  id: string;
  label: string;
  category: string;
  papers: Paper[];
}

export interface CategoryGroup {
  id: string;
  label: string;
  techniques: TechniqueGroup[];
}

/** A technique's papers as their places in the library (see Library.placedTree). */
export interface PlacedTechniqueGroup {
  id: string;
  label: string;
  category: string;
  places: Uint32Array;
}

export interface PlacedCategoryGroup {
  id: string;
  label: string;
  techniques: PlacedTechniqueGroup[];
}

/** Some of a library's papers, encoded: decoded when first asked for. */
export interface EncodedPapers {
  size: number;
  decode(): Paper[];
}

/**
 * Encoded papers decoded once, however many libraries share them: the libraries after an
 * edit keep the parts it did not touch, and their papers stay the same objects.
 */
export function decodedOnce(part: EncodedPapers): EncodedPapers {
  let papers: Paper[] | undefined;
  return { size: part.size, decode: () => (papers ??= part.decode()) };
}

/**
 * A library's papers by place, some perhaps still encoded (the editor's, sent by the engine as
 * bytes): a part is decoded when one of its papers is first asked for, and the rest only when
 * something needs every paper (`decodeAll`: the tree, say), a few milliseconds per turn. A
 * warm start's 50,000 summaries are not all decoded at start: the young-generation
 * collections that decoding them brings held the editor's thread 20-70 ms at a time.
 */
export class PaperShelf {
  /** Each part's papers, or its encoding until decoded. */
  private readonly parts: Array<Paper[] | EncodedPapers>;
  /** Where each part begins. */
  private readonly starts: number[] = [];
  /** How many parts are still encoded. */
  private undecoded: number;
  private whole: readonly Paper[] | undefined;
  private decoding = false;
  private settle!: () => void;
  private failed!: (error: unknown) => void;
  /** Resolves once every paper is decoded; rejects when a part cannot be (its papers are then missing). */
  readonly decoded = new Promise<void>((resolve, reject) => {
    this.settle = resolve;
    this.failed = reject;
  });
  readonly length: number;

  /**
   * `extraKeys`: the places and extra keys (Paper.extraKeys) of the papers that have any,
   * when they are known without decoding; else taken from the papers. `nextTurn`: what
   * `decodeAll` waits for between turns.
   */
  constructor(
    parts: ReadonlyArray<readonly Paper[] | EncodedPapers>,
    private readonly extraKeys?: ReadonlyArray<readonly [number, readonly string[]]>,
    private readonly nextTurn: () => Promise<void> = () => new Promise((resolve) => setTimeout(() => resolve(), 0)),
  ) {
    this.parts = [...parts] as Array<Paper[] | EncodedPapers>; // its own: a part is replaced once decoded
    let length = 0;
    for (const part of this.parts) {
      this.starts.push(length);
      length += sizeOf(part);
    }
    this.length = length;
    this.decoded.catch(() => undefined); // a failure is for those who wait on it; none need to
    this.undecoded = this.parts.filter((part) => !Array.isArray(part)).length;
    if (!this.undecoded) this.settle();
  }

  static of(papers: readonly Paper[]): PaperShelf {
    return new PaperShelf([papers]);
  }

  get complete(): boolean {
    return this.undecoded === 0;
  }

  at(place: number): Paper | undefined {
    if (!(place >= 0 && place < this.length)) return undefined;
    const i = this.partOf(place);
    return this.decodePart(i)[place - this.starts[i]!];
  }

  /** Decodes every part left, a few milliseconds per turn (once, however often asked); settles with `decoded`. */
  decodeAll(): Promise<void> {
    if (!this.decoding && !this.complete) {
      this.decoding = true;
      void this.decodeInTurns(this.parts.keys());
    }
    return this.decoded;
  }

  /**
   * The papers at these places (those there are), decoding the parts they are in a few
   * milliseconds per turn: a technique of thousands of papers in the tree, say.
   */
  async papersAt(places: ArrayLike<number>): Promise<Paper[]> {
    const parts = new Set<number>();
    for (let i = 0; i < places.length; i++) if (places[i]! >= 0 && places[i]! < this.length) parts.add(this.partOf(places[i]!));
    await this.decodeInTurns(parts);
    const papers: Paper[] = [];
    for (let i = 0; i < places.length; i++) {
      const paper = this.at(places[i]!);
      if (paper) papers.push(paper);
    }
    return papers;
  }

  /** Decodes these parts (those not decoded yet) in slices (see inSlices), from the next turn on. */
  private async decodeInTurns(parts: Iterable<number>): Promise<void> {
    const left = [...parts].filter((i) => !Array.isArray(this.parts[i]));
    if (!left.length) return;
    await this.nextTurn();
    await inSlices(this.decodeSteps(left), this.nextTurn);
  }

  private *decodeSteps(parts: readonly number[]): Generator<void, void> {
    for (const i of parts) {
      this.decodePart(i);
      yield;
    }
  }

  /** Every paper, in order (decoding what is left at once: what can wait uses `decodeAll` first). */
  all(): readonly Paper[] {
    if (this.whole) return this.whole;
    if (this.parts.length === 1) return (this.whole = this.decodePart(0));
    const papers: Paper[] = [];
    for (let i = 0; i < this.parts.length; i++) for (const paper of this.decodePart(i)) papers.push(paper);
    return (this.whole = papers);
  }

  /**
   * A shelf with the papers at these places replaced (an edit's), sharing this one's other
   * parts, decoded or not: only the parts of the replaced papers are decoded (and copied).
   * A part that cannot be decoded is left as it is (its papers are missing from both).
   */
  replacing(changed: ReadonlyMap<number, Paper>): PaperShelf {
    const parts = [...this.parts];
    const copied = new Set<number>();
    for (const [place, paper] of changed) {
      const i = this.partOf(place);
      if (!copied.has(i)) {
        const papers = this.decodePart(i);
        if (papers.length !== sizeOf(parts[i]!)) continue;
        parts[i] = [...papers];
        copied.add(i);
      }
      const at = place - this.starts[i]!;
      (parts[i] as Paper[])[at] = paper;
    }
    const extraKeys = this.extraKeys && [
      ...this.extraKeys.filter(([place]) => !changed.has(place)),
      ...[...changed].filter(([, paper]) => paper.extraKeys.length).map(([place, paper]) => [place, paper.extraKeys] as const),
    ];
    return new PaperShelf(parts, extraKeys, this.nextTurn);
  }

  /** Each paper's extra keys with its place, for those that have any. */
  *placedExtraKeys(): Iterable<readonly [number, readonly string[]]> {
    if (this.extraKeys) {
      yield* this.extraKeys;
      return;
    }
    const papers = this.all();
    for (let place = 0; place < papers.length; place++) if (papers[place]!.extraKeys.length) yield [place, papers[place]!.extraKeys];
  }

  /** The last part that begins at or before the place. */
  private partOf(place: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.starts[middle]! <= place) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private decodePart(i: number): Paper[] {
    const part = this.parts[i]!;
    if (Array.isArray(part)) return part;
    let papers: Paper[];
    try {
      papers = part.decode();
      if (papers.length !== part.size) throw new Error(`a part of ${part.size} summaries decoded as ${papers.length}`);
    } catch (error) {
      // Its papers are not found (rather than the question asked throwing): the holder hears of it through `decoded`.
      papers = [];
      this.failed(error);
    }
    this.parts[i] = papers;
    if (--this.undecoded === 0) this.settle();
    return papers;
  }
}

function sizeOf(part: readonly Paper[] | EncodedPapers): number {
  return Array.isArray(part) ? part.length : (part as EncodedPapers).size;
}

/**
 * The papers of a library and the lookups that need no index: by key, and grouped for
 * the tree. The editor keeps one of these (the engine's papers, sent over from its
 * worker, perhaps still being decoded: see PaperShelf); the engine's Library adds search,
 * completion and note scanning.
 */
export class PaperCatalog {
  /** Each paper's place by its key. */
  private readonly placeOf: ReadonlyMap<string, number>;
  /** A key a paper had before (see Paper.extraKeys) and no paper has now: the place of the first such paper. */
  private readonly placeOfExtraKey = new Map<string, number>();
  protected readonly shelf: PaperShelf;
  private digestFiles: string[] | undefined;
  private byTechnique: Map<string, Paper[]> | undefined;

  /**
   * `placeOf`, each paper's place by its key, when the caller keeps one already: the editor
   * receives a library of 50,000 papers after every edit, and building this map anew held
   * its thread for 15-25 ms each time (86 ms once at a warm start).
   */
  constructor(
    papers: readonly Paper[] | PaperShelf,
    readonly problems: readonly Problem[],
    readonly taxonomy: Taxonomy,
    placeOf?: ReadonlyMap<string, number>,
  ) {
    this.shelf = papers instanceof PaperShelf ? papers : PaperShelf.of(papers);
    this.placeOf = placeOf ?? placesByKey(this.shelf.all());
    for (const [place, keys] of this.shelf.placedExtraKeys()) {
      for (const key of keys) if (!this.placeOf.has(key) && !this.placeOfExtraKey.has(key)) this.placeOfExtraKey.set(key, place);
    }
  }

  /** Every paper, in library order (in the editor, decoding any not decoded yet: see `whenDecoded`). */
  get papers(): readonly Paper[] {
    return this.shelf.all();
  }

  /** How many papers. */
  get size(): number {
    return this.shelf.length;
  }

  /**
   * Decodes every paper not decoded yet, a few milliseconds per turn, and resolves once they
   * all are: what needs them all waits for this rather than decode them at once.
   */
  whenDecoded(): Promise<void> {
    return this.shelf.decodeAll();
  }

  paper(key: string): Paper | undefined {
    const place = this.place(key);
    return place === undefined ? undefined : this.shelf.at(place);
  }

  /** The place of the paper with this key (or this key among its extra keys). */
  place(key: string): number | undefined {
    return this.placeOf.get(key) ?? this.placeOfExtraKey.get(key);
  }

  /** The papers at these places, their summaries decoded a few milliseconds per turn (see PaperShelf.papersAt). */
  papersAt(places: ArrayLike<number>): Promise<Paper[]> {
    return this.shelf.papersAt(places);
  }

  /** The file names of the digests papers were read from, lowercase. */
  protected digestNames(): string[] {
    return (this.digestFiles ??= digestFileNames(this.papers.flatMap((p) => p.sources.map((s) => s.path))));
  }

  /** Papers by technique id, in library order (one pass, kept). */
  papersByTechnique(): ReadonlyMap<string, readonly Paper[]> {
    this.byTechnique ??= new Map(groupBy(this.papers, (p) => p.techniques));
    return this.byTechnique;
  }

  /**
   * Every paper in a two-level grouping, for the tree: by technique (papers with none
   * under "Other", by year), by digest file (then year), or by year (then technique).
   * Papers newest first, or in library order with `sorted: false`.
   */
  paperTree(grouping: PaperGrouping, { sorted = true }: { sorted?: boolean } = {}): CategoryGroup[] {
    const order = (papers: Paper[]) => (sorted ? papers.sort(newestFirst) : papers);
    const yearOf = (p: Paper) => p.date?.slice(0, 4) ?? '';
    // Newest year first, undated last.
    const byYearDesc = (a: [string, unknown], b: [string, unknown]) => (a[0] === '' ? 1 : b[0] === '' ? -1 : a[0] < b[0] ? 1 : -1);
    const byYear = (papers: readonly Paper[], prefix: string, category: string): TechniqueGroup[] =>
      groupBy(papers, (p) => [yearOf(p)])
        .sort(byYearDesc)
        .map(([year, papers]) => ({ id: `${prefix}:${year}`, label: year || 'No date', category, papers: order(papers) }));
    if (grouping === 'technique') {
      const untagged = this.papers.filter((p) => p.techniques.length === 0);
      const other = untagged.length ? [{ id: OTHER, label: 'Other (no technique)', techniques: byYear(untagged, OTHER, OTHER) }] : [];
      return [...this.techniqueTree({ sorted }), ...other];
    }
    if (grouping === 'digest') {
      return groupBy(this.papers, (p) => [...new Set(p.sources.map((s) => s.path))]).map(([path, papers]) => {
        const id = `digest:${path}`;
        return { id, label: path.split(/[\\/]/).pop() || path, techniques: byYear(papers, id, id) };
      });
    }
    const labels = new Map(this.taxonomy.techniques.map((t, i) => [t.id, { label: t.label, rank: i }]));
    return groupBy(this.papers, (p) => [yearOf(p)])
      .sort(byYearDesc)
      .map(([year, papers]) => {
        const id = `year:${year}`;
        const techniques = groupBy(papers, (p) => (p.techniques.length ? p.techniques : [OTHER]))
          .sort((a, b) => (labels.get(a[0])?.rank ?? Infinity) - (labels.get(b[0])?.rank ?? Infinity))
          .map(([technique, members]) => ({ id: `${id}:${technique}`, label: labels.get(technique)?.label ?? 'Other', category: id, papers: order(members) }));
        return { id, label: year || 'No date', techniques };
      });
  }

  /**
   * Categories → techniques → papers, leaving out empty techniques; papers newest
   * first, or in library order with `sorted: false` (Library.placedTree sorts them
   * in the order the view asks for).
   */
  techniqueTree({ sorted = true }: { sorted?: boolean } = {}): CategoryGroup[] {
    const byTechnique = this.papersByTechnique();
    return this.taxonomy.categories
      .map((category) => ({
        id: category.id,
        label: category.label,
        techniques: this.taxonomy.techniques
          .filter((t) => t.category === category.id && byTechnique.has(t.id))
          .map((t) => {
            const papers = byTechnique.get(t.id) as Paper[];
            return { id: t.id, label: t.label, category: t.category, papers: sorted ? [...papers].sort(newestFirst) : papers };
          }),
      }))
      .filter((c) => c.techniques.length > 0);
  }
}

/** The file names of digests at these paths, lowercase, each once (what a `digest:` filter matches). */
export function digestFileNames(paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => fileName(path).toLowerCase()))];
}

function placesByKey(papers: readonly Paper[]): Map<string, number> {
  const places = new Map<string, number>();
  papers.forEach((paper, place) => places.set(paper.key, place));
  return places;
}

export type PaperGrouping = 'technique' | 'digest' | 'year';
export const PAPER_GROUPINGS: readonly PaperGrouping[] = ['technique', 'digest', 'year'];

export type PaperSort = 'date' | 'upvotes' | 'title';
const byTitle = (a: Paper, b: Paper) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);
// One collator: localeCompare with options makes one per call (seconds over 50,000 papers).
const nameCollator = new Intl.Collator(undefined, { sensitivity: 'base' });
/** How the tree orders a technique's papers: newest first, most upvoted first, or by name. */
export const PAPER_ORDERS: Record<PaperSort, (a: Paper, b: Paper) => number> = {
  date: newestFirst,
  upvotes: (a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || byTitle(a, b),
  title: (a, b) => nameCollator.compare(a.shortName ?? a.title, b.shortName ?? b.title),
};
const OTHER = 'other';

/** Items grouped by keys (an item under each of its keys), groups in order of first appearance. */
function groupBy<T>(items: readonly T[], keys: (item: T) => string[]): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keys(item)) {
      const list = groups.get(key);
      if (list) list.push(item);
      else groups.set(key, [item]);
    }
  }
  return [...groups];
}

