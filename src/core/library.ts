import { assignCitationKeys } from './citationKeys';
import { parseDigest } from './digest';
import { MentionMatcher } from './mentions';
import { Paper, ParseResult, Problem } from './model';
import { extractNames } from './names';
import { NoteScan, scanNote } from './noteScanner';
import { SearchHit, SearchIndex, SearchOptions } from './searchIndex';
import { Taxonomy, defaultTaxonomy } from './techniques';

export interface DigestSource {
  path: string;
  text: string;
}

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
 * Every paper of the user's digests, with names, keys and techniques filled in,
 * and the lookups the editor needs on every keystroke and mouse move. Immutable:
 * a changed digest gives a new Library.
 */
export class Library {
  readonly papers: readonly Paper[];
  readonly problems: readonly Problem[];
  readonly taxonomy: Taxonomy;
  private readonly byKey = new Map<string, Paper>();
  private searchIndex: SearchIndex | undefined;
  private mentionMatcher: MentionMatcher | undefined;

  constructor(results: readonly ParseResult[], taxonomy: Taxonomy = defaultTaxonomy) {
    this.taxonomy = taxonomy;
    const papers = results.flatMap((r) => r.papers);
    this.problems = results.flatMap((r) => r.problems);
    nameAndClassify(papers, taxonomy);
    assignCitationKeys(papers);
    for (const paper of papers) this.byKey.set(paper.key, paper);
    this.papers = papers;
  }

  static fromDigests(sources: readonly DigestSource[], taxonomy?: Taxonomy): Library {
    return new Library(
      sources.map((s) => parseDigest(s.text, s.path)),
      taxonomy,
    );
  }

  paper(key: string): Paper | undefined {
    return this.byKey.get(key);
  }

  search(query: string, options?: SearchOptions): SearchHit[] {
    this.searchIndex ??= new SearchIndex(this.papers, (id) => this.taxonomy.technique(id)?.label ?? id);
    return this.searchIndex.search(query, options);
  }

  /** Citations and paper mentions in a Markdown note. */
  scanNote(markdown: string): NoteScan {
    this.mentionMatcher ??= new MentionMatcher(this.papers);
    return scanNote(markdown, { mentions: this.mentionMatcher, isKnownKey: (key) => this.byKey.has(key) });
  }

  /** Categories → techniques → papers (newest first), leaving out empty techniques. */
  techniqueTree(): CategoryGroup[] {
    const byTechnique = new Map<string, Paper[]>();
    for (const paper of this.papers) {
      for (const id of paper.techniques) {
        const list = byTechnique.get(id) ?? [];
        list.push(paper);
        byTechnique.set(id, list);
      }
    }
    return this.taxonomy.categories
      .map((category) => ({
        id: category.id,
        label: category.label,
        techniques: this.taxonomy.techniques
          .filter((t) => t.category === category.id && byTechnique.has(t.id))
          .map((t) => ({
            id: t.id,
            label: t.label,
            category: t.category,
            papers: [...byTechnique.get(t.id)!].sort(newestFirst),
          })),
      }))
      .filter((c) => c.techniques.length > 0);
  }
}

export function newestFirst(a: Paper, b: Paper): number {
  return (b.date ?? '').localeCompare(a.date ?? '') || a.title.localeCompare(b.title);
}

/**
 * Fills in names (dropping any name two papers share, since it would not say
 * which paper is meant) and techniques.
 */
function nameAndClassify(papers: Paper[], taxonomy: Taxonomy): void {
  const names = papers.map((p) => {
    const found = p.shortName === null && p.aliases.length === 0 ? extractNames(p.title, p.abstract) : p;
    return [found.shortName, ...found.aliases].filter((n): n is string => !!n);
  });
  const uses = new Map<string, number>();
  for (const list of names) for (const n of new Set(list.map((x) => x.toLowerCase()))) uses.set(n, (uses.get(n) ?? 0) + 1);
  papers.forEach((paper, i) => {
    const unique = names[i]!.filter((n) => uses.get(n.toLowerCase()) === 1);
    paper.shortName = unique.find((n) => !n.includes(' ')) ?? unique[0] ?? null;
    paper.aliases = unique.filter((n) => n !== paper.shortName);
    if (paper.techniques.length === 0) paper.techniques = taxonomy.classify(paper.title, paper.abstract);
  });
}
