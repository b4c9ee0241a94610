import { Paper } from '../core/model';
import { isWebLink, paperMeta } from '../core/paperCard';
import { Taxonomy } from '../core/techniques';
import { truncate } from '../core/text';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The paper card page: a strict Content-Security-Policy (nothing remote; the one
 * script and style only with the nonce), every value escaped, links opened by the
 * extension (only http/https, only on a click) rather than by the page.
 */
export function renderPaperCardHtml(paper: Paper, taxonomy: Taxonomy, cspSource: string, n: string): string {
  const techniques = paper.techniques
    .map((id) => `<span class="badge">${escapeHtml(taxonomy.technique(id)?.label ?? id)}</span>`)
    .join(' ');
  const links = paper.links
    .map((url, i) => (isWebLink(url) ? `<li><a href="#" data-index="${i}">${escapeHtml(truncate(url, 120))}</a></li>` : ''))
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource}; style-src 'nonce-${n}'; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.2em; line-height: 1.5; overflow-wrap: anywhere; }
h1 { font-size: 1.35em; } .meta { color: var(--vscode-descriptionForeground); }
.badge { display: inline-block; padding: 0 .5em; border-radius: 1em; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); font-size: .85em; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: 0; padding: .35em .8em; margin: 0 .4em .4em 0; cursor: pointer; }
code { font-family: var(--vscode-editor-font-family); }
</style></head>
<body>
<h1>${escapeHtml(truncate(paper.title, 500))}</h1>
<p class="meta">${escapeHtml(paperMeta(paper))} · <code>@${escapeHtml(paper.key)}</code></p>
<p>${techniques}</p>
<p>${escapeHtml(truncate(paper.abstract, 20000))}</p>
${links ? `<ul>${links}</ul>` : ''}
<p><button data-action="insert">Insert citation</button><button data-action="copyKey">Copy key</button><button data-action="copyBibtex">Copy BibTeX</button></p>
<script nonce="${n}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return;
  if (target.dataset.action) vscode.postMessage({ type: target.dataset.action });
  if (target.dataset.index !== undefined) { event.preventDefault(); vscode.postMessage({ type: 'open', index: Number(target.dataset.index) }); }
});
</script>
</body></html>`;
}
