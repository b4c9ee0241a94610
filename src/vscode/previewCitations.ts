import * as vscode from 'vscode';
import { DEFAULT_CSL_STYLE } from '../core/bundled';
import { BRACED_KEY_SOURCE, PANDOC_KEY_SOURCE } from '../core/citationKeys';
import type { CiteItem, CslStyle } from '../core/cslFormat';
import { Paper } from '../core/model';
import { CslStyles } from './cslStyles';
import { cslFormat, noteReaders } from './lazyModules';
import { LibraryService } from './libraryService';

/** The part of markdown-it this plugin uses (VS Code hands in its own instance). */
interface Token {
  type: string;
  content: string;
  children: Token[] | null;
}
interface CoreState {
  src: string;
  tokens: Token[];
  env: { currentDocument?: vscode.Uri };
  Token: new (type: string, tag: string, nesting: number) => Token;
}
interface MarkdownIt {
  core: { ruler: { push(name: string, rule: (state: CoreState) => void): void } };
  utils: { escapeHtml(text: string): string };
}

const KEY = new RegExp(PANDOC_KEY_SOURCE, 'u');
const GROUP = /\[([^[\]]*@[^[\]]*)\]/g;
const IN_TEXT = new RegExp(String.raw`(?<![\p{L}\p{N}_@\[])(-?)@(?:\{(${BRACED_KEY_SOURCE})\}|(${PANDOC_KEY_SOURCE}))`, 'gu');

/**
 * Citations in VS Code's Markdown preview: `[@a; @b, p. 3]` and `@key` rendered in the
 * note's citation style (its front matter `csl:`, else `paperDigest.csl`, else pandoc's
 * default, Chicago author-date), each linked to its entry in a bibliography at the end
 * and titled with the paper; an unknown key is shown as such.
 */
export function citationPreviewPlugin(service: LibraryService, styles: CslStyles): (md: MarkdownIt) => MarkdownIt {
  return (md) => {
    md.core.ruler.push('paper_digest_citations', (state) => {
      const style = styles.cached(noteReaders().noteBibliography.declaredCsl(state.src) ?? (configuredStyle(state.env.currentDocument) || DEFAULT_CSL_STYLE), state.env.currentDocument);
      if (!style) return; // loading; the preview is refreshed when it is there
      renderInto(state, md, (key) => service.snapshot.paper(key), style);
    });
    return md;
  };
}

function configuredStyle(uri: vscode.Uri | undefined): string {
  return vscode.workspace.getConfiguration('paperDigest', uri).get<string>('csl', '').trim();
}

interface Found {
  token: Token;
  start: number;
  end: number;
  items: CiteItem[];
  text: string;
}

function renderInto(state: CoreState, md: MarkdownIt, paper: (key: string) => Paper | undefined, style: CslStyle): void {
  // Every citation of the document first, in order, so that a numeric style numbers them as pandoc does.
  const found: Found[] = [];
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    for (const token of block.children) {
      if (token.type !== 'text' || !token.content.includes('@')) continue;
      const spans: Found[] = [];
      for (const m of token.content.matchAll(GROUP)) spans.push({ token, start: m.index, end: m.index + m[0].length, items: cslFormat().citeItems(m[1]!, KEY), text: m[0] });
      for (const m of token.content.matchAll(IN_TEXT)) {
        if (spans.some((s) => s.start <= m.index && m.index < s.end)) continue;
        spans.push({ token, start: m.index, end: m.index + m[0].length, items: [{ key: m[2] ?? m[3]!, ...(m[1] ? { suppressAuthor: true } : {}) }], text: m[0] });
      }
      found.push(...spans.filter((s) => s.items.length).sort((a, b) => a.start - b.start));
    }
  }
  if (!found.length) return;
  const { groups, bibliography } = cslFormat().renderCitations(
    found.map((f) => f.items),
    paper,
    style,
  );
  const escape = md.utils.escapeHtml;
  const html = (content: string): Token => {
    const t = new state.Token('html_inline', '', 0);
    t.content = content;
    return t;
  };
  const text = (content: string): Token => {
    const t = new state.Token('text', '', 0);
    t.content = content;
    return t;
  };
  const byToken = new Map<Token, Array<{ f: Found; i: number }>>();
  found.forEach((f, i) => byToken.set(f.token, [...(byToken.get(f.token) ?? []), { f, i }]));
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const children: Token[] = [];
    for (const token of block.children) {
      const mine = byToken.get(token);
      if (!mine) {
        children.push(token);
        continue;
      }
      let at = 0;
      for (const { f, i } of mine) {
        if (f.start > at) children.push(text(token.content.slice(at, f.start)));
        const known = f.items.map((item) => paper(item.key)).filter((p): p is Paper => !!p);
        if (!groups[i] || !known.length) children.push(html(`<span class="paper-digest-unknown" title="Unknown citation key">${escape(f.text)}</span>`));
        else {
          const title = known.map((p) => `${p.title}${p.authors.length ? ` — ${p.authors.slice(0, 3).join(', ')}${p.authors.length > 3 ? ' et al.' : ''}` : ''}`).join('\n');
          children.push(html(`<a class="paper-digest-citation" href="#paper-digest-ref-${escape(known[0]!.key)}" title="${escape(title)}">${groups[i]}</a>`));
        }
        at = f.end;
      }
      if (at < token.content.length) children.push(text(token.content.slice(at)));
    }
    block.children = children;
  }
  // A note with Paper Digest's own References section has its list already.
  if (!bibliography.length || /<!--\s*paper-digest:references/.test(state.src)) return;
  const list = new state.Token('html_block', '', 0);
  list.content = `<div class="references paper-digest-references">\n${bibliography.map((e) => `<div id="paper-digest-ref-${escape(e.key)}">${e.html}</div>`).join('\n')}\n</div>\n`;
  state.tokens.push(list);
}
