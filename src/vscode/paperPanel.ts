import * as vscode from 'vscode';
import { formatBibtex } from '../core/citationFormat';
import { Paper } from '../core/model';
import { isWebLink } from '../core/paperCard';
import { renderPaperCardHtml } from './paperCardHtml';
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

  /** Shows the paper whole (the editor keeps summaries: the abstract in full comes from the library engine). */
  async show(summary: Paper): Promise<void> {
    const paper = await this.service.snapshot.wholePaper(summary);
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
    this.panel.webview.html = renderPaperCardHtml(paper, this.service.snapshot.taxonomy, this.panel.webview.cspSource, nonce());
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

/** A fresh nonce per render, for the card's own script and style. */
function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let value = '';
  const random = new Uint32Array(32);
  crypto.getRandomValues(random);
  for (const r of random) value += chars[r % chars.length];
  return value;
}
