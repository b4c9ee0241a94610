import * as vscode from 'vscode';
import { citationKeyAt } from '../core/citationInsert';
import { citationKeyText } from '../core/citationKeys';
import { paperMeta } from '../core/paperCard';
import { Paper } from '../core/model';
import { Taxonomy } from '../core/techniques';
import { truncate } from '../core/text';
import { paperCard } from './cards';
import { NoteScopes } from './noteScopes';

const MAX_ITEMS = 100;

/** An item remembers its paper and taxonomy: its card is made only when the item is shown (resolve). */
class PaperCompletionItem extends vscode.CompletionItem {
  constructor(
    label: vscode.CompletionItemLabel,
    readonly paper: Paper,
    readonly taxonomy: Taxonomy,
  ) {
    super(label, vscode.CompletionItemKind.Reference);
  }
}

/** `@` completion of citation keys in notes: the note's own bibliography first, then the digests; braced where pandoc needs it. */
export class CitationCompletionProvider implements vscode.CompletionItemProvider<PaperCompletionItem> {
  constructor(private readonly scopes: NoteScopes) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionList<PaperCompletionItem> | undefined> {
    const at = citationKeyAt(document.lineAt(position.line).text, position.character);
    if (!at) return undefined;
    const scope = await this.scopes.scopeFor(document);
    if (token.isCancellationRequested) return undefined;
    const papers = await scope.completions(at.prefix, MAX_ITEMS);
    if (token.isCancellationRequested) return undefined;
    const range = new vscode.Range(position.line, at.start, position.line, position.character);
    const items = papers.map((paper, rank) => {
      const item = new PaperCompletionItem({ label: paper.key, description: paper.shortName ?? undefined, detail: ` ${truncate(paper.title, 120)}` }, paper, scope.library.taxonomy);
      item.range = range;
      const text = citationKeyText(paper.key);
      item.insertText = text;
      // VS Code filters on this text, so words of the name and title keep an item while typing.
      item.filterText = `${at.braced ? `{${paper.key}` : text} ${paper.shortName ?? ''} ${at.prefix} ${truncate(paper.title, 300)}`;
      item.sortText = String(rank).padStart(4, '0');
      item.detail = paperMeta(paper);
      return item;
    });
    // Ask again as the user types: the search narrows better than VS Code's filter.
    return new vscode.CompletionList(items, true);
  }

  /** The paper's card, for the item the list shows (a hundred cards per keystroke would be wasted). */
  resolveCompletionItem(item: PaperCompletionItem): PaperCompletionItem {
    item.documentation = paperCard(item.paper, item.taxonomy, false);
    return item;
  }
}
