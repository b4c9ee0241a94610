import * as vscode from 'vscode';

import { EditorLibrary, LibraryService } from './libraryService';

/** "📖 47 papers" in the status bar; a click opens Search Papers. */
export class PaperCountStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('paperDigest.papers', vscode.StatusBarAlignment.Right, 100);
  private readonly subscription: vscode.Disposable;

  constructor(service: LibraryService) {
    this.item.name = 'Paper Digest';
    this.item.command = 'paperDigest.searchPapers';
    this.item.text = '$(sync~spin) Paper Digest';
    this.item.tooltip = 'Paper Digest is reading the digests…';
    this.item.show();
    this.subscription = service.onDidChange((library) => this.update(library, service.digestUris.length));
  }

  private update(library: EditorLibrary, digests: number): void {
    const n = library.size;
    this.item.text = `$(book) ${n} paper${n === 1 ? '' : 's'}`;
    const problems = library.problems.length;
    this.item.tooltip = `Paper Digest: ${n} papers from ${digests} digest${digests === 1 ? '' : 's'}${problems ? `, ${problems} problem${problems === 1 ? '' : 's'} (see Problems)` : ''}. Click to search.`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
