import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Workbench, copyWorkspace } from './workbench';

/** A hostile digest in the workbench: the quick pick and the paper card show its text, nothing runs. */
describe('An untrusted digest in the workbench (UI)', function () {
  this.timeout(120000);
  let workbench: Workbench;
  let folder: string;
  const settings = JSON.stringify({ 'paperDigest.digests': ['hostile.txt'] });

  before(async () => {
    folder = copyWorkspace(join(ROOT, 'examples', 'notes'));
    copyFileSync(join(ROOT, 'test', 'fixtures', 'digests', 'hostile.txt'), join(folder, 'hostile.txt'));
    mkdirSync(join(folder, '.vscode'));
    writeFileSync(join(folder, '.vscode', 'settings.json'), settings);
    // Shared notes and digests from the web: the folder is not trusted (Restricted Mode).
    workbench = await Workbench.open(folder, { restricted: true });
  });

  after(() => workbench?.close());

  it('lists the hostile paper in Search Papers as plain text and opens its card, leaving no trace', async () => {
    const page = workbench.page;
    await page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).waitFor({ state: 'visible', timeout: 30000 });
    await workbench.openNote('pruning.md');
    // The extension declares untrusted-workspace support: it still reads digests and shows cards.
    await page.locator('.statusbar-item', { hasText: /50 papers/ }).waitFor({ state: 'visible', timeout: 30000 });
    await workbench.runCommand('Paper Digest: Search Papers');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.pressSequentially('command link', { delay: 30 });
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'A Title That Is A Command Link' }).first();
    await row.waitFor({ state: 'visible' });
    assert.match(await row.innerText(), /\[click\]\(command:workbench\.action\.terminal\.sendSequence/);
    await row.click();
    const tab = page.locator('.tabs-container .tab', { hasText: '[click](command' });
    await tab.waitFor({ state: 'visible' });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ROOT, 'out', 'screenshots', 'hostile-card.png') });
    assert.ok(!existsSync(join(folder, 'pwned.txt')), 'no file was made');
    assert.equal(readFileSync(join(folder, '.vscode', 'settings.json'), 'utf8'), settings);
    assert.equal(await page.locator('.terminal-outer-container').count(), 0);
  });
});
