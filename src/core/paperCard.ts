import { authorLine, paperUrl, venueText } from './citationFormat';
import { Paper } from './model';
import { Taxonomy } from './techniques';
import { truncate } from './text';

/**
 * The paper card as Markdown, for hovers and tooltips. Every piece of digest text
 * is escaped, so a title or abstract can never become a link, an image or HTML.
 */

const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|<>~&$@:"']/g;

export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(MARKDOWN_SPECIALS, (c) => `\\${c}`);
}

/** The first sentences of an abstract, at most about `max` characters. */
export function abstractLead(abstract: string, max = 360): string {
  // Sentence ends found one after another from the start, never past the first that does
  // not fit: linear, and only as far as the lead goes (a summary is made for every paper).
  const end = /[.!?]+(?:\s+|$)/g;
  let cut = 0;
  for (let m = end.exec(abstract); m; m = end.exec(abstract)) {
    const next = m.index + m[0].length;
    if (cut && next > max) break;
    cut = next;
  }
  return truncate(abstract.slice(0, cut).trim() || abstract, max);
}

/** The part of the abstract around the first matched word, so that a search result shows why it matched. */
export function abstractSnippet(abstract: string, terms: readonly string[], width = 220): string {
  const lower = abstract.toLowerCase();
  const index = terms.map((t) => lower.search(new RegExp(`\\b${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))).filter((i) => i >= 0).sort((a, b) => a - b)[0];
  if (index === undefined || index < width / 3) return truncate(abstract, width);
  const start = abstract.lastIndexOf(' ', index - Math.floor(width / 4)) + 1;
  return `…${truncate(abstract.slice(start), width)}`;
}

export function paperMeta(paper: Paper): string {
  const parts: string[] = [];
  if (paper.shortName) parts.push(paper.shortName);
  if (paper.date) parts.push(paper.date);
  const authors = authorLine(paper);
  if (authors) parts.push(authors);
  const venue = venueText(paper);
  if (venue) parts.push(venue);
  if (paper.upvotes !== null) parts.push(`▲ ${paper.upvotes}`);
  return parts.join(' · ');
}

export interface CardCommand {
  title: string;
  command: string;
  args: unknown[];
}

/** Hover card: title, meta line, technique badges, abstract lead, links, command links. */
export function paperCardMarkdown(paper: Paper, taxonomy: Taxonomy, commands: readonly CardCommand[] = []): string {
  const lines = [`**${escapeMarkdown(truncate(paper.title, 300))}**`, '', escapeMarkdown(paperMeta(paper))];
  if (paper.techniques.length) {
    lines.push('', paper.techniques.map((id) => `\`${(taxonomy.technique(id)?.label ?? id).replace(/`/g, '')}\``).join(' '));
  }
  if (paper.abstract) lines.push('', escapeMarkdown(abstractLead(paper.abstract)));
  const own = paperUrl(paper);
  const links = [...new Set([...(own ? [own] : []), ...paper.links])]
    .filter(isWebLink).slice(0, 3).map((url) => `[${escapeMarkdown(shortUrl(url))}](${encodeURI(decodeURISafe(url)).replace(/\(/g, '%28').replace(/\)/g, '%29')})`);
  if (links.length) lines.push('', links.join(' · '));
  if (commands.length) {
    lines.push('', commands.map((c) => `[${escapeMarkdown(c.title)}](command:${c.command}?${encodeURIComponent(JSON.stringify(c.args))})`).join(' · '));
  }
  lines.push('', `\`@${paper.key}\``);
  return lines.join('\n');
}

export function isWebLink(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url);
}

function decodeURISafe(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

function shortUrl(url: string): string {
  return truncate(url.replace(/^https?:\/\/(www\.)?/, ''), 60);
}

/**
 * A paper as the editor keeps it: all but the abstract's tail and the keywords (at
 * 50,000 papers the abstracts alone are 100 MB). The editor asks the engine for whole
 * papers where it writes them out or shows the abstract in full.
 */
export function paperSummary(paper: Paper): Paper {
  return { ...paper, abstract: abstractLead(paper.abstract), keywords: [] };
}
