import * as vscode from 'vscode';
import type { Citation, Mention } from '../core/noteScanner';
import { rangeContains } from '../core/positions';
import { fromVsPosition } from './convert';
import { NoteIndex } from './noteIndex';
import { NoteScopes } from './noteScopes';

/** The citation or paper mention under the cursor. */
export async function itemAt(scopes: NoteScopes, document: vscode.TextDocument, position: vscode.Position): Promise<Citation | Mention | undefined> {
  const scan = await scopes.scan(document);
  const at = fromVsPosition(position);
  return scan.citations.find((c) => rangeContains(c.range, at)) ?? scan.mentions.find((m) => rangeContains(m.range, at));
}

/** The paper key under the cursor: a citation, or a paper named in prose. */
export async function keyAt(scopes: NoteScopes, document: vscode.TextDocument, position: vscode.Position): Promise<string | undefined> {
  return (await itemAt(scopes, document, position))?.key;
}

/** Go to Definition: the paper's entry in its digest or in the note's own bibliography, at its line. */
export class PaperDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly scopes: NoteScopes) {}

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Location[] | undefined> {
    const scope = await this.scopes.scopeFor(document);
    if (token.isCancellationRequested) return undefined;
    const key = await keyAt(this.scopes, document, position);
    if (token.isCancellationRequested) return undefined;
    const paper = key ? scope.paper(key) : undefined;
    if (!paper) return undefined;
    return paper.sources.map((s) => new vscode.Location(this.scopes.uriOf(paper, scope, document.uri, s.path), new vscode.Position(s.line, 0)));
  }
}

/** Find All References: every note in the workspace that cites or names the paper. */
export class PaperReferenceProvider implements vscode.ReferenceProvider {
  constructor(
    private readonly scopes: NoteScopes,
    private readonly notes: NoteIndex,
  ) {}

  async provideReferences(document: vscode.TextDocument, position: vscode.Position, _context: vscode.ReferenceContext, token: vscode.CancellationToken): Promise<vscode.Location[] | undefined> {
    await this.scopes.scopeFor(document);
    if (token.isCancellationRequested) return undefined;
    const key = await keyAt(this.scopes, document, position);
    if (!key || token.isCancellationRequested) return undefined;
    await this.notes.ready();
    return token.isCancellationRequested ? undefined : this.notes.locations(key);
  }
}
