import MiniSearch, { SearchResult as MiniSearchResult } from 'minisearch';
import { Paper } from './model';
import { asciiFold } from './text';

/**
 * Full-text search over the library. Built for as-you-type use: prefix matching
 * only on the word being typed, typo tolerance only on words long enough to
 * carry it, and boosts so that a paper's own name or key ranks it first.
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
}

const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or our that the their this to via we with'.split(' '),
);

const FIELDS = ['key', 'name', 'title', 'authors', 'techniques', 'abstract'] as const;
type Field = (typeof FIELDS)[number];
const BOOST: Record<Field, number> = { key: 8, name: 6, title: 3, authors: 2, techniques: 1.5, abstract: 1 };

type IndexedDocument = Record<Field, string> & { id: number };

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return lower.length === 0 || STOP_WORDS.has(lower) ? null : lower;
}

/** A paper's names, each also folded ("LD-Pruner" is found by "ldpruner" and "pruner"). */
function nameText(paper: Paper): string {
  const names = [paper.shortName, ...paper.aliases].filter((n): n is string => !!n);
  return names.flatMap((n) => (asciiFold(n) === n.toLowerCase() ? [n] : [n, asciiFold(n)])).join(' ');
}

export class SearchIndex {
  private readonly miniSearch: MiniSearch<IndexedDocument>;
  /** Folded short names by document id, for the exact-name boost. */
  private readonly foldedNames: string[];

  constructor(
    private readonly papers: readonly Paper[],
    techniqueLabel: (id: string) => string = (id) => id,
  ) {
    this.foldedNames = papers.map((p) => (p.shortName ? asciiFold(p.shortName) : ''));
    this.miniSearch = new MiniSearch<IndexedDocument>({
      fields: [...FIELDS],
      storeFields: [],
      processTerm,
      searchOptions: { processTerm },
    });
    this.miniSearch.addAll(
      papers.map((paper, id) => ({
        id,
        key: paper.key,
        name: nameText(paper),
        title: paper.title,
        authors: paper.authors.join(' ') + (paper.organization ? ` ${paper.organization}` : ''),
        techniques: paper.techniques.map((t) => `${t} ${techniqueLabel(t)}`).join(' '),
        abstract: paper.abstract,
      })),
    );
  }

  get size(): number {
    return this.miniSearch.documentCount;
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const trimmed = query.trim();
    if (!trimmed) return [];
    const typing = options.prefix ?? true;
    const folded = asciiFold(trimmed);
    const results = this.miniSearch.search(trimmed, {
      boost: BOOST,
      // Only the word under the cursor is unfinished; prefix-expanding every word
      // would flood the ranking with unrelated papers.
      prefix: (_term, i, terms) => typing && i === terms.length - 1,
      fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
      maxFuzzy: 2,
      weights: { fuzzy: 0.45, prefix: 0.6 },
      combineWith: 'OR',
      boostDocument: (id) => this.exactNameBoost(id as number, folded),
    });
    return results.slice(0, options.limit ?? 50).map((r: MiniSearchResult) => ({
      paper: this.papers[r.id as number]!,
      score: r.score,
      queryTerms: r.queryTerms,
      matchedTerms: r.terms,
    }));
  }

  /** A query that is exactly a paper's key or name puts that paper on top. */
  private exactNameBoost(id: number, foldedQuery: string): number {
    if (this.papers[id]?.key === foldedQuery) return 10;
    if (this.foldedNames[id] === foldedQuery) return 5;
    return 1;
  }
}
