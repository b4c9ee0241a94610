import { XMLParser } from 'fast-xml-parser';
import type { Paper } from './model';
import { normalizeTitle } from './text';

/**
 * Papers straight from the source: Hugging Face's Daily Papers and papers API, arXiv's
 * API and DOI content negotiation, behind an HTTP port (`fetch` in the CLI and the
 * editor, a local replay server in the tests). Polite by construction: `429`/`503` are
 * answered by waiting for `Retry-After`, arXiv gets one request per 3 seconds, every
 * request has a timeout. Results are raw Hugging Face objects, so a digest loses
 * nothing; arXiv and DOI answers are turned into the same paper-object shape.
 */

export interface HttpResponse {
  status: number;
  /** Lowercase header names. */
  headers: Record<string, string>;
  text: string;
}

/** One GET; rejects when the server cannot be reached or the time is up. */
export interface HttpClient {
  get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpResponse>;
}

export interface SourceEndpoints {
  /** `HF_ENDPOINT`, as the Hugging Face tools honour it. */
  huggingFace: string;
  arxiv: string;
  doi: string;
}

export const DEFAULT_ENDPOINTS: SourceEndpoints = {
  huggingFace: 'https://huggingface.co',
  arxiv: 'https://export.arxiv.org',
  doi: 'https://doi.org',
};

/** Something the sources could not answer, said in one line that names the endpoint. */
export class SourceError extends Error {}

export interface SourceOptions {
  endpoints?: Partial<SourceEndpoints>;
  timeoutMs?: number;
  /** Waits before retrying a `429`/`503` (at most this many times). */
  retries?: number;
  /** Waiting, replaceable in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Stops between requests when true (the editor's Cancel). */
  cancelled?: () => boolean;
  /** Where to say what is happening. */
  progress?: (message: string) => void;
  /**
   * Whether arXiv can be asked. Not from vscode.dev: arXiv sends no CORS header, so a
   * browser may not read its answers; an arXiv id is then looked up by its DOI
   * (10.48550/arXiv.ID, registered with DataCite) after Hugging Face.
   */
  arxiv?: boolean;
}

const PAGE_SIZE = 100;
const ARXIV_INTERVAL_MS = 3000;
const MAX_RETRY_WAIT_MS = 60_000;

/** A raw Hugging Face object: `{paper: {...}, ...}` from daily_papers, or a bare paper object. */
export type HfObject = Record<string, unknown>;

export class PaperSources {
  private readonly endpoints: SourceEndpoints;
  private readonly sleep: (ms: number) => Promise<void>;
  private lastArxiv = -Infinity;

