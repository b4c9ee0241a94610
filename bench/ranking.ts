/**
 * Search quality on real papers: known-item queries made from the papers of
 * ../shared/corpus/hf-daily-papers-dev.json (and the bundled page), typed letter by
 * letter, ranked by Paper Digest and by MiniSearch with ordinary tuning in the same
 * run. Half of the papers (by a hash of their id) are for tuning; the report gives the
 * other half. Used by `npm run bench` and by hand while tuning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { Library } from '../src/core/library';
import { Paper } from '../src/core/model';
import { tokenize } from '../src/core/words';
import { random } from './generate';

export type QueryKind = 'title' | 'abstract' | 'name' | 'author';

export interface KnownItemQuery {
  kind: QueryKind;
  query: string;
  /** The paper the query was made from: the one a person means. */
  id: string;
}

export type Ranker = (query: string) => string[];

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Whether a paper is one the ranking may be tuned on (half of them), or one to report on. */
export function isTuningPaper(paper: Paper): boolean {
  return hash(paper.id) % 2 === 0;
}

const WORD = /^[a-z][a-z-]*$/;

/**
 * Known-item queries as people type them: two distinctive words of the title, three
 * words remembered from the abstract (not in the title), the paper's name, an author's
 * family name with a title word. At most `perKind` of each, from the given papers.
 */
export function knownItemQueries(library: Library, papers: readonly Paper[], perKind = 150, seed = 7): KnownItemQuery[] {
  const next = random(seed);
  const titleFrequency = new Map<string, number>();
  for (const p of library.papers) for (const w of new Set(tokenize(p.title))) titleFrequency.set(w, (titleFrequency.get(w) ?? 0) + 1);
  const n = library.papers.length;
  const shuffled = [...papers].sort(() => next() - 0.5);
  const out: KnownItemQuery[] = [];
  const counts: Record<QueryKind, number> = { title: 0, abstract: 0, name: 0, author: 0 };
  const add = (kind: QueryKind, query: string, paper: Paper) => {
    if (counts[kind] >= perKind || !query.trim()) return;
    counts[kind]++;
    out.push({ kind, query, id: paper.id });
  };
  for (const paper of shuffled) {
    const titleWords = [...new Set(tokenize(paper.title))].filter((w) => w.length >= 4 && WORD.test(w));
    if (titleWords.length >= 2) {
      const distinctive = [...titleWords].sort((a, b) => (titleFrequency.get(a) ?? 0) - (titleFrequency.get(b) ?? 0)).slice(0, 2);
      add('title', titleWords.filter((w) => distinctive.includes(w)).join(' '), paper);
    }
    const inTitle = new Set(tokenize(paper.title));
    const remembered = [...new Set(tokenize(paper.abstract))].filter((w) => w.length >= 5 && WORD.test(w) && !inTitle.has(w)).filter((w) => {
      const df = library.documentFrequency(w);
      return df >= 2 && df <= n * 0.02;
    });
    if (remembered.length >= 3) {
      const picked = [...remembered].sort(() => next() - 0.5).slice(0, 3);
      add('abstract', picked.join(' '), paper);
    }
    if (paper.shortName && paper.shortName.length >= 3) add('name', paper.shortName.toLowerCase(), paper);
    const author = paper.authors[Math.floor(next() * paper.authors.length)];
    const family = author?.split(/\s+/).pop()?.toLowerCase();
    if (family && family.length >= 3 && WORD.test(family) && titleWords.length) add('author', `${family} ${titleWords[Math.floor(next() * titleWords.length)]}`, paper);
  }
  return out;
}

/** The query with its last word cut to half its letters (at least one), as while typing it. */
export function halfTyped(query: string): string {
  const words = query.split(' ');
  const last = words.pop()!;
  return [...words, last.slice(0, Math.max(1, Math.ceil(last.length / 2)))].join(' ');
}

export interface Quality {
  queries: number;
  mrr: number;
  top1: number;
  top10: number;
  /** The share of queries whose paper is in the first ten while the last word is half typed. */
  top10HalfTyped: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function quality(queries: readonly KnownItemQuery[], rank: Ranker): Quality {
  let rr = 0;
  let top1 = 0;
  let top10 = 0;
  let half = 0;
  for (const q of queries) {
    const at = rank(q.query).indexOf(q.id);
    if (at >= 0) rr += 1 / (at + 1);
    if (at === 0) top1++;
    if (at >= 0 && at < 10) top10++;
    const halfAt = rank(halfTyped(q.query)).indexOf(q.id);
    if (halfAt >= 0 && halfAt < 10) half++;
  }
  const count = Math.max(1, queries.length);
  return { queries: queries.length, mrr: round3(rr / count), top1: round3(top1 / count), top10: round3(top10 / count), top10HalfTyped: round3(half / count) };
}

/**
 * MiniSearch as a developer would tune it for this: title, abstract, authors, names
 * and key indexed; title and names boosted; every word required (AND); the last word
 * a prefix from three letters, typos forgiven from five.
 */
export function tunedMiniSearch(papers: readonly Paper[]): { search: (query: string, limit?: number) => string[]; miniSearch: MiniSearch } {
  const miniSearch = new MiniSearch({
    fields: ['title', 'abstract', 'authors', 'names', 'key'],
    storeFields: [],
  });
  miniSearch.addAll(papers.map((p) => ({ id: p.id, title: p.title, abstract: p.abstract, authors: p.authors.join(' '), names: [p.shortName, ...p.aliases].filter(Boolean).join(' '), key: p.key })));
  const search = (query: string, limit = 50) =>
    miniSearch
      .search(query, {
        boost: { title: 2, names: 3, key: 3 },
        combineWith: 'AND',
        prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
        fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
      })
      .slice(0, limit)
      .map((r) => r.id as string);
  return { search, miniSearch };
}

/** The real library the quality is measured on: the corpus and the bundled page; undefined where the corpus is absent. */
export function realLibrary(root: string): Library | undefined {
  const corpus = join(root, '..', 'shared', 'corpus', 'hf-daily-papers-dev.json');
  if (!existsSync(corpus)) return undefined;
  const seedPath = join(root, 'media', 'digests', 'daily-papers-parameter-count.txt');
  return Library.fromDigests([
    { path: corpus, text: readFileSync(corpus, 'utf8') },
    { path: seedPath, text: readFileSync(seedPath, 'utf8') },
  ]);
}

/** Both rankers over the real library, on the papers not tuned on (or on the tuning half). */
export function compareRanking(library: Library, split: 'report' | 'tune' = 'report') {
  const papers = library.papers.filter((p) => isTuningPaper(p) === (split === 'tune'));
  const queries = knownItemQueries(library, papers);
  const ours: Ranker = (q) => library.search(q, { limit: 50 }).map((h) => h.paper.id);
  const { search: theirs } = tunedMiniSearch(library.papers);
  const byKind: Record<string, { paperDigest: Quality; tunedMiniSearch: Quality }> = {};
  for (const kind of ['title', 'abstract', 'name', 'author'] as const) {
    const some = queries.filter((q) => q.kind === kind);
    byKind[kind] = { paperDigest: quality(some, ours), tunedMiniSearch: quality(some, (q) => theirs(q)) };
  }
  return { papers: library.papers.length, split, queries: queries.length, byKind };
}
