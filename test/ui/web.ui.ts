import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Workbench, copyWorkspace, temporaryFolder } from './workbench';

/**
 * The browser bundle (dist/web/extension.js) in VS Code's web worker extension
 * host, as on vscode.dev: a copy of the extension whose manifest has `browser`
 * and no `main`, started with extensionDevelopmentKind=web. No Node there; the
 * digests come through vscode.workspace.fs.
 */
function webOnlyExtension(): string {
  const dir = temporaryFolder('paper-digest-web-');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.main;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const part of ['dist/web', 'media', 'syntaxes']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  return dir;
}

describe('Paper Digest on the web (web worker extension host)', function () {
  this.timeout(120000);
  let workbench: Workbench;

  before(async () => {
    const folder = copyWorkspace(join(ROOT, 'examples', 'notes'));
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    mkdirSync(join(folder, 'digests'), { recursive: true });
    cpSync(join(ROOT, 'test', 'fixtures', 'digests', 'library.bib'), join(folder, 'digests', 'mine.bib'));
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'paperDigest.digests': ['digests/*.bib'] }));
    workbench = await Workbench.open(folder, { extensionPath: webOnlyExtension(), kind: 'web' });
  });

  after(() => workbench?.close());

  it('indexes the bundled digest and a workspace BibTeX file (47 + 5 entries, each its own paper)', async () => {
    await workbench.openNote('pruning.md');
    const status = workbench.page.locator('.statusbar-item', { hasText: /\d+ papers/ });
    await status.waitFor({ state: 'visible', timeout: 30000 });
    await workbench.page.waitForFunction(() => Array.from(document.querySelectorAll('.statusbar-item')).some((e) => /52 papers/.test(e.textContent ?? '')), undefined, { timeout: 15000 });
  });

  it('shows hover cards', async () => {
    const text = await workbench.hover('LD-Pruner', 'Efficient Pruning of Latent Diffusion');
    assert.match(text, /LD-Pruner · 2024-04-18 · 4 authors · ▲ 0/);
  });
});
