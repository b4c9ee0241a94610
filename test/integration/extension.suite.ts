import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TechniqueTreeProvider, TreeNode } from '../../src/vscode/techniqueTree';
import { PaperDigestApi, activateExtension, hoverText, openNote, positionOf, until, workspaceFile } from './helpers';

describe('Paper Digest in VS Code', function () {
  let api: PaperDigestApi;
  before(async () => {
    api = await activateExtension();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('paperDigest').update('citationStyle', undefined, vscode.ConfigurationTarget.Global);
  });

  describe('activation', () => {
    it('activates and contributes its commands with the Paper Digest category', async () => {
      const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('paperDigest.'));
      const manifest = vscode.extensions.getExtension('paper-digest.paper-digest')!.packageJSON as { contributes: { commands: Array<{ command: string; category: string }> } };
      // The factories' tables and package.json name the same commands, in both directions.
      const contributed = manifest.contributes.commands.map((c) => c.command);
      assert.ok(contributed.includes('paperDigest.searchPapers') && contributed.length >= 20, contributed.join(', '));
      for (const id of contributed) assert.ok(registered.includes(id), `${id} is contributed but not registered`);
      for (const id of registered) {
        // The tree view's own commands (focus, collapse…) are VS Code's.
        if (!/^paperDigest\.(?:techniques|citedIn)\./.test(id)) assert.ok(contributed.includes(id), `${id} is registered but not contributed`);
      }
      for (const c of manifest.contributes.commands) assert.equal(c.category, 'Paper Digest');
    });
  });

  describe('hover', () => {
    let document: vscode.TextDocument;
    before(async () => {
      document = await vscode.workspace.openTextDocument(workspaceFile('pruning.md'));
      await vscode.window.showTextDocument(document);
    });
    const hover = async (position: vscode.Position) =>
      hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? []);

    it('shows the card on a short name in prose', async () => {
      const text = await hover(positionOf(document, 'LD-Pruner prunes', 3));
      assert.match(text, /LD-Pruner: Efficient Pruning of Latent Diffusion Models/);
      assert.match(text, /LD-Pruner · 2024-04-18 · 4 authors · ▲ 0/);
      assert.match(text, /Insert citation/);
    });

    it('silences a name from its hover, for this workspace only, and brings it back when the setting goes', async () => {
      const at = positionOf(document, 'LD-Pruner prunes', 3);
      const before = await hover(at);
      assert.match(before, /Don't treat "LD-Pruner" as a paper here/);
      const config = () => vscode.workspace.getConfiguration('paperDigest');
      try {
        await vscode.commands.executeCommand('paperDigest.ignoreName', 'LD-Pruner');
        assert.deepEqual(config().inspect('ignoredNames')?.workspaceValue, ['LD-Pruner']);
        assert.equal(await until('the name to go quiet', async () => ((await hover(at)) === '' ? 'quiet' : undefined)), 'quiet');
        // The citation of the same paper still counts.
        assert.match(await hover(positionOf(document, '@ldpruner2024', 3)), /LD-Pruner: Efficient Pruning/);
      } finally {
        await config().update('ignoredNames', undefined, vscode.ConfigurationTarget.Workspace);
      }
      assert.match(await until('the name back', async () => ((await hover(at)) || undefined)), /LD-Pruner: Efficient Pruning/);
    });

    it('shows the card on a citation key', async () => {
      const text = await hover(positionOf(document, '@efficientqat2024', 4));
      assert.match(text, /EfficientQAT: Efficient Quantization-Aware Training/);
      assert.match(text, /▲ 3/);
    });

    it('shows the card on a full title in any case', async () => {
      const note = await openNote('we read the lottery ticket hypothesis: finding sparse, trainable neural networks today');
      const text = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', note.document.uri, new vscode.Position(0, 20))) ?? []);
      assert.match(text, /The Lottery Ticket Hypothesis/);
    });

    it('returns no card inside a code block or outside any name', async () => {
      assert.doesNotMatch(await hover(positionOf(document, 'MixLoRA [@mixlora]', 2)), /MixLoRA: Enhancing/);
      assert.doesNotMatch(await hover(positionOf(document, 'reading notes', 2)), /Paper Digest|@/);
    });
  });

  describe('completion', () => {
    it('offers citation keys after [@ without any setting', async () => {
      const editor = await openNote('See [@');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 6), '@');
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('ldpruner2024'), labels.join());
      assert.equal(labels.length, 47);
    });

    it('matches name and title words as the key is typed', async () => {
      const editor = await openNote('See [@mixl');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 10));
      const first = list.items.find((i) => i.sortText === '0000')!;
      assert.equal(typeof first.label === 'string' ? first.label : first.label.label, 'mixlora');
      const quant = await openNote('As shown in @quantization');
      const byWord = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', quant.document.uri, new vscode.Position(0, 25));
      assert.ok(byWord.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'efficientqat2024'));
    });

    it('shows each item\'s name, title and date, and the paper\'s card once the item is resolved', async () => {
      const editor = await openNote('See [@ldpr');
      // The fourth argument resolves the first item, as the list does for the item it shows.
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 10), undefined, 1);
      const first = list.items[0]!;
      const label = first.label as vscode.CompletionItemLabel;
      assert.deepEqual([label.label, label.description], ['ldpruner2024', 'LD-Pruner']);
      assert.match(label.detail ?? '', /Efficient Pruning of Latent Diffusion Models/);
      assert.match(first.detail ?? '', /LD-Pruner · 2024/);
      const card = first.documentation instanceof vscode.MarkdownString ? first.documentation.value : String(first.documentation);
      assert.match(card, /have emerged as powerful generative models/, `the card has the abstract, which the list itself never decodes: ${card}`);
    });

    it('offers nothing after an e-mail-like @', async () => {
      const editor = await openNote('mail me@exa');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 11));
      // Word-based suggestions from other notes may appear; citation items (kind Reference) must not.
      assert.ok(!list.items.some((i) => i.kind === vscode.CompletionItemKind.Reference));
    });
  });

  describe('commands', () => {
    it('Insert Citation with a paper writes a pandoc citation at the cursor', async () => {
      const editor = await openNote('Pruning works.');
      editor.selection = new vscode.Selection(0, 13, 0, 13);
      await vscode.commands.executeCommand('paperDigest.insertCitation', 'ldpruner2024');
      assert.equal(editor.document.getText(), 'Pruning works [@ldpruner2024].');
    });

    it('Insert Citation inside an existing [@a] adds ; @b instead of nesting', async () => {
      const editor = await openNote('Known [@ldpruner2024] result.');
      editor.selection = new vscode.Selection(0, 12, 0, 12);
      await vscode.commands.executeCommand('paperDigest.insertCitation', 'efficientqat2024');
      assert.equal(editor.document.getText(), 'Known [@ldpruner2024; @efficientqat2024] result.');
    });

    it('Insert Citation in footnote style adds the definition at the end of the note', async () => {
      await vscode.workspace.getConfiguration('paperDigest').update('citationStyle', 'footnote', vscode.ConfigurationTarget.Global);
      const editor = await openNote('Quantization helps.\n');
      editor.selection = new vscode.Selection(0, 18, 0, 18);
      await vscode.commands.executeCommand('paperDigest.insertCitation', 'efficientqat2024');
      const text = editor.document.getText();
      assert.ok(text.startsWith('Quantization helps[^efficientqat2024].\n'), text);
      // A copied page gives no link of the paper's own: its code repository is not presented as one.
      assert.match(text, /\n\[\^efficientqat2024\]: 8 authors\. EfficientQAT: Efficient Quantization-Aware Training for Large Language Models \(2024\)\.\n$/);
    });

    it('Copy Citation Key and Copy BibTeX put the paper on the clipboard', async () => {
      await vscode.commands.executeCommand('paperDigest.copyCitationKey', 'ldpruner2024');
      assert.equal(await vscode.env.clipboard.readText(), 'ldpruner2024');
      await vscode.commands.executeCommand('paperDigest.copyBibtex', 'ldpruner2024');
      assert.match(await vscode.env.clipboard.readText(), /^@misc\{ldpruner2024,/);
    });

    it('Show in Digest opens the digest at the paper\'s line', async () => {
      await vscode.commands.executeCommand('paperDigest.showInDigest', 'ldpruner2024');
      const editor = await until('the digest editor', () => (vscode.window.activeTextEditor?.document.uri.path.endsWith('daily-papers-parameter-count.txt') ? vscode.window.activeTextEditor : undefined));
      assert.equal(editor.selection.active.line, 28);
      assert.match(editor.document.lineAt(28).text, /^LD-Pruner:/);
    });

    it('Open Paper Card shows the card in the editor area', async () => {
      await vscode.commands.executeCommand('paperDigest.openPaper', 'efficientqat2024');
      const tab = await until('the card tab', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('paperDigest.card')),
      );
      assert.equal(tab.label, 'EfficientQAT');
    });
  });

  describe('technique tree', () => {
    it('lists categories, techniques with counts, and papers', async () => {
      const categories = (await api.tree.getChildren());
      const labels = categories.map((c) => api.tree.getTreeItem(c).label);
      assert.ok(labels.includes('Compression'), labels.join());
      const compression = categories.find((c) => api.tree.getTreeItem(c).label === 'Compression')!;
      const pruning = (await api.tree.getChildren(compression)).find((t) => api.tree.getTreeItem(t).label === 'Pruning & Sparsity')!;
      const item = api.tree.getTreeItem(pruning);
      const papers = (await api.tree.getChildren(pruning));
      assert.equal(item.description, String(papers.length));
      const ldNode = papers.find((p) => api.tree.getTreeItem(p).label === 'LD-Pruner')!;
      const ld = api.tree.getTreeItem(ldNode);
      assert.equal(ld.description, '2024-04-18 · ▲ 0');
      assert.equal(ld.command?.command, 'paperDigest.openPaper');
      assert.equal(ld.tooltip, undefined, 'no card until the pointer rests on the paper');
      const resolved = api.tree.resolveTreeItem(ld, ldNode);
      assert.ok(resolved.tooltip instanceof vscode.MarkdownString);
      assert.match(resolved.tooltip.value, /Pruner/);
    });

    it('has a place for every paper, and groups by digest file or year on request', async () => {
      const everyPaper = async () => {
        const keys = new Set<string>();
        for (const c of (await api.tree.getChildren())) for (const t of (await api.tree.getChildren(c))) for (const p of (await api.tree.getChildren(t))) if (p.kind === 'paper') keys.add(p.paper.key);
        return keys;
      };
      const library = api.service.snapshot;
      assert.equal((await everyPaper()).size, library.papers.length);
      const untagged = library.papers.find((p) => p.techniques.length === 0);
      if (untagged) {
        const node = (await api.tree.findPaper(untagged.key))!;
        assert.equal(node.kind === 'paper' && node.category.id, 'other');
        await vscode.commands.executeCommand('paperDigest.showInTree', untagged.key);
      }
      try {
        await vscode.commands.executeCommand('paperDigest.groupPapers', 'digest');
        const digests = (await api.tree.getChildren()).map((c) => api.tree.getTreeItem(c).label);
        assert.ok(digests.includes('daily-papers-parameter-count.txt'), digests.join());
        assert.equal((await everyPaper()).size, library.papers.length);
        await vscode.commands.executeCommand('paperDigest.groupPapers', 'year');
        const years = (await api.tree.getChildren()).map((c) => String(api.tree.getTreeItem(c).label));
        assert.deepEqual(years.filter((y) => /^\d{4}$/.test(y)), [...years.filter((y) => /^\d{4}$/.test(y))].sort().reverse());
        assert.equal((await everyPaper()).size, library.papers.length);
      } finally {
        await vscode.commands.executeCommand('paperDigest.groupPapers', 'technique');
      }
    });

    it('classifies papers with techniques of your own from the settings, and drops them when the setting goes', async () => {
      const config = () => vscode.workspace.getConfiguration('paperDigest');
      const has = () => api.service.snapshot.paper('ldpruner2024')?.techniques.includes('latent-diffusion');
      assert.ok(!has(), 'control: not a built-in technique');
      try {
        await config().update('techniques', [{ id: 'latent-diffusion', label: 'Latent Diffusion', category: 'generative', categoryLabel: 'Generative Models', words: ['latent diffusion'] }], vscode.ConfigurationTarget.Workspace);
        await until('the new technique', () => has());
        const categories = (await api.tree.getChildren()).map((c) => String(api.tree.getTreeItem(c).label));
        assert.ok(categories.includes('Generative Models'), categories.join());
        assert.equal(api.service.snapshot.paper('ldpruner2024')?.key, 'ldpruner2024', 'keys stay');
      } finally {
        await config().update('techniques', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await until('the technique to go', () => !has());
    });

    it('shows a large technique a page at a time, with the rest behind a "more" item, and pages on to a paper Show in Tree asks for', async () => {
      // The extension's own tree, three papers a page.
      const pagedTree = () => new (api.tree.constructor as typeof TechniqueTreeProvider)(api.service, 3);
      const pruningIn = async (tree: TechniqueTreeProvider) => {
        const compression = (await tree.getChildren()).find((c) => tree.getTreeItem(c).label === 'Compression')!;
        return (await tree.getChildren(compression)).find((t) => tree.getTreeItem(t).label === 'Pruning & Sparsity')!;
      };
      const keysOf = (nodes: TreeNode[]) => nodes.map((n) => (n.kind === 'paper' ? n.paper.key : n.kind));
      const whole = keysOf(await api.tree.getChildren(await pruningIn(api.tree)));
      assert.ok(whole.length >= 5 && !whole.includes('more'), `control: two hundred a page shows them all (${whole.length})`);
      const twoPages = [...whole.slice(0, 6), ...(whole.length > 6 ? ['more'] : [])];

      const paged = pagedTree();
      const pagedToo = pagedTree();
      try {
        const pruning = await pruningIn(paged);
        const first = await paged.getChildren(pruning);
        assert.deepEqual(keysOf(first), [...whole.slice(0, 3), 'more']);
        const more = paged.getTreeItem(first[3]!);
        assert.equal(more.label, '3 more papers…');
        assert.equal(more.description, `${whole.length - 3} not shown`);
        assert.equal(more.command?.command, 'paperDigest.showMorePapers');
        paged.showMore(first[3]!);
        assert.deepEqual(keysOf(await paged.getChildren(pruning)), twoPages, 'a page more');

        // Show in Tree, on the fifth paper: the tree pages on to show it.
        const fifth = await pagedToo.findPaper(whole[4]!);
        assert.equal(fifth?.kind === 'paper' && fifth.paper.key, whole[4]);
        assert.deepEqual(keysOf(await pagedToo.getChildren(await pruningIn(pagedToo))), twoPages);
      } finally {
        paged.dispose();
        pagedToo.dispose();
      }
    });

    it('sorts papers by upvotes when asked', async () => {
      api.tree.setSort('upvotes');
      try {
        const compression = (await api.tree.getChildren()).find((c) => api.tree.getTreeItem(c).label === 'Compression')!;
        const pruning = (await api.tree.getChildren(compression)).find((t) => api.tree.getTreeItem(t).label === 'Pruning & Sparsity')!;
        const votes = (await api.tree.getChildren(pruning)).map((p) => (p.kind === 'paper' ? p.paper.upvotes ?? -1 : -1));
        assert.deepEqual(votes, [...votes].sort((a, b) => b - a));
      } finally {
        api.tree.setSort('date');
      }
    });
  });
});
