import { citationKeyText } from './citationKeys';
import { Paper, PersonName } from './model';
import { creatorsOf, familyWithParticle } from './personNames';

/** How citations are written into a note. */
export type CitationStyle = 'pandoc' | 'footnote' | 'link';
export type ExportFormat = CitationStyle | 'bibtex' | 'csl-json';
export const CITATION_STYLES: readonly CitationStyle[] = ['pandoc', 'footnote', 'link'];
export const EXPORT_FORMATS: readonly ExportFormat[] = [...CITATION_STYLES, 'bibtex', 'csl-json'];

/**
 * The paper's own page: its arXiv abstract page (from an arXiv id, an eprint or an
 * arXiv DOI), else its DOI, else the URL its entry gives; null when it has none. A
 * code repository or project page is never taken for it.
 */
export function paperUrl(paper: Pick<Paper, 'arxivId' | 'doi' | 'url'>): string | null {
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  if (paper.doi) return `https://doi.org/${paper.doi}`;
  return paper.url;
}

/** "Frankle, Carbin", "Vaswani, Shazeer, Parmar et al." or "12 authors" (a copied page gives only the count). */
export function authorLine(paper: Pick<Paper, 'authors' | 'organization' | 'authorCount'>): string {
  const { authors } = paper;
  if (authors.length) return authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
  if (paper.organization) return paper.organization;
  if (paper.authorCount !== null) return `${paper.authorCount} author${paper.authorCount === 1 ? '' : 's'}`;
  return '';
}

/** Where the paper appeared: journal or proceedings, with volume, issue and pages where known. */
export function venueText(paper: Pick<Paper, 'publication'>): string {
  const p = paper.publication;
  if (!p) return '';
  const container = p.journal ?? p.booktitle ?? '';
  const volume = p.volume ? ` ${p.volume}${p.number ? `(${p.number})` : ''}` : '';
  const pages = p.pages ? `, ${p.pages.replace(/--/g, '–')}` : '';
  return container ? `${container}${volume}${pages}` : (p.publisher ?? '');
}

/** `[@a; @b]` */
export function formatPandocCitation(keys: readonly string[]): string {
  return `[${keys.map((k) => `@${citationKeyText(k)}`).join('; ')}]`;
}

/** `[^a][^b]` in the text; definitions go with `formatFootnoteDefinition`. */
export function formatFootnoteReference(keys: readonly string[]): string {
  return keys.map((k) => `[^${k}]`).join('');
}

/** One line a person reads: "Frankle, Carbin. The Lottery Ticket Hypothesis… ICLR (2019). https://…". */
export function formatReference(paper: Paper): string {
  const url = paperUrl(paper);
  return url ? `${referenceText(paper)} ${url}` : referenceText(paper);
}

/** The reference without its URL: authors (or organization), title, venue, year. */
function referenceText(paper: Paper): string {
  const sentence = (text: string) => (text ? (/[.!?]$/.test(text) ? `${text} ` : `${text}. `) : '');
  const venue = venueText(paper);
  const year = paper.date ? ` (${paper.date.slice(0, 4)})` : '';
  // "Authors. Title. Venue (2019)." or "Authors. Title (2024)."; "et al." and a title's own "?" end a sentence once.
  const tail = venue ? `${sentence(paper.title)}${venue}${year}` : `${paper.title}${year}`;
  return `${sentence(authorLine(paper))}${tail}`.replace(/([^.!?])$/, '$1.');
}

/**
 * Backslash-escapes what Markdown or pandoc would read as markup, so a digest's text
 * stays text in a note: emphasis, code, links, HTML, tables, and pandoc's citations
 * (`@`), sub- and superscripts (`~x~`, `^x^`), math (`$`), attributes (`{}`), entities (`&`).
 */
export function escapeMarkdownText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>!|@~^$&{}#]/g, (c) => `\\${c}`);
}

/** formatReference for a Markdown note: the digest's text escaped, the URL an autolink. */
export function formatReferenceMarkdown(paper: Paper): string {
  const url = paperUrl(paper);
  const link = url && /^https?:\/\/[^\s<>]+$/.test(url) ? ` <${url}>` : '';
  return `${escapeMarkdownText(referenceText(paper))}${link}`;
}

export function formatFootnoteDefinition(paper: Paper): string {
  return `[^${paper.key}]: ${formatReferenceMarkdown(paper)}`;
}

