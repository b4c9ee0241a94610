import CSL from 'citeproc';
import { CslItem, cslName, toCslItem } from './citationFormat';
import { bibtexNames, bibtexValueText } from './formats/bibtex';
import { Paper } from './model';
import { latexToText } from './text';

/**
 * References in any CSL style, by citeproc-js (the CSL processor Zotero and Mendeley
 * use). The style and locale XML are handed in (bundled styles in media/csl, or a user's
 * `.csl` file); the items are our CSL-JSON, read from BibTeX the way pandoc reads it, so
 * that a bibliography matches `pandoc --citeproc` with the same style.
 */

export interface CslStyle {
  /** The style's XML (a `.csl` file). */
  xml: string;
  /** Locale XML by language (`en-US`: `locales-en-US.xml`); the style's default locale is used, else en-US. */
  locales: Readonly<Record<string, string>>;
}

/** The bibliography entries of these papers, as plain text, in the style's order. */
export function formatBibliography(papers: readonly Paper[], style: CslStyle): string[] {
  return bibliographyEntries(papers, style).map((e) => e.text);
}

/**
 * Each entry with the key of its paper, in the style's order (for a numeric style, the
 * order the papers are given in: first cited first).
 */
export function bibliographyEntries(papers: readonly Paper[], style: CslStyle): Array<{ key: string; text: string }> {
  if (!papers.length) return [];
  const result = engineFor(papers, style, 'text').makeBibliography();
  if (!result) return [];
  const ids = (result[0] as { entry_ids?: string[][] }).entry_ids ?? [];
  return result[1].map((entry, i) => ({ key: ids[i]?.[0] ?? '', text: entry.replace(/\s+/g, ' ').trim() }));
}

/** A citeproc engine over these papers (registered in this order: a numeric style numbers them so). */
function engineFor(papers: readonly Paper[], style: CslStyle, format: 'text' | 'html'): CSL.Engine {
  const items = new Map(papers.map((p) => [p.key, cslItemFor(p)]));
  const engine = new CSL.Engine({ retrieveLocale: (lang) => style.locales[lang] ?? style.locales['en-US'], retrieveItem: (id) => items.get(id) }, style.xml);
  engine.setOutputFormat(format);
  engine.updateItems([...items.keys()]);
  return engine;
}

const references = new WeakMap<CslStyle, WeakMap<Paper, string>>();

/** One paper's reference in a style, remembered per style and paper (the hover asks on every mouse rest). */
export function formatReference(paper: Paper, style: CslStyle): string | undefined {
  let byPaper = references.get(style);
  if (!byPaper) references.set(style, (byPaper = new WeakMap()));
  let text = byPaper.get(paper);
  if (text === undefined) byPaper.set(paper, (text = formatBibliography([paper], style)[0] ?? ''));
  return text || undefined;
}

/**
 * Our CSL-JSON item; a BibTeX entry read field by field as pandoc reads BibTeX
 * (Text.Pandoc.Citeproc.BibTeX), so that the bibliography matches `pandoc --citeproc`.
 */
export function cslItemFor(paper: Paper): CslItem {
  // Reading the fields as pandoc does parses each one: done once a paper (the preview asks on every render);
  // a copy goes out, since citeproc-js may change the items it is given.
  let item = cslItems.get(paper);
  if (!item) cslItems.set(paper, (item = readCslItem(paper)));
  return structuredClone(item);
}

const cslItems = new WeakMap<Paper, CslItem>();

function readCslItem(paper: Paper): CslItem {
  const item = toCslItem(paper);
  delete item.abstract;
  const fields = paper.publication?.bibtexFields;
  if (fields) readAsPandoc(item, paper, new Map(fields));
  for (const role of ['author', 'editor'] as const) {
    const names = item[role];
    if (!names) continue;
    item[role] = names.map((n) => {
      if (n.literal === 'others') return { family: 'al.', 'dropping-particle': 'et' };
      // A BibTeX "von" part is a particle that drops when sorting ("Arx, S. von"), as pandoc reads it.
      const { 'non-dropping-particle': particle, ...rest } = n;
      // "I.J." read as "I. J.", as pandoc reads initials run together.
      if (rest.given) rest.given = rest.given.replace(/(?<!\p{L})(\p{Lu})\.(?=\p{Lu}(?!\p{L}))/gu, '$1. ');
      return particle ? { ...rest, 'dropping-particle': particle } : rest;
    });
  }
  return item;
}

