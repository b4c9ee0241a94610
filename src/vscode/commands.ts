import * as vscode from 'vscode';
import { CITATION_STYLES, CitationStyle, formatBibtex } from '../core/citationFormat';
import { citationEdits } from '../core/citationInsert';
import { Paper } from '../core/model';
import { fromVsPosition, toVsRange } from './convert';
import { LibraryService } from './libraryService';
import { PaperPanel } from './paperPanel';
import { pickPapers } from './searchPicker';
import { PaperSort, TechniqueTreeProvider, TreeNode } from './techniqueTree';

/** A command's paper argument: a key (from a card or hover link) or a tree row. */
type PaperArg = string | TreeNode | undefined;

export function citationStyle(): CitationStyle {
  const style = vscode.workspace.getConfiguration('paperDigest').get<string>('citationStyle', 'pandoc');
  return (CITATION_STYLES as readonly string[]).includes(style) ? (style as CitationStyle) : 'pandoc';
}

export class PaperCommands {
  constructor(
    private readonly service: LibraryService,
    private readonly tree: TechniqueTreeProvider,
    private readonly treeView: vscode.TreeView<TreeNode>,
    private readonly panel: PaperPanel,
  ) {}

  register(): vscode.Disposable[] {
    const r = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);
    return [
      r('paperDigest.searchPapers', () => this.searchPapers()),
      r('paperDigest.insertCitation', (arg: PaperArg) => this.insertCitation(arg)),
      r('paperDigest.copyCitationKey', (arg: PaperArg) => this.withPaper(arg, (p) => copy(p.key, `Copied @${p.key}`))),
      r('paperDigest.copyBibtex', (arg: PaperArg) => this.withPaper(arg, (p) => copy(formatBibtex(p), `Copied BibTeX for @${p.key}`))),
      r('paperDigest.openCodeLink', (arg: PaperArg) => this.withPaper(arg, (p) => openLink(p))),
      r('paperDigest.showInDigest', (arg: PaperArg) => this.withPaper(arg, (p) => this.showInDigest(p))),
      r('paperDigest.openPaper', (arg: PaperArg) => this.withPaper(arg, (p) => this.panel.show(p))),
      r('paperDigest.showInTree', (arg: PaperArg) => this.withPaper(arg, (p) => this.showInTree(p))),
      r('paperDigest.sortPapers', () => this.chooseSort()),
      r('paperDigest.addDigest', () => addDigest()),
    ];
  }

  private async resolve(arg: PaperArg): Promise<Paper | undefined> {
    const library = await this.service.current();
    if (typeof arg === 'string') return library.paper(arg.replace(/^@/, ''));
    if (arg && arg.kind === 'paper') return library.paper(arg.paper.key);
    const [picked] = await pickPapers(this.service, { title: 'Paper Digest: Choose a Paper', many: false });
    return picked;
  }

  private async withPaper(arg: PaperArg, action: (paper: Paper) => unknown): Promise<void> {
    const paper = await this.resolve(arg);
    if (paper) await action(paper);
  }

  async searchPapers(): Promise<void> {
    const [paper] = await pickPapers(this.service, {
      title: 'Paper Digest: Search Papers',
      many: false,
      onInsert: (p) => void this.insertPapers([p]),
      onOpenLink: (p) => void openLink(p),
    });
    if (paper) this.panel.show(paper);
  }

  async insertCitation(arg: PaperArg): Promise<void> {
    if (arg !== undefined) {
      const paper = await this.resolve(arg);
      if (paper) await this.insertPapers([paper]);
      return;
    }
    const editor = markdownEditor();
    if (!editor) {
      void vscode.window.showInformationMessage('Open a Markdown note to insert a citation.');
      return;
    }
    const papers = await pickPapers(this.service, { title: 'Paper Digest: Insert Citation (several allowed)', many: true });
    if (papers.length) await this.insertPapers(papers, editor);
  }

  /** Inserts at the cursor, joining an existing `[@…]` group, adding footnote definitions. */
  async insertPapers(papers: Paper[], editor = markdownEditor()): Promise<boolean> {
    if (!editor) {
      void vscode.window.showInformationMessage('Open a Markdown note to insert a citation.');
      return false;
    }
    const document = editor.document;
    const edits = citationEdits(document.getText(), this.service.scan(document), fromVsPosition(editor.selection.active), papers, citationStyle());
    return editor.edit((builder) => {
      for (const edit of edits) builder.replace(toVsRange(edit.range), edit.newText);
    });
  }

  private async showInDigest(paper: Paper): Promise<void> {
    const uri = this.service.uriOf(paper.source.path);
    const document = await vscode.workspace.openTextDocument(uri);
    const line = Math.min(paper.source.line, document.lineCount - 1);
    const editor = await vscode.window.showTextDocument(document, { preview: true });
    const range = document.lineAt(line).range;
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  }

  private async showInTree(paper: Paper): Promise<void> {
    const node = this.tree.findPaper(paper.key);
    if (!node) {
      void vscode.window.showInformationMessage(`${paper.shortName ?? paper.title} has no technique in the tree.`);
      return;
    }
    await this.treeView.reveal(node, { select: true, focus: true, expand: true });
  }

  private async chooseSort(): Promise<void> {
    const options: Array<vscode.QuickPickItem & { sort: PaperSort }> = [
      { label: 'Date', description: 'newest first', sort: 'date' },
      { label: 'Upvotes', description: 'most first', sort: 'upvotes' },
      { label: 'Title', description: 'A to Z', sort: 'title' },
    ];
    for (const o of options) if (o.sort === this.tree.sortOrder) o.label = `$(check) ${o.label}`;
    const choice = await vscode.window.showQuickPick(options, { title: 'Sort papers by' });
    if (choice) this.tree.setSort(choice.sort);
  }
}

/** Picks digest files and adds them to `paperDigest.digests` (workspace-relative inside a folder). */
async function addDigest(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Add Digest',
    title: 'Paper Digest: Add Digest',
    filters: { 'Paper digests': ['txt', 'md', 'json', 'bib', 'bibtex'], 'All files': ['*'] },
  });
  if (!picked?.length) return;
  const config = vscode.workspace.getConfiguration('paperDigest');
  const inFolder = !!vscode.workspace.workspaceFolders?.length;
  const current = config.get<string[]>('digests', []);
  const added = picked.map((uri) => (inFolder && vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri, false) : uri.fsPath));
  const next = [...current, ...added.filter((p) => !current.includes(p))];
  await config.update('digests', next, inFolder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  vscode.window.setStatusBarMessage(`Paper Digest: added ${added.join(', ')}`, 4000);
}

function markdownEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor && editor.document.languageId === 'markdown' ? editor : undefined;
}

async function copy(text: string, message: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(message, 3000);
}

async function openLink(paper: Paper): Promise<void> {
  const url = paper.links.find((l) => /^https?:\/\//i.test(l));
  if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
  else void vscode.window.showInformationMessage(`${paper.shortName ?? paper.title} has no code link.`);
}
