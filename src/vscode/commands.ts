import * as vscode from 'vscode';
import { CITATION_STYLES, CitationStyle, formatBibtex, formatPapers } from '../core/citationFormat';
import { citationEdits } from '../core/citationInsert';
import { PAPER_GROUPINGS, PaperGrouping, PaperSort } from '../core/paperCatalog';
import { Paper } from '../core/model';
import { paperMeta } from '../core/paperCard';
import type { CslStyle } from '../core/cslFormat';
import { CslStyles } from './cslStyles';
import { cslFormat, noteReaders } from './lazyModules';
import { fromVsPosition, toVsRange } from './convert';
import { LibraryService } from './libraryService';
import { keyAt } from './navigation';
import { NoteIndex } from './noteIndex';
import { NoteScopes, isNote } from './noteScopes';
import { PaperPanel } from './paperPanel';
import { pickPapers } from './searchPicker';
import { TechniqueTreeProvider, TreeNode } from './techniqueTree';

/** Export Bibliography without its pickers (for keybindings, tasks and tests). */
interface ExportOptions {
  scope: 'note' | 'workspace';
  format: 'bibtex' | 'csl-json';
  target: vscode.Uri;
}

/** A command's paper argument: a key (from a card or hover link) or a tree row. */
type PaperArg = string | TreeNode | undefined;

export function citationStyle(): CitationStyle {
  const style = vscode.workspace.getConfiguration('paperDigest').get<string>('citationStyle', 'pandoc');
  return (CITATION_STYLES as readonly string[]).includes(style) ? (style as CitationStyle) : 'pandoc';
}

/** What the paper commands need, given once when they are registered. */
export interface CommandContext {
  service: LibraryService;
  tree: TechniqueTreeProvider;
  treeView: vscode.TreeView<TreeNode>;
  panel: PaperPanel;
  notes: NoteIndex;
  scopes: NoteScopes;
  styles: CslStyles;
}

/** A command as a small factory: given its context once, the handler VS Code calls. */
export type CommandFactory<C> = (context: C) => (...args: never[]) => unknown;

/** Registers each command of a table (ids as package.json contributes them) with one context. */
export function registerCommands<C>(table: Readonly<Record<string, CommandFactory<C>>>, context: C): vscode.Disposable[] {
  return Object.entries(table).map(([id, make]) => vscode.commands.registerCommand(id, make(context)));
}

/** A command that acts on one paper: the argument's, else the one under the cursor, else one picked. */
const onPaper =
  (action: (c: CommandContext, paper: Paper) => unknown): CommandFactory<CommandContext> =>
  (c) =>
  async (arg: PaperArg) => {
    const paper = await resolvePaper(c, arg);
    if (paper) await action(c, paper);
  };

export const PAPER_COMMANDS: Readonly<Record<string, CommandFactory<CommandContext>>> = {
  'paperDigest.searchPapers': (c) => () => searchPapers(c),
  'paperDigest.insertCitation': (c) => (arg: PaperArg) => insertCitation(c, arg),
  'paperDigest.copyCitationKey': onPaper((_, p) => copy(p.key, `Copied @${p.key}`)),
  'paperDigest.copyBibtex': onPaper(async (c, p) => copy(formatBibtex(await c.service.snapshot.wholePaper(p)), `Copied BibTeX for @${p.key}`)),
  'paperDigest.copyReference': onPaper(copyReference),
  'paperDigest.openCodeLink': onPaper((_, p) => openLink(p)),
  'paperDigest.showInDigest': onPaper(showInDigest),
  'paperDigest.openPaper': onPaper((c, p) => c.panel.show(p)),
  'paperDigest.showInTree': onPaper(showInTree),
  'paperDigest.sortPapers': (c) => () => chooseSort(c),
  'paperDigest.showMorePapers': (c) => (node: TreeNode) => c.tree.showMore(node),
  'paperDigest.groupPapers': (c) => (grouping?: PaperGrouping) => chooseGrouping(c, grouping),
  'paperDigest.ignoreName': () => (name: string) => ignoreName(name),
  'paperDigest.addDigest': () => () => addDigest(),
  'paperDigest.replaceCitationKey': (c) => (uri: vscode.Uri, range: vscode.Range) => replaceCitationKey(c, uri, range),
  'paperDigest.updateReferences': (c) => () => updateReferences(c),
  'paperDigest.exportBibliography': (c) => (options?: ExportOptions) => exportBibliography(c, options),
  'paperDigest.findSimilar': (c) => (arg: PaperArg) => findSimilar(c, arg),
};

