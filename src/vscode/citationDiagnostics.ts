import * as vscode from 'vscode';
import { citationKeyText } from '../core/citationKeys';
import { toVsRange } from './convert';
import { DocumentDebouncer } from './debounce';
import { LibraryService } from './libraryService';
import { NoteScopes, isNote } from './noteScopes';

export const UNKNOWN_CITATION = 'unknown-citation';

/** Warns, while typing, about `@key`s neither the note's bibliography nor a digest has; debounced, notes only. */
export class CitationDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('paper-digest-citations');
  private readonly debouncer = new DocumentDebouncer((document) => void this.update(document), isNote);
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    service: LibraryService,
    private readonly scopes: NoteScopes,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 300)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      // A digest that changed can make a key known, or unknown.
      service.onDidChange(() => vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0))),
      // A bibliography a note declares was read, changed or went missing.
      scopes.onDidChange(() => vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0))),
    ];
    vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    this.debouncer.schedule(document, delay);
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    // Not before the digests and the note's bibliography are read: every key would look unknown.
    const scope = await this.scopes.scopeFor(document);
    if (document.isClosed || scope.library.size + scope.bibliography.papers.length === 0) return;
    const declared = scope.bibliography.declaration ? ' or the note\'s bibliography' : '';
    const scan = await this.scopes.scan(document);
    if (document.isClosed) return;
    const diagnostics = scan.citations.filter((c) => !scope.isKnown(c.key))
      .map((c) => {
        const d = new vscode.Diagnostic(toVsRange(c.keyRange), `Unknown citation key "@${c.key}": no paper in the digests${declared} has it.`, vscode.DiagnosticSeverity.Warning);
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

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const library = this.service.snapshot;
    const unknown = context.diagnostics.filter((d) => d.code === UNKNOWN_CITATION);
    const closest = await Promise.all(unknown.map((d) => library.closest(document.getText(d.range))));
    if (token.isCancellationRequested) return [];
    return unknown.flatMap((d, n) => {
        const fixes = closest[n]!.map((paper, i) => {
          const action = new vscode.CodeAction(`Replace with @${paper.key} — ${paper.title.slice(0, 60)}`, vscode.CodeActionKind.QuickFix);
          action.edit = new vscode.WorkspaceEdit();
          // Inside `@{…}` any key stands as it is; a bare one gets braces where pandoc needs them.
          const braced = d.range.start.character > 0 && document.getText(new vscode.Range(d.range.start.translate(0, -1), d.range.start)) === '{';
          action.edit.replace(document.uri, d.range, braced ? paper.key : citationKeyText(paper.key));
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
