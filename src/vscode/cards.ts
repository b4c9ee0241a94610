import * as vscode from 'vscode';
import { CardCommand, paperCardMarkdown } from '../core/paperCard';
import { Paper } from '../core/model';
import { Taxonomy } from '../core/techniques';

/** Paper Digest's own commands: the only ones a card's links may run. */
export const CARD_COMMANDS = ['paperDigest.insertCitation', 'paperDigest.showInTree', 'paperDigest.openPaper', 'paperDigest.findSimilar', 'paperDigest.ignoreName'];

/** A hover or tooltip card; digest text is escaped by the core, and only our commands are trusted. */
export function paperCard(
  paper: Paper,
  taxonomy: Taxonomy,
  withCommands = true,
  /** Notes that cite the paper, and notes that only name it in prose. */
  citedIn?: { cited: number; named: number },
  extra: readonly CardCommand[] = [],
): vscode.MarkdownString {
  const commands: CardCommand[] = withCommands
    ? [
        { title: 'Insert citation', command: 'paperDigest.insertCitation', args: [paper.key] },
        { title: 'Open card', command: 'paperDigest.openPaper', args: [paper.key] },
        { title: 'Show in tree', command: 'paperDigest.showInTree', args: [paper.key] },
        { title: 'Similar papers', command: 'paperDigest.findSimilar', args: [paper.key] },
        ...extra,
      ]
    : [...extra];
  let text = paperCardMarkdown(paper, taxonomy, commands);
  if (citedIn !== undefined) {
    const notes = (n: number) => `${n} note${n === 1 ? '' : 's'}`;
    text += `\n\ncited in ${notes(citedIn.cited)}${citedIn.named ? `, named in ${citedIn.named} more` : ''}`;
  }
  const markdown = new vscode.MarkdownString(text);
  markdown.isTrusted = { enabledCommands: CARD_COMMANDS };
  markdown.supportHtml = false;
  return markdown;
}
