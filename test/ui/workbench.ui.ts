/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
// Plain JS shared with the integration runner.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROOT, startCodeServer, workbenchUrl, launchBrowser, copyWorkspace } = require('../vscode/codeServer.js');

/**
 * Drives the real workbench like a person: opens the view, hovers a name, runs
 * palette commands, types. Screenshots go to out/screenshots/ (the README uses them).
 */
const SHOTS = join(ROOT, 'out', 'screenshots');
const VIEW = '[id="workbench.view.extension.paperDigest"]';

describe('Paper Digest in the workbench (UI)', function () {
  this.timeout(120000);
  let server: { url: string; dataDir: string; stop: () => void };
  let context: BrowserContext;
  let page: Page;
  let folder: string;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

  async function treeRows(): Promise<string[]> {
    return page.locator(`${VIEW} .monaco-list-row[role="treeitem"] .label-name`).allInnerTexts();
  }

  async function runCommand(title: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = page.locator(`.quick-input-widget .monaco-list-row[aria-label*="${title}"]`).first();
    await row.waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
  }

  async function openNote(name: string): Promise<void> {
    await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).click();
    await page.locator(`.editor-instance .monaco-editor[data-uri$="${name}"]`).waitFor({ state: 'visible' });
  }

  /** The screen box of `word` in the visible editor lines. */
  async function wordBox(word: string) {
    return page.evaluate((w) => {
      for (const span of Array.from(document.querySelectorAll('.editor-instance .view-line span span'))) {
        const text = span.textContent ?? '';
        const index = text.indexOf(w);
        if (index < 0 || !span.firstChild) continue;
        const range = document.createRange();
        range.setStart(span.firstChild, index);
        range.setEnd(span.firstChild, index + w.length);
        const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }
      return null;
    }, word);
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startCodeServer();
    folder = copyWorkspace(join(ROOT, 'examples', 'notes'));
    context = await launchBrowser(server.dataDir);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(workbenchUrl(server.url, folder));
    await page.locator('.explorer-folders-view .monaco-list-row[aria-label="pruning.md"]').waitFor({ state: 'visible', timeout: 60000 });
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    server?.stop();
  });

  it('shows the technique tree with categories, counts and papers', async () => {
    await page.locator('.activitybar .action-item a.action-label[aria-label^="Paper Digest"]').click();
    await page.locator(`${VIEW} .monaco-list-row[role="treeitem"]`).first().waitFor({ state: 'visible', timeout: 30000 });
    const rows = await treeRows();
    assert.ok(rows.includes('Compression'), rows.join(' | '));
    assert.ok(rows.includes('Pruning & Sparsity'), rows.join(' | '));
    await page.locator(`${VIEW} .monaco-list-row[role="treeitem"]`, { hasText: 'Pruning & Sparsity' }).click();
    await page.locator(`${VIEW} .monaco-list-row[role="treeitem"]`, { hasText: 'LD-Pruner' }).waitFor({ state: 'visible' });
    const expanded = await page.locator(`${VIEW} .monaco-list-row[role="treeitem"]`, { hasText: 'LD-Pruner' }).innerText();
    assert.match(expanded, /LD-Pruner\s*2024-04-18 · ▲ 0/);
    await page.mouse.move(700, 450); // away from the activity bar's tooltip
    await page.waitForTimeout(300);
    await shot('technique-tree');
  });

  it('shows a card when hovering a paper name in a note', async () => {
    await page.locator('.activitybar .action-item a.action-label[aria-label^="Explorer"]').click();
    await openNote('pruning.md');
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Efficient Pruning of Latent Diffusion' });
    for (let attempt = 0; attempt < 5 && !(await hover.isVisible()); attempt++) {
      const box = await wordBox('LD-Pruner');
      assert.ok(box, 'LD-Pruner is visible in the editor');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height + 60);
      await page.waitForTimeout(150);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await hover.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    }
    const text = await hover.innerText();
    assert.match(text, /LD-Pruner: Efficient Pruning of Latent Diffusion Models using Task-Agnostic Insights/);
    assert.match(text, /LD-Pruner · 2024-04-18 · 4 authors · ▲ 0/);
    assert.match(text, /Insert citation/);
    await shot('hover-card');
    await page.mouse.move(5, 5);
  });

  it('searches papers from the command palette and opens the chosen card', async () => {
    await runCommand('Paper Digest: Search Papers');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible' });
    await input.pressSequentially('lottery', { delay: 40 });
    const first = page.locator('.quick-input-widget .monaco-list-row').first();
    await page.waitForFunction(() => document.querySelector('.quick-input-widget .monaco-list-row')?.textContent?.includes('The Lottery Ticket Hypothesis'));
    assert.match(await first.innerText(), /Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks/);
    await shot('search-papers');
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab', { hasText: 'The Lottery Ticket Hypothesis' });
    await tab.waitFor({ state: 'visible' });
    await page.waitForTimeout(500);
    await shot('paper-card');
  });

  it('inserts a citation picked from the palette into the note', async () => {
    await openNote('lora.md');
    const box = await wordBox('suffice.');
    assert.ok(box);
    await page.mouse.click(box.x + box.width + 2, box.y + box.height / 2);
    await page.keyboard.press('End');
    await runCommand('Paper Digest: Insert Citation');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.pressSequentially('intrinsic dimensionality', { delay: 30 });
    await page.waitForFunction(() => document.querySelector('.quick-input-widget .monaco-list-row')?.textContent?.includes('Intrinsic Dimensionality Explains'));
    await shot('insert-citation');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+S');
    const saved = () => readFileSync(join(folder, 'lora.md'), 'utf8');
    for (let i = 0; i < 50 && !saved().includes('@intrinsic2020'); i++) await page.waitForTimeout(100);
    assert.match(saved(), /why so few parameters suffice\. \[@intrinsic2020\]\n/);
  });
});
