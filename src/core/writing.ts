import { formatReferenceMarkdown } from './citationFormat';
import { Library } from './library';
import { Paper } from './model';
import { NoteScan } from './noteScanner';
import { LineIndex } from './positions';
import { tokenize } from './searchIndex';
import { editDistance } from './termIndex';
import { asciiFold } from './text';

/** Helpers for writing notes: unknown keys and their fixes, a References section, similar papers. */

/** The papers a mistyped or unknown key most likely meant, best first. */
export function closestPapers(library: Library, key: string, limit = 3): Paper[] {
  const folded = asciiFold(key);
  const candidates = new Map<string, Paper>();
  for (const p of library.completions(folded.slice(0, 3), 50)) candidates.set(p.key, p);
  for (const hit of library.search(key.replace(/[^\p{L}\p{N}]+/gu, ' ').replace(/(\d+)/g, ' $1'), { limit: 20, prefix: false })) candidates.set(hit.paper.key, hit.paper);
  const distance = (p: Paper) => editDistance(folded, p.key, Math.max(folded.length, p.key.length));
  return [...candidates.values()].sort((a, b) => distance(a) - distance(b)).slice(0, limit);
}

/** Citation keys of the note in the order they are first cited, each once. */
export function citedKeys(scan: NoteScan): string[] {
  return [...new Set(scan.citations.map((c) => c.key))];
}

const REFERENCES_HEADING = /^##\s+References\s*$/m;

/**
 * The note with a `## References` section at its end listing every cited paper the
 * library (or the note's scope) knows, in citation order. Running it again on its own output changes nothing.
 * Returns null when there is nothing to list and no section to update.
 */
export function withReferencesSection(markdown: string, scan: NoteScan, library: Pick<Library, 'paper'>): string | null {
  const eol = markdown.includes('\r\n') ? '\r\n' : '\n';
  const papers = citedKeys(scan)
    .map((k) => library.paper(k))
    .filter((p): p is Paper => !!p);
  const heading = REFERENCES_HEADING.exec(markdown);
  if (!heading && papers.length === 0) return null;
  // The section runs from its heading to the next heading of the same or a higher level.
  let before = markdown;
  let after = '';
  if (heading) {
    before = markdown.slice(0, heading.index);
    const rest = markdown.slice(heading.index + heading[0].length);
    const next = /^#{1,2}\s/m.exec(rest);
    after = next ? rest.slice(next.index) : '';
  }
  // The comment names the key without citing it again.
  const lines = papers.map((p, i) => `${i + 1}. ${formatReferenceMarkdown(p)} <!-- @${p.key} -->`);
  const section = ['## References', '', ...lines].join(eol);
  const head = before.replace(/\s+$/, '');
  const tail = after ? `${eol}${eol}${after.replace(/^\s+/, '')}` : eol;
  return `${head}${head ? `${eol}${eol}` : ''}${section}${tail}`;
}

export interface SimilarPaper {
  paper: Paper;
  score: number;
  /** Why: shared techniques and the most telling shared words. */
  reason: string;
}

/**
 * Papers closest to `paper` by what their abstracts and techniques say: the paper's
 * most distinctive words (tf-idf) as a query, re-ranked by shared techniques.
 */
export function similarPapers(library: Library, paper: Paper, limit = 10): SimilarPaper[] {
  const counts = new Map<string, number>();
  for (const term of tokenize(`${paper.title} ${paper.abstract}`)) if (term.length > 2 && !/^\d+$/.test(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
  const n = Math.max(library.papers.length, 1);
  const weighted = [...counts]
    .map(([term, tf]) => [term, tf * Math.log(1 + n / (1 + library.documentFrequency(term)))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  const distinctive = weighted.map(([t]) => t);
  const hits = library.search(distinctive.join(' '), { prefix: false, limit: limit * 4 });
  const techniques = new Set(paper.techniques);
  return hits
    .filter((h) => h.paper.key !== paper.key)
    .map((h) => {
      const sharedTechniques = h.paper.techniques.filter((t) => techniques.has(t));
      const sharedWords = distinctive.filter((t) => h.matchedTerms.includes(t)).slice(0, 4);
      const score = h.score * (1 + 0.5 * sharedTechniques.length);
      const labels = sharedTechniques.map((t) => library.taxonomy.technique(t)?.label ?? t);
      const reason = [labels.length ? `both ${labels.join(', ')}` : '', sharedWords.length ? `shared terms: ${sharedWords.join(', ')}` : ''].filter(Boolean).join('; ');
      return { paper: h.paper, score, reason };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** The 0-based line of each paper's References entry in a note, for tests and navigation. */
export function referenceLines(markdown: string): number[] {
  const lines = new LineIndex(markdown);
  const found: number[] = [];
  for (const m of markdown.matchAll(/^\d+\. .*<!-- @[^>]+ -->$/gm)) found.push(lines.position(m.index).line);
  return found;
}
