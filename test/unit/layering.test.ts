import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './fixtures';

/**
 * The layering, checked by tools rather than review: src/core imports neither the vscode
 * API nor Node, and bundles for a browser with nothing left to resolve.
 */
const CORE = join(ROOT, 'src', 'core');
const coreFiles = () => readdirSync(CORE, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

/** The modules a file imports (static imports, re-exports, dynamic imports, require). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (let m = re.exec(source); m; m = re.exec(source)) found.push(m[1]!);
  return found;
}

describe('the core layer', () => {
  it('imports neither vscode nor a Node module', () => {
    const node = new Set(builtinModules);
    const offending: string[] = [];
    for (const file of coreFiles()) {
      for (const spec of importsOf(readFileSync(join(CORE, file), 'utf8'))) {
        if (spec === 'vscode' || spec.startsWith('node:') || node.has(spec.split('/')[0]!)) offending.push(`${file}: ${spec}`);
      }
    }
    assert.deepEqual(offending, []);
    // The control: the check sees an import of each kind.
    assert.deepEqual(importsOf("import * as vscode from 'vscode';\nexport { x } from 'node:fs';\nconst y = require('path');"), ['vscode', 'node:fs', 'path']);
  });

  it('bundles for a browser, dependencies included, with nothing unresolved', async function () {
    this.timeout(60000);
    const result = await build({
      entryPoints: coreFiles().map((f) => join(CORE, f)),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['worker'],
      mainFields: ['browser', 'module', 'main'],
      outdir: join(ROOT, 'out', 'core-browser-check'),
      write: false,
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
  });
});
