import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../src/core/library';
import { ROOT, Workbench, copyWorkspace } from './workbench';

/**
 * Drives the real workbench like a person: opens the view, hovers a name, runs
 * palette commands, types. Screenshots go to out/screenshots/ (the README uses them).
 */
const SHOTS = join(ROOT, 'out', 'screenshots');
const VIEW = '[id="workbench.view.extension.paperDigest"]';

describe('Paper Digest in the workbench (UI)', function () {
  this.timeout(120000);
  let workbench: Workbench;
  let folder: string;
  const page = () => workbench.page;
  const shot = (name: string) => page().screenshot({ path: join(SHOTS, `${name}.png`) });
  const treeRows = () => page().locator(`${VIEW} .monaco-list-row[role="treeitem"] .label-name`).allInnerTexts();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    folder = copyWorkspace(join(ROOT, 'examples', 'notes'));
    workbench = await Workbench.open(folder);
  });

  after(() => workbench?.close());

  it('shows the technique tree with categories, counts and papers', async () => {
    await page().locator('.activitybar .action-item a.action-label[aria-label^="Paper Digest"]').click();
    await page().locator(`${VIEW} .monaco-list-row[role="treeitem"]`).first().waitFor({ state: 'visible', timeout: 30000 });
    const rows = await treeRows();
    assert.ok(rows.includes('Compression'), rows.join(' | '));
    assert.ok(rows.includes('Pruning & Sparsity'), rows.join(' | '));
    await page().locator(`${VIEW} .monaco-list-row[role="treeitem"]`, { hasText: 'Pruning & Sparsity' }).click();
    const row = page().locator(`${VIEW} .monaco-list-row[role="treeitem"]`, { hasText: 'LD-Pruner' });
    await row.waitFor({ state: 'visible' });
    assert.match(await row.innerText(), /LD-Pruner\s*2024-04-18 · ▲ 0/);
    await page().mouse.move(700, 450); // away from the activity bar's tooltip
    await page().waitForTimeout(300);
    await shot('technique-tree');
  });

  it('counts the papers in the status bar', async () => {
    const texts = await workbench.statusBarTexts();
    assert.ok(texts.some((t) => /47 papers/.test(t)), texts.join(' | '));
  });

  it('shows a card when hovering a paper name in a note', async () => {
    await page().locator('.activitybar .action-item a.action-label[aria-label^="Explorer"]').click();
    await workbench.openNote('pruning.md');
    const text = await workbench.hover('LD-Pruner', 'Efficient Pruning of Latent Diffusion');
    assert.match(text, /LD-Pruner: Efficient Pruning of Latent Diffusion Models using Task-Agnostic Insights/);
    assert.match(text, /LD-Pruner · 2024-04-18 · 4 authors · ▲ 0/);
    assert.match(text, /Insert citation/);
    await shot('hover-card');
    await page().mouse.move(5, 5);
  });

  it('searches papers from the command palette and opens the chosen card', async () => {
    await workbench.runCommand('Paper Digest: Search Papers');
    const input = page().locator('.quick-input-widget input');
    await page().locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible' });
    await input.pressSequentially('lottery', { delay: 40 });
    await page().waitForFunction(() => document.querySelector('.quick-input-widget .monaco-list-row')?.textContent?.includes('The Lottery Ticket Hypothesis'));
    assert.match(await page().locator('.quick-input-widget .monaco-list-row').first().innerText(), /Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks/);
    await shot('search-papers');
    await page().keyboard.press('Enter');
    await page().locator('.tabs-container .tab', { hasText: 'The Lottery Ticket Hypothesis' }).waitFor({ state: 'visible' });
    await page().waitForTimeout(500);
    await shot('paper-card');
  });

  it('keeps the search\'s own order in the picker, not VS Code\'s sort by label', async () => {
    const seed = join(ROOT, 'media', 'digests', 'daily-papers-parameter-count.txt');
    const expected = Library.fromDigests([{ path: seed, text: readFileSync(seed, 'utf8') }])
      .search('pruning diffusion', { limit: 2 })
      .map((h) => h.paper.title);
    // The control: sorted by label (what VS Code does with a matching label), the order would differ.
    assert.notDeepEqual([...expected].sort(), expected, 'this query must be one where a label sort changes the order');
    await workbench.runCommand('Paper Digest: Search Papers');
    const input = page().locator('.quick-input-widget input');
    await page().locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible' });
    await input.pressSequentially('pruning diffusion', { delay: 30 });
    await page().waitForFunction((title) => document.querySelector('.quick-input-widget .monaco-list-row')?.textContent?.includes(title.slice(0, 40)) ?? false, expected[0]!, { timeout: 15000 });
    const rows = await page().locator('.quick-input-widget .monaco-list-row').allInnerTexts();
    assert.ok(rows[0]!.includes(expected[0]!.slice(0, 40)) && rows[1]!.includes(expected[1]!.slice(0, 40)), rows.slice(0, 3).join('\n---\n'));
    await page().keyboard.press('Escape');
  });

  it('inserts a citation picked from the palette into the note', async () => {
    await workbench.openNote('lora.md');
    const box = await workbench.wordBox('suffice.');
    assert.ok(box);
    await page().mouse.click(box.x + box.width + 2, box.y + box.height / 2);
    await page().keyboard.press('End');
    await workbench.runCommand('Paper Digest: Insert Citation');
    const input = page().locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.pressSequentially('intrinsic dimensionality', { delay: 30 });
    await page().waitForFunction(() => document.querySelector('.quick-input-widget .monaco-list-row')?.textContent?.includes('Intrinsic Dimensionality Explains'));
    await shot('insert-citation');
    await page().keyboard.press('Enter');
    await page().locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page().keyboard.press('Control+S');
    const saved = () => readFileSync(join(folder, 'lora.md'), 'utf8');
    for (let i = 0; i < 50 && !saved().includes('@intrinsic2020'); i++) await page().waitForTimeout(100);
    assert.match(saved(), /why so few parameters suffice\. \[@intrinsic2020\]\n/);
  });

  it('shows formatted citations and a bibliography in the Markdown preview', async () => {
    const tab = page().locator('.tabs-container .tab', { hasText: 'pruning.md' });
    if (await tab.count()) await tab.first().click();
    else await workbench.openNote('pruning.md');
    await workbench.runCommand('Markdown: Open Preview to the Side');
    // The preview is a webview: nested frames; look for ours in every frame until the citations are rendered.
    const deadline = Date.now() + 30000;
    let found: { citations: number; entries: number; text: string } | undefined;
    while (!found && Date.now() < deadline) {
      for (const frame of page().frames()) {
        const result = await frame
          .evaluate(() => ({
            citations: document.querySelectorAll('a.paper-digest-citation').length,
            entries: document.querySelectorAll('.paper-digest-references > div').length,
            text: document.body?.innerText ?? '',
          }))
          .catch(() => undefined);
        if (result && result.citations > 0 && result.entries > 0) found = result;
      }
      if (!found) await page().waitForTimeout(500);
    }
    assert.ok(found, 'the preview shows citations rendered by Paper Digest');
    assert.ok(!/\[@ldpruner2024\]/.test(found.text), 'the citation is formatted, not raw');
    assert.match(found.text, /LD-Pruner: Efficient Pruning of Latent Diffusion Models/);
    await shot('preview-citations');
    // Last in the suite: a webview keeps the keyboard, so the preview is closed by its tab.
    await page().locator('.tabs-container .tab', { hasText: 'Preview' }).locator('.codicon-close').first().click();
  });
});