async function resolvePaper(c: CommandContext, arg: PaperArg): Promise<Paper | undefined> {
  const library = await c.service.current();
  if (typeof arg === 'string') return library.paper(arg.replace(/^@/, ''));
  if (arg && arg.kind === 'paper') return library.paper(arg.paper.key);
  // From the palette: the paper under the cursor, if any (the note's own entry included).
  const editor = markdownEditor();
  if (editor) {
    const scope = await c.scopes.scopeFor(editor.document);
    const key = await keyAt(c.scopes, editor.document, editor.selection.active);
    if (key && scope.paper(key)) return scope.paper(key);
  }
  const [picked] = await pickPapers(c.service, { title: 'Paper Digest: Choose a Paper', many: false });
  return picked;
}

/** The paper's reference in the citation style (`paperDigest.csl`, else Chicago author-date as in pandoc). */
async function copyReference(c: CommandContext, paper: Paper): Promise<void> {
  try {
    const style = await c.styles.configured();
    await copy(cslFormat().formatReference(paper, style) ?? paper.title, `Copied the reference of @${paper.key}`);
  } catch (error) {
    void vscode.window.showErrorMessage(`Paper Digest: ${(error as Error).message}.`);
  }
}

async function searchPapers(c: CommandContext): Promise<void> {
  const [paper] = await pickPapers(c.service, {
    title: 'Paper Digest: Search Papers',
    many: false,
    onInsert: (p) => void insertPapers(c, [p]),
    onOpenLink: (p) => void openLink(p),
  });
  if (paper) await c.panel.show(paper);
}

async function insertCitation(c: CommandContext, arg: PaperArg): Promise<void> {
  if (arg !== undefined) {
    const paper = await resolvePaper(c, arg);
    if (paper) await insertPapers(c, [paper]);
    return;
  }
  const editor = markdownEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('Open a Markdown note to insert a citation.');
    return;
  }
  const papers = await pickPapers(c.service, { title: 'Paper Digest: Insert Citation (several allowed)', many: true });
  if (papers.length) await insertPapers(c, papers, editor);
}

/** Inserts at the cursor, joining an existing `[@…]` group, adding footnote definitions. */
export async function insertPapers(c: CommandContext, papers: Paper[], editor = markdownEditor()): Promise<boolean> {
  if (!editor) {
    void vscode.window.showInformationMessage('Open a Markdown note to insert a citation.');
    return false;
  }
  const document = editor.document;
  const edits = citationEdits(document.getText(), await c.scopes.scan(document), fromVsPosition(editor.selection.active), papers, citationStyle());
  return editor.edit((builder) => {
    for (const edit of edits) builder.replace(toVsRange(edit.range), edit.newText);
  });
}

/** "Search the digest…" for an unknown key: the picker, then the key replaced. */
async function replaceCitationKey(c: CommandContext, uri: vscode.Uri, range: vscode.Range): Promise<void> {
  const [paper] = await pickPapers(c.service, { title: 'Paper Digest: Replace the Citation Key', many: false });
  if (!paper) return;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, paper.key);
  await vscode.workspace.applyEdit(edit);
}

/** Writes or refreshes the note's `## References` section. */
async function updateReferences(c: CommandContext): Promise<void> {
  const editor = markdownEditor();
  if (!editor) return void vscode.window.showInformationMessage('Open a Markdown note to update its References section.');
  const document = editor.document;
  const scope = await c.scopes.scopeFor(document);
  const scan = await c.scopes.scan(document);
  let style: CslStyle | undefined;
  try {
    style = await c.styles.forNote(document);
  } catch (error) {
    return void vscode.window.showErrorMessage(`Paper Digest: ${(error as Error).message}.`);
  }
  const edit = noteReaders().writing.referencesEdit(document.getText(), scan, scope, style && ((papers) => cslFormat().bibliographyEntries(papers, style)));
  if (edit === null) {
    if (!scan.citations.some((c) => scope.isKnown(c.key))) void vscode.window.showInformationMessage('This note cites no paper of the digests or of its bibliography.');
    return;
  }
  // Only the block Paper Digest owns changes: the rest of the note stays as it is.
  await editor.edit((b) => b.replace(toVsRange(edit.range), edit.newText));
}

