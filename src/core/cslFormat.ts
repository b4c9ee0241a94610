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
  const items = new Map(papers.map((p) => [p.key, cslItemFor(p)]));
  const engine = new CSL.Engine({ retrieveLocale: (lang) => style.locales[lang] ?? style.locales['en-US'], retrieveItem: (id) => items.get(id) }, style.xml);
  engine.setOutputFormat('text');
  engine.updateItems([...items.keys()]);
  const result = engine.makeBibliography();
  if (!result) return [];
  const ids = (result[0] as { entry_ids?: string[][] }).entry_ids ?? [];
  return result[1].map((entry, i) => ({ key: ids[i]?.[0] ?? '', text: entry.replace(/\s+/g, ' ').trim() }));
}

/** Whether a style name is one bundled in media/csl. */
export function isBundledCsl(name: string): boolean {
  return (BUNDLED_CSL_STYLES as readonly string[]).includes(name);
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
