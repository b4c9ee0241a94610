import { isPandocKey } from '../citationKeys';
import { ParseResult, Paper, Problem, newPaper } from '../model';
import { extractLinks } from '../text';
import { Steps } from '../steps';
import { readJsonElements } from './json';

/** CSL-JSON (what Zotero, Better BibTeX and pandoc exchange): an array of items. */

interface CslName {
  family?: unknown;
  given?: unknown;
  literal?: unknown;
}

export function isCslItem(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  return 'id' in o && ('type' in o || 'issued' in o || 'citation-key' in o || Array.isArray(o.author));
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export function* parseCslJsonSteps(text: string, path: string): Steps<ParseResult> {
  const problems: Problem[] = [];
  const papers: Paper[] = [];
  const seen = new Map<string, number>();
  for (const { value, line } of (yield* readJsonElements(text, path, problems))) {
    if (!value || typeof value !== 'object') {
      problems.push({ path, line, severity: 'warning', message: `Entry at line ${line + 1} is not a CSL item; skipped.` });
      continue;
    }
    const item = value as Record<string, unknown>;
    const title = typeof item.title === 'string' ? oneLine(item.title) : '';
    if (!title) {
      problems.push({ path, line, severity: 'warning', message: `Item at line ${line + 1} has no title; skipped.` });
      continue;
    }
    const key = citationKey(item);
    if (key && seen.has(key)) {
      problems.push({ path, line, severity: 'warning', message: `Duplicate citation key "${key}" at line ${line + 1} (first at line ${seen.get(key)! + 1}); skipped.` });
      continue;
    }
    if (key) seen.set(key, line);
    const authors = Array.isArray(item.author) ? (item.author as CslName[]).map(nameOf).filter(Boolean) : [];
    const abstract = typeof item.abstract === 'string' ? oneLine(item.abstract) : '';
    const doi = typeof item.DOI === 'string' ? item.DOI.trim() : null;
    const url = typeof item.URL === 'string' && /^https?:\/\//.test(item.URL) ? item.URL : doi ? `https://doi.org/${doi}` : null;
    papers.push(
      newPaper(title, { path, line }, {
        key: key ?? '',
        abstract,
        authors,
        authorCount: authors.length || null,
        date: issuedDate(item.issued),
        doi,
        url,
        links: extractLinks(abstract),
        arxivId: arxivIdOf(item),
      }),
    );
    if (papers.length % 200 === 0) yield;
  }
  return { papers, problems };
}

function citationKey(item: Record<string, unknown>): string | null {
  for (const candidate of [item['citation-key'], item.id]) {
    if (typeof candidate === 'string' && isPandocKey(candidate)) return candidate;
  }
  return null;
}

function nameOf(name: CslName): string {
  if (typeof name.literal === 'string') return oneLine(name.literal);
  return [name.given, name.family].filter((p): p is string => typeof p === 'string').map(oneLine).join(' ');
}

function issuedDate(issued: unknown): string | null {
  if (!issued || typeof issued !== 'object') return null;
  const parts = (issued as { 'date-parts'?: unknown })['date-parts'];
  if (Array.isArray(parts) && Array.isArray(parts[0])) {
    const [y, m, d] = (parts[0] as unknown[]).map((n) => Number(n));
    if (!y || !Number.isInteger(y)) return null;
    return [String(y).padStart(4, '0'), m ? String(m).padStart(2, '0') : null, m && d ? String(d).padStart(2, '0') : null].filter(Boolean).join('-');
  }
  const raw = (issued as { raw?: unknown }).raw;
  return typeof raw === 'string' && /^\d{4}(-\d{2}){0,2}$/.test(raw.trim()) ? raw.trim() : null;
}

function arxivIdOf(item: Record<string, unknown>): string | null {
  for (const field of [item.URL, item.number, item.note]) {
    if (typeof field !== 'string') continue;
    const m = /arxiv\.org\/(?:abs|pdf)\/(\d{4}\.\d{4,5})|arXiv:(\d{4}\.\d{4,5})/i.exec(field);
    if (m) return m[1] ?? m[2]!;
  }
  return null;
}