/** The papers cited in this note (or every note of the workspace) as BibTeX or CSL-JSON. */
async function exportBibliography(c: CommandContext, options?: ExportOptions): Promise<void> {
  await c.service.current();
  const editor = markdownEditor();
  const scope = options ? { scope: options.scope } : await vscode.window.showQuickPick(
    [
      ...(editor ? [{ label: 'This note', description: vscode.workspace.asRelativePath(editor.document.uri), scope: 'note' as const }] : []),
      { label: 'Every note in the workspace', scope: 'workspace' as const },
    ],
    { title: 'Export Bibliography: which citations?' },
  );
  if (!scope) return;
  const formats = [
    { label: 'BibTeX', description: 'refs.bib', format: 'bibtex' as const, extension: 'bib' },
    { label: 'CSL-JSON', description: 'refs.json, what pandoc --citeproc reads natively', format: 'csl-json' as const, extension: 'json' },
  ];
  const format = options ? formats.find((f) => f.format === options.format) : await vscode.window.showQuickPick(formats, { title: 'Export Bibliography: format' });
  if (!format) return;
  let papers: Paper[];
  if (scope.scope === 'note' && editor) {
    // As pandoc resolves them: the note's own bibliography first, then the digests.
    const noteScope = await c.scopes.scopeFor(editor.document);
    papers = noteReaders().writing.citedKeys(await c.scopes.scan(editor.document))
      .map((k) => noteScope.paper(k))
      .filter((p): p is Paper => !!p);
  } else {
    await c.notes.ready();
    papers = c.notes.citedPapers();
  }
  if (!papers.length) return void vscode.window.showInformationMessage('No cited paper of the digests to export.');
  papers = await c.service.snapshot.wholePapers(papers);
  const folder = editor ? vscode.Uri.joinPath(editor.document.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = options?.target ?? await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `refs.${format.extension}`) : undefined,
    filters: { [format.label]: [format.extension] },
    title: 'Export Bibliography',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${formatPapers(papers, format.format)}\n`));
  vscode.window.setStatusBarMessage(`Paper Digest: ${papers.length} entries written to ${vscode.workspace.asRelativePath(target)}`, 5000);
}

/** The closest papers of the library, each with why. */
async function findSimilar(c: CommandContext, arg: PaperArg): Promise<void> {
  const paper = await resolvePaper(c, arg);
  if (!paper) return;
  const library = await c.service.current();
  const similar = library.similar(paper, 15).then((found) =>
    found.map((s) => ({
      label: s.paper.title,
      description: paperMeta(s.paper),
      detail: s.reason,
      paper: s.paper,
    })),
  );
  const picked = await vscode.window.showQuickPick(
    similar,
    { title: `Papers similar to ${paper.shortName ?? paper.title}`, matchOnDetail: true },
  );
  if (picked) await c.panel.show(picked.paper);
}

async function showInDigest(c: CommandContext, paper: Paper): Promise<void> {
  const uri = c.service.uriOf(paper.source.path);
  const document = await vscode.workspace.openTextDocument(uri);
  const line = Math.min(paper.source.line, document.lineCount - 1);
  const editor = await vscode.window.showTextDocument(document, { preview: true });
  const range = document.lineAt(line).range;
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
}

async function showInTree(c: CommandContext, paper: Paper): Promise<void> {
  const node = await c.tree.findPaper(paper.key);
  if (!node) {
    void vscode.window.showInformationMessage(`${paper.shortName ?? paper.title} is not in the library.`);
    return;
  }
  await c.treeView.reveal(node, { select: true, focus: true, expand: true });
}

/** Technique (the default), digest file or year: the tree's first level. */
async function chooseGrouping(c: CommandContext, grouping?: PaperGrouping): Promise<void> {
  const options: Array<vscode.QuickPickItem & { grouping: PaperGrouping }> = [
    { label: 'Technique', description: 'papers with no technique under Other, by year', grouping: 'technique' },
    { label: 'Digest file', description: 'then year', grouping: 'digest' },
    { label: 'Year', description: 'then technique', grouping: 'year' },
  ];
  for (const o of options) if (o.grouping === c.tree.groupingOrder) o.label = `$(check) ${o.label}`;
  const choice = grouping && PAPER_GROUPINGS.includes(grouping) ? grouping : (await vscode.window.showQuickPick(options, { title: 'Group papers by' }))?.grouping;
  if (choice) c.tree.setGrouping(choice);
}

async function chooseSort(c: CommandContext): Promise<void> {
  const options: Array<vscode.QuickPickItem & { sort: PaperSort }> = [
    { label: 'Date', description: 'newest first', sort: 'date' },
    { label: 'Upvotes', description: 'most first', sort: 'upvotes' },
    { label: 'Title', description: 'A to Z', sort: 'title' },
  ];
  for (const o of options) if (o.sort === c.tree.sortOrder) o.label = `$(check) ${o.label}`;
  const choice = await vscode.window.showQuickPick(options, { title: 'Sort papers by' });
  if (choice) c.tree.setSort(choice.sort);
}

/** Adds a name to `paperDigest.ignoredNames` for this workspace: prose using it no longer points at a paper. */
async function ignoreName(name: unknown): Promise<void> {
  if (typeof name !== 'string' || !name.trim()) return;
  const config = vscode.workspace.getConfiguration('paperDigest');
  const current = config.get<unknown>('ignoredNames', []);
  const names = Array.isArray(current) ? current.filter((n): n is string => typeof n === 'string') : [];
  if (names.some((n) => n.toLowerCase() === name.toLowerCase())) return;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('ignoredNames', [...names, name.trim()], target);
  vscode.window.setStatusBarMessage(`Paper Digest: "${name.trim()}" is no longer read as a paper's name here`, 4000);
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

/** The active editor when it holds a note (Markdown, Quarto, R Markdown). */
function markdownEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor && isNote(editor.document) ? editor : undefined;
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