// Title case as pandoc's citeproc does it: its stop words (citeproc-js's own list is four times longer:
// "through", "between", "given"…), read by citeproc-js when it loads a locale.
(CSL as unknown as { SKIP_WORDS: string[] }).SKIP_WORDS = ['a', 'an', 'and', 'as', 'at', 'but', 'by', 'down', 'for', 'from', 'in', 'into', 'nor', 'of', 'on', 'onto', 'or', 'over', 'so', 'the', 'till', 'to', 'up', 'via', 'with', 'yet', 'about', 'van', 'von', 'de', 'd', 'l'];

const EPRINT_URL: Record<string, string> = { arxiv: 'https://arxiv.org/abs/', jstor: 'https://www.jstor.org/stable/', pubmed: 'https://www.ncbi.nlm.nih.gov/pubmed/', googlebooks: 'https://books.google.com?id=' };

/** A name list as written (`{A and {B and C}}`), split at the top-level "and"s. */
function splitNameList(raw: string): string[] {
  const value = raw.trim().replace(/^[{"]([\s\S]*)[}"]$/, '$1');
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0 && /\s/.test(c ?? '') && /^\s+and\s/i.test(value.slice(i, i + 6))) {
      names.push(value.slice(start, i));
      i += /^\s+and/i.exec(value.slice(i))![0].length;
      start = i;
    }
  }
  names.push(value.slice(start));
  return names.map((n) => n.trim()).filter((n) => n && !/^others$/i.test(n));
}

const ARTICLE_LIKE = ['article', 'periodical', 'suppperiodical', 'review'];
const CHAPTER_LIKE = ['inbook', 'incollection', 'inproceedings', 'inreference', 'bookinbook'];
/** Entry types whose `number` is the number in a series. */
const SERIES_NUMBERED = ['book', 'collection', 'proceedings', 'reference', 'mvbook', 'mvcollection', 'mvproceedings', 'mvreference', 'suppbook', 'suppcollection', ...CHAPTER_LIKE];
/** The genre pandoc gives a thesis without a `type` field (biblatex's English strings). */
const THESIS_GENRE: Record<string, string> = { phdthesis: 'PhD thesis', mastersthesis: "Master's thesis" };

