import { isCitableKey } from '../citationKeys';
import { PapersRead, ParseResult, Paper, PersonName, Problem, Publication, newPaper } from '../model';
import { displayName } from '../personNames';
import { arxivFromDoi, extractLinks, keywordList } from '../text';
import { JsonElement, elementName, readJsonElements } from './json';

/** CSL-JSON (what Zotero, Better BibTeX and pandoc exchange): an array of items. */

interface CslName {
  family?: unknown;
  given?: unknown;
  literal?: unknown;
  'non-dropping-particle'?: unknown;
  'dropping-particle'?: unknown;
  suffix?: unknown;
}

export function isCslItem(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  return 'id' in o && ('type' in o || 'issued' in o || 'citation-key' in o || Array.isArray(o.author));
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export function parseCslJson(text: string, path: string, read?: PapersRead): ParseResult {
  const problems: Problem[] = [];
  const elements = readJsonElements(text, path, problems);
  return { papers: cslPapers(elements, path, problems, read), problems };
}

/** Papers from CSL items (read from CSL-JSON, or from YAML front matter's `references:`), each with its line. */
export function cslPapers(elements: readonly JsonElement[], path: string, problems: Problem[], read?: PapersRead): Paper[] {
  const papers: Paper[] = [];
  // Pandoc keeps the last of several items with one id: so do we, and say so at the others.
  const lastWithKey = new Map<string, number>();
  elements.forEach(({ value }, i) => {
    const key = value && typeof value === 'object' ? citationKey(value as Record<string, unknown>) : null;
    if (key) lastWithKey.set(key, i);
  });
  for (let i = 0; i < elements.length; i++) {
    const { value, line } = elements[i]!;
    if (!value || typeof value !== 'object') {
      problems.push({ path, line, severity: 'warning', message: `${elementName(i, line)} is not a CSL item; skipped.` });
      continue;
    }
    const item = value as Record<string, unknown>;
    const key = citationKey(item);
    if (key && lastWithKey.get(key) !== i) {
      const used = elements[lastWithKey.get(key)!]!.line;
      problems.push({ path, line, severity: 'warning', message: `Duplicate citation key "${key}" at line ${line + 1}: pandoc uses the item with this id at line ${used + 1}, so this one is ignored.` });
      continue;
    }
    const title = typeof item.title === 'string' ? oneLine(item.title) : '';
    if (!title) {
      problems.push({ path, line, severity: 'warning', message: `${elementName(i, line)} has no title; skipped.` });
      continue;
    }
    const creators = (Array.isArray(item.author) ? item.author : Array.isArray(item.editor) ? item.editor : [])
      .map((n: unknown) => personName(n))
      .filter((n): n is PersonName => n !== null);
    const authors = creators.filter((n) => n.literal !== 'others').map(displayName);
    const abstract = typeof item.abstract === 'string' ? oneLine(item.abstract) : '';
    const doi = typeof item.DOI === 'string' ? item.DOI.trim() : null;
    const url = typeof item.URL === 'string' && /^https?:\/\//.test(item.URL.trim()) ? item.URL.trim() : null;
    papers.push(
      newPaper(title, { path, line }, {
        key: key ?? '',
        abstract,
        keywords: keywordList(item.keyword),
        authors,
        creators,
        authorCount: authors.length || null,
        publication: { ...publicationOf(item), ...(!Array.isArray(item.author) && Array.isArray(item.editor) ? { editors: true } : {}) },
        date: issuedDate(item.issued),
        doi,
        url,
        links: extractLinks(abstract),
        arxivId: arxivIdOf(item) ?? arxivFromDoi(doi),
      }),
    );
    read?.(papers);
  }
  return papers;
}

function citationKey(item: Record<string, unknown>): string | null {
  for (const candidate of [item['citation-key'], item.id]) {
    if (typeof candidate === 'string' && isCitableKey(candidate)) return candidate;
    if (typeof candidate === 'number' && Number.isInteger(candidate)) return String(candidate);
  }
  return null;
}

function personName(value: unknown): PersonName | null {
  if (!value || typeof value !== 'object') return null;
  const name = value as CslName;
  const str = (x: unknown) => (typeof x === 'string' ? oneLine(x) : '');
  if (str(name.literal)) return { family: '', literal: str(name.literal) };
  const family = str(name.family);
  if (!family) return null;
  const result: PersonName = { family };
  if (str(name.given)) result.given = str(name.given);
  const particle = [str(name['dropping-particle']), str(name['non-dropping-particle'])].filter(Boolean).join(' ');
  if (particle) result.particle = particle;
  if (str(name.suffix)) result.suffix = str(name.suffix);
  return result;
}

/** CSL types and fields as the BibTeX entry types and fields exports write. */
const BIBTEX_TYPE: Record<string, string> = {
  'article-journal': 'article',
  'article-magazine': 'article',
  'article-newspaper': 'article',
  'paper-conference': 'inproceedings',
  book: 'book',
  chapter: 'incollection',
  report: 'techreport',
  thesis: 'phdthesis',
  manuscript: 'unpublished',
};

function publicationOf(item: Record<string, unknown>): Publication {
  const type = typeof item.type === 'string' ? item.type : '';
  const publication: Publication = { type: BIBTEX_TYPE[type] ?? 'misc' };
  const str = (x: unknown) => (typeof x === 'string' ? oneLine(x) : typeof x === 'number' ? String(x) : '');
  const container = str(item['container-title']);
  if (container) publication[publication.type === 'inproceedings' || publication.type === 'incollection' ? 'booktitle' : 'journal'] = container;
  if (str(item.volume)) publication.volume = str(item.volume);
  if (str(item.issue)) publication.number = str(item.issue);
  if (str(item.page)) publication.pages = str(item.page).replace(/(\d)-(\d)/, '$1--$2');
  if (str(item.publisher)) publication.publisher = str(item.publisher);
  return publication;
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
