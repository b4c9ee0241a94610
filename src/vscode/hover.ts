import * as vscode from 'vscode';
import { toVsRange } from './convert';
import { paperCard } from './cards';
import { LibraryService } from './libraryService';
import { itemAt } from './navigation';
import { NoteIndex } from './noteIndex';

/** Hover cards on citation keys and on papers named in prose. */
export class PaperHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly service: LibraryService,
    private readonly notes: NoteIndex,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const library = this.service.snapshot;
    const target = itemAt(this.service, document, position);
    if (!target) return undefined;
    const paper = library.paper(target.key);
    if (!paper) return undefined;
    return new vscode.Hover(paperCard(paper, library.taxonomy, true, this.notes.notesFor(paper.key).length), toVsRange(target.range));
  }
}
