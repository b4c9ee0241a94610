import * as vscode from 'vscode';
import { citationKeyAt } from '../core/citationInsert';
import { citationKeyText } from '../core/citationKeys';
import { CitationScope } from '../core/citationScope';
import { truncate } from '../core/text';
import { paperCard } from './cards';
import { NoteScopes } from './noteScopes';

const MAX_ITEMS = 100;

/** An item remembers its key and the note's scope: its card is made from the paper only when the item is shown (resolve). */
class PaperCompletionItem extends vscode.CompletionItem {
  constructor(
    label: vscode.CompletionItemLabel,
    readonly key: string,
    readonly scope: CitationScope,
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
    const entries = await scope.completions(at.prefix, MAX_ITEMS);
    if (token.isCancellationRequested) return undefined;
    const range = new vscode.Range(position.line, at.start, position.line, position.character);
    const items = entries.map((entry, rank) => {
      const item = new PaperCompletionItem({ label: entry.key, description: entry.shortName ?? undefined, detail: ` ${truncate(entry.title, 120)}` }, entry.key, scope);
      item.range = range;
      const text = citationKeyText(entry.key);
      item.insertText = text;
      // VS Code filters on this text, so words of the name and title keep an item while typing.
      item.filterText = `${at.braced ? `{${entry.key}` : text} ${entry.shortName ?? ''} ${at.prefix} ${entry.title}`;
      item.sortText = String(rank).padStart(4, '0');
      item.detail = entry.meta;
      return item;
    });
    // Ask again as the user types: the search narrows better than VS Code's filter.
    return new vscode.CompletionList(items, true);
  }

  /** The paper's card, for the item the list shows (a hundred cards per keystroke would be wasted). */
  resolveCompletionItem(item: PaperCompletionItem): PaperCompletionItem {
    const paper = item.scope.paper(item.key);
    if (paper) item.documentation = paperCard(paper, item.scope.library.taxonomy, false);
    return item;
  }
}