/** `[LD-Pruner](url)`; a paper with no link of its own is cited the pandoc way instead of linking to a guess. */
export function formatLinkCitation(paper: Paper): string {
  const text = escapeMarkdownText(paper.shortName ?? paper.title);
  const url = paperUrl(paper);
  return url ? `[${text}](<${url.replace(/[<>]/g, encodeURIComponent)}>)` : `${text} ${formatPandocCitation([paper.key])}`;
}

/** The text inserted into a note for these papers, and footnote definitions to append. */
export function formatCitation(papers: readonly Paper[], style: CitationStyle): { text: string; definitions: string[] } {
  switch (style) {
    case 'pandoc':
      return { text: formatPandocCitation(papers.map((p) => p.key)), definitions: [] };
    case 'footnote':
      return { text: formatFootnoteReference(papers.map((p) => p.key)), definitions: papers.map(formatFootnoteDefinition) };
    case 'link':
      return { text: papers.map(formatLinkCitation).join(', '), definitions: [] };
  }
}

/** Escapes text for a braced BibTeX field so that no character can end the field or the entry. */
export function escapeBibtex(text: string): string {
  return text.replace(/[\\{}%&#$_~^]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\textbackslash{}';
      case '~':
        return '\\textasciitilde{}';
      case '^':
        return '\\textasciicircum{}';
      default:
        return `\\${c}`;
    }
  });
}

/**
 * A field BibTeX and pandoc read verbatim (url, doi, eprint): written as it is, but
 * for the characters that would end the field or the entry, percent-encoded.
 */
function verbatimField(value: string): string {
  return value.replace(/[{}\\\s]/g, (c) => encodeURIComponent(c));
}

/** "van Hasselt, Hado", "Smith, Jr., John", "{OpenAI}", as BibTeX's name syntax writes them. */
function bibtexName(name: PersonName): string {
  if (name.literal) return name.literal === 'others' ? 'others' : `{${escapeBibtex(name.literal)}}`;
  const family = escapeBibtex(familyWithParticle(name));
  const parts = [family, name.suffix ? escapeBibtex(name.suffix) : '', name.given ? escapeBibtex(name.given) : ''];
  return parts.filter((p, i) => p || i === 0).join(', ');
}

const VENUE_FIELDS = ['journal', 'booktitle', 'volume', 'number', 'pages', 'publisher'] as const;

