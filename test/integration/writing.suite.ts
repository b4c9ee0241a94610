import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PaperDigestApi, activateExtension, hoverText, openNote, positionOf, readText, until, workspaceFile, writeText } from './helpers';

/** Writing with citations: unknown keys and their fixes, navigation, References, export. */
describe('Writing with citations', function () {
  let api: PaperDigestApi;
  before(async () => {
    api = await activateExtension();
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const unknown = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'unknown-citation');

  it('flags an unknown key while typing and fixes it with the closest paper', async () => {
    const editor = await openNote('Pruning works [@ldpruner2023].');
    const [diagnostic] = await until('the unknown-key warning', () => (unknown(editor.document.uri).length ? unknown(editor.document.uri) : undefined));
    assert.equal(editor.document.getText(diagnostic!.range), 'ldpruner2023');
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Warning);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, diagnostic!.range);
    const titles = actions.map((a) => a.title);
    assert.match(titles[0]!, /^Replace with @ldpruner2024 — LD-Pruner/);
    assert.ok(titles.includes('Search the digest…'));
    await vscode.workspace.applyEdit(actions[0]!.edit!);
    assert.equal(editor.document.getText(), 'Pruning works [@ldpruner2024].');
    await until('the warning to go', () => unknown(editor.document.uri).length === 0);
  });

  it('does not flag known keys, nor @ in code', async () => {
    const editor = await openNote('Known [@efficientqat2024] and `@notakey` in code.\n');
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(unknown(editor.document.uri), []);
  });

  it('goes to the paper\'s entry in its digest', async () => {
    const editor = await openNote('See [@ldpruner2024].');
    const locations = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', editor.document.uri, new vscode.Position(0, 9));
    const target = locations[0] as vscode.Location;
    assert.ok(target.uri.path.endsWith('daily-papers-parameter-count.txt'), target.uri.path);
    assert.equal(target.range.start.line, 28);
  });

  it('finds every note citing or naming a paper, and says so in the hover', async () => {
    await writeText(workspaceFile('cites-qat-a.md'), 'EfficientQAT is cheap [@efficientqat2024].\n');
    await writeText(workspaceFile('cites-qat-b.md'), 'Also see @efficientqat2024.\n');
    await writeText(workspaceFile('names-qat.md'), 'We liked how EfficientQAT trains.\n');
    const editor = await openNote('Quantization [@efficientqat2024].');
    const position = positionOf(editor.document, '@efficientqat2024', 3);
    const references = await until('references in both notes', async () => {
      const found = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', editor.document.uri, position)) ?? [];
      const files = new Set(found.map((l) => l.uri.path.split('/').pop()));
      return files.has('cites-qat-a.md') && files.has('cites-qat-b.md') && files.has('names-qat.md') ? found : undefined;
    });
    assert.ok(references.length >= 3, `${references.length}: the workspace notes, plus pruning.md naming EfficientQAT`);
    const hover = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position)) ?? []);
    // Citations and names in prose are told apart.
    assert.match(hover, /cited in [2-9] notes, named in [1-9] more/);
    // The Cited In view, for the paper selected in the tree.
    api.citedIn.show('efficientqat2024');
    const rows = new Map(api.citedIn.getChildren().map((n) => [api.citedIn.getTreeItem(n).label, api.citedIn.getTreeItem(n).description]));
    assert.equal(rows.get('cites-qat-b.md'), 'cited 1×');
    assert.equal(rows.get('names-qat.md'), 'named 1×');
    assert.ok(rows.has('cites-qat-a.md'), [...rows.keys()].join());
  });

  it('writes a References section, and running it again changes nothing', async () => {
    const note = '# Notes\r\n\r\nPruning [@ldpruner2024; @efficientqat2024].\r\n\r\n## References\r\n\r\nMy own words.';
    const editor = await openNote(note);
    await vscode.commands.executeCommand('paperDigest.updateReferences');
    const once = editor.document.getText();
    // Only the marked block is new: the heading and the words a person wrote stay, line endings too.
    assert.match(once, /\r\n## References\r\n\r\n<!-- paper-digest:references .*-->\r\n1\. 4 authors\. LD-Pruner: .*\r\n2\. 8 authors\. EfficientQAT: .*\r\n<!-- \/paper-digest:references -->\r\n\r\nMy own words\.$/);
    assert.equal(once.replace(/\r\n\r\n<!-- paper-digest:references[\s\S]*\/paper-digest:references -->/, ''), note);
    await vscode.commands.executeCommand('paperDigest.updateReferences');
    assert.equal(editor.document.getText(), once);
  });

  it('writes the References section in the citation style the note names (csl: in its front matter)', async () => {
    const editor = await openNote('---\ncsl: ieee\n---\nPruning [@lotteryticket2018] and [@ldpruner2024].\n');
    await vscode.commands.executeCommand('paperDigest.updateReferences');
    const text = editor.document.getText();
    assert.match(text, /\\\[1\\\] “The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks\.” .*<!-- @lotteryticket2018 -->/);
    assert.match(text, /\\\[2\\\] “LD-Pruner/);
    await vscode.commands.executeCommand('paperDigest.updateReferences');
    assert.equal(editor.document.getText(), text, 'a second run changes nothing');
  });

  it('renders citations and a bibliography in the Markdown preview, in the note\'s style, unknown keys shown as such', async () => {
    const note = '---\ncsl: ieee\n---\nPruning [@lotteryticket2018, p. 3] and [@ldpruner2024; @lotteryticket2018], not [@nosuchpaper2020], mail a@b.org.\n';
    // The style is read on the first render; the next one has it.
    const html = await until('the preview to render citations', async () => {
      const out = await vscode.commands.executeCommand<string>('markdown.api.render', note);
      return out.includes('paper-digest-citation') ? out : undefined;
    }, 20000);
    assert.match(html, /<a class="paper-digest-citation" href="#paper-digest-ref-lotteryticket2018" title="The Lottery Ticket Hypothesis[^"]*">\[1, p\. 3\]<\/a>/);
    assert.match(html, />\[1\], \[2\]<\/a>|>\[2\], \[1\]<\/a>|>\[1, 2\]<\/a>|>\[1\]–\[2\]<\/a>/);
    assert.match(html, /<span class="paper-digest-unknown" title="Unknown citation key">\[@nosuchpaper2020\]<\/span>/);
    assert.match(html, /<div id="paper-digest-ref-lotteryticket2018">[\s\S]*The Lottery Ticket Hypothesis/);
    assert.ok(html.includes('a@b.org'), 'an e-mail address is no citation');
  });

  it('says how a paper is cited in the note\'s style on its hover, and copies a formatted reference', async () => {
    const editor = await openNote('---\ncsl: apa\n---\nSee [@lotteryticket2018].\n');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, positionOf(editor.document, 'lotteryticket2018', 2));
    assert.match(hoverText(hovers), /\*\*Cite as:\*\* The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks\. \(2018\)\./);
    await vscode.commands.executeCommand('paperDigest.copyReference', 'lotteryticket2018');
    // paperDigest.csl is not set: pandoc's default style, Chicago author-date.
    assert.equal(await vscode.env.clipboard.readText(), '“The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks.” 2018.');
  });

  it('exports the note\'s citations as BibTeX and CSL-JSON', async () => {
    await openNote('Pruning [@ldpruner2024] and [@mixlora].');
    const bib = workspaceFile('refs.bib');
    await vscode.commands.executeCommand('paperDigest.exportBibliography', { scope: 'note', format: 'bibtex', target: bib });
    const text = await readText(bib);
    assert.match(text, /^@misc\{ldpruner2024,/m);
    assert.match(text, /^@misc\{mixlora,/m);
    const json = workspaceFile('refs.json');
    await vscode.commands.executeCommand('paperDigest.exportBibliography', { scope: 'note', format: 'csl-json', target: json });
    assert.deepEqual((JSON.parse(await readText(json)) as Array<{ id: string }>).map((i) => i.id), ['ldpruner2024', 'mixlora']);
  });
});

describe('Markdown link validation', function () {
  this.timeout(30000);
  const markdown = () => vscode.workspace.getConfiguration('markdown');
  before(() => markdown().update('validate.enabled', true, vscode.ConfigurationTarget.Global));
  after(() => markdown().update('validate.enabled', undefined, vscode.ConfigurationTarget.Global));

  it('reports a broken reference link but no [@key] citation as a missing link definition', async () => {
    const uri = workspaceFile('validated.md');
    await writeText(uri, 'Cited [@ldpruner2024] and [see @mixlora, p. 2], footnote[^1], and a [broken][nope] link.\n\n[^1]: A note.\n');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const all = () => vscode.languages.getDiagnostics(uri).filter((d) => /No link definition found/.test(d.message));
    await until('the broken link reported', () => all().some((d) => d.message.includes("'nope'")), 15000);
    // Give VS Code's own Markdown validation time to report what it would.
    await new Promise((r) => setTimeout(r, 2500));
    const messages = all().map((d) => d.message);
    assert.ok(!messages.some((m) => m.includes('@')), messages.join('\n'));
    assert.equal(vscode.workspace.getConfiguration('markdown').get('validate.referenceLinks.enabled'), 'ignore');
  });
});
