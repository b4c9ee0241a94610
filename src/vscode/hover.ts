import * as vscode from 'vscode';
import { escapeMarkdownText } from '../core/citationFormat';
import { toVsRange } from './convert';
import { CslStyles } from './cslStyles';
import { cslFormat } from './lazyModules';
import { paperCard } from './cards';
import { itemAt } from './navigation';
import { NoteIndex } from './noteIndex';
import { NoteScopes } from './noteScopes';

/** Hover cards on citation keys (the note's own bibliography first, as pandoc reads it) and on papers named in prose. */
export class PaperHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly scopes: NoteScopes,
    private readonly notes: NoteIndex,
    private readonly styles: CslStyles,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const scope = await this.scopes.scopeFor(document);
    if (token.isCancellationRequested) return undefined;
    const target = await itemAt(this.scopes, document, position);
    if (!target || token.isCancellationRequested) return undefined;
    const paper = scope.paper(target.key);
    if (!paper) return undefined;
    // "Cited in" counts notes citing the digests' paper; a note's own entry is its own.
    const uses = scope.isDeclared(paper.key) ? undefined : this.notes.notesFor(paper.key);
    const citedIn = uses && { cited: uses.filter((u) => u.cited > 0).length, named: uses.filter((u) => u.cited === 0).length };
    // A name in prose that is not meant as the paper: silence it for this workspace in one click.
    const silence = 'text' in target ? [{ title: `Don't treat "${target.text}" as a paper here`, command: 'paperDigest.ignoreName', args: [target.text] }] : [];
    const card = paperCard(paper, scope.library.taxonomy, !scope.isDeclared(paper.key), citedIn, silence);
    // With a citation style for the note (its csl:, or paperDigest.csl), the card says how the paper is cited in it.
    const style = await this.styles.forNote(document).catch(() => undefined);
    const citeAs = style && cslFormat().formatReference(paper, style);
    if (citeAs) card.appendMarkdown(`\n\n---\n\n**Cite as:** ${escapeMarkdownText(citeAs)}`);
    return new vscode.Hover(card, toVsRange(target.range));
  }
}