/** Whether a field's value as written stands on its own (no `@string` macro from its file). */
function selfContained(raw: string): boolean {
  return /^(\{[\s\S]*\}|"[\s\S]*"|\d+|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)$/i.test(raw) && !/^[{"][\s\S]*[}"]\s*#/.test(raw);
}

export function formatBibtex(paper: Paper): string {
  // Double braces: a title from a page or Hugging Face is shown as written, never re-cased by a style.
  const fields: Array<[string, string]> = [['title', `{{${escapeBibtex(paper.title)}}}`]];
  const creators = creatorsOf(paper);
  if (creators.length) fields.push([paper.publication?.editors ? 'editor' : 'author', `{${creators.map(bibtexName).join(' and ')}}`]);
  else if (paper.organization) fields.push(['author', `{{${escapeBibtex(paper.organization)}}}`]);
  for (const name of VENUE_FIELDS) {
    const value = paper.publication?.[name];
    if (value) fields.push([name, `{${escapeBibtex(value)}}`]);
  }
  if (paper.date) {
    fields.push(['year', `{${paper.date.slice(0, 4)}}`]);
    if (paper.date.length >= 7) fields.push(['month', `{${Number(paper.date.slice(5, 7))}}`]);
  }
  if (paper.doi) fields.push(['doi', `{${verbatimField(paper.doi)}}`]);
  if (paper.arxivId) fields.push(['eprint', `{${verbatimField(paper.arxivId)}}`], ['archiveprefix', '{arXiv}']);
  const written = paper.publication?.bibtexFields?.filter(([, raw]) => selfContained(raw));
  let body: Array<[string, string]>;
  if (written?.length) {
    // The entry as its author wrote it, with what other digests taught us added (an arXiv id, a DOI).
    const has = new Set(written.map(([name]) => name));
    // Editors stand where authors would (pandoc reads them as editors, so must the export).
    if (has.has('editor')) has.add('author');
    const dated = has.has('year') || has.has('date');
    body = [...written, ...fields.filter(([name]) => !has.has(name) && !((name === 'year' || name === 'month') && dated))];
  } else {
    const url = paper.url ?? paperUrl(paper);
    if (url) fields.push(['url', `{${verbatimField(url)}}`]);
    if (paper.abstract) fields.push(['abstract', `{${escapeBibtex(paper.abstract)}}`]);
    body = fields;
  }
  const type = /^[a-z]+$/i.test(paper.publication?.type ?? '') ? paper.publication!.type : 'misc';
  return `@${type}{${paper.key},\n${body.map(([name, value]) => `  ${name} = ${value}`).join(',\n')}\n}`;
}

export interface CslName {
  family?: string;
  given?: string;
  'non-dropping-particle'?: string;
  'dropping-particle'?: string;
  suffix?: string;
  literal?: string;
}

export interface CslItem {
  id: string;
  'citation-key': string;
  type: string;
  title: string;
  author?: CslName[];
  editor?: CslName[];
  issued?: { 'date-parts': number[][] } | { literal: string };
  'container-title'?: string;
  volume?: string;
  issue?: string;
  page?: string;
  publisher?: string;
  'publisher-place'?: string;
  URL?: string;
  DOI?: string;
  abstract?: string;
  /** Further CSL variables (genre, note, collection-title, edition…), as pandoc gives them from BibTeX. */
  [variable: string]: unknown;
}

/** BibTeX and BibLaTeX entry types as CSL types, as pandoc maps them (anything else is an article). */
const CSL_TYPE: Record<string, string> = {
  article: 'article-journal',
  periodical: 'article-journal',
  suppperiodical: 'article-journal',
  inproceedings: 'paper-conference',
  conference: 'paper-conference',
  incollection: 'chapter',
  inbook: 'chapter',
  bookinbook: 'chapter',
  suppbook: 'chapter',
  suppcollection: 'chapter',
  inreference: 'entry-encyclopedia',
  book: 'book',
  mvbook: 'book',
  collection: 'book',
  mvcollection: 'book',
  proceedings: 'book',
  mvproceedings: 'book',
  reference: 'book',
  mvreference: 'book',
  manual: 'book',
  software: 'book',
  booklet: 'pamphlet',
  techreport: 'report',
  report: 'report',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  thesis: 'thesis',
  unpublished: 'manuscript',
  online: 'webpage',
  www: 'webpage',
  electronic: 'webpage',
  dataset: 'dataset',
  patent: 'patent',
};

export function cslName(name: PersonName): CslName {
  if (name.literal) return { literal: name.literal };
  const out: CslName = { family: name.family };
  if (name.given) out.given = name.given;
  if (name.particle) out['non-dropping-particle'] = name.particle;
  if (name.suffix) out.suffix = name.suffix;
  return out;
}

export function toCslItem(paper: Paper): CslItem {
  const type = CSL_TYPE[paper.publication?.type ?? ''] ?? 'article';
  const item: CslItem = { id: paper.key, 'citation-key': paper.key, type, title: paper.title };
  const creators = creatorsOf(paper);
  if (creators.length) item[paper.publication?.editors ? 'editor' : 'author'] = creators.map(cslName);
  else if (paper.organization) item.author = [{ literal: paper.organization }];
  if (paper.date) item.issued = { 'date-parts': [paper.date.split('-').map(Number)] };
  const p = paper.publication;
  const container = p?.journal ?? p?.booktitle;
  if (container) item['container-title'] = container;
  if (p?.volume) item.volume = p.volume;
  if (p?.number) item.issue = p.number;
  if (p?.pages) item.page = p.pages.replace(/--/g, '-');
  if (p?.publisher) item.publisher = p.publisher;
  if (paper.doi) item.DOI = paper.doi;
  const url = paper.url ?? paperUrl(paper);
  if (url) item.URL = url;
  if (paper.abstract) item.abstract = paper.abstract;
  return item;
}

export function formatCslJson(papers: readonly Paper[]): string {
  return JSON.stringify(papers.map(toCslItem), null, 2);
}

/** Papers written out in one of the formats the CLI's `cite` offers. */
export function formatPapers(papers: readonly Paper[], format: ExportFormat): string {
  switch (format) {
    case 'bibtex':
      return papers.map(formatBibtex).join('\n\n');
    case 'csl-json':
      return formatCslJson(papers);
    default: {
      const { text, definitions } = formatCitation(papers, format);
      return definitions.length ? `${text}\n\n${definitions.join('\n')}` : text;
    }
  }
}