/** Sets the variables pandoc reads from a BibTeX entry's fields, as it reads them. */
function readAsPandoc(item: CslItem, paper: Paper, fields: ReadonlyMap<string, string>): void {
  const publication = paper.publication!;
  // A macro (`journal = jmlr`, defined by an @string) is read from the entry as the parser expanded it.
  const expanded: Record<string, string | undefined> = { title: paper.title, journal: publication.journal, journaltitle: publication.journal, booktitle: publication.booktitle, volume: publication.volume, number: publication.number, pages: publication.pages, publisher: publication.publisher };
  const isMacro = (raw: string) => !/^\s*[{"\d]/.test(raw);
  const text = (name: string) => {
    const raw = fields.get(name);
    if (raw === undefined) return undefined;
    return (isMacro(raw) ? expanded[name] : bibtexValueText(raw)) || undefined;
  };
  const title = (name: string) => {
    const raw = fields.get(name);
    if (raw === undefined) return undefined;
    if (isMacro(raw)) return expanded[name] || undefined;
    return sentenceCased(raw).replace(/\u0001([^\u0001\u0002]*)\u0002/g, '<span class="nocase">$1</span>').replace(/[\u0001\u0002]/g, '') || undefined;
  };
  /** pandoc's concatWith: parts joined by the separator and a space, or by a space after punctuation. */
  const joined = (parts: Array<string | undefined>, separator: string) =>
    parts.filter((p): p is string => !!p).reduce((all, part) => (!all ? part : /[!?.,:;]$/.test(all) ? `${all} ${part}` : `${all}${separator} ${part}`), '');
  /** A list field ("Chapman and Hall"): its items joined by semicolons. */
  const list = (name: string) => text(name)?.split(/\s+and\s+/).join('; ');
  const type = (publication.type ?? '').toLowerCase();
  const mainTitle = title('title');
  // pandoc's citeproc never changes the case of a word with a letter outside ASCII ("für"); citeproc-js would
  // capitalise it in a title-cased journal name. Protected from case changes, it reads as pandoc writes it.
  const keepCase = (value: string) => value.replace(/[\p{L}\p{N}]+/gu, (word) => (/[^\x00-\x7F]/.test(word) && word === word.toLowerCase() ? `<span class="nocase">${word}</span>` : word));
  if (mainTitle) item.title = keepCase(joined([joined([mainTitle, title('subtitle')], ':'), title('titleaddon')], '.'));
  const isArticle = ARTICLE_LIKE.includes(type);
  const isChapter = CHAPTER_LIKE.includes(type);
  const container = isChapter ? title('maintitle') ?? title('booktitle') ?? text('journaltitle') ?? text('journal') : text('journaltitle') ?? text('journal');
  if (container) item['container-title'] = keepCase(container);
  else delete item['container-title'];
  const series = title('series');
  if (series) item['collection-title'] = series;
  const genre = text('type') ?? THESIS_GENRE[type];
  if (genre) item.genre = genre;
  // The number: in a series for books and their parts, an issue for articles, else a report's or patent's number.
  delete item.issue;
  // citeproc-js would make "1-2" a range ("1–2"); pandoc's citeproc writes such a number as it is.
  const number = text('number')?.replace(/-/g, '\\-');
  if (number) {
    if (SERIES_NUMBERED.includes(type)) item['collection-number'] = number;
    else if (isArticle) item.issue = joined([number, text('issue')], ',');
    else item.number = number;
  }
  const volume = text('volume');
  const part = text('part');
  if (volume || part) item.volume = (volume && part ? `${volume}.${part}` : volume ?? part)!.replace(/-/g, '\\-');
  else delete item.volume;
  const pages = text('pages');
  if (pages) item.page = pages.replace(/–/g, '-');
  else delete item.page;
  for (const [variable, field] of [['edition', 'edition'], ['chapter-number', 'chapter'], ['number-of-volumes', 'volumes'], ['number-of-pages', 'pagetotal'], ['version', 'version'], ['note', 'note'], ['event-place', 'venue']] as const) {
    const value = text(field);
    if (value) item[variable] = value;
  }
  const publisher = joined(['school', 'institution', 'organization', 'howpublished', 'publisher'].map(list), ';');
  if (publisher) item.publisher = publisher;
  else delete item.publisher;
  const place = list('address') ?? list('location');
  if (place) item['publisher-place'] = place;
  const editors = fields.get('editor');
  if (editors !== undefined && item.author) item.editor = bibtexNames(editors).map(cslName);
  // The link pandoc gives: the `url` field, else an arXiv, JSTOR or PubMed eprint with its type.
  const url = fields.get('url')?.trim().replace(/^[{"]|[}"]$/g, '');
  const eprint = fields.get('eprint')?.trim().replace(/^[{"]|[}"]$/g, '');
  const eprintBase = EPRINT_URL[(text('eprinttype') ?? text('archiveprefix') ?? '').toLowerCase()];
  if (url) item.URL = url;
  else if (eprint && eprintBase) item.URL = eprintBase + eprint;
  else delete item.URL;
  // "McInnes, L," is BibTeX's "Last, Jr, First" with no first name: pandoc prints it as "McInnes, L".
  const authors = fields.get('author');
  if (authors && item.author) {
    const written = splitNameList(authors);
    if (written.length === item.author.length) {
      written.forEach((name, i) => {
        const parts = name.split(',').map((p) => p.trim());
        if (parts.length === 3 && parts[0] && parts[1] && !parts[2]) item.author![i] = { family: bibtexValueText(`{${parts[0]}}`) ?? parts[0]!, suffix: bibtexValueText(`{${parts[1]}}`) ?? parts[1]! };
      });
    }
  }
  const accessed = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$/.exec(text('urldate') ?? '');
  if (accessed) item.accessed = { 'date-parts': [accessed.slice(1).filter(Boolean).map(Number)] };
  // A year that is no number ("2023a") is a literal date, as pandoc keeps it.
  const year = text('year');
  if (!item.issued && year && !fields.has('date')) item.issued = { literal: year };
}

/**
 * A BibTeX title in sentence case, as pandoc does for English entries: a word spelt in
 * title case ("Theory", "Large-Scale") is lowercased unless it starts the title or
 * follows a colon, a question or an exclamation mark; a word with other capitals ("TensorFlow", "GANs") and anything in
 * braces stay as written.
 */
const TITLE_CASE_WORD = /^\p{Lu}[\p{Ll}'’]*$/u;
/** An accent command inside a word (`Op\'erations`): not a letter of it, for telling its case. */
const ACCENT_COMMAND = /\\[^A-Za-z\s]|[{}]/g;

export function sentenceCase(raw: string): string {
  return sentenceCased(raw).replace(/[\u0001\u0002]/g, '');
}

/**
 * sentenceCase, with each braced part that holds a word starting in lower case ("{bookdown}",
 * "{data.frame}") between \u0001 and \u0002: pandoc keeps such a part's case when a style
 * puts the title in title case (its other braced parts, "{A}nnual", are cased again).
 */
function sentenceCased(raw: string): string {
  // The value without its delimiters: `{…}` or `"…"` (inside quotes, a braced group protects its case).
  const value = raw
    .trim()
    .replace(/^\{([\s\S]*)\}$/, (whole, inner: string) => (balanced(inner) ? inner : whole))
    .replace(/^"([\s\S]*)"$/, (whole, inner: string) => (balanced(inner) ? inner : whole));
  let out = '';
  let depth = 0;
  let word = '';
  let first = true;
  let afterColon = false;
  const flush = () => {
    if (!word) return;
    // Each part of a hyphenated word on its own ("Score-Based" → "Score-based"), as citeproc cases them.
    out += word
      .split('-')
      .map((part, i) => (i === 0 && (first || afterColon) ? part.slice(0, 1).toUpperCase() + part.slice(1) : TITLE_CASE_WORD.test(part.replace(ACCENT_COMMAND, '')) ? part.toLowerCase() : part))
      .join('-');
    word = '';
    first = false;
    afterColon = false;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && depth === 0) {
      // A command (\"o, \emph{…}) belongs to the word it is in.
      const command = /^\\(?:[a-zA-Z]+|.)(?:\{[^{}]*\})?/.exec(value.slice(i))?.[0] ?? c;
      word += command;
      i += command.length - 1;
    } else if (c === '{') {
      flush();
      depth++;
      // A braced part is written as it is; it counts as a word of the title.
      let j = i + 1;
      let d = 1;
      for (; j < value.length && d > 0; j++) d += value[j] === '{' ? 1 : value[j] === '}' ? -1 : 0;
      const inner = value.slice(i + 1, j - 1);
      out += /(?:^|[^\p{L}\\])\p{Ll}/u.test(inner.replace(ACCENT_COMMAND, '')) ? `\u0001${inner}\u0002` : inner;
      depth--;
      i = j - 1;
      first = false;
      // "{I.} The method": a braced part can end a sentence too.
      afterColon = /[.:?!]$/.test(inner) && /\s/.test(value[j] ?? '');
    } else if (/[\p{L}\p{N}'’-]/u.test(c)) word += c;
    else {
      flush();
      out += c;
      // A new sentence after a colon, a question or exclamation mark, or a full stop before a space ("I. The method").
      if (c === ':' || c === '?' || c === '!' || (c === '.' && /\s/.test(value[i + 1] ?? ''))) afterColon = true;
      else if (!/\s/.test(c)) afterColon = false;
    }
  }
  flush();
  return bibtexValueText(`{${out}}`) ?? latexToText(out.replace(/---/g, '—').replace(/--/g, '–')).replace(/[{}]/g, '');
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** One cited work in a citation group: `see @doe99, p. 33` → prefix "see", key, locator "33" (label page). */
export interface CiteItem {
  key: string;
  prefix?: string;
  suffix?: string;
  locator?: string;
  label?: string;
  /** `-@key`: the author is already named in the text. */
  suppressAuthor?: boolean;
}

const LOCATOR = /^\s*,?\s*(pp?\.|pages?|chap(?:ter)?\.?|sec(?:tion)?\.?|§|fig(?:ure)?\.?|vol(?:ume)?\.?|para\.?)\s*([\w.–-]+)\s*(.*)$/i;
const LABELS: Record<string, string> = { p: 'page', pp: 'page', page: 'page', pages: 'page', chap: 'chapter', chapter: 'chapter', sec: 'section', section: 'section', '§': 'section', fig: 'figure', figure: 'figure', vol: 'volume', volume: 'volume', para: 'paragraph' };

/** The items of a bracketed citation group's inside (`see @a, p. 3; @b`), as pandoc reads them. */
export function citeItems(inside: string, keyPattern: RegExp): CiteItem[] {
  const items: CiteItem[] = [];
  for (const part of inside.split(';')) {
    const m = new RegExp(`^(.*?)(-?)@(?:\\{([^{}]+)\\}|(${keyPattern.source}))(.*)$`, 'su').exec(part.trim());
    if (!m) continue;
    const item: CiteItem = { key: m[3] ?? m[4]! };
    if (m[1]!.trim()) item.prefix = m[1]!.trim();
    if (m[2]) item.suppressAuthor = true;
    const rest = m[5]!;
    const locator = LOCATOR.exec(rest);
    if (locator) {
      item.label = LABELS[locator[1]!.toLowerCase().replace(/\.$/, '')] ?? 'page';
      item.locator = locator[2]!;
      if (locator[3]!.trim()) item.suffix = locator[3]!.trim();
    } else if (rest.replace(/^\s*,/, '').trim()) item.suffix = rest.replace(/^\s*,/, '').trim();
    items.push(item);
  }
  return items;
}

/**
 * Citation groups and the bibliography of a document, in HTML, as pandoc --citeproc
 * renders them: each group formatted in the style (numbered in order of first citation
 * for a numeric style), then every cited work's entry with its key.
 */
export function renderCitations(groups: readonly CiteItem[][], paper: (key: string) => Paper | undefined, style: CslStyle): { groups: string[]; bibliography: Array<{ key: string; html: string }> } {
  const papers = new Map<string, Paper>();
  for (const group of groups) for (const item of group) {
    const p = paper(item.key);
    if (p && !papers.has(p.key)) papers.set(p.key, p);
  }
  if (!papers.size) return { groups: groups.map(() => ''), bibliography: [] };
  const engine = engineFor([...papers.values()], style, 'html');
  const rendered = groups.map((group) => {
    const known = group.filter((item) => papers.has(paper(item.key)?.key ?? ''));
    if (!known.length) return '';
    return engine.makeCitationCluster(
      known.map((item) => ({
        id: paper(item.key)!.key,
        ...(item.locator ? { locator: item.locator, label: item.label ?? 'page' } : {}),
        ...(item.prefix ? { prefix: `${item.prefix} ` } : {}),
        ...(item.suffix ? { suffix: ` ${item.suffix}` } : {}),
        ...(item.suppressAuthor ? { 'suppress-author': true } : {}),
      })),
    );
  });
  const result = engine.makeBibliography();
  const ids = result ? ((result[0] as { entry_ids?: string[][] }).entry_ids ?? []) : [];
  const bibliography = result ? result[1].map((html, i) => ({ key: ids[i]?.[0] ?? '', html: html.trim() })) : [];
  return { groups: rendered, bibliography };
}
