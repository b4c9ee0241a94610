import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PaperDigestApi, activateExtension, hoverText, positionOf, readText, until, workspaceFile, writeText } from './helpers';

/**
 * What a note declares, with no setting: front matter `bibliography:`, a Quarto
 * project's `_quarto.yml`; and keys that stay with their papers when digests change.
 */
describe('Bibliographies notes declare', function () {
  const unknown = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'unknown-citation');
  const labels = (list: vscode.CompletionList) => list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  const hoverAt = async (uri: vscode.Uri, position: vscode.Position) =>
    hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? []);
  const open = async (uri: vscode.Uri) => vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

  before(async () => {
    await activateExtension();
    await writeText(
      workspaceFile('project/refs/own.bib'),
      '@article{smith2020own,\n  title = {Cheap Models for Everyone},\n  author = {Smith, Ann},\n  year = {2020}\n}\n\n@misc{zhou2018unet++,\n  title = {UNet++: A Nested U-Net Architecture},\n  year = {2018}\n}\n',
    );
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('gives a note with front matter `bibliography:` hover, completion and definition for its entries, and no unknown-key warning', async () => {
    const uri = workspaceFile('project/front-matter.md');
    await writeText(uri, '---\ntitle: Reading\nbibliography: refs/own.bib\n---\n\nCheap [@smith2020own], nested @{zhou2018unet++}, digest [@ldpruner2024], typo [@nosuch2099].\n\nMore [@smi\n');
    const editor = await open(uri);
    // Positive control first: the unknown keys are reported, so the check has run with the bibliography read.
    const flagged = await until('the warnings on the unknown keys only', () => {
      const found = unknown(uri).map((d) => editor.document.getText(d.range));
      return found.includes('nosuch2099') && found.length === 2 ? found : undefined;
    });
    assert.deepEqual(flagged, ['nosuch2099', 'smi'], 'the half-typed key is unknown too; the declared ones are not');
    assert.match(await hoverAt(uri, positionOf(editor.document, '@smith2020own', 3)), /Cheap Models for Everyone/);
    assert.match(await hoverAt(uri, positionOf(editor.document, 'zhou2018unet++', 2)), /UNet\+\+: A Nested U-Net Architecture/);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, positionOf(editor.document, '[@smi', 5));
    assert.equal(labels(list)[0], 'smith2020own');
    const braced = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'zhou2018unet++');
    if (braced) assert.equal(braced.insertText, '{zhou2018unet++}');
    const [definition] = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', uri, positionOf(editor.document, '@smith2020own', 3));
    assert.ok(definition!.uri.path.endsWith('/project/refs/own.bib'), definition!.uri.path);
    assert.equal(definition!.range.start.line, 0);
  });

  it('reads a Quarto project\'s _quarto.yml for a .qmd chapter, and a cross-reference is not a citation', async () => {
    await writeText(workspaceFile('project/book/_quarto.yml'), 'project:\n  type: book\nbibliography: ../refs/own.bib\n');
    const uri = workspaceFile('project/book/chapter.qmd');
    await writeText(uri, '# Chapter\n\nAs @smith2020own shows (see @fig-costs and @sec-intro), unlike [@nosuch2099].\n');
    const editor = await open(uri);
    assert.equal(editor.document.languageId, 'quarto');
    const flagged = await until('the warning on the unknown key only', () => {
      const found = unknown(uri).map((d) => editor.document.getText(d.range));
      return found.includes('nosuch2099') && found.length === 1 ? found : undefined;
    });
    assert.deepEqual(flagged, ['nosuch2099'], 'neither @smith2020own nor @fig-costs nor @sec-intro');
    assert.match(await hoverAt(uri, positionOf(editor.document, '@smith2020own', 3)), /Cheap Models for Everyone/);
  });

  it('reports a front matter bibliography that does not exist at its line, and the digests still answer', async () => {
    const uri = workspaceFile('project/missing.md');
    await writeText(uri, '---\nbibliography:\n  - nowhere.bib\n---\nStill [@ldpruner2024].\n');
    await open(uri);
    const problem = await until('the missing bibliography reported', () => vscode.languages.getDiagnostics(uri).find((d) => /nowhere\.bib .*does not exist/.test(d.message)));
    assert.equal(problem.range.start.line, 1);
    assert.match(await hoverAt(uri, new vscode.Position(4, 10)), /LD-Pruner/);
  });
});

describe('Keys that never move', function () {
  let api: PaperDigestApi;
  const config = () => vscode.workspace.getConfiguration('paperDigest');
  const page = (title: string, date: string) =>
    `${title}\n\n${'An abstract about a method with enough words to be read as one by the page parser. '.repeat(2)}\n\n  • 3 authors\n·\n${date}\n`;

  before(async () => {
    api = await activateExtension();
  });

  it('keeps the key a note cites when a digest with an older paper wanting it is added, and remembers it in .paper-digest/keys.tsv', async () => {
    await writeText(workspaceFile('keys/newer.txt'), page('Token Pruning Revisited', 'Jun 3, 2024'));
    await writeText(workspaceFile('keys/older.txt'), page('Token Pruning at Scale', 'Jan 2, 2024'));
    const before = config().get<string[]>('digests', []);
    await config().update('digests', [...before, 'keys/newer.txt'], vscode.ConfigurationTarget.Workspace);
    const cited = await until('the newer paper\'s key', () => api.service.snapshot.papers.find((p) => p.title === 'Token Pruning Revisited')?.key);
    assert.equal(cited, 'tokenpruning2024');
    const keyFile = workspaceFile('.paper-digest/keys.tsv');
    assert.match(await until('the key file', () => readText(keyFile).catch(() => undefined)), /^tokenpruning2024\t\t\t2024\tToken Pruning Revisited$/m);
    await config().update('digests', [...before, 'keys/older.txt', 'keys/newer.txt'], vscode.ConfigurationTarget.Workspace);
    const older = await until('the older paper', () => api.service.snapshot.papers.find((p) => p.title === 'Token Pruning at Scale'));
    assert.equal(older.key, 'tokenpruning2024a');
    assert.equal(api.service.snapshot.paper('tokenpruning2024')!.title, 'Token Pruning Revisited');
    await config().update('digests', before.length ? before : undefined, vscode.ConfigurationTarget.Workspace);
    await until('the settings to apply', () => !api.service.snapshot.paper('tokenpruning2024a'));
  });
});
