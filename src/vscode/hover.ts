import * as vscode from 'vscode';
import { rangeContains } from '../core/positions';
import { fromVsPosition, toVsRange } from './convert';
import { paperCard } from './cards';
import { LibraryService } from './libraryService';
import { NoteIndex } from './noteIndex';

/** Hover cards on citation keys and on papers named in prose. */
export class PaperHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly service: LibraryService,
    private readonly notes: NoteIndex,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const library = this.service.snapshot;
    const scan = this.service.scan(document);
    const at = fromVsPosition(position);
    const citation = scan.citations.find((c) => rangeContains(c.range, at));
    const target = citation
      ? { key: citation.key, range: citation.range }
      : scan.mentions.find((m) => rangeContains(m.range, at));
    if (!target) return undefined;
    const paper = library.paper(target.key);
    if (!paper) return undefined;
    return new vscode.Hover(paperCard(paper, library.taxonomy, true, this.notes.notesFor(paper.key).length), toVsRange(target.range));
  }
}
