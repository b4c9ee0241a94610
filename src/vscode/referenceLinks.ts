import * as vscode from 'vscode';
import { DocumentDebouncer } from './debounce';
import { toVsRange } from './convert';
import { noteReaders } from './lazyModules';

/**
 * VS Code's Markdown validation reports every `[@key]` as "No link definition found"
 * (PandocCiter #54), and its ignore list does not apply to reference links. Paper
 * Digest turns that one check off by default (package.json `configurationDefaults`)
 * and runs it here instead, the same message and code, minus citations and footnotes:
 * real broken reference links are still reported whenever Markdown validation is on.
 */
export class ReferenceLinkDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('paper-digest-reference-links');
  private readonly debouncer = new DocumentDebouncer((document) => this.update(document));
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 300)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('markdown.validate') || e.affectsConfiguration('paperDigest.validateReferenceLinks')) {
          vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
        }
      }),
    ];
    vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
  }

  private enabled(document: vscode.TextDocument): boolean {
    const markdown = vscode.workspace.getConfiguration('markdown', document);
    return markdown.get<boolean>('validate.enabled', false) && vscode.workspace.getConfiguration('paperDigest', document).get<boolean>('validateReferenceLinks', true);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    this.debouncer.schedule(document, delay);
  }

  private update(document: vscode.TextDocument): void {
    if (!this.enabled(document)) {
      this.collection.delete(document.uri);
      return;
    }
    this.collection.set(
      document.uri,
      noteReaders().noteScanner.undefinedReferences(document.getText()).map((r) => {
        const d = new vscode.Diagnostic(toVsRange(r.range), `No link definition found: '${r.label}'`, vscode.DiagnosticSeverity.Warning);
        d.source = 'Paper Digest';
        d.code = 'link.no-such-reference';
        return d;
      }),
    );
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