  constructor(
    private readonly http: HttpClient,
    private readonly options: SourceOptions = {},
  ) {
    const given = Object.fromEntries(Object.entries(options.endpoints ?? {}).filter(([, v]) => !!v)) as Partial<SourceEndpoints>;
    this.endpoints = { ...DEFAULT_ENDPOINTS, ...given };
    for (const key of Object.keys(this.endpoints) as Array<keyof SourceEndpoints>) this.endpoints[key] = this.endpoints[key].replace(/\/+$/, '');
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(() => resolve(), ms)));
  }

  /** The Daily Papers of each day from `from` to `to` (inclusive, YYYY-MM-DD), page by page. */
  async dailyPapers(from: string, to: string = from): Promise<HfObject[]> {
    const out: HfObject[] = [];
    for (const day of daysBetween(from, to)) {
      for (let page = 0; ; page++) {
        this.checkCancelled();
        this.options.progress?.(`Daily Papers of ${day}${page ? `, page ${page + 1}` : ''}`);
        const url = `${this.endpoints.huggingFace}/api/daily_papers?date=${day}&limit=${PAGE_SIZE}&p=${page}`;
        const items = parseJsonArray(await this.getText(url, {}, 'Hugging Face'), url);
        out.push(...items);
        if (items.length < PAGE_SIZE) break;
      }
    }
    return out;
  }

  /**
   * One paper by an arXiv id or URL, a Hugging Face paper URL, or a DOI: the Hugging Face
   * API first, then arXiv (Atom), then DOI content negotiation (CSL-JSON).
   */
  async paper(identifier: string): Promise<HfObject> {
    const id = parseIdentifier(identifier);
    if (!id) throw new SourceError(`"${identifier}" is not an arXiv id, an arXiv or Hugging Face paper URL, or a DOI`);
    this.checkCancelled();
    if (id.arxiv) {
      const hfUrl = `${this.endpoints.huggingFace}/api/papers/${id.arxiv}`;
      const hf = await this.get(hfUrl, {}, 'Hugging Face');
      if (hf.status === 200) return parseJsonObject(hf.text, hfUrl);
      if (hf.status !== 404) throw this.failure('Hugging Face', hfUrl, hf.status);
      return this.options.arxiv === false ? this.doiPaper(`10.48550/arXiv.${id.arxiv}`) : this.arxivPaper(id.arxiv);
    }
    return this.doiPaper(id.doi!);
  }

  /**
   * The Hugging Face paper with exactly this title (letter case, accents and punctuation
   * aside), found with its paper search; undefined when it has none. A near title is not
   * taken: a copied page's paper must not get another paper's authors.
   */
  async paperByTitle(title: string): Promise<HfObject | undefined> {
    this.checkCancelled();
    const url = `${this.endpoints.huggingFace}/api/papers/search?q=${encodeURIComponent(title)}&limit=10`;
    const wanted = normalizeTitle(title);
    return parseJsonArray(await this.getText(url, {}, 'Hugging Face'), url).find((item) => {
      const paper = (typeof item.paper === 'object' && item.paper !== null ? item.paper : item) as HfObject;
      return typeof paper.title === 'string' && normalizeTitle(paper.title) === wanted;
    });
  }

  /**
   * Details for papers a copied Daily Papers page gives without an arXiv id or authors,
   * by exact title: the Hugging Face objects found, and the papers it does not know.
   */
  async detailsFor(papers: readonly Paper[]): Promise<{ found: HfObject[]; missing: Paper[] }> {
    const found: HfObject[] = [];
    const missing: Paper[] = [];
    for (const [i, paper] of papers.entries()) {
      this.options.progress?.(`${i + 1} of ${papers.length}: ${paper.title}`);
      const object = await this.paperByTitle(paper.title);
      if (object) found.push(object);
      else missing.push(paper);
    }
    return { found, missing };
  }

  private async arxivPaper(arxivId: string): Promise<HfObject> {
    const wait = this.lastArxiv + ARXIV_INTERVAL_MS - Date.now();
    if (wait > 0) await this.sleep(wait);
    this.lastArxiv = Date.now();
    const url = `${this.endpoints.arxiv}/api/query?id_list=${encodeURIComponent(arxivId)}`;
    const paper = paperFromAtom(await this.getText(url, {}, 'arXiv'), arxivId);
    if (!paper) throw new SourceError(`arXiv has no paper ${arxivId} (${url})`);
    return paper;
  }

  private async doiPaper(doi: string): Promise<HfObject> {
    const url = `${this.endpoints.doi}/${doi.split('/').map(encodeURIComponent).join('/')}`;
    const response = await this.get(url, { accept: 'application/vnd.citationstyles.csl+json' }, 'DOI');
    if (response.status === 404) throw new SourceError(`no DOI ${doi} is registered (${url})`);
    if (response.status !== 200) throw this.failure('DOI', url, response.status);
    return paperFromCsl(parseJsonObject(response.text, url), doi);
  }

  private async getText(url: string, headers: Record<string, string>, service: string): Promise<string> {
    const response = await this.get(url, headers, service);
    if (response.status !== 200) throw this.failure(service, url, response.status);
    return response.text;
  }

  /** A GET, waiting and retrying on `429`/`503` as the server asks. */
  private async get(url: string, headers: Record<string, string>, service: string): Promise<HttpResponse> {
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      this.checkCancelled();
      let response: HttpResponse;
      try {
        response = await this.http.get(url, { 'user-agent': 'paper-digest (https://github.com/paper-digest)', ...headers }, this.options.timeoutMs ?? 20_000);
      } catch (error) {
        throw new SourceError(`${service} could not be reached at ${origin(url)}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if ((response.status !== 429 && response.status !== 503) || attempt >= retries) return response;
      const wait = retryAfterMs(response.headers['retry-after']) ?? 2000 * 2 ** attempt;
      this.options.progress?.(`${service} asks to wait ${Math.ceil(wait / 1000)} s`);
      await this.sleep(Math.min(wait, MAX_RETRY_WAIT_MS));
    }
  }

  private failure(service: string, url: string, status: number): SourceError {
    return new SourceError(`${service} answered ${status} for ${url}`);
  }

  private checkCancelled(): void {
    if (this.options.cancelled?.()) throw new SourceError('cancelled');
  }
}

/**
 * Papers whose digest gave no arXiv id, no DOI and no author names (a copied Daily
 * Papers page shows only "N authors"): what Complete Paper Details looks up. An entry
 * of a bibliography has its authors, and is never matched to another entry by title.
 */
export function papersLackingDetails(papers: readonly Paper[]): Paper[] {
  return papers.filter((p) => !p.arxivId && !p.doi && p.authors.length === 0);
}

function origin(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+/i.exec(url)?.[0] ?? url;
}

/** Each day from `from` to `to`, inclusive; a bad date or a reversed range is an error. */
export function daysBetween(from: string, to: string): string[] {
  const start = parseDay(from);
  const end = parseDay(to);
  if (start === undefined || end === undefined) throw new SourceError(`dates are YYYY-MM-DD (got "${start === undefined ? from : to}")`);
  if (end < start) throw new SourceError(`the range ends (${to}) before it starts (${from})`);
  const days: string[] = [];
  for (let t = start; t <= end && days.length < 366; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * The days an automatic fetch asks for: from the last day fetched (again: its list may
 * have grown since) to today, at most `maxDays` of them; today alone the first time.
 */
export function daysToFetch(lastFetched: string | undefined, today: string, maxDays = 7): { from: string; to: string } {
  const end = parseDay(today);
  if (end === undefined) throw new SourceError(`dates are YYYY-MM-DD (got "${today}")`);
  const earliest = new Date(end - (maxDays - 1) * 86_400_000).toISOString().slice(0, 10);
  const last = lastFetched !== undefined && parseDay(lastFetched) !== undefined && lastFetched <= today ? lastFetched : today;
  return { from: last < earliest ? earliest : last, to: today };
}

function parseDay(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day ? undefined : t;
}

/** `Retry-After` in ms: seconds, or an HTTP date. */
export function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** What an identifier names: an arXiv id (from an id or a URL) or a DOI. */
export function parseIdentifier(text: string): { arxiv?: string; doi?: string } | undefined {
  const value = text.trim();
  const arxiv = /^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$/i.exec(value) ?? /(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/(\d{4}\.\d{4,5})(?:v\d+)?/i.exec(value);
  if (arxiv) return { arxiv: arxiv[1]! };
  const doi = /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)?(10\.\d{4,9}\/\S+)$/i.exec(value);
  if (doi) {
    const inner = /^10\.48550\/arxiv\.(\d{4}\.\d{4,5})$/i.exec(doi[1]!);
    return inner ? { arxiv: inner[1]! } : { doi: doi[1]! };
  }
  return undefined;
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`${url} did not answer JSON`);
  }
}

function parseJsonArray(text: string, url: string): HfObject[] {
  const value = parseJson(text, url);
  if (!Array.isArray(value)) throw new SourceError(`${url} did not answer a list of papers`);
  return value.filter((v): v is HfObject => !!v && typeof v === 'object');
}

function parseJsonObject(text: string, url: string): HfObject {
  const value = parseJson(text, url);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SourceError(`${url} did not answer a paper`);
  return value as HfObject;
}

const oneLine = (text: unknown) => (typeof text === 'string' ? text.replace(/\s+/g, ' ').trim() : '');

/** arXiv's Atom answer as a paper object (the Hugging Face shape); undefined for its "Error" entry or none. */
export function paperFromAtom(xml: string, arxivId: string): HfObject | undefined {
  const feed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'entry' || name === 'author' || name === 'link' }).parse(xml) as {
    feed?: { entry?: Array<Record<string, unknown>> };
  };
  const entry = feed.feed?.entry?.[0];
  const title = oneLine(entry?.title);
  if (!entry || !title || /^error$/i.test(title)) return undefined;
  const authors = ((entry.author as Array<{ name?: unknown }> | undefined) ?? []).map((a) => ({ name: oneLine(a.name) })).filter((a) => a.name);
  const doi = oneLine(entry['arxiv:doi']);
  return {
    id: arxivId,
    title,
    summary: oneLine(entry.summary),
    authors,
    publishedAt: oneLine(entry.published) || undefined,
    ...(doi ? { doi } : {}),
    source: 'arxiv',
  };
}

/** A CSL-JSON item from DOI content negotiation as a paper object (the Hugging Face shape). */
export function paperFromCsl(item: HfObject, doi: string): HfObject {
  const names = Array.isArray(item.author) ? (item.author as Array<Record<string, unknown>>) : [];
  const authors = names.map((n) => ({ name: oneLine(n.literal) || [n.given, n.family].map(oneLine).filter(Boolean).join(' ') })).filter((a) => a.name);
  const parts = ((item.issued as { 'date-parts'?: unknown[][] } | undefined)?.['date-parts']?.[0] ?? []).map(Number);
  const date = parts.length && parts[0] ? `${String(parts[0]).padStart(4, '0')}-${String(parts[1] ?? 1).padStart(2, '0')}-${String(parts[2] ?? 1).padStart(2, '0')}` : undefined;
  const title = Array.isArray(item.title) ? oneLine(item.title[0]) : oneLine(item.title);
  return {
    id: doi,
    doi,
    title,
    summary: oneLine(item.abstract).replace(/<[^>]+>/g, ''),
    authors,
    ...(date ? { publishedAt: `${date}T00:00:00.000Z` } : {}),
    ...(typeof item.URL === 'string' ? { url: item.URL } : {}),
    source: 'doi',
  };
}

/** The identity of an object for de-duplication: its paper's id (arXiv id or DOI), else its title. */
function identity(object: HfObject): string {
  const paper = (object.paper && typeof object.paper === 'object' ? object.paper : object) as Record<string, unknown>;
  const id = typeof paper.id === 'string' ? paper.id.toLowerCase() : '';
  return id || `title:${oneLine(paper.title).toLowerCase()}`;
}

/**
 * A Hugging Face JSON digest with `objects` added: the existing text kept byte for byte
 * (the new objects go in before its closing bracket: a user's file is never rewritten),
 * an object whose paper is there already not added again. New objects are written one a
 * line. Returns the new text and how many were added.
 */
export function mergeIntoDigest(existing: string | undefined, objects: readonly HfObject[]): { text: string; added: number } {
  const seen = new Set<string>();
  let before = '[';
  let after = '\n]\n';
  let hasObjects = false;
  if (existing !== undefined && existing.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch {
      throw new SourceError('the digest file is not JSON; it is left as it is');
    }
    if (!Array.isArray(parsed)) throw new SourceError('the digest file is not a JSON list of papers; it is left as it is');
    for (const o of parsed) if (o && typeof o === 'object') seen.add(identity(o as HfObject));
    const close = existing.lastIndexOf(']');
    before = existing.slice(0, close).replace(/\s+$/, '');
    after = `\n${existing.slice(close)}`;
    hasObjects = parsed.length > 0;
  }
  const fresh: string[] = [];
  for (const object of objects) {
    const id = identity(object);
    if (seen.has(id)) continue;
    seen.add(id);
    fresh.push(JSON.stringify(object));
  }
  if (!fresh.length) return { text: existing ?? '[]\n', added: 0 };
  return { text: `${before}${hasObjects ? ',' : ''}\n${fresh.join(',\n')}${after}`, added: fresh.length };
}
