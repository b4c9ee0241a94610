import type { Root, RootContent } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/** Links and raw HTML a Markdown text really contains, read as CommonMark reads it. */
export function markup(markdown: string): { links: string[]; html: string[] } {
  const links: string[] = [];
  const html: string[] = [];
  const walk = (node: Root | RootContent): void => {
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') links.push(node.url);
    if (node.type === 'html') html.push(node.value);
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(unified().use(remarkParse).parse(markdown));
  return { links, html };
}
