import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PaperDigestApi, activateExtension, extensionFile, hoverText, openNote, readText, until, workspaceFile, writeText } from './helpers';

/**
 * The user's own digests: settings, watching, problems. Runs after the other
 * suites and leaves digests/mine.bib configured, for the warm-start suite.
 */
describe('Your own library', function () {
  let api: PaperDigestApi;
  const config = () => vscode.workspace.getConfiguration('paperDigest');
  const bib = () => workspaceFile('digests/mine.bib');
  const hfJson = () => workspaceFile('digests/today.json');
  const hoverAt = async (text: string, character: number) => {
    const editor = await openNote(text);
    return hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, character))) ?? []);
  };

  before(async () => {
    api = await activateExtension();
    await writeText(bib(), await readText(extensionFile('test', 'fixtures', 'digests', 'library.bib')));
    await writeText(hfJson(), await readText(extensionFile('test', 'fixtures', 'digests', 'broken-daily-papers.json')));
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('loads the digests a setting names, in every format, beside the bundled one', async () => {
    await config().update('digests', ['digests/*.bib', 'digests/today.json'], vscode.ConfigurationTarget.Workspace);
    // Each digest is in the library once it is read (a file written just before can be read
    // twice, when its change event comes during the first read): wait for both.
    const library = await until('the BibTeX and Hugging Face papers', () => {
      const snapshot = api.service.snapshot;
      return snapshot.paper('hu2021lora') && snapshot.papers.some((p) => p.title.startsWith('LazyLLM')) ? snapshot : undefined;
    });
    assert.ok(library.paper('ldpruner2024'), 'the bundled digest stays');
    assert.match(await hoverAt('As in [@hu2021lora].', 9), /LoRA: Low-Rank Adaptation of Large Language Models/);
    const editor = await openNote('See [@hu20');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 10));
    assert.ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'hu2021lora'));
  });

  it('shows broken entries in the Problems panel at their lines while the rest loads', async () => {
    const diagnostics = await until('diagnostics on mine.bib', () => {
      const d = vscode.languages.getDiagnostics(bib());
      return d.length >= 3 ? d : undefined;
    });
    const lines = diagnostics.map((d) => [d.range.start.line + 1, d.severity]);
    assert.deepEqual(lines, [[28, vscode.DiagnosticSeverity.Error], [40, vscode.DiagnosticSeverity.Warning], [45, vscode.DiagnosticSeverity.Warning]]);
    assert.equal(diagnostics[0]!.source, 'Paper Digest');
    const json = vscode.languages.getDiagnostics(hfJson()).map((d) => d.range.start.line + 1);
    assert.deepEqual(json, [4, 5]);
    assert.ok(api.service.snapshot.paper('frankle2019lottery'));
    assert.ok(api.service.snapshot.paper('deep2024della'));
  });

  it('updates search and hover within a second when a watched digest is edited', async () => {
    const text = await readText(bib());
    const started = Date.now();
    await writeText(bib(), text.replace('{{LoRA}: Low-Rank Adaptation of Large Language Models}', '{{LoRA}: Low-Rank Adaptation of Zygomorphic Language Models}'));
    await until('the new title in search', async () => (await api.service.snapshot.search('zygomorphic'))[0]?.paper.key === 'hu2021lora', 1000);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1000, `${elapsed} ms`);
    assert.match(await hoverAt('As in [@hu2021lora].', 9), /Low-Rank Adaptation of Zygomorphic Language Models/);
  });

  it('shows an edited paper in the Techniques tree where it now stands: in the same techniques when only its abstract changed, and with its new title', async () => {
    const treeNodes = async (key: string) => {
      const found = [];
      for (const c of await api.tree.getChildren()) for (const t of await api.tree.getChildren(c)) for (const p of await api.tree.getChildren(t)) if (p.kind === 'paper' && p.paper.key === key) found.push(p);
      return found;
    };
    const places = (nodes: Awaited<ReturnType<typeof treeNodes>>) => nodes.map((n) => (n.kind === 'paper' ? n.technique.id : '')).sort();
    const before = await treeNodes('hu2021lora');
    assert.ok(before.length > 0, 'the paper is in the tree');
    const text = await readText(bib());
    await writeText(bib(), text.replace('greatly reducing the number', 'much reducing the number'));
    const swapped = await until('the new abstract in the tree', async () => {
      const nodes = await treeNodes('hu2021lora');
      return nodes.every((n) => n.kind === 'paper' && n.paper.abstract.includes('much reducing')) && nodes.length ? nodes : undefined;
    });
    assert.deepEqual(places(swapped), places(before), 'in the same techniques');
    assert.equal(swapped[0]!.kind === 'paper' && swapped[0]!.paper, api.service.snapshot.paper('hu2021lora'), 'the library\'s own paper');
    await writeText(bib(), (await readText(bib())).replace('Low-Rank Adaptation of', 'Low-Rank Adaptation for'));
    await until('the new title in the tree', async () => {
      const nodes = await treeNodes('hu2021lora');
      return nodes.length && nodes.every((n) => n.kind === 'paper' && n.paper.title.includes('Adaptation for') && n.paper === api.service.snapshot.paper('hu2021lora'));
    });
  });

  it('drops the papers of a deleted digest and reads it again when it comes back', async () => {
    const text = await readText(bib());
    await vscode.workspace.fs.delete(bib());
    await until('hu2021lora to go', () => !api.service.snapshot.paper('hu2021lora'), 3000);
    assert.equal(vscode.languages.getDiagnostics(bib()).length, 0);
    await writeText(bib(), text);
    await until('hu2021lora to come back', () => !!api.service.snapshot.paper('hu2021lora'), 3000);
  });

  it('reports a digest that cannot be read by name and keeps the others', async () => {
    await config().update('digests', ['digests/*.bib', 'digests/today.json', 'digests'], vscode.ConfigurationTarget.Workspace);
    const problem = await until('the unreadable digest', () => api.service.snapshot.problems.find((p) => /Cannot read digest .*digests/.test(p.message)));
    assert.equal(problem.severity, 'error');
    assert.ok(api.service.snapshot.paper('hu2021lora'));
  });

  it('leaves the bundled digest out when includeBundledDigest is false', async () => {
    await config().update('includeBundledDigest', false, vscode.ConfigurationTarget.Workspace);
    await until('the bundled papers to go', () => !api.service.snapshot.paper('ldpruner2024'));
    await config().update('includeBundledDigest', undefined, vscode.ConfigurationTarget.Workspace);
    await until('the bundled papers to return', () => !!api.service.snapshot.paper('ldpruner2024'));
  });

  it('starts the library engine again when its worker crashes, and a search made meanwhile waits for it', async () => {
    await api.service.idle();
    await api.service.saveNow();
    const before = api.service.snapshot;
    assert.ok((await before.search('lottery')).length > 0, 'the control: search works before the crash');
    api.service.crashEngineForTest();
    // Asked while the worker is gone: answered by the new one, not an error and not empty.
    const hits = await api.service.snapshot.search('lottery');
    assert.ok(hits.some((h) => h.paper.key === 'frankle2019lottery'), JSON.stringify(hits.map((h) => h.paper.key)));
    const reloaded = await until('a library from the new worker', () => (api.service.snapshot !== before ? api.service.snapshot : undefined), 20000);
    assert.equal(api.service.lastLoad?.fromSavedIndex, true, 'reloaded from the saved index');
    assert.ok(reloaded.paper('hu2021lora'));
    assert.match(await hoverAt('As in [@hu2021lora].', 9), /LoRA/);
  });

  after(async () => {
    // Leave one setting and a saved index for the warm-start run.
    await config().update('digests', ['digests/*.bib'], vscode.ConfigurationTarget.Workspace);
    await until('the settings to apply', () => !api.service.snapshot.papers.some((p) => p.title.startsWith('LazyLLM')));
    await api.service.saveNow();
  });
});
