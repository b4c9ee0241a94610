import CSL from 'citeproc';
import { BUNDLED_CSL_STYLES } from './bundled';
import { CslItem, toCslItem } from './citationFormat';
import { Paper } from './model';
import { parse } from 'yaml';
import { frontMatter } from './markdownParse';
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

/** Whether a style name is one bundled in media/csl. */
export function isBundledCsl(name: string): boolean {
  return (BUNDLED_CSL_STYLES as readonly string[]).includes(name);
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

/** The style a note names in its front matter (`csl: apa` or a path), as pandoc reads it. */
export function declaredCsl(markdown: string): string | undefined {
  const yaml = frontMatter(markdown)?.yaml;
  if (!yaml) return undefined;
  try {
    const value = (parse(yaml) as Record<string, unknown> | null)?.csl;
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Our CSL-JSON item, read as pandoc reads BibTeX: a title in title case becomes sentence
 * case (braced words kept as written), and the `and others` of an author list is the
 * name pandoc makes of it.
 */
export function cslItemFor(paper: Paper): CslItem {
  const item = toCslItem(paper);
  delete item.abstract;
  const raw = (name: string) => paper.publication?.bibtexFields?.find(([field]) => field === name)?.[1];
  const plain = (value: string) => latexToText(value.replace(/^\s*[{"]|[}"]\s*$/g, '')).replace(/[{}]/g, '').replace(/~/g, ' ').replace(/\s+/g, ' ').trim();
  const rawTitle = raw('title');
  if (rawTitle) item.title = sentenceCase(rawTitle);
  // Where and by whom, as pandoc reads them: `address`, and `organization` (or `institution`, `school`) when no publisher.
  const container = raw('journal') ?? raw('journaltitle') ?? raw('booktitle');
  if (container && item['container-title']) item['container-title'] = plain(container);
  const address = raw('address') ?? raw('location');
  if (address) item['publisher-place'] = plain(address);
  const by = raw('organization') ?? raw('institution') ?? raw('school');
  if (!item.publisher && by) item.publisher = plain(by);
  for (const role of ['author', 'editor'] as const) {
    const names = item[role];
    if (!names) continue;
    item[role] = names.map((n) => {
      if (n.literal === 'others') return { family: 'al.', 'dropping-particle': 'et' };
      // A BibTeX "von" part is a particle that drops when sorting ("Arx, S. von"), as pandoc reads it.
      const { 'non-dropping-particle': particle, ...rest } = n;
      return particle ? { ...rest, 'dropping-particle': particle } : n;
    });
  }
  return item;
}

/**
 * A BibTeX title in sentence case, as pandoc does for English entries: a word spelt in
 * title case ("Theory", "Large-Scale") is lowercased unless it starts the title or
 * follows a colon, a question or an exclamation mark; a word with other capitals ("TensorFlow", "GANs") and anything in
 * braces stay as written.
 */
export function sentenceCase(raw: string): string {
  const value = raw.trim().replace(/^\{([\s\S]*)\}$/, (whole, inner: string) => (balanced(inner) ? inner : whole));
  let out = '';
  let depth = 0;
  let word = '';
  let first = true;
  let afterColon = false;
  const flush = () => {
    if (!word) return;
    if (first) out += word[0]!.toUpperCase() + word.slice(1);
    else if (afterColon) out += word[0]!.toUpperCase() + word.slice(1);
    else out += /^\p{Lu}[\p{Ll}'’]*(?:-\p{Lu}?[\p{Ll}'’]*)*$/u.test(word) ? word.toLowerCase() : word;
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
      out += value.slice(i + 1, j - 1);
      depth--;
      i = j - 1;
      first = false;
      afterColon = false;
    } else if (/[\p{L}\p{N}'’-]/u.test(c)) word += c;
    else {
      flush();
      out += c;
      if (c === ':' || c === '?' || c === '!') afterColon = true;
      else if (!/\s/.test(c)) afterColon = false;
    }
  }
  flush();
  return latexToText(out.replace(/---/g, '—').replace(/--/g, '–')).replace(/[{}]/g, '');
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
