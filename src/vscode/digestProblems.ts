import * as vscode from 'vscode';

import { Problem } from '../core/model';
import { EditorLibrary, LibraryService } from './libraryService';

/** Problems in digests: in the Problems panel on the digest file at their line, and in the output channel. */
export class DigestProblems implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('paper-digest');
  private logged = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly service: LibraryService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = service.onDidChange((library) => this.show(library));
  }

  private show(library: EditorLibrary): void {
    const byPath = new Map<string, Problem[]>();
    for (const p of library.problems) byPath.set(p.path, [...(byPath.get(p.path) ?? []), p]);
    this.diagnostics.clear();
    for (const [path, problems] of byPath) {
      this.diagnostics.set(
        this.service.uriOf(path),
        problems.map(problemDiagnostic),
      );
    }
    // The log says each problem once, not again on every reload.
    const now = new Set(library.problems.map((p) => `${p.path}:${p.line + 1}: ${p.message}`));
    for (const line of now) if (!this.logged.has(line)) this.log.warn(line);
    this.logged = now;
  }

  dispose(): void {
    this.subscription.dispose();
    this.diagnostics.dispose();
  }
}

/** A problem as a diagnostic on its whole line. */
export function problemDiagnostic(p: Problem): vscode.Diagnostic {
  const d = new vscode.Diagnostic(new vscode.Range(p.line, 0, p.line, Number.MAX_SAFE_INTEGER), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = 'Paper Digest';
  return d;
}
