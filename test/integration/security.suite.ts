import * as assert from 'node:assert/strict';
import { markup } from '../markup';
import * as vscode from 'vscode';
import { PaperDigestApi, activateExtension, extensionFile, openNote, readText, until, workspaceFile, writeText } from './helpers';


const OURS = ['paperDigest.insertCitation', 'paperDigest.showInTree', 'paperDigest.openPaper', 'paperDigest.findSimilar', 'paperDigest.ignoreName'];
const HOSTILE_KEY = 'clickcommandworkbenc2024';

function assertInert(markdown: vscode.MarkdownString): void {
  assert.equal(markdown.supportHtml, false);
  const trusted = markdown.isTrusted;
  assert.ok(typeof trusted === 'object' && trusted !== null, `isTrusted is ${String(trusted)}`);
  for (const id of trusted.enabledCommands) assert.ok(OURS.includes(id), id);
  const { links, html } = markup(markdown.value);
  assert.deepEqual(html, []);
  for (const link of links) assert.ok(/^https?:\/\//.test(link) || OURS.some((id) => link.startsWith(`command:${id}?`)), link);
}

/** A digest whose titles and abstracts carry command links, HTML and script. */
describe('Untrusted digests', function () {
  let api: PaperDigestApi;
  const config = () => vscode.workspace.getConfiguration('paperDigest');
  let before: unknown;

  this.beforeAll(async () => {
    api = await activateExtension();
    before = config().inspect('digests')?.workspaceValue;
    await writeText(workspaceFile('hostile/hostile.txt'), await readText(extensionFile('test', 'fixtures', 'digests', 'hostile.txt')));
    await config().update('digests', [...((before as string[] | undefined) ?? []), 'hostile/hostile.txt'], vscode.ConfigurationTarget.Workspace);
    await until('the hostile papers', () => api.service.snapshot.paper(HOSTILE_KEY));
  });

  this.afterAll(async () => {
    await config().update('digests', before, vscode.ConfigurationTarget.Workspace);
    await until('the hostile papers to go', () => !api.service.snapshot.paper(HOSTILE_KEY));
    await api.service.saveNow();
  });

  it('shows hostile text inertly in hover cards, with only Paper Digest commands enabled', async () => {
    const editor = await openNote(`Cited [@${HOSTILE_KEY}].`);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, 10))) ?? [];
    const cards = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString && c.value.includes('command'));
    assert.ok(cards.length > 0, 'the card is shown');
    for (const card of cards) assertInert(card);
  });

  it('shows hostile text inertly in the tree tooltip', async () => {
    const compression = (await api.tree.getChildren()).find((c) => api.tree.getTreeItem(c).label === 'Compression')!;
    const pruning = (await api.tree.getChildren(compression)).find((t) => api.tree.getTreeItem(t).label === 'Pruning & Sparsity')!;
    const node = (await api.tree.getChildren(pruning)).find((n) => n.kind === 'paper' && n.paper.key === HOSTILE_KEY);
    assert.ok(node, 'the hostile paper is in the tree');
    const item = api.tree.resolveTreeItem(api.tree.getTreeItem(node), node);
    assert.ok(item.tooltip instanceof vscode.MarkdownString);
    assertInert(item.tooltip);
    assert.ok(String(item.label).length <= 121);
  });

  it('opens the paper card and exports citations without running anything', async () => {
    await vscode.commands.executeCommand('paperDigest.openPaper', HOSTILE_KEY);
    await until('the card tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview));
    await openNote(`[@${HOSTILE_KEY}] and [@bracesmiscpwned2024]`);
    const bib = workspaceFile('hostile/refs.bib');
    await vscode.commands.executeCommand('paperDigest.exportBibliography', { scope: 'note', format: 'bibtex', target: bib });
    const text = await readText(bib);
    assert.match(text, /title = \{\{Braces \\\} and @misc\\\{pwned, title=\\\{x\\\}\\\} \\% \\& \\\$ \\# \\textasciitilde\{\} \\textasciicircum\{\} \\textbackslash\{\} \\_ in a BibTeX title\}\}/);
  });

  it('leaves no trace: no file made, no setting changed, no terminal opened', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const names = (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n);
    assert.ok(!names.includes('pwned.txt'), names.join());
    assert.deepEqual(vscode.window.terminals.map((t) => t.name), []);
    assert.equal(vscode.workspace.getConfiguration('workbench').inspect('colorTheme')?.globalValue, undefined);
  });
});
