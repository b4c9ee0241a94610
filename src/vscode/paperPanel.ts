import * as vscode from 'vscode';
import { formatBibtex } from '../core/citationFormat';
import { Library } from '../core/library';
import { Paper } from '../core/model';
import { isWebLink, paperMeta } from '../core/paperCard';
import { truncate } from '../core/text';
import { LibraryService } from './libraryService';

/**
 * The paper card in the editor area: a webview with a strict Content-Security-Policy
 * (no remote anything, scripts only with a nonce), every value escaped, and links
 * opened only on a click, only http(s), through `openExternal`.
 */
export class PaperPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private paper: Paper | undefined;

  constructor(
    private readonly service: LibraryService,
    private readonly insertCitation: (paper: Paper) => Thenable<unknown>,
  ) {}

  show(paper: Paper): void {
    this.paper = paper;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('paperDigest.card', 'Paper', vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((message: { type?: string; index?: number }) => this.onMessage(message));
    }
    this.panel.title = truncate(paper.shortName ?? paper.title, 40);
    this.panel.webview.html = renderCard(paper, this.service.snapshot, this.panel.webview.cspSource);
    this.panel.reveal(undefined, true);
  }

  private async onMessage(message: { type?: string; index?: number }): Promise<void> {
    const paper = this.paper;
    if (!paper) return;
    switch (message.type) {
      case 'insert':
        await this.insertCitation(paper);
        break;
      case 'copyKey':
        await vscode.env.clipboard.writeText(paper.key);
        break;
      case 'copyBibtex':
        await vscode.env.clipboard.writeText(formatBibtex(paper));
        break;
      case 'open': {
        const url = paper.links[message.index ?? -1];
        if (url && isWebLink(url)) await vscode.env.openExternal(vscode.Uri.parse(url));
        break;
      }
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let value = '';
  for (let i = 0; i < 32; i++) value += chars[Math.floor(Math.random() * chars.length)];
  return value;
}

function renderCard(paper: Paper, library: Library, cspSource: string): string {
  const n = nonce();
  const techniques = paper.techniques
    .map((id) => `<span class="badge">${escapeHtml(library.taxonomy.technique(id)?.label ?? id)}</span>`)
    .join(' ');
  const links = paper.links
    .map((url, i) => (isWebLink(url) ? `<li><a href="#" data-index="${i}">${escapeHtml(truncate(url, 120))}</a></li>` : ''))
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource}; style-src 'nonce-${n}'; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.2em; line-height: 1.5; }
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
