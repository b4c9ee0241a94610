import * as vscode from 'vscode';
import { DocumentDebouncer } from './debounce';
import { closestPapers } from '../core/writing';
import { toVsRange } from './convert';
import { LibraryService } from './libraryService';

export const UNKNOWN_CITATION = 'unknown-citation';

/** Warns, while typing, about `@key`s no digest has; debounced, Markdown only. */
export class CitationDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('paper-digest-citations');
  private readonly debouncer = new DocumentDebouncer((document) => this.update(document));
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly service: LibraryService) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 300)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      // A digest that changed can make a key known, or unknown.
      service.onDidChange(() => vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0))),
    ];
    vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    this.debouncer.schedule(document, delay);
  }

  private update(document: vscode.TextDocument): void {
    const library = this.service.snapshot;
    if (library.papers.length === 0) return; // not loaded yet: every key would look unknown
    const diagnostics = this.service
      .scan(document)
      .citations.filter((c) => !library.paper(c.key))
      .map((c) => {
        const d = new vscode.Diagnostic(toVsRange(c.keyRange), `Unknown citation key "@${c.key}": no paper in the digests has it.`, vscode.DiagnosticSeverity.Warning);
        d.source = 'Paper Digest';
        d.code = UNKNOWN_CITATION;
        return d;
      });
    this.collection.set(document.uri, diagnostics);
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

/** Quick fixes for an unknown key: the three closest papers, or a search. */
export class CitationQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly service: LibraryService) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const library = this.service.snapshot;
    return context.diagnostics
      .filter((d) => d.code === UNKNOWN_CITATION)
      .flatMap((d) => {
        const key = document.getText(d.range);
        const fixes = closestPapers(library, key).map((paper, i) => {
          const action = new vscode.CodeAction(`Replace with @${paper.key} — ${paper.title.slice(0, 60)}`, vscode.CodeActionKind.QuickFix);
          action.edit = new vscode.WorkspaceEdit();
          action.edit.replace(document.uri, d.range, paper.key);
          action.diagnostics = [d];
          action.isPreferred = i === 0;
          return action;
        });
        const search = new vscode.CodeAction('Search the digest…', vscode.CodeActionKind.QuickFix);
        search.command = { command: 'paperDigest.replaceCitationKey', title: 'Search the digest…', arguments: [document.uri, d.range] };
        search.diagnostics = [d];
        return [...fixes, search];
      });
  }
}
