import { PapersRead, ParseResult, Paper, Problem, newPaper } from '../model';
import { extractLinks, keywordList, latexToText } from '../text';
import { elementName, readJsonElements } from './json';

/**
 * Hugging Face API JSON: an array of `daily_papers` objects (`{paper: {...}, ...}`),
 * or of bare paper objects (`{id, title, summary, ...}`), as `papers/search` and the
 * daily_papers endpoint return them. Titles and summaries keep hard line breaks there.
 */

interface HfAuthor {
  name?: unknown;
}

interface HfPaper {
  id?: unknown;
  title?: unknown;
  summary?: unknown;
  authors?: unknown;
  publishedAt?: unknown;
  upvotes?: unknown;
  githubRepo?: unknown;
  projectPage?: unknown;
  organization?: unknown;
  ai_keywords?: unknown;
  /** Not Hugging Face's: papers added from arXiv or a DOI carry these. */
  doi?: unknown;
  url?: unknown;
}

export function isHfPaperObject(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  if (o.paper && typeof o.paper === 'object') return true;
  return 'summary' in o && 'title' in o;
}

/** One line, LaTeX as a reader writes it (Hugging Face shows titles and summaries as authors typed them). */
const oneLine = (text: string) => latexToText(text.replace(/\s+/g, ' ').trim());
const ARXIV_ID = /^\d{4}\.\d{4,5}(v\d+)?$|^[a-z-]+(\.[A-Z]{2})?\/\d{7}$/;

export function parseHfJson(text: string, path: string, read?: PapersRead): ParseResult {
  const problems: Problem[] = [];
  const papers: Paper[] = [];
  const elements = readJsonElements(text, path, problems);
  for (const [index, { value, line }] of elements.entries()) {
    const paper = toPaper(value, path, line, index, problems);
    if (!paper) continue;
    papers.push(paper);
    read?.(papers);
  }
  return { papers, problems };
}

function toPaper(value: unknown, path: string, line: number, index: number, problems: Problem[]): Paper | null {
  if (!value || typeof value !== 'object') {
    problems.push({ path, line, severity: 'warning', message: `${elementName(index, line)} is not a paper object; skipped.` });
    return null;
  }
  const outer = value as Record<string, unknown>;
  const p = (outer.paper && typeof outer.paper === 'object' ? outer.paper : outer) as HfPaper;
  const title = typeof p.title === 'string' ? oneLine(p.title) : typeof outer.title === 'string' ? oneLine(outer.title) : '';
  if (!title) {
    problems.push({ path, line, severity: 'warning', message: `${elementName(index, line)} has no title; skipped.` });
    return null;
  }
  const abstract = typeof p.summary === 'string' ? oneLine(p.summary) : typeof outer.summary === 'string' ? oneLine(outer.summary) : '';
  const id = typeof p.id === 'string' ? p.id.trim() : null;
  const arxivId = id && ARXIV_ID.test(id) ? id.replace(/v\d+$/, '') : null;
  const doi = typeof p.doi === 'string' && /^10\.\d{4,9}\//.test(p.doi.trim()) ? p.doi.trim() : null;
  const authors = Array.isArray(p.authors)
    ? (p.authors as HfAuthor[]).map((a) => (typeof a?.name === 'string' ? oneLine(a.name) : '')).filter(Boolean)
    : [];
  const date = typeof p.publishedAt === 'string' && /^\d{4}-\d{2}-\d{2}/.test(p.publishedAt) ? p.publishedAt.slice(0, 10) : null;
  if (typeof p.publishedAt === 'string' && !date) {
    problems.push({ path, line, severity: 'warning', message: `Paper "${title.slice(0, 60)}" (line ${line + 1}) has an unreadable date "${p.publishedAt.slice(0, 40)}".` });
  }
  const organization = organizationName(p.organization) ?? organizationName(outer.organization);
  const links = [
    ...[p.githubRepo, p.projectPage].filter((l): l is string => typeof l === 'string' && /^https?:\/\//.test(l)),
    ...extractLinks(abstract),
  ];
  return newPaper(title, { path, line }, {
    abstract,
    authors,
    authorCount: authors.length || null,
    organization,
    keywords: keywordList(p.ai_keywords),
    date,
    upvotes: typeof p.upvotes === 'number' && Number.isFinite(p.upvotes) ? p.upvotes : 0,
    links: [...new Set(links)],
    arxivId,
    doi,
    url: arxivId
      ? `https://arxiv.org/abs/${arxivId}`
      : typeof p.url === 'string' && /^https?:\/\//.test(p.url)
        ? p.url
        : id && !doi
          ? `https://huggingface.co/papers/${encodeURIComponent(id)}`
          : null,
  });
}

function organizationName(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const o = value as Record<string, unknown>;
  const name = typeof o.fullname === 'string' ? o.fullname : typeof o.name === 'string' ? o.name : null;
  return name ? oneLine(name) : null;
}
