import MiniSearch, { AsPlainObject, SearchResult as MiniSearchResult } from 'minisearch';
import { Paper } from './model';
import { asciiFold } from './text';

/**
 * Full-text search over the library. Built for as-you-type use: prefix matching
 * only on the word being typed, typo tolerance only on words long enough to
 * carry it, and boosts so that a paper's own name or key ranks it first.
 * Documents are keyed by the paper's stable id, so a changed digest re-indexes
 * only the papers that changed (`sync`).
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

export interface SyncCounts {
  added: number;
  removed: number;
  updated: number;
}

const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or our that the their this to via we with'.split(' '),
);

const FIELDS = ['key', 'name', 'title', 'authors', 'techniques', 'abstract'] as const;
type Field = (typeof FIELDS)[number];
const BOOST: Record<Field, number> = { key: 8, name: 6, title: 3, authors: 2, techniques: 1.5, abstract: 1 };

type IndexedDocument = Record<Field, string> & { id: string };

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return lower.length === 0 || STOP_WORDS.has(lower) ? null : lower;
}

const OPTIONS = { fields: [...FIELDS], storeFields: [], processTerm, searchOptions: { processTerm } };

/** A paper's names, each also folded ("LD-Pruner" is found by "ldpruner" and "pruner"). */
function nameText(paper: Paper): string {
  const names = [paper.shortName, ...paper.aliases].filter((n): n is string => !!n);
  return names.flatMap((n) => (asciiFold(n) === n.toLowerCase() ? [n] : [n, asciiFold(n)])).join(' ');
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

export class SearchIndex {
  private readonly miniSearch: MiniSearch<IndexedDocument>;
  private readonly papers = new Map<string, { paper: Paper; foldedName: string }>();

  constructor(
    private readonly techniqueLabel: (id: string) => string = (id) => id,
    saved?: AsPlainObject,
  ) {
    this.miniSearch = saved ? MiniSearch.loadJS<IndexedDocument>(saved, OPTIONS) : new MiniSearch<IndexedDocument>(OPTIONS);
  }

  get size(): number {
    return this.miniSearch.documentCount;
  }

  /** Makes the index describe exactly `papers`, touching only those that changed. */
  sync(papers: readonly Paper[]): SyncCounts {
    const counts: SyncCounts = { added: 0, removed: 0, updated: 0 };
    const next = new Set<string>();
    const toAdd: IndexedDocument[] = [];
    for (const paper of papers) {
      next.add(paper.id);
      const previous = this.papers.get(paper.id);
      const foldedName = paper.shortName ? asciiFold(paper.shortName) : '';
      if (previous && sameDocument(previous.paper, paper)) {
        previous.paper = paper;
        continue;
      }
      if (previous) {
        this.miniSearch.discard(paper.id);
        counts.updated++;
      } else counts.added++;
      this.papers.set(paper.id, { paper, foldedName });
      toAdd.push(this.document(paper));
    }
    for (const id of [...this.papers.keys()]) {
      if (next.has(id)) continue;
      this.papers.delete(id);
      this.miniSearch.discard(id);
      counts.removed++;
    }
    this.miniSearch.addAll(toAdd);
    return counts;
  }

  /** After loading a saved index: the papers it describes, without indexing them again. */
  adopt(papers: readonly Paper[]): void {
    for (const paper of papers) this.papers.set(paper.id, { paper, foldedName: paper.shortName ? asciiFold(paper.shortName) : '' });
  }

  toJSON(): AsPlainObject {
    return this.miniSearch.toJSON();
  }

  private document(paper: Paper): IndexedDocument {
    return {
      id: paper.id,
      key: paper.key,
      name: nameText(paper),
      title: paper.title,
      authors: paper.authors.join(' ') + (paper.organization ? ` ${paper.organization}` : ''),
      techniques: paper.techniques.map((t) => `${t} ${this.techniqueLabel(t)}`).join(' '),
      abstract: paper.abstract,
    };
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
      boostDocument: (id) => this.exactNameBoost(id as string, folded),
    });
    const hits: SearchHit[] = [];
    for (const r of results) {
      const entry = this.papers.get(r.id as string);
      if (!entry) continue;
      hits.push({ paper: entry.paper, score: r.score, queryTerms: r.queryTerms, matchedTerms: r.terms });
      if (hits.length >= (options.limit ?? 50)) break;
    }
    return hits;
  }

  /** A query that is exactly a paper's key or name puts that paper on top. */
  private exactNameBoost(id: string, foldedQuery: string): number {
    const entry = this.papers.get(id);
    if (!entry) return 1;
    if (entry.paper.key === foldedQuery) return 10;
    if (entry.foldedName === foldedQuery) return 5;
    return 1;
  }
}

export type { MiniSearchResult };
