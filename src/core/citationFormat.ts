import { Paper } from './model';

/** How citations are written into a note. */
export type CitationStyle = 'pandoc' | 'footnote' | 'link';
export type ExportFormat = CitationStyle | 'bibtex' | 'csl-json';
export const CITATION_STYLES: readonly CitationStyle[] = ['pandoc', 'footnote', 'link'];
export const EXPORT_FORMATS: readonly ExportFormat[] = [...CITATION_STYLES, 'bibtex', 'csl-json'];

/** The page a link citation points at: the paper's own page, else its first link, else a Hugging Face search. */
export function paperUrl(paper: Paper): string {
  return paper.url ?? paper.links[0] ?? `https://huggingface.co/papers?q=${encodeURIComponent(paper.title)}`;
}

/** `[@a; @b]` */
export function formatPandocCitation(keys: readonly string[]): string {
  return `[${keys.map((k) => `@${k}`).join('; ')}]`;
}

/** `[^a][^b]` in the text; definitions go with `formatFootnoteDefinition`. */
export function formatFootnoteReference(keys: readonly string[]): string {
  return keys.map((k) => `[^${k}]`).join('');
}

/** One line a person reads: "LD-Pruner: Efficient Pruning … (2024). https://…". */
export function formatReference(paper: Paper): string {
  return `${referenceText(paper)} ${paperUrl(paper)}`;
}

/** The reference without its URL: authors (or organization), title, year. */
function referenceText(paper: Paper): string {
  const who = paper.authors.length
    ? `${formatAuthorList(paper.authors)}. `
    : paper.organization
      ? `${paper.organization}. `
      : '';
  const year = paper.date ? ` (${paper.date.slice(0, 4)})` : '';
  return `${who}${paper.title}${year}.`;
}

function formatAuthorList(authors: readonly string[]): string {
  return authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
}

/** Backslash-escapes what Markdown would read as markup, so a digest's text stays text in a note. */
export function escapeMarkdownText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>!|]/g, (c) => `\\${c}`);
}

/** formatReference for a Markdown note: the digest's text escaped, the URL an autolink. */
export function formatReferenceMarkdown(paper: Paper): string {
  const url = paperUrl(paper);
  const link = /^https?:\/\/[^\s<>]+$/.test(url) ? ` <${url}>` : '';
  return `${escapeMarkdownText(referenceText(paper))}${link}`;
}

export function formatFootnoteDefinition(paper: Paper): string {
  return `[^${paper.key}]: ${formatReferenceMarkdown(paper)}`;
}

/** `[LD-Pruner](url)` */
export function formatLinkCitation(paper: Paper): string {
  const text = escapeMarkdownText(paper.shortName ?? paper.title);
  return `[${text}](<${paperUrl(paper).replace(/[<>]/g, encodeURIComponent)}>)`;
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

export function formatBibtex(paper: Paper): string {
  const fields: Array<[string, string]> = [['title', `{${escapeBibtex(paper.title)}}`]];
  if (paper.authors.length) fields.push(['author', paper.authors.map(escapeBibtex).join(' and ')]);
  else if (paper.organization) fields.push(['author', `{${escapeBibtex(paper.organization)}}`]);
  if (paper.date) {
    fields.push(['year', paper.date.slice(0, 4)]);
    fields.push(['date', paper.date]);
  }
  if (paper.doi) fields.push(['doi', escapeBibtex(paper.doi)]);
  if (paper.arxivId) fields.push(['eprint', escapeBibtex(paper.arxivId)], ['archiveprefix', 'arXiv']);
  fields.push(['url', escapeBibtex(paperUrl(paper))]);
  if (paper.abstract) fields.push(['abstract', escapeBibtex(paper.abstract)]);
  const body = fields.map(([name, value]) => `  ${name} = {${value}}`).join(',\n');
  return `@misc{${paper.key},\n${body}\n}`;
}

export interface CslItem {
  id: string;
  'citation-key': string;
  type: string;
  title: string;
  author?: Array<{ literal: string }>;
  issued?: { 'date-parts': number[][] };
  URL: string;
  DOI?: string;
  abstract?: string;
}

export function toCslItem(paper: Paper): CslItem {
  const item: CslItem = { id: paper.key, 'citation-key': paper.key, type: 'article', title: paper.title, URL: paperUrl(paper) };
  const names = paper.authors.length ? paper.authors : paper.organization ? [paper.organization] : [];
  if (names.length) item.author = names.map((literal) => ({ literal }));
  if (paper.date) item.issued = { 'date-parts': [paper.date.split('-').map(Number)] };
  if (paper.doi) item.DOI = paper.doi;
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
