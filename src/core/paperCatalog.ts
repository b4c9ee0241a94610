import { Paper, Problem, newestFirst } from './model';
import { Taxonomy } from './techniques';
import { fileName } from './text';

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

/**
 * The papers of a library and the lookups that need no index: by key, and grouped for
 * the tree. The editor keeps one of these (the engine's papers, sent over from its
 * worker); the engine's Library adds search, completion and note scanning.
 */
export class PaperCatalog {
  /** Each paper's place in `papers` by its key. */
  private readonly placeOf: ReadonlyMap<string, number>;
  /** A key a paper had before (see Paper.extraKeys) and no paper has now: the first such paper. */
  private readonly byExtraKey = new Map<string, Paper>();
  private digestFiles: string[] | undefined;
  private byTechnique: Map<string, Paper[]> | undefined;

  /**
   * `placeOf`, each paper's place by its key, when the caller keeps one already: the editor
   * receives a library of 50,000 papers after every edit, and building this map anew held
   * its thread for 15-25 ms each time (86 ms once at a warm start).
   */
  constructor(
    readonly papers: readonly Paper[],
    readonly problems: readonly Problem[],
    readonly taxonomy: Taxonomy,
    placeOf?: ReadonlyMap<string, number>,
  ) {
    this.placeOf = placeOf ?? placesByKey(papers);
    for (const paper of papers) {
      for (const key of paper.extraKeys) if (!this.placeOf.has(key) && !this.byExtraKey.has(key)) this.byExtraKey.set(key, paper);
    }
  }

  paper(key: string): Paper | undefined {
    const place = this.placeOf.get(key);
    return place === undefined ? this.byExtraKey.get(key) : this.papers[place];
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
   * first, or in library order with `sorted: false` (the editor's tree sorts a
   * technique only when it is expanded).
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

