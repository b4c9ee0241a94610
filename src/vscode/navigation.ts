import * as vscode from 'vscode';
import { Range } from '../core/model';
import { rangeContains } from '../core/positions';
import { fromVsPosition } from './convert';
import { LibraryService } from './libraryService';
import { NoteIndex } from './noteIndex';

/** The citation or paper mention under the cursor. */
export function itemAt(service: LibraryService, document: vscode.TextDocument, position: vscode.Position): { key: string; range: Range } | undefined {
  const scan = service.scan(document);
  const at = fromVsPosition(position);
  return scan.citations.find((c) => rangeContains(c.range, at)) ?? scan.mentions.find((m) => rangeContains(m.range, at));
}

/** The paper key under the cursor: a citation, or a paper named in prose. */
export function keyAt(service: LibraryService, document: vscode.TextDocument, position: vscode.Position): string | undefined {
  return itemAt(service, document, position)?.key;
}

/** Go to Definition: the paper's entry in its digest, at its line. */
export class PaperDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly service: LibraryService) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location[] | undefined {
    const key = keyAt(this.service, document, position);
    const paper = key ? this.service.snapshot.paper(key) : undefined;
    if (!paper) return undefined;
    return paper.sources.map((s) => new vscode.Location(this.service.uriOf(s.path), new vscode.Position(s.line, 0)));
  }
}

/** Find All References: every note in the workspace that cites or names the paper. */
export class PaperReferenceProvider implements vscode.ReferenceProvider {
  constructor(
    private readonly service: LibraryService,
    private readonly notes: NoteIndex,
  ) {}

  async provideReferences(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[] | undefined> {
    const key = keyAt(this.service, document, position);
    if (!key) return undefined;
    await this.notes.ready();
    return this.notes.locations(key);
  }
}
